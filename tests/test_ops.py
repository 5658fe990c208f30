"""Operations (cchc_desktop.ops, no Qt): every user action is one transaction stamped with an op id;
do → undo gives back the tables as they were, redo gives back the tables after the action."""
from __future__ import annotations

import pytest

from cchc_desktop import ops
from cchc_desktop.domain import ROLE_COORD, ROLE_LEAD
from cchc_desktop.importers import read_appendix_text
from cchc_desktop.ops import appendix as app
from cchc_desktop.reports.header_settings import save_header
from cchc_desktop.reports.templates import delete_template, duplicate_template
from cchc_desktop.tracking import (add_default_targets, add_evidence, add_target, bulk_update, delete_evidence,
                                   delete_target, set_actual, set_settings, update_evidence, update_target)
from ops_support import tables


@pytest.fixture
def plan(store):
    plan_id = store.create_plan("Xã Thử", 2026)
    s1, s2 = (store.add_section(plan_id, title) for title in ("Công tác chỉ đạo, điều hành", "Cải cách TTHC"))
    t1, t2 = (store.add_task(s1, content) for content in ("Ban hành kế hoạch CCHC", "Báo cáo định kỳ"))
    t3 = store.add_task(s2, "Rà soát TTHC")
    ids = {"plan": plan_id, "s1": s1, "s2": s2, "t1": t1, "t2": t2, "t3": t3,
           "p1": store.add_product(t1, "Kế hoạch CCHC năm 2026", "Trước ngày 15/01/2026", ["Phòng Văn hóa - Xã hội"],
                                   ["Công an xã"]),
           "p2": store.add_product(t2, "Báo cáo CCHC định kỳ", "Định kỳ hằng quý", ["Phòng Văn hóa - Xã hội"]),
           "p3": store.add_product(t3, "Báo cáo rà soát", "Quý II/2026", ["Trung tâm PV hành chính công"]),
           "p4": store.add_product(t3, "Tiếp nhận phản ánh", "Thường xuyên", [])}
    ids["ev"] = add_evidence(store, ids["p1"], "2026", doc_type="Kế hoạch", doc_number="12/KH-UBND",
                             summary="Kế hoạch CCHC")
    ids["tg"] = add_target(store, plan_id, "Tỷ lệ hồ sơ trực tuyến", 80)
    set_actual(store, ids["tg"], "2026-Q1", 50)
    bulk_update(store, [ids["p3"]], "2026", status="in_progress", percent=40, result="Đang rà soát")
    return ids


DRAFT = ("TT\tNội dung\tSản phẩm\tCơ quan chủ trì\tThời gian\n"
         "I\tCÔNG TÁC MỚI\n1\tNhiệm vụ nhập\tSản phẩm nhập\tPhòng Kinh tế\tQuý III/2026\n")

