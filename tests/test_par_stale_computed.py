"""Points taken from a computed rule («Lấy điểm tự tính») are never printed stale (QA2 #1): once the register of
issued reports (or the plan's progress) changes the computation, the self-assessment report and the scoring table
refuse to be built, naming the criterion with the old and the new points; «Lấy điểm tự tính» (one operation,
undoable) updates them — the explanation the app wrote follows the new computation, one the user wrote is kept.

The expected explanation is read from the rows (the register) in the test, not from the code under test."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from cchc_desktop import ops
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.ops import par as par_ops
from cchc_desktop.par import catalog, outputs, scoring
from cchc_desktop.par.export import export_all
from cchc_desktop.store import StoreError
from cchc_desktop.tracking.issued_reports import add_issued

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def taken(store):
    """Demo plan, example catalogue, computed points taken while the register is empty."""
    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    par_ops.accept_computed(store, plan_id, catalog_id)
    crit = store.db.query_one("SELECT id FROM par_criterion WHERE catalog_id = ? AND rule LIKE 'bao_cao%'",
                              (catalog_id,))[0]
    return store, plan_id, catalog_id, crit


def _score(store, crit):
    return dict(store.db.query_one("SELECT points, explanation, computed_how FROM par_score WHERE criterion_id = ?",
                                   (crit,)))


def test_stale_computed_score_is_refused_then_updated_as_one_step(taken, tmp_path):
    store, plan_id, catalog_id, crit = taken
    before = _score(store, crit)
    assert before["points"] == 0 and before["computed_how"] and before["explanation"] == before["computed_how"]
    ops.run(store, "x", add_issued, store, plan_id, "2026-Q1", "12/03/2026", doc_number="15/BC-UBND")
    code = store.db.query_one("SELECT code FROM par_criterion WHERE id = ?", (crit,))[0]
    with pytest.raises(StoreError) as refused:
        outputs.build_score_table_report(store, plan_id, catalog_id)
    assert f"{code}: 0 → " in str(refused.value) and "Lấy điểm tự tính" in str(refused.value)
    with pytest.raises(StoreError):
        outputs.build_par_report(store, plan_id, catalog_id)
    a = scoring.assessment(store, plan_id, catalog_id)
    with pytest.raises(StoreError):
        export_all(store, a, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())   # nothing half-written
    assert any("đã thay đổi" in p for c, p in a.problems if c == code)

    done = par_ops.accept_computed(store, plan_id, catalog_id)
    after = _score(store, crit)
    on_time = store.db.query_one("SELECT COUNT(*) FROM report_issue WHERE plan_id = ?", (plan_id,))[0]
    assert after["points"] > 0 and after["explanation"] == after["computed_how"] != before["computed_how"]
    assert after["explanation"].startswith(f"{on_time}/")                       # one report on time (Quý I)
    table = outputs.build_score_table_report(store, plan_id, catalog_id).tables["bang_diem"]
    row = next(r for r in table.rows if r[0] == code)
    assert row[5] == after["explanation"] and "chưa ghi sổ" not in row[5].split(";")[0]
    ops.undo(store, done.op_id)                                                   # one step back
    assert _score(store, crit) == before


def test_own_explanation_is_kept_and_own_scores_are_never_marked(taken):
    store, plan_id, catalog_id, crit = taken
    # the user rewrites the explanation of the taken score: it is their own text from now on, never replaced
    par_ops.set_score(store, plan_id, crit, 0, explanation="Quý I chưa ban hành kịp")
    assert _score(store, crit)["computed_how"] == ""
    ops.run(store, "x", add_issued, store, plan_id, "2026-Q1", "12/03/2026")
    a = scoring.assessment(store, plan_id, catalog_id)
    assert not a.by_code(store.db.query_one("SELECT code FROM par_criterion WHERE id = ?", (crit,))[0]).stale
    # … so the override rule applies to it as to any own score
    assert any("lý do" in p for _c, p in a.problems)


def test_cli_export_refuses_and_accept_updates(tmp_path):
    from cchc_desktop.store import Store

    db = tmp_path / "k.sqlite3"
    store = Store.open(db, actor="tester")
    create_demo_plan(store)
    store.close()

    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args], capture_output=True,
                              text=True, encoding="utf-8", cwd=ROOT)

    assert run("par", "example").returncode == 0
    assert run("par", "accept").returncode == 0
    assert run("par", "issued", "add", "2026-Q1", "12/03/2026").returncode == 0
    refused = run("par", "export", "--out", str(tmp_path / "out"))
    assert refused.returncode == 2 and "Lấy điểm tự tính" in refused.stderr
    updated = run("par", "accept")
    assert updated.returncode == 0 and "cập nhật 1 tiêu chí" in updated.stdout, updated.stdout + updated.stderr
    done = run("par", "export", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "out" / "bang-diem-chi-so-cchc-2026.xlsx")
    text = "".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    assert "0/4 báo cáo đúng hạn" not in text and "1/4 báo cáo đúng hạn" in text
