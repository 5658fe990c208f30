"""A report as data (texts already rendered from its template + computed tables) and its PDF rendering.

The report modules (periodic_report, reminder_letter, agency_tasks) build a :class:`ReportData` from the tracking
core queries; :func:`render_pdf` lays it out with the ND30 frame (layout.py) and ``report_xlsx`` writes the same
tables to a workbook, so every figure is computed in one place and printed identically in both outputs.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import BinaryIO

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from .layout import (DocumentHeader, LayoutSettings, SignerBlock, appendix_heading, build_pdf, doc_styles,
                     frame_size, grid_table, landscape_section, para, signature_block)
from .templates import body_flowables


@dataclass
class TableData:
    """One computed table, printed in the PDF and written to the .xlsx."""

    key: str
    title: str                               # sheet title in the .xlsx
    headers: list[str]
    rows: list[list[object]]                 # str / int cells
    shares: list[float]                      # column widths as shares of the text width
    align: list[str]
    section_rows: list[int] = field(default_factory=list)   # bold rows across the table
    groups: list[tuple[int, int]] = field(default_factory=list)  # task rows merged over their products
    bold_rows: list[int] = field(default_factory=list)      # e.g. the total row
    number_row: bool = False                 # the "1, 2, 3 …" column-number row
    empty_text: str = ""                     # printed instead of an empty table
    landscape: bool = False
    font_size: float | None = None
    # .xlsx only: typed columns appended after the printed ones (real dates, numeric %), one list per row
    extra_headers: list[str] = field(default_factory=list)
    extra_rows: list[list[object]] = field(default_factory=list)


class Ratio(float):
    """A share (0..1) printed "65,2%" in the PDF and written as a number with a % format in the .xlsx."""

    def __str__(self) -> str:
        from .vnformat import percent

        return percent(float(self))


@dataclass
class AppendixData:
    """A landscape appendix: "Phụ lục", title, caption, one table, optional notes under it."""

    label: str
    title: str
    caption: str
    table: TableData
    notes: str = ""                          # rendered body markup under the table
    restart_numbering: bool = True


@dataclass
class ReportData:
    kind: str
    title: str                               # document title (PDF metadata, .xlsx title row)
    header: DocumentHeader | None
    signer: SignerBlock | None
    body: str = ""                           # rendered body markup (templates.body_flowables)
    tables: dict[str, TableData] = field(default_factory=dict)
    appendices: list[AppendixData] = field(default_factory=list)
    landscape_first: bool = False
    context: dict = field(default_factory=dict)
    author: str = ""
    file_stem: str = "bao-cao"               # suggested file name without extension
    warnings: list[str] = field(default_factory=list)   # shown by the dialog / printed by the CLI, never printed


def table_flowables(table: TableData, settings: LayoutSettings | None = None) -> list[Flowable]:
    st = doc_styles(settings)
    if not table.rows:
        return [para(table.empty_text, st.body)] if table.empty_text else []
    width, height = frame_size(table.landscape, settings)
    widths = [width * s / sum(table.shares) for s in table.shares]
    rows = [["" if v is None else str(v) for v in row] for row in table.rows]
    grid = grid_table(list(table.headers), rows, widths, section_row_indexes=table.section_rows,
                      groups=table.groups, align=table.align, number_row=table.number_row,
                      bold_rows=table.bold_rows, font_size=table.font_size, max_group_height=0.4 * height,
                      settings=settings)
    return [grid, Spacer(1, 8)]


def story(report: ReportData, settings: LayoutSettings | None = None) -> list[Flowable]:
    st = doc_styles(settings)
    out: list[Flowable] = []
    if report.body:
        makers = {key: (lambda t=t: table_flowables(t, settings)) for key, t in report.tables.items()}
        out += body_flowables(report.body, makers, st)
    if report.signer is not None:
        signature = signature_block(report.signer, settings)
        # the signer block never stands alone on a page: it takes the closing paragraph with it
        if out and isinstance(out[-1], Paragraph):
            # flattened: a KeepTogether inside a KeepTogether reports an "infinite" height and always breaks
            parts = list(getattr(signature, "_content", [signature]))
            out[-1:] = [KeepTogether([out[-1], *parts])]
        else:
            out.append(signature)
    for i, appendix in enumerate(report.appendices):
        if out or report.header is not None or not report.landscape_first:
            out += landscape_section(restart_numbering=appendix.restart_numbering)
        out += appendix_heading(appendix.title, appendix.caption, label=appendix.label, settings=settings)
        out += table_flowables(appendix.table, settings)
        if appendix.notes:
            out += body_flowables(appendix.notes, {}, st)
    return out


def render_pdf(report: ReportData, target: str | os.PathLike | BinaryIO | None = None, *,
               settings: LayoutSettings | None = None) -> bytes | None:
    """Write the report PDF to ``target`` (path: atomic write) or return its bytes when target is None."""
    flowables = story(report, settings)
    kwargs = dict(header=report.header, landscape_first=report.landscape_first, settings=settings,
                  title=report.title, author=report.author)
    if target is None:
        buffer = io.BytesIO()
        build_pdf(buffer, flowables, **kwargs)
        return buffer.getvalue()
    build_pdf(target, flowables, **kwargs)
    return None


def fitted_shares(headers: list[str], rows: list[list[object]], *, flexible: tuple[int, ...], font_size: float,
                  landscape: bool = False, max_share: float = 0.16, min_flexible: float = 0.25) -> list[float]:
    """Column shares sized to the content: each short column (numbers, values, verdicts) as wide as its widest cell
    on one line and its header's longest word (bold), at most ``max_share`` of the text width (longer cells wrap);
    the ``flexible`` text columns share what is left equally, at least ``min_flexible`` of the width together."""
    from .. import fonts
    from .grid import word_width

    fonts.register_fonts()                        # (the measuring below needs the report fonts registered)
    width, _height = frame_size(landscape)
    pad = 2 * 3 + 1                               # the grid's left and right cell padding, and a little air
    need: list[float] = []
    for c, head in enumerate(headers):
        if c in flexible:
            need.append(0.0)
            continue
        words = str(head).split()
        # the header on at most two lines, broken at its best space («Kết quả / đến nay»), never inside a word
        widest = min((max(word_width(" ".join(words[:k]), fonts.BOLD, font_size),
                          word_width(" ".join(words[k:]), fonts.BOLD, font_size)) for k in range(1, len(words))),
                     default=word_width(" ".join(words), fonts.BOLD, font_size))
        for row in rows:
            text = "" if c >= len(row) or row[c] is None else str(row[c])
            widest = max(widest, *(word_width(line, fonts.REGULAR, font_size) for line in text.split("\n")))
        need.append(min(widest + pad, max_share * width))
    fixed = sum(need)
    if fixed > (1 - min_flexible) * width:        # too many columns: the short ones give way proportionally
        scale = (1 - min_flexible) * width / fixed
        need = [n * scale for n in need]
        fixed = sum(need)
    rest = (width - fixed) / max(1, len(flexible))
    return [(rest if c in flexible else n) / width for c, n in enumerate(need)]
