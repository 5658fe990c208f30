"""Low-level WordprocessingML pieces python-docx has no API for (fonts in every script slot, paragraph borders,
table borders and cell margins, repeated header rows, vertical merges, the PAGE field, page-number restarts).

Word refuses (repair prompt) property elements out of the schema order, so every child is inserted through
:func:`put`, which keeps the ECMA-376 sequence of its parent.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

FONT_NAME = "Times New Roman"
LANGUAGE = "vi-VN"

# ECMA-376 child sequences of the property elements written here (transitional schema, wml.xsd)
P_PR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
        "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
        "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
        "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
R_PR = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
        "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
        "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
        "lang", "eastAsianLayout", "specVanish", "oMath")
TBL_PR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
          "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
          "tblDescription", "tblPrChange")
TR_PR = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight", "tblHeader",
         "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange")
TC_PR = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
         "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange")
SECT_PR = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
           "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
           "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def twips(points: float) -> int:
    return int(round(points * 20))


def put(parent, tag: str, order: tuple[str, ...], **attrs):
    """The child ``w:<tag>`` of ``parent`` (created in schema order when missing), with ``attrs`` set
    (names without the w: prefix)."""
    child = parent.find(qn(f"w:{tag}"))
    if child is None:
        child = OxmlElement(f"w:{tag}")
        later = set(order[order.index(tag) + 1:])
        for index, sibling in enumerate(parent):
            if sibling.tag.rpartition("}")[2] in later:
                parent.insert(index, child)
                break
        else:
            parent.append(child)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), str(value))
    return child


def set_fonts(r_pr, name: str = FONT_NAME) -> None:
    """The font in all four slots (ascii, hAnsi, eastAsia, cs), theme fonts removed so nothing overrides it."""
    fonts = put(r_pr, "rFonts", R_PR)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), name)


def set_size(r_pr, points: float) -> None:
    half = str(int(round(points * 2)))
    put(r_pr, "sz", R_PR, val=half)
    put(r_pr, "szCs", R_PR, val=half)


def set_language(r_pr, lang: str = LANGUAGE) -> None:
    put(r_pr, "lang", R_PR, val=lang, eastAsia=lang, bidi="ar-SA")


def run_properties(run):
    return run._r.get_or_add_rPr()


def paragraph_border(p_pr, side: str = "bottom", points: float = 0.6, space: int = 1) -> None:
    """A solid paragraph border (drawn between the paragraph's indents)."""
    borders = put(p_pr, "pBdr", P_PR)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(max(2, int(round(points * 8)))))
    edge.set(qn("w:space"), str(space))
    edge.set(qn("w:color"), "000000")
    borders.append(edge)


def table_borders(tbl_pr, points: float | None) -> None:
    """Single black borders of ``points`` on every edge and inside, or none at all."""
    borders = put(tbl_pr, "tblBorders", TBL_PR)
    for child in list(borders):
        borders.remove(child)
    for side in BORDER_SIDES:
        edge = OxmlElement(f"w:{side}")
        if points is None:
            edge.set(qn("w:val"), "nil")
        else:
            edge.set(qn("w:val"), "single")
            edge.set(qn("w:sz"), str(max(2, int(round(points * 8)))))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)


def _margins(parent, tag: str, order: tuple[str, ...], **sides: float) -> None:
    mar = put(parent, tag, order)
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            old = mar.find(qn(f"w:{side}"))
            if old is not None:
                mar.remove(old)
    for side in ("top", "left", "bottom", "right"):  # CT_TcMar / CT_TblCellMar order
        if side in sides:
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:w"), str(twips(sides[side])))
            edge.set(qn("w:type"), "dxa")
            mar.append(edge)


def table_cell_margins(tbl_pr, **sides: float) -> None:
    _margins(tbl_pr, "tblCellMar", TBL_PR, **sides)


def cell_margins(tc_pr, **sides: float) -> None:
    _margins(tc_pr, "tcMar", TC_PR, **sides)


def table_geometry(table, widths_pt: list[float], *, align: str = "left") -> None:
    """Fixed layout, total width, no indent, the grid and every cell's width (Word and LibreOffice both read
    the grid; Word also the cell widths)."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    put(tbl_pr, "tblW", TBL_PR, w=sum(twips(w) for w in widths_pt), type="dxa")
    put(tbl_pr, "jc", TBL_PR, val=align)
    put(tbl_pr, "tblInd", TBL_PR, w=0, type="dxa")
    put(tbl_pr, "tblLayout", TBL_PR, type="fixed")
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_pt):
        col.set(qn("w:w"), str(twips(width)))


def cell_width(tc, points: float) -> None:
    put(tc.get_or_add_tcPr(), "tcW", TC_PR, w=twips(points), type="dxa")


def repeat_header(tr) -> None:
    put(tr.get_or_add_trPr(), "tblHeader", TR_PR)


def cant_split(tr) -> None:
    put(tr.get_or_add_trPr(), "cantSplit", TR_PR)


def grid_span(tc, span: int) -> None:
    put(tc.get_or_add_tcPr(), "gridSpan", TC_PR, val=span)


def v_merge(tc, restart: bool) -> None:
    merge = put(tc.get_or_add_tcPr(), "vMerge", TC_PR)
    if restart:
        merge.set(qn("w:val"), "restart")


def v_align(tc, value: str) -> None:
    put(tc.get_or_add_tcPr(), "vAlign", TC_PR, val=value)


def page_field(paragraph) -> None:
    """A PAGE field (complex field: begin, instruction, separate, result, end)."""
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    runs = [run_with(begin), run_with(instr), run_with(separate)]
    runs.append(paragraph.add_run("2"))
    runs.append(run_with(end))
    return runs


def page_numbering(sect_pr, start: int | None) -> None:
    """Restart page numbers at ``start`` in this section (None: continue from the previous one)."""
    existing = sect_pr.find(qn("w:pgNumType"))
    if existing is not None:
        sect_pr.remove(existing)
    if start is not None:
        put(sect_pr, "pgNumType", SECT_PR, start=start)


def title_page(sect_pr, on: bool) -> None:
    existing = sect_pr.find(qn("w:titlePg"))
    if existing is not None:
        sect_pr.remove(existing)
    if on:
        put(sect_pr, "titlePg", SECT_PR)
