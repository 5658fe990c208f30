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
    assert w.section_table.model().rowCount() == len([g for g in s.by_section if g.counts.total]) + 1
    assert w.agency_table.model().rowCount() >= 1 and w.targets_table.rowCount() == 1
    assert s.overdue, "the demo plan has overdue items at 20/07/2026"
    assert w.overdue_table.model().rowCount() == len(s.overdue)
    with qtbot.waitSignal(w.taskActivated) as blocker:
        rect = w.overdue_table.visualRect(w.overdue_table.model().index(0, 0))
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
    from ui.operations import events_for
    events_for(stack).changed.connect(lambda _result: changed.append(1))
    dialog = BulkUpdateDialog(store, ids, "2026-Q2", undo_stack=stack, ref=date(2026, 6, 1))
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
    # agency links show the agency's name, never its id
    links = [r for r in rows if r[2] == "Cơ quan"]
    assert links and all(r[6] and "agency_id" not in r[6] for r in links)
    assert {r[6] for r in links if r[4] == "Cơ quan chủ trì"} == {a.name for a in product.leads}
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


def test_targets_add_edit_delete_are_undoable(qtbot, store, demo):
    from ui.targets_dialog import TargetEditDialog, TargetsDialog, parse_number
    from cchc_desktop.tracking import list_targets, target_results

    plan_id, _ = demo
    stack = QUndoStack()
    dialog = TargetsDialog(store, plan_id, undo_stack=stack, period_key="2026-Q3")
    qtbot.addWidget(dialog)
    editor = dialog.editor
    answers = []

    def runner(d):
        assert isinstance(d, TargetEditDialog)
        values = answers.pop(0)
        if values is None:
            return False
        d.title.setText(values[0])
        d.comparison.setCurrentIndex(d.comparison.findData(values[1]))
        d.value.setText(values[2])
        d.unit.setCurrentText(values[3])
        assert d.problem() is None
        return True
    editor.dialog_runner = runner
    answers.append(("Tỷ lệ văn bản điện tử gửi nhận qua mạng", ">=", "90,5", "%"))
    target_id = editor.add_dialog()
    assert target_id and stack.count() == 1
    [t] = list_targets(store, plan_id)
    assert (t["title"], t["comparison"], t["target_value"], t["unit"]) == (
        "Tỷ lệ văn bản điện tử gửi nhận qua mạng", ">=", 90.5, "%")
    assert editor.table.rowCount() == 1 and editor.table.item(0, 1).text() == "≥ 90,5%"
    # actual value for the period, then edit the requirement, then delete: each one undo step
    editor.table.item(0, 2).setText("92")
    assert target_results(store, plan_id, "2026-Q3")[0].met is True
    editor.table.selectRow(0)
    answers.append(("Tỷ lệ văn bản điện tử", ">=", "95", "%"))
    assert editor.edit_selected()
    assert target_results(store, plan_id, "2026-Q3")[0].met is False
    editor.confirm = lambda *_: True
    editor.table.selectRow(0)
    assert editor.delete_selected() and list_targets(store, plan_id) == []
    assert stack.count() == 4
    stack.undo()     # delete undone: same id, actual value back
    [result] = target_results(store, plan_id, "2026-Q3")
    assert result.target_id == target_id and result.actual == 92 and result.title == "Tỷ lệ văn bản điện tử"
    stack.undo()     # edit undone
    assert list_targets(store, plan_id)[0]["target_value"] == 90.5
    stack.undo()     # actual undone
    assert target_results(store, plan_id, "2026-Q3")[0].actual is None
    stack.undo()     # add undone
    assert list_targets(store, plan_id) == [] and editor.table.rowCount() == 0
    stack.redo()
    assert list_targets(store, plan_id)[0]["id"] == target_id
    # seed targets in one step; a second time nothing to add
    messages = []
    editor.message = lambda title, text: messages.append(text)
    added = editor.add_defaults()
    assert len(added) >= 5 and stack.count() == 2
    assert editor.add_defaults() == [] and "đã có" in messages[-1] and stack.count() == 2
    stack.undo()
    assert len(list_targets(store, plan_id)) == 1
    # invalid values are refused in the dialog
    d = TargetEditDialog()
    qtbot.addWidget(d)
    d.title.setText("Chỉ tiêu")
    d.value.setText("nhiều")
    assert "không phải là số" in d.problem()
    assert parse_number("1.234,5") == 1234.5 and parse_number("96 %") == 96


