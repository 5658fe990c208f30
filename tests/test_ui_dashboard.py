"""UI tests (pytest-qt): dashboard, status panel, bulk update undo, history dialog."""
from datetime import date

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QUndoStack  # noqa: E402

from cchc_desktop.tracking import (DONE, DONE_LATE, IN_PROGRESS, NOT_DONE, add_target, get_status,  # noqa: E402
                                   list_evidence, set_status)
from ui.bulk_update import BulkUpdateDialog  # noqa: E402
from ui.dashboard import DashboardWidget  # noqa: E402
from ui.history_dialog import HistoryDialog, history_rows  # noqa: E402
from ui.status_panel import StatusPanel  # noqa: E402


@pytest.fixture
def demo(store):
    from cchc_desktop.demo import create_demo_plan
    plan_id = create_demo_plan(store)
    products = [p for _, _, p in store.load_plan(plan_id).iter_products()]
    return plan_id, products


def test_dashboard_builds_on_demo_plan_and_activates_overdue(qtbot, store, demo):
    plan_id, products = demo
    set_status(store, products[0].id, "2026", status=DONE, completed_on="2026-01-10")
    set_status(store, products[1].id, "2026", ref=date(2026, 5, 1), status=IN_PROGRESS, percent=50)
    add_target(store, plan_id, "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", 95)
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 7, 20))
    qtbot.addWidget(w)
    w.set_period("2026")
    s = w.summary
    assert s.totals.total == len(products)
    assert w.section_table.rowCount() == len([g for g in s.by_section if g.counts.total]) + 1
    assert w.agency_table.rowCount() >= 1 and w.targets_table.rowCount() == 1
    assert s.overdue, "the demo plan has overdue items at 20/07/2026"
    assert w.overdue_table.rowCount() == len(s.overdue)
    with qtbot.waitSignal(w.taskActivated) as blocker:
        rect = w.overdue_table.visualItemRect(w.overdue_table.item(0, 0))
        qtbot.mouseClick(w.overdue_table.viewport(), Qt.LeftButton, pos=rect.center())
    assert blocker.args == [s.overdue[0].task_id, s.overdue[0].product_id]
    # reference date and period pickers drive the summary
    w.set_period("2026-Q1")
    w.set_ref_date(date(2026, 1, 5))
    assert w.summary.period.key == "2026-Q1" and w.summary.ref_date == date(2026, 1, 5)
    assert w.card_text("overdue") == str(w.summary.totals.overdue)
    w.section_chart.grab()
    w.state_chart.grab()


def test_target_actual_entered_in_dashboard(qtbot, store, demo):
    plan_id, _ = demo
    tid = add_target(store, plan_id, "Kiểm tra tối thiểu cơ quan, đơn vị", 20)
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 7, 20))
    qtbot.addWidget(w)
    w.set_period("2026-Q3")
    w.targets_table.item(0, 2).setText("25")
    result = next(t for t in w.summary.targets if t.target_id == tid)
    assert result.actual == 25 and result.met is True
    assert w.targets_table.item(0, 3).text() == "Đạt"


def test_bulk_update_is_one_undo_step(qtbot, store, demo):
    plan_id, products = demo
    ids = [p.id for p in products[:5]]
    stack = QUndoStack()
    changed = []
    dialog = BulkUpdateDialog(store, ids, "2026-Q2", undo_stack=stack, ref=date(2026, 6, 1),
                              on_change=lambda: changed.append(1))
    qtbot.addWidget(dialog)
    dialog.status.setCurrentIndex(dialog.status.findData(DONE))
    dialog.set_date.setChecked(True)
    dialog.date.setDate(date(2026, 6, 20))
    dialog.evidence_box.setChecked(True)
    dialog.doc_number.setText("45/BC-UBND")
    dialog.summary.setText("Báo cáo CCHC quý II")
    assert dialog.apply()
    assert stack.count() == 1
    statuses = [store.db.query_one("SELECT status FROM product_status WHERE product_id = ?", (i,))[0]
                for i in ids]
    assert set(statuses) <= {DONE, DONE_LATE} and len(statuses) == 5
    assert all(len(list_evidence(store, i)) == 1 for i in ids)
    stack.undo()
    assert store.db.query_one("SELECT COUNT(*) FROM product_status")[0] == 0
    assert all(list_evidence(store, i) == [] for i in ids)
    stack.redo()
    assert store.db.query_one("SELECT COUNT(*) FROM product_status")[0] == 5
    assert changed


def test_status_panel_save_requires_reason_and_shows_history(qtbot, store, demo):
    _, products = demo
    product = next(p for p in products if p.deadline_text.startswith("Trước ngày"))
    stack = QUndoStack()
    panel = StatusPanel(store, undo_stack=stack)
    qtbot.addWidget(panel)
    messages = []
    panel.message = lambda title, text: messages.append(text)
    panel.set_product(product.id, "2026", ref=date(2026, 7, 20))
    panel.status.setCurrentIndex(panel.status.findData(NOT_DONE))
    assert panel.reason.isVisibleTo(panel)
    assert not panel.save() and "lý do" in messages[-1]
    panel.reason.setText("Chờ hướng dẫn")
    with qtbot.waitSignal(panel.statusSaved):
        assert panel.save()
    assert get_status(store, product.id, "2026")["reason"] == "Chờ hướng dẫn"
    panel.status.setCurrentIndex(panel.status.findData(DONE))
    panel.completed.setDate(date(2026, 1, 10))
    panel.result.setPlainText("Đã ban hành kế hoạch")
    assert panel.save()
    assert get_status(store, product.id, "2026")["status"] == DONE
    stack.undo()
    assert get_status(store, product.id, "2026")["status"] == NOT_DONE
    rows = history_rows(store, product.id)
    assert any(r[4] == "Trạng thái" and r[6] == "Hoàn thành" for r in rows)
    assert all(r[1] == "tester" for r in rows if r[2] == "Tình trạng")
    dialog = HistoryDialog(store, product.id)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(rows)


