"""Template 4: what each agency must do this year (landscape list, chủ trì and phối hợp)."""
from __future__ import annotations

from cchc_desktop.reports.agency_tasks import build_agency_tasks, plan_agencies
from cchc_desktop.reports.catalog import ReportRequest, render_report_pdf

from reports_support import REF, fonts_without_file, orientations, page_texts, seed_demo, table_cells

AGENCY = "Phòng Kinh tế"


def test_one_agency_list(store):
    plan_id = seed_demo(store)
    plan = store.load_plan(plan_id)
    leads = [p for _s, _t, p in plan.iter_products() if any(a.name == AGENCY for a in p.leads)]
    coords = [p for _s, _t, p in plan.iter_products() if any(a.name == AGENCY for a in p.coordinators)]
    report = build_agency_tasks(store, plan_id, AGENCY, REF)
    assert report.context["so_chu_tri"] == len(leads) > 0
    assert report.context["so_phoi_hop"] == len(coords)
    data = render_report_pdf(store, ReportRequest("agency_tasks", plan_id, "2026", REF, agency=AGENCY))
    assert not fonts_without_file(data)
    assert set(orientations(data)) == {"landscape"}
    text = " ".join(page_texts(data))
    assert "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026 CỦA PHÒNG KINH TẾ" in text
    assert "(Kèm theo Kế hoạch số 03/KH-UBND ngày 10 tháng 01 năm 2026 của Ủy ban nhân dân xã Xuân Trường)" in text
    cells = table_cells(data)
    assert "Chủ trì" in cells
    for product in leads:
        assert any(c == " ".join(product.description.split()) for c in cells), product.description


def test_all_agencies_each_numbered_on_its_own(store):
    plan_id = seed_demo(store)
    agencies = plan_agencies(store.load_plan(plan_id))
    report = build_agency_tasks(store, plan_id, "", REF)
    assert len(report.appendices) == len(agencies) > 3
    data = render_report_pdf(store, ReportRequest("agency_tasks", plan_id, "2026", REF))
    texts = page_texts(data)
    starts = [i for i, t in enumerate(texts) if t.startswith("Phụ lục NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH")]
    assert len(starts) == len(agencies)
    # the first page of each agency carries no page number
    assert all(not texts[i][:1].isdigit() for i in starts)
