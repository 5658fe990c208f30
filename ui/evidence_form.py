"""The evidence-document inputs (loại văn bản, số/ký hiệu, ngày ban hành, trích yếu, tệp đính kèm),
shared by the single-product evidence dialog and the bulk update dialog."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLineEdit,
                               QPushButton, QWidget)

from . import file_dialogs
from .date_edit import DateEdit
from cchc_desktop.tracking import DOC_TYPES

NO_DATE = QDate(1990, 1, 1)  # the minimum of an optional date field stands for "no date"


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class EvidenceFields:
    """Adds the evidence rows to `form`; `values()` returns the keyword arguments of add_evidence."""

    def __init__(self, form: QFormLayout, parent: QWidget, *, optional_date: bool = True,
                 default_date: QDate | None = None):
        """``default_date``: the completion date when there is one (an evidence document is dated like the result
        it proves); otherwise an optional date starts empty rather than at today."""
        self.parent = parent
        self.optional_date = optional_date
        self.doc_type = QComboBox()
        self.doc_type.setEditable(True)
        self.doc_type.addItems(DOC_TYPES)
        self.doc_number = QLineEdit()
        self.doc_number.setPlaceholderText("VD: 03/KH-UBND")
        self.issued_on = DateEdit(QDate.currentDate())
        if optional_date:
            self.issued_on.setMinimumDate(NO_DATE)
            self.issued_on.setSpecialValueText("(chưa ghi ngày)")
        self.issued_on.setDate(default_date if default_date is not None else
                               (NO_DATE if optional_date else QDate.currentDate()))
        self.summary = QLineEdit()
        self.file = QLineEdit()
        browse = QPushButton("Chọn tệp…")
        browse.clicked.connect(self.browse)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.file, 1)
        row_layout.addWidget(browse)
        form.addRow("Loại văn bản:", self.doc_type)
        form.addRow("Số, ký hiệu:", self.doc_number)
        form.addRow("Ngày ban hành:", self.issued_on)
        form.addRow("Trích yếu:", self.summary)
        form.addRow("Tệp đính kèm:", row)

    def browse(self) -> None:
        path = file_dialogs.open_file(self.parent, file_dialogs.EVIDENCE, "Chọn tệp minh chứng")
        if path:
            self.file.setText(path)

    def load(self, evidence: dict) -> None:
        self.doc_type.setCurrentText(evidence["doc_type"])
        self.doc_number.setText(evidence["doc_number"])
        self.issued_on.setDate(qdate(date.fromisoformat(evidence["issued_on"])) if evidence["issued_on"]
                               else NO_DATE)
        self.summary.setText(evidence["summary"])
        if evidence.get("file_name"):
            self.file.setPlaceholderText(f"Giữ tệp hiện tại: {evidence['file_name']} (chọn tệp khác để thay)")

    def values(self) -> dict:
        issued = self.issued_on.date()
        return {"doc_type": self.doc_type.currentText(), "doc_number": self.doc_number.text(),
                "issued_on": None if (self.optional_date and issued == NO_DATE) else issued.toPython(),
                "summary": self.summary.text(),
                "source_file": self.file.text().strip() or None}
