"""Template 3: công văn đôn đốc one agency (its overdue and due-soon tasks)."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.reports.catalog import ReportRequest, render_report_pdf
from cchc_desktop.reports.reminder_letter import agency_items, build_reminder_letter
from cchc_desktop.store import StoreError
from cchc_desktop.tracking import plan_summary

from reports_support import REF, fonts_without_file, orientations, page_texts, seed_demo, table_cells

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


# At 20/03/2026 the demo plan gives one agency of each kind (overdue and/or due soon, or neither).
CASE_DATE = dt.date(2026, 3, 20)
CASES = {
    "both": ("Phòng Văn hóa - Xã hội",
             # 2 due soon: the Quý I product completed on 29/03 was not finished yet on 20/03
             ["còn 2 nhiệm vụ, sản phẩm quá hạn chưa hoàn thành và 2 nhiệm vụ, sản phẩm sắp đến hạn, cụ thể như sau:",
              "khẩn trương hoàn thành các nhiệm vụ, sản phẩm quá hạn và chủ động triển khai, hoàn thành đúng thời "
              "hạn các nhiệm vụ, sản phẩm sắp đến hạn nêu trên;",
              "Trường hợp chưa hoàn thành, đề nghị báo cáo rõ lý do"]),
    # a group phrase («Các cơ quan, đơn vị trên địa bàn xã») gets no reminder: an agency with one overdue product
    "overdue": ("Công an xã",
                ["còn 1 nhiệm vụ, sản phẩm quá hạn chưa hoàn thành, cụ thể như sau:",
                 "khẩn trương hoàn thành các nhiệm vụ, sản phẩm quá hạn nêu trên;",
                 "Trường hợp chưa hoàn thành, đề nghị báo cáo rõ lý do"]),
    "upcoming": ("Phòng Kinh tế",
                 ["có 3 nhiệm vụ, sản phẩm sắp đến hạn, cụ thể như sau:",
                  "chủ động triển khai, hoàn thành đúng thời hạn các nhiệm vụ, sản phẩm sắp đến hạn nêu trên;",
                  "Trường hợp không hoàn thành đúng thời hạn, đề nghị báo cáo rõ lý do"]),
    "none": ("Văn phòng HĐND-UBND",
             ["chủ trì 6 nhiệm vụ, sản phẩm trong kỳ, không có nhiệm vụ, sản phẩm nào quá hạn hoặc sắp đến hạn.",
              "tiếp tục triển khai, hoàn thành đúng thời hạn các nhiệm vụ, sản phẩm được giao;",
              "Trường hợp có khó khăn, vướng mắc, đề nghị báo cáo kịp thời"]),
}
FORBIDDEN = {
    "both": ["được giao;"],
    "overdue": ["sắp đến hạn", "được giao;"],
    "upcoming": ["quá hạn", "được giao;"],
    "none": ["nêu trên", "cụ thể như sau", "quá hạn chưa hoàn thành", "chưa hoàn thành, đề nghị"],
}


@pytest.mark.parametrize("case", list(CASES))
def test_reminder_wording_for_each_case(store, case):
    agency, expected = CASES[case]
    plan_id = seed_demo(store)
    if case == "overdue":
        section = store.load_plan(plan_id).sections[0].id
        store.add_product(store.add_task(section, "Rà soát, bố trí lực lượng bảo đảm an ninh"), "Báo cáo rà soát",
                          "Quý IV/2025", ["Công an xã"])
    report = build_reminder_letter(store, plan_id, agency, "2026", CASE_DATE)
    overdue, soon = report.context["so_qua_han"], report.context["so_sap_den_han"]
    assert (bool(overdue), bool(soon)) == {"both": (True, True), "overdue": (True, False),
                                           "upcoming": (False, True), "none": (False, False)}[case]
    # the counts in the text add up to the rows of the table under it
    assert len(report.tables["bang_nhiem_vu"].rows) == overdue + soon
    data = render_report_pdf(store, ReportRequest("reminder", plan_id, "2026", CASE_DATE, agency=agency))
    text = " ".join(page_texts(data))
    for needle in expected:
        assert needle in text, needle
    for needle in FORBIDDEN[case]:
        assert needle not in text, needle
    assert ("Nhiệm vụ, sản phẩm" in table_cells(data)) == (case != "none")


def test_reminder_for_an_agency_with_no_task_at_all(store):
    plan_id = seed_demo(store)
    report = build_reminder_letter(store, plan_id, "Phòng Tài chính", "2026", CASE_DATE)
    assert "Phòng Tài chính không có nhiệm vụ, sản phẩm nào quá hạn hoặc sắp đến hạn." in report.body
    assert "0 nhiệm vụ" not in report.body and "nêu trên" not in report.body


def test_generic_agency_name_is_lower_case_inside_sentences(store):
    from cchc_desktop.reports.templates import mid_sentence

    assert mid_sentence("Các cơ quan, đơn vị trên địa bàn xã") == "các cơ quan, đơn vị trên địa bàn xã"
    assert mid_sentence("Phòng Kinh tế") == "Phòng Kinh tế"
    plan_id = seed_demo(store)
    # a group phrase is not an agency: no reminder letter is addressed to it
    with pytest.raises(StoreError, match="cụm từ chỉ chung nhiều cơ quan"):
        build_reminder_letter(store, plan_id, "Các cơ quan, đơn vị trên địa bàn xã", "2026", CASE_DATE)
