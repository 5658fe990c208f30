"""Every report as a Word document (.docx, python-docx) in the Nghị định 30/2020 layout.

One :class:`~.document.ReportData`, two renderers: :func:`document.render_pdf` prints it, :func:`render_docx`
writes the same header, texts, tables, appendices and signer as an editable Word file, with the same sizes
(:class:`~.layout.LayoutSettings`), texts and measures (:mod:`.nd30`) and body markup (:func:`templates.body_items`):

* A4 portrait 20/20/30/15 mm (top/bottom/left/right); every appendix is a landscape section that restarts the
  page numbers; page numbers from page 2, centred at the top, through a PAGE field in a header that differs on
  the first page of each section;
* the header block and the Nơi nhận / signer block are borderless two-column tables; the short rules are
  paragraph bottom borders between indents (Word and LibreOffice both keep them);
* Times New Roman in the ascii/hAnsi/eastAsia/cs slots of every run, of the styles and of the document
  defaults, language vi-VN;
* tables: fixed column widths from the report's shares of the text width, header rows repeated on every page,
  section rows merged across and bold, a task's STT and content merged vertically over its products, rows
  allowed to break across pages;
* paragraph styles with Vietnamese names (:data:`STYLE_NAMES`) so a user restyles the whole document at once;
* figures are plain text (no fields except the page number).
"""
from __future__ import annotations

import datetime as _dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from .. import APP_NAME, APP_VERSION
from ..safe_write import atomic_write_bytes
from ..text import nfc
from . import docx_xml as x
from .document import AppendixData, ReportData, TableData
from .layout import DEFAULT_SETTINGS, DocumentHeader, LayoutSettings, SignerBlock
from .nd30 import (KINH_GUI, MOTTO, NATIONAL_TITLE, RECIPIENTS_HEADING, appendix_rule_length, authority_lines,
                   header_columns, issuer_lines, issuer_rule_length, kinh_gui_columns, kinh_gui_lines,
                   letter_subject_line, motto_rule_length, number_line, recipient_lines, subject_rule_length)
from .templates import body_items, inline_runs
from .vnformat import upper

# Word's "single" line of Times New Roman is ~1.15 em; the PDF's leading is settings.line_spacing em.
SINGLE_LINE_EM = 1.15
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)
_ALIGN = {"LEFT": LEFT, "CENTER": CENTER, "CENTRE": CENTER, "RIGHT": RIGHT, "JUSTIFY": JUSTIFY}


@dataclass(frozen=True)
class _StyleSpec:
    name: str
    size: float
    bold: bool = False
    italic: bool = False
    align: object = LEFT
    first_indent: bool = False
    before: float = 0
    after: float = 0
    spacing: float = 1.0            # multiple of Word's single line
    keep_next: bool = False
    outline: int | None = None


# style key -> Vietnamese style name (what the user sees in Word's style list)
STYLE_NAMES = {
    "body": "Nội dung",
    "italic": "Căn cứ",
    "h1": "Tiêu đề mục",
    "h2": "Tiêu đề mục 2",
    "h3": "Tiêu đề mục 3",
    "org": "Tên cơ quan",
    "national": "Quốc hiệu",
    "motto": "Tiêu ngữ",
    "number": "Số, ký hiệu",
    "vv": "Trích yếu công văn",
    "date": "Địa danh, ngày tháng",
    "doc_type": "Tên loại văn bản",
    "subject": "Trích yếu",
    "to": "Kính gửi",
    "recipients_heading": "Nơi nhận",
    "recipients": "Danh sách nơi nhận",
    "authority": "Quyền hạn, chức vụ người ký",
    "signer": "Họ tên người ký",
    "appendix_label": "Phụ lục",
    "appendix_title": "Tên phụ lục",
    "appendix_caption": "Chú thích phụ lục",
    "cell": "Ô bảng",
    "cell_header": "Tiêu đề cột",
    "cell_number": "Số thứ tự cột",
    "page_number": "Số trang",
    "rule": "Đường kẻ ngắn",
}


