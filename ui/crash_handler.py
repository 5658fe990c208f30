"""Unhandled exceptions in the GUI: logged to the rotating log file and shown as a Vietnamese dialog.

    from ui.crash_handler import install
    install()          # once, right after QApplication is created

Exceptions raised in slots, timers and worker threads reach `sys.excepthook` / `threading.excepthook`
(cchc_desktop.logging_setup); the dialog is always shown from the GUI thread (queued signal), at most
one at a time, and the app keeps running. `run_self_test()` is the `main.py --self-test` entry point:
the Qt-free core self-test plus `qt_smoke_check()` (platform plugin, icon, dialogs) for frozen builds.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from cchc_desktop import APP_NAME
from cchc_desktop.logging_setup import defer_logging, install_excepthooks, setup_logging
from cchc_desktop.resources import resource_path

TITLE = "Lỗi không mong muốn"


def app_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "app.png")))


def build_error_box(message: str, log_path: Path, parent=None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Critical)
    box.setWindowTitle(f"{APP_NAME} — {TITLE}")
    box.setText("Đã xảy ra lỗi không mong muốn. Ứng dụng vẫn tiếp tục chạy.")
    box.setInformativeText(message)
    box.setTextInteractionFlags(Qt.TextSelectableByMouse)
    open_logs = box.addButton("Mở thư mục nhật ký", QMessageBox.ActionRole)
    box.addButton("Đóng", QMessageBox.AcceptRole)
    open_logs.clicked.disconnect()  # keep the box open for "Đóng"
    open_logs.clicked.connect(
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(log_path).parent))))
    return box


class _Reporter(QObject):
    """Lives in the GUI thread; `report` may be emitted from any thread."""
    report = Signal(str, str)

    def __init__(self):
        super().__init__()
        self._showing = False
        self.shown = 0
        self.report.connect(self._show, Qt.QueuedConnection)

    @Slot(str, str)
    def _show(self, message: str, log_path: str) -> None:
        if self._showing:  # an error while the dialog is open: logged only
            return
        self._showing = True
        try:
            self.shown += 1
            parent = QApplication.activeWindow()
            box = build_error_box(message, Path(log_path), parent)
            if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
                box.show()  # tests: never block
                box.close()
            else:
                box.exec()
        finally:
            self._showing = False


_reporter: _Reporter | None = None


def install(deferred: bool = False) -> Path:
    """Set up the log file and the exception hooks; returns the log file path. `deferred` (the GUI start):
    records are kept in memory until `logging_setup.setup_logging()` attaches the file after the first paint;
    an unhandled exception attaches it at once."""
    global _reporter
    path = defer_logging() if deferred else setup_logging()
    if _reporter is None:
        _reporter = _Reporter()

    def on_error(message: str, log_path: Path) -> None:
        if _reporter is not None:
            _reporter.report.emit(message, str(log_path))

    install_excepthooks(on_error)
    return path


def qt_smoke_check() -> str:
    """Frozen-build check: the Qt platform plugin loads, the icon decodes, our dialogs build and paint."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "cchc"])
    icon = app_icon()
    if icon.isNull() or icon.pixmap(32, 32).isNull():
        raise AssertionError("app icon missing or PNG image plugin not bundled")
    box = build_error_box("Kiểm tra hộp thoại lỗi: tiếng Việt có dấu ạ ệ ữ.", Path("cchc.log"))
    image = box.grab()
    if image.isNull() or image.width() < 50:
        raise AssertionError("cannot paint the error dialog")
    box.deleteLater()
    from ui.restore_dialog import RestoreDialog

    dialog = RestoreDialog([], db_path=Path("cchc.sqlite3"))
    dialog.grab()
    dialog.deleteLater()
    buttons = len(box.findChildren(QPushButton))
    return f"platform {app.platformName()}, icon ok, dialogs ok ({buttons} buttons)"


def run_self_test(argv: list[str]) -> int:
    """`main.py --self-test`: core self-test, then the Qt check."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cchc_desktop.self_test import main as core_self_test

    return core_self_test(argv, [("Qt offscreen", qt_smoke_check)])
