"""Start the Qt application on a database (creating the demo plan when there is none)."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from cchc_desktop import APP_NAME
from cchc_desktop.db import DatabaseError
from cchc_desktop.demo import ensure_demo_plan
from cchc_desktop.paths import default_db_path
from cchc_desktop.store import Store


def open_store(db_path: str | Path | None) -> Store:
    path = Path(db_path) if db_path else default_db_path()
    store = Store.open(path)
    ensure_demo_plan(store)
    return store


def build_main_window(store: Store):
    """The main window on an open store, with the last (or first) plan loaded. Not shown."""
    from .main_window import MainWindow

    window = MainWindow(store)
    window.restore_layout()
    window.open_initial_plan()
    return window


def run_gui(db_path: str | Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    try:
        store = open_store(db_path)
    except (DatabaseError, sqlite3.Error, OSError) as exc:
        where = db_path or default_db_path()
        QMessageBox.critical(None, APP_NAME,
                             f"Không mở được cơ sở dữ liệu:\n{where}\n\n{exc}\n\n"
                             "Hãy kiểm tra tệp còn tồn tại, không bị chương trình khác khóa và "
                             "thư mục cho phép ghi; nếu tệp bị hỏng, hãy khôi phục từ bản sao lưu.")
        return 1
    window = build_main_window(store)
    window.show()
    code = app.exec()
    store.close()
    return code
