"""Five-year plan in the GUI (issue #15): the dashboard's «Tiến độ giai đoạn» tab of a multi-year plan, and the
task pane's «Phục vụ nhiệm vụ/chỉ tiêu kế hoạch giai đoạn» with its searchable picker (undoable writes)."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.planlife import fiveyear
from cchc_desktop.tracking import add_target, set_actual
from cchc_desktop.tracking.targets import format_value


def _scenario(store):
    """A 2026–2030 plan with two targets and two tasks, and two yearly plans (2026, 2027) linked to it whose
    targets count toward the five-year ones."""
    five = store.create_plan("Thiên Tân", 2026, 2030, doc_number="12/KH-UBND", doc_date="2026-01-05")
    models = add_target(store, five, "Số mô hình cải cách hành chính mới", 10, ">=", "mô hình")
    satisfied = add_target(store, five, "Mức độ hài lòng của người dân", 95, ">=", "%")
    section = store.add_section(five, "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")
    simplify = store.add_task(section, "Rà soát, đơn giản hóa thủ tục hành chính")
    spread = store.add_task(section, "Nhân rộng mô hình chuyển đổi số")
    yearly = {}
    for year, count, rate in ((2026, 4, 92.5), (2027, 3, 96.0)):
        plan = store.create_plan("Thiên Tân", year, doc_number=f"{year - 2025:02d}/KH-UBND", doc_date=f"{year}-01-10")
        fiveyear.link_plan(store, plan, five)
        t_count = add_target(store, plan, "Mô hình mới trong năm", count, ">=", "mô hình")
        t_rate = add_target(store, plan, "Tỷ lệ hài lòng", 95, ">=", "%")
        fiveyear.link_target(store, t_count, models)
        fiveyear.link_target(store, t_rate, satisfied)
        set_actual(store, t_count, "2026-Q2" if year == 2026 else str(year), 1)    # replaced by the year's value
        set_actual(store, t_count, str(year), count)
        set_actual(store, t_rate, f"{year}-Q4", rate)
        task = store.add_task(store.add_section(plan, "CẢI CÁCH TTHC"), "Triển khai mô hình một cửa số")
        store.add_product(task, "Mô hình", f"Quý II/{year}", ["Văn phòng HĐND-UBND"])
        yearly[year] = (plan, task)
    return five, models, satisfied, simplify, spread, yearly


def test_five_year_dashboard_shows_yearly_actuals_and_progress(qtbot, store):
    from ui.dashboard import DashboardWidget

    five, models, satisfied, _simplify, _spread, yearly = _scenario(store)
    # one more year recorded on the five-year target itself (no yearly plan for 2028)
    set_actual(store, models, "2028", 2)
    dash = DashboardWidget(store, five, ref_date=dt.date(2028, 6, 30))
    qtbot.addWidget(dash)
    dash.resize(1100, 700)
    dash.show()
    assert dash.tabs.tabText(dash.tabs.indexOf(dash.period_box)) == "Giai đoạn"
    dash.ensure_current()
    model = dash.period_box.targets_table.model()
    assert model.rowCount() == 2 and model.columnCount() == len(fiveyear.progress_headers(list(range(2026, 2031))))
    row = {model.text(r, 0): r for r in range(model.rowCount())}
    years = [2026, 2027, 2028, 2029, 2030]
    # independent figures from the rows: the yearly plans' own-year actuals of the targets linked to «models»
    per_year = dict(store.db.query(
        "SELECT p.year_start, ta.actual_value FROM target_actual ta JOIN target t ON t.id = ta.target_id "
        "JOIN plan p ON p.id = t.plan_id JOIN target_link tl ON tl.target_id = t.id "
        "JOIN plan_link pl ON pl.plan_id = p.id AND pl.kind = 'parent' "
        "WHERE tl.parent_target_id = ? AND pl.other_plan_id = ? AND ta.period_key = CAST(p.year_start AS TEXT)",
        (models, five)))
    per_year.update(dict(store.db.query(
        "SELECT CAST(period_key AS INTEGER), actual_value FROM target_actual WHERE target_id = ?", (models,))))
    assert per_year == {2026: 4.0, 2027: 3.0, 2028: 2.0}
    end_value = store.db.query_one("SELECT target_value FROM target WHERE id = ?", (models,))[0]
    r = row["Số mô hình cải cách hành chính mới"]
    for column, year in enumerate(years, 2):
        assert model.text(r, column) == (format_value(per_year[year]) if year in per_year else "—")
    total = sum(per_year.values())
    assert model.text(r, 7) == f"{format_value(total)} (lũy kế)"
    assert model.text(r, 8) == f"{format_value(round(100 * total / end_value, 1))}%"
    assert model.text(r, 9) == "Chưa đạt"
    # a percentage takes the latest year's value (each yearly plan's Q4 figure)
    latest = store.db.query_one(
        "SELECT ta.actual_value FROM target_actual ta JOIN target t ON t.id = ta.target_id "
        "JOIN plan p ON p.id = t.plan_id JOIN target_link tl ON tl.target_id = t.id "
        "WHERE tl.parent_target_id = ? ORDER BY p.year_start DESC LIMIT 1", (satisfied,))[0]
    r = row["Mức độ hài lòng của người dân"]
    assert model.text(r, 2) == "92,5%" and model.text(r, 7) == f"{format_value(latest)}%"
    assert model.text(r, 9) == "Đạt"
    # the report «Kết quả thực hiện Kế hoạch giai đoạn» prints the same cells (one computation for both)
    report = fiveyear.build_period_report(store, five, dt.date(2028, 6, 30))
    printed = report.tables["bang_chi_tieu_giai_doan"].rows
    shown = [[model.text(r, c) for c in range(model.columnCount())] for r in range(model.rowCount())]
    # (the printed «Đánh giá» writes «—» for «Chưa có số liệu», explained by a note under the table)
    assert [cells[1:] for cells in printed] == [
        [*cells[:-1], "—" if cells[-1] == "Chưa có số liệu" else cells[-1]] for cells in shown]
    assert ("Ghi chú: «—» ở cột Đánh giá: chưa có số liệu." in report.body) == \
        any(cells[-1] == "Chưa có số liệu" for cells in shown)
    assert not any("Chưa có số liệu" in cells[-1] for cells in printed)
    assert fiveyear.linked_text(store, five) in dash.period_box.note.text()
    # a yearly plan's dashboard has no such tab
    dash.set_plan(yearly[2026][0])
    assert dash.tabs.indexOf(dash.period_box) == -1
    dash.set_plan(five)
    assert dash.tabs.indexOf(dash.period_box) >= 0


def test_five_year_dashboard_counts_linked_yearly_tasks(qtbot, store):
    from cchc_desktop.tracking import set_status
    from ui.dashboard import DashboardWidget

    five, _models, _satisfied, simplify, _spread, yearly = _scenario(store)
    for year, (plan, task) in yearly.items():
        fiveyear.link_task(store, task, parent_task_id=simplify)
    product = store.load_plan(yearly[2026][0]).sections[0].tasks[0].products[0].id
    set_status(store, product, status="done", completed_on="2026-05-01")
    dash = DashboardWidget(store, five, ref_date=dt.date(2027, 12, 31))
    qtbot.addWidget(dash)
    dash.show()
    dash.ensure_current()
    tasks = dash.period_box.tasks_table.model()
    assert tasks.rowCount() == 1                         # only five-year tasks with linked yearly tasks
    assert tasks.text(0, 0) == "I.1. Rà soát, đơn giản hóa thủ tục hành chính"
    assert [tasks.text(0, c) for c in range(1, 6)] == ["1/1", "0/1", "—", "—", "—"]
    assert tasks.row_key(0) == (simplify, "")


def _window(qtbot, store):
    from ui.main_window import MainWindow

    window = MainWindow(store)
    qtbot.addWidget(window)
    window.dialog_runner = lambda dialog: False
    return window


def test_task_pane_links_a_yearly_task_with_the_picker_and_undo(qtbot, store):
    from cchc_desktop.planlife.fiveyear import TARGET, TASK

    five, models, _satisfied, simplify, spread, yearly = _scenario(store)
    plan, task = yearly[2026]
    window = _window(qtbot, store)
    window.open_plan(plan)
    window.view.select_entity("task", task)
    panel = window.task_link_panel
    assert panel.isVisibleTo(window) and panel.link_text() == "chưa liên kết"
    assert panel.caption.text() == f"<b>{fiveyear.LINK_FIELD}:</b>"

    seen = {}

    def pick(search, index=0):
        def runner(dialog):
            dialog.search.setText(search)
            seen["rows"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
            dialog.list.setCurrentRow(index)
            return True
        panel.picker_runner = runner

    pick("nhan rong chuyen doi so")          # accents left out: still found
    assert panel.pick()
    assert seen["rows"] == ["Nhiệm vụ I.2. Nhân rộng mô hình chuyển đổi số"]
    assert fiveyear.task_links(store, plan) == {task: (spread, None)}
    pick("MO HINH", 1)                        # a task and a target match; the target is the second row
    assert panel.pick()
    assert len(seen["rows"]) == 2 and seen["rows"][0].startswith("✓ Nhiệm vụ I.2")
    assert fiveyear.task_links(store, plan) == {task: (spread, models)}
    assert panel.link_text() == "\n".join(c.label for c in fiveyear.task_link_choices(store, task))
    assert "Chỉ tiêu: Số mô hình cải cách hành chính mới (≥ 10 mô hình)" in panel.link_text()
    # each choice is one undo step; the pane follows undo/redo
    assert window.undo_stack.count() == 2
    window.undo_stack.undo()
    assert fiveyear.task_links(store, plan) == {task: (spread, None)}
    assert "Chỉ tiêu" not in panel.link_text()
    window.undo_stack.redo()
    assert fiveyear.task_links(store, plan) == {task: (spread, models)}
    # choosing another task replaces only the task link
    assert panel.choose(next(c for c in fiveyear.link_choices(store, plan) if c.id == simplify))
    assert fiveyear.task_links(store, plan) == {task: (simplify, models)}
    assert panel.clear_links() and fiveyear.task_links(store, plan) == {}
    window.undo_stack.undo()
    assert fiveyear.task_links(store, plan) == {task: (simplify, models)}
    assert {c.kind for c in fiveyear.link_choices(store, plan)} == {TASK, TARGET}
    # a multi-year plan's tasks have no such field
    window.open_plan(five)
    window.view.select_entity("task", simplify)
    assert not panel.isVisibleTo(window)


def test_task_pane_offers_to_link_the_plan_first(qtbot, store):
    five = store.create_plan("Thiên Tân", 2026, 2030)
    lone = store.create_plan("Thiên Tân", 2026)
    task = store.add_task(store.add_section(lone, "CẢI CÁCH TTHC"), "Triển khai mô hình")
    window = _window(qtbot, store)
    window.open_plan(lone)
    window.view.select_entity("task", task)
    panel = window.task_link_panel
    assert panel.isVisibleTo(window)
    assert panel.plan_button.isVisibleTo(window) and not panel.pick_button.isVisibleTo(window)
    assert "chưa gắn với kế hoạch giai đoạn" in panel.links.text()
    # the «Kế hoạch giai đoạn» dialog links the plan: one undoable step, the pane follows
    from ui.fiveyear_dialog import FiveYearDialog

    dialog = FiveYearDialog(store, lone, window)
    qtbot.addWidget(dialog)
    dialog.set_parent(five)
    assert fiveyear.plan_link(store, lone) == five and window.undo_stack.count() == 1
    assert panel.pick_button.isVisibleTo(window) and panel.link_text() == "chưa liên kết"
    window.undo_stack.undo()
    assert fiveyear.plan_link(store, lone) is None and panel.plan_button.isVisibleTo(window)
    # no multi-year plan covering the year: nothing to offer
    other = store.create_plan("Thiên Tân", 2031)
    task2 = store.add_task(store.add_section(other, "CẢI CÁCH TTHC"), "Nhiệm vụ")
    window.open_plan(other)
    window.view.select_entity("task", task2)
    assert not panel.isVisibleTo(window)


def test_task_pane_link_is_read_only_on_a_read_only_database(qtbot, store):
    from ui.actions import set_read_only

    _five, _models, _satisfied, _simplify, _spread, yearly = _scenario(store)
    plan, task = yearly[2027]
    window = _window(qtbot, store)
    set_read_only(window)
    window.open_plan(plan)
    window.view.select_entity("task", task)
    panel = window.task_link_panel
    assert panel.isVisibleTo(window)
    assert not panel.pick_button.isEnabled() and not panel.clear_button.isEnabled()


@pytest.mark.parametrize("query, expected", [("chuyen doi so", 1), ("CẢI CÁCH", 1), ("mo hinh", 2), ("", 4)])
def test_link_choices_search_folds_accents(store, query, expected):
    five, _models, _satisfied, _simplify, _spread, yearly = _scenario(store)
    choices = fiveyear.link_choices(store, yearly[2026][0])
    assert len(choices) == 4                  # two tasks, then two targets
    assert len(fiveyear.search(choices, query)) == expected


def test_five_year_tab_rows_fit_their_wrapped_targets_and_empty_tasks_say_so(qtbot, store):
    from PySide6.QtCore import Qt

    from ui.dashboard import DashboardWidget
    from ui.wrapped_rows import text_margin

    five = store.create_plan("Thiên Tân", 2026, 2030)
    long_title = ("Mức độ hài lòng trong tiếp nhận, giải quyết TTHC của người dân, doanh nghiệp đạt tối thiểu 95%, "
                  "trong đó, mức độ hài lòng về giải quyết các TTHC lĩnh vực đất đai, xây dựng, đầu tư đạt tối "
                  "thiểu 90%")
    for title in (long_title, "Tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia trên tổng số giao "
                              "dịch thanh toán của dịch vụ công đạt 80%", "Tỷ lệ hồ sơ đúng hạn"):
        add_target(store, five, title, 95, ">=", "%")
    dash = DashboardWidget(store, five, ref_date=dt.date(2026, 12, 1))
    qtbot.addWidget(dash)
    dash.resize(1100, 700)
    dash.show()
    dash.ensure_current()
    dash.tabs.setCurrentWidget(dash.period_box)
    table = dash.period_box.targets_table
    qtbot.waitUntil(lambda: not table._fit_pending)
    model, metrics = table.model(), table.fontMetrics()
    painted = table.columnWidth(0) - 2 * text_margin(table) - 1       # the text rect inside the grid
    for row in range(model.rowCount()):
        text = model.index(row, 0).data()
        need = metrics.boundingRect(0, 0, painted, 10_000, int(Qt.TextWordWrap), text).height()
        assert table.rowHeight(row) >= need + 4, (text, table.rowHeight(row), need)
    assert table.rowHeight(0) >= 3 * metrics.lineSpacing()             # the long one is several lines
    # the five-year plan has no task: the tasks table says so (the report's words)
    tasks = dash.period_box.tasks_table
    assert tasks.model().rowCount() == 0
    assert tasks.empty_label.isVisible() and tasks.empty_label.text() == "Kế hoạch giai đoạn chưa có nhiệm vụ."
    # with a task not yet linked to any yearly task
    store.add_task(store.add_section(five, "CẢI CÁCH TTHC"), "Rà soát thủ tục hành chính")
    dash.refresh()
    qtbot.waitUntil(lambda: "Chưa có nhiệm vụ nào được liên kết" in tasks.empty_label.text())
    assert tasks.empty_label.isVisible()