def test_evidence_edit_and_delete_are_undoable(qtbot, store, demo, tmp_path):
    from ui.status_panel import EvidenceDialog

    _, products = demo
    product = products[0]
    stack = QUndoStack()
    panel = StatusPanel(store, undo_stack=stack)
    qtbot.addWidget(panel)
    panel.set_product(product.id, "2026", ref=date(2026, 7, 20))
    first = tmp_path / "bao-cao.pdf"
    first.write_bytes(b"%PDF-1.4 first")
    second = tmp_path / "bao-cao-sua.pdf"
    second.write_bytes(b"%PDF-1.4 second")
    answers = [dict(doc_number="12/BC-UBND", summary="Báo cáo quý III", file=str(first)),
               dict(doc_number="12/BC-UBND (sửa)", summary="Báo cáo quý III năm 2026", file=str(second))]

    def runner(d):
        assert isinstance(d, EvidenceDialog)
        values = answers.pop(0)
        d.doc_number.setText(values["doc_number"])
        d.summary.setText(values["summary"])
        d.file.setText(values["file"])
        return True
    panel.dialog_runner = runner
    assert panel.add_evidence_dialog()
    [ev] = list_evidence(store, product.id)
    assert ev["file_name"] == "bao-cao.pdf" and panel.evidence.rowCount() == 1
    panel.evidence.selectRow(0)
    assert panel.edit_selected_evidence()
    [edited] = list_evidence(store, product.id)
    assert edited["id"] == ev["id"] and edited["doc_number"] == "12/BC-UBND (sửa)"
    assert edited["file_name"] == "bao-cao-sua.pdf" and edited["issued_on"] == ev["issued_on"]
    assert "12/BC-UBND (sửa)" in panel.evidence.item(0, 0).text()
    stack.undo()
    [back] = list_evidence(store, product.id)
    assert (back["doc_number"], back["file_name"], back["file_sha256"]) == (
        "12/BC-UBND", "bao-cao.pdf", ev["file_sha256"])
    stack.redo()
    assert list_evidence(store, product.id)[0]["file_name"] == "bao-cao-sua.pdf"
    panel.confirm = lambda *_: True
    panel.evidence.selectRow(0)
    assert panel.delete_selected_evidence() and list_evidence(store, product.id) == []
    stack.undo()
    assert [e["id"] for e in list_evidence(store, product.id)] == [ev["id"]]
    assert panel.evidence.rowCount() == 1
    assert stack.count() == 3


def test_report_settings_dialog_from_menu_is_undoable(qtbot, store, demo):
    from cchc_desktop.tracking import get_settings
    from ui.main_window import MainWindow
    from ui.report_settings_dialog import ReportSettingsDialog

    plan_id, _ = demo
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.open_plan(plan_id)
    assert window.actions["report_settings"] in window.menus["Theo dõi"].actions()
    seen = []

    def runner(dialog):
        assert isinstance(dialog, ReportSettingsDialog)
        dialog.boxes["quarter_report_day"].setValue(5)
        dialog.boxes["due_soon_days"].setValue(30)
        seen.append(dialog.preview.text())
        return True
    window.dialog_runner = runner
    window.actions["report_settings"].trigger()
    assert "Quý III/2026: 05/09/2026" in seen[0]
    settings = get_settings(store, plan_id)
    assert (settings.quarter_report_day, settings.due_soon_days) == (5, 30)
    assert window.dashboard.soon_spin.value() == 30 and window.model.settings.due_soon_days == 30
    window.dashboard.set_period("2026-Q3")
    assert "05/09/2026" in window.dashboard.report_label.text()
    window.undo_stack.undo()
    assert get_settings(store, plan_id).quarter_report_day == 15
    assert window.dashboard.soon_spin.value() == 14 and "15/09/2026" in window.dashboard.report_label.text()
    # targets dialog from the menu
    from ui.targets_dialog import TargetsDialog
    window.dialog_runner = lambda d: isinstance(d, TargetsDialog)
    window.actions["targets"].trigger()


def test_dashboard_period_follows_the_reference_date_until_chosen(qtbot, store, demo):
    plan_id, _ = demo
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 2, 1))
    qtbot.addWidget(w)
    assert w.period_key() == "2026-Q1"
    w.set_ref_date(date(2026, 7, 20))
    assert w.period_key() == "2026-Q3" and w.summary.period.key == "2026-Q3"
    w.set_period("2026")
    w.set_ref_date(date(2026, 10, 2))
    assert w.period_key() == "2026" and w.summary.ref_date == date(2026, 10, 2)


def test_status_panel_names_the_whole_year_row_it_takes_its_values_from(qtbot, store, demo):
    """A listed-quarter product whose status was recorded once for the whole year («2026», the old one-off row):
    the quarter shows those values and the pane says where they come from, not «Chưa cập nhật…»."""
    _, products = demo
    product = next(p for p in products if p.deadline_text == "Quý II, III, IV năm 2026")
    with store.db.transaction() as conn:   # a row of the earlier one-off tracking, as older databases hold it
        conn.execute("INSERT INTO product_status (id, product_id, period_key, status, percent, completed_on, "
                     "updated_by, created_at, updated_at) VALUES ('legacy', ?, '2026', 'in_progress', 40, '', "
                     "'Chị Lan', '2026-05-02T08:00:00', '2026-05-02T08:00:00')", (product.id,))
    stored = store.db.query_one("SELECT status, percent, updated_by FROM product_status WHERE product_id = ? "
                                "AND period_key = '2026'", (product.id,))
    panel = StatusPanel(store)
    qtbot.addWidget(panel)
    panel.set_product(product.id, "2026-Q3", ref=date(2026, 8, 1))
    assert panel.current_key() == "2026-Q3"
    assert panel.status.currentData() == stored["status"] and panel.percent.value() == stored["percent"]
    text = panel.updated.text()
    assert "Chưa cập nhật" not in text
    assert text.startswith("Theo tình trạng ghi chung cho cả năm 2026: Đang thực hiện 40%")
    assert stored["updated_by"] in text
    # a quarter with its own row names who updated it
    panel.percent.setValue(55)
    assert panel.save()
    assert panel.updated.text().startswith("Cập nhật lần cuối:")
