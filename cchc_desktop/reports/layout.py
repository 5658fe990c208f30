"""The Nghị định 30/2020/NĐ-CP document frame, shared by every printed report (reportlab platypus).

One document may mix A4 portrait pages (the text) and A4 landscape pages (wide tables, appendices): the
document template has a "portrait" and a "landscape" page template, switched with :func:`landscape_section` /
:func:`portrait_section` (``NextPageTemplate`` + ``PageBreak``).

Building blocks:

* :class:`DocumentHeader` -> :func:`document_header`: the two-column header (issuing body | quốc hiệu),
  "Số:" and the date line on one baseline, then tên loại + trích yếu (or "V/v" for a công văn) and "Kính gửi:".
* :class:`SignerBlock` -> :func:`signature_block`: "Nơi nhận:" on the left, the signer on the right, kept
  together on one page.
* :func:`appendix_heading` and :func:`grid_table` for landscape appendices.
* :func:`build_pdf` assembles header + content + signer block and writes the file atomically.

Page numbers: Arabic, centred in the top margin, none on the first page of the document or of a section
started with ``restart_numbering=True`` (each appendix is numbered on its own).

Grouped rows in :func:`grid_table` (a task with several products): the task's STT and content are written once.
Small groups (estimated height up to ``max_group_height``) are real vertical spans, never split across pages,
so such a group always moves to the next page as a whole. Larger groups are not spanned (a span taller than the
page cannot be laid out): the cells are drawn as one visually merged cell by leaving out the horizontal rules
inside the group, and when a page break falls inside the group, the first row on the new page repeats the STT
and the task text followed by "(tiếp theo)", so every page reads on its own. The table itself is
:class:`grid.PagedGrid` (measured once, split into pages by itself, drawn directly: see grid.py).
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, KeepTogether, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)

try:  # reportlab loads its C helpers by name at run time: a plain import lets PyInstaller bundle them too
    import _rl_accel  # noqa: F401
except ImportError:  # pragma: no cover - pure-Python helpers, same output, slower
    pass

from .. import APP_NAME, APP_VERSION
from .. import fonts
from ..safe_write import atomic_path
from ..text import nfc
from .grid import EMPTY, FlowCell, GridRow, PagedGrid, TextCell
from .nd30 import (KINH_GUI, MOTTO, NATIONAL_TITLE, RECIPIENTS_HEADING, appendix_rule_length, authority_lines,
                   header_columns, issuer_lines, issuer_rule_length, kinh_gui_columns, kinh_gui_lines,
                   letter_subject_line, motto_rule_length, number_line, recipient_lines, subject_rule_length)
from .markup import cell_text, markup
from .vnformat import upper, vn_long_date

__all__ = [
    "LayoutSettings", "DocumentHeader", "SignerBlock", "DocStyles", "HRule", "GridTable",
    "doc_styles", "para", "document_header", "signature_block", "appendix_heading", "grid_table",
    "landscape_section", "portrait_section", "RestartPageNumbers", "frame_size", "build_pdf",
    "NATIONAL_TITLE", "MOTTO", "PORTRAIT", "LANDSCAPE",
]

CONTINUED = "(tiếp theo)"

PORTRAIT = "portrait"
LANDSCAPE = "landscape"


# --------------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class LayoutSettings:
    """Sizes in pt unless the name says mm. Defaults sit inside the ranges of NĐ 30/2020 Phụ lục I."""

    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    body_size: float = 14
    line_spacing: float = 1.2  # leading = size × line_spacing ("single" for Times New Roman ≈ 1.15)
    first_line_indent_mm: float = 10
    paragraph_space_after: float = 6
    page_number_size: float = 13
    org_size: float = 13  # cơ quan chủ quản, tên cơ quan ban hành
    national_title_size: float = 13  # CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    motto_size: float = 14  # Độc lập - Tự do - Hạnh phúc
    number_size: float = 13  # Số:
    date_size: float = 14
    doc_type_size: float = 14  # BÁO CÁO, KẾ HOẠCH
    subject_size: float = 14  # trích yếu
    letter_subject_size: float = 12  # V/v … (công văn)
    recipients_to_size: float = 14  # Kính gửi
    recipients_heading_size: float = 12  # Nơi nhận:
    recipients_size: float = 11
    signer_size: float = 14
    signature_space_mm: float = 25
    table_size: float = 12
    appendix_label_size: float = 14
    appendix_title_size: float = 14
    rule_thickness: float = 0.6
    rule_gap: float = 6     # space between a line of text and the rule under it: clear of the descenders (g, p, q, y)
    issuer_rule_ratio: float = 0.4  # rule under the issuing body: share of its widest line (1/3–1/2)
    subject_rule_ratio: float = 0.4  # rule under trích yếu / appendix heading
    table_rule_thickness: float = 0.5

    @property
    def margins(self) -> tuple[float, float, float, float]:
        """(top, right, bottom, left) in points."""
        return (self.margin_top_mm * mm, self.margin_right_mm * mm, self.margin_bottom_mm * mm,
                self.margin_left_mm * mm)


DEFAULT_SETTINGS = LayoutSettings()


def frame_size(landscape_page: bool = False, settings: LayoutSettings | None = None) -> tuple[float, float]:
    """(width, height) in points of the text area of a portrait or landscape A4 page."""
    s = settings or DEFAULT_SETTINGS
    top, right, bottom, left = s.margins
    page_w, page_h = landscape(A4) if landscape_page else A4
    return page_w - left - right, page_h - top - bottom


# ----------------------------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class DocStyles:
    body: ParagraphStyle
    body_no_indent: ParagraphStyle
    legal_basis: ParagraphStyle  # căn cứ: italic, one per line
    heading1: ParagraphStyle  # "I. TITLE"
    heading2: ParagraphStyle  # "1. Title"
    heading3: ParagraphStyle  # "a) Title"
    center: ParagraphStyle
    center_bold: ParagraphStyle
    center_italic: ParagraphStyle
    appendix_label: ParagraphStyle
    appendix_title: ParagraphStyle
    appendix_caption: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_header: ParagraphStyle
    cell_number: ParagraphStyle  # the 1, 2, 3 … column-number row
    cell_section: ParagraphStyle


def _style(name: str, size: float, *, font: str = fonts.REGULAR, align: int = TA_LEFT, spacing: float = 1.2,
           **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=round(size * spacing, 2), alignment=align,
                          textColor=colors.black, **kw)


@lru_cache(maxsize=16)
def doc_styles(settings: LayoutSettings | None = None, table_size: float | None = None) -> DocStyles:
    fonts.register_fonts()
    s = settings or DEFAULT_SETTINGS
    ls = s.line_spacing
    b = s.body_size
    t = table_size or s.table_size
    after = s.paragraph_space_after
    indent = s.first_line_indent_mm * mm
    return DocStyles(
        body=_style("Body", b, align=TA_JUSTIFY, spacing=ls, firstLineIndent=indent, spaceAfter=after),
        body_no_indent=_style("BodyNoIndent", b, align=TA_JUSTIFY, spacing=ls, spaceAfter=after),
        legal_basis=_style("LegalBasis", b, font=fonts.ITALIC, align=TA_JUSTIFY, spacing=ls,
                           firstLineIndent=indent, spaceAfter=after / 2),
        heading1=_style("Heading1", b, font=fonts.BOLD, align=TA_JUSTIFY, spacing=ls, firstLineIndent=indent,
                        spaceBefore=after, spaceAfter=after, keepWithNext=1),
        heading2=_style("Heading2", b, font=fonts.BOLD, align=TA_JUSTIFY, spacing=ls, firstLineIndent=indent,
                        spaceAfter=after, keepWithNext=1),
        heading3=_style("Heading3", b, font=fonts.BOLD_ITALIC, align=TA_JUSTIFY, spacing=ls,
                        firstLineIndent=indent, spaceAfter=after, keepWithNext=1),
        center=_style("Center", b, align=TA_CENTER, spacing=ls),
        center_bold=_style("CenterBold", b, font=fonts.BOLD, align=TA_CENTER, spacing=ls),
        center_italic=_style("CenterItalic", b, font=fonts.ITALIC, align=TA_CENTER, spacing=ls),
        appendix_label=_style("AppendixLabel", s.appendix_label_size, font=fonts.BOLD, align=TA_CENTER,
                              keepWithNext=1),
        appendix_title=_style("AppendixTitle", s.appendix_title_size, font=fonts.BOLD, align=TA_CENTER,
                              keepWithNext=1),
        appendix_caption=_style("AppendixCaption", s.appendix_title_size, font=fonts.ITALIC, align=TA_CENTER,
                                keepWithNext=1),
        cell=_style("Cell", t, align=TA_LEFT, spacing=1.15),
        cell_center=_style("CellCenter", t, align=TA_CENTER, spacing=1.15),
        cell_bold=_style("CellBold", t, font=fonts.BOLD, align=TA_LEFT, spacing=1.15),
        cell_header=_style("CellHeader", t, font=fonts.BOLD, align=TA_CENTER, spacing=1.15),
        cell_number=_style("CellNumber", t, font=fonts.ITALIC, align=TA_CENTER, spacing=1.15),
        cell_section=_style("CellSection", t, font=fonts.BOLD, align=TA_LEFT, spacing=1.15),
    )


_ALIGN = {"LEFT": TA_LEFT, "CENTER": TA_CENTER, "CENTRE": TA_CENTER, "RIGHT": TA_RIGHT, "JUSTIFY": TA_JUSTIFY}


def para(text: object, style: ParagraphStyle, *, is_markup: bool = False) -> Paragraph:
    """A Paragraph from plain text (escaped) or, with ``is_markup``, from reportlab markup (<b>, <i>, …)."""
    return Paragraph(nfc(str(text)) if is_markup else markup(text), style)


# -------------------------------------------------------------------------------------------- flowables


class HRule(Flowable):
    """A solid horizontal rule of fixed length, centred (or left/right aligned) in the available width."""

    def __init__(self, length: float, thickness: float = 0.6, *, space_before: float = 0, space_after: float = 0,
                 align: str = "CENTER"):
        super().__init__()
        self.length = length
        self.thickness = thickness
        self.space_before_ = space_before
        self.space_after_ = space_after
        self.align = align.upper()
        self._avail = length

    def wrap(self, availWidth, availHeight):
        self._avail = availWidth
        return availWidth, self.space_before_ + self.thickness + self.space_after_

    def draw(self):
        length = min(self.length, self._avail)
        if self.align == "LEFT":
            x0 = 0
        elif self.align == "RIGHT":
            x0 = self._avail - length
        else:
            x0 = (self._avail - length) / 2
        y = self.space_after_ + self.thickness / 2
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(self.thickness)
        canv.line(x0, y, x0 + length, y)
        canv.restoreState()


class _WidthAware(Flowable):
    """Builds its content at layout time from the frame width (portrait and landscape differ)."""

    def __init__(self, factory: Callable[[float], Flowable]):
        super().__init__()
        self._factory = factory
        self._content: Flowable | None = None
        self._built_for: float | None = None

    def _get(self, width: float) -> Flowable:
        if self._content is None or self._built_for != width:
            self._content = self._factory(width)
            self._built_for = width
        return self._content

    def wrap(self, availWidth, availHeight):
        content = self._get(availWidth)
        self.width, self.height = content.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        return self._get(availWidth).split(availWidth, availHeight)

    def getSpaceBefore(self):
        return self._content.getSpaceBefore() if self._content is not None else 0

    def getSpaceAfter(self):
        return self._content.getSpaceAfter() if self._content is not None else 0

    def draw(self):
        self._content.drawOn(self.canv, 0, 0)


class RestartPageNumbers(Flowable):
    """Zero-size marker: the page it lands on becomes page 1 (unnumbered) of a new numbering run."""

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        doc = getattr(self.canv, "_doctemplate", None)
        if doc is not None:
            doc.number_base = doc.page


def _section(template: str, restart_numbering: bool) -> list[Flowable]:
    out: list[Flowable] = [NextPageTemplate(template), PageBreak()]
    if restart_numbering:
        out.append(RestartPageNumbers())
    return out


def landscape_section(*, restart_numbering: bool = False) -> list[Flowable]:
    """Continue on a new landscape page (e.g. an appendix that is numbered on its own)."""
    return _section(LANDSCAPE, restart_numbering)


def portrait_section(*, restart_numbering: bool = False) -> list[Flowable]:
    """Continue on a new portrait page."""
    return _section(PORTRAIT, restart_numbering)


# --------------------------------------------------------------------------------------------- header


@dataclass
class DocumentHeader:
    """What the two-column ND30 header and the title block show.

    ``number_symbol`` is printed after "Số: " as given ("05/BC-UBND"); spaces are kept, so "     /BC-UBND"
    leaves room for a hand-written number (see :func:`vnformat.document_number`). ``date`` None prints
    "ngày … tháng … năm <year>" with blanks; ``year`` defaults to the current year.
    """

    issuer_name: str  # "ỦY BAN NHÂN DÂN\nXÃ XUÂN TRƯỜNG"
    number_symbol: str = ""
    place: str = ""  # địa danh: "Xuân Trường"
    date: _dt.date | None = None
    doc_type: str = ""  # "BÁO CÁO", "KẾ HOẠCH"
    subject: str = ""  # trích yếu
    parent_body: str = ""  # cơ quan chủ quản (optional)
    recipients_to: list[str] = field(default_factory=list)  # Kính gửi
    is_official_letter: bool = False  # công văn: "V/v …" under "Số:", no tên loại
    letter_subject: str = ""  # "V/v báo cáo kết quả …" (the "V/v " prefix is added when missing)
    year: int | None = None

    @property
    def date_line(self) -> str:
        year = self.year or (self.date.year if self.date else _dt.date.today().year)
        return vn_long_date(self.place, self.date, year)


@dataclass
class SignerBlock:
    """Footer: "Nơi nhận:" list (left) and the signer (right)."""

    authority: list[str] = field(default_factory=lambda: ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)  # "Như trên", "UBND tỉnh (để b/c)" …
    archive: str = "Lưu: VT."  # last line of Nơi nhận, e.g. "Lưu: VT, VHXH."


def _header_table(h: DocumentHeader, width: float, s: LayoutSettings) -> Table:
    left_w, gap_w, right_w = header_columns(width, s)
    org = _style("HdrOrg", s.org_size, align=TA_CENTER, spacing=1.15)
    org_bold = _style("HdrIssuer", s.org_size, font=fonts.BOLD, align=TA_CENTER, spacing=1.15)
    national = _style("HdrNational", s.national_title_size, font=fonts.BOLD, align=TA_CENTER, spacing=1.15)
    motto = _style("HdrMotto", s.motto_size, font=fonts.BOLD, align=TA_CENTER, spacing=1.15)
    number = _style("HdrNumber", s.number_size, align=TA_CENTER, spacing=1.15)
    date = _style("HdrDate", s.date_size, font=fonts.ITALIC, align=TA_CENTER, spacing=1.15)
    vv = _style("HdrVv", s.letter_subject_size, align=TA_CENTER, spacing=1.15)

    parent, issuer = issuer_lines(h)
    left_top: list[Flowable] = []
    if parent:
        left_top.append(para(parent, org))
    left_top.append(para(issuer, org_bold))
    left_top.append(HRule(issuer_rule_length(issuer, left_w, s), s.rule_thickness, space_before=s.rule_gap))

    right_top: list[Flowable] = [
        para(NATIONAL_TITLE, national),
        para(MOTTO, motto),
        HRule(motto_rule_length(s), s.rule_thickness, space_before=s.rule_gap),
    ]

    left_bottom: list[Flowable] = [para(number_line(h), number)]
    if letter_subject_line(h):
        left_bottom += [Spacer(1, 6), para(letter_subject_line(h), vv)]
    right_bottom = [para(h.date_line, date)]

    data = [[left_top, "", right_top], [left_bottom, "", right_bottom]]
    table = Table(data, colWidths=[left_w, gap_w, right_w], hAlign="LEFT")
    # "Số:" and the date share one baseline: a Paragraph's first baseline sits one font size below its top.
    shift = s.date_size - s.number_size
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR),  # empty cells would otherwise pull in Helvetica
        ("LEFTPADDING", (0, 0), (-1, -1), 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 6),
        ("TOPPADDING", (0, 1), (0, 1), 6 + max(shift, 0)),
        ("TOPPADDING", (2, 1), (2, 1), 6 + max(-shift, 0)),
    ]))
    return table


def _kinh_gui(recipients: Sequence[str], width: float, s: LayoutSettings) -> Table:
    size = s.recipients_to_size
    style = _style("KinhGui", size, spacing=1.2)
    lines = kinh_gui_lines(recipients)
    label_w, col2 = kinh_gui_columns(lines, width, s)
    table = Table([[para(KINH_GUI, style), [para(line, style) for line in lines]]], colWidths=[label_w, col2],
                  hAlign="CENTER")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR),  # empty cells would otherwise pull in Helvetica
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def document_header(header: DocumentHeader, settings: LayoutSettings | None = None) -> list[Flowable]:
    """Header table, then tên loại + trích yếu (or "Kính gửi:" for a công văn), sized to the current frame."""
    s = settings or DEFAULT_SETTINGS
    doc_styles(s)  # registers the fonts

    def build(width: float) -> Flowable:
        parts: list[Flowable] = [_header_table(header, width, s)]
        if not header.is_official_letter and (header.doc_type.strip() or header.subject.strip()):
            parts.append(Spacer(1, 18))
            if header.doc_type.strip():
                parts.append(para(upper(header.doc_type.strip()),
                                  _style("DocType", s.doc_type_size, font=fonts.BOLD, align=TA_CENTER)))
            if header.subject.strip():
                subject_style = _style("Subject", s.subject_size, font=fonts.BOLD, align=TA_CENTER)
                parts.append(para(header.subject.strip(), subject_style))
                parts.append(HRule(subject_rule_length(header.subject.strip(), width, s), s.rule_thickness,
                                   space_before=s.rule_gap))
        if header.recipients_to:
            parts.append(Spacer(1, 12))
            parts.append(_kinh_gui(header.recipients_to, width, s))
        parts.append(Spacer(1, 14))
        return _Stack(parts)

    return [_WidthAware(build)]


class _Stack(Flowable):
    """Unsplittable vertical stack (the header must stay on the first page as one block)."""

    def __init__(self, parts: list[Flowable]):
        super().__init__()
        self.parts = parts
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, availWidth, availHeight):
        self._sizes = []
        total = 0.0
        for i, part in enumerate(self.parts):
            w, h = part.wrap(availWidth, availHeight)
            before = part.getSpaceBefore() if i else 0
            after = part.getSpaceAfter() if i < len(self.parts) - 1 else 0
            self._sizes.append((before, h))
            total += before + h + after
        self.width, self.height = availWidth, total
        return self.width, self.height

    def draw(self):
        y = self.height
        for i, (part, (before, h)) in enumerate(zip(self.parts, self._sizes)):
            y -= before + h
            x = 0.0
            align = str(getattr(part, "hAlign", "LEFT")).upper()
            part_w = getattr(part, "_width", None) if isinstance(part, Table) else None
            if part_w is not None and align in ("CENTER", "CENTRE"):
                x = (self.width - part_w) / 2
            elif part_w is not None and align == "RIGHT":
                x = self.width - part_w
            part.drawOn(self.canv, x, y)
            if i < len(self.parts) - 1:
                y -= part.getSpaceAfter()


# --------------------------------------------------------------------------------------------- footer


def signature_block(signer: SignerBlock, settings: LayoutSettings | None = None) -> Flowable:
    """"Nơi nhận:" (left) and quyền hạn / chức vụ, ~25 mm for signature and seal, full name (right).

    The right column has the width of the quốc hiệu column, so the signer sits under the header's right block.
    """
    s = settings or DEFAULT_SETTINGS
    doc_styles(s)
    heading = _style("NoiNhan", s.recipients_heading_size, font=fonts.BOLD_ITALIC, spacing=1.15)
    item = _style("NoiNhanItem", s.recipients_size, spacing=1.15)
    authority = _style("Authority", s.signer_size, font=fonts.BOLD, align=TA_CENTER, spacing=1.2)
    name = _style("SignerName", s.signer_size, font=fonts.BOLD, align=TA_CENTER, spacing=1.2)

    def build(width: float) -> Flowable:
        left_w, gap_w, right_w = header_columns(width, s)
        left_w = width - right_w  # the recipients list may use the gap
        left: list[Flowable] = []
        lines = recipient_lines(signer.recipients, signer.archive)
        if lines:
            left.append(para(RECIPIENTS_HEADING, heading))
            for line in lines:
                left.append(para(line, item))
        right: list[Flowable] = []
        if signer.authority:
            right.append(para("\n".join(authority_lines(signer)), authority))
        right.append(Spacer(1, s.signature_space_mm * mm))
        if signer.signer_name.strip():
            right.append(para(signer.signer_name.strip(), name))
        table = Table([[left or "", right]], colWidths=[left_w, right_w], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR),  # empty cells would otherwise pull in Helvetica
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, 0), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            # "Nơi nhận:" (12 pt) on the baseline of the first authority line (14 pt)
            ("TOPPADDING", (0, 0), (0, 0), max(s.signer_size - s.recipients_heading_size, 0)),
            ("TOPPADDING", (1, 0), (1, 0), 0),
        ]))
        return table

    return KeepTogether([Spacer(1, 12), _WidthAware(build)])


# ------------------------------------------------------------------------------------------- appendix


def appendix_heading(title: str, caption: str = "", *, label: str = "Phụ lục",
                     settings: LayoutSettings | None = None) -> list[Flowable]:
    """"Phụ lục" (14 pt bold), the title in CAPS bold, the caption in italics, a short rule."""
    s = settings or DEFAULT_SETTINGS
    st = doc_styles(s)
    out: list[Flowable] = [para(label, st.appendix_label), para(upper(title), st.appendix_title)]
    if caption:
        out.append(para(caption, st.appendix_caption))

    def rule(width: float) -> Flowable:
        return HRule(appendix_rule_length(title, width, s), s.rule_thickness, space_before=s.rule_gap, space_after=10)

    out.append(_WidthAware(rule))
    return out


# ---------------------------------------------------------------------------------------------- table


Cell = str | Flowable | None
GridTable = PagedGrid  # what grid_table returns (a Flowable; ``repeatRows`` as on reportlab's Table)


def _plain(value: Cell) -> str:
    if isinstance(value, Flowable):
        getter = getattr(value, "getPlainText", None)
        return getter() if getter is not None else ""
    return "" if value is None else str(value)


@lru_cache(maxsize=64)
def _variant(style: ParagraphStyle, font: str | None = None, alignment: int | None = None) -> ParagraphStyle:
    """A cell style with another font or alignment, made once per style."""
    kw = {}
    if font is not None:
        kw["fontName"] = font
    if alignment is not None:
        kw["alignment"] = alignment
    return ParagraphStyle(f"{style.name}-{font or ''}-{alignment}", parent=style, **kw) if kw else style


def _grid_cell(value: Cell, style: ParagraphStyle, memo: dict | None = None):
    """A plain value becomes a TextCell (laid out like a Paragraph), a flowable is kept as it is. Cells of one
    table share ``memo``: equal texts are cleaned and broken into lines once."""
    if value is None or (isinstance(value, str) and value == ""):
        return EMPTY
    if isinstance(value, Flowable):
        return FlowCell([value])
    if style.alignment in (TA_LEFT, TA_CENTER):
        if memo is None:
            return TextCell(cell_text(value), style)
        text = memo.get(value) if isinstance(value, str) else None
        if text is None:
            text = cell_text(value)
            if isinstance(value, str):
                memo[value] = text
        return TextCell(text, style, memo)
    return FlowCell([para(value, style)])


def grid_table(header_cells: Sequence[Cell] | Sequence[Sequence[Cell]], rows: Sequence[Sequence[Cell]],
               col_widths: Sequence[float], repeat_rows: int | None = None,
               section_row_indexes: Iterable[int] = (), *, groups: Iterable[tuple[int, int]] = (),
               group_columns: Sequence[int] = (0, 1), align: Sequence[str] | None = None,
               number_row: bool = False, font_size: float | None = None,
               max_group_height: float = 70 * mm, max_row_height: float = 120 * mm,
               keep_section_with_next: bool = True, bold_rows: Iterable[int] = (),
               settings: LayoutSettings | None = None) -> GridTable:
    """A bordered table with wrapped cell text; header rows repeat on every page.

    * ``header_cells``: one header row, or a list of rows; ``number_row`` adds the "1, 2, 3 …" row.
      ``repeat_rows`` (default: all header rows) rows are repeated at the top of each page.
    * ``rows``: cells are plain text (escaped, wrapped), ready-made flowables, or None/"".
    * ``section_row_indexes``: indexes into ``rows`` printed bold across the full width (text of cell 0);
      kept on the same page as the row after them.
    * ``groups``: (first, last) indexes into ``rows`` (inclusive) forming one task with several products. The
      ``group_columns`` cells are taken from the first row and merged over the group (see the module doc
      for how page breaks are handled). ``max_group_height`` is the tallest group kept together.
    * ``bold_rows``: indexes into ``rows`` printed bold (e.g. a total row).
    * a single row taller than ``max_row_height`` may be split inside the row (only such tables allow it).
    * ``align``: per column "LEFT" / "CENTER" / "RIGHT" / "JUSTIFY" (default: LEFT).
    """
    s = settings or DEFAULT_SETTINGS
    st = doc_styles(s, font_size)
    ncols = len(col_widths)
    if header_cells and (isinstance(header_cells[0], (str, Flowable)) or header_cells[0] is None):
        header_rows: list[Sequence[Cell]] = [header_cells]  # type: ignore[list-item]
    else:
        header_rows = [list(r) for r in header_cells]  # type: ignore[union-attr]
    if number_row:
        header_rows.append([str(i + 1) for i in range(ncols)])
    nh = len(header_rows)
    repeat = nh if repeat_rows is None else max(0, min(repeat_rows, nh))
    aligns = [(align[i] if align and i < len(align) else "LEFT").upper() for i in range(ncols)]
    col_styles = []
    for a in aligns:
        base = st.cell_center if a in ("CENTER", "CENTRE") else st.cell
        wanted = _ALIGN.get(a, TA_LEFT)
        col_styles.append(base if wanted == base.alignment else _variant(st.cell, alignment=wanted))
    sections = set(section_row_indexes)
    bold = set(bold_rows)
    pad_lr, pad_tb = 3, 2
    memo: dict = {}   # this table's cleaned texts and broken lines, shared by its equal cells

    head: list[GridRow] = []
    for i, row in enumerate(header_rows):
        style = st.cell_number if number_row and i == nh - 1 else st.cell_header
        head.append(GridRow([_grid_cell(row[c] if c < len(row) else "", style) for c in range(ncols)],
                            middle=True))
    body: list[GridRow] = []
    for r, row in enumerate(rows):
        if r in sections:
            body.append(GridRow([_grid_cell(row[0] if row else "", st.cell_section, memo)] + [EMPTY] * (ncols - 1),
                                full_span=True))
            continue
        styles = [_variant(cs, font=fonts.BOLD) for cs in col_styles] if r in bold else col_styles
        body.append(GridRow([_grid_cell(row[c] if c < len(row) else "", styles[c], memo) for c in range(ncols)]))

    def content_height(r: int, columns: Iterable[int]) -> float:
        """Estimated row height from the non-empty cells (decides spans and giant rows)."""
        height = 0.0
        cells = body[r].cells
        for c in columns:
            if not isinstance(cells[c], str) and cells[c] is not None:
                height = max(height, cells[c].height(col_widths[c] - 2 * pad_lr))
        return height + 2 * pad_tb + 1

    # A row taller than ``max_row_height`` (a very long cell) may be split inside the row, else it could
    # never fit on a page; ordinary rows still move to the next page whole.
    giant_rows = {r for r in range(len(rows)) if r not in sections
                  and content_height(r, range(ncols)) > max_row_height}
    for r in sections:
        if keep_section_with_next and r + 1 < len(rows) and r + 1 not in giant_rows:
            body[r + 1].glue_prev = True

    def continued(values: dict[int, Cell]) -> dict[int, object] | None:
        """The group-column cells of a continuation: the STT again, the task text + "(tiếp theo)"."""
        cont: dict[int, object] = {}
        for c, value in values.items():
            text = _plain(value)
            if not text:
                continue
            if c == group_columns[-1]:
                cont[c] = FlowCell([para(f"{markup(text)} <i>{CONTINUED}</i>", col_styles[c], is_markup=True)])
            else:
                cont[c] = _grid_cell(text, col_styles[c])
        return cont or None

    other_cols = [c for c in range(ncols) if c not in group_columns]
    for first, last in groups:
        if last <= first:
            continue
        heights = [content_height(r, other_cols) for r in range(first, last + 1)]
        spanned = content_height(first, group_columns)
        if max(sum(heights), spanned) <= max_group_height:
            # small group: real spans, never split across pages
            body[first].spans = {c: last - first + 1 for c in group_columns}
            for r in range(first + 1, last + 1):
                for c in group_columns:
                    body[r].cells[c] = None
                body[r].glue_prev = True
            continue
        # tall group: one visually merged cell (no rules inside the group columns), repeated overleaf
        first_values = {c: rows[first][c] if c < len(rows[first]) else "" for c in group_columns}
        for r in range(first, last + 1):
            if r < last:
                body[r].open_cols = frozenset(group_columns)
            if r > first:
                body[r].continuation = continued(first_values)
    # a giant row split inside itself repeats its STT and task text "(tiếp theo)" under the break
    for r in giant_rows:
        own = {c: rows[r][c] if c < len(rows[r]) else "" for c in group_columns}
        body[r].split_cont = body[r].continuation or continued(own)

    if repeat < nh:  # header rows that are not repeated belong to the first page only
        body = head[repeat:] + body
        head = head[:repeat]
    return PagedGrid(col_widths, head, body, font_size=st.cell.fontSize, pad_lr=pad_lr, pad_top=pad_tb,
                     pad_bottom=pad_tb + 1, rule_thickness=s.table_rule_thickness, max_row_height=max_row_height,
                     split_in_row=3 * st.cell.leading if giant_rows else 0)


# ------------------------------------------------------------------------------------------- document


class KeepWithTableStart(KeepTogether):
    """What a heading and a table's lead-in ("…, cụ thể:", keepWithNext) are kept with: a short table whole, but
    a long one (taller than a third of the page) only by its header and first rows. reportlab's KeepTogether
    moves the whole group to a new page whenever the table does not fit in the rest of the page, which left most of
    a page blank above every long table."""

    def split(self, aW, aH):
        content = self._content
        grid = content[-1] if content else None
        frame = getattr(self, "_frame", None)
        page_height = getattr(frame, "_height", aH)
        if isinstance(grid, PagedGrid) and grid.height > page_height / 3:
            lead = 0.0
            for flowable in content[:-1]:
                lead += flowable.wrap(aW, aH)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
            if lead < aH and len(grid.split(aW, aH - lead - grid.getSpaceBefore())) > 1:
                return list(content)          # the frame places the lead-in, then the table splits itself
        return super().split(aW, aH)


class NDDocTemplate(BaseDocTemplate):
    """A4 document with "portrait" and "landscape" page templates and ND30 page numbers."""

    def __init__(self, target, settings: LayoutSettings, *, landscape_first: bool = False, **kw):
        self.settings = settings
        self.number_base = 1
        top, right, bottom, left = settings.margins
        super().__init__(target, pagesize=landscape(A4) if landscape_first else A4, leftMargin=left,
                         rightMargin=right, topMargin=top, bottomMargin=bottom,
                         # reportlab's default initial font is the non-embedded Helvetica
                         initialFontName=fonts.REGULAR, initialFontSize=settings.body_size,
                         keepTogetherClass=KeepWithTableStart,   # the groups made of keepWithNext flowables
                         **kw)

        def template(tid: str, size: tuple[float, float]) -> PageTemplate:
            w, h = size
            frame = Frame(left, bottom, w - left - right, h - top - bottom, id=f"{tid}-body",
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
            return PageTemplate(id=tid, frames=[frame], pagesize=size, onPageEnd=self._number_page)

        portrait = template(PORTRAIT, A4)
        wide = template(LANDSCAPE, landscape(A4))
        self.addPageTemplates([wide, portrait] if landscape_first else [portrait, wide])

    def _number_page(self, canv, doc) -> None:
        number = doc.page - self.number_base + 1
        if number < 2:
            return
        s = self.settings
        w, h = canv._pagesize
        size = s.page_number_size
        canv.saveState()
        canv.setFont(fonts.REGULAR, size)
        canv.setFillColor(colors.black)
        # centred in the top margin
        canv.drawCentredString(w / 2, h - s.margin_top_mm * mm / 2 - size * 0.35, str(number))
        canv.restoreState()


def build_pdf(target: str | os.PathLike | BinaryIO, flowables: Iterable[Flowable], *,
              header: DocumentHeader | None = None, signer: SignerBlock | None = None,
              landscape_first: bool = False, settings: LayoutSettings | None = None,
              title: str = "", author: str = "", subject: str = "") -> None:
    """Lay out header + flowables + signer block into an A4 PDF.

    ``target`` is a path (written atomically through safe_write.atomic_path) or a
    binary file object. ``landscape_first`` starts on a landscape page.
    """
    s = settings or DEFAULT_SETTINGS
    doc_styles(s)
    story: list[Flowable] = []
    if header is not None:
        story += document_header(header, s)
    story += list(flowables)
    if signer is not None:
        story.append(signature_block(signer, s))
    if not story:
        story.append(Spacer(1, 1))
    meta = dict(title=nfc(title or (header.subject if header else "")), author=nfc(author),
                subject=nfc(subject), creator=f"{APP_NAME} {APP_VERSION}")

    if not isinstance(target, (str, os.PathLike)):
        NDDocTemplate(target, s, landscape_first=landscape_first, **meta).build(story)
        return

    with atomic_path(Path(target)) as tmp:
        NDDocTemplate(os.fspath(tmp), s, landscape_first=landscape_first, **meta).build(story)
