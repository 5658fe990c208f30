"""«Xem → Hiện nhiệm vụ đã bỏ»: the tasks a plan amendment dropped are shown in their old place, greyed and struck
through, read-only, worded by the one formatter — and never counted (issue #15 leftover)."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.errors import UserError
from cchc_desktop.importers import read_appendix
from cchc_desktop.ops import appendix as app_ops
from cchc_desktop.planlife import amend
from cchc_desktop.tracking import plan_summary
from planlife_support import DROPPED, revised_layout, write_revised_xlsx

CAPTION = "(Ban hành kèm theo Kế hoạch số 41/KH-UBND ngày 15/07/2026 của UBND xã Xuân Trường)"
LABEL = "Đã bỏ theo điều chỉnh số 41/KH-UBND ngày 15/07/2026"
REF = dt.date(2026, 9, 1)


@pytest.fixture
def amended(store, tmp_path):
    plan_id = create_demo_plan(store)
    before = store.load_plan(plan_id)
    order = {s.id: [t.id for t in s.tasks] for s in before.sections}
    dropped = [before.sections[s].tasks[t].id for s, t in DROPPED]
    sections, _expected = revised_layout(store, plan_id)
    path = write_revised_xlsx(tmp_path / "dieu-chinh.xlsx", sections, CAPTION)
    amend.apply_amendment(store, amend.prepare_amendment(store, plan_id, read_appendix(path)))
    return plan_id, order, dropped


def _task_rows(model):
    return [(r.section.id, r.task.id, r.archived) for r in model.rows() if r.task is not None and r.first]


def test_dropped_tasks_shown_in_place_read_only_and_not_counted(qtbot, qtmodeltester, store, amended):
    from ui.appendix_model import COL_CONTENT, COL_DUE, COL_PRODUCT, COL_STATUS, AppendixModel, FilterSpec

    plan_id, order, dropped = amended
    model = AppendixModel(store)
    model.set_ref_date(REF)
    model.load(plan_id)
    live_rows = model.rowCount()
    overdue = model.overdue_count()
    assert not {t for _s, t, _a in _task_rows(model)} & set(dropped)      # off by default

    model.set_show_archived(True)
    qtmodeltester.check(model, force_py=True)
    rows = _task_rows(model)
    shown = [t for _s, t, a in rows if a]
    assert sorted(shown) == sorted(dropped)
    assert model.rowCount() > live_rows
    # in their original section, and in their original order among the tasks that stayed in that section
    for section_id, before in order.items():
        now = [t for s, t, _a in rows if s == section_id and t in before]
        assert now == [t for t in before if t in now]
        assert set(dropped) & set(before) <= set(now)
    # the one formatter's words, greyed and struck through, read-only
    for number, row in enumerate(model.rows()):
        if not row.archived:
            continue
        assert model.index(number, COL_STATUS).data() == LABEL
        assert model.index(number, COL_DUE).data() in ("", None)
        for col in (COL_CONTENT, COL_PRODUCT, COL_STATUS):
            index = model.index(number, col)
            if col == COL_CONTENT and not row.first:
                continue
            assert index.data(Qt.FontRole).strikeOut()
            assert index.data(Qt.ForegroundRole).color().name() == "#8a8a8a"
            assert not model.flags(index) & Qt.ItemIsEditable
            assert not model.setData(index, "sửa thử")
        with pytest.raises(UserError, match="đã bỏ khỏi kế hoạch"):
            model.refuse_archived([number])
        if row.product is not None:          # the details pane reads the same words
            assert model.product_info(row.product.id).status_label == LABEL
    # the core refuses too, whatever the caller
    with pytest.raises(UserError, match="đã bỏ khỏi kế hoạch"):
        app_ops.edit_fields(store, "task", dropped[0], {"content": "sửa"})
    with pytest.raises(UserError, match="đã bỏ khỏi kế hoạch"):
        app_ops.delete_rows(store, [("task", dropped[0])], "Xóa")
    # never counted: the status bar's overdue figure, a state filter, the dashboard's and reports' totals
    assert model.overdue_count() == overdue
    model.set_filter(FilterSpec(overdue_only=True))
    assert not any(r.archived for r in model.rows())
    model.set_filter(FilterSpec(text="a"))
    assert {t for _s, t, a in _task_rows(model) if a} <= set(dropped)
    live_products = store.db.query_one(
        "SELECT COUNT(*) FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ? AND p.archived_on = '' AND t.archived_on = ''", (plan_id,))[0]
    assert plan_summary(store, plan_id, REF, "2026").totals.total == live_products
    model.set_show_archived(False)
    model.set_filter(FilterSpec())
    assert model.rowCount() == live_rows


def test_show_archived_is_a_view_menu_option(qtbot, store, amended):
    from ui.main_window import MainWindow

    plan_id, _order, dropped = amended
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.open_plan(plan_id)
    action = window.actions["show_archived"]
    assert action.isCheckable() and not action.isChecked()
    assert action in window.menus["Xem"].actions()
    action.trigger()
    assert window.model.show_archived
    assert {r.task.id for r in window.model.rows() if r.archived and r.task is not None} == set(dropped)
    action.trigger()
    assert not any(r.archived for r in window.model.rows())
