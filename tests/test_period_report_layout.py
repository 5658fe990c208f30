"""The five-year report «Kết quả thực hiện Kế hoạch giai đoạn» as printed (QA): its value columns as wide as their
values (no «Chưa / đạt», «87,5 / %» broken over two lines), the target text taking the rest, and a long table
starting under its heading on the page where the heading is, instead of the heading and table moving to a new page
and leaving most of the page above blank. Read back from the PDF with pdfplumber."""
from __future__ import annotations

import datetime as dt
import io

import pdfplumber

from cchc_desktop.cli import main
from cchc_desktop.planlife import fiveyear
from cchc_desktop.reports.document import render_pdf
from cchc_desktop.store import Store
from cchc_desktop.tracking import add_target, set_actual

# target texts of the kind the seeds' five-year plan states (long, measurable)
TITLES = [
    "100% văn bản quy phạm pháp luật của xã được hoàn thiện đồng bộ, phù hợp với yêu cầu thực tế",
    "100% thủ tục hành chính có đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình",
    "Tỷ lệ cấp kết quả giải quyết thủ tục hành chính điện tử đạt 100%",
    "Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính của người dân, doanh nghiệp đạt tối "
    "thiểu 95%, trong đó lĩnh vực đất đai, xây dựng, đầu tư đạt tối thiểu 90%",
    "Tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia trên tổng số giao dịch thanh toán đạt 80%",
    "80% viên chức có trình độ đại học trở lên",
] * 3
VALUES = [87.5, 100.0, 62.25, 95.0, 40.0, 81.0]


def _five_year_plan(store) -> str:
    five = store.create_plan("xã Thiên Tân", 2026, 2030, doc_number="12/KH-UBND", doc_date="2026-01-05")
    yearly = store.create_plan("xã Thiên Tân", 2026, doc_number="01/KH-UBND", doc_date="2026-01-10")
    fiveyear.link_plan(store, yearly, five)
    for k, title in enumerate(TITLES):
        parent = add_target(store, five, title, 100 if k % 2 else 90, ">=", "%")
        if k < len(VALUES):
            child = add_target(store, yearly, title, 100, ">=", "%")
            fiveyear.link_target(store, child, parent)
            set_actual(store, child, "2026", VALUES[k])
    return five


def _tables(data: bytes) -> list[tuple[int, list[list[str]]]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [(n, table) for n, page in enumerate(pdf.pages) for table in page.extract_tables()]


def test_value_columns_fit_their_values_and_the_text_column_takes_the_rest(store):
    five = _five_year_plan(store)
    report = fiveyear.build_period_report(store, five, dt.date(2026, 12, 31))
    table = report.tables["bang_chi_tieu_giai_doan"]
    assert abs(sum(table.shares) - 1) < 1e-9
    assert table.shares[1] == max(table.shares) and table.shares[1] >= 0.25     # the target's text
    data = render_pdf(report)
    printed = [row for _page, t in _tables(data) for row in t if row and row[0] and row[0].strip().isdigit()]
    assert len(printed) == len(TITLES)                                           # every target row, once
    verdicts = {row[-1] for row in printed}
    assert "Chưa đạt" in verdicts and "Đạt" in verdicts                          # on one line each
    for row in printed:
        # year, result, progress and verdict cells: one line each (a wrapped cell reads back with a line break)
        assert not any("\n" in (cell or "") for cell in row[2:]), row
    assert any(row[3] == "87,5%" for row in printed) and any(row[3] == "62,25%" for row in printed)


def test_a_long_table_starts_under_its_heading_on_the_same_page(store):
    five = _five_year_plan(store)
    data = render_pdf(fiveyear.build_period_report(store, five, dt.date(2026, 12, 31)))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first = pdf.pages[0]
        text = first.extract_text()
        tables = first.extract_tables()
        page_height = first.height
        heading = [w for w in first.extract_words() if w["text"] == "II."]
    assert "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in text                # the heading stays on page 1 …
    assert tables and any(row and row[0] == "1" for row in tables[0])     # … with the table's first rows under it
    assert heading and heading[0]["top"] < page_height / 2


def test_period_report_date_is_day_first_and_a_bad_one_is_named(tmp_path, capsys):
    db = tmp_path / "kh.sqlite3"
    store = Store.open(db)
    try:
        five = _five_year_plan(store)
    finally:
        store.close()
    out_pdf = tmp_path / "giai-doan.pdf"
    assert main(["--db", str(db), "period-report", "--plan", five[:8], "--out", str(out_pdf), "--date",
                 "20/12/2026"]) == 0
    with pdfplumber.open(io.BytesIO(out_pdf.read_bytes())) as pdf:
        assert "đến ngày 20/12/2026" in pdf.pages[0].extract_text()
    capsys.readouterr()
    assert main(["--db", str(db), "period-report", "--plan", five[:8], "--out", str(out_pdf), "--date",
                 "31/06/2026"]) == 2
    err = capsys.readouterr().err
    assert "31/06/2026" in err and "không hợp lệ" in err and "isoformat" not in err


def _pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [" ".join((page.extract_text() or "").split()) for page in pdf.pages]


def test_no_tasks_line_stays_under_its_heading_and_the_report_closes_before_the_signer(store):
    """Whatever the length of the targets table, «Kế hoạch giai đoạn chưa có nhiệm vụ.» is printed on the page of
    its heading (III. …), and the report ends with the closing sentence «Trên đây là báo cáo …./.» that the
    signer block keeps with it (ND30 practice, like the periodic report)."""
    from cchc_desktop.reports.header_settings import save_header

    five = store.create_plan("xã Thiên Tân", 2026, 2030, doc_number="12/KH-UBND", doc_date="2026-01-05")
    save_header(store, five, signer_name="Tô Văn Quyền", sign_mode="TM_KT", signer_title="PHÓ CHỦ TỊCH")
    closing = ("Trên đây là báo cáo kết quả thực hiện Kế hoạch cải cách hành chính giai đoạn 2026–2030 của Ủy ban "
               "nhân dân xã Thiên Tân./.")
    for k in range(14):
        if k:
            add_target(store, five, TITLES[k % len(TITLES)], 90, ">=", "%")
        pages = _pages(render_pdf(fiveyear.build_period_report(store, five, dt.date(2026, 12, 31))))
        heading = next(n for n, t in enumerate(pages) if "III. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ" in t)
        empty = next(n for n, t in enumerate(pages) if "Kế hoạch giai đoạn chưa có nhiệm vụ." in t)
        assert empty == heading, (k, pages)
        ends = [n for n, t in enumerate(pages) if closing in t]
        signer = next(n for n, t in enumerate(pages) if "Tô Văn Quyền" in t)
        assert ends == [signer], (k, pages)
        assert pages[signer].index(closing) < pages[signer].index("Nơi nhận")
