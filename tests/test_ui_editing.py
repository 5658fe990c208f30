"""Editing never loses or hides a change (issue 11, «Editing»): the status pane saves what the user
commits, every pane follows the one change notification, a hidden or deleted product clears the pane,
the wheel never changes an unfocused field, and a failure after commit keeps the step and says so."""
from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.tracking import IN_PROGRESS, NOT_STARTED, get_status
from ui.appendix_model import COL_DEADLINE, COL_PRODUCT, FilterSpec
from ui.operations import NOT_REFRESHED



def one_off_products(window):
    """Products with a single one-off deadline (one status row, key = the plan's first year)."""
    found = []
    for _s, _t, product in window.model.plan.iter_products():
        if product.deadline_text.startswith("Trước ngày") or product.deadline_text.startswith("Quý"):
            found.append(product)
    return found


def select(window, product) -> int:
    window.view.select_entity("product", product.id)
    assert window.status_panel.product_id == product.id
    return window.model.find_row("product", product.id)


def click_row(qtbot, window, row: int) -> None:
    view = window.view
    view.scrollTo(window.model.index(row, COL_PRODUCT))
    rect = view.visualRect(window.model.index(row, COL_PRODUCT))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=rect.center())


def test_pane_edits_are_saved_when_another_row_is_clicked(qtbot, window, store):
    first, second = one_off_products(window)[:2]
    select(window, first)
    panel = window.status_panel
    key = panel.current_key()
    panel.status.setCurrentIndex(panel.status.findData(IN_PROGRESS))
    panel.percent.setValue(40)
    panel.result.setPlainText("Đã dự thảo kế hoạch")
    assert get_status(store, first.id, key)["id"] is None          # nothing saved yet
    click_row(qtbot, window, window.model.find_row("product", second.id))
    assert panel.product_id == second.id
    saved = get_status(store, first.id, key)
    assert (saved["status"], saved["percent"], saved["result"]) == (IN_PROGRESS, 40, "Đã dự thảo kế hoạch")
    assert window.undo_stack.count() == 1                          # one undoable step
    window.undo_stack.undo()
    assert get_status(store, first.id, key)["id"] is None


def test_each_committed_pane_field_is_one_undo_step(qtbot, window, store):
    product = one_off_products(window)[0]
    select(window, product)
    panel = window.status_panel
    key = panel.current_key()
    panel.status.setCurrentIndex(panel.status.findData(IN_PROGRESS))
    panel.status.activated.emit(panel.status.currentIndex())      # the user picked it
    assert get_status(store, product.id, key)["status"] == IN_PROGRESS
    panel.percent.setFocus()
    panel.percent.setValue(25)
    panel.result.setFocus()                                        # leaving the spin box commits it
    qtbot.waitUntil(lambda: get_status(store, product.id, key)["percent"] == 25)
    panel.result.setPlainText("Kết quả")
    panel.notes.setFocus()                                         # leaving the text box commits it
    assert get_status(store, product.id, key)["result"] == "Kết quả"
    assert window.undo_stack.count() == 3
    window.undo_stack.undo()
    assert get_status(store, product.id, key)["result"] == "" and panel.result.text() == ""   # pane follows
    assert panel.percent.value() == 25


def test_pane_shows_a_deadline_edited_in_the_table_and_its_undo(window, store):
    product = one_off_products(window)[0]
    row = select(window, product)
    panel = window.status_panel
    assert window.model.setData(window.model.index(row, COL_DEADLINE), "Quý II/2026")
    assert "hạn 30/06/2026" in panel.timing.text()
    assert "Quý II/2026" in window.details.info.text()
    window.undo_stack.undo()
    assert "hạn 30/06/2026" not in panel.timing.text()
    window.undo_stack.redo()
    assert "hạn 30/06/2026" in panel.timing.text()


def test_new_product_pane_follows_its_deadline(window, store):
    product = one_off_products(window)[0]
    select(window, product)
    timing = window.status_panel.timing.text()
    window.add_product()
    new_id = window.status_panel.product_id
    assert new_id and new_id != product.id
    # a new product starts with the deadline of the row above (issue #20), and the pane says so
    assert store.row("product", new_id)["deadline_text"] == product.deadline_text
    assert window.status_panel.timing.text() == timing and "hạn" in timing
    row = window.model.find_row("product", new_id)
    assert window.model.setData(window.model.index(row, COL_DEADLINE), "Tháng 9/2026")
    assert "hạn 30/09/2026" in window.status_panel.timing.text()


def test_search_hiding_the_selected_product_clears_and_disables_the_pane(window, store):
    product = one_off_products(window)[0]
    select(window, product)
    panel = window.status_panel
    window.model.set_filter(FilterSpec(text=product.description[:25]))     # still shown: kept
    assert panel.product_id == product.id and panel.isEnabled()
    window.model.set_filter(FilterSpec(text="khong co nhiem vu nao nhu the nay"))
    assert panel.product_id is None and not panel.isEnabled()
    assert "Chọn một nhiệm vụ" in window.details.info.text()
    window.model.set_filter(FilterSpec())
    select(window, product)
    window.delete_selection()                                               # deleted: cleared too
    assert store.row("product", product.id) is None
    assert panel.product_id != product.id


