"""Dashboard lists as Qt models (issue 18): model checks, contents, and no summary for a hidden tab."""
from datetime import date

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402

from cchc_desktop.tracking import DONE, set_status  # noqa: E402
from ui import dashboard as dashboard_module  # noqa: E402
from ui.dashboard import DashboardWidget  # noqa: E402
from ui.dashboard_models import KEY_ROLE  # noqa: E402


@pytest.fixture
def counted_summaries(monkeypatch):
    """Count plan_summary calls made by the dashboard."""
    calls = []
    real = dashboard_module.plan_summary

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)
    monkeypatch.setattr(dashboard_module, "plan_summary", counting)
    return calls


def test_every_dashboard_model_passes_qtmodeltester(qtbot, qtmodeltester, store, demo):
    plan_id, products = demo
    set_status(store, products[0].id, "2026", status=DONE, completed_on="2026-01-10")
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 7, 20))
    qtbot.addWidget(w)
    w.set_period("2026")
    assert w.summary.items
    for table in (w.overdue_table, w.soon_table, w.section_table, w.agency_table, w.items_table):
        qtmodeltester.check(table.model(), force_py=True)


def test_dashboard_models_show_the_summary(qtbot, store, demo):
    plan_id, products = demo
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 7, 20))
    qtbot.addWidget(w)
    w.set_period("2026")
    s = w.summary
    # every product of the plan is listed once, keyed by its own task and product ids (counted from the rows)
    rows = store.db.query("SELECT p.id, p.task_id FROM product p JOIN task t ON t.id = p.task_id "
                          "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?", (plan_id,))
    items = w.items_table.model()
    keys = {items.index(r, 0).data(KEY_ROLE) for r in range(items.rowCount())}
    assert items.rowCount() == len(s.items) == len(keys)
    assert keys <= {(r["task_id"], r["id"]) for r in rows}
    assert items.index(0, 0).data() == s.items[0].description
    # overdue list: same order as the summary, days late right-aligned, the deadline in the tooltip
    overdue = w.overdue_table.model()
    assert overdue.rowCount() == len(s.overdue) > 0
    first = s.overdue[0]
    assert overdue.index(0, 0).data(KEY_ROLE) == (first.task_id, first.product_id)
    assert overdue.index(0, 4).data() == str(first.days_overdue)
    assert overdue.index(0, 4).data(Qt.TextAlignmentRole) & int(Qt.AlignRight)
    assert first.deadline_text in overdue.index(0, 0).data(Qt.ToolTipRole)
    # section table: one row per section with products, then the bold total
    sections = w.section_table.model()
    last = sections.rowCount() - 1
    assert sections.index(last, 0).data() == "Tổng cộng"
    assert sections.index(last, 1).data() == str(len(rows)) == str(s.totals.total)
    assert sections.index(last, 0).data(Qt.FontRole).bold()
    assert sections.index(0, 0).data(Qt.FontRole) is None


def test_hidden_dashboard_computes_nothing_until_shown(qtbot, store, demo, counted_summaries):
    from ui.main_window import MainWindow

    plan_id, _ = demo
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.open_plan(plan_id)
    assert window.dashboard is not None
    assert counted_summaries == []          # plan open: the dashboard tab is hidden
    window.dashboard.refresh()              # e.g. a status saved elsewhere
    assert counted_summaries == []
    assert "Hạn báo cáo" in window.dashboard.report_label.text()   # the cheap line still follows
    window.tabs.setCurrentWidget(window.dashboard_page)
    qtbot.waitUntil(lambda: len(counted_summaries) >= 1)
    qtbot.wait(20)
    assert counted_summaries == [plan_id]   # one computation for one show
    assert window.dashboard.items_table.model().rowCount() == len(window.dashboard.summary.items)
    assert len(counted_summaries) == 1
    window.tabs.setCurrentIndex(0)
    window.tabs.setCurrentWidget(window.dashboard_page)   # shown again: the table may have changed meanwhile
    qtbot.waitUntil(lambda: len(counted_summaries) >= 2)


def test_summary_read_while_hidden_is_current(qtbot, store, demo, counted_summaries):
    plan_id, products = demo
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 7, 20))
    qtbot.addWidget(w)
    w.set_period("2026")
    assert counted_summaries == []
    before = w.summary.totals.completed
    set_status(store, products[0].id, "2026", status=DONE, completed_on="2026-01-10")
    w.refresh()
    assert len(counted_summaries) == 1      # refresh of a hidden dashboard: nothing computed yet
    assert w.summary.totals.completed == before + 1
    assert w.card_text("completed") == str(before + 1)


def test_start_builds_the_dashboard_after_the_tables_first_paint(qtbot, store, demo, counted_summaries):
    from ui.app import build_main_window

    plan_id, _ = demo
    window = build_main_window(store)
    qtbot.addWidget(window)
    assert window.model.plan_id == plan_id and window.model.rowCount() > 0
    assert window.dashboard is None and window.dashboard_page is None     # not before the table paints
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.dashboard is not None)
    assert window.tabs.indexOf(window.dashboard_page) > 0 and window.dashboard.plan_id == plan_id
    assert counted_summaries == []          # built, not computed: its tab is still hidden
    other = store.create_plan("Khác", 2027)
    window.open_plan(other)                 # later plan changes reach it at once
    assert window.dashboard.plan_id == other
