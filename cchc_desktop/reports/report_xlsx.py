"""Every report as a printable .xlsx: the same rendered texts and computed tables as the PDF.

Sheet "Nội dung" holds the narrative (headings bold) when the report has one; each table gets its own sheet with
title rows, the header row (repeated when printed), thin borders, wrapped cells, merged section rows and task
cells, A4 landscape fitted to the page width. Text goes through xlsx_safety.set_text (never a formula), dates
through set_date, counts are numbers.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain import Plan
from ..exports.appendix_xlsx import export_appendix_xlsx
from ..safe_write import atomic_path
from ..xlsx_print import fit_widths, print_setup, printable_width, use_report_font, wrapped_height
from ..xlsx_print import font as report_font
from ..xlsx_safety import safe_sheet_title, set_date, set_text
from .document import Ratio, ReportData, TableData
from .templates import body_plain_lines
from .vnformat import upper

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
# total width in Excel character units of a landscape A4 sheet at font 12 (fit to width scales the rest)
LANDSCAPE_CHARS = 190
PORTRAIT_CHARS = 120


def _font(bold=False, italic=False, size=12) -> Font:
    return report_font(bold, italic, size)


def _sheet_name(wb: Workbook, title: str) -> str:
    return safe_sheet_title(title, taken=wb.sheetnames)


def _print_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None) -> None:
    print_setup(ws, landscape=landscape, title_rows=title_rows)


def _put(ws: Worksheet, row: int, col: int, value, *, bold=False, italic=False, align=WRAP, border=True,
         size=12):
    cell = ws.cell(row, col)
    if isinstance(value, bool):
        set_text(cell, "Có" if value else "Không")
    elif isinstance(value, Ratio):
        cell.value = float(value)
        cell.number_format = "0.0%"
    elif isinstance(value, (int, float)):
        cell.value = value
    elif isinstance(value, (_dt.date, _dt.datetime)):
        set_date(cell, value)
    else:
        set_text(cell, value)
    cell.font = _font(bold, italic, size)
    cell.alignment = align
    if border:
        cell.border = BORDER
    return cell


def _merged_row(ws: Worksheet, row: int, ncol: int, value, **style) -> None:
    """One value across the whole table width; with a border, the cells under the merge keep the grid."""
    _put(ws, row, 1, value, **style)
    if style.get("border", True):
        for col in range(2, ncol + 1):
            _put(ws, row, col, None)
    if ncol > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)


def _table_width(ws: Worksheet, ncol: int) -> float:
    return sum(ws.column_dimensions[get_column_letter(c)].width or 13.0 for c in range(1, ncol + 1))


def _title_rows(ws: Worksheet, report: ReportData, subtitle: str, ncol: int, ref_date: _dt.date | None) -> int:
    """Issuer, document title, table title, data date; returns the next free row."""
    issuer = report.header.issuer_name if report.header is not None else report.author
    lines = [(upper(" ".join(issuer.split())), True, False), (upper(report.title), True, False)]
    if subtitle and upper(subtitle) != upper(report.title):
        lines.append((subtitle, True, False))
    row = 1
    for text, bold, italic in lines:
        _merged_row(ws, row, ncol, text, bold=bold, italic=italic, align=CENTER, border=False, size=13)
        ws.row_dimensions[row].height = max(20.0, wrapped_height(text, _table_width(ws, ncol), size=13, bold=bold))
        row += 1
    if ref_date is not None:
        _put(ws, row, 1, "Số liệu đến ngày:", italic=True, border=False, align=Alignment(horizontal="right"))
        if ncol > 2:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol - 1)
        date_cell = ws.cell(row, ncol)
        set_date(date_cell, ref_date)
        date_cell.font = _font(italic=True)
        date_cell.alignment = Alignment(horizontal="left")
        row += 1
    return row + 1


def write_table(ws: Worksheet, table: TableData, report: ReportData, ref_date: _dt.date | None = None,
                subtitle: str = "") -> None:
    printed = len(table.headers)
    headers = list(table.headers) + list(table.extra_headers)
    ncol = len(headers)
    landscape = table.landscape or ncol > 5
    chars = LANDSCAPE_CHARS if landscape else PORTRAIT_CHARS
    total = sum(table.shares)
    # the shares of the page, then every column scaled to the printable width (xlsx_print): printed as planned
    # even where «fit to width» is ignored, and the row heights below are computed for the widths printed
    fit_widths(ws, [max(5.0, chars * share / total) for share in table.shares] + [13.0] * (ncol - printed),
               landscape=landscape)
    row = _title_rows(ws, report, subtitle or table.title, ncol, ref_date)
    header_row = row
    for col, text in enumerate(headers, start=1):
        _put(ws, row, col, text, bold=True, align=CENTER)
    ws.row_dimensions[row].height = max(wrapped_height(text, ws.column_dimensions[get_column_letter(col)].width
                                                       or 13.0, bold=True) for col, text in enumerate(headers, 1))
    row += 1
    if table.number_row:
        for col in range(1, ncol + 1):
            _put(ws, row, col, str(col), italic=True, align=CENTER)
        row += 1
    _print_setup(ws, landscape=landscape, title_rows=f"{header_row}:{row - 1}")
    ws.freeze_panes = ws.cell(row, 1)
    if not table.rows:
        _merged_row(ws, row, ncol, table.empty_text or "Không có dữ liệu.", italic=True)
        return
    first_data = row
    sections = set(table.section_rows)
    bold = set(table.bold_rows)
    in_group = {i for start, end in table.groups if end > start for i in range(start, end + 1)}
    widths = [ws.column_dimensions[get_column_letter(c)].width or 13.0 for c in range(1, ncol + 1)]
    if sections:   # sections fold: the rows under a section row are one outline level down
        ws.sheet_properties.outlinePr.summaryBelow = False
    for i, values in enumerate(table.rows):
        r = first_data + i
        if i in sections:
            _merged_row(ws, r, ncol, values[0] if values else "", bold=True)
            continue
        if sections:
            ws.row_dimensions[r].outline_level = 1
        values = list(values) + [None] * (printed - len(values))
        extra = table.extra_rows[i] if i < len(table.extra_rows) else []
        values = values[:printed] + list(extra) + [None] * (ncol - printed - len(extra))
        for col in range(1, ncol + 1):
            value = values[col - 1]
            if col == 1 and isinstance(value, str) and value.strip().isdigit():
                value = int(value)   # numeric STT sorts and filters as a number
            center = col > printed or table.align[col - 1].upper() in ("CENTER", "CENTRE")
            _put(ws, r, col, value if value != "" else None, bold=i in bold, align=TOP_CENTER if center else WRAP)
        # wrapped cells get their height (programs do not grow rows on opening); cells merged down a group
        # (the task of several products) spread over their rows and are left out
        ws.row_dimensions[r].height = max((wrapped_height(v, widths[c], bold=i in bold) for c, v in enumerate(values)
                                           if isinstance(v, str) and v and not (i in in_group and c < 2)),
                                          default=None)
    for start, end in table.groups:
        for col in (1, 2):
            ws.merge_cells(start_row=first_data + start, start_column=col, end_row=first_data + end, end_column=col)


def write_body(ws: Worksheet, report: ReportData, body: str) -> None:
    width = printable_width(landscape=False)
    ws.column_dimensions["A"].width = width
    row = _title_rows(ws, report, "", 1, None)
    table_titles = {k: t.title for k, t in report.tables.items()}
    for style, text in body_plain_lines(body):
        if style.startswith("table:"):
            key = style.split(":", 1)[1]
            text = f"(Số liệu chi tiết: xem trang tính «{table_titles.get(key, key)}»)"
            _put(ws, row, 1, text, italic=True, border=False)
        else:
            _put(ws, row, 1, text, bold=style in ("h1", "h2", "h3"), italic=style in ("h3", "italic"),
                 border=False)
        ws.row_dimensions[row].height = wrapped_height(text, width, bold=style in ("h1", "h2", "h3"))
        row += 1
    _print_setup(ws, landscape=False, title_rows=None)


def report_workbook(report: ReportData, ref_date: _dt.date | None = None) -> Workbook:
    wb = Workbook()
    use_report_font(wb)
    first = wb.active
    used_first = False
    ref = ref_date
    if ref is None and report.context.get("ngay_bao_cao"):
        try:
            ref = _dt.datetime.strptime(str(report.context["ngay_bao_cao"]), "%d/%m/%Y").date()
        except ValueError:
            ref = None
    if report.body:
        first.title = "Nội dung"
        write_body(first, report, report.body)
        used_first = True
    sheets = list(report.tables.values()) if report.body else []
    for table in sheets:
        if not table.rows and table.key not in report.body:
            continue
        ws = wb.create_sheet(_sheet_name(wb, table.title))
        write_table(ws, table, report, ref)
    for appendix in report.appendices:
        if not used_first:
            ws = first
            ws.title = _sheet_name(wb, appendix.table.title)
            used_first = True
        else:
            ws = wb.create_sheet(_sheet_name(wb, appendix.table.title))
        write_table(ws, appendix.table, report, ref, subtitle=appendix.title)
    return wb


def export_report_xlsx(report: ReportData, path: str | Path, ref_date: _dt.date | None = None) -> Path:
    """Write the report workbook atomically; returns the path."""
    wb = report_workbook(report, ref_date)
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def export_plan_appendix_xlsx(plan: Plan, path: str | Path) -> Path:
    """Template 1 (the plan appendix) as .xlsx: exports/appendix_xlsx.py."""
    return export_appendix_xlsx(plan, path)
