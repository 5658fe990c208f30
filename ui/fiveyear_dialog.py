"""«Kế hoạch giai đoạn (5 năm)…»: for a yearly plan, the multi-year plan it belongs to and which five-year target
each of its targets counts toward; for a multi-year plan, each target's yearly values and progress toward the end
value, and the report «Kết quả thực hiện Kế hoạch giai đoạn» saved as PDF (cchc_desktop.planlife.fiveyear)."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView,
                               QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from cchc_desktop.errors import UserError, user_message
from cchc_desktop.planlife import fiveyear
from cchc_desktop.reports.document import render_pdf
from cchc_desktop.safe_write import SafeWriteError
from cchc_desktop.tracking import list_targets

from . import file_dialogs, messages
from .busy import busy
from .operations import perform_in
from .screen import fit_to_screen
from .forms import link_form_labels


def _years(row: dict) -> str:
    return str(row["year_start"]) if row["year_start"] == row["year_end"] else f"{row['year_start']}–{row['year_end']}"


NO_FIVE_YEAR_HINT = (
    "<b>Chưa có kế hoạch giai đoạn (nhiều năm) nào để gắn.</b> Có hai cách tạo:<br>"
    "• <b>Tệp → Nhập phụ lục từ tệp (Excel, Word, văn bản)…</b> (Ctrl+I): chọn tệp Word (.docx) hoặc văn bản (.txt) của Kế hoạch CCHC "
    "giai đoạn (ví dụ «… giai đoạn 2026–2030»); các năm được đọc từ tên kế hoạch; chọn ghi vào «Kế hoạch mới».<br>"
    "• <b>Tệp → Tạo kế hoạch mới…</b> (Ctrl+N), rồi trong <b>Thuộc tính kế hoạch</b> đặt «Năm» từ năm đầu đến "
    "năm cuối giai đoạn (ví dụ 2026 – 2030) và nhập hoặc gõ nhiệm vụ, chỉ tiêu.<br>"
    "Sau đó mở lại kế hoạch năm này, vào <b>Kế hoạch → Kế hoạch giai đoạn (5 năm)…</b> để gắn.")


class FiveYearDialog(QDialog):
    def __init__(self, store, plan_id: str, parent=None):
        super().__init__(parent)
        self.store, self.plan_id = store, plan_id
        self.plan = store.get_row("plan", plan_id)
        self.multi = self.plan["year_start"] != self.plan["year_end"]
        self.setWindowTitle("Kế hoạch giai đoạn")
        layout = QVBoxLayout(self)
        if self.multi:
            self._build_progress(layout)
        else:
            self._build_links(layout)
        buttons = QDialogButtonBox(self)
        buttons.addButton("Đóng", QDialogButtonBox.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 980, 560)
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    # -- a multi-year plan: progress and report -----------------------------------------------------------
    def _build_progress(self, layout: QVBoxLayout) -> None:
        layout.addWidget(QLabel(fiveyear.linked_text(self.store, self.plan_id), self))
        progress = fiveyear.target_progress(self.store, self.plan_id)
        years = list(range(self.plan["year_start"], self.plan["year_end"] + 1))
        headers = fiveyear.progress_headers(years)
        self.table = QTableWidget(len(progress), len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        for r, t in enumerate(progress):
            for c, value in enumerate(fiveyear.progress_cells(t)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        layout.addWidget(self.table, 1)
        save = QPushButton("&Lưu báo cáo «Kết quả thực hiện Kế hoạch giai đoạn» (PDF)…", self)
        save.clicked.connect(self.save_report)
        layout.addWidget(save)

    def save_report(self, path: str | None = None) -> None:
        if not path:          # (the reports' folder remembered, like every other report)
            path = file_dialogs.save_file(self, file_dialogs.REPORTS, "Lưu báo cáo",
                                          "bao-cao-ke-hoach-giai-doan.pdf", "Tệp PDF (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            with busy(self, "Đang lập báo cáo…"):
                report = fiveyear.build_period_report(self.store, self.plan_id, _dt.date.today())
                render_pdf(report, path)
        except (UserError, SafeWriteError, OSError) as exc:
            messages.error(self, "Lưu báo cáo", f"Không lưu được báo cáo: {user_message(exc, path)}")
            return
        if report.warnings:    # (a signer name set on the yearly plan only is not this plan's)
            messages.info(self, "Lưu báo cáo", f"Đã lưu «{Path(path).name}». Lưu ý: " + " ".join(report.warnings))

    # -- a yearly plan: its parent and its target links ------------------------------------------------------
    def _build_links(self, layout: QVBoxLayout) -> None:
        form = QFormLayout()
        self.parent_combo = QComboBox(self)
        self.parent_combo.addItem("— Không thuộc kế hoạch giai đoạn nào —", None)
        for row in fiveyear.parent_candidates(self.store, self.plan_id):
            self.parent_combo.addItem(f"{row['unit_name']} giai đoạn {_years(row)} {row['doc_number']}".strip(),
                                      row["id"])
        current = fiveyear.plan_link(self.store, self.plan_id)
        self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(current)))
        self.parent_combo.activated.connect(lambda _i: self.set_parent(self.parent_combo.currentData()))
        form.addRow("Thuộc kế hoạch &giai đoạn:", self.parent_combo)
        layout.addLayout(form)
        # no multi-year plan yet: say how to get one instead of an empty list (QA: a dead end)
        self.hint = QLabel(NO_FIVE_YEAR_HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.RichText)
        self.hint.setStyleSheet("background: #fff8e1; border: 1px solid #e0c070; padding: 6px;")
        self.hint.setVisible(self.parent_combo.count() == 1)
        layout.addWidget(self.hint)
        layout.addWidget(QLabel("Chỉ tiêu của kế hoạch năm được tính vào chỉ tiêu giai đoạn:", self))
        self.targets = QTableWidget(0, 2, self)
        self.targets.setHorizontalHeaderLabels(["Chỉ tiêu năm", "Tính vào chỉ tiêu giai đoạn"])
        self.targets.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        layout.addWidget(self.targets, 1)
        self._fill_targets()

    def _perform(self, label: str, action, *args) -> bool:
        """One core operation on the main window's undo stack (ui/operations.py)."""
        command = perform_in(self, label, action, *args,
                             message=lambda text: messages.error(self, "Kế hoạch giai đoạn", text))
        return command.ok

    def set_parent(self, parent_id: str | None) -> None:
        label = "Gắn kế hoạch năm với kế hoạch giai đoạn" if parent_id else "Bỏ gắn kế hoạch giai đoạn"
        self._perform(label, fiveyear.link_plan, self.store, self.plan_id, parent_id)
        self.plan = self.store.get_row("plan", self.plan_id)
        current = fiveyear.plan_link(self.store, self.plan_id)
        self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(current)))
        self._fill_targets()

    def _fill_targets(self) -> None:
        parent = fiveyear.plan_link(self.store, self.plan_id)
        targets = list_targets(self.store, self.plan_id)
        parents = list_targets(self.store, parent) if parent else []
        links = fiveyear.target_links(self.store, self.plan_id)
        self.targets.setRowCount(len(targets))
        self.link_combos = []
        for r, target in enumerate(targets):
            self.targets.setItem(r, 0, QTableWidgetItem(target["title"]))
            combo = QComboBox(self.targets)
            combo.addItem("— Không —", None)
            for p in parents:
                combo.addItem(p["title"], p["id"])
            combo.setCurrentIndex(max(0, combo.findData(links.get(target["id"], (None,))[0])))
            combo.setEnabled(bool(parents))
            combo.activated.connect(lambda _i, t=target["id"], c=combo: self.set_target_parent(t, c.currentData()))
            self.targets.setCellWidget(r, 1, combo)
            self.link_combos.append(combo)

    def set_target_parent(self, target_id: str, parent_id: str | None) -> None:
        self._perform("Tính chỉ tiêu năm vào chỉ tiêu giai đoạn", fiveyear.link_target, self.store, target_id,
                      parent_id)
