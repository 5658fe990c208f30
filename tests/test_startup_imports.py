"""Issue 18: the window starts without the heavy modules (they load when first needed)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import main
from bench.bench_start import first_paint_quit

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("openpyxl", "reportlab", "docx", "PySide6.QtPdf", "sqlite_utils", "cchc_desktop.cli",
         "cchc_desktop.exchange", "cchc_desktop.reports", "cchc_desktop.importers", "ui.exchange_dialogs",
         "ui.report_dialog",
         # loaded on first use, not to open and paint a plan (issue 18): HTML paste, agency merge, new ids
         "html.parser", "difflib", "uuid", "platform", "ui.sync_dialog", "ui.dialogs.plan_properties")
# not before the first paint (issue 18): the log file's handler (attached right after it, records kept in memory
# meanwhile), the backup dialogs (ui/backup_start.py holds what the start needs), the OS user name (first write)
AFTER_PAINT = ("logging.handlers", "ui.restore_dialog", "getpass",
               # the roll-ups, targets and evidence (the dashboard's; the table classifies with tracking.classify),
               # the sync folder's watcher and the task pane's five-year links (built right after the paint)
               "cchc_desktop.tracking.rollup", "cchc_desktop.tracking.targets", "cchc_desktop.tracking.evidence",
               "cchc_desktop.sync.folder", "cchc_desktop.planlife.fiveyear", "ui.sync_controller",
               "ui.fiveyear_link_panel")


@pytest.mark.parametrize("argv, expected", [
    ([], ""), (["--db", "a.sqlite3"], "a.sqlite3"), (["--db=b.sqlite3"], "b.sqlite3"),
    (["list"], None), (["--db", "a.sqlite3", "list"], None), (["--help"], None), (["--db"], None),
    (["--db", "--help"], None), (["--db="], None)])
def test_only_a_bare_db_option_skips_the_cli(argv, expected):
    assert main._gui_only(argv) == expected


CHILD = first_paint_quit(50) + r"""
sys.path.insert(0, {root!r})
import json
import logging
import main
import gc
seen = {{}}
class _AtPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint and isinstance(obj.parent(), QTableView) and obj is obj.parent().viewport():
            app.removeEventFilter(self)
            seen["at_paint"] = sorted(sys.modules)
            logging.getLogger("cchc.test").warning("lúc vẽ lần đầu")
        return False
_at_paint = _AtPaint()
app.installEventFilter(_at_paint)
app.aboutToQuit.connect(lambda: seen.update(gc=gc.isenabled(), frozen=gc.get_freeze_count()))
import ui.app
ui.app.LOG_AFTER_PAINT_MS = {log_after}
code = main.main(["--db", {db!r}])
print(json.dumps({{"code": code, "modules": sorted(sys.modules), **seen}}))
"""


@pytest.mark.parametrize("log_after", [0, 60_000])
def test_window_starts_without_heavy_modules(tmp_path, log_after):
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.store import Store

    db = tmp_path / "start.sqlite3"
    store = Store.open(db)
    create_demo_plan(store)
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CCHC_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), db=str(db), log_after=log_after)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    # the cycle collector, paused by main.py while starting, runs again after the first paint, with what the
    # start built set aside (gc.freeze)
    assert result["gc"] is True and result["frozen"] > 10_000
    modules = set(result["modules"])
    assert "ui.main_window" in modules and "ui.dashboard" in modules   # the dashboard follows the first paint
    loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert loaded == []
    at_paint = set(result["at_paint"])
    assert "ui.main_window" in at_paint and "ui.backup_start" in at_paint
    assert sorted(m for m in AFTER_PAINT if m in at_paint) == []
    # the log file is attached a while after the first paint (here at once, or at the quit): what was logged
    # meanwhile is in it, before the start line
    text = (tmp_path / "data" / "logs" / "cchc.log").read_text(encoding="utf-8")
    assert "logging.handlers" in modules
    assert text.index("lúc vẽ lần đầu") < text.index("started") and text.count("started") == 1


def test_pyside_source_scan_reads_bytes_and_answers_as_pyside_does():
    """ui/__init__.py replaces PySide's per-import source scan (inspect.getsource) by a read of the file's
    bytes (issue 18); the answers are PySide's own."""
    import importlib

    import ui  # noqa: F401

    fast = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert getattr(fast, "reads_bytes", False)
    for name in ("ui.main_window", "ui.startup", "ui.appendix_model", "cchc_desktop.store", "cchc_desktop.backup",
                 "json", "main"):
        module = importlib.import_module(name)
        assert fast(module) == fast.original(module), name
    assert fast(sys.modules["ui.main_window"]) and not fast(sys.modules["cchc_desktop.store"])


