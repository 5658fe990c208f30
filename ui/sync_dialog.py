"""«Thư mục đồng bộ» and «Xem nhiều xã» (issue #19): the dialogs, thin Qt over cchc_desktop.sync, imported when
their menu entry is first chosen (the controller that watches the folder is ui/sync_controller.py)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from cchc_desktop.errors import UserError
from cchc_desktop.sync import folder as sync_folder

from . import file_dialogs, messages
from .busy import busy

if TYPE_CHECKING:
    from .sync_controller import SyncController

class SyncDialog(QDialog):
    def __init__(self, controller: SyncController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        store = controller.store
        self.setWindowTitle("Thư mục đồng bộ")
        layout = QVBoxLayout(self)
        intro = QLabel("Chọn một thư mục dùng chung (ổ mạng của cơ quan, hoặc thư mục được Syncthing, OneDrive, "
                       "Google Drive đồng bộ). Mỗi máy chỉ ghi gói dữ liệu của mình vào đó và tự hợp nhất gói của "
                       "các máy khác. Không đặt cơ sở dữ liệu trong thư mục này.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        folder = controller.folder
        self.path_edit = QLineEdit(str(folder) if folder else "", self)
        choose = QPushButton("&Chọn…", self)
        choose.clicked.connect(self.choose)
        folder_label = QLabel("Thư &mục:", self)
        folder_label.setBuddy(self.path_edit)
        row.addWidget(folder_label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(choose)
        layout.addLayout(row)
        self.auto = QCheckBox("&Tự động hợp nhất các thay đổi không xung đột (xung đột và dòng bị xóa vẫn chờ bạn xem)",
                              self)
        self.auto.setChecked(controller.auto_apply)
        layout.addWidget(self.auto)
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        layout.addWidget(self.report, 1)
        if controller.last_report:
            self.report.setPlainText("\n".join(controller.last_report.lines()))
        buttons = QHBoxLayout()
        now = QPushButton("Đồng bộ &ngay", self)
        now.clicked.connect(self.sync_now)
        stop = QPushButton("N&gừng đồng bộ", self)
        stop.clicked.connect(self.stop)
        close = QPushButton("Đóng", self)
        close.clicked.connect(self.accept)
        buttons.addWidget(now)
        buttons.addWidget(stop)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.store = store
        self.resize(760, 440)

    def choose(self) -> None:
        path = file_dialogs.folder(self, file_dialogs.SYNC, "Chọn thư mục đồng bộ", self.path_edit.text())
        if path:
            self.path_edit.setText(path)

    def _save(self) -> bool:
        text = self.path_edit.text().strip()
        try:
            sync_folder.set_folder(self.store, text or None)
        except UserError as exc:
            messages.error(self, "Thư mục đồng bộ", str(exc))
            return False
        sync_folder.set_auto_apply(self.store, self.auto.isChecked())
        self.controller.restart()
        return True

    def sync_now(self) -> None:
        if not self.path_edit.text().strip():
            messages.info(self, "Thư mục đồng bộ", "Hãy chọn thư mục đồng bộ trước.")
            return
        if not self._save():
            return
        with busy(self, "Đang đồng bộ…", show=True):
            report = self.controller.run(settle=False)
        if report is not None:
            self.report.setPlainText("\n".join(report.lines() or ["Không có gì mới."]))

    def stop(self) -> None:
        self.path_edit.clear()
        self._save()
        self.report.setPlainText("Đã ngừng đồng bộ. Gói dữ liệu đã ghi trong thư mục vẫn được giữ nguyên.")


class PortfolioDialog(QDialog):
    """Several communes' packages side by side, read-only (nothing is merged into this database)."""

    def __init__(self, parent: QWidget | None = None):
        from cchc_desktop.sync.portfolio import HEADERS

        super().__init__(parent)
        self.portfolio = None
        self.setWindowTitle("Xem tiến độ nhiều xã (chỉ đọc)")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        open_button = QPushButton("&Mở thư mục chứa các gói .cchc…", self)
        open_button.clicked.connect(self.open_folder)
        self.export_button = QPushButton("&Xuất bảng so sánh (.xlsx)…", self)
        self.export_button.clicked.connect(self.export)
        self.export_button.setEnabled(False)
        row.addWidget(open_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self.table = QTableWidget(0, len(HEADERS) - 1, self)
        self.table.setHorizontalHeaderLabels(HEADERS[:-1])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.doubleClicked.connect(lambda index: self.drill_down(index.row()))
        layout.addWidget(self.table, 1)
        self.note = QLabel("Nháy đúp một dòng để xem kế hoạch của xã đó (chỉ đọc).", self)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.button(QDialogButtonBox.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1200, 560)

    def load(self, paths: list[Path]) -> None:
        from cchc_desktop.sync.portfolio import open_portfolio, row_values

        self.close_portfolio()
        with busy(self, "Đang đọc các gói dữ liệu…", total=max(1, len(paths))) as job:
            self.portfolio = open_portfolio(paths, progress=job.progress)
        rows = sorted(self.portfolio.rows, key=lambda r: r.unit)
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row_values(row)[:-1]):
                text = f"{value:.1%}".replace(".", ",") if c == 4 else ("" if value == "" else str(value))
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignCenter)
                self.table.setItem(r, c, item)
        refused = "".join(f"\n• {name}: {why}" for name, why in self.portfolio.refused)
        self.note.setText(f"{len(rows)} kế hoạch từ {len(set(r.file for r in rows))} gói."
                          + (f" Bỏ qua:{refused}" if refused else " Nháy đúp một dòng để xem chi tiết (chỉ đọc)."))
        self.export_button.setEnabled(bool(rows))

    def open_folder(self) -> None:
        path = file_dialogs.folder(self, file_dialogs.USB, "Chọn thư mục chứa các gói .cchc")
        if path:
            self.load([Path(path)])

    def export(self) -> None:
        path = file_dialogs.save_file(self, file_dialogs.EXPORTS, "Lưu bảng so sánh", "so-sanh-tien-do.xlsx",
                                      "Excel (*.xlsx)")
        if not path:
            return
        from cchc_desktop.sync.portfolio import export_portfolio_xlsx

        try:
            export_portfolio_xlsx(self.portfolio, path)
        except UserError as exc:
            messages.error(self, "Xuất bảng so sánh", str(exc))
            return
        messages.info(self, "Xuất bảng so sánh", f"Đã ghi «{path}».")

    def drill_down(self, row: int) -> None:
        from cchc_desktop.tracking import display
        from cchc_desktop.tracking.rollup import plan_summary

        item = self.rows[row]
        store = self.portfolio.store_for(item)
        summary = plan_summary(store, item.plan_id, None, str(item.year))
        dialog = QDialog(self)
        dialog.setWindowTitle(f"{item.unit} — kế hoạch năm {item.year} (chỉ đọc)")
        table = QTableWidget(len(summary.items), 5, dialog)
        table.setHorizontalHeaderLabels(["Mục", "Nhiệm vụ", "Sản phẩm", "Cơ quan chủ trì", "Tình trạng"])
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        for r, state in enumerate(summary.items):
            for c, text in enumerate([state.section_label, state.task_content, state.description, state.lead_names,
                                      display.state_cell(state)]):
                table.setItem(r, c, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        box = QVBoxLayout(dialog)
        box.addWidget(table)
        dialog.resize(1100, 600)
        dialog.exec()

    def close_portfolio(self) -> None:
        if self.portfolio is not None:
            self.portfolio.close()
            self.portfolio = None

    def done(self, result: int) -> None:
        self.close_portfolio()
        super().done(result)
