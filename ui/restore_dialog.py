"""Backup dialogs (loaded on first use; the start-time hooks are in ui/backup_start.py, issue 18): the
«Khôi phục» dialog, recovery of a damaged database on start, "Sao lưu ngay" and "Sao lưu ra USB".
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHeaderView,
                               QLabel, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from . import file_dialogs
from cchc_desktop import APP_NAME
from cchc_desktop.backup import (BackupError, BackupInfo, RecoveryInfo, backup_to_folder, list_backups,
                                 make_backup, restore_backup, validate_backup)
from cchc_desktop.paths import backups_dir
from cchc_desktop.safe_write import SafeWriteError

from . import messages
from .busy import busy

if TYPE_CHECKING:
    from .backup_start import BackupHooks

COLUMNS = ("Bản số · thời điểm (đồng hồ máy)", "Lý do", "Kế hoạch", "Nhiệm vụ", "Dung lượng", "Tình trạng")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


class RestoreDialog(QDialog):
    """Lists backups (newest first) with dates and task counts; `chosen` is the picked backup."""

    def __init__(self, backups: list[BackupInfo], *, db_path: Path, recovery: RecoveryInfo | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.backups = list(backups)
        self.chosen: BackupInfo | None = None
        self.start_empty = False
        self.setWindowTitle(f"{APP_NAME} — Khôi phục dữ liệu")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        if recovery is not None:
            intro = (f"<b>Cơ sở dữ liệu «{self.db_path.name}» bị hỏng</b> ({recovery.problem}).<br>"
                     "Chọn bản sao lưu để khôi phục. Tệp hỏng sẽ được đổi tên và giữ lại, không bị xóa.")
        else:
            intro = ("Chọn bản sao lưu để khôi phục. Dữ liệu hiện tại sẽ được sao lưu trước, "
                     "nên có thể quay lại nếu chọn nhầm.")
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        # widths set from the texts (with room for padding, selection and bold headers) in _fit_columns:
        # ResizeToContents left «Trước khi nhập dữ liệu» clipped; «Tình trạng» takes the rest
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.itemDoubleClicked.connect(lambda _item: self._accept_selected())
        layout.addWidget(self.table)
        self.empty_label = QLabel("Chưa có bản sao lưu nào.")
        layout.addWidget(self.empty_label)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("&Khôi phục", QDialogButtonBox.AcceptRole)
        self.file_button = buttons.addButton("Chọn &tệp khác…", QDialogButtonBox.ActionRole)
        if recovery is not None:
            self.empty_button = buttons.addButton("Tạo cơ sở dữ liệu &mới", QDialogButtonBox.DestructiveRole)
            self.empty_button.clicked.connect(self._start_empty)
        buttons.addButton("Hủy", QDialogButtonBox.RejectRole)
        self.restore_button.clicked.disconnect()
        self.restore_button.clicked.connect(self._accept_selected)
        self.file_button.clicked.connect(self._pick_file)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.backups))
        first_ok = None
        for row, info in enumerate(self.backups):
            values = (info.created_label, info.reason_label,
                      "" if info.plan_count is None else str(info.plan_count),
                      "" if info.task_count is None else str(info.task_count),
                      _size(info.size), "Dùng được" if info.ok else f"Hỏng: {info.problem}")
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col in (2, 3, 4):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if not info.ok:
                    item.setForeground(Qt.red)
                self.table.setItem(row, col, item)
            if info.ok and first_ok is None:
                first_ok = row
        self._fit_columns()
        self.empty_label.setVisible(not self.backups)
        self.restore_button.setEnabled(bool(self.backups))
        if first_ok is not None:
            self.table.selectRow(first_ok)

    def _fit_columns(self) -> None:
        """Every column as wide as its longest text (or every reason label, so a later row never
        clips) plus padding; the last column stretches."""
        from PySide6.QtGui import QFont, QFontMetrics
        from cchc_desktop.backup import REASON_LABELS

        body = self.table.fontMetrics()
        bold = QFont(self.table.horizontalHeader().font())
        bold.setBold(True)
        head = QFontMetrics(bold)
        for col in range(len(COLUMNS) - 1):
            texts = [self.table.item(r, col).text() for r in range(self.table.rowCount())
                     if self.table.item(r, col) is not None]
            if col == 1:
                texts.extend(REASON_LABELS.values())
            width = max([head.horizontalAdvance(COLUMNS[col]) + 20]
                        + [body.horizontalAdvance(t) + 20 for t in texts])
            self.table.setColumnWidth(col, width)
        # the dialog grows (within a 1366-px screen) so «Tình trạng» keeps room for "Dùng được"
        wanted = sum(self.table.columnWidth(c) for c in range(len(COLUMNS) - 1)) \
            + max(head.horizontalAdvance(COLUMNS[-1]), body.horizontalAdvance("Dùng được")) + 20 + 60
        self.resize(min(max(self.width(), wanted), 1300), self.height())

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _accept_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        if not info.ok:
            messages.error(self, APP_NAME, f"Bản sao lưu này bị hỏng ({info.problem}); hãy chọn bản khác.")
            return
        self.chosen = info
        self.accept()

    def _pick_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn tệp sao lưu", str(backups_dir(self.db_path)),
                                              "Cơ sở dữ liệu CCHC (*.sqlite3 *.db);;Mọi tệp (*)")
        if not name:
            return
        try:
            info = validate_backup(name)
        except BackupError as exc:
            messages.error(self, APP_NAME, str(exc))
            return
        self.backups.insert(0, info)
        self._fill()
        self.table.selectRow(0)

    def _start_empty(self) -> None:
        if messages.confirm(self, APP_NAME, "Bắt đầu với cơ sở dữ liệu trống? Tệp hỏng vẫn được giữ lại để nhờ "
                            "kỹ thuật viên cứu dữ liệu."):
            self.start_empty = True
            self.chosen = None
            self.accept()


def ask_recovery(proposal: RecoveryInfo, parent: QWidget | None = None) -> bool:
    """`confirm` callback for open_or_recover: let the user pick the backup (or start empty)."""
    dialog = RestoreDialog(list_backups(proposal.db_path, check=True), db_path=proposal.db_path,
                           recovery=proposal, parent=parent)
    if dialog.exec() != QDialog.Accepted:
        return False
    proposal.backup = dialog.chosen
    return dialog.chosen is not None or dialog.start_empty


def restore_interactively(parent: QWidget | None, hooks: BackupHooks) -> bool:
    db_path = hooks.db_path()
    with busy(parent, "Đang kiểm tra các bản sao lưu…"):
        backups = list_backups(db_path, check=True)
    dialog = RestoreDialog(backups, db_path=db_path, parent=parent)
    if dialog.exec() != QDialog.Accepted or dialog.chosen is None:
        return False
    info = dialog.chosen
    if not messages.confirm(parent, APP_NAME, f"Khôi phục dữ liệu về thời điểm {info.created_label} "
                            f"({info.task_count} nhiệm vụ)?\nDữ liệu hiện tại sẽ được sao lưu trước."):
        return False
    hooks.close_store()
    try:
        with busy(parent, f"Đang khôi phục dữ liệu lúc {info.created_label}…", show=True):
            result = restore_backup(db_path, info.path)
    except (BackupError, SafeWriteError) as exc:
        hooks.reopen_store()
        messages.critical(parent, APP_NAME, str(exc))
        return False
    hooks.reopen_store()
    kept = result.safety_backup or result.set_aside
    missing = "".join(f"\nThiếu tệp minh chứng {m.describe()}" for m in result.missing_files[:5])
    messages.info(parent, APP_NAME, f"Đã khôi phục bản sao lưu {info.created_label} "
                            f"({result.files_restored} tệp minh chứng được chép lại).\n"
                            f"Dữ liệu trước khi khôi phục được giữ tại «{kept}».{missing}")
    return True


def backup_now(parent: QWidget | None, hooks: BackupHooks) -> Path | None:
    try:
        with busy(parent, "Đang sao lưu dữ liệu…", show=True):
            path = make_backup(hooks.db_path(), "thu-cong", dedupe=False)
    except BackupError as exc:
        messages.critical(parent, APP_NAME, str(exc))
        return None
    messages.info(parent, APP_NAME, f"Đã sao lưu vào «{path}».")
    return path


def backup_to_usb(parent: QWidget | None, hooks: BackupHooks) -> Path | None:
    folder = file_dialogs.folder(parent, file_dialogs.USB, "Chọn thư mục (USB) để sao lưu")
    if not folder:
        return None
    try:
        with busy(parent, "Đang sao lưu ra USB và kiểm tra lại tệp…", show=True):
            path = backup_to_folder(hooks.db_path(), folder)
    except (BackupError, SafeWriteError) as exc:
        messages.critical(parent, APP_NAME, str(exc))
        return None
    messages.info(parent, APP_NAME, f"Đã sao lưu ra «{path}» và kiểm tra lại tệp. "
                            "Có thể rút USB sau khi dùng «Safely Remove» của Windows.")
    return path


__all__ = ["RestoreDialog", "ask_recovery", "restore_interactively", "backup_now", "backup_to_usb"]
