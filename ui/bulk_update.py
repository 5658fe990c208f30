"""Set status / completion date / evidence on several product rows at once: one transaction, one undo step.

The Qt-free core is `cchc_desktop.tracking.bulk_update(store, product_ids, period_key, **fields)`
(re-exported here), run as one operation (ui/operations.py); this module is the dialog.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QGroupBox, QLabel, QLineEdit,
                               QPlainTextEdit, QSpinBox, QVBoxLayout)

from cchc_desktop.tracking import STATUS_LABELS, STATUSES, bulk_update
from cchc_desktop.tracking.periods import make_period

from . import messages
from .date_edit import DateEdit
from .evidence_form import EvidenceFields
from .operations import perform

__all__ = ["bulk_update", "BulkUpdateDialog"]


class BulkUpdateDialog(QDialog):
    """Choose what to set on the selected rows; `apply()` does it (tests call it directly)."""

    def __init__(self, store, product_ids: list[str], period_key: str, undo_stack=None, parent=None,
                 ref: date | None = None):
        super().__init__(parent)
        self.store, self.product_ids, self.period_key = store, list(product_ids), period_key
        self.undo_stack, self.ref = undo_stack, ref
        self.command = None
        self.setWindowTitle("Cập nhật nhiều sản phẩm")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Áp dụng cho <b>{len(self.product_ids)}</b> sản phẩm — kỳ "
                                f"<b>{make_period(period_key).label}</b>. Ô để trống: giữ nguyên."))
        form = QFormLayout()
        self.status = QComboBox()
        self.status.addItem("(giữ nguyên)", None)
        for code in STATUSES:
            self.status.addItem(STATUS_LABELS[code], code)
        self.set_date = QCheckBox("Ngày hoàn thành:")
        self.date = DateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.set_percent = QCheckBox("Tỷ lệ hoàn thành:")
        self.percent = QSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.result = QPlainTextEdit()
        self.result.setFixedHeight(60)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("bắt buộc khi «Không thực hiện»")
        self.notes = QLineEdit()
        form.addRow("Trạng thái:", self.status)
        form.addRow(self.set_date, self.date)
        form.addRow(self.set_percent, self.percent)
        form.addRow("Kết quả thực hiện:", self.result)
        form.addRow("Lý do không thực hiện:", self.reason)
        form.addRow("Ghi chú:", self.notes)
        layout.addLayout(form)

        self.evidence_box = QGroupBox("Thêm cùng một văn bản minh chứng cho các sản phẩm")
        self.evidence_box.setCheckable(True)
        self.evidence_box.setChecked(False)
        self.evidence_fields = EvidenceFields(QFormLayout(self.evidence_box), self, optional_date=False,
                                              default_date=self.date.date())
        # the document is dated like the completion it proves, until the user types another date
        self.date.dateChanged.connect(lambda d: None if self.evidence_fields.issued_on.edit.isModified()
                                      else self.evidence_fields.issued_on.setDate(d))
        f = self.evidence_fields
        self.doc_type, self.doc_number, self.doc_date, self.summary, self.file = (
            f.doc_type, f.doc_number, f.issued_on, f.summary, f.file)
        layout.addWidget(self.evidence_box)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Áp dụng")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def fields(self) -> dict:
        fields = {}
        if self.status.currentData():
            fields["status"] = self.status.currentData()
        if self.set_date.isChecked():
            fields["completed_on"] = self.date.date().toPython()
        if self.set_percent.isChecked():
            fields["percent"] = self.percent.value()
        for key, widget in (("result", self.result), ("reason", self.reason), ("notes", self.notes)):
            text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
            if text.strip():
                fields[key] = text.strip()
        return fields

    def evidence(self) -> dict | None:
        if not self.evidence_box.isChecked():
            return None
        return self.evidence_fields.values()

    def apply(self) -> bool:
        """Apply as one operation (one transaction, one undo step). Returns False (message shown) on error."""
        fields, evidence = self.fields(), self.evidence()
        if not fields and not evidence:
            return True
        count = len(self.product_ids)
        self.command = perform(self.store, self.undo_stack, None, f"Cập nhật tình trạng {count} sản phẩm",
                               bulk_update, self.store, self.product_ids, self.period_key, ref=self.ref,
                               evidence=evidence, **fields,
                               message=lambda text: messages.error(self, "Không cập nhật được", text))
        return self.command.ok

    def _accept(self) -> None:
        if self.apply():
            self.accept()