@pytest.fixture
def fresh_logging():
    import logging

    from cchc_desktop import logging_setup

    root = logging.getLogger()
    logging_setup.shutdown_logging()     # an earlier test's app run may have left its log file attached
    level, handlers = root.level, list(root.handlers)
    yield logging_setup
    logging_setup.shutdown_logging()
    root.setLevel(level)
    assert root.handlers == handlers


def test_deferred_log_keeps_records_until_the_file_is_attached(fresh_logging, tmp_path):
    import logging

    path = fresh_logging.defer_logging(folder=tmp_path)
    assert path == tmp_path / "cchc.log" and fresh_logging.log_path() == path
    logging.getLogger("cchc.test").warning("trước khi có tệp ệ")
    assert not path.exists() and fresh_logging.logging_deferred()
    fresh_logging.attach_deferred()
    assert not fresh_logging.logging_deferred()
    logging.getLogger("cchc.test").warning("sau khi có tệp")
    text = path.read_text(encoding="utf-8")
    # what was kept comes first, in order, then the start line, then what follows
    assert text.index("trước khi có tệp ệ") < text.index("started") < text.index("sau khi có tệp")
    fresh_logging.attach_deferred()    # attached once
    assert path.read_text(encoding="utf-8").count("trước khi có tệp ệ") == 1


def test_deferred_log_quit_early_writes_only_what_was_logged(fresh_logging, tmp_path):
    import logging

    quiet, busy = tmp_path / "quiet", tmp_path / "busy"
    fresh_logging.defer_logging(folder=quiet)
    fresh_logging.attach_deferred(only_when_kept=True)      # nothing logged: no file
    assert not (quiet / "cchc.log").exists() and fresh_logging.logging_deferred()
    fresh_logging.shutdown_logging()
    fresh_logging.defer_logging(folder=busy)
    logging.getLogger("cchc.test").error("khóa tệp bị từ chối")
    fresh_logging.attach_deferred(only_when_kept=True)
    assert "khóa tệp bị từ chối" in (busy / "cchc.log").read_text(encoding="utf-8")


def test_a_crash_while_the_log_is_deferred_is_written_at_once(fresh_logging, tmp_path):
    import logging

    path = fresh_logging.defer_logging(folder=tmp_path)
    logging.getLogger("cchc.test").info("đang mở cơ sở dữ liệu")
    try:
        raise RuntimeError("lỗi khi khởi động ệ")
    except RuntimeError as exc:
        message = fresh_logging.log_exception(type(exc), exc, exc.__traceback__, "main thread")
    text = path.read_text(encoding="utf-8")
    assert text.index("đang mở cơ sở dữ liệu") < text.index("RuntimeError: lỗi khi khởi động ệ")
    assert str(path) in message and not fresh_logging.logging_deferred()


def test_store_user_name_is_read_at_first_use(tmp_path):
    import getpass

    from cchc_desktop.store import Store

    store = Store.open(tmp_path / "a.sqlite3")
    try:
        assert store._actor is None
        assert store.actor == getpass.getuser()
        store.actor = "cán bộ"
        assert store.actor == "cán bộ"
    finally:
        store.close()
    given = Store.open(tmp_path / "a.sqlite3", actor="bench")
    assert given.actor == "bench"
    given.close()
