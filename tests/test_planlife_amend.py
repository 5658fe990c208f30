"""Amending the demo plan from a revised workbook: pairing, diff, apply, undo, re-apply (issue #15)."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.importers import read_appendix
from cchc_desktop.planlife import amend
from cchc_desktop.planlife.match import similarity
from cchc_desktop.tracking import add_evidence, plan_summary, set_status
from cchc_desktop.store import roman
from planlife_support import (ADDED, DEADLINES, DROPPED, MOVED, NEW_DEADLINE, REWORDED, dump, revised_layout,
                              write_revised_xlsx)

CAPTION = "(Ban hành kèm theo Kế hoạch số 41/KH-UBND ngày 15/07/2026 của UBND xã Xuân Trường)"


@pytest.fixture
def demo(store, tmp_path):
    plan_id = create_demo_plan(store)
    plan = store.load_plan(plan_id)
    # a status with a note naming the product, and one evidence document, on every product of the plan
    for section in plan.sections:
        for task in section.tasks:
            for product in task.products:
                set_status(store, product.id, "2026", status="in_progress", percent=30,
                           notes=f"ghi chú {product.id}")
                add_evidence(store, product.id, "2026", doc_type="Báo cáo", doc_number=f"{product.position + 1}/BC",
                             summary=f"minh chứng {product.id}")
    sections, expected = revised_layout(store, plan_id)
    path = write_revised_xlsx(tmp_path / "ke-hoach-dieu-chinh.xlsx", sections, CAPTION)
    return plan_id, plan, path, expected


def _live_tasks(store, plan_id):
    return [(s.title, t.id, t.content) for s in store.load_plan(plan_id).sections for t in s.tasks]


def test_similarity_is_accent_and_case_insensitive_word_level():
    assert similarity("Chuyển đổi SỐ năm 2026", "chuyen doi so nam 2026") == 1.0
    assert similarity("Ban hành kế hoạch", "Ban hành kế hoạch kiểm tra") == pytest.approx(0.8)
    assert similarity("Ban hành kế hoạch", "Tuyên truyền pháp luật") == 0.0


def test_preview_counts_every_kind_of_change(store, demo):
    plan_id, plan, path, _expected = demo
    before = dump(store)
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    assert dump(store) == before                                   # preview writes nothing
    assert diff.doc_number == "41/KH-UBND" and diff.doc_date == "2026-07-15"
    assert diff.count(amend.CHANGED, "content") == len(REWORDED)   # 5 reworded
    assert diff.count(amend.DROPPED, "content") == len(DROPPED)    # 3 dropped
    assert diff.count(amend.ADDED, "content") == len(ADDED)        # 4 added
    assert diff.count(amend.MOVED) == len(MOVED)                   # 2 moved
    assert diff.count(amend.CHANGED, "deadline_text") == len(DEADLINES)   # 6 deadlines
    assert len(diff.changes) == 5 + 3 + 4 + 2 + 6
    dropped = {c.key.split(":", 1)[1] for c in diff.changes if c.kind == amend.DROPPED}
    assert dropped == {plan.sections[s].tasks[t].id for s, t in DROPPED}
    text = amend.preview_text(diff)
    assert "[Bỏ]" in text and "[Chuyển mục]" in text and f"→ «{NEW_DEADLINE}»" in text


def test_apply_keeps_statuses_and_evidence_on_the_right_products(store, demo):
    plan_id, plan, path, expected = demo
    statuses = {r["id"]: dict(r) for r in store.db.query("SELECT * FROM product_status")}
    evidence = {r["id"]: dict(r) for r in store.db.query("SELECT * FROM evidence")}
    product_task = {p.id: t.id for _s, t, p in plan.iter_products()}
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    undo = amend.apply_amendment(store, diff)
    assert undo is not None
    # status rows and evidence untouched: same rows, same product, same values
    assert {r["id"]: dict(r) for r in store.db.query("SELECT * FROM product_status")} == statuses
    assert {r["id"]: dict(r) for r in store.db.query("SELECT * FROM evidence")} == evidence
    for row in statuses.values():
        assert row["notes"] == f"ghi chú {row['product_id']}"
    # every kept task has the expected text in the expected section, and still owns its products
    live = store.load_plan(plan_id)
    where = {t.id: (s.title, t.content) for s, t in live.iter_tasks()}
    for task_id, (content, section_title) in expected.items():
        assert where[task_id] == (section_title, content)
    for _s, task, product in live.iter_products():
        if product.id in product_task:
            assert product_task[product.id] == task.id
    # deadlines changed on exactly the first product of the six tasks
    for si, ti in DEADLINES:
        first = plan.sections[si].tasks[ti].products[0].id
        assert store.get_row("product", first)["deadline_text"] == NEW_DEADLINE
    # nothing duplicated: 39 - 3 + 4 live tasks, contents unique; the dropped ones are archived, not deleted
    tasks = _live_tasks(store, plan_id)
    assert len(tasks) == 39 - len(DROPPED) + len(ADDED)
    assert len({c for _s, _i, c in tasks}) == len(tasks)
    for si, ti in DROPPED:
        row = store.get_row("task", plan.sections[si].tasks[ti].id)
        assert row["archived_on"] == "2026-07-15" and row["amendment_id"] == undo.amendment_id
    labels = [r["label"] for r in amend.archived_rows(store, plan_id)]
    assert labels == ["đã bỏ theo điều chỉnh số 41/KH-UBND ngày 15/07/2026"] * len(DROPPED)
    # numbering stays contiguous in every section
    for section in live.sections:
        assert [t.number for t in section.tasks] == [str(n) for n in range(1, len(section.tasks) + 1)]
    assert amend.plan_citation(store, plan_id) == ("Kế hoạch số 03/KH-UBND ngày 10/01/2026, được điều chỉnh tại "
                                                   "Kế hoạch số 41/KH-UBND ngày 15/07/2026")
    assert amend.plan_citation(store, plan_id, dt.date(2026, 7, 1)) == "Kế hoạch số 03/KH-UBND ngày 10/01/2026"


def test_archived_tasks_only_in_reports_of_periods_before_the_amendment(store, demo):
    plan_id, plan, path, _expected = demo
    amend.apply_amendment(store, amend.prepare_amendment(store, plan_id, read_appendix(path)))
    dropped_products = {p.id for si, ti in DROPPED for p in plan.sections[si].tasks[ti].products}
    # independent count: products of the plan whose task is archived
    count = store.db.query_one(
        "SELECT COUNT(*) FROM product p JOIN task t ON t.id = p.task_id WHERE t.archived_on <> ''")[0]
    assert count == len(dropped_products)
    q2 = {i.product_id for i in plan_summary(store, plan_id, dt.date(2026, 6, 30), "2026-Q2").items}
    q3 = {i.product_id for i in plan_summary(store, plan_id, dt.date(2026, 9, 30), "2026-Q3").items}
    year = {i.product_id for i in plan_summary(store, plan_id, dt.date(2026, 12, 31), "2026").items}
    assert dropped_products & q2                     # Q2 ended before 15/07: still reported (those due then)
    assert not dropped_products & q3
    assert not dropped_products & year


def test_undo_restores_the_exact_previous_state_and_reapply_changes_nothing(store, demo):
    plan_id, _plan, path, _expected = demo
    before = dump(store, bookkeeping=False)
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    undo = amend.apply_amendment(store, diff)
    after = dump(store, bookkeeping=False)
    assert after != before
    # re-applying the same file: empty diff, nothing written (not even bookkeeping columns)
    exact = dump(store)
    again = amend.prepare_amendment(store, plan_id, read_appendix(path))
    assert again.changes == [] and amend.apply_amendment(store, again) is None
    assert dump(store) == exact
    # undo: every table as before (change_log keeps the history; versions/updated_at move on)
    amend.undo_amendment(store, undo)
    assert dump(store, bookkeeping=False) == before
    log = store.db.query_one("SELECT COUNT(*) FROM change_log WHERE entity = 'plan_amendment'")[0]
    assert log == 2                                  # inserted, then deleted by the undo


def test_refused_and_repaired_changes(store, demo):
    plan_id, plan, path, _expected = demo
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    # refuse one drop and one deadline change
    drop = next(c for c in diff.changes if c.kind == amend.DROPPED)
    deadline = next(c for c in diff.changes if c.field == "deadline_text")
    drop.accepted = deadline.accepted = False
    # re-pair: the first added task is declared to be the refused dropped task (reworded)
    added = next(c for c in diff.changes if c.kind == amend.ADDED and c.key.startswith("task+"))
    new_index = int(added.key.split(":")[1])
    old_index = next(i for i, t in enumerate(diff.old.tasks) if t.id == drop.key.split(":", 1)[1])
    amend.repair(diff, new_index, old_index)
    assert diff.pairing.basis[new_index] == "manual"
    assert not diff.change(deadline.key).accepted
    assert diff.count(amend.DROPPED, "content") == len(DROPPED) - 1
    amend.apply_amendment(store, diff)
    kept = store.get_row("task", diff.old.tasks[old_index].id)
    assert kept["archived_on"] == "" and kept["content"] == diff.new.tasks[new_index].content
    si, ti = DEADLINES[0]
    first = plan.sections[si].tasks[ti].products[0]
    assert deadline.where == "I.1"                # the first deadline change is the first task's
    assert store.get_row("product", first.id)["deadline_text"] == first.deadline_text != NEW_DEADLINE
    for si, ti in DEADLINES[1:]:
        assert store.get_row("product", plan.sections[si].tasks[ti].products[0].id)["deadline_text"] == NEW_DEADLINE
    assert len(_live_tasks(store, plan_id)) == 39 - len(DROPPED) + len(ADDED)


def test_amend_needs_a_date_and_leaves_the_database_unchanged(store, demo, tmp_path):
    plan_id, _plan, _path, _expected = demo
    sections, _ = revised_layout(store, plan_id)
    sections[0]["tasks"].pop()
    no_caption = write_revised_xlsx(tmp_path / "khong-so.xlsx", sections, "")
    diff = amend.prepare_amendment(store, plan_id, read_appendix(no_caption))
    before = dump(store)
    with pytest.raises(amend.AmendError, match="ngày ban hành"):
        amend.apply_amendment(store, diff)
    assert dump(store) == before
    undo = amend.apply_amendment(store, diff, doc_number="42/KH-UBND", doc_date="2026-08-01", note="bổ sung")
    assert [(a["doc_number"], a["doc_date"], a["note"]) for a in amend.list_amendments(store, plan_id)] == \
        [("42/KH-UBND", "2026-08-01", "bổ sung")]
    assert undo is not None


def test_deleting_and_restoring_a_section_keeps_archived_tasks_out_of_the_numbering(store, demo):
    plan_id, plan, path, _expected = demo
    amend.apply_amendment(store, amend.prepare_amendment(store, plan_id, read_appendix(path)))
    section_id = plan.sections[DROPPED[0][0]].id
    rows = lambda: sorted((r["id"], r["position"], r["archived_on"]) for r in store.db.query(
        "SELECT * FROM task WHERE section_id = ?", (section_id,)))
    before = rows()
    assert any(archived for _i, _p, archived in before)
    shot = store.snapshot("section", section_id)
    store.delete("section", section_id)
    assert store.db.query_one("SELECT COUNT(*) FROM task WHERE section_id = ?", (section_id,))[0] == 0
    store.restore(shot)
    assert rows() == before
    section = next(s for s in store.load_plan(plan_id).sections if s.id == section_id)
    assert [t.number for t in section.tasks] == [str(n) for n in range(1, len(section.tasks) + 1)]


def test_periodic_report_cites_the_amendment_from_its_date(store, demo):
    from cchc_desktop.reports.periodic_report import build_periodic_report

    plan_id, _plan, path, _expected = demo
    amend.apply_amendment(store, amend.prepare_amendment(store, plan_id, read_appendix(path)))
    cited = "(được điều chỉnh tại Kế hoạch số 41/KH-UBND ngày 15/07/2026)"
    assert cited in build_periodic_report(store, plan_id, "2026-Q3", dt.date(2026, 9, 30)).body
    assert cited not in build_periodic_report(store, plan_id, "2026-Q2", dt.date(2026, 6, 30)).body


def test_amended_plan_travels_in_a_usb_package(store, demo, tmp_path):
    from cchc_desktop.exchange import apply_merge, export_package, plan_merge, read_package
    from cchc_desktop.store import Store

    plan_id, _plan, path, _expected = demo
    amend.apply_amendment(store, amend.prepare_amendment(store, plan_id, read_appendix(path)))
    export_package(store, tmp_path / "xa.cchc", plan_ids=[plan_id])
    other = Store.open(tmp_path / "other.sqlite3", actor="other")
    try:
        merge = plan_merge(other, read_package(tmp_path / "xa.cchc", local_schema=other.db.schema_version))
        apply_merge(other, merge, confirm=True)
        assert _live_tasks(other, plan_id) == _live_tasks(store, plan_id)
        assert amend.history_text(other, plan_id) == amend.history_text(store, plan_id)
    finally:
        other.close()


# -- products moved between tasks ----------------------------------------------------------------------------
def _entry(sections, task_id):
    return next((si, ti, t) for si, s in enumerate(sections) for ti, t in enumerate(s["tasks"]) if t["old_id"] == task_id)


@pytest.fixture
def moved_products(store, demo, tmp_path):
    """The demo revision plus three products moved to another task: inside a section, across sections, and out
    of a dropped task into an added one. Returns (plan_id, path, {product id: (old STT, new STT)}, kept ids)."""
    plan_id, plan, _path, _expected = demo
    sections, _ = revised_layout(store, plan_id)
    moves = {}

    def move(src, dst_si, dst_ti, new_task=None):
        si, ti, pi = src
        product = plan.sections[si].tasks[ti].products[pi]
        if (si, ti) not in DROPPED:
            _s, _t, entry = _entry(sections, plan.sections[si].tasks[ti].id)
            entry["products"] = [p for p in entry["products"] if p["id"] != product.id]
        dest = new_task or sections[dst_si]["tasks"][dst_ti]
        dest["products"].append({"id": product.id, "description": product.description,
                                 "deadline": product.deadline_text, "leads": product.lead_names,
                                 "coords": product.coordinator_names})
        moves[product.id] = (f"{roman(si + 1)}.{ti + 1}", f"{roman(dst_si + 1)}.{dst_ti + 1}")

    _s, within_ti, _e = _entry(sections, plan.sections[2].tasks[6].id)
    move((2, 7, 1), 2, within_ti)                                   # III.8 -> III.7, same section
    _s, across_ti, _e = _entry(sections, plan.sections[6].tasks[0].id)
    move((5, 0, 3), 6, across_ti)                                   # VI.1 -> VII.1, another section
    added = sections[4]["tasks"][-1]                                # an added task of section V…
    assert added["old_id"] is None
    added["products"] = []
    move((DROPPED[1][0], DROPPED[1][1], 0), 4, len(sections[4]["tasks"]) - 1, added)   # …takes a dropped task's product
    path = write_revised_xlsx(tmp_path / "chuyen-san-pham.xlsx", sections, CAPTION)
    return plan_id, path, moves


def test_a_product_moved_to_another_task_is_shown_as_moved(store, moved_products):
    plan_id, path, moves = moved_products
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    assert diff.count(amend.PRODUCT_MOVED) == len(moves) == 3
    # the rest of the revision is read as before: nothing of the moves shows as a dropped or added product
    assert (diff.count(amend.CHANGED, "content"), diff.count(amend.DROPPED, "content"),
            diff.count(amend.ADDED, "content"), diff.count(amend.MOVED),
            diff.count(amend.CHANGED, "deadline_text")) == (len(REWORDED), len(DROPPED), len(ADDED), len(MOVED),
                                                           len(DEADLINES))
    assert not [c for c in diff.changes if c.key.startswith(("product+", "product-"))]
    text = amend.preview_text(diff)
    for product_id, (old_stt, new_stt) in moves.items():
        description = store.get_row("product", product_id)["description"]
        change = next(c for c in diff.changes if c.kind == amend.PRODUCT_MOVED
                      and c.subject == amend._short(description))
        assert (change.old, change.new) == (f"nhiệm vụ {old_stt}", f"nhiệm vụ {new_stt}")
        assert f"chuyển từ nhiệm vụ {old_stt} sang nhiệm vụ {new_stt}" in text


def test_applying_moves_keeps_the_product_row_and_undo_restores_everything(store, moved_products):
    from cchc_desktop import ops

    plan_id, path, moves = moved_products
    statuses = {r["id"]: dict(r) for r in store.db.query("SELECT * FROM product_status")}
    evidence = {r["id"]: dict(r) for r in store.db.query("SELECT * FROM evidence")}
    products_before = store.db.query_one("SELECT COUNT(*) FROM product")[0]
    before = dump(store, bookkeeping=False)
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    result = ops.run(store, "Điều chỉnh", amend.apply_amendment, store, diff)
    assert result.value is not None
    # the moved rows kept their ids (no new product for them), statuses and evidence, and are live under the
    # task that the revised file puts them in
    assert {r["id"]: dict(r) for r in store.db.query("SELECT * FROM product_status")} == statuses
    assert {r["id"]: dict(r) for r in store.db.query("SELECT * FROM evidence")} == evidence
    where = {p.id: (f"{roman(s.position + 1)}.{t.number}", t.content) for s, t, p in store.load_plan(plan_id).iter_products()}
    for product_id, (_old_stt, new_stt) in moves.items():
        row = store.get_row("product", product_id)
        assert row["archived_on"] == "" and where[product_id][0] == new_stt
        assert store.db.query_one("SELECT COUNT(*) FROM product_status WHERE product_id = ?", (product_id,))[0] == 1
        assert store.db.query_one("SELECT COUNT(*) FROM evidence WHERE product_id = ?", (product_id,))[0] == 1
    # the dropped task lost the product it gave away; only the added tasks' own products are new rows
    new_rows = store.db.query_one("SELECT COUNT(*) FROM product")[0] - products_before
    assert new_rows == len(ADDED) - 1
    # re-applying the same file: nothing to do, nothing written
    exact = dump(store)
    again = amend.prepare_amendment(store, plan_id, read_appendix(path))
    assert again.changes == [] and amend.apply_amendment(store, again) is None and dump(store) == exact
    # undo (the core op undo the GUI uses): every table exactly as before
    ops.undo(store, result.op_id)
    assert dump(store, bookkeeping=False) == before


def test_undo_amendment_restores_moved_products(store, moved_products):
    plan_id, path, _moves = moved_products
    before = dump(store, bookkeeping=False)
    undo = amend.apply_amendment(store, amend.prepare_amendment(store, plan_id, read_appendix(path)))
    assert dump(store, bookkeeping=False) != before
    amend.undo_amendment(store, undo)
    assert dump(store, bookkeeping=False) == before


def test_a_refused_move_is_a_drop_and_an_add(store, moved_products):
    plan_id, path, moves = moved_products
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    across = next(pid for pid, (old, new) in moves.items() if old.split(".")[0] != new.split(".")[0]
                  and not old.startswith(roman(DROPPED[1][0] + 1)))
    change = next(c for c in diff.changes if c.kind == amend.PRODUCT_MOVED
                  and c.subject == amend._short(store.get_row("product", across)["description"]))
    change.accepted = False
    assert "[KHÔNG CHUYỂN" in amend.preview_text(diff)
    old_task = store.get_row("product", across)["task_id"]
    amend.apply_amendment(store, diff)
    row = store.get_row("product", across)
    assert row["task_id"] == old_task and row["archived_on"] == "2026-07-15"    # dropped, history kept
    copies = store.db.query("SELECT * FROM product WHERE description = ? AND id <> ?", (row["description"], across))
    assert len(copies) == 1 and copies[0]["archived_on"] == ""                  # added anew where it moved
    assert store.db.query_one("SELECT COUNT(*) FROM product_status WHERE product_id = ?", (copies[0]["id"],))[0] == 0
    # the other two moves were applied
    for product_id in set(moves) - {across}:
        assert store.get_row("product", product_id)["archived_on"] == ""


def test_a_move_between_tasks_that_share_an_stt_after_renumbering_names_both_tasks(store, demo, tmp_path):
    """Old IV.4 gives a product to old V.5, which becomes IV.4 (IV.3 dropped, V.5 moved to the end of IV):
    «từ nhiệm vụ IV.4 sang nhiệm vụ IV.4» would say nothing, so both tasks are named."""
    plan_id, plan, _path, _expected = demo
    assert (3, 2) in DROPPED and MOVED[(4, 4)] == 3
    sections, _ = revised_layout(store, plan_id)
    source, target = plan.sections[3].tasks[3], plan.sections[4].tasks[4]
    product = source.products[-1]
    src_si, src_ti, src = _entry(sections, source.id)
    dst_si, dst_ti, dst = _entry(sections, target.id)
    assert (src_si, src_ti, dst_si, dst_ti) == (3, 2, 3, 3)         # new IV.3 and IV.4; the source was IV.4
    src["products"] = [p for p in src["products"] if p["id"] != product.id]
    dst["products"].append({"id": product.id, "description": product.description, "deadline": product.deadline_text,
                            "leads": product.lead_names, "coords": product.coordinator_names})
    path = write_revised_xlsx(tmp_path / "cung-stt.xlsx", sections, CAPTION)
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    change = next(c for c in diff.changes if c.kind == amend.PRODUCT_MOVED)
    assert change.old.startswith("nhiệm vụ IV.4 cũ «") and change.new.startswith("nhiệm vụ IV.4 mới «")
    assert amend._short(source.content, 50) in change.old and amend._short(target.content, 50) in change.new
    assert change.old in amend.preview_text(diff) and change.new in amend.preview_text(diff)


def test_a_revised_file_citing_the_plan_itself_names_no_amendment_date(store, demo, tmp_path):
    """The officer edits the signed appendix (or the app's own export), caption unchanged: «Kế hoạch số 03/KH-UBND
    ngày 10/01/2026» is the plan being amended. Taking that date archived the dropped tasks from the plan's first
    day, so they vanished from every report of the year (Quý I included); now the user is asked for the date."""
    plan_id, _plan, _path, _expected = demo
    row = store.row("plan", plan_id)
    assert (row["doc_number"], row["doc_date"]) == ("03/KH-UBND", "2026-01-10")
    sections, _ = revised_layout(store, plan_id)
    path = write_revised_xlsx(tmp_path / "phu-luc-sua.xlsx", sections,
                              "(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Xuân Trường)")
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    assert (diff.doc_number, diff.doc_date) == ("", "")
    assert any("chính kế hoạch đang điều chỉnh" in n for n in diff.notices)
    assert "chính kế hoạch đang điều chỉnh" in amend.preview_text(diff)
    before = dump(store)
    with pytest.raises(amend.AmendError, match="ngày ban hành"):
        amend.apply_amendment(store, diff)
    with pytest.raises(amend.AmendError, match="phải sau ngày ban hành"):
        amend.apply_amendment(store, diff, doc_number="41/KH-UBND", doc_date="10/01/2026")
    with pytest.raises(amend.AmendError, match="phải sau ngày ban hành"):
        amend.apply_amendment(store, diff, doc_number="41/KH-UBND", doc_date="2025-12-31")
    assert dump(store) == before
    amend.apply_amendment(store, diff, doc_number="41/KH-UBND", doc_date="15/07/2026")
    archived = {r["archived_on"] for r in store.db.query(
        "SELECT archived_on FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
        "AND t.archived_on != ''", (plan_id,))}
    assert archived == {"2026-07-15"}


def test_a_caption_with_a_blank_day_opens_and_asks_for_the_date(store, demo, tmp_path):
    """A draft's caption «ngày    tháng 7 năm 2026» used to refuse the whole file («Ngày «2026-07» không hợp lệ»)."""
    plan_id, _plan, _path, _expected = demo
    sections, _ = revised_layout(store, plan_id)
    path = write_revised_xlsx(tmp_path / "du-thao.xlsx", sections,
                              "(Kèm theo Kế hoạch số     /KH-UBND ngày      tháng 7 năm 2026 của UBND xã Xuân Trường)")
    diff = amend.prepare_amendment(store, plan_id, read_appendix(path))
    assert diff.doc_date == ""
    assert any("chưa đủ ngày ban hành" in n for n in diff.notices)
    assert diff.count(amend.DROPPED, "content") == len(DROPPED)
    undo = amend.apply_amendment(store, diff, doc_date="2026-07-20")
    assert undo is not None
    assert [a["doc_date"] for a in amend.list_amendments(store, plan_id)] == ["2026-07-20"]