# (name, function(store, ids) -> OpResult)
OPS = [
    ("edit task", lambda s, i: app.edit_fields(s, "task", i["t1"], {"content": "Nội dung mới"})),
    ("edit deadline", lambda s, i: app.edit_fields(s, "product", i["p1"], {"deadline_text": "Quý IV/2026"})),
    ("edit plan", lambda s, i: app.edit_fields(s, "plan", i["plan"], {"doc_number": "5/KH-UBND", "title": "KH"})),
    ("rename section", lambda s, i: app.edit_fields(s, "section", i["s2"], {"title": "Mục đổi tên"})),
    ("lead agencies (new agency)", lambda s, i: app.set_agencies(s, i["p1"], ROLE_LEAD, ["Phòng Kinh tế", "Bưu điện xã"])),
    ("coord agencies cleared", lambda s, i: app.set_agencies(s, i["p1"], ROLE_COORD, [])),
    ("add task", lambda s, i: app.add_task(s, i["s1"])),
    ("insert task", lambda s, i: app.add_task(s, i["s1"], 0, label="Chèn nhiệm vụ")),
    ("duplicate task", lambda s, i: app.duplicate_task(s, i["t1"])),
    ("add product", lambda s, i: app.add_product(s, i["t3"], 0)),
    ("add section", lambda s, i: app.add_section(s, i["plan"], "Mục mới", 0)),
    ("delete task", lambda s, i: app.delete_rows(s, [("task", i["t1"])], "Xóa")),
    ("delete products", lambda s, i: app.delete_rows(s, [("product", i["p3"]), ("product", i["p4"])], "Xóa")),
    ("delete section", lambda s, i: app.delete_rows(s, [("section", i["s2"])], "Xóa mục")),
    ("move product", lambda s, i: app.move(s, "product", i["p4"], 0)),
    ("move task across sections", lambda s, i: app.move(s, "task", i["t3"], 0, i["s1"])),
    ("move section", lambda s, i: app.move(s, "section", i["s2"], 0)),
    ("move tasks", lambda s, i: app.move_tasks(s, [i["t1"], i["t2"]], i["s2"], 1)),
    ("commit import", lambda s, i: app.commit_import(s, read_appendix_text(DRAFT), i["plan"])),
    ("draft into section", lambda s, i: app.draft_into_section(s, read_appendix_text(DRAFT), i["s1"], 1)),
    ("paste", lambda s, i: app.paste(s, "Dán", [("task", i["t2"], "content", "Dán vào"),
                                                ("agencies", i["p2"], ROLE_COORD, ["Công an xã"])],
                                     [(True, {"content": "Dòng mới", "description": "SP mới"}),
                                      (False, {"description": "SP thứ hai", "leads": ["Phòng Kinh tế"]})],
                                     i["s1"], 2, i["t2"])),
    ("status", lambda s, i: ops.run(s, "Tình trạng", bulk_update, s, [i["p1"]], "2026", status="done",
                                    completed_on="2026-01-10", result="Đã ban hành")),
    ("status update", lambda s, i: ops.run(s, "Tình trạng", bulk_update, s, [i["p3"]], "2026", percent=90)),
    ("bulk status + evidence", lambda s, i: ops.run(s, "Nhiều", bulk_update, s, [i["p1"], i["p2"], i["p4"]],
                                                    "2026-Q2", status="in_progress", percent=30,
                                                    evidence={"doc_type": "Báo cáo", "summary": "BC"})),
    ("add evidence", lambda s, i: ops.run(s, "Minh chứng", add_evidence, s, i["p2"], "2026-Q1", summary="BC quý")),
    ("edit evidence", lambda s, i: ops.run(s, "Sửa", update_evidence, s, i["ev"], summary="Sửa trích yếu")),
    ("delete evidence", lambda s, i: ops.run(s, "Xóa", delete_evidence, s, i["ev"])),
    ("add target", lambda s, i: ops.run(s, "Chỉ tiêu", add_target, s, i["plan"], "Chỉ tiêu mới", 90)),
    ("seed targets", lambda s, i: ops.run(s, "Mẫu", add_default_targets, s, i["plan"])),
    ("edit target", lambda s, i: ops.run(s, "Sửa", update_target, s, i["tg"], target_value=95, notes="n")),
    ("delete target (with actuals)", lambda s, i: ops.run(s, "Xóa", delete_target, s, i["tg"])),
    ("set actual", lambda s, i: ops.run(s, "Kết quả", set_actual, s, i["tg"], "2026-Q2", 70)),
    ("change actual", lambda s, i: ops.run(s, "Kết quả", set_actual, s, i["tg"], "2026-Q1", 60)),
    ("settings", lambda s, i: ops.run(s, "Cài đặt", set_settings, s, i["plan"], quarter_report_day=20)),
    ("header", lambda s, i: ops.run(s, "Tiêu đề", save_header, s, i["plan"], signer_name="Nguyễn Văn A")),
    ("template", lambda s, i: ops.run(s, "Mẫu", duplicate_template, s, "builtin:periodic")),
]


@pytest.mark.parametrize("name, action", OPS, ids=[n for n, _a in OPS])
def test_do_undo_redo_restores_the_tables(store, plan, name, action):
    before = tables(store)
    done = action(store, plan)
    assert done.changes, f"{name} changed nothing"
    assert {c for c in done.changes} <= set(ops.changes_of(store, done.op_id))
    after = tables(store)
    assert after != before
    undone = ops.undo(store, done.op_id)
    assert undone.op_id != done.op_id and undone.changes
    assert tables(store) == before
    redone = ops.redo(store, undone.op_id)
    assert tables(store) == after
    again = ops.undo(store, redone.op_id)        # and the cycle can go on
    assert tables(store) == before and again.changes


def test_template_delete_undo(store, plan):
    copy = duplicate_template(store, "builtin:periodic")
    before = tables(store)
    done = ops.run(store, "Xóa mẫu", delete_template, store, copy.id)
    ops.undo(store, done.op_id)
    assert tables(store) == before


def test_undo_is_logged_like_any_change(store, plan):
    done = app.edit_fields(store, "task", plan["t1"], {"content": "Mới"})
    undone = ops.undo(store, done.op_id)
    entries = store.db.query("SELECT op, field, old_value, new_value, op_id FROM change_log WHERE row_id = ? "
                             "ORDER BY seq DESC LIMIT 2", (plan["t1"],))
    assert [tuple(e) for e in entries] == [
        ("update", "content", '"Mới"', '"Ban hành kế hoạch CCHC"', undone.op_id),
        ("update", "content", '"Ban hành kế hoạch CCHC"', '"Mới"', done.op_id)]


def test_nested_operations_are_one_step(store, plan):
    def both():
        app.edit_fields(store, "task", plan["t1"], {"content": "A"})
        app.edit_fields(store, "task", plan["t2"], {"content": "B"})
    before = tables(store)
    done = ops.run(store, "Hai ô", both)
    assert done.ids("task") == {plan["t1"], plan["t2"]}
    ops.undo(store, done.op_id)
    assert tables(store) == before


