"""Start the Qt application on a database (creating the demo plan when there is none)."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from cchc_desktop import APP_NAME
from cchc_desktop.demo import ensure_demo_plan
from cchc_desktop.paths import default_db_path
from cchc_desktop.store import Store


def open_store(db_path: str | Path | None) -> Store:
    path = Path(db_path) if db_path else default_db_path()
    store = Store.open(path)
    ensure_demo_plan(store)
    return store


def run_gui(db_path: str | Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    store = open_store(db_path)
    window = QMainWindow()
    window.setWindowTitle(f"{APP_NAME} — {store.db.path}")
    plans = store.list_plans()
    window.setCentralWidget(QLabel(f"{len(plans)} kế hoạch trong cơ sở dữ liệu"))
    window.resize(1280, 800)
    window.show()
    return app.exec()
