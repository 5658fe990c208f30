"""Template 3: công văn đôn đốc one agency (its overdue and due-soon tasks)."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.reports.catalog import ReportRequest, render_report_pdf
from cchc_desktop.reports.reminder_letter import agency_items, build_reminder_letter
from cchc_desktop.store import StoreError
from cchc_desktop.tracking import plan_summary

from test_reports_helpers import REF, fonts_without_file, orientations, page_texts, seed_demo, table_cells

AGENCY = "Phòng Văn hóa - Xã hội"


def test_reminder_letter_lists_the_agency_overdue_tasks(store):
    plan_id = seed_demo(store)
    summary = plan_summary(store, plan_id, REF, "2026")
    mine = agency_items(summary, AGENCY)
    overdue = [i for i in summary.overdue if i in mine]
    assert overdue, "the demo data must give this agency overdue tasks"
    report = build_reminder_letter(store, plan_id, AGENCY, "2026", REF, number="12")
    assert report.context["so_qua_han"] == len(overdue)
    assert report.header.is_official_letter and report.header.number_symbol == "12/UBND-VP"

    data = render_report_pdf(store, ReportRequest("reminder", plan_id, "2026", REF, agency=AGENCY, number="12",
                                                  reply_by=dt.date(2026, 4, 30)))
    assert not fonts_without_file(data)
    assert set(orientations(data)) == {"portrait"}
    text = " ".join(page_texts(data))
    for needle in ("Số: 12/UBND-VP", "V/v đôn đốc thực hiện nhiệm vụ cải cách hành chính năm 2026",
                   f"Kính gửi: {AGENCY}.", f"còn {len(overdue)} nhiệm vụ, sản phẩm quá hạn chưa hoàn thành",
                   "trước ngày 30/04/2026", "Nơi nhận:", "- Như trên;", "Xuân Trường, ngày"):
        assert needle in text, needle
    cells = table_cells(data)
    assert any(c.startswith("Quá hạn") for c in cells)
    assert any(c.startswith(overdue[0].task_content.split()[0]) for c in cells)


def test_reminder_for_agency_without_overdue_reads_well(store):
    plan_id = seed_demo(store)
    data = render_report_pdf(store, ReportRequest("reminder", plan_id, "2026", dt.date(2026, 1, 2),
                                                  agency="Phòng Kinh tế"))
    text = " ".join(page_texts(data))
    assert "có 0 nhiệm vụ" not in text and "cụ thể như sau" not in text


def test_reminder_needs_an_agency(store):
    plan_id = seed_demo(store)
    with pytest.raises(StoreError):
        build_reminder_letter(store, plan_id, "", "2026", REF)
