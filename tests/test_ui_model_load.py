"""Loading a plan into the appendix table (issue 18, perfload): the previous plan is let go of in the first idle turn
after the table painted (or at once when the whole index is asked for), and the agencies the plan names — kept between
calls — follow an edit of a product's coordinating agencies."""
import gc
import weakref

from ui.appendix_model import COL_COORD


def test_previous_plan_freed_in_idle_time_and_rows_the_same(window, qtbot):
    model = window.model
    model.ensure_index()
    old = weakref.ref(model.plan)
    old_rows = [(r.kind, r.section.id, r.task.id if r.task else None, r.product.id if r.product else None)
                for r in model.rows()]
    model.load(model.plan_id)
    assert model.plan is not old()
    assert old() is not None                              # still held: freed after the paint, not inside the load
    qtbot.waitUntil(lambda: old() is None and model._leftover is None, timeout=5000)
    qtbot.waitUntil(lambda: model.index_ready, timeout=5000)
    new_rows = [(r.kind, r.section.id, r.task.id if r.task else None, r.product.id if r.product else None)
                for r in model.rows()]
    assert new_rows == old_rows and len(new_rows) > 10


def test_asking_for_the_whole_index_frees_the_previous_plan_at_once(window):
    model = window.model
    old = weakref.ref(model.plan)
    model.load(model.plan_id)
    model.ensure_index()
    gc.collect()
    assert old() is None and model.index_ready


def test_agency_names_follow_a_coordinator_edit(window, qtbot):
    model = window.model
    before = model.core.agency_names()
    assert before                                          # the demo plan names agencies
    row = next(n for n, r in enumerate(model.rows()) if r.product is not None)
    assert "Ban Chỉ huy quân sự xã Thử" not in before
    assert model.setData(model.index(row, COL_COORD), "Ban Chỉ huy quân sự xã Thử")
    after = model.core.agency_names()
    assert "Ban Chỉ huy quân sự xã Thử" in after
    # independently: the names the plan's product links give in the database
    named = {r[0] for r in window.store.db.query(
        "SELECT a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
        "JOIN product p ON p.id = pa.product_id JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ? AND p.archived_on = '' AND t.archived_on = ''", (model.plan_id,))}
    assert after == named


def test_section_pane_keeps_its_items_and_follows_the_counts(window, qtbot):
    """A refresh of «Các mục» with the same sections updates the counts in place (the items stay: a click in
    progress keeps its item); another set of sections rebuilds the list."""
    from PySide6.QtCore import Qt

    from cchc_desktop.ops import appendix as app_ops
    from ui.operations import perform

    pane = window.sections.list
    section = window.model.plan.sections[0]
    pane.item(0).setData(Qt.UserRole + 7, "kept")
    assert perform(window.store, window.undo_stack, window.events, "Thêm nhiệm vụ", app_ops.add_task,
                   window.store, section.id).ok
    count = window.store.db.query_one("SELECT COUNT(*) FROM task WHERE section_id = ? AND archived_on = ''",
                                      (section.id,))[0]
    qtbot.waitUntil(lambda: pane.item(0).text().endswith(f"({count})"), timeout=5000)
    assert pane.item(0).data(Qt.UserRole + 7) == "kept" and pane.item(0).data(Qt.UserRole) == section.id
    assert perform(window.store, window.undo_stack, window.events, "Thêm mục", app_ops.add_section,
                   window.store, window.model.plan_id, "Mục mới").ok
    qtbot.waitUntil(lambda: pane.count() == len(window.model.plan.sections), timeout=5000)
    assert pane.item(0).data(Qt.UserRole + 7) is None          # rebuilt for the new list of sections
    assert [pane.item(i).data(Qt.UserRole) for i in range(pane.count())] == [s.id for s in window.model.plan.sections]
