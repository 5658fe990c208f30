"""Databases made by earlier versions of the app open, migrate to the latest schema and keep the plan.

tests/fixtures/db/v1.sqlite3 … v4.sqlite3 were made once by tests/fixtures/make_version_dbs.py (schema k and
the demo plan as that schema allowed) and are committed; expected.json records what they hold. Each file is
opened through Store.open (the app's open path, which migrates) and compared with expected.json, and the
figures of tracking.rollup.plan_summary are checked against counts taken straight from the rows.
"""
from __future__ import annotations

import collections
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from cchc_desktop import db
from cchc_desktop.deadlines import parse_deadline
from cchc_desktop.store import Store
from cchc_desktop.tracking.rollup import plan_summary

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "db"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
VERSIONS = (1, 2, 3, 4)


@pytest.fixture(params=VERSIONS, ids=[f"v{v}" for v in VERSIONS])
def migrated(request, tmp_path):
    version = request.param
    source = FIXTURES / f"v{version}.sqlite3"
    path = tmp_path / f"v{version}.sqlite3"
    shutil.copyfile(source, path)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == version  # the fixture is what it claims
    finally:
        raw.close()
    store = Store.open(path, actor="tester")
    yield version, store
    store.close()


def _plan_tree(store: Store, plan_id: str) -> list[dict]:
    """sections → tasks → products read from the rows with plain SQL, in the shape of expected.json."""
    agencies: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for r in store.db.query("SELECT pa.product_id, pa.role, a.name FROM product_agency pa "
                            "JOIN agency a ON a.id = pa.agency_id ORDER BY pa.product_id, pa.role, pa.position"):
        agencies[(r["product_id"], r["role"])].append(r["name"])
    plan = store.db.query_one("SELECT year_start, year_end FROM plan WHERE id = ?", (plan_id,))
    tree = []
    for s in store.db.query("SELECT id, title FROM section WHERE plan_id = ? ORDER BY position", (plan_id,)):
        tasks = []
        for t in store.db.query("SELECT id, content FROM task WHERE section_id = ? ORDER BY position", (s["id"],)):
            products = []
            for p in store.db.query("SELECT id, description, deadline_text FROM product WHERE task_id = ? "
                                    "ORDER BY position", (t["id"],)):
                deadline = parse_deadline(p["deadline_text"], plan["year_start"], plan["year_end"])
                products.append({"id": p["id"], "description": p["description"],
                                 "deadline_text": p["deadline_text"],
                                 "due_dates": [d.isoformat() for d in deadline.due_dates],
                                 "leads": agencies[(p["id"], "lead")],
                                 "coordinators": agencies[(p["id"], "coord")]})
            tasks.append({"id": t["id"], "content": t["content"], "products": products})
        tree.append({"id": s["id"], "title": s["title"], "tasks": tasks})
    return tree


def test_fixture_migrates_to_latest_and_keeps_the_plan(migrated):
    version, store = migrated
    assert store.db.schema_version == db.latest_version()
    assert store.db.query_one("PRAGMA integrity_check")[0] == "ok"
    assert store.db.query("PRAGMA foreign_key_check") == []
    plans = store.list_plans()
    assert [p["id"] for p in plans] == [EXPECTED["plan"]["id"]]
    plan = store.db.query_one("SELECT id, unit_name, unit_kind, title, year_start, year_end FROM plan")
    assert dict(plan) == EXPECTED["plan"]
    assert _plan_tree(store, plan["id"]) == EXPECTED["sections"]
    assert sorted(r[0] for r in store.db.query("SELECT name FROM agency")) == EXPECTED["agency_names"]
    # the history came along: one insert per plan row the fixture holds, none lost
    logged = {r[0] for r in store.db.query("SELECT row_id FROM change_log WHERE op = 'insert' AND entity = 'task'")}
    assert logged == {t["id"] for s in EXPECTED["sections"] for t in s["tasks"]}


def test_fixture_keeps_what_its_schema_held(migrated):
    version, store = migrated
    statuses = [dict(r) for r in store.db.query(
        "SELECT product_id, period_key, status, percent, completed_on, result, reason FROM product_status "
        "ORDER BY product_id, period_key")]
    assert statuses == (EXPECTED["statuses"] if version >= 2 else [])
    evidence = [dict(r) for r in store.db.query("SELECT product_id, doc_number, summary FROM evidence")]
    assert evidence == (EXPECTED["evidence"] if version >= 2 else [])
    titles = [r[0] for r in store.db.query("SELECT title FROM target ORDER BY position")]
    assert titles == (EXPECTED["targets"] if version >= 2 else [])
    exports = [r[0] for r in store.db.query("SELECT fingerprint FROM exchange_export")]
    assert exports == (EXPECTED["exchange_exports"] if version >= 3 else [])
    header = store.db.query_one("SELECT signer_name, place FROM report_header")
    assert (dict(header) if header else None) == (EXPECTED["report_header"] if version >= 4 else None)


