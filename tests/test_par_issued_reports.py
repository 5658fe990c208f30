"""The register of issued periodic reports and the PAR rule «bao_cao» (reports issued on time).

Expected counts are made here from the report_issue rows and the due days of tracking_settings with plain SQL and
date arithmetic, never through tracking.issued_reports."""
from __future__ import annotations

import calendar
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_desktop import ops
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.par import catalog, scoring
from cchc_desktop.store import StoreError
from cchc_desktop.tracking.evidence import add_evidence
from cchc_desktop.tracking.issued_reports import add_issued, add_proposals, delete_issued, evidence_proposals
from cchc_desktop.tracking.status import set_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo(store):
    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    return store, plan_id, catalog_id


def _expected(store, plan_id, ref):
    """(on time, counted) from the rows: Quý I / 6 tháng (or Quý II) / Quý III / Năm (or Quý IV, 6 tháng cuối),
    due on the days of tracking_settings (defaults 15/03, 15/06, 15/09, 15/12)."""
    s = store.db.query_one("SELECT * FROM tracking_settings WHERE plan_id = ?", (plan_id,))
    q_day = s["quarter_report_day"] if s else 15
    h = (s["half_report_month"], s["half_report_day"]) if s else (6, 15)
    y = (s["annual_report_month"], s["annual_report_day"]) if s else (12, 15)

    def day(month, d):
        return dt.date(2026, month, min(d, calendar.monthrange(2026, month)[1]))

    due = {"Q1": day(3, q_day), "H1": day(*h), "Q3": day(9, q_day), "Y": day(*y)}
    slot_of = {"2026-Q1": "Q1", "2026-Q2": "H1", "2026-H1": "H1", "2026-Q3": "Q3", "2026-Q4": "Y", "2026-H2": "Y",
               "2026": "Y"}
    first = {}
    for r in store.db.query("SELECT period_key, MIN(issued_on) FROM report_issue WHERE plan_id = ? "
                            "GROUP BY period_key", (plan_id,)):
        slot = slot_of[r[0]]
        first[slot] = min(first.get(slot, r[1]), r[1])
    counted = [s for s in due if due[s] <= ref or s in first]
    on_time = [s for s in counted if s in first and dt.date.fromisoformat(first[s]) <= due[s]]
    return len(on_time), len(counted)


def test_on_time_reports_counted_and_banded(demo):
    store, plan_id, catalog_id = demo
    ops.run(store, "x", add_issued, store, plan_id, "2026-Q1", "12/03/2026", doc_number="15/BC-UBND")
    ops.run(store, "x", add_issued, store, plan_id, "2026-Q2", dt.date(2026, 6, 20), doc_number="40/BC-UBND")  # late
    ops.run(store, "x", add_issued, store, plan_id, "2026-Q3", "2026-09-10", doc_number="61/BC-UBND")
    for ref, points in ((dt.date(2026, 10, 1), 1.0), (dt.date(2026, 12, 31), 1.0)):
        on_time, counted = _expected(store, plan_id, ref)
        computed = scoring.assessment(store, plan_id, catalog_id, ref).by_code("1.2").computed
        assert computed.how.startswith(f"{on_time}/{counted} báo cáo đúng hạn (tính các báo cáo đến hạn đến "
                                       f"{ref:%d/%m/%Y} hoặc đã ghi sổ): Quý I 12/03 (hạn 15/03)")
        assert "6 tháng 20/06 (hạn 15/06, trễ hạn)" in computed.how
        # bands of the example: 100%=2, 75%=1,5, 50%=1, 25%=0,5
        share = 100 * on_time / counted
        assert computed.points == next(p for m, p in ((100, 2), (75, 1.5), (50, 1), (25, 0.5), (0, 0)) if share >= m)
        assert computed.points == points
    assert "Năm chưa ghi sổ (hạn 15/12)" in computed.how
    result = ops.run(store, "x", add_issued, store, plan_id, "2026", "14/12/2026", doc_number="80/BC-UBND")
    on_time, counted = _expected(store, plan_id, dt.date(2026, 12, 31))
    assert (on_time, counted) == (3, 4)
    assert scoring.assessment(store, plan_id, catalog_id).by_code("1.2").computed.points == 1.5
    set_settings(store, plan_id, half_report_day=25)          # the plan's own due day: 6 tháng now on time
    assert _expected(store, plan_id, dt.date(2026, 12, 31)) == (4, 4)
    assert scoring.assessment(store, plan_id, catalog_id).by_code("1.2").computed.points == 2
    ops.undo(store, result.op_id)                              # every write is an operation
    assert store.db.query_one("SELECT COUNT(*) FROM report_issue WHERE doc_number = '80/BC-UBND'")[0] == 0


def test_the_computed_score_is_overridable_with_a_reason(demo):
    store, plan_id, catalog_id = demo
    crit = store.db.query_one("SELECT id FROM par_criterion WHERE code = '1.2'")[0]
    with pytest.raises(StoreError, match="lý do"):
        scoring.set_score(store, plan_id, crit, 2, explanation="Đã gửi qua hệ thống")
    scoring.set_score(store, plan_id, crit, 2, explanation="Đã gửi qua hệ thống", override_reason="Sổ ghi thiếu")
    result = scoring.assessment(store, plan_id, catalog_id).by_code("1.2")
    assert result.points == 2 and result.computed.points == 0 and not result.problems


