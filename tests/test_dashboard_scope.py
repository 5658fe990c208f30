"""The dashboard shows lũy kế (every product of the plan year) by default, the period's slice as a choice."""
from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("pytestqt")

from ui.dashboard import DashboardWidget  # noqa: E402


def test_cumulative_by_default_and_slice_on_request(qtbot, store):
    from cchc_desktop.demo import create_demo_plan

    plan_id = create_demo_plan(store)
    products = store.db.query_one("SELECT COUNT(*) FROM product")[0]
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 5, 20))
    qtbot.addWidget(w)
    w.set_period("2026-Q2")
    assert w.summary.cumulative and w.summary.totals.total == products
    w.scope_combo.setCurrentIndex(1)
    assert not w.summary.cumulative and 0 < w.summary.totals.total < products
