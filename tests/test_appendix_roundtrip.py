"""Seed appendix → DB → .xlsx → importer → the same plan."""
from cchc_desktop.demo import create_demo_plan, demo_appendix_path
from cchc_desktop.exports.appendix_xlsx import export_appendix_xlsx
from cchc_desktop.import_commit import commit_draft, plan_info_from_draft
from cchc_desktop.importers import read_appendix
from cchc_desktop.store import Store


def _shape(plan):
    return [(s.numeral, s.title, [(t.number, t.content,
                                   [(p.description, p.lead_names, p.coordinator_names, p.deadline_text)
                                    for p in t.products]) for t in s.tasks]) for s in plan.sections]


def test_demo_plan_has_the_seed_numbers_and_caption_fields(store: Store):
    plan = store.load_plan(create_demo_plan(store))
    assert plan.unit_name == "xã Xuân Trường" and plan.unit_kind == "xã"
    assert plan.doc_number == "03/KH-UBND" and plan.doc_date == "2026-01-10"
    assert plan.year_start == plan.year_end == 2026
    assert len(plan.sections) == 7
    assert sum(len(s.tasks) for s in plan.sections) == 39
    assert sum(1 for _ in plan.iter_products()) == 46
    vi = plan.sections[6]
    assert vi.numeral == "VII" and vi.title == "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"


def test_xlsx_round_trip_keeps_every_cell(store: Store, tmp_path):
    plan = store.load_plan(create_demo_plan(store))
    path = export_appendix_xlsx(plan, tmp_path / "phu-luc.xlsx")
    draft = read_appendix(path)
    info = plan_info_from_draft(draft)
    assert (info.doc_number, info.doc_date, info.unit_name) == ("03/KH-UBND", "2026-01-10", "xã Xuân Trường")
    other = Store.open(tmp_path / "second.sqlite3")
    try:
        again = other.load_plan(commit_draft(other, draft).plan_id)
    finally:
        other.close()
    assert _shape(again) == _shape(plan)
    assert (again.doc_number, again.doc_date, again.year_start) == (plan.doc_number, plan.doc_date, 2026)


def test_demo_plan_is_marked_so_an_imported_twin_can_be_told_apart(store: Store):
    from cchc_desktop.demo import demo_plan_id
    from ui.dialogs.plan_properties import plan_label

    demo = create_demo_plan(store)
    twin = commit_draft(store, read_appendix(demo_appendix_path())).plan_id
    assert demo_plan_id(store) == demo
    flags = {p["id"]: bool(p["is_demo"]) for p in store.list_plans()}
    assert flags == {demo: True, twin: False}
    labels = {p["id"]: plan_label(p) for p in store.list_plans()}
    assert labels[demo].endswith("; kế hoạch mẫu)") and "mẫu" not in labels[twin]
