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


@pytest.mark.parametrize("argv, expected", [
    ([], ""), (["--db", "a.sqlite3"], "a.sqlite3"), (["--db=b.sqlite3"], "b.sqlite3"),
    (["list"], None), (["--db", "a.sqlite3", "list"], None), (["--help"], None), (["--db"], None),
    (["--db", "--help"], None), (["--db="], None)])
def test_only_a_bare_db_option_skips_the_cli(argv, expected):
    assert main._gui_only(argv) == expected


CHILD = first_paint_quit(50) + r"""
sys.path.insert(0, {root!r})
import json
import main
import gc
seen = {{}}
app.aboutToQuit.connect(lambda: seen.update(gc=gc.isenabled(), frozen=gc.get_freeze_count()))
code = main.main(["--db", {db!r}])
print(json.dumps({{"code": code, "modules": sorted(sys.modules), **seen}}))
"""


def test_window_starts_without_heavy_modules(tmp_path):
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.store import Store

    db = tmp_path / "start.sqlite3"
    store = Store.open(db)
    create_demo_plan(store)
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CCHC_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), db=str(db))], env=env,
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