def _specs(s: LayoutSettings) -> dict[str, _StyleSpec]:
    body_spacing = round(s.line_spacing / SINGLE_LINE_EM, 3)
    b = s.body_size
    after = s.paragraph_space_after

    def spec(key: str, size: float, **kw) -> _StyleSpec:
        return _StyleSpec(STYLE_NAMES[key], size, **kw)

    return {
        "body": spec("body", b, align=JUSTIFY, first_indent=True, after=after, spacing=body_spacing),
        "italic": spec("italic", b, italic=True, align=JUSTIFY, first_indent=True, after=after / 2,
                       spacing=body_spacing),
        "h1": spec("h1", b, bold=True, align=JUSTIFY, first_indent=True, before=after, after=after,
                   spacing=body_spacing, keep_next=True, outline=0),
        "h2": spec("h2", b, bold=True, align=JUSTIFY, first_indent=True, after=after, spacing=body_spacing,
                   keep_next=True, outline=1),
        "h3": spec("h3", b, bold=True, italic=True, align=JUSTIFY, first_indent=True, after=after,
                   spacing=body_spacing, keep_next=True, outline=2),
        "org": spec("org", s.org_size, align=CENTER),
        "national": spec("national", s.national_title_size, bold=True, align=CENTER),
        "motto": spec("motto", s.motto_size, bold=True, align=CENTER),
        "number": spec("number", s.number_size, align=CENTER),
        "vv": spec("vv", s.letter_subject_size, align=CENTER),
        "date": spec("date", s.date_size, italic=True, align=CENTER),
        "doc_type": spec("doc_type", s.doc_type_size, bold=True, align=CENTER, before=18, spacing=body_spacing,
                         keep_next=True),
        "subject": spec("subject", s.subject_size, bold=True, align=CENTER, spacing=body_spacing, keep_next=True),
        "to": spec("to", s.recipients_to_size, spacing=body_spacing),
        "recipients_heading": spec("recipients_heading", s.recipients_heading_size, bold=True, italic=True),
        "recipients": spec("recipients", s.recipients_size),
        "authority": spec("authority", s.signer_size, bold=True, align=CENTER, spacing=body_spacing),
        "signer": spec("signer", s.signer_size, bold=True, align=CENTER, spacing=body_spacing),
        "appendix_label": spec("appendix_label", s.appendix_label_size, bold=True, align=CENTER, keep_next=True,
                               spacing=body_spacing),
        "appendix_title": spec("appendix_title", s.appendix_title_size, bold=True, align=CENTER, keep_next=True,
                               spacing=body_spacing),
        "appendix_caption": spec("appendix_caption", s.appendix_title_size, italic=True, align=CENTER,
                                 keep_next=True, spacing=body_spacing),
        "cell": spec("cell", s.table_size),
        "cell_header": spec("cell_header", s.table_size, bold=True, align=CENTER),
        "cell_number": spec("cell_number", s.table_size, italic=True, align=CENTER),
        "page_number": spec("page_number", s.page_number_size, align=CENTER),
        "rule": spec("rule", 2, align=CENTER, keep_next=True),
    }


def _page_size(landscape: bool) -> tuple[float, float]:
    width, height = A4
    return (height, width) if landscape else (width, height)


