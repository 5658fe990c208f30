"""Printed-report details a signer checks: the rule under the trích yếu clears the descenders, the plan date is
written the ND30 way everywhere («ngày 10 tháng 01 năm 2026»), an agency that leads nothing is worded naturally, and
a task's text is printed once over its products in the report's lists. Expected texts are built here from the
database rows (plain SQL), not through the code under test."""
from __future__ import annotations

import datetime as dt
import io

import pdfplumber

from cchc_desktop.reports.agency_tasks import build_agency_tasks
from cchc_desktop.reports.catalog import ReportRequest, render_report_pdf
from cchc_desktop.reports.periodic_report import build_periodic_report

from reports_support import REF, page_texts, seed_demo


def _nd30_plan_date(store, plan_id) -> str:
    """«ngày 10 tháng 01 năm 2026» from plan.doc_date: a day below 10 and the months 1–2 take a leading zero."""
    iso = store.db.query_one("SELECT doc_date FROM plan WHERE id = ?", (plan_id,))[0]
    year, month, day = (int(x) for x in iso.split("-"))
    month_text = f"{month:02d}" if month < 3 else str(month)
    return f"ngày {day:02d} tháng {month_text} năm {year}"


def test_rule_under_the_subject_clears_the_descenders(store):
    plan_id = seed_demo(store)
    data = render_report_pdf(store, ReportRequest("periodic", plan_id, "2026-Q1", REF))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        rules = [line for line in page.lines if abs(line["top"] - line["bottom"]) < 1]
        subject = [c for c in page.chars if c["fontname"].endswith("Bold") and 150 < c["top"] < 260]
        assert subject
        rule = min((r for r in rules if r["top"] > max(c["bottom"] for c in subject)), key=lambda r: r["top"])
        line_chars = [c for c in subject if abs(c["bottom"] - max(x["bottom"] for x in subject)) < 2]
        # the glyph box bottom already includes the font's descent: at least 4 pt of white under the descenders
        assert rule["top"] - max(c["bottom"] for c in line_chars) >= 4


def test_plan_date_in_nd30_words_everywhere(store):
    plan_id = seed_demo(store)
    words = _nd30_plan_date(store, plan_id)
    iso = store.db.query_one("SELECT doc_date FROM plan WHERE id = ?", (plan_id,))[0]
    numeric = f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
    periodic = build_periodic_report(store, plan_id, "2026-Q1", REF)
    assert f"03/KH-UBND {words}" in periodic.body and f"ngày {numeric}" not in periodic.body
    text = " ".join(page_texts(render_report_pdf(store, ReportRequest("agency_tasks", plan_id, "2026", REF,
                                                                      agency="Phòng Kinh tế"))))
    assert f"Kế hoạch số 03/KH-UBND {words} của" in text and f"ngày {numeric}" not in text


def test_an_agency_that_only_coordinates_is_worded_naturally(store):
    plan_id = seed_demo(store)
    only_coord = [r["name"] for r in store.db.query(
        "SELECT a.name FROM agency a WHERE EXISTS (SELECT 1 FROM product_agency pa WHERE pa.agency_id = a.id "
        "AND pa.role = 'coord') AND NOT EXISTS (SELECT 1 FROM product_agency pa WHERE pa.agency_id = a.id "
        "AND pa.role = 'lead') AND a.name = 'Bưu điện xã'")]
    assert only_coord == ["Bưu điện xã"]
    n = store.db.query_one("SELECT COUNT(*) FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
                           "WHERE a.name = 'Bưu điện xã' AND pa.role = 'coord'")[0]
    text = " ".join(page_texts(render_report_pdf(store, ReportRequest("agency_tasks", plan_id, "2026", REF,
                                                                      agency="Bưu điện xã"))))
    assert "chủ trì 0" not in text
    assert f"phối hợp thực hiện {n} nhiệm vụ, sản phẩm" in text
    report = build_agency_tasks(store, plan_id, "Bưu điện xã", REF)
    assert report.context["so_chu_tri"] == 0


def test_a_task_is_printed_once_over_its_products_in_the_lists(store):
    plan_id = seed_demo(store)
    report = build_periodic_report(store, plan_id, "2026-Q3", dt.date(2026, 9, 20))
    for key in ("bang_den_han_trong_ky", "bang_ky_toi", "bang_qua_han"):
        rows = report.tables[key].rows
        for above, row in zip(rows, rows[1:]):
            if row[0] == "":     # a further product of the task above: its text is not repeated
                assert row[1].startswith("Sản phẩm: ")
        # every task's text appears at most once per run of its products
        texts = [r[1].partition("\nSản phẩm:")[0] for r in rows if r[0]]
        assert all(texts[i] != texts[i + 1] for i in range(len(texts) - 1)), key
    # the Quý IV list of the demo plan has several products of one task (VI.1): counted from the rows
    upcoming = report.tables["bang_ky_toi"].rows
    assert any(r[0] == "" for r in upcoming)
