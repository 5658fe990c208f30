"""QA pass 4, long jobs: the agencies' workbooks (export to a USB stick, reading them back) can be stopped with
«Hủy» between two files; what was written is whole, the database unchanged, and the dialog says so."""
from __future__ import annotations

import hashlib

import pytest

pytest.importorskip("pytestqt")

from ui import busy as busy_module  # noqa: E402


@pytest.fixture
def cancel_after_first_file(monkeypatch):
    """The user presses «Hủy» on the progress dialog once the first file is done."""
    original = busy_module.BusyJob.progress
    seen = []

    def progress(job, done, total, text=None):
        original(job, done, total, text)
        seen.append((done, total, job.cancellable))
        if done == 1 and job.dialog is not None and job.cancellable:
            job.dialog.cancel()

    monkeypatch.setattr(busy_module.BusyJob, "progress", progress)
    return seen


def _db_digest(store) -> str:
    rows = store.db.conn.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM change_log").fetchone()
    return hashlib.sha256(repr(tuple(rows)).encode()).hexdigest()


def test_export_of_the_agency_workbooks_stops_between_files(qtbot, store, tmp_path, cancel_after_first_file):
    from cchc_desktop.demo import create_demo_plan
    from ui.exchange_dialogs import WorkbookExportDialog

    plan_id = create_demo_plan(store)
    dialog = WorkbookExportDialog(store, plan_id)
    qtbot.addWidget(dialog)
    agencies = len(dialog.selected_agencies())
    assert agencies >= 3
    dialog.folder.setText(str(tmp_path))
    dialog.run()
    files = list(tmp_path.glob("*.xlsx"))
    assert len(files) == 1, files                       # stopped after the first file …
    from openpyxl import load_workbook
    load_workbook(files[0], read_only=True).close()     # … which is whole
    text = dialog.message.text()
    assert "Đã dừng" in text and f"1/{agencies}" in text, text
    assert not list(tmp_path.glob("*.tmp*"))


def test_reading_returned_workbooks_stops_and_writes_nothing(qtbot, store, tmp_path, cancel_after_first_file):
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.exchange import export_workbooks
    from ui.exchange_dialogs import WorkbookImportDialog

    plan_id = create_demo_plan(store)
    exported = export_workbooks(store, plan_id, "2026-Q2", tmp_path)
    assert len(exported) >= 3
    before = _db_digest(store)
    dialog = WorkbookImportDialog(store, paths=[tmp_path])
    qtbot.addWidget(dialog)
    assert "Đã dừng" in dialog.message.text() and "Chưa có gì được ghi" in dialog.message.text()
    assert dialog.previews == [] and dialog.tree.topLevelItemCount() == 0
    assert not dialog.apply_button.isEnabled()
    assert _db_digest(store) == before
