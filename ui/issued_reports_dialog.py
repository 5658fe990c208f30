"""«Sổ báo cáo định kỳ đã ban hành»: the year's four periodic reports with their due dates and whether each was
issued on time, the register's rows, and adding (by hand or from the plan's evidence documents) or removing rows.

Thin over cchc_desktop.tracking.issued_reports; every write is one operation on the window's undo stack
(``perform_in``), so Ctrl+Z in the main window undoes it.
"""
from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from cchc_desktop.tracking import issued_reports as reg

from . import messages
from .date_edit import DateEdit
from .operations import perform_in
from .forms import link_form_labels

COLUMNS = ["Kỳ", "Số, ký hiệu", "Ngày ban hành", "Trích yếu", "Nguồn"]


class IssuedReportsDialog(QDialog):
    def __init__(self, store, plan_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.plan_id = store, plan_id
        self.year = store.load_plan(plan_id).year_start
        self.setWindowTitle(f"Sổ báo cáo định kỳ đã ban hành năm {self.year}")
        self.checks_label = QLabel(self)
        self.checks_label.setWordWrap(True)
        self.checks_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setSelectionMode(QTableWidget.SingleSelection)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        add = QPushButton("&Ghi báo cáo đã ban hành…", self)
        add.clicked.connect(self.add_entry)
        propose = QPushButton("Lấy từ &văn bản minh chứng…", self)
        propose.clicked.connect(self.propose)
        self.remove_button = QPushButton("&Xóa dòng", self)
        self.remove_button.clicked.connect(self.remove_entry)
        close = QPushButton("Đóng", self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (add, propose, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        self.intro = QLabel("Các báo cáo định kỳ của năm (Quý I, 6 tháng, Quý III, Năm) và hạn ban hành theo "
                            "thiết lập của kế hoạch; tiêu chí «báo cáo đúng hạn» của Chỉ số CCHC tính từ sổ này.", self)
        self.intro.setWordWrap(True)          # a 1024-pixel screen: the line wraps instead of widening the dialog
        layout.addWidget(self.intro)
        layout.addWidget(self.checks_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(900, 480)
        self.refresh()

    def refresh(self) -> None:
        # the same computation and words as the PAR criterion «báo cáo đúng hạn» (assessed at the year's end)
        ref = dt.date(self.year, 12, 31)
        _on_time, _counted, text = reg.on_time_summary(reg.report_checks(self.store, self.plan_id, self.year, ref),
                                                       ref)
        head, _sep, rest = text.partition(" (")
        self.checks_label.setText(f"<b>{escape(head)}</b> ({escape(rest)}")
        self.rows = reg.list_issued(self.store, self.plan_id, self.year)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = [reg.period_label(row["period_key"]), row["doc_number"],
                      dt.date.fromisoformat(row["issued_on"]).strftime("%d/%m/%Y"), row["summary"],
                      reg.SOURCE_LABELS[row["source"]]]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.remove_button.setEnabled(bool(self.rows))

    def _write(self, label: str, action, *args, **kwargs) -> bool:
        command = perform_in(self, label, action, *args,
                             message=lambda text: messages.error(self, "Sổ báo cáo đã ban hành", text), **kwargs)
        self.refresh()
        return command.ok

    def add_entry(self, values: dict | None = None) -> bool:
        """Ask for one issued report (or take ``values``: period_key, issued_on, doc_number, summary)."""
        if values is None:
            form = EntryDialog(self.year, self)
            if form.exec() != QDialog.Accepted:
                return False
            values = form.values()
        return self._write("Ghi sổ báo cáo đã ban hành", reg.add_issued, self.store, self.plan_id,
                           values["period_key"], values["issued_on"], doc_number=values.get("doc_number", ""),
                           summary=values.get("summary", ""))

    def remove_entry(self) -> bool:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return False
        return self._write("Xóa dòng sổ báo cáo", reg.delete_issued, self.store, self.rows[row]["id"])

    def propose(self) -> bool:
        proposals = reg.evidence_proposals(self.store, self.plan_id, self.year)
        if not proposals:
            messages.info(self, "Sổ báo cáo đã ban hành", "Không tìm thấy văn bản minh chứng nào là báo cáo định kỳ "
                                                            "CCHC của năm mà sổ chưa có.")
            return False
        review = QDialog(self)
        review.setWindowTitle("Báo cáo tìm thấy trong văn bản minh chứng")
        box = QVBoxLayout(review)
        hint = QLabel("Bỏ đánh dấu những văn bản không phải báo cáo định kỳ rồi bấm «Ghi vào sổ»:", review)
        hint.setWordWrap(True)
        box.addWidget(hint)
        listing = QListWidget(review)
        for p in proposals:
            item = QListWidgetItem(p.label)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked)
            listing.addItem(item)
        box.addWidget(listing)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, review)
        buttons.button(QDialogButtonBox.Ok).setText("Ghi vào sổ")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(review.accept)
        buttons.rejected.connect(review.reject)
        box.addWidget(buttons)
        review.resize(760, 360)
        self.review = review
        if review.exec() != QDialog.Accepted:
            return False
        chosen = [p for i, p in enumerate(proposals) if listing.item(i).checkState() == Qt.Checked]
        return bool(chosen) and self._write("Ghi sổ báo cáo từ văn bản minh chứng", reg.add_proposals, self.store,
                                            self.plan_id, chosen)


class EntryDialog(QDialog):
    """One issued report: which period, number, date, summary. With ``entry`` (a report just saved or printed,
    ``reports.catalog.IssueEntry``) it asks «Ghi vào sổ báo cáo đã ban hành?» with the header's number and date."""

    def __init__(self, year: int, parent: QWidget | None = None, entry=None):
        super().__init__(parent)
        self.setWindowTitle("Ghi vào sổ báo cáo đã ban hành?" if entry else "Ghi báo cáo định kỳ đã ban hành")
        form = QFormLayout(self)
        if entry is not None:
            question = QLabel("Báo cáo vừa lưu hoặc in là báo cáo định kỳ. Ghi vào sổ báo cáo đã ban hành (dùng "
                              "cho tiêu chí báo cáo đúng hạn của Chỉ số CCHC)? Kiểm tra số, ký hiệu và ngày ban "
                              "hành; chưa ban hành thì bấm «Không ghi».", self)
            question.setWordWrap(True)
            form.addRow(question)
        self.period = QComboBox(self)
        for key, label in reg.register_periods(year):      # a Quý II report is registered as Quý II, not «6 tháng»
            self.period.addItem(label, key)
        self.number = QLineEdit(self)
        self.number.setPlaceholderText("ví dụ 15/BC-UBND")
        day = (entry.issued_on if entry is not None and entry.issued_on else None) or dt.date.today()
        self.date = DateEdit(QDate(day.year, day.month, day.day), self)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.summary = QLineEdit(self)
        if entry is not None:
            self.period.setCurrentIndex(max(0, self.period.findData(entry.period_key)))
            self.number.setText(entry.doc_number)
            self.summary.setText(entry.summary)
            self.summary.setCursorPosition(0)
        form.addRow("&Kỳ báo cáo:", self.period)
        form.addRow("&Số, ký hiệu:", self.number)
        form.addRow("&Ngày ban hành:", self.date)
        form.addRow("&Trích yếu:", self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Ghi vào sổ")
        buttons.button(QDialogButtonBox.Cancel).setText("Không ghi" if entry is not None else "Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if entry is not None:
            self.resize(640, self.sizeHint().height())
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    def values(self) -> dict:
        d = self.date.date()
        return {"period_key": self.period.currentData(), "issued_on": dt.date(d.year(), d.month(), d.day()),
                "doc_number": self.number.text(), "summary": self.summary.text()}


__all__ = ["EntryDialog", "IssuedReportsDialog"]
