"""Start the Qt application on a database (creating the demo plan when there is none)."""
from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from cchc_desktop import APP_NAME
from cchc_desktop.backup import check_ahead
from cchc_desktop.demo import ensure_demo_plan
from cchc_desktop.logging_setup import attach_deferred
from cchc_desktop.paths import default_db_path
from cchc_desktop.store import Store
from . import messages


LOG_AFTER_PAINT_MS = 1000   # the log file is attached once the start's idle work (dashboard, index) had its turn


def build_main_window(store: Store):
    """The main window on an open store, with the last (or first) plan loaded. Not shown."""
    from .main_window import MainWindow
    from .startup import build_after_first_paint

    window = MainWindow(store, starting=True)
    window.restore_layout()
    build_after_first_paint(window)   # the table paints first, the dashboard follows (issue 18)
    window.open_initial_plan()
    return window


def _collector_on() -> None:
    """main.py pauses Python's cycle collector while the app starts (imports, window, the plan: an eighth of
    the start, issue 18). After the first paint: what the start built is set aside for good (gc.freeze — it
    lives as long as the app; plain reference counting still frees it) and the collector runs again, so it
    does not walk a whole plan's objects at once right away."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run_gui(db_path: str | Path | None = None) -> int:
    """Start the app: crash handler, single-instance lock, recovery of a damaged database,
    start-up backup, demo plan when the database is empty, main window with the backup menu."""
    path = Path(db_path) if db_path else default_db_path()
    check_ahead(path)   # the database's open-time check reads the file in a thread while the modules load
    from . import main_window  # noqa: F401 - (loaded now, while the check runs)
    from .crash_handler import app_icon, install as install_crash_handler
    from .backup_start import install_backup_menu, open_database, show_read_only_banner

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    from .qt_vi import install as install_vietnamese
    install_vietnamese(app)   # «Đồng ý», «Hủy», «Có», «Không» instead of Qt's English button texts
    install_crash_handler(deferred=True)   # the log file is attached after the first paint (or at a crash)
    opened = open_database(path)
    if opened is None:
        attach_deferred(only_when_kept=True)
        return 1  # refused (open elsewhere, damaged and not recovered…): the user was told why
    try:
        ensure_demo_plan(opened.store)
    except Exception as exc:  # noqa: BLE001 - a broken demo must not stop the app
        messages.error(None, APP_NAME, f"Không tạo được kế hoạch mẫu: {exc}")
    window = build_main_window(opened.store)
    install_backup_menu(window)
    opened.report_backup_problem(window)   # the start-up backup copies in a thread; a failure is told when known
    if opened.read_only:
        show_read_only_banner(window)
    from .startup import after_first_paint

    def painted() -> None:
        _collector_on()
        opened.copy_backup_now()
        # the rotating log file, with what was logged while starting (a crash attaches it at once)
        QTimer.singleShot(LOG_AFTER_PAINT_MS, attach_deferred)

    after_first_paint(window.view.viewport(), painted)
    window.show()
    try:
        return app.exec()
    finally:
        _collector_on()   # (quit before the first paint was over)
        try:
            opened.close()
        finally:
            attach_deferred(only_when_kept=True)   # (quit before it was attached: what was logged is written)
