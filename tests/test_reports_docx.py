"""Word export (.docx): every report kind opened with python-docx and checked for the ND30 structure, and (slow)
converted to PDF with LibreOffice headless and checked like the app's own PDF."""
from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from cchc_desktop.reports import catalog
from cchc_desktop.reports.appendix_pdf import plan_appendix_report
from cchc_desktop.reports.docx_render import STYLE_NAMES, render_docx
from cchc_desktop.reports.templates import AGENCY_TASKS, PERIODIC, REMINDER
from cchc_desktop.safe_write import SafeWriteError
from cchc_desktop.store import Store
from reports_support import PERIOD, REF, nfc, seed_demo, squash

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TNR = "Times New Roman"
ISSUE = dt.date(2026, 4, 21)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    store = Store.open(folder / "demo.sqlite3", actor="tester")
    plan_id = seed_demo(store)
    yield store, plan_id, folder
    store.close()


def _request(store, plan_id, kind: str, agency: str = "") -> catalog.ReportRequest:
    return catalog.ReportRequest(kind, plan_id, PERIOD if kind != AGENCY_TASKS else "2026", REF, agency=agency,
                                 number="05", issue_date=ISSUE)


KINDS = [("appendix", ""), (PERIODIC, ""), (REMINDER, "Phòng Văn hóa - Xã hội"),
         (AGENCY_TASKS, "Phòng Văn hóa - Xã hội"), (AGENCY_TASKS, "")]


@pytest.fixture(scope="module")
def outputs(demo):
    """kind key -> (report data, .docx path) through catalog.export_docx (what the dialog calls)."""
    store, plan_id, folder = demo
    out = {}
    for kind, agency in KINDS:
        key = f"{kind}:{agency}"
        request = _request(store, plan_id, kind, agency)
        report = plan_appendix_report(store.load_plan(plan_id)) if kind == "appendix" else \
            catalog.build_report(store, request)
        path = catalog.export_docx(store, request, folder / f"{kind}-{len(agency)}.docx")
        out[key] = (report, path)
    return out


def _all_runs(doc):
    """Every w:r of the body, headers and footers."""
    parts = [doc.element.body]
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.footer):
            if not part.is_linked_to_previous:
                parts.append(part._element)
    for part in parts:
        yield from part.iter(f"{W}r")


def _paragraph_text(p) -> str:
    out = []
    for node in p.iter(f"{W}t", f"{W}br", f"{W}tab"):
        out.append(node.text or "" if node.tag == f"{W}t" else ("\n" if node.tag == f"{W}br" else "\t"))
    return "".join(out)


def _cell_text(tc) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.findall(f"{W}p"))


# ------------------------------------------------------------------------------------------- structure


@pytest.mark.parametrize("key", [f"{k}:{a}" for k, a in KINDS])
def test_sections_orientation_margins_and_page_numbers(outputs, key):
    report, path = outputs[key]
    doc = Document(path)
    sections = doc.sections
    expected = (0 if report.landscape_first else 1) + len(report.appendices)
    assert len(sections) == max(expected, 1)
    for i, section in enumerate(sections):
        landscape = i > 0 or report.landscape_first
        width, height = (297, 210) if landscape else (210, 297)
        assert abs(section.page_width.mm - width) < 0.2 and abs(section.page_height.mm - height) < 0.2
        assert section.orientation == (WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT)
        assert [round(m.mm, 1) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                         section.right_margin)] == [20, 20, 30, 15]
        # no number on the first page of the document and of each appendix (numbered on its own)
        assert section.different_first_page_header_footer
        if i > 0:
            assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    first = sections[0]
    instructions = [t.text.strip() for t in first.header._element.iter(f"{W}instrText")]
    assert instructions == ["PAGE"]
    header_p = first.header.paragraphs[0]
    assert header_p.alignment == 1 or header_p.style.paragraph_format.alignment == 1  # centred
    assert not list(first.first_page_header._element.iter(f"{W}instrText"))
    assert not list(first.footer._element.iter(f"{W}t"))
    # figures are plain text: the page number is the only field in the whole package
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert "w:fldSimple" not in xml, name
                assert re.findall(r"<w:instrText[^>]*>([^<]*)<", xml) in ([], [" PAGE "]), name


