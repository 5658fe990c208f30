"""Agency groups are not agencies; each plan its own agency list; spelling variants merged on confirmation, undoably."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.agency_groups import is_group, merge_agencies, merge_candidates, plan_agency_names, undo_merge
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.reports.agency_tasks import build_agency_tasks
from cchc_desktop.reports.reminder_letter import build_reminder_letter
from cchc_desktop.store import StoreError


@pytest.mark.parametrize("name, group", [
    ("Các cơ quan, đơn vị có liên quan", True), ("Các cơ quan đơn vị liên quan", True),
    ("CÁC CƠ QUAN, ĐƠN VỊ TRÊN ĐỊA BÀN XÃ", True), ("cac co quan don vi lien quan.", True),
    ("Cơ quan, đơn vị liên quan", True), ("Phòng Văn hóa - Xã hội", False), ("Trung tâm PV hành chính công", False),
    ("Văn phòng HĐND-UBND", False), ("Công an xã", False),
])
def test_groups_recognised(name, group):
    assert is_group(name) is group


def test_groups_get_no_section_nor_reminder(store):
    plan_id = create_demo_plan(store)
    report = build_agency_tasks(store, plan_id, "", dt.date(2026, 6, 1), year=2026)
    titles = " ".join(a.title for a in report.appendices)
    assert report.appendices and "CÁC CƠ QUAN" not in titles
    assert all(not is_group(name) for name in plan_agency_names(store, plan_id, groups=False))
    assert any(is_group(name) for name in plan_agency_names(store, plan_id))  # still kept in the plan's text
    with pytest.raises(StoreError, match="không phải một cơ quan"):
        build_reminder_letter(store, plan_id, "Các cơ quan, đơn vị có liên quan", "2026", dt.date(2026, 6, 1))


def test_each_plan_its_own_agencies(store):
    demo = create_demo_plan(store)
    real = store.create_plan("An Tường", 2026, unit_kind="phường")
    section = store.add_section(real, "MỤC I")
    store.add_product(store.add_task(section, "Nhiệm vụ"), "Sản phẩm", "Quý II/2026", ["Công an phường"])
    assert plan_agency_names(store, real) == ["Công an phường"]
    assert "Phòng Văn hóa - Xã hội" in plan_agency_names(store, demo)


def test_merge_spelling_variants_and_undo(store):
    plan_id = store.create_plan("An Tường", 2026, unit_kind="phường")
    section = store.add_section(plan_id, "MỤC I")
    task = store.add_task(section, "Nhiệm vụ")
    p1 = store.add_product(task, "A", "Quý II/2026", ["Văn phòng HĐND và UBND"])
    p2 = store.add_product(task, "B", "Quý II/2026", ["Văn phòng HĐND - UBND"])
    store.add_product(task, "C", "Quý II/2026", ["Các cơ quan, đơn vị có liên quan"])
    candidates = merge_candidates(store, plan_id)
    assert len(candidates) == 1
    c = candidates[0]
    assert {c.keep_name, c.other_name} == {"Văn phòng HĐND và UBND", "Văn phòng HĐND - UBND"}
    before = plan_agency_names(store, plan_id)
    undo = merge_agencies(store, c.keep_id, c.other_id)
    assert plan_agency_names(store, plan_id, groups=False) == [c.keep_name]
    assert store.agency_names(p1, "lead") == store.agency_names(p2, "lead") == [c.keep_name]
    assert store.find_agency(c.other_name) == c.keep_id   # the variant spelling now finds the kept agency
    undo_merge(store, undo)
    assert plan_agency_names(store, plan_id) == before
    assert store.find_agency(c.other_name) == c.other_id
