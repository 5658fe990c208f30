"""Template 2: the periodic report PDF (portrait body, landscape appendix), figures from plan_summary."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.reports.catalog import ReportRequest, render_report_pdf
from cchc_desktop.reports.periodic_report import build_periodic_report
from cchc_desktop.reports.templates import ReportTemplateError, builtin_template, duplicate_template, save_template
from cchc_desktop.reports.vnformat import percent
from cchc_desktop.tracking import plan_summary

from reports_support import (PERIOD, REF, fonts_without_file, font_names, nfc, orientations, page_texts,
                                  seed_demo, squash, table_cells)


CUT_OFF = dt.date(2026, 3, 14)   # Quý I data cut-off (NĐ 09/2019): REF is after it, the figures stop there


def report_summary(store, plan_id):
    """The summary a Quý I report prints: lũy kế for the plan year, at the cut-off."""
    return plan_summary(store, plan_id, CUT_OFF, PERIOD, cumulative=True)


@pytest.fixture
def demo(store):
    plan_id = seed_demo(store)
    request = ReportRequest("periodic", plan_id, PERIOD, REF, number="5", issue_date=dt.date(2026, 3, 10))
    return store, plan_id, request


def test_figures_come_from_plan_summary(demo):
    store, plan_id, _ = demo
    summary = report_summary(store, plan_id)
    report = build_periodic_report(store, plan_id, PERIOD, REF)
    t = summary.totals
    assert report.context["so_nhiem_vu"] == t.total > 0
    assert report.context["so_hoan_thanh"] == t.completed > 0
    assert report.context["so_qua_han"] == t.overdue > 0
    assert report.context["ty_le_hoan_thanh"] == percent(t.completed / t.total)
    assert report.context["ty_le_hoan_thanh"].endswith("%") and "," in report.context["ty_le_hoan_thanh"]
    sections = report.tables["bang_linh_vuc"].rows
    assert sum(r[2] for r in sections[:-1]) == sections[-1][2] == t.total
    assert len(report.tables["bang_qua_han"].rows) == len(summary.overdue)


def test_appendix_evidence_read_in_one_query(demo):
    store, plan_id, _ = demo
    with_evidence = store.db.query_one("SELECT COUNT(DISTINCT product_id) AS n FROM evidence")["n"]
    assert with_evidence > 1
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    report = build_periodic_report(store, plan_id, PERIOD, REF)
    store.db.conn.set_trace_callback(None)
    assert len([s for s in statements if "FROM evidence" in s]) == 1
    texts = [row[7] for row in report.appendices[0].table.rows if len(row) > 1 and row[7]]
    assert texts and report.context["so_van_ban"] >= len(texts)


def test_pdf_pages_fonts_and_text(demo):
    store, plan_id, request = demo
    data = render_report_pdf(store, request)
    assert data[:5] == b"%PDF-"
    # every font embedded as TrueType, no base-14 fallback
    assert not fonts_without_file(data)
    assert all("LiberationSerif" in n or "Times" in n for n in font_names(data))
    # portrait body first, landscape appendix after
    kinds = orientations(data)
    assert kinds[0] == "portrait" and kinds[-1] == "landscape"
    first_landscape = kinds.index("landscape")
    assert set(kinds[:first_landscape]) == {"portrait"} and set(kinds[first_landscape:]) == {"landscape"}
    texts = page_texts(data)
    body = " ".join(texts[:first_landscape])
    summary = report_summary(store, plan_id)
    t = summary.totals
    for needle in ("ỦY BAN NHÂN DÂN", "XÃ XUÂN TRƯỜNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Số: 05/BC-UBND", "Xuân Trường, ngày 10 tháng 3 năm 2026",
                   "BÁO CÁO", "Kết quả thực hiện công tác cải cách hành chính quý I năm 2026",
                   "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
                   "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "V. KIẾN NGHỊ, ĐỀ XUẤT",
                   "Tồn tại, hạn chế", "Nguyên nhân", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                   "PHÓ CHỦ TỊCH", "Nguyễn Văn An",
                   f"Kế hoạch CCHC năm 2026 có {t.total} nhiệm vụ, sản phẩm",
                   f"đạt tỷ lệ {percent(t.completed / t.total)}"):
        assert squash(needle) in body, needle
    # percentages written the Vietnamese way
    assert percent(t.completed / t.total) in body and "," in percent(t.completed / t.total)
    # the overdue table names the lead agencies (cells wrap: compare the first words)
    for item in summary.overdue:
        assert " ".join(item.lead_names.split()[:2]) in body
    appendix = " ".join(texts[first_landscape:])
    assert "Phụ lục" in appendix
    assert "KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH QUÝ I NĂM 2026" in appendix
    assert "(Kèm theo Báo cáo số 05/BC-UBND ngày 10 tháng 3 năm 2026 của Ủy ban nhân dân xã Xuân Trường)" in appendix
    cells = table_cells(data, first_landscape)
    assert any(c.startswith("Hoàn thành đúng hạn (") for c in cells)
    assert "Đã ban hành văn bản, triển khai đến các cơ quan, đơn vị." in cells
    assert "Quyết định số 10/QĐ-UBND ngày 10/02/2026: Ban hành kế hoạch thực hiện" in cells  # evidence
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH" in cells
    # page numbers: none on page 1, the appendix numbered on its own from its page 2
    assert not texts[0].startswith("1 ")
    assert texts[1].startswith("2 ")
    if len(texts) - first_landscape > 1:
        assert texts[first_landscape + 1].startswith("2 ")
    assert all(t == nfc(t) for t in texts)


def test_user_template_text_and_figures(demo):
    store, plan_id, request = demo
    copy = duplicate_template(store, "builtin:periodic", "Báo cáo quý của xã")
    body = ("# I. KẾT QUẢ\nTổng cộng {{ so_nhiem_vu }} nhiệm vụ, hoàn thành {{ ty_le_hoan_thanh }}.\n"
            "{{ bang_linh_vuc }}\nTrên đây là báo cáo./.")
    saved = save_template(store, copy.with_texts(body=body))
    request.template_id = saved.id
    data = render_report_pdf(store, request)
    t = report_summary(store, plan_id).totals
    text = " ".join(page_texts(data))
    assert f"Tổng cộng {t.total} nhiệm vụ, hoàn thành {percent(t.completed / t.total)}." in text
    assert "Tồn tại, hạn chế" not in text  # the user's text replaced the built-in one
    assert "Tổng cộng" in text and "Lĩnh vực" in text


def test_unknown_placeholder_in_edited_text_refused_at_render(demo):
    store, _plan_id, request = demo
    request.template = builtin_template("periodic").with_texts(body="{{ so_viec_khong_co }}")
    with pytest.raises(ReportTemplateError) as err:
        render_report_pdf(store, request)
    assert "so_viec_khong_co" in str(err.value)


def test_annual_and_half_year_periods_render(demo):
    store, plan_id, request = demo
    for key, words in (("2026-H1", "6 tháng đầu năm 2026"), ("2026", "năm 2026")):
        request.period_key = key
        data = render_report_pdf(store, request)
        assert words in " ".join(page_texts(data)[:1])


def test_empty_plan_renders_without_division_by_zero(store):
    plan_id = store.create_plan("xã Thử Nghiệm", 2026)
    data = render_report_pdf(store, ReportRequest("periodic", plan_id, "2026-Q2", REF))
    text = " ".join(page_texts(data))
    assert "có 0 nhiệm vụ" in text and "Không có nhiệm vụ, sản phẩm nào trong kỳ báo cáo." in text