@pytest.mark.parametrize("key", [f"{k}:{a}" for k, a in KINDS])
def test_every_run_is_times_new_roman_in_all_slots(outputs, key):
    _report, path = outputs[key]
    doc = Document(path)
    runs = list(_all_runs(doc))
    assert len(runs) > 20
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None, etree.tostring(run)[:200]
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(f"{W}{slot}") == TNR, (slot, etree.tostring(run)[:200])
        assert not [a for a in fonts.attrib if a.lower().endswith("theme")]
    defaults = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    fonts = defaults.find(f"{W}rFonts")
    assert {fonts.get(f"{W}{s}") for s in ("ascii", "hAnsi", "eastAsia", "cs")} == {TNR}
    assert defaults.find(f"{W}lang").get(f"{W}val") == "vi-VN"
    for name in STYLE_NAMES.values():
        style = doc.styles[name]
        assert style.font.name == TNR
        assert style.element.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == TNR


# Property children in the order the WordprocessingML schema requires (Word shows a repair prompt otherwise).
SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
           "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
           "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
           "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
           "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
           "vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
             "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc "
            "hidden",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
            "hideMark",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
              "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
              "printerSettings",
    "pBdr": "top left bottom right between bar",
    "tblBorders": "top left start bottom right end insideH insideV",
    "tblCellMar": "top left start bottom right end",
    "tcMar": "top left start bottom right end",
}


