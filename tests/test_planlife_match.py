"""Pairing revised rows with stored ones: exact text, source STT, similarity (moves), agency + deadline."""
from __future__ import annotations

import pytest

from cchc_desktop.importers import read_appendix_text
from cchc_desktop.planlife import amend, match

HEADER = "TT\tNội dung/Nhiệm vụ\tHoạt động/Sản phẩm\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện\n"


def _plan(store, sections):
    plan_id = store.create_plan("xã Thử", 2026)
    ids = {}
    for title, tasks in sections:
        section_id = store.add_section(plan_id, title)
        for content, lead, deadline in tasks:
            task_id = store.add_task(section_id, content)
            store.add_product(task_id, "Báo cáo", deadline, [lead])
            ids[content] = task_id
    return plan_id, ids


def _text(sections) -> str:
    out = HEADER
    for numeral, (title, tasks) in zip(("I", "II", "III"), sections):
        out += f"{numeral}\t{title}\t\t\t\t\n"
        for n, (content, lead, deadline) in enumerate(tasks, 1):
            out += f"{n}\t{content}\tBáo cáo\t{lead}\t\t{deadline}\n"
    return out


OLD = [("CÔNG TÁC CHỈ ĐẠO", [("Ban hành kế hoạch cải cách hành chính năm 2026", "Văn phòng", "Quý I/2026"),
                             ("Tổ chức hội nghị triển khai công tác năm", "Văn phòng", "Quý I/2026"),
                             ("Kiểm tra công tác cải cách hành chính tại các cơ quan", "Văn phòng", "Quý III/2026")]),
       ("CẢI CÁCH THỂ CHẾ", [("Rà soát văn bản quy phạm pháp luật", "Tư pháp", "Quý II/2026"),
                             ("Tuyên truyền phổ biến pháp luật cho người dân", "Tư pháp", "Thường xuyên")])]


def test_each_pass_pairs_the_right_task(store):
    plan_id, ids = _plan(store, OLD)
    revised = [("CÔNG TÁC CHỈ ĐẠO", [
        # the same text once accents, case and punctuation are folded
        ("BAN HÀNH KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026.", "Văn phòng", "Quý I/2026"),
        # heavily reworded, same STT 2 and section: paired by STT (similarity ≥ 0.5)
        ("Tổ chức hội nghị triển khai nhiệm vụ cải cách năm 2026", "Văn phòng", "Quý I/2026")]),
        ("CẢI CÁCH THỂ CHẾ", [
            # rewritten, same section, same lead agency and deadline: paired by agency + deadline
            ("Rà soát, hệ thống hóa các văn bản của xã", "Tư pháp", "Quý II/2026"),
            ("Tuyên truyền phổ biến pháp luật cho người dân", "Tư pháp", "Thường xuyên"),
            # moved from section I (was I.3), lightly reworded: paired by similarity
            ("Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị", "Văn phòng", "Quý III/2026")])]
    diff = amend.prepare_amendment(store, plan_id, read_appendix_text(_text(revised)))
    pairs = {diff.new.tasks[i].content: (diff.old.tasks[j].id, diff.pairing.basis[i])
             for i, j in diff.pairing.tasks.items()}
    assert pairs == {
        revised[0][1][0][0]: (ids[OLD[0][1][0][0]], "exact"),
        revised[0][1][1][0]: (ids[OLD[0][1][1][0]], "stt"),
        revised[1][1][0][0]: (ids[OLD[1][1][0][0]], "agency"),
        revised[1][1][1][0]: (ids[OLD[1][1][1][0]], "exact"),
        revised[1][1][2][0]: (ids[OLD[0][1][2][0]], "text"),
    }
    assert diff.count(amend.MOVED) == 1 and diff.count(amend.DROPPED) == 0 and diff.count(amend.ADDED) == 0


def test_a_dropped_task_does_not_shift_pairs_by_number(store):
    plan_id, ids = _plan(store, OLD)
    revised = [(OLD[0][0], [OLD[0][1][0], OLD[0][1][2]]), OLD[1]]     # I.2 dropped: old I.3 is now numbered 2
    diff = amend.prepare_amendment(store, plan_id, read_appendix_text(_text(revised)))
    assert [c.key for c in diff.changes] == [f"task-:{ids[OLD[0][1][1][0]]}"]


def test_source_stt_column_is_used_when_present(store):
    plan_id, ids = _plan(store, OLD)
    store.db.conn.execute("UPDATE task SET source_stt = '7' WHERE id = ?", (ids[OLD[0][1][1][0]],))
    side = match.old_side(store, plan_id)
    assert [t.stt for t in side.tasks] == ["1", "7", "3", "1", "2"]
    store.db.conn.execute("UPDATE task SET source_stt = NULL")
    assert [t.stt for t in match.old_side(store, plan_id).tasks] == ["1", "2", "3", "1", "2"]


