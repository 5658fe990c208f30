"""The plan appendix as a printable .xlsx in the layout of the printed Phụ lục.

Title and caption rows, the six official columns with the column-number row, bold section rows
merged across the table, and a task's STT/content merged vertically over its product rows —
the same shape the importer reads back.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from ..domain import Plan
from ..reports.appendix_pdf import appendix_caption, appendix_title
from ..safe_write import atomic_path
from ..xlsx_print import FONT_NAME, fit_row_heights, fit_widths, print_setup, use_report_font
from ..xlsx_safety import set_text

HEADERS = ("TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
           "Thời gian thực hiện")
WIDTHS = (6, 45, 45, 22, 22, 20)

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def export_appendix_xlsx(plan: Plan, path: str | Path) -> Path:
    """Write the appendix workbook atomically and return its path."""
    wb = Workbook()
    use_report_font(wb)
    ws = wb.active
    ws.title = "Phụ lục"
    ncol = len(HEADERS)
    fit_widths(ws, list(WIDTHS), landscape=True)          # within the page even where fit-to-width is ignored

    def put(row, col, value, *, bold=False, italic=False, align=_WRAP, border=True):
        cell = ws.cell(row, col)
        if isinstance(value, int):
            cell.value = value          # numeric STT: sorts and filters as a number
        else:
            set_text(cell, value)
        cell.font = Font(name=FONT_NAME, size=12, bold=bold, italic=italic)
        cell.alignment = align
        if border:
            cell.border = _BORDER
        return cell

    put(1, 1, "Phụ lục", bold=True, align=_CENTER, border=False)
    put(2, 1, appendix_title(plan), bold=True, align=_CENTER, border=False)
    put(3, 1, appendix_caption(plan), italic=True, align=_CENTER, border=False)
    for row in (1, 2, 3):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)
    header_row = 5
    for col, text in enumerate(HEADERS, start=1):
        put(header_row, col, text, bold=True, align=_CENTER)
        put(header_row + 1, col, str(col), italic=True, align=_CENTER)
    row = header_row + 2
    ws.sheet_properties.outlinePr.summaryBelow = False   # each section row folds the tasks under it
    for section in plan.sections:
        put(row, 1, f"{section.numeral} {section.title}", bold=True)
        for col in range(2, ncol + 1):
            put(row, col, None)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncol)
        row += 1
        for task in section.tasks:
            first = row
            products = task.products or [None]
            for product in products:
                ws.row_dimensions[row].outline_level = 1
                number = task.number
                put(row, 1, (int(number) if number.isdigit() else number) if row == first else None, align=_CENTER)
                put(row, 2, task.content if row == first else None)
                put(row, 3, product.description if product else "")
                put(row, 4, product.lead_names if product else "")
                put(row, 5, product.coordinator_names if product else "")
                put(row, 6, product.deadline_text if product else "")
                row += 1
            if row - first > 1:
                ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
                ws.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
    ws.freeze_panes = ws.cell(header_row + 2, 1)
    fit_row_heights(ws, 1)                                # wrapped rows as tall as their lines (xlsx_print)
    print_setup(ws, landscape=True, title_rows=f"{header_row}:{header_row + 1}")
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target