def test_status_panel_periodic_product_has_period_picker(qtbot, store, demo):
    _, products = demo
    product = next(p for p in products if p.deadline_text.startswith("Thường xuyên"))
    panel = StatusPanel(store)
    qtbot.addWidget(panel)
    panel.set_product(product.id, "2026", ref=date(2026, 7, 20))
    assert panel.period.count() == 4 and panel.current_key() == "2026-Q3"
    panel.status.setCurrentIndex(panel.status.findData(IN_PROGRESS))
    panel.percent.setValue(30)
    assert panel.save()
    assert get_status(store, product.id, "2026-Q3")["percent"] == 30
    panel.set_product(None)
    assert not panel.isEnabled()


def test_main_window_integration(qtbot, store, demo):
    from ui.main_window import MainWindow

    plan_id, _ = demo
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.open_plan(plan_id)
    assert window.dashboard is not None and window.tabs.indexOf(window.dashboard_page) > 0
    assert window.dashboard_page.widget() is window.dashboard   # scrolls inside its tab
    window.dashboard.set_ref_date(date(2026, 7, 20))
    window.dashboard.set_period("2026")
    item = window.dashboard.summary.overdue[0]
    window.dashboard.taskActivated.emit(item.task_id, item.product_id)
    assert window.tabs.currentIndex() == 0
    assert window.status_panel.product_id == item.product_id
    window.status_panel.status.setCurrentIndex(window.status_panel.status.findData(IN_PROGRESS))
    assert window.status_panel.save()
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert get_status(store, item.product_id, window.status_panel.current_key())["id"] is None


def _overdue_in_status_bar(window) -> int:
    import re
    text = window.overdue_label.text()
    found = re.search(r"(\d+) sản phẩm quá hạn", text)
    return int(found.group(1)) if found else 0


def test_table_status_uses_recorded_statuses_like_the_dashboard(qtbot, store, demo):
    """Table "Trạng thái"/"Hạn xử lý", overdue filter and status-bar count come from the recorded
    statuses at the reference date and agree with the dashboard; saving, bulk update and undo
    refresh them."""
    from ui.appendix_model import COL_DUE, COL_STATUS, FilterSpec
    from ui.main_window import MainWindow

    plan_id, products = demo
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.open_plan(plan_id)
    model = window.model
    window.dashboard.set_period("2026")
    window.dashboard.set_ref_date(date(2026, 7, 20))          # drives the table's reference date
    assert model.ref_date == date(2026, 7, 20)
    overdue = window.dashboard.summary.totals.overdue
    assert overdue > 0
    assert model.overdue_count() == overdue == _overdue_in_status_bar(window)
    assert "20/07/2026" in window.overdue_label.text()

    # mark an overdue one-off product done: the table, the filter, the count and the dashboard follow
    item = next(i for i in window.dashboard.summary.overdue if not i.periodic)
    window.tabs.setCurrentIndex(0)
    window.view.select_entity("product", item.product_id)
    row = model.find_row("product", item.product_id)
    assert model.data(model.index(row, COL_STATUS)) == "Quá hạn"
    assert "quá" in model.data(model.index(row, COL_DUE))
    panel = window.status_panel
    assert panel.product_id == item.product_id
    panel.status.setCurrentIndex(panel.status.findData(DONE_LATE))
    panel.completed.setDate(date(2026, 7, 1))
    assert panel.save()
    assert model.data(model.index(row, COL_STATUS)) == "Hoàn thành quá hạn"
    assert model.data(model.index(row, COL_DUE)) == "Xong 01/07/2026"
    window.tabs.setCurrentIndex(window.tabs.indexOf(window.dashboard_page))
    assert window.dashboard.summary.totals.overdue == overdue - 1
    assert model.overdue_count() == overdue - 1 == _overdue_in_status_bar(window)
    model.set_filter(FilterSpec(overdue_only=True))
    shown = {r.product.id for r in model.rows() if r.product is not None}
    assert item.product_id not in shown and len(shown) == overdue - 1

    # undo puts the overdue state back everywhere
    window.undo_stack.undo()
    assert model.overdue_count() == overdue == _overdue_in_status_bar(window)
    assert window.dashboard.summary.totals.overdue == overdue
    assert item.product_id in {r.product.id for r in model.rows() if r.product is not None}

    # bulk update through the dialog (one undo step) refreshes too
    ids = [i.product_id for i in window.dashboard.summary.overdue if not i.periodic][:2]
    model.set_filter(FilterSpec())
    window.view.clearSelection()
    runs = []

    def run(dialog):
        runs.append(dialog)
        dialog.status.setCurrentIndex(dialog.status.findData(NOT_DONE))
        dialog.reason.setText("Chưa có kinh phí")
        return dialog.apply()
    window.dialog_runner = run
    for product_id in ids:
        window.view.selectionModel().select(model.index(model.find_row("product", product_id), 2),
                                            window.view.selectionModel().SelectionFlag.Select)
    window.bulk_update_selection()
    assert runs and model.overdue_count() == overdue - len(ids) == _overdue_in_status_bar(window)
    assert window.dashboard.summary.totals.overdue == overdue - len(ids)
    window.undo_stack.undo()
    assert model.overdue_count() == overdue == window.dashboard.summary.totals.overdue

    # another reference date: back to today
    window.dashboard.set_ref_date(date(2026, 1, 2))
    assert model.overdue_count() == window.dashboard.summary.totals.overdue == _overdue_in_status_bar(window)
