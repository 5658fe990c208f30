"""Targets (chỉ tiêu) of a plan: list with the actual value of a reporting period, add / edit /
delete, seed targets. Every change is saved at once and is one undo step (ui.operations).

`TargetsEditor` is the widget (also the dashboard's «Chỉ tiêu» tab); `TargetsDialog` wraps it with a
period picker (menu «Theo dõi › Chỉ tiêu của kế hoạch…"); `TargetEditDialog` edits one target.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from cchc_desktop.tracking import (add_default_targets, add_target, default_targets, delete_target, list_targets,
                                   plan_periods,
                                   set_actual, target_results, update_target)
from cchc_desktop.tracking.targets import get_actual
from cchc_desktop.tracking.periods import make_period
from cchc_desktop.tracking.targets import COMPARISON_LABELS, format_value

from . import messages
from .operations import events_for, perform
from .forms import link_form_labels

COMPARISON_CHOICES = [(">=", "≥  không thấp hơn"), ("<=", "≤  không vượt quá"), ("=", "=  bằng"),
                      (">", ">  cao hơn"), ("<", "<  thấp hơn")]
UNIT_CHOICES = ["%", "hồ sơ", "văn bản", "cuộc", "cơ quan, đơn vị", "thủ tục", "hạng", "điểm", "lượt", "người"]


def parse_number(text: str) -> float | None:
    """"95", "95,5", "1.234,5", "96 %" -> float; "" -> None; ValueError if not a number."""
    text = (text or "").replace("%", "").replace("\u00a0", " ").strip()
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return float(text.replace(" ", ""))


class TargetEditDialog(QDialog):
    """Title, unit, comparison and target value of one target (new when `target` is None)."""

    def __init__(self, target: dict | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Sửa chỉ tiêu" if target else "Thêm chỉ tiêu")
        self.setMinimumWidth(460)
        self.title = QLineEdit()
        self.title.setPlaceholderText("VD: Tỷ lệ hồ sơ TTHC giải quyết đúng hạn")
        self.comparison = QComboBox()
        for code, label in COMPARISON_CHOICES:
            self.comparison.addItem(label, code)
        self.value = QLineEdit()
        self.value.setPlaceholderText("VD: 95")
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItems(UNIT_CHOICES)
        self.notes = QLineEdit()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        requirement = QHBoxLayout()
        requirement.addWidget(self.comparison)
        requirement.addWidget(self.value, 1)
        requirement.addWidget(self.unit, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.addRow("&Tên chỉ tiêu:", self.title)
        form.addRow("&Yêu cầu (so sánh, giá trị, đơn vị):", requirement)
        form.addRow("&Ghi chú:", self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu" if target else "Thêm")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.unit.setCurrentText("%")
        if target:
            self.title.setText(target["title"])
            self.comparison.setCurrentIndex(max(0, self.comparison.findData(target["comparison"])))
            self.value.setText(format_value(target["target_value"]))
            self.unit.setCurrentText(target["unit"])
            self.notes.setText(target.get("notes") or "")
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    def problem(self) -> str | None:
        if not self.title.text().strip():
            return "Hãy nhập tên chỉ tiêu."
        try:
            if parse_number(self.value.text()) is None:
                return "Hãy nhập giá trị chỉ tiêu (một số, ví dụ 95 hoặc 95,5)."
        except ValueError:
            return f"«{self.value.text()}» không phải là số."
        return None

    def _accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.accept()

    def values(self) -> dict:
        return {"title": " ".join(self.title.text().split()), "unit": self.unit.currentText().strip(),
                "comparison": self.comparison.currentData(), "target_value": parse_number(self.value.text()),
                "notes": self.notes.text().strip()}


class TargetsEditor(QWidget):
    """Targets with the actual value of `period_key()`; double-click «Thực hiện» to enter it.
    Emits `changed` after every saved change (and its undo/redo)."""

    changed = Signal()

    def __init__(self, store, plan_id: str, period_key, undo_stack=None, parent=None):
        super().__init__(parent)
        self.store, self.plan_id = store, plan_id
        self.period_key = period_key          # callable -> reporting period key
        self.undo_stack = undo_stack          # (connects the change notification)
        self.dialog_runner = lambda dialog: bool(dialog.exec())   # tests replace these
        self.message = lambda title, text: messages.error(self, title, text)
        self.confirm = lambda title, text: messages.confirm(self, title, text)
        self._filling = False
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Chỉ tiêu", "Yêu cầu", "Thực hiện (kỳ này)", "Kết quả"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        rewrap = QTimer(self.table)
        rewrap.setSingleShot(True)
        rewrap.setInterval(0)
        rewrap.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: rewrap.start())
        self.table.itemChanged.connect(self._item_changed)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.hint = QLabel("Nhấp đúp vào cột «Thực hiện» để nhập số liệu của kỳ đang chọn; "
                           "nhấp đúp vào tên để sửa chỉ tiêu.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #444;")
        buttons = QHBoxLayout()
        for text, tip, slot in (
                ("&Thêm…", "Thêm một chỉ tiêu", self.add_dialog),
                ("&Sửa…", "Sửa tên, yêu cầu của chỉ tiêu đã chọn", self.edit_selected),
                ("&Xóa", "Xóa chỉ tiêu đã chọn cùng số liệu thực hiện (có thể hoàn tác)", self.delete_selected),
                ("Thêm các chỉ tiêu &mẫu",
                 "Thêm các chỉ tiêu thường gặp trong kế hoạch CCHC cấp xã (có thể sửa, xóa sau)",
                 self.add_defaults)):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, f=slot: f())
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)

    # -- filling -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.fill(target_results(self.store, self.plan_id, self.period_key()), self.period_key())

    def fill(self, results, period_key: str) -> None:
        self._filling = True
        selected = self.selected_id()
        table = self.table
        table.setRowCount(len(results))
        for r, t in enumerate(results):
            title = QTableWidgetItem(t.title)
            title.setData(Qt.UserRole, t.target_id)
            title.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
            requirement = QTableWidgetItem(t.requirement)
            requirement.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
            actual = QTableWidgetItem("" if t.actual is None else format_value(t.actual))
            actual.setData(Qt.UserRole, t.target_id)
            actual.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable)
            if t.actual_period and t.actual_period != period_key:
                label = make_period(t.actual_period).label
                actual.setToolTip(f"Số liệu của kỳ {label}")
                actual.setText(f"{format_value(t.actual)} ({label})")
            met = QTableWidgetItem(t.met_label)
            met.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
            for c, item in enumerate((title, requirement, actual, met)):
                table.setItem(r, c, item)
            if t.target_id == selected:
                table.selectRow(r)
        table.resizeRowsToContents()
        self._filling = False

    def selected_id(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 else None
        return item.data(Qt.UserRole) if item else None

    def _target(self, target_id: str) -> dict | None:
        return next((t for t in list_targets(self.store, self.plan_id) if t["id"] == target_id), None)

    # -- changes -------------------------------------------------------------------------------------
    @property
    def undo_stack(self):
        return self._undo_stack

    @undo_stack.setter
    def undo_stack(self, stack) -> None:
        """Changes go on `stack`; the editor follows the stack's change notification."""
        self._undo_stack = stack
        if getattr(self, "events", None) is not None:
            self.events.changed.disconnect(self._store_changed)
        self.events = events_for(stack, self)
        self.events.changed.connect(self._store_changed)

    def _store_changed(self, result) -> None:
        if result.entities() & {"target", "target_actual", "plan"}:
            self._changed()

    def _run(self, title: str, label: str, action, /, *args, **kwargs):
        """The value of the operation (one undo step), or None when it was refused (message shown)."""
        command = perform(self.store, self._undo_stack, self.events, label, action, *args,
                          message=lambda text: self.message(title, text), **kwargs)
        if not command.ok:
            self._changed()
            return None
        return command.result.value if command.result.value is not None else True

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def add_dialog(self) -> str | None:
        dialog = TargetEditDialog(None, self)
        if not self.dialog_runner(dialog):
            return None
        values = dialog.values()
        return self._run("Không thêm được chỉ tiêu", f"Thêm chỉ tiêu «{values['title']}»", add_target, self.store,
                         self.plan_id, **values)

    def edit_selected(self) -> bool:
        target_id = self.selected_id()
        target = self._target(target_id) if target_id else None
        if target is None:
            self.message("Chỉ tiêu", "Hãy chọn một chỉ tiêu trong danh sách.")
            return False
        dialog = TargetEditDialog(target, self)
        if not self.dialog_runner(dialog):
            return False
        new = {k: v for k, v in dialog.values().items() if target.get(k) != v}
        if not new:
            return False
        return self._run("Không sửa được chỉ tiêu", f"Sửa chỉ tiêu «{target['title']}»", update_target, self.store,
                         target_id, **new) is not None

    def delete_selected(self) -> bool:
        target_id = self.selected_id()
        target = self._target(target_id) if target_id else None
        if target is None:
            return False
        if not self.confirm("Xóa chỉ tiêu", f"Xóa chỉ tiêu «{target['title']}» cùng các số liệu thực hiện đã "
                            "nhập? (Có thể hoàn tác bằng Ctrl+Z.)"):
            return False
        return self._run("Không xóa được chỉ tiêu", f"Xóa chỉ tiêu «{target['title']}»", delete_target, self.store,
                         target_id) is not None

    def add_defaults(self) -> list[str]:
        plan_id = self.plan_id
        existing = {t["title"] for t in list_targets(self.store, plan_id)}
        if all(spec.title in existing for spec in default_targets()):
            self.message("Chỉ tiêu", "Các chỉ tiêu mẫu đã có trong kế hoạch.")
            return []
        return self._run("Không thêm được chỉ tiêu", "Thêm các chỉ tiêu mẫu", add_default_targets, self.store,
                         plan_id) or []

    def set_actual_value(self, target_id: str, value: float | None) -> bool:
        period = self.period_key()
        old_value, old_notes = get_actual(self.store, target_id, period)
        if old_value == value:
            return False
        label = make_period(period).label
        return self._run("Không lưu được số liệu", f"Nhập số liệu chỉ tiêu ({label})", set_actual, self.store,
                         target_id, period, value, old_notes) is not None

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 2:
            return
        text = item.text().split("(")[0]
        try:
            value = parse_number(text)
        except ValueError:
            self.message("Chỉ tiêu", f"«{item.text()}» không phải là số.")
            QTimer.singleShot(0, self._changed)
            return
        if not self.set_actual_value(item.data(Qt.UserRole), value):
            QTimer.singleShot(0, self.refresh)     # unchanged: show the stored text again

    def _double_clicked(self, row: int, column: int) -> None:
        if column != 2:
            self.table.selectRow(row)
            self.edit_selected()


