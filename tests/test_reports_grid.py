"""grid.PagedGrid / layout.grid_table: the same lines and pages as reportlab's Table + Paragraph, laid out once."""
from __future__ import annotations

import io
import unicodedata

import pdfplumber
import pytest
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from cchc_desktop import fonts
from cchc_desktop.reports.grid import TextCell
from cchc_desktop.reports.layout import build_pdf, cell_text, doc_styles, grid_table, markup

TEXTS = [
    "Trung tâm Phục vụ hành chính công",
    "Trung tâm PV hành chính công",  # fits only with reportlab's space shrinkage at some widths
    "Nhiệm vụ 12: tiếp tục đẩy mạnh cải cách thủ tục hành chính, số hóa hồ sơ và nâng cao chất lượng phục vụ "
    "người dân, doanh nghiệp trên địa bàn xã.",
    "Quyết định số 15/QĐ-UBND ngày 03/02/2026\nBáo cáo số 7/BC-UBND ngày 10/03/2026",
    "Hai  dấu cách   giữ nguyên",
    "Từ_rất_dài_không_có_dấu_cách_nào_để_xuống_dòng_được_cả_trong_ô_hẹp",
    "  có dấu cách ở đầu và cuối  ",
    "Dòng một\n\nDòng ba sau dòng trống",
    "A & B < C > D \"E\" 'F'",
    "x",
]


def _style(align: int, size: float = 11) -> ParagraphStyle:
    fonts.register_fonts()
    return ParagraphStyle(f"T{align}{size}", fontName=fonts.REGULAR, fontSize=size, leading=round(size * 1.15, 2),
                          alignment=align)


@pytest.mark.parametrize("align", [TA_LEFT, TA_CENTER])
@pytest.mark.parametrize("width", [40, 53.5, 61, 90, 140, 230])
def test_text_cell_breaks_lines_like_a_paragraph(align, width):
    style = _style(align)
    for text in TEXTS:
        para = Paragraph(markup(text), style)
        _w, height = para.wrap(width, 10_000)
        cell = TextCell(cell_text(text), style)
        assert cell.height(width) == pytest.approx(height), (text, width)
        if para.blPara.kind == 0 and cell._para is None:
            expected = [(" ".join(words), extra) for extra, words in para.blPara.lines]
            got = [(line, extra) for line, extra, _spaces in cell._lines]
            assert [g[0] for g in got] == [e[0] for e in expected], (text, width)
            assert [g[1] for g in got] == pytest.approx([e[1] for e in expected]), (text, width)


def _chars(pdf_bytes: bytes) -> list[list[tuple]]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return [sorted((round(c["top"], 2), round(c["x0"], 2), unicodedata.normalize("NFC", c["text"]),
                        c["fontname"].split("+")[-1]) for c in page.chars) for page in pdf.pages]


def test_grid_table_prints_what_a_reportlab_table_of_paragraphs_prints():
    """Same characters at the same places as Table + Paragraph with the same style commands."""
    st = doc_styles(None, 11)
    widths = [12 * mm, 60 * mm, 45 * mm, 30 * mm]
    header = ["TT", "Nội dung", "Sản phẩm", "Thời hạn"]
    rows = [
        ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
        ["1", TEXTS[2], TEXTS[0], "Quý I/2026"],
        ["", "", TEXTS[1], ""],  # second product of the task above (spanned group)
        ["2", TEXTS[3], "", "Thường xuyên"],
        ["", "Tổng cộng", "12", "100%"],
    ]
    align = ["CENTER", "LEFT", "LEFT", "CENTER"]
    ours = grid_table(header, rows, widths, section_row_indexes=[0], groups=[(1, 2)], align=align,
                      number_row=True, font_size=11, bold_rows=[4])
    out_ours = io.BytesIO()
    build_pdf(out_ours, [ours])

    bold = {a: ParagraphStyle(f"B{a}", parent=st.cell_center if a == "CENTER" else st.cell, fontName=fonts.BOLD)
            for a in ("LEFT", "CENTER")}

    def p(text, style):
        return [Paragraph(markup(text), style)] if text else ""

    data = [[p(h, st.cell_header) for h in header], [p(str(i + 1), st.cell_number) for i in range(4)],
            [p(rows[0][0], st.cell_section), "", "", ""]]
    for r, row in enumerate(rows[1:], start=1):
        styles = [bold[a] if r == 4 else (st.cell_center if a == "CENTER" else st.cell) for a in align]
        data.append([p(v, s) for v, s in zip(row, styles)])
    ref = Table(data, colWidths=widths, repeatRows=2, hAlign="CENTER")
    ref.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 11), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.black), ("LINEAFTER", (0, 0), (-2, -1), 0.5, colors.black),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black),
        ("SPAN", (0, 2), (-1, 2)), ("SPAN", (0, 3), (0, 4)), ("SPAN", (1, 3), (1, 4)),
    ]))
    out_ref = io.BytesIO()
    build_pdf(out_ref, [ref])
    assert _chars(out_ours.getvalue()) == _chars(out_ref.getvalue())
    assert ours.wrap(500, 800)[1] == pytest.approx(ref.wrap(500, 800)[1])


