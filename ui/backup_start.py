"""Backups in the GUI at start: the database opened with its lock, recovery and start-up backup, the read-only
banner, the "Sao lưu" menu and the daily backup timer. The dialogs (ui/restore_dialog.py: «Khôi phục», recovery
of a damaged database, "Sao lưu ngay", "Sao lưu ra USB") load when first used (issue 18).

Hooks for the main window (core logic lives in cchc_desktop/backup.py and instance_lock.py):

    opened = open_database(db_path, parent=None)      # lock + recovery dialog + start-up backup
    if opened is None: return 1                       # refused (already open elsewhere) or cancelled
    store = opened.store                              # keep opened.lock alive until exit; opened.close()
    add_backup_menu(window, backup_hooks)             # menu "Sao lưu"; see BackupHooks
    DailyBackupTimer(db_path, parent=window)          # hourly check, one backup per day

Before an import or merge the caller runs `make_backup(db_path, REASON_IMPORT)` (core).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QWidget

from cchc_desktop import APP_NAME
from cchc_desktop.backup import BackupError, RecoveryInfo, StartupBackup, backup_if_due
from cchc_desktop.db import NETWORK, DatabaseError, storage_kind
from cchc_desktop.instance_lock import AlreadyRunning, InstanceLock, LockError
from cchc_desktop.paths import backups_dir
from cchc_desktop.safe_write import SafeWriteError

from . import messages
from .menus import insert_menu


def _ask_recovery(proposal: RecoveryInfo, parent: QWidget | None) -> bool:
    from . import restore_dialog   # the dialog loads only when a damaged database needs it

    return restore_dialog.ask_recovery(proposal, parent)


def _dialog(name: str):
    """ui/restore_dialog.py's `name` (loaded on first use)."""
    from . import restore_dialog

    return getattr(restore_dialog, name)


@dataclass
class OpenedDatabase:
    store: object
    lock: InstanceLock | None
    recovery: RecoveryInfo | None
    backup_job: StartupBackup | None      # the start-up backup, copying in a thread while the window shows
    read_only: bool = False
    backup_problem: str | None = None     # what stopped the start-up backup (None: fine or still running)

    @property
    def startup_backup(self) -> Path | None:
        """The start-up backup's file, once written (None: read-only database, or the backup failed)."""
        return self.wait_for_backup()

    def wait_for_backup(self) -> Path | None:
        if self.backup_job is None:
            return None
        try:
            return self.backup_job.wait()
        except (BackupError, SafeWriteError, OSError) as exc:
            self.backup_problem = f"Không tạo được bản sao lưu khi khởi động: {exc}"
            return None

    def copy_backup_now(self) -> None:
        """The window has painted: the start-up backup copies now (it waited, so the start had the CPU)."""
        if self.backup_job is not None:
            self.backup_job.go()

    def report_backup_problem(self, parent: QWidget | None) -> None:
        """Tell the user once the start-up backup has failed (never blocks the start: polled after it)."""
        from PySide6.QtCore import QTimer

        def poll():
            if self.backup_job is not None and not self.backup_job.done:
                return
            timer.stop()
            self.wait_for_backup()
            if self.backup_problem:
                messages.error(parent, APP_NAME, self.backup_problem)

        timer = QTimer(parent)
        timer.setInterval(100)
        timer.timeout.connect(poll)
        timer.start()
        poll()

    def close(self) -> None:
        from cchc_desktop.open_path import close_store_cleanly

        try:
            self.wait_for_backup()      # the copy runs on its own connection: finished before the file is closed
            close_store_cleanly(self.store, self.read_only)
        finally:
            if self.lock is not None:
                self.lock.release()


def open_database(db_path: str | Path, parent: QWidget | None = None,
                  actor: str | None = None) -> OpenedDatabase | None:
    """The core open path (lock, check, recovery asking the user, backup before migrating) plus the
    start-up backup; None when refused or cancelled (already told)."""
    from cchc_desktop.open_path import open_database as open_core, read_only_notice

    db_path = Path(db_path)
    try:
        core = open_core(db_path, actor=actor, confirm=lambda proposal: _ask_recovery(proposal, parent))
    except AlreadyRunning as exc:
        messages.info(parent, APP_NAME, str(exc))
        return None
    except (LockError, DatabaseError, BackupError, SafeWriteError) as exc:
        messages.critical(parent, APP_NAME, str(exc))
        return None
    if core.recovery is not None:
        messages.info(parent, APP_NAME, core.recovery.describe())
    if core.read_only:
        messages.error(parent, APP_NAME, read_only_notice(db_path))
    elif storage_kind(db_path) == NETWORK:
        messages.error(parent, APP_NAME,
                            "Cơ sở dữ liệu nằm trên ổ mạng. Ứng dụng ghi an toàn (không dùng WAL, có khóa "
                            "tệp) nhưng chậm hơn; nếu mạng chập chờn hãy chép tệp về ổ đĩa của máy.")
    job = problem = None
    try:
        # pinned here, before anything of the session writes; copied in a thread while the window shows
        # (the copy waits for the window's first paint, `copy_backup_now`, at most 5 s)
        job = None if core.read_only else StartupBackup.start(db_path, hold=5.0)
    except BackupError as exc:  # never block the start for a failed backup; say so
        problem = f"Không tạo được bản sao lưu khi khởi động: {exc}"
    opened = OpenedDatabase(core.store, core.lock, core.recovery, job, core.read_only)
    if problem:
        messages.error(parent, APP_NAME, problem)
    return opened


