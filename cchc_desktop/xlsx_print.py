"""Sheets meant to be printed, laid out for A4 in one place: Times New Roman 12 as the workbook's default font
(column units then mean the same on every machine), column widths that fit the printable width (so a program
that ignores «fit to width» still prints within the margins), row heights computed for wrapped text (programs
do not grow rows on opening: without them wrapped lines overlap), A4 page set-up fitted to one page wide with
repeated header rows and «Trang x/y».

Used by the report .xlsx (reports/report_xlsx.py), the evidence dossier index (par/dossier.py), the «Hướng dẫn»
and «Tài liệu kiểm chứng CCHC» sheets of the agencies' update workbooks (exchange/workbook_export.py) and the
plan appendix .xlsx. openpyxl and reportlab (for the font metrics) are imported by the callers' modules only.
"""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "Times New Roman"
MARGINS = PageMargins(left=0.8, right=0.5, top=0.8, bottom=0.7)        # inches
_A4_INCHES = (8.27, 11.69)
DIGIT_PX = 8       # widest digit of Times New Roman 12 at 96 dpi: the column unit once it is the default font


def font(bold=False, italic=False, size=12, color=None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, color=color)


def use_report_font(wb: Workbook) -> None:
    """Make Times New Roman 12 the workbook's default font. Column widths are counted in digits of the default
    font: with openpyxl's Calibri, a machine without Calibri (LibreOffice substitutes a wider font) printed the
    columns a third wider than planned. (openpyxl has no public setter: font 0 is the default.)"""
    from openpyxl.utils.indexed_list import IndexedList
    wb._fonts = IndexedList([font()] + list(wb._fonts)[1:])


def printable_width(landscape: bool = False) -> float:
    """Column units that fit between the margins of an A4 page at 100 % (a column of w units is
    w·8 + 5 px at 96 dpi with Times New Roman 12 as default font), one unit spare: the sheet prints within
    the page even where a program ignores «fit to width» (LibreOffice cut every paragraph at both margins)."""
    inches = _A4_INCHES[1 if landscape else 0] - MARGINS.left - MARGINS.right
    return float(int((inches * 96 - 5) / DIGIT_PX) - 1)


def wrapped_height(text: str, width_units: float, *, size: float = 12, bold: bool = False) -> float:
    """Row height (points) of ``text`` wrapped in a column of ``width_units``: words measured with the report
    font (Times New Roman metrics), broken greedily like a spreadsheet cell, 1.2 lines of leading."""
    from .fonts import BOLD, REGULAR, register_fonts
    from .reports.grid import word_width

    register_fonts()
    face = BOLD if bold else REGULAR
    room = max((width_units * DIGIT_PX + 5 - 8) * 0.75, 1.0)   # points, less the cell's inner padding
    space = word_width(" ", face, size)
    lines = 0
    for paragraph in str(text or "").split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = word_width(word, face, size)
            if used and used + space + w > room:
                lines += 1 + int(w // room)
                used = w % room
            elif not used and w > room:
                lines += int(w // room)
                used = w % room
            else:
                used += (space if used else 0.0) + w
    return round(max(lines, 1) * size * 1.2 + 3, 1)


def fit_widths(ws: Worksheet, widths: list[float], *, landscape: bool, first_column: int = 1) -> list[float]:
    """Set the columns from ``first_column`` to ``widths`` scaled down (never up) to the printable width of the
    page; returns the widths set."""
    room = printable_width(landscape)
    total = sum(widths)
    scale = min(1.0, room / total) if total else 1.0
    fitted = [max(4.0, round(w * scale, 1)) for w in widths]
    for offset, width in enumerate(fitted):
        ws.column_dimensions[get_column_letter(first_column + offset)].width = width
    return fitted


def _merged_spans(ws: Worksheet) -> tuple[dict[tuple[int, int], float], set[tuple[int, int]]]:
    """Width of each merged range's top-left cell (the merge's columns added up), and the cells a merge spanning
    several rows covers (their text spreads over those rows: left out of the row heights)."""
    widths, tall = {}, set()
    for merged in ws.merged_cells.ranges:
        cols = range(merged.min_col, merged.max_col + 1)
        widths[(merged.min_row, merged.min_col)] = sum(column_width(ws, c) for c in cols)
        if merged.max_row > merged.min_row:
            tall.update((r, c) for r in range(merged.min_row, merged.max_row + 1) for c in cols)
    return widths, tall


def column_width(ws: Worksheet, col: int) -> float:
    return ws.column_dimensions[get_column_letter(col)].width or 13.0


def fit_row_heights(ws: Worksheet, first_row: int = 1, last_row: int | None = None, *,
                    minimum: float | None = None) -> None:
    """Give every row from ``first_row`` to ``last_row`` the height of its tallest wrapped text (cells set to wrap,
    each with its own font size and weight, merged cells across their columns). A row without wrapped text keeps
    its height (a title running over its neighbours is not wrapped)."""
    merged_width, tall = _merged_spans(ws)
    last_row = ws.max_row if last_row is None else last_row
    for row in ws.iter_rows(min_row=first_row, max_row=last_row):
        heights = []
        for cell in row:
            if (not isinstance(cell.value, str) or not cell.value or (cell.row, cell.column) in tall
                    or not (cell.alignment and cell.alignment.wrap_text)):
                continue
            width = merged_width.get((cell.row, cell.column), column_width(ws, cell.column))
            f = cell.font
            heights.append(wrapped_height(cell.value, width, size=float(f.sz or 12) if f else 12.0,
                                          bold=bool(f and f.b)))
        if heights:
            r = row[0].row
            ws.row_dimensions[r].height = max(heights + ([minimum] if minimum else []))


HEADER_FOOTER_DISTANCE = 0.25   # inches from the paper's edge (under every margin of this module: ≥ 0.35")
NARROW_MARGINS = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)   # forms to fill in (update workbooks)


def print_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None = None, footer: bool = True,
                margins: PageMargins = MARGINS) -> None:
    """A4, one page wide (as many pages down as needed), the report margins (or ``margins``), centred, header rows
    repeated."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # the footer («Trang x/y») is printed between the paper's edge + ``footer`` and the bottom margin: openpyxl's
    # default distance (0.5") left 0.1" of the narrow form margins, and LibreOffice cut the page number in half
    ws.page_margins = PageMargins(left=margins.left, right=margins.right, top=margins.top, bottom=margins.bottom,
                                  header=HEADER_FOOTER_DISTANCE, footer=HEADER_FOOTER_DISTANCE)
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if footer:
        ws.oddFooter.center.text = "Trang &P/&N"


def printable_sheet(ws: Worksheet, widths: list[float], *, landscape: bool, header_row: int | None = None,
                    first_row: int = 1, minimum: float | None = None) -> list[float]:
    """The whole treatment for a sheet already filled: columns fitted to the page, rows grown for their wrapped
    text, A4 set-up (``header_row`` repeated on every page). Returns the column widths."""
    fitted = fit_widths(ws, widths, landscape=landscape)
    fit_row_heights(ws, first_row, minimum=minimum)
    print_setup(ws, landscape=landscape, title_rows=f"{header_row}:{header_row}" if header_row else None)
    return fitted


__all__ = ["FONT_NAME", "HEADER_FOOTER_DISTANCE", "MARGINS", "NARROW_MARGINS", "column_width", "fit_row_heights", "fit_widths", "font", "print_setup",
           "printable_sheet", "printable_width", "use_report_font", "wrapped_height"]
