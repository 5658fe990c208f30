"""Deadlines with several occurrences: each listed quarter of "Quý II, III, IV năm 2026" is an occurrence tracked like
a recurring product's period (its own status row; missed without a finished status of its own = overdue), and every
list of a period («đến hạn trong kỳ», «kỳ tới») shows each product's occurrence of that period.

Expected figures are counted here from the database rows with plain SQL and date arithmetic (quarter ends written
out), never through the classifier under test.
"""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.appendix_index import AppendixIndex
from cchc_desktop.reports.periodic_report import build_periodic_report
from cchc_desktop.tracking import plan_summary, set_status
from cchc_desktop.tracking.status import get_status

D = dt.date
QUARTER_END = {1: D(2026, 3, 31), 2: D(2026, 6, 30), 3: D(2026, 9, 30), 4: D(2026, 12, 31)}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}

TEXTS = ["Định kỳ hằng quý", "Quý II, III, IV năm 2026", "Quý I, II/2026", "Quý I,II, III, IV/2026",
         "Quý III, IV/2026", "Quý IV/2026"]


@pytest.fixture
def plan(store):
    plan_id = store.create_plan("Xuân Trường", 2026)
    section = store.add_section(plan_id, "MỤC I")
    ids = {}
    for n, text in enumerate(TEXTS, 1):
        task = store.add_task(section, f"Nhiệm vụ {n}", source_stt=str(n))
        ids[text] = store.add_product(task, f"Sản phẩm {n}", text, ["Văn phòng HĐND và UBND"])
    return plan_id, ids


def _quarters(text):
    """The quarters a deadline text lists ("Quý II, III, IV năm 2026" -> [2, 3, 4]); every quarter when recurring."""
    if text.startswith("Định kỳ"):
        return [1, 2, 3, 4]
    words = text.replace("Quý", "").replace("năm 2026", "").replace("/2026", "").replace(" ", "").split(",")
    return [ROMAN[w] for w in words]


def _expected(store, plan_id, as_of):
    """{product id: (overdue?, first missed due)} from the rows: an occurrence is missed when its quarter end has
    passed and no finished status row exists for its quarter (or for the whole plan, "2026")."""
    out = {}
    for r in store.db.query("SELECT p.id, p.deadline_text FROM product p JOIN task t ON t.id = p.task_id "
                             "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?", (plan_id,)):
        done = {row["period_key"] for row in store.db.query(
            "SELECT period_key FROM product_status WHERE product_id = ? AND status IN ('done', 'done_late') "
            "AND completed_on <= ?", (r["id"], as_of.isoformat()))}
        missed = [QUARTER_END[q] for q in _quarters(r["deadline_text"])
                  if QUARTER_END[q] < as_of and f"2026-Q{q}" not in done and "2026" not in done]
        out[r["id"]] = (bool(missed), missed[0] if missed else None)
    return out


def test_a_missed_listed_quarter_is_overdue_everywhere(store, plan):
    plan_id, ids = plan
    ref = D(2026, 12, 1)
    expected = _expected(store, plan_id, ref)
    # the listed-quarter products have missed occurrences at 01/12 (nothing recorded)
    assert expected[ids["Quý II, III, IV năm 2026"]] == (True, D(2026, 6, 30))
    assert expected[ids["Quý I, II/2026"]] == (True, D(2026, 3, 31))
    summary = plan_summary(store, plan_id, ref, "2026-Q4", cumulative=True)
    table = AppendixIndex(store, store.load_plan(plan_id), ref)
    for pid, (overdue, due) in expected.items():
        item = next(i for i in summary.items if i.product_id == pid)
        info = table.state_of(table.product(pid))
        assert (item.state == "overdue") == overdue, item.deadline_text
        assert (info.state == "overdue") == overdue, item.deadline_text
        if overdue:
            assert item.due == info.due == due
            assert item.days_overdue == (ref - due).days
    # the report (figures at the Quý IV cut-off 14/12) counts the same overdue products
    report = build_periodic_report(store, plan_id, "2026-Q4", D(2026, 12, 20))
    at_cutoff = _expected(store, plan_id, D(2026, 12, 14))
    assert report.context["so_qua_han"] == sum(1 for o, _ in at_cutoff.values() if o)