def show_read_only_banner(window) -> None:
    """Minimal hook: a permanent status-bar banner while the database is open read-only."""
    from PySide6.QtWidgets import QLabel

    from cchc_desktop.open_path import read_only_notice

    from .actions import set_read_only

    label = QLabel(f"<b>CHỈ ĐỌC</b> — {read_only_notice(window.store.path)}")
    label.setStyleSheet("color: #8a0000;")
    window.statusBar().addPermanentWidget(label, 1)
    set_read_only(window)       # write actions off: the core would refuse them anyway, now nothing offers them


@dataclass
class BackupHooks:
    """What the backup menu needs from the main window."""
    db_path: Callable[[], Path]
    close_store: Callable[[], None]     # close the Store before a restore
    reopen_store: Callable[[], None]    # open it again and refresh every view afterwards



def add_backup_menu(window, hooks: BackupHooks):
    """Add the "Sao lưu" menu to a QMainWindow; returns the QMenu."""
    menu = insert_menu(window, "Sao &lưu")   # (&S belongs to «Sửa»)
    actions = (
        ("Sao lưu &ngay", lambda: _dialog("backup_now")(window, hooks),
         "Sao lưu dữ liệu ngay bây giờ (kèm tệp đính kèm)"),
        ("Sao lưu ra &USB…", lambda: _dialog("backup_to_usb")(window, hooks),
         "Chép một bản sao lưu đầy đủ ra USB hoặc thư mục khác"),
        ("&Khôi phục…", lambda: _dialog("restore_interactively")(window, hooks),
         "Đưa dữ liệu về một bản sao lưu đã có (bản hiện tại được sao lưu trước)"),
        ("&Mở thư mục sao lưu", lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(backups_dir(hooks.db_path())))),
         "Mở thư mục chứa các bản sao lưu"),
    )
    for text, slot, tip in actions:
        action = QAction(text, window)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
    return menu


class DailyBackupTimer(QObject):
    """Checks every hour and takes the daily backup when the newest is older than a day."""

    def __init__(self, db_path: Callable[[], Path] | Path, parent: QObject | None = None,
                 interval_ms: int = 3_600_000):
        super().__init__(parent)
        self._db_path = db_path if callable(db_path) else (lambda: Path(db_path))
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self.last: Path | None = None
        self._since = time.monotonic()  # measures the day when the PC clock went backwards

    def check(self) -> Path | None:
        try:
            made = backup_if_due(self._db_path(), since_last=timedelta(seconds=time.monotonic() - self._since))
            if made is not None:
                self.last, self._since = made, time.monotonic()
        except BackupError:
            import logging

            logging.getLogger(__name__).exception("daily backup failed")
        return self.last


def _restart_app() -> None:
    """Start a fresh copy of the app on the same command line, then quit this one."""
    import sys

    from PySide6.QtCore import QProcess
    from PySide6.QtWidgets import QApplication

    if getattr(sys, "frozen", False):
        QProcess.startDetached(sys.executable, sys.argv[1:])
    else:
        QProcess.startDetached(sys.executable, sys.argv)
    QApplication.quit()


def install_backup_menu(window) -> QObject:
    """Main-window hookup: the "Sao lưu" menu and the daily backup timer, on `window.store`.

    After "Khôi phục…" the store is closed, the backup restored and the app restarted (every view is
    rebuilt from the restored file). Returns the timer object (kept as `window.backup_timer`).
    """
    def db_path() -> Path:
        return Path(window.store.path)

    def close_store() -> None:
        window.store.close()

    def reopen_store() -> None:
        _restart_app()

    hooks = BackupHooks(db_path, close_store, reopen_store)
    add_backup_menu(window, hooks)
    window.backup_timer = DailyBackupTimer(db_path, parent=window)
    return window.backup_timer


__all__ = ["open_database", "OpenedDatabase", "show_read_only_banner", "BackupHooks", "add_backup_menu",
           "DailyBackupTimer", "install_backup_menu"]