def test_failed_operation_writes_nothing_and_logs_nothing(store, plan):
    before = tables(store)
    count = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]

    def half():
        store.update("task", plan["t1"], content="X")
        raise ValueError("boom")
    with pytest.raises(ValueError):
        ops.run(store, "Hỏng", half)
    assert tables(store) == before
    assert store.db.query_one("SELECT COUNT(*) FROM change_log")[0] == count
    assert getattr(store.db, "current_op", None) is None


def test_undo_refuses_to_overwrite_a_later_change(store, plan):
    done = app.edit_fields(store, "task", plan["t1"], {"content": "Của tôi"})
    store.update("task", plan["t1"], content="Từ gói của máy khác")      # e.g. a merge, not on the stack
    with pytest.raises(ops.OpConflict, match="Không hoàn tác được"):
        ops.undo(store, done.op_id)
    assert store.row("task", plan["t1"])["content"] == "Từ gói của máy khác"


def test_undo_of_an_added_product_refuses_when_a_status_was_recorded_elsewhere(store, plan):
    done = app.add_product(store, plan["t3"])
    new_id = done.value
    bulk_update(store, [new_id], "2026", status="in_progress", percent=10)  # outside the op
    undone = ops.undo(store, done.op_id)   # the attached status row goes with it, logged
    assert store.row("product", new_id) is None
    ops.redo(store, undone.op_id)
    assert store.db.query_one("SELECT percent FROM product_status WHERE product_id = ?", (new_id,))[0] == 10


def test_op_result_describes_the_change(store, plan):
    done = app.add_task(store, plan["s1"])
    assert done.structural() and done.value in done.ids("task")
    edit = app.edit_fields(store, "product", plan["p1"], {"description": "X"})
    assert not edit.structural() and edit.ids("product") == {plan["p1"]} and edit.label == "Sửa hoạt động/sản phẩm"
    assert not app.edit_fields(store, "product", plan["p1"], {"description": "X"})   # nothing changed: falsy


def test_op_result_names_the_products_touched(store, plan):
    status = ops.run(store, "Tình trạng", bulk_update, store, [plan["p1"], plan["p2"]], "2026", percent=20)
    assert status.products == {plan["p1"], plan["p2"]}
    links = app.set_agencies(store, plan["p4"], ROLE_LEAD, ["Phòng Kinh tế"])
    assert links.products == {plan["p4"]}
    gone = app.delete_rows(store, [("task", plan["t3"])], "Xóa")
    assert gone.products == {plan["p3"], plan["p4"]}
    assert not app.edit_fields(store, "section", plan["s1"], {"title": "Mục"}).products


def test_import_into_a_plan_backs_up_first(tmp_path):
    """The pre-import backup is taken before the operation's transaction (inside one it is skipped)."""
    from cchc_desktop.backup import REASON_IMPORT, list_backups
    from cchc_desktop.store import Store

    path = tmp_path / "kh.sqlite3"
    store = Store.open(path)
    try:
        plan_id = store.create_plan("xã A", 2026)
        app.commit_import(store, read_appendix_text(DRAFT), plan_id)
        assert [b.reason for b in list_backups(path)] == [REASON_IMPORT]
    finally:
        store.close()



def test_one_due_and_state_formatter():
    from datetime import date

    from cchc_desktop.deadlines import parse_deadline
    from cchc_desktop.tracking import display

    q2 = parse_deadline("Quý II/2026", 2026, 2026)
    assert display.due_text(q2, "overdue", due=date(2026, 6, 30), days_left=-20) == "30/06/2026 (quá 20 ngày)"
    assert display.due_text(q2, "done", completed_on="2026-07-01") == "Xong 01/07/2026"
    assert display.due_text(parse_deadline("Thường xuyên", 2026, 2026), "in_progress") == "Thường xuyên"
    assert display.state_text("in_progress", 40, due_soon=True) == "Đang thực hiện (40%) · sắp đến hạn"


def test_appendix_rows_and_filter_in_the_core(store, plan):
    """The table's rows come from the core: sections, one row per product, a filter hides empty sections."""
    from cchc_desktop.appendix_rows import KIND_SECTION, FilterSpec, all_rows, filtered_rows

    loaded = store.load_plan(plan["plan"])
    rows = all_rows(loaded)
    assert [r.kind for r in rows] == ["section", "product", "product", "section", "product", "product"]
    assert rows[4].first and rows[4].group_len == 2 and not rows[5].first
    folded = {t.id: t.content.lower() for _s, t in loaded.iter_tasks()}
    only_p4 = filtered_rows(loaded, FilterSpec(text="x"), "", folded, {plan["p4"]},
                            lambda pid: store.row("product", pid)["task_id"])
    assert [(r.kind, r.product.id if r.product else r.section.id) for r in only_p4] == [
        (KIND_SECTION, plan["s2"]), ("product", plan["p4"])]
    assert [r.task.id for r in filtered_rows(loaded, FilterSpec(text="x"), "định kỳ", folded, None, str)
            if r.kind != KIND_SECTION] == [plan["t2"]]
