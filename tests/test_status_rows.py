"""`status_rows`: the recorded statuses of a plan or of some of its products, whichever way it reads them (the join
from the plan, one scan of the table for many ids, an index search per id in chunks) — checked against plain SQL."""
from datetime import date

import pytest

from cchc_desktop.tracking import DONE, IN_PROGRESS, NOT_DONE, set_status
from cchc_desktop.tracking import status as status_mod
from cchc_desktop.tracking.status import status_rows

FIELDS = ("product_id", "period_key", "status", "percent", "completed_on", "result", "updated_by", "updated_at")


@pytest.fixture
def two_plans(store):
    """Plan A: 8 products, 6 of them with statuses (a periodic one per quarter); plan B: 3 products with
    statuses (rows the reads of plan A must leave out)."""
    ids = {}
    for name, count in (("A", 8), ("B", 3)):
        plan = store.create_plan(f"Xã {name}", 2026)
        section = store.add_section(plan, "Công tác chỉ đạo, điều hành")
        products = []
        for n in range(count):
            task = store.add_task(section, f"Nhiệm vụ {name}{n}")
            deadline = "Định kỳ hằng quý" if n == 1 else f"Quý {'I' * (1 + n % 3)}/2026"
            products.append(store.add_product(task, f"Sản phẩm {name}{n}", deadline, ["Phòng Kinh tế"]))
        ids[name] = (plan, products)
    a, b = ids["A"][1], ids["B"][1]
    set_status(store, a[0], "2026", status=DONE, completed_on=date(2026, 3, 1), result="Quyết định số 1")
    for quarter in ("2026-Q1", "2026-Q2", "2026-Q3"):
        set_status(store, a[1], quarter, status=IN_PROGRESS, percent=30)
    set_status(store, a[2], "2026", status=NOT_DONE, reason="Chờ hướng dẫn")
    for product in a[3:6]:
        set_status(store, product, "2026", status=IN_PROGRESS, percent=60)
    for product in b:
        set_status(store, product, "2026", status=DONE, completed_on=date(2026, 2, 1))
    return ids


def expected(store, product_ids) -> dict:
    """{product: {period key: row}} from every status row, kept in Python when its product is asked for."""
    wanted = set(product_ids)
    found: dict = {}
    for row in store.db.query("SELECT * FROM product_status"):
        if row["product_id"] in wanted:
            found.setdefault(row["product_id"], {})[row["period_key"]] = {f: row[f] for f in FIELDS}
    return found


def reads(monkeypatch) -> list[str]:
    """The SQL each status_rows call runs (to tell which path it took)."""
    seen: list[str] = []
    original = status_mod._tuples

    def spy(store, sql, params=()):
        seen.append(sql)
        return original(store, sql, params)
    monkeypatch.setattr(status_mod, "_tuples", spy)
    return seen


def test_every_path_reads_the_same_rows_as_plain_sql(store, two_plans, monkeypatch):
    plan_a, products_a = two_plans["A"]
    total = store.db.query_one("SELECT COUNT(*) FROM product_status")[0]
    assert total == 1 + 3 + 1 + 3 + 3
    seen = reads(monkeypatch)

    whole = status_rows(store, plan_a)                          # the join from the plan
    assert "JOIN" in seen[-1]
    assert whole == expected(store, products_a)
    assert len(whole) == 6 and len(whole[products_a[1]]) == 3 and products_a[6] not in whole

    many = status_rows(store, plan_a, products_a)               # 8 ids ≥ half of 11 rows: one scan
    assert "WHERE" not in seen[-1] and "JOIN" not in seen[-1]
    assert many == whole

    few = status_rows(store, plan_a, products_a[1:3])           # 2 ids: by index
    assert "IN (" in seen[-1]
    assert few == expected(store, products_a[1:3]) and set(few) == set(products_a[1:3])

    monkeypatch.setattr(status_mod, "_IN_CHUNK", 2)             # several chunks of ids, results put together
    before = len(seen)
    chunked = status_rows(store, plan_a, [products_a[0], products_a[1], "không-có", products_a[3], products_a[7]])
    assert len(seen) - before == 3 and all("IN (" in sql for sql in seen[before:])
    assert chunked == expected(store, [products_a[0], products_a[1], products_a[3]])

    assert status_rows(store, plan_a, []) == {}


def test_index_of_a_plan_reads_only_its_live_products(store, two_plans):
    """The appendix table's index reads its plan's live products (the scan path): every recorded status of the
    plan, none of the other plan's."""
    from cchc_desktop.appendix_index import AppendixIndex

    plan_a, products_a = two_plans["A"]
    core = AppendixIndex(store, store.load_plan(plan_a), date(2026, 6, 30))
    assert core._statuses == expected(store, products_a)
    states = {pid: core.state_of(core.product(pid)).stored_status for pid in products_a}
    assert states[products_a[0]] == DONE and states[products_a[2]] == NOT_DONE
    assert states[products_a[7]] == "not_started"
