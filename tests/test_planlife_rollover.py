"""Roll-over to next year and the five-year plan's progress (issue #15)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.planlife import fiveyear, rollover
from cchc_desktop.reports.document import render_pdf
from cchc_desktop.reports.header_settings import get_header, save_header
from cchc_desktop.tracking import add_evidence, add_target, set_actual, set_settings, set_status


@pytest.mark.parametrize("text, expected, flagged", [
    ("Quý II/2026", "Quý II/2027", False),
    ("Trước ngày 15/01/2026", "Trước ngày 15/01/2027", False),
    ("Năm 2026", "Năm 2027", False),
    ("Quý II, III, IV năm 2026", "Quý II, III, IV năm 2027", False),
    ("giai đoạn 2026–2030", "giai đoạn 2026–2030", True),
    ("Quý III, IV/2025", "Quý III, IV/2025", True),
    ("Thường xuyên", "Thường xuyên", False),
    ("Trước 2026", "Trước 2026", True),
])
def test_shift_years(text, expected, flagged):
    new, flags = rollover.shift_years(text, 2026, 2027)
    assert new == expected
    assert bool(flags) == flagged


def test_rollover_of_the_demo_plan(store):
    plan_id = create_demo_plan(store)
    plan = store.load_plan(plan_id)
    products = [p for _s, _t, p in plan.iter_products()]
    tasks = [t for _s, t in plan.iter_tasks()]
    done_task, open_task = tasks[0], tasks[2]          # "Trước ngày 15/01/2026", "Quý II, III, IV năm 2026"
    set_status(store, done_task.products[0].id, status="done", completed_on="2026-01-10")
    set_status(store, open_task.products[0].id, status="in_progress", percent=60)
    add_evidence(store, done_task.products[0].id, "2026", doc_type="Kế hoạch", doc_number="03/KH-UBND")
    target = add_target(store, plan_id, "Tỷ lệ hồ sơ đúng hạn", 95)
    set_actual(store, target, "2026", 97)
    save_header(store, plan_id, signer_name="Nguyễn Văn A")
    set_settings(store, plan_id, due_soon_days=21)

    preview = rollover.prepare_rollover(store, plan_id, 2027, dt.date(2026, 12, 20))
    # independent oracle: plain text replacement of the plan-year forms
    expected = [p.deadline_text.replace("/2026", "/2027").replace("năm 2026", "năm 2027") for p in products]
    assert [s.old for s in preview.shifted] == [p.deadline_text for p, e in zip(products, expected)
                                                if e != p.deadline_text]
    assert {s.old for s in preview.flagged} == {p.deadline_text for p in products if "2025" in p.deadline_text}
    text = rollover.preview_text(preview)
    assert "«Trước ngày 15/01/2026» → «Trước ngày 15/01/2027»" in text

    before = store.db.query_one("SELECT COUNT(*) FROM plan")[0]
    new_id = rollover.apply_rollover(store, preview)
    assert store.db.query_one("SELECT COUNT(*) FROM plan")[0] == before + 1
    new = store.load_plan(new_id)
    assert (new.year_start, new.year_end, new.doc_number, new.status) == (2027, 2027, "", "draft")
    assert "2027" in new.title
    new_products = [p for _s, _t, p in new.iter_products()]
    assert [p.deadline_text for p in new_products] == expected      # every deadline text, in order
    assert [(p.description, p.lead_names, p.coordinator_names) for p in new_products] == \
        [(p.description.replace("năm 2026", "năm 2027"), p.lead_names, p.coordinator_names) for p in products]
    assert [s.title for s in new.sections] == [s.title for s in plan.sections]
    # statuses and evidence not copied; targets without actuals; header and settings carried
    ids = tuple(p.id for p in new_products)
    marks = ", ".join("?" for _ in ids)
    assert store.db.query_one(f"SELECT COUNT(*) FROM product_status WHERE product_id IN ({marks})", ids)[0] == 0
    assert store.db.query_one(f"SELECT COUNT(*) FROM evidence WHERE product_id IN ({marks})", ids)[0] == 0
    new_targets = store.db.query("SELECT id, title, target_value FROM target WHERE plan_id = ?", (new_id,))
    assert [(r["title"], r["target_value"]) for r in new_targets] == [("Tỷ lệ hồ sơ đúng hạn", 95.0)]
    assert store.db.query_one("SELECT COUNT(*) FROM target_actual WHERE target_id = ?", (new_targets[0]["id"],))[0] == 0
    assert get_header(store, new_id).signer_name == "Nguyễn Văn A"
    assert store.db.query_one("SELECT due_soon_days FROM tracking_settings WHERE plan_id = ?", (new_id,))[0] == 21
    # carried over: the unfinished task with its last status, not the finished one
    carried = {r["content"]: r["carried_from"] for r in rollover.carried_tasks(store, new_id)}
    # "Quý II, III, IV năm 2026" has one occurrence per listed quarter: 60% was recorded on one of them (the one
    # current today); at 20/12 the three occurrences have begun, their average is 60/3 %
    assert carried[open_task.content] == f"Chuyển tiếp từ năm 2026 (tình trạng cuối: Đang thực hiện {60 // 3}%)"
    assert done_task.content not in carried
    # the old plan is unchanged and a second roll-over to the same year is refused
    assert [p.deadline_text for _s, _t, p in store.load_plan(plan_id).iter_products()] == \
        [p.deadline_text for p in products]
    with pytest.raises(rollover.RolloverError):
        rollover.apply_rollover(store, rollover.prepare_rollover(store, plan_id, 2027))


def test_rollover_refuses_bad_years(store):
    plan_id = create_demo_plan(store)
    with pytest.raises(rollover.RolloverError, match="phải sau năm 2026"):
        rollover.prepare_rollover(store, plan_id, 2026)
    five = store.create_plan("Thiên Tân", 2026, 2030)
    with pytest.raises(rollover.RolloverError, match="nhiều năm"):
        rollover.prepare_rollover(store, five, 2031)


def _five_year(store):
    five = store.create_plan("Thiên Tân", 2026, 2030, doc_number="12/KH-UBND", doc_date="2026-01-05")
    models = add_target(store, five, "Số mô hình CCHC mới", 10, ">=", "mô hình")
    ontime = add_target(store, five, "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", 98, ">=", "%")
    section = store.add_section(five, "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")
    task5 = store.add_task(section, "Nhân rộng mô hình CCHC")
    store.add_product(task5, "Mô hình mới", "Hằng năm", ["Văn phòng HĐND-UBND"])
    return five, models, ontime, task5


def test_five_year_targets_add_up_from_two_yearly_plans(store, tmp_path):
    five, models, ontime, task5 = _five_year(store)
    yearly = {}
    for year, count, rate, done in ((2026, 4, 96.0, True), (2027, 3, 97.5, False)):
        plan = store.create_plan("Thiên Tân", year, doc_number=f"{year - 2025:02d}/KH-UBND", doc_date=f"{year}-01-10")
        fiveyear.link_plan(store, plan, five)
        t_count = add_target(store, plan, "Mô hình mới trong năm", count, ">=", "mô hình")
        t_rate = add_target(store, plan, "Tỷ lệ đúng hạn", 95, ">=", "%")
        fiveyear.link_target(store, t_count, models)
        fiveyear.link_target(store, t_rate, ontime)
        set_actual(store, t_count, str(year), count)
        set_actual(store, t_rate, f"{year}-Q4", rate)
        section = store.add_section(plan, "CẢI CÁCH TTHC")
        task = store.add_task(section, "Triển khai mô hình")
        product = store.add_product(task, "Mô hình", f"Quý II/{year}", ["Văn phòng HĐND-UBND"])
        if done:
            set_status(store, product, status="done", completed_on=f"{year}-05-01")
        fiveyear.link_task(store, task, parent_task_id=task5)
        yearly[year] = plan
    progress = {p.target_id: p for p in fiveyear.target_progress(store, five)}
    # independent figures from the rows: sum of the yearly actuals of the linked count targets
    total = store.db.query_one(
        "SELECT SUM(ta.actual_value) FROM target_actual ta JOIN target_link tl ON tl.target_id = ta.target_id "
        "WHERE tl.parent_target_id = ?", (models,))[0]
    assert total == 7.0
    count = progress[models]
    assert count.mode == "sum" and count.value == total
    assert count.yearly == {2026: 4.0, 2027: 3.0, 2028: None, 2029: None, 2030: None}
    assert count.progress == pytest.approx(70.0) and count.met is False
    rate = progress[ontime]
    assert rate.mode == "latest" and rate.value == 97.5 and rate.met is False
    tasks = fiveyear.task_progress(store, five)
    assert [(t.content, t.yearly) for t in tasks] == [("Nhân rộng mô hình CCHC", {2026: (1, 1), 2027: (0, 1)})]
    report = fiveyear.build_period_report(store, five, dt.date(2027, 12, 31))
    table = report.tables["bang_chi_tieu_giai_doan"]
    assert table.rows[0][3:5] == ["4", "3"] and table.rows[0][8] == "7 (lũy kế)" and table.rows[0][9] == "70%"
    assert "Năm 2027: Kế hoạch số 02/KH-UBND ngày 10/01/2027" in report.body
    data = render_pdf(report)
    assert data.startswith(b"%PDF")


def test_five_year_links_are_checked(store):
    five, models, _ontime, task5 = _five_year(store)
    lone = store.create_plan("Thiên Tân", 2026)
    target = add_target(store, lone, "Mô hình", 2, ">=", "mô hình")
    with pytest.raises(fiveyear.FiveYearError):
        fiveyear.link_target(store, target, models)          # the yearly plan is not linked yet
    with pytest.raises(fiveyear.FiveYearError, match="không nằm trong giai đoạn"):
        fiveyear.link_plan(store, store.create_plan("Thiên Tân", 2031), five)
    with pytest.raises(fiveyear.FiveYearError, match="nhiều năm"):
        fiveyear.link_plan(store, five, lone)
    fiveyear.link_plan(store, lone, five)
    fiveyear.link_target(store, target, models)
    assert store.db.query_one("SELECT mode FROM target_link WHERE target_id = ?", (target,))[0] == "sum"
    fiveyear.link_target(store, target, None)
    assert store.db.query_one("SELECT COUNT(*) FROM target_link")[0] == 0


def test_links_survive_rollover_and_a_usb_package(store, tmp_path):
    from cchc_desktop.exchange import apply_merge, export_package, plan_merge, read_package
    from cchc_desktop.store import Store

    yearly = store.create_plan("Thiên Tân", 2026)      # created before its five-year plan on purpose
    five, models, _ontime, task5 = _five_year(store)
    fiveyear.link_plan(store, yearly, five)
    target = add_target(store, yearly, "Mô hình mới trong năm", 4, ">=", "mô hình")
    fiveyear.link_target(store, target, models)
    task = store.add_task(store.add_section(yearly, "CẢI CÁCH TTHC"), "Triển khai mô hình")
    store.add_product(task, "Mô hình", "Quý II/2026", ["Văn phòng HĐND-UBND"])
    fiveyear.link_task(store, task, parent_task_id=task5, parent_target_id=models)
    new_id = rollover.apply_rollover(store, rollover.prepare_rollover(store, yearly, 2027, dt.date(2026, 12, 31)))
    assert fiveyear.plan_link(store, new_id) == five
    assert fiveyear.plan_link(store, new_id, fiveyear.ROLLED_FROM) == yearly
    assert list(fiveyear.task_links(store, new_id).values()) == [(task5, models)]
    new_target = store.db.query_one("SELECT id FROM target WHERE plan_id = ?", (new_id,))[0]
    assert fiveyear.target_links(store, new_id) == {new_target: (models, "sum")}
    export_package(store, tmp_path / "xa.cchc")
    other = Store.open(tmp_path / "other.sqlite3", actor="other")
    try:
        merge = plan_merge(other, read_package(tmp_path / "xa.cchc", local_schema=other.db.schema_version))
        apply_merge(other, merge, confirm=True)
        assert merge.notes == []
        assert fiveyear.plan_link(other, yearly) == five and fiveyear.plan_link(other, new_id) == five
        assert fiveyear.task_links(other, yearly) == {task: (task5, models)}
        assert [y["id"] for y in fiveyear.yearly_plans(other, five)] == [yearly, new_id]
    finally:
        other.close()


@pytest.mark.parametrize("text, expected, flagged", [
    ("Kế hoạch CCHC xã Xuân Trường năm 2026", "Kế hoạch CCHC xã Xuân Trường năm 2027", False),
    ("Thực hiện Kế hoạch số 65/KH-UBND ngày 12/01/2026 trong năm 2026",
     "Thực hiện Kế hoạch số 65/KH-UBND ngày 12/01/2026 trong năm 2027", False),
    ("Theo Nghị quyết 05/2026/NQ-HĐND của HĐND xã", "Theo Nghị quyết 05/2026/NQ-HĐND của HĐND xã", False),
    ("Quyết toán năm 2025 và dự toán năm 2026", "Quyết toán năm 2025 và dự toán năm 2027", True),
    ("Chiến lược giai đoạn 2026–2030, năm 2026", "Chiến lược giai đoạn 2026–2030, năm 2027", True),
])
def test_shift_years_in_task_texts(text, expected, flagged):
    new, flags = rollover.shift_years(text, 2026, 2027)
    assert new == expected
    assert bool(flags) == flagged


def test_rollover_shifts_and_lists_the_plan_year_in_texts(store):
    plan_id = create_demo_plan(store)
    preview = rollover.prepare_rollover(store, plan_id, 2027, dt.date(2026, 12, 20))
    # independent oracle from the rows (plain SQL): every text naming "2026" after "năm "/"NĂM "/"/" changes by a
    # plain replacement; the demo has no document reference dated 2026
    rows = [("plan", r[0], r[1]) for r in store.db.query("SELECT id, title FROM plan WHERE id = ?", (plan_id,))]
    rows += [("section", r[0], r[1]) for r in store.db.query(
        "SELECT id, title FROM section WHERE plan_id = ? ORDER BY position", (plan_id,))]
    rows += [("task", r[0], r[1]) for r in store.db.query(
        "SELECT t.id, t.content FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
        "AND t.archived_on = ''", (plan_id,))]
    rows += [("product", r[0], r[1]) for r in store.db.query(
        "SELECT p.id, p.description FROM product p JOIN task t ON t.id = p.task_id JOIN section s "
        "ON s.id = t.section_id WHERE s.plan_id = ? AND t.archived_on = '' AND p.archived_on = ''", (plan_id,))]

    def expect(text):
        return text.replace("năm 2026", "năm 2027").replace("NĂM 2026", "NĂM 2027").replace("/2026", "/2027")

    expected = {(kind, row_id): expect(text) for kind, row_id, text in rows if expect(text) != text}
    assert len(expected) >= 10
    assert {(t.kind, t.row_id): t.new for t in preview.texts} == expected
    # flagged: another year outside a cited document ("số 65/KH-UBND ngày 12/9/2025", "Nghị định 48/2023 ngày …")
    assert {(t.kind, t.row_id) for t in preview.flagged_texts} == {
        (kind, row_id) for kind, row_id, text in rows
        if any(y in re.sub(r"(?:số|Nghị định) \S+ ngày \S+", "", text) for y in ("2023", "2025", "2027"))}
    text = rollover.preview_text(preview)
    for entry in preview.texts:                         # every changed text is listed for review
        assert f"«{entry.old}»\n    → «{entry.new}»" in text
    # the deadline lines name the product: VI.1 has three «Quý IV/2026» products, each line is distinct
    lines = [line for line in text.splitlines() if "«Quý IV/2026» → «Quý IV/2027»" in line]
    assert len(lines) == 3 and len(set(lines)) == 3
    assert all(line.strip().startswith("VI.1 (sản phẩm «") for line in lines)

    new_id = rollover.apply_rollover(store, preview)
    new = store.load_plan(new_id)
    old = store.load_plan(plan_id)
    assert new.title == expect(old.title)
    assert [s.title for s in new.sections] == [expect(s.title) for s in old.sections]
    assert [t.content for _s, t in new.iter_tasks()] == [expect(t.content) for _s, t in old.iter_tasks()]
    assert [p.description for _s, _t, p in new.iter_products()] == \
        [expect(p.description) for _s, _t, p in old.iter_products()]
    assert "Ban hành Kế hoạch chuyển đổi số năm 2027" in [t.content for _s, t in new.iter_tasks()]


def test_period_report_writes_a_short_mark_for_targets_without_data(store):
    five, models, ontime, _task5 = _five_year(store)
    report = fiveyear.build_period_report(store, five, dt.date(2026, 12, 31))
    rows = report.tables["bang_chi_tieu_giai_doan"].rows
    no_data = store.db.query_one("SELECT COUNT(*) FROM target t WHERE t.plan_id = ? AND NOT EXISTS "
                                 "(SELECT 1 FROM target_link tl WHERE tl.parent_target_id = t.id)", (five,))[0]
    assert no_data == 2 and [r[-1] for r in rows] == ["—"] * no_data
    assert "Ghi chú: «—» ở cột Đánh giá: chưa có số liệu." in report.body
    assert render_pdf(report).startswith(b"%PDF")