class TargetsDialog(QDialog):
    """Menu «Theo dõi › Chỉ tiêu của kế hoạch…»: the targets editor with a period picker."""

    def __init__(self, store, plan_id: str, parent=None, undo_stack=None, period_key: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Chỉ tiêu của kế hoạch")
        self.resize(820, 480)
        plan = store.row("plan", plan_id)
        self.period = QComboBox()
        for period in plan_periods(plan["year_start"], plan["year_end"]):
            self.period.addItem(period.label, period.key)
        self.period.setCurrentIndex(max(0, self.period.findData(period_key or str(plan["year_start"]))))
        self.editor = TargetsEditor(store, plan_id, self.period.currentData, undo_stack, self)
        self.period.currentIndexChanged.connect(lambda _i: self.editor.refresh())
        top = QHBoxLayout()
        period_label = QLabel("Số liệu thực hiện của &kỳ:", self)
        period_label.setBuddy(self.period)
        top.addWidget(period_label)
        top.addWidget(self.period)
        top.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)
        layout.addWidget(QLabel("Mọi thay đổi được lưu ngay; có thể hoàn tác bằng Ctrl+Z ở cửa sổ chính."))
        layout.addWidget(buttons)
        self.editor.refresh()


__all__ = ["TargetEditDialog", "TargetsEditor", "TargetsDialog", "COMPARISON_LABELS", "parse_number"]
