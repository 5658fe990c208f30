"""The dashboard writes figures like the reports and its tables add up.

* percentages read "4,3%" like the printed reports (one decimal, decimal comma), worked out here with Decimal;
* the per-agency table counts each product once (its first lead agency; group phrases «Các cơ quan, đơn vị …»
  gathered in one row «Các cơ quan, đơn vị (chung)»), has a «Tổng cộng» row, and adds up both ways;
* the «Tổng số sản phẩm» card says what it counts (lũy kế / the period);
* the «Cơ quan chủ trì» filter lists agencies that lead something (no coordinating-only agency, no group
  phrase), plus one choice for the products a group phrase leads;
* every dashboard tab is visible at the width the dashboard has in a 1366×768 window (no scroll arrows).

Expected figures come from the database rows with plain SQL, never from the code under test.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from cchc_desktop.tracking import set_status

REF = dt.date(2026, 12, 1)
GROUPS = ("Các cơ quan, đơn vị", "Các cơ quan, đơn vị trên địa bàn xã")
# (deadline, leads, coordinators, done on)
PRODUCTS = [
    ("Quý I/2026", ["Phòng Kinh tế"], ["Bưu điện xã"], dt.date(2026, 3, 20)),
    ("Quý II/2026", ["Phòng Kinh tế"], [], None),
    ("Quý III/2026", ["Phòng Văn hóa - Xã hội"], ["Các cơ quan liên quan"], dt.date(2026, 9, 1)),
    ("Quý IV/2026", ["Các cơ quan, đơn vị"], [], None),
    ("Quý IV/2026", ["Các cơ quan, đơn vị trên địa bàn xã"], [], None),
    ("Quý II/2026", ["Văn phòng HĐND và UBND", "Phòng Kinh tế"], [], None),   # two leads: counted once
    ("Năm 2026", ["Công an xã"], [], None),
]


@pytest.fixture
def plan(store):
    plan_id = store.create_plan("Xuân Trường", 2026)
    section = store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    for n, (deadline, leads, coords, done_on) in enumerate(PRODUCTS, 1):
        product = store.add_product(store.add_task(section, f"Nhiệm vụ {n}"), f"Sản phẩm {n}", deadline, leads,
                                    coords)
        if done_on:
            set_status(store, product, "2026", status="done", completed_on=done_on)
    return plan_id


def _vn_percent(part: int, total: int) -> str:
    value = (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}".replace(".", ",") + "%"


def _first_leads(store, plan_id) -> dict[str, str]:
    """product id -> the name of its first lead (SQL, ordered by position)."""
    out = {}
    for r in store.db.query(
            "SELECT pa.product_id, a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
            "JOIN product p ON p.id = pa.product_id JOIN task t ON t.id = p.task_id "
            "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? AND pa.role = 'lead' ORDER BY pa.position", (plan_id,)):
        out.setdefault(r["product_id"], r["name"])
    return out


def test_dashboard_percent_agency_totals_and_card(qtbot, store, plan):
    from ui.dashboard import TOTAL_LABEL, DashboardWidget

    total = store.db.query_one("SELECT COUNT(*) FROM product")[0]
    done = store.db.query_one("SELECT COUNT(*) FROM product_status WHERE status IN ('done', 'done_late') "
                              "AND completed_on <= ?", (REF.isoformat(),))[0]
    dash = DashboardWidget(store, plan, ref_date=REF)
    qtbot.addWidget(dash)
    dash.set_period("2026-Q4")
    dash.ensure_current()
    assert dash.card_text("total") == str(total)
    card = dash.cards["total"]
    assert "lũy kế" in card.detail.text() and "2026" in card.detail.text()
    assert dash.cards["completed"].detail.text().startswith(_vn_percent(done, total))

    model = dash.agency_table.model()
    def cell(r, c):
        text = model.text(r, c)
        return int(text) if c and text.isdigit() else text
    rows = {model.text(r, 0): [cell(r, c) for c in range(model.columnCount())] for r in range(model.rowCount())}
    for phrase in GROUPS + ("Các cơ quan liên quan", "Bưu điện xã"):
        assert phrase not in rows
    first = _first_leads(store, plan)
    expected = {}
    for pid, name in first.items():
        key = "Các cơ quan, đơn vị (chung)" if name in GROUPS else name
        expected[key] = expected.get(key, 0) + 1
    assert {k: v[1] for k, v in rows.items() if k != TOTAL_LABEL} == expected
    assert rows[TOTAL_LABEL][1] == total
    # both ways: each numeric column's rows add up to the Tổng cộng row; each row's state columns to its Tổng
    numeric = [c for c in range(1, model.columnCount()) if isinstance(rows[TOTAL_LABEL][c], int)]
    body = [v for k, v in rows.items() if k != TOTAL_LABEL]
    for c in numeric:
        assert sum(v[c] for v in body) == rows[TOTAL_LABEL][c]
    state_cols = [c for c in numeric if c not in (1, 2)]        # Tổng, Hoàn thành (= đúng hạn + quá hạn HT)
    for v in body + [rows[TOTAL_LABEL]]:
        assert sum(v[c] for c in state_cols) == v[1]
        assert v[3] == _vn_percent(v[2], v[1])                 # «Tỷ lệ HT» written like the report


def test_lead_filter_lists_leading_agencies_and_one_group_choice(store, plan):
    from cchc_desktop.agency_groups import GROUP_ID
    from cchc_desktop.appendix_index import AppendixIndex
    from cchc_desktop.appendix_rows import FilterSpec

    index = AppendixIndex(store, store.load_plan(plan), REF)
    choices = index.lead_choices()
    leading = {r["name"] for r in store.db.query(
        "SELECT DISTINCT a.name FROM agency a JOIN product_agency pa ON pa.agency_id = a.id WHERE pa.role = 'lead'")}
    assert {name for _id, name in choices[:-1]} == leading - set(GROUPS)
    assert "Bưu điện xã" not in {name for _id, name in choices}       # coordinates only
    assert choices[-1][0] == GROUP_ID
    group_led = {r["product_id"] for r in store.db.query(
        "SELECT pa.product_id FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
        "WHERE pa.role = 'lead' AND a.name IN (?, ?)", GROUPS)}
    assert len(group_led) == 2
    index.ensure()
    shown = {r.product.id for r in index.rows(FilterSpec(lead_agency_id=GROUP_ID)) if r.product is not None}
    assert shown == group_led


def test_every_dashboard_tab_visible_for_a_multi_year_plan(qtbot, store):
    from ui.dashboard import DashboardWidget

    five = store.create_plan("Xuân Trường", 2026, 2030)
    section = store.add_section(five, "MỤC I")
    store.add_product(store.add_task(section, "Nhiệm vụ"), "Sản phẩm", "Năm 2026", ["Văn phòng"])
    dash = DashboardWidget(store, five, ref_date=REF)
    qtbot.addWidget(dash)
    dash.resize(900, 700)          # what the dashboard gets in a 1366×768 window (sections and details panes open)
    dash.show()
    dash.ensure_current()
    qtbot.wait(10)
    bar = dash.tabs.tabBar()
    assert dash.tabs.indexOf(dash.period_box) >= 0
    needed = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
    assert needed <= dash.tabs.width()
    assert all(bar.tabRect(i).right() <= bar.width() for i in range(bar.count()))