def test_pane_edit_is_saved_before_a_search_hides_it(window, store):
    product = one_off_products(window)[0]
    select(window, product)
    panel = window.status_panel
    key = panel.current_key()
    panel.percent.setValue(60)
    panel.status.setCurrentIndex(panel.status.findData(IN_PROGRESS))
    window.model.set_filter(FilterSpec(text="khong co nhiem vu nao nhu the nay"))
    assert get_status(store, product.id, key)["percent"] == 60


def wheel(widget, delta: int = 120) -> None:
    center = QPointF(widget.rect().center())
    event = QWheelEvent(center, QPointF(widget.mapToGlobal(center.toPoint())), QPoint(0, 0), QPoint(0, delta),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_wheel_never_changes_an_unfocused_field(qtbot, window, store):
    product = one_off_products(window)[0]
    select(window, product)
    panel = window.status_panel
    window.view.setFocus()
    status = panel.status.currentIndex()
    wheel(panel.percent)
    wheel(panel.status, -120)
    assert panel.percent.value() == 0 and panel.status.currentIndex() == status
    assert get_status(store, product.id, panel.current_key())["status"] == NOT_STARTED
    panel.percent.setFocus()
    qtbot.waitUntil(panel.percent.hasFocus)
    wheel(panel.percent)                                 # focused: the wheel works as usual
    assert panel.percent.value() > 0


def test_failure_after_commit_keeps_the_step_logs_it_and_says_saved(window, store, request, caplog):
    product = one_off_products(window)[0]
    row = select(window, product)

    def broken_view(_result):
        raise RuntimeError("display broke")
    window.events.changed.connect(broken_view)
    with caplog.at_level(logging.ERROR):
        assert window.model.setData(window.model.index(row, COL_PRODUCT), "Mô tả mới")
    window.events.changed.disconnect(broken_view)
    assert store.row("product", product.id)["description"] == "Mô tả mới"       # committed
    assert window.undo_stack.count() == 1                                       # step kept
    assert [text for _kind, text in request.node.message_boxes] == [NOT_REFRESHED]
    assert "Đã lưu thay đổi" in NOT_REFRESHED
    [record] = [r for r in caplog.records if "không làm mới" in r.getMessage().lower()]
    assert record.exc_info and record.exc_info[0] is RuntimeError
    window.undo_stack.undo()
    assert store.row("product", product.id)["description"] == product.description


def test_bug_in_an_operation_writes_nothing_and_goes_to_the_crash_handler(qtbot, window, store):
    from ui.operations import perform

    product = one_off_products(window)[0]

    def broken():
        store.update("product", product.id, description="nửa chừng")
        raise KeyError("bug")
    with pytest.raises(KeyError):     # not caught as a refusal: it reaches sys.excepthook (the crash handler)
        perform(store, window.undo_stack, window.events, "Hỏng", broken)
    assert window.undo_stack.count() == 0
    assert store.row("product", product.id)["description"] == product.description


def test_refused_undo_says_why_and_changes_nothing(window, store, request):
    product = one_off_products(window)[0]
    row = select(window, product)
    assert window.model.setData(window.model.index(row, COL_PRODUCT), "Của tôi")
    store.update("product", product.id, description="Từ gói của máy khác")   # not on the undo stack
    window.undo_stack.undo()
    assert store.row("product", product.id)["description"] == "Từ gói của máy khác"
    assert any("Không hoàn tác được" in text for _kind, text in request.node.message_boxes)


def test_paste_and_import_read_tab_separated_text_alike():
    """One TSV reader: Excel's quoting (tabs, line breaks and "" inside a quoted cell), blank lines kept."""
    from cchc_desktop.importers.text_reader import parse_tsv_rows
    from ui.clipboard import parse_tsv

    text = 'a\t"b\tc"\t"d\n""e"""\r\n\nx 5" tall\ty\n'
    assert parse_tsv(text) == [["a", "b c", 'd\n"e"'], [""], ['x 5" tall', "y"]]
    assert [r.cells for r in parse_tsv_rows(text, file="t")] == [["a", "b\tc", 'd\n"e"'], [], ['x 5" tall', "y"]]


@pytest.mark.parametrize("spec", [FilterSpec(), FilterSpec(text="chuyen doi so"), FilterSpec(overdue_only=True)],
                         ids=["all", "search", "overdue"])
def test_appendix_model_passes_qtmodeltester(qtmodeltester, store, spec):
    from ui.appendix_model import AppendixModel

    plan_id = create_demo_plan(store)
    model = AppendixModel(store)
    model.load(plan_id)
    model.set_filter(spec)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() > 0 or spec.overdue_only
    if model.rowCount():          # the tester keeps watching the model's signals through edits and reloads
        row = next(r for r in range(model.rowCount()) if model.row_info(r).product is not None)
        assert model.setData(model.index(row, COL_DEADLINE), "Quý III/2026")
        model.reload()
        assert model.data(model.index(row, COL_DEADLINE)) == "Quý III/2026" or spec.overdue_only
    empty = AppendixModel(store)
    qtmodeltester.check(empty, force_py=True)