def test_grid_table_splits_only_between_allowed_rows():
    """A section title stays with its first row; a spanned group is never split; headers repeat."""
    st = doc_styles()
    rows = []
    for k in range(40):
        rows.append([f"{k}. MỤC"] if k % 5 == 0 else [str(k), f"Nội dung {k} " * 6, "x"])
    sections = [k for k in range(40) if k % 5 == 0]
    table = grid_table(["TT", "Nội dung", "Ghi chú"], rows, [20 * mm, 100 * mm, 40 * mm],
                       section_row_indexes=sections, groups=[(2, 4)], number_row=True)
    parts = []
    rest = table
    for _ in range(50):
        pieces = rest.split(500, 300)
        if pieces == [rest]:
            parts.append(rest)
            break
        assert len(pieces) == 2
        parts.append(pieces[0])
        rest = pieces[1]
        assert pieces[0].height <= 300 + 1e-6
    assert len(parts) > 2
    for part in parts:
        assert part.repeatRows == 2
        last = part.body[-1]
        assert not last.full_span  # never a section title alone at the bottom of a page
    assert sum(len(p.body) for p in parts) == len(rows)
    assert st.cell.fontSize == 12


def _grid_pdf(rows) -> bytes:
    from reportlab import rl_config

    widths = [12 * mm, 70 * mm, 45 * mm, 35 * mm]
    table = grid_table(["TT", "Nội dung", "Cơ quan", "Thời hạn"], rows, widths, align=["CENTER", "LEFT", "LEFT",
                                                                                      "LEFT"], number_row=True)
    out = io.BytesIO()
    invariant = rl_config.invariant
    rl_config.invariant = 1   # no dates or random ids: two builds of the same pages give the same bytes
    try:
        build_pdf(out, [table])
    finally:
        rl_config.invariant = invariant
    return out.getvalue()


def _many_characters_rows() -> list[list[str]]:
    """More distinct characters than one font subset holds (256), characters the font lacks, no-break spaces, and
    the same texts on many rows (lines the grid encodes once and then reuses)."""
    vietnamese = "".join(sorted({c for c in unicodedata.normalize(
        "NFC", "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")}))
    extra = "".join(chr(c) for c in range(0x391, 0x3A9)) + "".join(chr(c) for c in range(0x410, 0x44F))
    text = vietnamese + vietnamese.upper() + extra + "0123456789"
    chunks = [text[i:i + 9] for i in range(0, len(text), 9)]
    rows = []
    for k in range(60):
        rows.append([str(k + 1), " ".join(chunks[k % len(chunks):] + chunks[:k % len(chunks)]),
                     "Văn phòng HĐND-UBND" if k % 2 else "Phòng\xa0Kinh tế  và  Hạ tầng",
                     "Quý I/2026 ✓ 漢字" if k % 5 == 0 else "Thường xuyên"])
    return rows


def test_grid_text_encoded_like_reportlab(monkeypatch):
    """The grid writes a line's font-subset codes itself once every character has one; the PDF is byte for byte
    what reportlab's own text output (TextObject._textOut) writes, subsets, missing glyphs and reused lines too."""
    from cchc_desktop.reports import grid

    rows = _many_characters_rows()
    distinct = set("".join("".join(r) for r in rows))
    assert len(distinct) > 256   # several subsets of the regular font
    ours = _grid_pdf(rows)
    calls = []
    real = grid._SubsetEncoder.shown

    def counted(self, text):
        found = real(self, text)
        calls.append(found is not None)
        return found

    monkeypatch.setattr(grid._SubsetEncoder, "shown", counted)
    assert _grid_pdf(rows) == ours
    assert sum(calls) > len(calls) // 2   # most lines took the encoder's way
    monkeypatch.setattr(grid._SubsetEncoder, "shown", lambda self, text: None)   # reportlab writes every line
    assert _grid_pdf(rows) == ours


def test_equal_cells_share_their_lines_without_changing_the_pages(monkeypatch):
    from cchc_desktop.reports import grid

    rows = _many_characters_rows()
    ours = _grid_pdf(rows)
    breaks = []
    real = grid.TextCell._break

    def counted(self, width):
        breaks.append((self.text, self.style.name, width))
        return real(self, width)

    monkeypatch.setattr(grid.TextCell, "_break", counted)
    _grid_pdf(rows)
    shared = len(breaks)
    breaks.clear()
    init = grid.TextCell.__init__
    monkeypatch.setattr(grid.TextCell, "__init__", lambda self, text, style, memo=None: init(self, text, style))
    assert _grid_pdf(rows) == ours   # every cell broken on its own: the same pages
    cells = len(breaks)
    assert shared == len(set(breaks)) < cells   # one break per distinct text, style and width, not per cell
