"""The sync folder's controller (issue #19); its menu entries are ui/exchange_menu.py's. Made with the main window
(`exchange_menu.start_sync`; at start right after the table's first paint, issue 18); the dialogs of
ui/sync_dialog.py load when first chosen.

SyncController watches the chosen folder (QFileSystemWatcher, with a polling timer for network shares where change
notifications do not arrive), runs a sync round a few seconds after a change (files must look the same in two
looks before they are merged), publishes this installation's package after local changes and when the window
closes, and reloads the open plan when something was merged.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, QTimer

from cchc_desktop.errors import UserError
from cchc_desktop.sync import folder as sync_folder

POLL_MS = 30_000           # network shares do not always notify changes
SETTLE_MS = 3_000          # a change is looked at again after this (files must stop changing first)


class SyncController(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.sizes: dict = {}
        self.last_report: sync_folder.SyncReport | None = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _p: self.soon())
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self.run)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SETTLE_MS)
        self.debounce.timeout.connect(self.run)
        window.installEventFilter(self)
        self.restart()

    @property
    def store(self):
        return self.window.store

    @property
    def folder(self) -> Path | None:
        return sync_folder.get_folder(self.store)

    @property
    def auto_apply(self) -> bool:
        return sync_folder.auto_apply(self.store)

    def restart(self) -> None:
        self.stop()
        folder = self.folder
        if folder is None or not folder.is_dir():
            return
        self.watcher.addPath(str(folder))
        self.poll.start()
        self.soon()

    def soon(self) -> None:
        self.debounce.start()

    def run(self, *, settle: bool = True) -> sync_folder.SyncReport | None:
        folder = self.folder
        if folder is None:
            return None
        try:
            report = sync_folder.sync_once(self.store, folder, auto_apply=self.auto_apply, sizes=self.sizes,
                                           settle=settle)
        except UserError as exc:
            self.window.statusBar().showMessage(f"Đồng bộ: {exc}", 15_000)
            return None
        self.last_report = report
        if any(f.status == "incomplete" for f in report.files):
            self.soon()                                   # look again once the engine has finished copying
        if report.merged:
            reload = getattr(self.window, "open_plan", None)
            plan_id = getattr(getattr(self.window, "model", None), "plan_id", None)
            if reload and plan_id:
                reload(plan_id)
            self.window.statusBar().showMessage(
                f"Đồng bộ: đã hợp nhất {len(report.merged)} tệp"
                + (f", {len(report.conflicts)} xung đột" if report.conflicts else "")
                + (f", {report.pending_deletions} dòng xóa chờ xác nhận" if report.pending_deletions else ""), 15_000)
        return report

    def stop(self) -> None:
        self.poll.stop()
        self.debounce.stop()
        for path in self.watcher.directories():
            self.watcher.removePath(path)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Close:
            self.stop()                                   # nothing runs once the window (and its store) is gone
            try:
                folder = self.folder
                if folder is not None:
                    sync_folder.publish(self.store, folder)
            except (UserError, OSError, sqlite3.Error):
                pass                                      # the next start publishes again
        return False
