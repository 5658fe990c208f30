import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """No test touches the real user data folder."""
    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "appdata"))


@pytest.fixture
def store(tmp_path):
    from cchc_desktop.store import Store

    s = Store.open(tmp_path / "test.sqlite3", actor="tester")
    yield s
    s.close()


@pytest.fixture(scope="session", autouse=True)
def _clear_clipboard_at_exit():
    """Qt owns QMimeData put on the clipboard; clearing it before interpreter shutdown avoids a
    segfault in the offscreen platform's clipboard teardown."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.clipboard().clear()


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(request, monkeypatch):
    """A message box a test did not expect must not block the run: the static QMessageBox helpers
    are recorded (request.node.message_boxes) instead of shown. Tests that check them patch their own."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    from PySide6.QtWidgets import QMessageBox

    shown = request.node.message_boxes = []

    def record(kind):
        def show(parent, title, text, *args, **kwargs):
            shown.append((kind, text))
            return QMessageBox.StandardButton.Ok
        return show

    for kind in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    yield


@pytest.fixture(autouse=True)
def _databases_closed(monkeypatch):
    """A test closes every database it opens. Python 3.11's sqlite3 does not warn about an unclosed
    connection (3.13 does), so the suite checks it here and raises the ResourceWarning itself."""
    import sqlite3
    import warnings

    from cchc_desktop import db as db_module

    opened: list = []
    original = db_module.Database.__init__

    def tracking_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(db_module.Database, "__init__", tracking_init)
    yield
    left_open = []
    for database in opened:
        try:
            database.conn.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            continue  # closed
        left_open.append(database.path.name)
        database.close()
    if left_open:
        warnings.warn(ResourceWarning(f"database left open by the test: {', '.join(left_open)}"))


@pytest.fixture
def window(qtbot, store):
    """The main window on the demo plan at 1366×768, shown, with the work that follows the first paint done
    (the dashboard and the filter bar's agency list, ui/startup.py)."""
    from cchc_desktop.demo import create_demo_plan
    from ui.app import build_main_window

    create_demo_plan(store)
    win = build_main_window(store)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.dashboard is not None and win._agency_cache is not None, timeout=5000)
    return win


@pytest.fixture
def demo(store):
    """(plan id, its products) of the demo plan; modules with their own «demo» fixture override it."""
    from cchc_desktop.demo import create_demo_plan
    plan_id = create_demo_plan(store)
    products = [p for _, _, p in store.load_plan(plan_id).iter_products()]
    return plan_id, products