def test_statuses_recorded_per_listed_quarter(store, plan):
    plan_id, ids = plan
    pid = ids["Quý II, III, IV năm 2026"]
    set_status(store, pid, "2026-Q2", status="done", completed_on="2026-06-20")
    set_status(store, pid, "2026-Q3", ref=D(2026, 8, 1), status="done", completed_on="2026-09-25")
    rows = store.db.query("SELECT period_key, status FROM product_status WHERE product_id = ? ORDER BY period_key",
                          (pid,))
    assert [(r["period_key"], r["status"]) for r in rows] == [("2026-Q2", "done"), ("2026-Q3", "done")]
    ref = D(2026, 11, 1)
    expected = _expected(store, plan_id, ref)
    assert expected[pid] == (False, None)
    item = next(i for i in plan_summary(store, plan_id, ref, "2026", cumulative=True).items if i.product_id == pid)
    assert item.state != "overdue" and item.status_key == "2026-Q4"
    # a reporting period whose quarter is not listed maps to the next listed occurrence
    set_status(store, ids["Quý III, IV/2026"], "2026-Q1", status="in_progress", percent=10)
    keys = {r["period_key"] for r in store.db.query(
        "SELECT period_key FROM product_status WHERE product_id = ?", (ids["Quý III, IV/2026"],))}
    assert keys == {"2026-Q3"}


def test_a_status_recorded_for_the_whole_plan_stands_for_each_occurrence(store, plan):
    plan_id, ids = plan
    pid = ids["Quý II, III, IV năm 2026"]
    # a row of the earlier one-off tracking (key "2026"), written straight into the table
    with store.db.transaction() as conn:
        conn.execute("INSERT INTO product_status (id, product_id, period_key, status, percent, completed_on, "
                     "created_at, updated_at) VALUES ('legacy', ?, '2026', 'done', 100, '2026-09-02', '2026-09-02', '2026-09-02')", (pid,))
    ref = D(2026, 9, 14)
    expected = _expected(store, plan_id, ref)
    assert expected[pid] == (False, None)
    item = next(i for i in plan_summary(store, plan_id, ref, "2026-Q3", cumulative=True).items
                if i.product_id == pid)
    # Quý II's occurrence (30/06) was finished 02/09: late; Quý III's on time
    assert item.state == ("done_late" if D(2026, 9, 2) > QUARTER_END[2] else "done")
    shown = get_status(store, pid, "2026-Q3")
    assert shown["id"] is None and shown["status"] == "done" and shown["completed_on"] == "2026-09-02"


def test_period_lists_show_the_occurrence_of_their_period(store, plan):
    """QA: the Quý III report showed «hạn 31/03/2026 — Quá hạn 167 ngày» for a quarterly product in «đến hạn trong
    kỳ» and «hạn 30/09/2026» in the list of Quý IV."""
    plan_id, ids = plan
    report = build_periodic_report(store, plan_id, "2026-Q3", D(2026, 9, 20))
    as_of = D(2026, 9, 14)
    due_in = report.tables["bang_den_han_trong_ky"].rows
    listed_q3 = [t for t in TEXTS if 3 in _quarters(t)]
    assert len(due_in) == len(listed_q3)
    for row in due_in:
        assert "hạn 30/09/2026" in row[3] or row[3].endswith("30/09/2026"), row
        assert "Quá hạn" not in row[4], row         # Quý III's occurrence is not yet due at 14/09
    assert report.context["so_den_han_qua_han"] == 0
    upcoming = report.tables["bang_ky_toi"].rows
    listed_q4 = [t for t in TEXTS if 4 in _quarters(t)]
    assert len(upcoming) == len(listed_q4)
    for row in upcoming:
        assert "31/12/2026" in row[3] and "30/09/2026" not in row[3], row
    assert "quý IV" in report.context["ky_toi"]
    # the lũy kế tables still count the quarterly product overdue (its Quý I and II occurrences were missed)
    expected = _expected(store, plan_id, as_of)
    assert report.context["so_qua_han"] == sum(1 for o, _ in expected.values() if o)