@pytest.mark.parametrize("key", [f"{k}:{a}" for k, a in KINDS])
def test_xml_is_in_schema_order_and_tables_are_well_formed(outputs, key):
    _report, path = outputs[key]
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|styles|header\d*|footer\d*)\.xml", n)]
        for name in parts:
            root = etree.fromstring(z.read(name))
            for parent, order in SCHEMA_ORDER.items():
                sequence = order.split()
                for element in root.iter(f"{W}{parent}"):
                    children = [c.tag.rpartition("}")[2] for c in element]
                    assert all(c in sequence for c in children), (name, parent, children)
                    positions = [sequence.index(c) for c in children]
                    assert positions == sorted(positions), (name, parent, children)
            for tbl in root.iter(f"{W}tbl"):
                grid = [int(c.get(f"{W}w")) for c in tbl.find(f"{W}tblGrid")]
                for tr in tbl.findall(f"{W}tr"):
                    spans = [int(tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val"))
                             if tc.find(f"{W}tcPr/{W}gridSpan") is not None else 1 for tc in tr.findall(f"{W}tc")]
                    assert sum(spans) == len(grid)
                    for tc in tr.findall(f"{W}tc"):
                        assert tc.findall(f"{W}p"), "a cell without a paragraph is refused by Word"


def _tables(doc):
    return doc.element.body.findall(f"{W}tbl")


def _grid_table(doc, first_header: str):
    for tbl in _tables(doc):
        first = tbl.find(f"{W}tr/{W}tc")
        if first is not None and _cell_text(first) == first_header and len(tbl.find(f"{W}tblGrid")) > 4:
            yield tbl


def test_plan_appendix_table_structure_matches_the_plan(demo, outputs):
    store, plan_id, _folder = demo
    plan = store.load_plan(plan_id)
    doc = Document(outputs["appendix:"][1])
    tables = list(_grid_table(doc, "TT"))
    assert len(tables) == 1
    tbl = tables[0]
    rows = tbl.findall(f"{W}tr")
    widths = [int(c.get(f"{W}w")) for c in tbl.find(f"{W}tblGrid")]
    # fits the landscape text width: 297 - 30 - 15 mm
    assert abs(sum(widths) / 20 - Mm(252).pt) < 2
    assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    header = [r for r in rows if r.find(f"{W}trPr/{W}tblHeader") is not None]
    assert header == rows[:2]  # column titles + the 1…6 row, repeated on every page
    assert [_cell_text(tc) for tc in rows[1].findall(f"{W}tc")] == ["1", "2", "3", "4", "5", "6"]
    assert not [r for r in rows if r.find(f"{W}trPr/{W}cantSplit") is not None]  # rows may break
    body = rows[2:]
    spanned = [r for r in body if len(r.findall(f"{W}tc")) == 1]
    labels = [_cell_text(r.find(f"{W}tc")) for r in spanned]
    assert labels == [nfc(f"{s.numeral}. {s.title.upper()}" if s.numeral else s.title.upper())
                      for s in plan.sections]
    for row in spanned:
        assert row.find(f"{W}tc/{W}tcPr/{W}gridSpan").get(f"{W}val") == "6"
        p = row.find(f"{W}tc/{W}p")
        runs = list(row.iter(f"{W}r"))
        assert runs and all(r.find(f"{W}rPr/{W}b") is not None for r in runs)
        assert p.find(f"{W}pPr/{W}keepNext") is not None
    # a task with several products: STT and content merged vertically over its product rows
    multi = [t for _s, t in ((s, t) for s in plan.sections for t in s.tasks) if len(t.products) > 1]
    assert multi
    restarts = [r for r in body if len(r.findall(f"{W}tc")) == 6
                and r.find(f"{W}tc/{W}tcPr/{W}vMerge") is not None
                and r.find(f"{W}tc/{W}tcPr/{W}vMerge").get(f"{W}val") == "restart"]
    assert [_cell_text(r.findall(f"{W}tc")[1]) for r in restarts] == [nfc(t.content) for t in multi]
    continued = [r for r in body if len(r.findall(f"{W}tc")) == 6
                 and r.find(f"{W}tc/{W}tcPr/{W}vMerge") is not None
                 and r.find(f"{W}tc/{W}tcPr/{W}vMerge").get(f"{W}val") is None]
    assert len(continued) == sum(len(t.products) - 1 for t in multi)
    for row in continued:
        cells = row.findall(f"{W}tc")
        assert cells[1].find(f"{W}tcPr/{W}vMerge") is not None and _cell_text(cells[0]) == _cell_text(cells[1]) == ""
    # every product row, in plan order, with the plan's texts
    product_rows = [r for r in body if len(r.findall(f"{W}tc")) == 6]
    expected = [[nfc(p.description), nfc(p.lead_names), nfc(p.coordinator_names), nfc(p.deadline_text)]
                for s in plan.sections for t in s.tasks for p in t.products]
    assert [[_cell_text(tc) for tc in r.findall(f"{W}tc")[2:]] for r in product_rows] == expected


def _body_lines(body: str) -> list[str]:
    """The report's narrative as a reader sees it (markup prefixes and ** removed), table lines left out."""
    out = []
    for line in body.splitlines():
        line = line.strip()
        if not line or "\ue000" in line:
            continue
        line = re.sub(r"^(###|##|#|>) ", "", line)
        out.append(nfc(line.replace("**", "")))
    return out


def test_periodic_report_texts_header_tables_and_signer(demo, outputs):
    report, path = outputs[f"{PERIODIC}:"]
    doc = Document(path)
    body_paragraphs = [nfc(p.text) for p in doc.paragraphs if p.text.strip()]
    lines = _body_lines(report.body)
    assert len(lines) > 10 and all(line in body_paragraphs for line in lines)
    # in the same order as the report body
    positions = [body_paragraphs.index(line) for line in lines]
    assert positions == sorted(positions)
    # headings carry the Vietnamese styles a user restyles with
    styled = {nfc(p.text): p.style.name for p in doc.paragraphs}
    for line in report.body.splitlines():
        if line.startswith("# "):
            assert styled[nfc(line[2:].strip().replace("**", ""))] == "Tiêu đề mục"
        elif line.startswith("## "):
            assert styled[nfc(line[3:].strip().replace("**", ""))] == "Tiêu đề mục 2"
    assert sum(1 for p in doc.paragraphs if p.style.name == "Nội dung") >= 5
    # bold runs of "**…**" stay bold
    bold_parts = re.findall(r"\*\*(.+?)\*\*", report.body)
    runs = {nfc(r.text): r.bold for p in doc.paragraphs for r in p.runs}
    for part in bold_parts:
        assert runs.get(nfc(part)) is True, part
    # header block: borderless two-column table, texts of the report header
    header = _tables(doc)[0]
    assert len(header.find(f"{W}tblGrid")) == 2
    assert all(e.get(f"{W}val") == "nil" for e in header.find(f"{W}tblPr/{W}tblBorders"))
    cells = [_cell_text(tc) for tc in header.iter(f"{W}tc")]
    assert cells[0].startswith("ỦY BAN NHÂN DÂN\nXÃ XUÂN TRƯỜNG")
    assert cells[1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert cells[2] == "Số: 05/BC-UBND"
    assert cells[3] == "Xuân Trường, ngày 21 tháng 4 năm 2026"
    # the short rules under the issuer and the motto are paragraph bottom borders
    assert len(list(header.iter(f"{W}pBdr"))) == 2
    assert "BÁO CÁO" in body_paragraphs and nfc(report.header.subject) in body_paragraphs
    # every computed table of the body, cell by cell as the report data holds it (figures as plain text)
    grids = [t for t in _tables(doc) if t.find(f"{W}tblPr/{W}tblBorders/{W}top").get(f"{W}val") == "single"]
    used = sorted((t for key, t in report.tables.items() if f"\ue000{key}\ue000" in report.body and t.rows),
                  key=lambda t: report.body.index(f"\ue000{t.key}\ue000"))      # in the order the body prints them
    assert len(grids) == len(used) + 1  # + the appendix
    for grid, table in zip(grids, used):
        rows = grid.findall(f"{W}tr")
        assert [_cell_text(tc) for tc in rows[0].findall(f"{W}tc")] == table.headers
        got = [[_cell_text(tc) for tc in tr.findall(f"{W}tc")] for tr in rows[1:]]
        assert got == [[nfc(str(v)) for v in row] for row in table.rows]
        for r in table.bold_rows:
            assert all(run.find(f"{W}rPr/{W}b") is not None for run in rows[1 + r].iter(f"{W}r"))
    # signer block: Nơi nhận (bold italic 12 pt) + list (11 pt) | authority + name, one row kept together
    signer = next(t for t in _tables(doc) if "Nơi nhận:" in _cell_text(t.find(f"{W}tr/{W}tc")))
    row = signer.find(f"{W}tr")
    assert row.find(f"{W}trPr/{W}cantSplit") is not None
    assert all(e.get(f"{W}val") == "nil" for e in signer.find(f"{W}tblPr/{W}tblBorders"))
    left, right = row.findall(f"{W}tc")
    heading_style = doc.styles["Nơi nhận"]
    assert heading_style.font.bold and heading_style.font.italic and heading_style.font.size.pt == 12
    assert doc.styles["Danh sách nơi nhận"].font.size.pt == 11
    left_lines = _cell_text(left).split("\n")
    assert left_lines[0] == "Nơi nhận:" and left_lines[-1] == "- Lưu: VT."
    assert left_lines[1:] == ["- Sở Nội vụ (để báo cáo);", "- Thường trực Đảng ủy, HĐND xã;",
                              "- Chủ tịch, các Phó Chủ tịch UBND xã;", "- Lưu: VT."]
    assert _cell_text(right).split("\n") == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]
    # the closing paragraph goes with the signer block
    previous = signer.getprevious()
    while previous is not None and previous.tag == f"{W}p" and not _paragraph_text(previous).strip():
        previous = previous.getprevious()
    assert previous.find(f"{W}pPr/{W}keepNext") is not None
    # the appendix: its own landscape section, caption with the report number
    assert "(Kèm theo Báo cáo số 05/BC-UBND ngày 21 tháng 4 năm 2026 của Ủy ban nhân dân xã Xuân Trường)" \
        in body_paragraphs
    appendix = list(_grid_table(doc, "TT"))[-1]
    assert [_cell_text(tc) for tc in appendix.find(f"{W}tr").findall(f"{W}tc")][:3] == \
        ["TT", "Nhiệm vụ", "Hoạt động/Sản phẩm"]


def test_reminder_letter_kinh_gui_and_vv(outputs):
    report, path = outputs[f"{REMINDER}:Phòng Văn hóa - Xã hội"]
    doc = Document(path)
    header = _tables(doc)[0]
    cells = [_cell_text(tc) for tc in header.iter(f"{W}tc")]
    assert cells[2].split("\n")[0] == "Số: 05/UBND-VP"
    assert cells[2].split("\n")[1].startswith("V/v ")
    kinh_gui = _tables(doc)[1]
    assert [_cell_text(tc) for tc in kinh_gui.iter(f"{W}tc")] == ["Kính gửi:", "Phòng Văn hóa - Xã hội."]
    assert kinh_gui.find(f"{W}tblPr/{W}jc").get(f"{W}val") == "center"
    assert not [p for p in doc.paragraphs if p.style.name == "Tên loại văn bản"]
    texts = [nfc(p.text) for p in doc.paragraphs]
    for line in _body_lines(report.body):
        assert line in texts


def test_agency_lists_each_appendix_on_its_own_section(outputs):
    report, path = outputs[f"{AGENCY_TASKS}:"]
    doc = Document(path)
    assert len(doc.sections) == len(report.appendices) > 1
    titles = [nfc(p.text) for p in doc.paragraphs if p.style.name == "Tên phụ lục"]
    assert titles == [nfc(a.title.upper()) for a in report.appendices]
    assert [nfc(p.text) for p in doc.paragraphs if p.style.name == "Phụ lục"] == [a.label for a in report.appendices]


def test_empty_table_prints_its_text_and_document_ends_with_a_paragraph(demo, tmp_path):
    store, plan_id, _folder = demo
    request = _request(store, plan_id, REMINDER, "Bưu điện xã")
    report = catalog.build_report(store, request)
    path = render_docx(report, tmp_path / "cv.docx")
    doc = Document(path)
    empty = [t.empty_text for t in report.tables.values() if not t.rows and f"\ue000{t.key}\ue000" in report.body]
    for text in empty:
        assert text in [p.text for p in doc.paragraphs]
    blocks = [e for e in doc.element.body if e.tag in (f"{W}p", f"{W}tbl")]
    assert blocks[-1].tag == f"{W}p"


def test_write_is_atomic(demo, tmp_path, monkeypatch):
    store, plan_id, _folder = demo
    target = tmp_path / "bao-cao.docx"
    target.write_bytes(b"old")
    report = catalog.build_report(store, _request(store, plan_id, PERIODIC))

    real_replace = os.replace

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(SafeWriteError) as err:
        render_docx(report, target)
    assert "đã đầy" in str(err.value) and "bao-cao.docx" in str(err.value)
    monkeypatch.setattr(os, "replace", real_replace)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.docx"]


# ------------------------------------------------------------------------------------------ LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _to_pdf(docx: Path, out: Path) -> bytes:
    profile = out / "lo-profile"
    result = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                             "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                            capture_output=True, text=True, timeout=240)
    pdf = out / (docx.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    return pdf.read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_same_pages(outputs, tmp_path):
    import pdfplumber

    for key in (f"{PERIODIC}:", "appendix:", f"{REMINDER}:Phòng Văn hóa - Xã hội"):
        report, path = outputs[key]
        data = _to_pdf(path, tmp_path)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = pdf.pages
            sizes = [(round(p.width), round(p.height)) for p in pages]
            assert set(sizes) <= {(595, 842), (842, 595)}, sizes
            assert sizes[0] == ((842, 595) if report.landscape_first else (595, 842))
            texts = []
            for n, page in enumerate(pages):
                words = page.extract_words()
                # margins: text stays inside 30 mm left / 15 mm right, body below the 20 mm top margin
                body_words = [w for w in words if w["top"] > Mm(20).pt - 2]
                assert min(w["x0"] for w in words) >= Mm(30).pt - 2, (key, n)
                assert max(w["x1"] for w in words) <= page.width - Mm(15).pt + 2, (key, n)
                assert max(w["bottom"] for w in words) <= page.height - Mm(20).pt + 2, (key, n)
                top = [w for w in words if w["bottom"] < Mm(20).pt]
                lines = (page.extract_text() or "").splitlines()
                texts.append(squash(" ".join(lines[1:] if top else lines)))
                assert body_words
                if top:  # page numbers: centred in the top margin, never on a section's first page
                    assert len(top) == 1 and top[0]["text"].isdigit() and int(top[0]["text"]) >= 2
                    middle = (top[0]["x0"] + top[0]["x1"]) / 2
                    assert abs(middle - (Mm(30).pt + (page.width - Mm(45).pt) / 2)) < 6
            numbers = [int(next((w["text"] for w in p.extract_words() if w["bottom"] < Mm(20).pt), "1"))
                       for p in pages]
        assert numbers[0] == 1 and numbers[1] == 2
        whole = " ".join(texts)
        if report.header is not None:
            for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                             "XÃ XUÂN TRƯỜNG", report.header.number_symbol, report.header.date_line):
                assert squash(expected) in texts[0], (key, expected)
            for line in _body_lines(report.body):
                assert squash(line) in whole, (key, line)
            assert "Nơi nhận:" in whole and "Nguyễn Văn An" in whole
        for appendix in report.appendices:
            assert squash(appendix.title.upper()) in whole and squash(appendix.caption) in whole
        if key == f"{PERIODIC}:":
            # the appendix restarts its numbering: page 1 of the appendix carries no number
            first_appendix = next(i for i, t in enumerate(texts) if t.startswith("Phụ lục"))
            assert numbers[first_appendix] == 1 and numbers[first_appendix + 1] == 2


def test_parent_body_and_several_kinh_gui_recipients(store, tmp_path):
    from cchc_desktop.reports.header_settings import save_header

    plan_id = seed_demo(store)
    save_header(store, plan_id, parent_body="UBND tỉnh Ninh Bình",
                report_to="Ủy ban nhân dân tỉnh Ninh Bình\nSở Nội vụ tỉnh Ninh Bình;")
    path = catalog.export_docx(store, _request(store, plan_id, PERIODIC), tmp_path / "bc.docx")
    doc = Document(path)
    header, kinh_gui = _tables(doc)[:2]
    assert _cell_text(header.find(f"{W}tr/{W}tc")).split("\n")[:3] == ["UBND TỈNH NINH BÌNH", "ỦY BAN NHÂN DÂN",
                                                                       "XÃ XUÂN TRƯỜNG"]
    assert [_cell_text(tc) for tc in kinh_gui.iter(f"{W}tc")] == [
        "Kính gửi:", "- Ủy ban nhân dân tỉnh Ninh Bình;\n- Sở Nội vụ tỉnh Ninh Bình."]
