"""Plan-life dialogs: amend (diff, refuse, re-pair, apply, undo on the window's stack), roll-over, five-year."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.planlife import amend, fiveyear
from cchc_desktop.tracking import add_target, set_actual
from planlife_support import DROPPED, dump, revised_layout, write_revised_xlsx

CAPTION = "(Ban hành kèm theo Kế hoạch số 41/KH-UBND ngày 15/07/2026 của UBND xã Xuân Trường)"


def _window(qtbot, store):
    from ui.main_window import MainWindow

    window = MainWindow(store)
    qtbot.addWidget(window)
    window.dialog_runner = lambda dialog: False
    return window


def test_amend_dialog_applies_one_undoable_command(qtbot, store, tmp_path):
    plan_id = create_demo_plan(store)
    window = _window(qtbot, store)
    window.open_plan(plan_id)
    sections, _ = revised_layout(store, plan_id)
    path = write_revised_xlsx(tmp_path / "dieu-chinh.xlsx", sections, CAPTION)
    before = dump(store, bookkeeping=False)
    from ui.amend_dialog import AmendDialog

    dialog = AmendDialog(store, plan_id, window, undo_stack=window.undo_stack, model=window.model)
    qtbot.addWidget(dialog)
    dialog.load_file(path)
    assert dialog.number_edit.text() == "41/KH-UBND" and dialog.date_edit.text() == "15/07/2026"
    assert dialog.tree.topLevelItemCount() == len(dialog.diff.changes) == 20
    assert "[Bỏ]" in dialog.text.toPlainText()
    # refuse the first dropped task by unticking its row
    row = next(i for i in range(dialog.tree.topLevelItemCount())
               if dialog.tree.topLevelItem(i).text(1) == amend.KIND_LABELS[amend.DROPPED])
    kept_id = dialog.tree.topLevelItem(row).data(0, Qt.UserRole).split(":", 1)[1]
    dialog.tree.topLevelItem(row).setCheckState(0, Qt.Unchecked)
    assert "[KHÔNG ÁP DỤNG]" in dialog.text.toPlainText()
    dialog.apply()
    assert dialog.applied is not None and window.undo_stack.count() == 1
    assert store.get_row("task", kept_id)["archived_on"] == ""
    archived = store.db.query_one("SELECT COUNT(*) FROM task WHERE archived_on <> ''")[0]
    assert archived == len(DROPPED) - 1
    # the appendix model shows the amended plan
    assert window.model.plan is not None
    assert sum(len(s.tasks) for s in window.model.plan.sections) == 39 - (len(DROPPED) - 1) + 4
    window.undo_stack.undo()
    assert dump(store, bookkeeping=False) == before
    window.undo_stack.redo()
    assert store.db.query_one("SELECT COUNT(*) FROM task WHERE archived_on <> ''")[0] == archived
    assert len(amend.list_amendments(store, plan_id)) == 1


def test_amend_dialog_repair(qtbot, store, tmp_path):
    plan_id = create_demo_plan(store)
    sections, _ = revised_layout(store, plan_id)
    path = write_revised_xlsx(tmp_path / "dieu-chinh.xlsx", sections, CAPTION)
    from ui.amend_dialog import AmendDialog

    dialog = AmendDialog(store, plan_id)
    qtbot.addWidget(dialog)
    dialog.load_file(path)
    added = next(c for c in dialog.diff.changes if c.key.startswith("task+:"))
    dropped = next(c for c in dialog.diff.changes if c.key.startswith("task-:"))
    old_index = next(i for i, t in enumerate(dialog.diff.old.tasks) if t.id == dropped.key.split(":", 1)[1])
    dialog.repair(amend.revised_index(added), old_index)
    keys = {c.key for c in dialog.diff.changes}
    assert added.key not in keys and dropped.key not in keys
    assert dialog.tree.topLevelItemCount() == len(dialog.diff.changes)


def test_rollover_dialog_previews_and_creates(qtbot, store):
    plan_id = create_demo_plan(store)
    from ui.rollover_dialog import RolloverDialog

    dialog = RolloverDialog(store, plan_id)
    qtbot.addWidget(dialog)
    assert dialog.year.value() == 2027
    assert "«Trước ngày 15/01/2026» → «Trước ngày 15/01/2027»" in dialog.text.toPlainText()
    dialog.create()
    assert dialog.new_plan_id is not None
    assert store.load_plan(dialog.new_plan_id).year_start == 2027


def test_planlife_menu_and_fiveyear_dialog(qtbot, store, tmp_path):
    plan_id = create_demo_plan(store)
    five = store.create_plan("xã Xuân Trường", 2026, 2030)
    target5 = add_target(store, five, "Số mô hình mới", 10, ">=", "mô hình")
    target = add_target(store, plan_id, "Mô hình mới trong năm", 4, ">=", "mô hình")
    set_actual(store, target, "2026", 4)
    window = _window(qtbot, store)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Kế hoạch" in titles and titles.index("Kế hoạch") < titles.index("Trợ giúp")
    assert set(window.planlife_actions) == {"amend", "rollover", "fiveyear"}
    from ui.fiveyear_dialog import FiveYearDialog

    dialog = FiveYearDialog(store, plan_id)
    qtbot.addWidget(dialog)
    dialog.set_parent(five)
    assert fiveyear.plan_link(store, plan_id) == five
    combo = dialog.link_combos[0]
    combo.setCurrentIndex(combo.findData(target5))
    dialog.set_target_parent(target, combo.currentData())
    progress = fiveyear.target_progress(store, five)
    assert progress[0].yearly[2026] == 4.0 and progress[0].progress == 40.0
    parent = FiveYearDialog(store, five)
    qtbot.addWidget(parent)
    assert parent.table.item(0, 2).text() == "4" and parent.table.item(0, 8).text() == "40%"
    out = tmp_path / "giai-doan.pdf"
    parent.save_report(str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert fiveyear.build_period_report(store, five, dt.date(2026, 12, 31)).tables


def test_amend_dialog_reads_pasted_rows(qtbot, qapp, store, request):
    plan_id = create_demo_plan(store)
    plan = store.load_plan(plan_id)
    first = plan.sections[0]
    lines = ["TT\tNội dung/Nhiệm vụ\tHoạt động/Sản phẩm\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện",
             f"I\t{first.title}\t\t\t\t"]
    for n, task in enumerate(first.tasks, 1):
        p = task.products[0]
        lines.append(f"{n}\t{task.content}\t{p.description}\t{p.lead_names}\t{p.coordinator_names}\t{p.deadline_text}")
    qapp.clipboard().setText("\n".join(lines))
    from ui.amend_dialog import AmendDialog

    dialog = AmendDialog(store, plan_id)
    qtbot.addWidget(dialog)
    dialog.paste()
    assert dialog.diff is not None and dialog.diff.draft.source_name == "Dữ liệu dán"
    # only section I was pasted: the other sections' tasks would be dropped, listed for the user to untick
    dropped = dialog.diff.count(amend.DROPPED, "content")
    assert dropped == sum(len(s.tasks) for s in plan.sections[1:])
    assert dialog.date_edit.text() == ""                 # pasted rows carry no caption: the user types the date
    dialog.apply()
    assert dialog.applied is None and store.db.query_one("SELECT COUNT(*) FROM plan_amendment")[0] == 0
    assert [kind for kind, text in request.node.message_boxes if "ngày ban hành" in text] == ["warning"]
    qapp.clipboard().clear()


def test_amend_dialog_lists_a_product_moved_to_another_task(qtbot, store, tmp_path):
    plan_id = create_demo_plan(store)
    plan = store.load_plan(plan_id)
    sections, _ = revised_layout(store, plan_id)
    moved = plan.sections[5].tasks[0].products[3]
    source = next(t for t in sections[5]["tasks"] if t["old_id"] == plan.sections[5].tasks[0].id)
    source["products"] = [p for p in source["products"] if p["id"] != moved.id]
    target = next(t for t in sections[6]["tasks"] if t["old_id"] == plan.sections[6].tasks[0].id)
    target["products"].append({"id": moved.id, "description": moved.description, "deadline": moved.deadline_text,
                               "leads": moved.lead_names, "coords": moved.coordinator_names})
    path = write_revised_xlsx(tmp_path / "dieu-chinh.xlsx", sections, CAPTION)
    window = _window(qtbot, store)
    window.open_plan(plan_id)
    from ui.amend_dialog import AmendDialog

    dialog = AmendDialog(store, plan_id, window, undo_stack=window.undo_stack, model=window.model)
    qtbot.addWidget(dialog)
    dialog.load_file(path)
    rows = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    row = next(r for r in rows if r.text(1) == amend.KIND_LABELS[amend.PRODUCT_MOVED])
    assert (row.text(5), row.text(6)) == ("nhiệm vụ VI.1", "nhiệm vụ VII.1")
    # the «Nhiệm vụ» column names the tasks (from → to), the «Nội dung» column the product
    from cchc_desktop.text import shorten
    old_task, new_task = plan.sections[5].tasks[0].content, plan.sections[6].tasks[0].content
    assert row.text(3).startswith(f"VI.1 «{old_task[:30]}") and f"→ VII.1 «{new_task[:30]}" in row.text(3)
    assert moved.description[:30] not in row.text(3)
    assert row.text(4) == f"Sản phẩm «{shorten(moved.description)}»"
    assert "chuyển từ nhiệm vụ VI.1 sang nhiệm vụ VII.1" in dialog.text.toPlainText()
    row.setCheckState(0, Qt.Unchecked)
    assert "[KHÔNG CHUYỂN" in dialog.text.toPlainText()
    row.setCheckState(0, Qt.Checked)
    dialog.apply()
    live = {p.id: t.id for _s, t, p in store.load_plan(plan_id).iter_products()}
    assert live[moved.id] == plan.sections[6].tasks[0].id
    window.undo_stack.undo()
    assert store.get_row("product", moved.id)["task_id"] == plan.sections[5].tasks[0].id


def test_amend_dialog_rows_grow_to_show_a_long_rewording(qtbot, store, tmp_path):
    """A reworded task's old and new texts are read in full in the change list (rows wrap and grow), not cut."""
    plan_id = create_demo_plan(store)
    plan = store.load_plan(plan_id)
    sections, _ = revised_layout(store, plan_id)
    task = plan.sections[0].tasks[0]
    reworded = task.content + " — bổ sung: tổ chức hội nghị triển khai, phân công từng cơ quan, đơn vị theo dõi, " \
                              "đôn đốc và báo cáo kết quả hằng quý về Phòng Văn hóa - Xã hội"
    target = next(t for t in sections[0]["tasks"] if t["old_id"] == task.id)
    target["content"] = reworded
    path = write_revised_xlsx(tmp_path / "dieu-chinh.xlsx", sections, CAPTION)
    window = _window(qtbot, store)
    window.open_plan(plan_id)
    from ui.amend_dialog import AmendDialog

    dialog = AmendDialog(store, plan_id, window, undo_stack=window.undo_stack, model=window.model)
    qtbot.addWidget(dialog)
    dialog.resize(1300, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.load_file(path)
    tree = dialog.tree
    rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    row = next(r for r in rows if r.text(6) == reworded)
    metrics = tree.fontMetrics()
    assert metrics.horizontalAdvance(reworded) > tree.columnWidth(6)          # does not fit on one line
    wrapped = metrics.boundingRect(0, 0, tree.columnWidth(6) - 6, 10_000, int(Qt.TextWordWrap), reworded)
    qtbot.waitUntil(lambda: tree.visualRect(tree.indexFromItem(row, 6)).height() >= wrapped.height())
    assert wrapped.height() >= 2 * metrics.lineSpacing()
