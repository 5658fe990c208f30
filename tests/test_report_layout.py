"""ND30 document frame and the plan appendix PDF (reportlab), checked with pypdf/pdfplumber only (no Qt)."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from cchc_desktop import fonts
from cchc_desktop.domain import Agency, Plan, Product, Section, Task
from cchc_desktop.reports.appendix_pdf import (COLUMN_SHARES, appendix_caption, appendix_title,
                                               render_plan_appendix)
from cchc_desktop.reports.layout import (MOTTO, NATIONAL_TITLE, DocumentHeader, SignerBlock, build_pdf,
                                         doc_styles, frame_size, grid_table, para)
from cchc_desktop.reports.vnformat import (date_words, decimal, document_number, integer, percent, place_name,
                                           unit_with_kind, vn_long_date)
from cchc_desktop.dates import format_date

BASE14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
          "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
          "Times-BoldItalic", "Symbol", "ZapfDingbats"}

SECTION_TITLES = ["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "CẢI CÁCH THỂ CHẾ", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
                  "CẢI CÁCH TỔ CHỨC BỘ MÁY", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "CẢI CÁCH TÀI CHÍNH CÔNG",
                  "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"]
NUMERALS = ["I", "II", "III", "IV", "V", "VI", "VII"]
LEADS = ["Phòng Văn hóa - Xã hội", "Văn phòng HĐND-UBND", "Trung tâm Phục vụ hành chính công", "Phòng Kinh tế"]


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def make_plan(n_tasks: int = 60) -> Plan:
    plan = Plan(id="p1", unit_name="xã Xuân Trường", doc_number="03/KH-UBND", doc_date="2026-01-10")
    sections = [Section(id=f"s{i}", plan_id="p1", position=i, numeral=NUMERALS[i], title=t)
                for i, t in enumerate(SECTION_TITLES)]
    plan.sections = sections
    lead_agencies = [Agency(id=f"a{i}", name=n) for i, n in enumerate(LEADS)]
    coord = Agency(id="c", name="Các cơ quan, đơn vị có liên quan")
    for k in range(n_tasks):
        section = sections[k % len(sections)]
        task = Task(id=f"t{k}", section_id=section.id, position=len(section.tasks),
                    content=f"Nhiệm vụ số {k}: tiếp tục đẩy mạnh cải cách thủ tục hành chính, số hóa hồ sơ "
                            f"và nâng cao chất lượng phục vụ người dân, doanh nghiệp trên địa bàn xã ({k}).")
        n_products = 3 if k % 5 == 0 else 1
        for j in range(n_products):
            task.products.append(Product(
                id=f"t{k}p{j}", task_id=task.id, position=j,
                description=f"Sản phẩm {k}.{j}: báo cáo kết quả thực hiện, quyết định công bố danh mục thủ tục",
                deadline_text="Quý I, II/2026" if j % 2 == 0 else "Thường xuyên",
                leads=[lead_agencies[(k + j) % len(lead_agencies)]], coordinators=[coord]))
        section.tasks.append(task)
    return plan


@pytest.fixture(scope="module")
def appendix_pdf(tmp_path_factory) -> tuple[Plan, Path]:
    plan = make_plan(60)
    path = tmp_path_factory.mktemp("pdf") / "phu-luc.pdf"
    render_plan_appendix(plan, path)
    return plan, path


HEADER = DocumentHeader(issuer_name="ỦY BAN NHÂN DÂN\nXÃ XUÂN TRƯỜNG", number_symbol="05/BC-UBND",
                        place="Xuân Trường", date=dt.date(2026, 1, 5), doc_type="BÁO CÁO",
                        subject="Kết quả thực hiện công tác cải cách hành chính quý IV năm 2025",
                        parent_body="")
SIGNER = SignerBlock(authority=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                     signer_name="Nguyễn Văn An", recipients=["Sở Nội vụ (để b/c)", "TT Đảng ủy, HĐND xã"],
                     archive="Lưu: VT, VHXH.")


@pytest.fixture(scope="module")
def portrait_pdf(tmp_path_factory) -> Path:
    st = doc_styles()
    body = [para("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", st.heading1)]
    body += [para("Ủy ban nhân dân xã Xuân Trường báo cáo kết quả thực hiện công tác cải cách hành chính "
                  "quý IV năm 2025 như sau.", st.body) for _ in range(5)]
    path = tmp_path_factory.mktemp("pdf") / "bao-cao.pdf"
    build_pdf(path, body, header=HEADER, signer=SIGNER)
    return path


def column_text(pdf_path: Path, landscape_page: bool, col: int, shares=COLUMN_SHARES) -> list[str]:
    """Words of one table column over all pages, in reading order."""
    width, _ = frame_size(landscape_page)
    x0 = 30 * mm + width * sum(shares[:col])
    x1 = x0 + width * shares[col]
    out: list[str] = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            out += words(page.crop((x0 + 0.5, 0, x1 - 0.5, page.height)).extract_text() or "")
    return out


def contains_run(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


# ------------------------------------------------------------------------------------------------- fonts


def _font_dicts(path: Path):
    reader = PdfReader(path)
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        font_dict = resources.get_object().get("/Font")
        if font_dict is None:
            continue
        for ref in font_dict.get_object().values():
            yield ref.get_object()


@pytest.mark.parametrize("which", ["appendix", "portrait"])
def test_fonts_are_embedded_subsets(which, appendix_pdf, portrait_pdf):
    path = appendix_pdf[1] if which == "appendix" else portrait_pdf
    seen = 0
    for font in _font_dicts(path):
        seen += 1
        base = str(font.get("/BaseFont")).lstrip("/")
        assert base.split("+")[-1] not in BASE14, f"non-embedded base-14 font {base}"
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{base} is not embedded"
        assert "+" in base, f"{base} is not a subset"
    assert seen >= 2


def test_bundled_fonts_cover_vietnamese_and_times_lookup(tmp_path):
    bundled = fonts.bundled_font_set()
    for path in bundled.paths():
        assert path.is_file()
        assert fonts.covers_vietnamese(path)
    assert (bundled.regular.parent / "LICENSE-LiberationSerif.txt").is_file()
    assert fonts.find_times_new_roman([tmp_path]) is None
    # A folder with the four Windows file names is picked up (names matched case-insensitively).
    for src, name in zip(bundled.paths(), ("times.ttf", "TIMESBD.TTF", "timesi.ttf", "timesbi.ttf")):
        shutil.copy(src, tmp_path / name)
    found = fonts.find_times_new_roman([tmp_path])
    assert found is not None and found.source == fonts.SOURCE_SYSTEM_TIMES
    assert found.bold.name == "TIMESBD.TTF"


# ------------------------------------------------------------------------------------------- appendix


def test_appendix_is_landscape_multi_page_with_repeated_header(appendix_pdf):
    _plan, path = appendix_pdf
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) > 1
        for page in pdf.pages:
            assert page.width > page.height
            text = " ".join(words(page.extract_text()))
            for label in ("TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì"):
                assert label in text, f"header {label!r} missing on page {page.page_number}"
    # "Thời gian thực hiện" wraps inside its cell: read the column on its own.
    last_col = column_text(path, True, 5)
    n_pages = len(PdfReader(path).pages)
    hits = sum(1 for i in range(len(last_col)) if last_col[i:i + 4] == words("Thời gian thực hiện"))
    assert hits == n_pages


def test_appendix_heading_and_page_numbers(appendix_pdf):
    plan, path = appendix_pdf
    assert appendix_title(plan) == ("NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH "
                                    "NĂM 2026")
    assert appendix_caption(plan) == ("(Kèm theo Kế hoạch số 03/KH-UBND ngày 10 tháng 01 năm 2026 "
                                      "của Ủy ban nhân dân xã Xuân Trường)")
    with pdfplumber.open(path) as pdf:
        first = " ".join(words(pdf.pages[0].extract_text()))
        assert first.startswith("Phụ lục " + appendix_title(plan))
        assert appendix_caption(plan) in first
        top = 20 * mm
        assert (pdf.pages[0].crop((0, 0, pdf.pages[0].width, top)).extract_text() or "").strip() == ""
        for page in pdf.pages[1:]:
            number = (page.crop((0, 0, page.width, top)).extract_text() or "").strip()
            assert number == str(page.page_number)
            chars = page.crop((0, 0, page.width, top)).chars
            centre = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
            assert abs(centre - page.width / 2) < 1


def test_appendix_cell_text_matches_source(appendix_pdf):
    plan, path = appendix_pdf
    content = column_text(path, True, 1)
    products = column_text(path, True, 2)
    leads = column_text(path, True, 3)
    tasks = [t for _s, t in plan.iter_tasks()]
    for task in tasks[::7]:
        assert contains_run(content, words(task.content)), task.content
        for product in task.products:
            assert contains_run(products, words(product.description)), product.description
    assert contains_run(leads, words("Trung tâm Phục vụ hành chính công"))
    full = " ".join(content)
    # grouped tasks (3 products) print their content once
    grouped = [t for t in tasks if len(t.products) == 3]
    assert grouped
    for task in grouped:
        assert full.count(" ".join(words(task.content))) == 1
    # section rows
    with pdfplumber.open(path) as pdf:
        text = " ".join(w for page in pdf.pages for w in words(page.extract_text()))
    for numeral, title in zip(NUMERALS, SECTION_TITLES):
        assert f"{numeral}. {title}" in text
    assert "1 2 3 4 5 6" in text


def test_tall_group_split_across_pages_repeats_task_text(tmp_path):
    plan = Plan(id="p", unit_name="Xuân Trường", doc_number="", doc_date="")
    section = Section(id="s", plan_id="p", position=0, numeral="I", title="CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    plan.sections = [section]
    task = Task(id="t", section_id="s", position=0, content="Nhiệm vụ rất dài có nhiều sản phẩm cần theo dõi")
    long_text = "Báo cáo kết quả thực hiện nhiệm vụ được phân cấp, ủy quyền trên địa bàn xã " * 4
    task.products = [Product(id=f"p{i}", task_id="t", position=i, description=f"{i + 1}. {long_text}",
                             deadline_text="Thường xuyên") for i in range(14)]
    section.tasks = [task]
    path = tmp_path / "tall.pdf"
    render_plan_appendix(plan, path)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 2
        texts = [" ".join(words(p.extract_text())) for p in pdf.pages]
    assert all("Nhiệm vụ rất dài có nhiều sản phẩm" in t for t in texts)
    assert all("(tiếp theo)" in t for t in texts[1:])
    assert "(tiếp theo)" not in texts[0]
    # unset number and date leave blanks to fill by hand
    assert "Kèm theo Kế hoạch số /KH-UBND ngày tháng năm 2026 của Ủy ban nhân dân xã Xuân Trường" in texts[0]


def test_cell_longer_than_a_page_is_split_inside_the_row(tmp_path):
    plan = Plan(id="p", unit_name="Xuân Trường")
    section = Section(id="s", plan_id="p", position=0, numeral="I", title="CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    plan.sections = [section]
    giant = Task(id="t", section_id="s", position=0, content=" ".join(f"Việc{i}" for i in range(900)))
    giant.products = [Product(id="a", task_id="t", position=0, description="Sản phẩm", deadline_text="")]
    after = Task(id="u", section_id="s", position=1, content="Nhiệm vụ sau")
    after.products = [Product(id="b", task_id="u", position=0, description="Báo cáo", deadline_text="")]
    section.tasks = [giant, after]
    path = tmp_path / "giant.pdf"
    render_plan_appendix(plan, path)
    content = column_text(path, True, 1)
    # every word once and in order (the repeated column header interrupts the run on each page)
    assert [w for w in content if w.startswith("Việc")] == words(giant.content)
    assert contains_run(content, words("Nhiệm vụ sau"))
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) > 3
        for page in pdf.pages:
            assert "Nội dung/Nhiệm vụ" in " ".join(words(page.extract_text()))


def test_grid_table_repeats_header_and_spans_sections():
    rows = [["I. MỤC A"]] + [[str(i), f"Nội dung {i}", "x"] for i in range(80)]
    table = grid_table(["TT", "Nội dung", "Ghi chú"], rows, [20 * mm, 100 * mm, 40 * mm],
                       section_row_indexes=[0], number_row=True)
    assert table.repeatRows == 2
    buffer = io.BytesIO()
    build_pdf(buffer, [table])
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        assert len(pdf.pages) > 1
        for page in pdf.pages:
            assert page.width < page.height
            assert "Nội dung Ghi chú" in " ".join(words(page.extract_text()))


# ------------------------------------------------------------------------------------------- portrait


def test_portrait_document_header_and_footer(portrait_pdf):
    with pdfplumber.open(portrait_pdf) as pdf:
        page = pdf.pages[0]
        assert page.width < page.height
        text = " ".join(words(page.extract_text()))
        last = " ".join(words(pdf.pages[-1].extract_text()))
        for expected in (NATIONAL_TITLE, MOTTO, "ỦY BAN NHÂN DÂN", "XÃ XUÂN TRƯỜNG", "Số: 05/BC-UBND",
                         "Xuân Trường, ngày 05 tháng 01 năm 2026", "BÁO CÁO",
                         "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2025"):
            assert expected in text, expected
        for expected in ("Nơi nhận:", "- Sở Nội vụ (để b/c);", "- Lưu: VT, VHXH.", "TM. ỦY BAN NHÂN DÂN",
                         "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"):
            assert expected in last, expected

        chars = page.chars
        line_of = {}
        for word in page.extract_words(extra_attrs=["fontname", "size"]):
            line_of.setdefault(unicodedata.normalize("NFC", word["text"]), word)
        so, date_word = line_of["Số:"], line_of["ngày"]
        assert abs(so["bottom"] - date_word["bottom"]) < 0.6, "Số and the date line are not on one baseline"
        assert "Italic" in date_word["fontname"] and "Italic" not in so["fontname"]
        assert so["x0"] < page.width / 2 < date_word["x0"]
        national = [w for w in page.extract_words(extra_attrs=["fontname", "size"]) if w["text"] == "CỘNG"][0]
        assert "Bold" in national["fontname"] and 12 <= national["size"] <= 13.01
        noi_nhan = [w for w in pdf.pages[-1].extract_words(extra_attrs=["fontname", "size"])
                    if w["text"].startswith("Nơi")][0]
        assert "BoldItalic" in noi_nhan["fontname"].replace("-", "") and noi_nhan["size"] == pytest.approx(12)

        # the rule under the motto is as long as the motto line
        motto_chars = [c for c in chars if c["top"] > national["bottom"] and c["top"] < national["bottom"] + 14
                       and c["x0"] > page.width / 2 - 20 * mm]
        motto_w = max(c["x1"] for c in motto_chars) - min(c["x0"] for c in motto_chars)
        rules = [ln for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 1 and ln["top"] < 60 * mm]
        assert any(abs((ln["x1"] - ln["x0"]) - motto_w) < 1.5 for ln in rules), (motto_w, rules)
        # the rule under the issuing body is 1/3–1/2 of its widest line ("ỦY BAN NHÂN DÂN")
        left_words = [w for w in page.extract_words() if w["x1"] < page.width / 2 and w["top"] < so["top"] - 5]
        lines: dict[int, list] = {}
        for w in left_words:
            lines.setdefault(round(w["top"]), []).append(w)
        issuer_w = max(max(w["x1"] for w in ws) - min(w["x0"] for w in ws) for ws in lines.values())
        assert any(issuer_w / 3 - 1 <= ln["x1"] - ln["x0"] <= issuer_w / 2 + 1 and ln["x1"] < page.width / 2
                   for ln in rules)


def test_unset_date_and_official_letter(tmp_path):
    header = DocumentHeader(issuer_name="ỦY BAN NHÂN DÂN\nXÃ XUÂN TRƯỜNG", number_symbol=document_number(
        None, "UBND-VHXH"), place="Xuân Trường", date=None, year=2026, is_official_letter=True,
        letter_subject="báo cáo kết quả tự đánh giá chỉ số CCHC", recipients_to=["Sở Nội vụ", "Ban Chỉ đạo"])
    path = tmp_path / "cong-van.pdf"
    build_pdf(path, [para("Nội dung công văn.", doc_styles().body)], header=header,
              signer=SignerBlock(signer_name="Trần Thị Bình", recipients=["Như trên"]))
    with pdfplumber.open(path) as pdf:
        text = " ".join(words(pdf.pages[0].extract_text()))
    assert "Xuân Trường, ngày tháng năm 2026" in text
    assert "Số: /UBND-VHXH" in text
    assert "V/v báo cáo kết quả tự đánh giá chỉ số CCHC" in text
    assert "Kính gửi: - Sở Nội vụ; - Ban Chỉ đạo." in text
    assert "BÁO CÁO" not in text


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")

    class Boom(Flowable):
        def wrap(self, aw, ah):
            raise RuntimeError("layout failed")

    with pytest.raises(RuntimeError):
        build_pdf(target, [Boom()])
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]
    build_pdf(target, [para("Xin chào", doc_styles().body)])
    assert target.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_reports_do_not_import_qt():
    code = ("import sys, cchc_desktop.reports.appendix_pdf, cchc_desktop.fonts; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent).returncode == 0


# ------------------------------------------------------------------------------------------- vnformat


def test_vnformat():
    assert percent(0.652) == "65,2%"
    assert percent(1) == "100,0%" and percent(1, trim=True) == "100%"
    assert percent(None) == ""
    assert integer(1234567) == "1.234.567" and integer(-1000) == "-1.000" and integer(999) == "999"
    assert decimal(12345.678, 2) == "12.345,68"
    assert format_date(dt.date(2026, 1, 5)) == "05/01/2026" and format_date("2026-12-31") == "31/12/2026"
    assert vn_long_date("Xuân Trường", dt.date(2026, 1, 5)) == "Xuân Trường, ngày 05 tháng 01 năm 2026"
    assert vn_long_date("Xuân Trường", dt.date(2026, 3, 15)) == "Xuân Trường, ngày 15 tháng 3 năm 2026"
    assert vn_long_date("Xuân Trường", dt.date(2026, 2, 9)) == "Xuân Trường, ngày 09 tháng 02 năm 2026"
    assert " ".join(date_words(None, 2026).split()) == "ngày tháng năm 2026"
    assert document_number(5, "BC-UBND") == "05/BC-UBND" and document_number("12", "KH-UBND") == "12/KH-UBND"
    assert document_number(None, "BC-UBND").strip() == "/BC-UBND"
    assert document_number("15/BC-UBND", "BC-UBND") == "15/BC-UBND"       # typed with its symbol: not doubled
    assert document_number(" 7/bc-ubnd ", "BC-UBND") == "7/bc-ubnd"
    assert document_number("15/BC", "BC-UBND") == "15/BC/BC-UBND"
    assert unit_with_kind("Xuân Trường", "xã") == "xã Xuân Trường"
    assert unit_with_kind("phường Hạ Long", "xã") == "phường Hạ Long"
    assert place_name("xã Xuân Trường") == "Xuân Trường"


def test_recipient_lines_archive_once():
    from cchc_desktop.reports.layout import recipient_lines

    assert recipient_lines(["Sở Nội vụ;", "- UBND tỉnh"], "Lưu: VT.") == [
        "- Sở Nội vụ;", "- UBND tỉnh;", "- Lưu: VT."]
    # the user wrote «Lưu: VT» in Nơi nhận (as on every paper document): not printed twice
    assert recipient_lines(["- UBND tỉnh Ninh Bình;", "- Sở Nội vụ;", "- Lưu: VT, VHXH."], "Lưu: VT.") == [
        "- UBND tỉnh Ninh Bình;", "- Sở Nội vụ;", "- Lưu: VT, VHXH."]
    assert recipient_lines([], "Lưu: VT.") == ["- Lưu: VT."]
    assert recipient_lines(["Lưu trữ lịch sử tỉnh"], "Lưu: VT.") == ["- Lưu trữ lịch sử tỉnh;", "- Lưu: VT."]
    assert recipient_lines(["Lưu VT"], "Lưu: VT.") == ["- Lưu VT."]
    assert recipient_lines([], "") == []


def test_row_split_inside_repeats_stt_and_task_text(tmp_path):
    """A product longer than a page: below the break the row shows its STT and the task text "(tiếp theo)"."""
    plan = Plan(id="p", unit_name="An Tường", unit_kind="phường")
    section = Section(id="s", plan_id="p", position=0, numeral="I", title="CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    plan.sections = [section]
    task = Task(id="t", section_id="s", position=0, content="Nhiệm vụ ngắn số ba mươi bảy", source_stt="37")
    task.products = [Product(id="a", task_id="t", position=0, deadline_text="Năm 2026",
                             description=" ".join(f"Mục{i}" for i in range(900)))]
    section.tasks = [task]
    path = tmp_path / "split.pdf"
    render_plan_appendix(plan, path)
    with pdfplumber.open(path) as pdf:
        rows = [[[" ".join(words(c or "")) for c in row] for table in p.extract_tables() for row in table]
                for p in pdf.pages]
    assert len(rows) > 2
    first = [r for r in rows[0] if r and r[0] == "37"]
    assert first and first[0][1] == "Nhiệm vụ ngắn số ba mươi bảy"
    for page in rows[1:]:
        data = [r for r in page if r and r[0] not in ("TT", "1")]
        # the STT cell repeats the plan's own number and the task cell its text "(tiếp theo)"
        assert data[0][0] == "37" and data[0][1] == "Nhiệm vụ ngắn số ba mươi bảy (tiếp theo)"