def test_fixture_summary_matches_counts_from_the_rows(migrated):
    """plan_summary of the migrated plan against figures counted here from expected.json and the raw rows."""
    version, store = migrated
    plan_id = EXPECTED["plan"]["id"]
    ref = date.fromisoformat(EXPECTED["ref_date"])
    summary = plan_summary(store, plan_id, ref_date=ref, period_key="2026")

    products = [p for s in EXPECTED["sections"] for t in s["tasks"] for p in t["products"]]
    assert summary.totals.total == len(products)   # every demo product falls in (or before) 2026

    # the fixture wrote one status row ("2026") per product, when products had one row each
    rows = {r["product_id"]: r for r in store.db.query("SELECT * FROM product_status WHERE period_key = '2026'")}
    by_status = collections.Counter(r["status"] for r in rows.values())
    if version >= 2:
        assert (by_status["done"] + by_status["done_late"], by_status["in_progress"], by_status["not_done"]) == (6, 4, 1)
    else:
        assert not rows
    # a deadline listing dates in two or more quarters has one occurrence per listed quarter; the old single row
    # stands for each of them, and an occurrence due before the reference date and not finished is overdue
    def quarter(iso):
        return (int(iso[5:7]) - 1) // 3

    def multi(p):
        return len({quarter(d) for d in p["due_dates"] if d.startswith("2026")}) > 1 \
            and not p["deadline_text"].lower().startswith(("định kỳ", "hằng"))

    def state(p, row):
        status = row["status"] if row else "not_started"
        if not multi(p):
            return status
        occurrences = {}
        for d in p["due_dates"]:
            occurrences[quarter(d)] = max(occurrences.get(quarter(d), d), d)
        begun = [due for q, due in sorted(occurrences.items()) if date(2026, 3 * q + 1, 1) <= ref]
        if status in ("done", "done_late", "not_done"):
            return status
        if any(date.fromisoformat(due) < ref for due in begun):
            return "overdue"
        return status

    by_product = {p["id"]: p for p in products}
    states = collections.Counter(state(by_product[pid], r) for pid, r in rows.items() if pid in by_product)
    assert summary.totals.completed == states["done"] + states["done_late"]
    assert summary.totals.not_done == states["not_done"]
    assert summary.totals.in_progress == states["in_progress"]

    # overdue at the reference date: a one-off product without a finished/refused status whose last due
    # date has passed (counted from the expected due dates, not by the code under test)
    finished = {pid for pid, r in rows.items() if r["status"] in ("done", "done_late", "not_done")}
    one_off_overdue = {p["id"] for p in products
                       if p["due_dates"] and p["id"] not in finished
                       and len(p["due_dates"]) == 1 and date.fromisoformat(p["due_dates"][-1]) < ref}
    overdue_ids = {i.product_id for i in summary.overdue}
    assert one_off_overdue and one_off_overdue <= overdue_ids
    assert summary.totals.overdue == len(overdue_ids)

    # groups: per section and per lead agency, counted from the expected tree
    per_section = [sum(len(t["products"]) for t in s["tasks"]) for s in EXPECTED["sections"]]
    assert [g.counts.total for g in summary.by_section] == per_section
    # each product once, in the row of its first lead agency; products led only by a group phrase («Các cơ
    # quan, đơn vị …», words written out here) in one row «Các cơ quan, đơn vị (chung)»
    def bucket(leads):
        real = [n for n in leads if not n.startswith("Các cơ quan")]
        return real[0] if real else ("Các cơ quan, đơn vị (chung)" if leads else "(Chưa giao cơ quan chủ trì)")
    per_lead = collections.Counter(bucket(p["leads"]) for p in products)
    assert {g.label: g.counts.total for g in summary.by_agency} == dict(per_lead)
    assert sum(g.counts.total for g in summary.by_agency) == len(products)
    assert len(summary.targets) == len(EXPECTED["targets"] if version >= 2 else [])
