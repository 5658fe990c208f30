"""Plan properties (unit, period, document number/date, status) and the plan picker."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem,
                               QSpinBox, QVBoxLayout)

from ..date_edit import DateEdit
from cchc_desktop.domain import PLAN_STATUS_LABELS

from ..plan_labels import plan_label, plan_labels, unit_label  # noqa: F401 - re-exported
from ..forms import link_form_labels

UNIT_KINDS = ["xã", "phường", "thị trấn", "đặc khu"]


class PlanPropertiesDialog(QDialog):
    """Edit or create a plan. `values()` returns the fields for store.create_plan/update."""

    def __init__(self, plan=None, parent=None, title: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title or ("Thuộc tính kế hoạch" if plan else "Tạo kế hoạch mới"))
        self.setMinimumWidth(480)
        form = QFormLayout()
        self.unit_name = QLineEdit(self)
        self.unit_name.setPlaceholderText("Ví dụ: Xuân Trường")
        self.unit_kind = QComboBox(self)
        self.unit_kind.addItems(UNIT_KINDS)
        self.superior_body = QLineEdit(self)
        self.superior_body.setPlaceholderText("Ví dụ: UBND tỉnh Ninh Bình")
        self.title = QLineEdit(self)
        this_year = date.today().year
        self.year_start = QSpinBox(self)
        self.year_end = QSpinBox(self)
        for box in (self.year_start, self.year_end):
            box.setRange(2000, 2100)
            box.setValue(this_year)
        self.year_start.valueChanged.connect(lambda v: self.year_end.setValue(max(v, self.year_end.value())))
        years = QHBoxLayout()
        years.addWidget(self.year_start)
        years.addWidget(self.year_end)
        self.doc_number = QLineEdit(self)
        self.doc_number.setPlaceholderText("Ví dụ: 03/KH-UBND")
        self.has_date = QCheckBox("Đã &có ngày ban hành", self)
        self.doc_date = DateEdit(self)
        self.doc_date.setDisplayFormat("dd/MM/yyyy")
        self.doc_date.setCalendarPopup(True)
        self.doc_date.setDate(QDate.currentDate())
        self.has_date.toggled.connect(self.doc_date.setEnabled)
        self.doc_date.setEnabled(False)
        dates = QHBoxLayout()
        dates.addWidget(self.has_date)
        dates.addWidget(self.doc_date, 1)
        self.status = QComboBox(self)
        for key, label in PLAN_STATUS_LABELS.items():
            self.status.addItem(label, key)
        form.addRow("Tên đơn &vị (xã/phường):", self.unit_name)
        form.addRow("&Loại đơn vị:", self.unit_kind)
        form.addRow("Cơ &quan cấp trên:", self.superior_body)
        form.addRow("&Tên kế hoạch:", self.title)
        form.addRow("&Năm (từ – đến):", years)
        form.addRow("&Số kế hoạch:", self.doc_number)
        form.addRow("Ngày &ban hành:", dates)
        form.addRow("T&rạng thái:", self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Đồng ý")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if plan is not None:
            self.load(plan)
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    def load(self, plan) -> None:
        self.unit_name.setText(plan.unit_name)
        self.unit_kind.setCurrentIndex(max(0, UNIT_KINDS.index(plan.unit_kind)
                                           if plan.unit_kind in UNIT_KINDS else 0))
        self.superior_body.setText(plan.superior_body)
        self.title.setText(plan.title)
        self.year_start.setValue(plan.year_start)
        self.year_end.setValue(plan.year_end)
        self.doc_number.setText(plan.doc_number)
        if plan.doc_date:
            self.has_date.setChecked(True)
            self.doc_date.setDate(QDate.fromString(plan.doc_date, "yyyy-MM-dd"))
        self.status.setCurrentIndex(max(0, self.status.findData(plan.status)))

    def _accept(self) -> None:
        if not self.unit_name.text().strip():
            self.unit_name.setFocus()
            self.unit_name.setPlaceholderText("Cần nhập tên đơn vị")
            return
        self.accept()

    def values(self) -> dict:
        return {
            "unit_name": " ".join(self.unit_name.text().split()),
            "unit_kind": self.unit_kind.currentText(),
            "superior_body": self.superior_body.text().strip(),
            "title": self.title.text().strip(),
            "year_start": self.year_start.value(),
            "year_end": max(self.year_start.value(), self.year_end.value()),
            "doc_number": self.doc_number.text().strip(),
            "doc_date": self.doc_date.date().toString("yyyy-MM-dd") if self.has_date.isChecked() else "",
            "status": self.status.currentData(),
        }


class PlanPickerDialog(QDialog):
    """Choose a plan to open."""

    def __init__(self, plans: list[dict], current_id: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Mở kế hoạch")
        self.resize(560, 360)
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        for plan, label in zip(plans, plan_labels(plans)):
            item = QListWidgetItem(label, self.list)
            item.setData(Qt.UserRole, plan["id"])
            if plan["id"] == current_id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.Open | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Open).setText("Mở")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def selected_plan_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item else None