def test_apply_refuses_a_stale_preview(store):
    plan_id, ids = _plan(store, OLD)
    revised = [(OLD[0][0], OLD[0][1][:2]), OLD[1]]
    diff = amend.prepare_amendment(store, plan_id, read_appendix_text(_text(revised)), doc_date="2026-07-01")
    product = store.load_plan(plan_id).sections[0].tasks[0].products[0].id
    store.update("product", product, deadline_text="Quý IV/2026")        # edited after the preview
    with pytest.raises(amend.AmendError, match="xem trước lại"):
        amend.apply_amendment(store, diff)
    assert store.get_row("task", ids[OLD[0][1][2][0]])["archived_on"] == ""


def _products_plan(store, tasks):
    plan_id = store.create_plan("xã Thử", 2026)
    section_id = store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO")
    ids = {}
    for content, products in tasks:
        task_id = store.add_task(section_id, content)
        for description, lead in products:
            ids[(content, description)] = store.add_product(task_id, description, "Quý II/2026", [lead])
    return plan_id, ids


def _products_text(tasks) -> str:
    out = HEADER + "I\tCÔNG TÁC CHỈ ĐẠO\t\t\t\t\n"
    for n, (content, products) in enumerate(tasks, 1):
        for k, (description, lead) in enumerate(products):
            out += f"{n if k == 0 else ''}\t{content if k == 0 else ''}\t{description}\t{lead}\t\tQuý II/2026\n"
    return out


def test_products_moved_between_tasks_are_followed_only_when_distinctive(store):
    old = [("Ban hành kế hoạch cải cách hành chính năm 2026", [("Kế hoạch cải cách hành chính năm 2026", "Văn phòng"),
                                                               ("Báo cáo", "Văn phòng")]),
           ("Kiểm tra công tác cải cách hành chính", [("Kế hoạch kiểm tra", "Văn phòng"),
                                                      ("Thông báo kết luận kiểm tra các cơ quan chuyên môn",
                                                       "Văn phòng")]),
           ("Tuyên truyền cải cách hành chính trên loa truyền thanh",
            [("Báo cáo", "Văn hóa"), ("Báo cáo kết quả tuyên truyền trên loa truyền thanh", "Văn hóa")])]
    plan_id, ids = _products_plan(store, old)
    revised = [("Ban hành kế hoạch cải cách hành chính năm 2026",
                [("Kế hoạch cải cách hành chính năm 2026", "Văn phòng"),
                 # moved from task 2, reworded a little, same lead: followed
                 ("Thông báo kết luận kiểm tra các cơ quan, đơn vị", "Văn phòng")]),
               ("Kiểm tra công tác cải cách hành chính", [("Kế hoạch kiểm tra", "Văn phòng")]),
               # task 3 dropped; a new task has a "Báo cáo" too: too generic to be the same product
               ("Tổ chức đối thoại với người dân về thủ tục hành chính", [("Báo cáo", "Văn hóa")]),
               # a new task whose product reads like the dropped task's second one, of another agency: not a move
               ("Tổ chức tuyên truyền trên trang thông tin điện tử",
                [("Báo cáo kết quả tuyên truyền trên loa phát thanh xã", "Văn phòng")])]
    diff = amend.prepare_amendment(store, plan_id, read_appendix_text(_products_text(revised)))
    moves = diff.products.moves
    assert list(moves) == [(0, 1)]
    oi, pj = moves[(0, 1)]
    assert diff.old.tasks[oi].products[pj].id == ids[(old[1][0], old[1][1][1][0])]
    assert [c.key for c in diff.changes if c.kind == amend.PRODUCT_MOVED] == ["pmove:0:1"]
    # the old "Báo cáo" of task 1 (left over, not moved) is dropped; the new task is added with its own product
    assert {c.key for c in diff.changes if c.kind == amend.DROPPED} == {f"product-:{ids[(old[0][0], 'Báo cáo')]}",
                                                                       f"task-:{diff.old.tasks[2].id}"}
    assert diff.count(amend.ADDED, "content") == 2
    assert match.MOVE_AGENCY_MIN <= match.similarity(old[2][1][1][0], revised[3][1][0][0]) < match.MOVE_MIN
    # the same two texts with the same lead agency and deadline: followed as a move
    revised[3] = (revised[3][0], [(revised[3][1][0][0], "Văn hóa")])
    diff = amend.prepare_amendment(store, plan_id, read_appendix_text(_products_text(revised)))
    oi, pj = diff.products.moves[(3, 0)]
    assert diff.old.tasks[oi].products[pj].id == ids[(old[2][0], old[2][1][1][0])]


def test_lettered_stt_pairs_with_or_without_its_bracket():
    from cchc_desktop.planlife.match import normal_stt
    assert normal_stt("a)") == normal_stt("a") == "a"
    assert normal_stt("3.") == normal_stt(" 3 ") == "3"
    assert normal_stt("1.1") == "1.1"