def test_bad_register_entries_are_refused(demo):
    store, plan_id, _catalog_id = demo
    with pytest.raises(StoreError, match="không tồn tại"):
        add_issued(store, plan_id, "2026-Q3", "31/09/2026")
    with pytest.raises(StoreError, match="trước khi kỳ báo cáo bắt đầu"):
        add_issued(store, plan_id, "2026-Q3", "01/06/2026")
    with pytest.raises(StoreError, match="không thuộc kế hoạch"):
        add_issued(store, plan_id, "2027-Q1", "01/03/2027")
    row = add_issued(store, plan_id, "2026-Q1", "10/03/2026", doc_number="15/BC-UBND")
    with pytest.raises(StoreError, match="đã có trong sổ"):
        add_issued(store, plan_id, "2026-Q1", "11/03/2026", doc_number="15/bc-ubnd")
    delete_issued(store, row["id"])
    assert store.db.query_one("SELECT COUNT(*) FROM report_issue")[0] == 0


def test_reports_found_among_the_evidence_documents(demo):
    store, plan_id, _catalog_id = demo
    product = store.db.query_one(
        "SELECT p.id FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ? ORDER BY t.position LIMIT 1", (plan_id,))[0]
    add_evidence(store, product, "2026", doc_number="15/BC-UBND", issued_on="2026-03-12",
                 summary="Báo cáo kết quả thực hiện công tác CCHC quý I năm 2026")
    add_evidence(store, product, "2026", doc_number="41/BC-UBND", issued_on="2026-06-14",
                 summary="Báo cáo công tác cải cách hành chính 6 tháng đầu năm 2026")
    add_evidence(store, product, "2026", doc_number="20/KH-UBND", issued_on="2026-02-01",
                 summary="Kế hoạch tuyên truyền CCHC năm 2026")             # not a report
    proposals = evidence_proposals(store, plan_id, 2026)
    assert sorted((p.period_key, p.doc_number) for p in proposals) == [("2026-H1", "41/BC-UBND"),
                                                                        ("2026-Q1", "15/BC-UBND")]
    result = ops.run(store, "x", add_proposals, store, plan_id, proposals)
    rows = store.db.query("SELECT source, evidence_id FROM report_issue")
    assert len(rows) == 2 and {r[0] for r in rows} == {"minh_chung"} and all(r[1] for r in rows)
    assert evidence_proposals(store, plan_id, 2026) == []                   # proposed once
    ops.undo(store, result.op_id)
    assert store.db.query_one("SELECT COUNT(*) FROM report_issue")[0] == 0


def _cli(db, *args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=300)


def test_cli_register(tmp_path):
    from cchc_desktop.store import Store

    db = tmp_path / "x.sqlite3"
    store = Store.open(db, actor="tester")
    create_demo_plan(store)
    store.close()
    ok = _cli(db, "par", "issued", "add", "2026-Q1", "12/03/2026", "--number", "15/BC-UBND")
    assert ok.returncode == 0, ok.stderr
    bad = _cli(db, "par", "issued", "add", "2026-Q3", "31/09/2026")
    assert bad.returncode == 2 and "31/09/2026 không tồn tại" in bad.stderr
    listing = _cli(db, "par", "issued", "--ref", "01/10/2026")
    assert listing.returncode == 0 and ("1/3 báo cáo đúng hạn (tính các báo cáo đến hạn đến 01/10/2026 hoặc đã "
                                        "ghi sổ): Quý I 12/03 (hạn 15/03)") in listing.stdout
    with __import__("sqlite3").connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM report_issue").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(DISTINCT op_id) FROM change_log WHERE entity = 'report_issue'"
                            ).fetchone()[0] == 1                          # written as one operation


def test_a_report_is_registered_and_listed_under_its_own_period(demo, qtbot, tmp_path):
    """A Quý II report is the 6-month one for the PAR count, but the register (form, table, CLI) names it Quý II:
    the form offers every period of the year, and a Quý IV report is listed as Quý IV counting as the annual one."""
    from ui.issued_reports_dialog import EntryDialog, IssuedReportsDialog

    store, plan_id, _catalog_id = demo
    add_issued(store, plan_id, "2026-Q2", "12/06/2026", doc_number="41/BC-UBND")
    add_issued(store, plan_id, "2026-Q4", "10/12/2026", doc_number="90/BC-UBND")
    add_issued(store, plan_id, "2026-H1", "14/06/2026", doc_number="42/BC-UBND")
    dialog = IssuedReportsDialog(store, plan_id)
    qtbot.addWidget(dialog)
    shown = {dialog.table.item(r, 1).text(): dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert shown == {"41/BC-UBND": "Quý II 2026 (tính là báo cáo 6 tháng)",
                     "42/BC-UBND": "6 tháng đầu năm 2026",
                     "90/BC-UBND": "Quý IV 2026 (tính là báo cáo năm)"}
    form = EntryDialog(2026, dialog)
    qtbot.addWidget(form)
    keys = [form.period.itemData(i) for i in range(form.period.count())]
    assert keys == ["2026-Q1", "2026-Q2", "2026-H1", "2026-Q3", "2026-Q4", "2026-H2", "2026"]
    form.period.setCurrentIndex(keys.index("2026-Q3"))
    assert form.values()["period_key"] == "2026-Q3" and form.period.currentText() == "Quý III 2026"
    # the Quý II entry is the 6-month report of the on-time count (the earliest of Quý II and 6 tháng đầu năm)
    counted = {r[0] for r in store.db.query("SELECT period_key FROM report_issue")}
    assert counted == {"2026-Q2", "2026-Q4", "2026-H1"}
    assert "6 tháng 12/06 (hạn 15/06)" in dialog.checks_label.text()