class _Writer:
    def __init__(self, report: ReportData, settings: LayoutSettings | None):
        self.report = report
        self.s = settings or DEFAULT_SETTINGS
        self.doc = Document()
        self.specs = _specs(self.s)
        self.landscape = report.landscape_first
        self._setup_package()
        self._setup_styles()
        self._setup_first_section()

    # -------------------------------------------------------------------------------------------- setup

    def _setup_package(self) -> None:
        settings = self.doc.settings.element
        for setting in settings.iter(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), "15")  # Word 2013+ table and spacing rules (LibreOffice reads them too)
        props = self.doc.core_properties
        props.title = nfc(self.report.title)
        props.author = nfc(self.report.author)
        props.last_modified_by = nfc(self.report.author)
        props.comments = f"{APP_NAME} {APP_VERSION}"
        props.subject = ""
        props.keywords = ""
        props.category = ""
        props.language = x.LANGUAGE
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
        props.created = now
        props.modified = now
        props.revision = 1

    def _setup_styles(self) -> None:
        styles_el = self.doc.styles.element
        defaults = styles_el.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        x.set_fonts(r_pr)
        x.set_size(r_pr, self.s.body_size)
        x.set_language(r_pr)
        p_pr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        x.put(p_pr, "spacing", x.P_PR, after=0, line=240, lineRule="auto")
        normal = self.doc.styles["Normal"]
        x.set_fonts(normal.element.get_or_add_rPr())
        normal.font.size = Pt(self.s.body_size)
        self.styles = {}
        for key, spec in self.specs.items():
            style = self.doc.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            style.quick_style = key in ("body", "italic", "h1", "h2", "h3", "cell")
            font = style.font
            x.set_fonts(style.element.get_or_add_rPr())
            font.size = Pt(spec.size)
            font.bold = spec.bold
            font.italic = spec.italic
            pf = style.paragraph_format
            pf.alignment = spec.align
            pf.first_line_indent = Mm(self.s.first_line_indent_mm) if spec.first_indent else Pt(0)
            pf.space_before = Pt(spec.before)
            pf.space_after = Pt(spec.after)
            pf.line_spacing = spec.spacing
            pf.keep_with_next = spec.keep_next
            pf.widow_control = True
            if spec.outline is not None:
                x.put(style.element.get_or_add_pPr(), "outlineLvl", x.P_PR, val=spec.outline)
            self.styles[key] = style
        for key in ("h2", "h3"):
            self.styles[key].next_paragraph_style = self.styles["body"]
        self.styles["h1"].next_paragraph_style = self.styles["body"]
        rule = self.styles["rule"].paragraph_format
        rule.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        rule.line_spacing = Pt(4)

    def _setup_first_section(self) -> None:
        section = self.doc.sections[0]
        self._page_setup(section, self.landscape)
        section.different_first_page_header_footer = True
        section.header_distance = Emu(Mm(self.s.margin_top_mm / 2) - Pt(self.s.page_number_size * 0.6))
        section.footer_distance = Mm(self.s.margin_bottom_mm / 2)
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.style = self.styles["page_number"]
        for run in x.page_field(p):
            self._font(run)
        first = section.first_page_header
        first.is_linked_to_previous = False
        first.paragraphs[0].style = self.styles["page_number"]

    def _page_setup(self, section, landscape: bool) -> None:
        width, height = _page_size(landscape)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width = Pt(width)
        section.page_height = Pt(height)
        section.top_margin = Mm(self.s.margin_top_mm)
        section.bottom_margin = Mm(self.s.margin_bottom_mm)
        section.left_margin = Mm(self.s.margin_left_mm)
        section.right_margin = Mm(self.s.margin_right_mm)
        section.gutter = 0

    @property
    def width(self) -> float:
        """Text width of the current section in points."""
        page_w, _ = _page_size(self.landscape)
        return page_w - (self.s.margin_left_mm + self.s.margin_right_mm) * mm

    def new_section(self, *, landscape: bool, restart_numbering: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        # add_section appends the paragraph that carries the previous section's properties: as small as possible
        breaker = self.doc.paragraphs[-1]
        breaker._p.style = self.styles["rule"].style_id
        breaker.paragraph_format.keep_with_next = False
        self.landscape = landscape
        self._page_setup(section, landscape)
        x.title_page(section._sectPr, restart_numbering)
        x.page_numbering(section._sectPr, 1 if restart_numbering else None)

    # ------------------------------------------------------------------------------------------- blocks

    def _last_block(self):
        """The last paragraph or table of the body (before the final section properties)."""
        blocks = [el for el in self.doc.element.body if el.tag in (qn("w:p"), qn("w:tbl"))]
        return blocks[-1] if blocks else None

    def _font(self, run, *, size: float | None = None, bold: bool | None = None, italic: bool | None = None):
        r_pr = x.run_properties(run)
        x.set_fonts(r_pr)
        if size is not None:
            x.set_size(r_pr, size)
        if bold is not None:
            run.bold = bold
        if italic is not None:
            run.italic = italic
        return run

    def paragraph(self, key: str, text: str = "", *, container=None, runs: list[tuple[str, bool]] | None = None,
                  size: float | None = None, bold: bool | None = None):
        """A paragraph of style ``key`` in the body (or in ``container``: a cell), plain text or (text, bold)
        runs; "\\n" becomes a line break."""
        target = container if container is not None else self.doc
        p = target.add_paragraph()
        p._p.style = self.styles[key].style_id  # by id: python-docx's lookup by style object scans every style
        self._fill(p, text, runs, size=size, bold=bold)
        return p

    def _fill(self, p, text: str, runs: list[tuple[str, bool]] | None, *, size: float | None, bold: bool | None):
        for part, strong in runs if runs is not None else [(text, False)]:
            if part:
                self._font(p.add_run(nfc(part)), size=size, bold=True if strong else bold)

    def cell_paragraph(self, cell, key: str, text: str = "", *, runs: list[tuple[str, bool]] | None = None,
                       size: float | None = None, bold: bool | None = None):
        """A paragraph in a table cell: the cell's own first paragraph (still unstyled) holds the first text."""
        paragraphs = cell.paragraphs
        first = paragraphs[0]
        if len(paragraphs) == 1 and first._p.pPr is None and not first.runs:
            first._p.style = self.styles[key].style_id
            self._fill(first, text, runs, size=size, bold=bold)
            return first
        return self.paragraph(key, text, container=cell, runs=runs, size=size, bold=bold)

    def rule(self, length: float, *, width: float, container=None, after: float = 0):
        """A short centred rule of ``length`` points (a bottom border between indents)."""
        p = self.paragraph("rule") if container is None else self.cell_paragraph(container, "rule")
        side = max((width - length) / 2, 0)
        pf = p.paragraph_format
        pf.left_indent = Pt(side)
        pf.right_indent = Pt(side)
        pf.space_after = Pt(after)
        x.paragraph_border(p._p.get_or_add_pPr(), "bottom", self.s.rule_thickness)
        return p

    def spacer(self, points: float, container=None):
        p = self.paragraph("rule") if container is None else self.cell_paragraph(container, "rule")
        pf = p.paragraph_format
        pf.line_spacing = Pt(max(points, 1))
        pf.keep_with_next = True
        return p

    def plain_table(self, widths: list[float], *, borders: float | None, align: str = "left",
                    margins: dict | None = None, rows: int = 1):
        table = self.doc.add_table(rows=rows, cols=len(widths))
        tbl_pr = table._tbl.tblPr
        x.table_borders(tbl_pr, borders)
        x.table_geometry(table, widths, align=align)
        x.table_cell_margins(tbl_pr, **(margins or {"top": 0, "left": 1, "bottom": 0, "right": 1}))
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                x.cell_width(cell._tc, width)
                x.v_align(cell._tc, "top")
        return table

    # ------------------------------------------------------------------------------------------- header

    def document_header(self, h: DocumentHeader) -> None:
        s = self.s
        width = self.width
        left_w, gap_w, right_w = header_columns(width, s)
        table = self.plain_table([left_w + gap_w, right_w], borders=None, rows=2)
        top_left, top_right = table.rows[0].cells
        bottom_left, bottom_right = table.rows[1].cells
        if gap_w > 0.5:
            for cell in (top_left, bottom_left):
                x.cell_margins(cell._tc.get_or_add_tcPr(), left=1, right=gap_w + 1)
        parent, issuer = issuer_lines(h)
        if parent:
            self.cell_paragraph(top_left, "org", parent)
        self.cell_paragraph(top_left, "org", issuer, bold=True)
        self.rule(issuer_rule_length(issuer, left_w, s), width=left_w - 2, container=top_left)
        self.cell_paragraph(top_right, "national", NATIONAL_TITLE)
        self.cell_paragraph(top_right, "motto", MOTTO)
        self.rule(motto_rule_length(s), width=right_w - 2, container=top_right)
        shift = s.date_size - s.number_size
        number = self.cell_paragraph(bottom_left, "number", number_line(h))
        number.paragraph_format.space_before = Pt(6 + max(shift, 0))
        if letter_subject_line(h):
            vv = self.cell_paragraph(bottom_left, "vv", letter_subject_line(h))
            vv.paragraph_format.space_before = Pt(6)
        date = self.cell_paragraph(bottom_right, "date", h.date_line)
        date.paragraph_format.space_before = Pt(6 + max(-shift, 0))
        for row in table.rows:
            x.cant_split(row._tr)

        if not h.is_official_letter and (h.doc_type.strip() or h.subject.strip()):
            if h.doc_type.strip():
                self.paragraph("doc_type", upper(h.doc_type.strip()))
            if h.subject.strip():
                subject = self.paragraph("subject", h.subject.strip())
                if not h.doc_type.strip():
                    subject.paragraph_format.space_before = Pt(18)
                self.rule(subject_rule_length(h.subject.strip(), width, s), width=width)
        if h.recipients_to:
            self.spacer(12)
            self.kinh_gui(h.recipients_to)
        self.spacer(14)

    def kinh_gui(self, recipients: list[str]) -> None:
        lines = kinh_gui_lines(recipients)
        label_w, names_w = kinh_gui_columns(lines, self.width, self.s)
        table = self.plain_table([label_w, names_w], borders=None, align="center",
                                 margins={"top": 0, "left": 0, "bottom": 0, "right": 0})
        label, names = table.rows[0].cells
        self.cell_paragraph(label, "to", KINH_GUI)
        for line in lines:
            self.cell_paragraph(names, "to", line)

    # ------------------------------------------------------------------------------------------- signer

    def signature(self, signer: SignerBlock) -> None:
        s = self.s
        width = self.width
        _left, _gap, right_w = header_columns(width, s)
        last = self._last_block()
        if last is not None and last.tag == qn("w:p"):  # the closing paragraph goes with the signer
            x.put(last.get_or_add_pPr(), "keepNext", x.P_PR)
        self.spacer(12)
        table = self.plain_table([width - right_w, right_w], borders=None,
                                 margins={"top": 0, "left": 0, "bottom": 0, "right": 0})
        x.cant_split(table.rows[0]._tr)
        left, right = table.rows[0].cells
        x.cell_margins(left._tc.get_or_add_tcPr(), right=6)
        lines = recipient_lines(signer.recipients, signer.archive)
        if lines:
            heading = self.cell_paragraph(left, "recipients_heading", RECIPIENTS_HEADING)
            heading.paragraph_format.space_before = Pt(max(s.signer_size - s.recipients_heading_size, 0))
            for line in lines:
                self.cell_paragraph(left, "recipients", line)
        authority = authority_lines(signer)
        if authority:
            self.cell_paragraph(right, "authority", "\n".join(authority))
        name = self.cell_paragraph(right, "signer", signer.signer_name.strip())
        name.paragraph_format.space_before = Mm(s.signature_space_mm)
        for cell in (left, right):
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
                p.paragraph_format.keep_together = True

    # -------------------------------------------------------------------------------------------- body

    def body(self, body: str, tables: dict[str, TableData]) -> None:
        for style, text in body_items(body):
            if style == "table":
                self.table(tables[text])
            else:
                self.paragraph(style, runs=inline_runs(text))

    def appendix(self, appendix: AppendixData) -> None:
        self.paragraph("appendix_label", appendix.label)
        self.paragraph("appendix_title", upper(appendix.title))
        if appendix.caption:
            self.paragraph("appendix_caption", appendix.caption)
        self.rule(appendix_rule_length(appendix.title, self.width, self.s), width=self.width, after=10)
        self.table(appendix.table)
        if appendix.notes:
            self.body(appendix.notes, {})

    # ------------------------------------------------------------------------------------------- tables

    def table(self, t: TableData) -> None:
        if not t.rows:
            if t.empty_text:
                self.paragraph("body", t.empty_text)
            return
        ncols = len(t.headers)
        total = sum(t.shares)
        widths = [self.width * share / total for share in t.shares]
        size = t.font_size if t.font_size and t.font_size != self.s.table_size else None
        header_rows = [list(t.headers)] + ([[str(i + 1) for i in range(ncols)]] if t.number_row else [])
        table = self.plain_table(widths, borders=self.s.table_rule_thickness, rows=0,
                                 margins={"top": 2, "left": 3, "bottom": 2, "right": 3})
        aligns = [_ALIGN.get((t.align[c] if c < len(t.align) else "LEFT").upper(), LEFT) for c in range(ncols)]

        def new_row():
            row = table.add_row()
            for cell, width in zip(row.cells, widths):
                x.cell_width(cell._tc, width)
            return row

        for i, values in enumerate(header_rows):
            row = new_row()
            x.repeat_header(row._tr)
            key = "cell_number" if t.number_row and i == len(header_rows) - 1 else "cell_header"
            for cell, value in zip(row.cells, values):
                x.v_align(cell._tc, "center")
                self.cell_paragraph(cell, key, value, size=size)
        sections = set(t.section_rows)
        bold = set(t.bold_rows)
        merged: dict[int, bool] = {}          # row index -> True for the first row of a group, False after
        for first, last in t.groups:
            if last > first:
                merged[first] = True
                for r in range(first + 1, last + 1):
                    merged[r] = False
        for r, values in enumerate(t.rows):
            row = new_row()
            cells = row.cells
            if r in sections:
                tc = cells[0]._tc
                for extra in cells[1:]:
                    extra._tc.getparent().remove(extra._tc)
                x.grid_span(tc, ncols)
                x.cell_width(tc, sum(widths))
                p = self.cell_paragraph(cells[0], "cell", "" if not values else str(values[0]), size=size, bold=True)
                p.paragraph_format.keep_with_next = True
                continue
            for c, cell in enumerate(cells):
                x.v_align(cell._tc, "top")
                value = values[c] if c < len(values) else ""
                if r in merged and c in (0, 1):
                    x.v_merge(cell._tc, restart=merged[r])
                    if not merged[r]:
                        self.cell_paragraph(cell, "cell", "", size=size)
                        continue
                p = self.cell_paragraph(cell, "cell", "" if value is None else str(value), size=size,
                                        bold=True if r in bold else None)
                p.alignment = aligns[c]
        self.spacer(8).paragraph_format.keep_with_next = False

    # ---------------------------------------------------------------------------------------- document

    def build(self) -> None:
        report = self.report
        started = False
        if report.header is not None:
            self.document_header(report.header)
            started = True
        if report.body:
            self.body(report.body, report.tables)
            started = True
        if report.signer is not None:
            self.signature(report.signer)
            started = True
        for appendix in report.appendices:
            if started or not report.landscape_first:
                self.new_section(landscape=True, restart_numbering=appendix.restart_numbering)
            started = True
            self.appendix(appendix)
        if not started:
            self.paragraph("body", "")
        last = self._last_block()
        if last is not None and last.tag == qn("w:tbl"):  # Word wants a paragraph after the last table
            self.spacer(1)


def build_docx(report: ReportData, settings: LayoutSettings | None = None):
    """The python-docx Document of a report (not saved)."""
    writer = _Writer(report, settings)
    writer.build()
    return writer.doc


def render_docx(report: ReportData, path: str | os.PathLike, *, settings: LayoutSettings | None = None) -> Path:
    """Write the report as a Word document, atomically (temp file, fsync, rename); returns the path."""
    buffer = io.BytesIO()
    build_docx(report, settings).save(buffer)
    target = Path(path)
    atomic_write_bytes(target, buffer.getvalue())
    return target
