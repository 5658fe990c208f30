"""The agencies' update workbook as printed (QA): landscape A4 fitted to the page width only, with column widths
that keep the printed text readable (fit-to-width of 14 wide columns printed the sheet at ~40 %: 5 pt text),
wrapped cells, the header row repeated on every page, technical columns hidden and out of the print area."""
from __future__ import annotations

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.exchange import export_workbooks
from cchc_desktop.exchange.workbook_common import COLUMNS

HEADER_ROW = 5
A4_LANDSCAPE_INCHES = 11.69
DIGIT_PX = 8          # Times New Roman 12, the workbook's default font: a column unit (xlsx_print)


def _printed_scale(ws) -> float:
    """The scale a spreadsheet prints at when it fits the print area's visible columns to the page width."""
    first, last = ws.print_area.replace("$", "").split("!")[-1].split(":")
    letters = range(column_index_from_string("".join(c for c in first if c.isalpha())),
                    column_index_from_string("".join(c for c in last if c.isalpha())) + 1)
    from openpyxl.utils import get_column_letter

    widths_px = [ws.column_dimensions[get_column_letter(i)].width * DIGIT_PX + 5 for i in letters
                 if not ws.column_dimensions[get_column_letter(i)].hidden]
    room_px = (A4_LANDSCAPE_INCHES - ws.page_margins.left - ws.page_margins.right) * 96
    return min(1.0, room_px / sum(widths_px))


def test_update_workbook_prints_readable_on_landscape_a4(store, tmp_path):
    plan_id = create_demo_plan(store)
    results = export_workbooks(store, plan_id, "2026-Q2", tmp_path)
    assert results
    for result in results:
        ws = load_workbook(result.path).worksheets[0]
        setup = ws.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}" or ws.print_title_rows == f"{HEADER_ROW}:{HEADER_ROW}"
        # the printed text (Times New Roman 12 on screen) is at least 8 pt on paper
        assert 12 * _printed_scale(ws) >= 8.0, 12 * _printed_scale(ws)
        # technical columns hidden; every visible data cell wraps
        for i, column in enumerate(COLUMNS, start=1):
            letter = ws.cell(1, i).column_letter
            assert ws.column_dimensions[letter].hidden == column.hidden
        for row in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=ws.max_row, max_col=len(COLUMNS)):
            for cell in row:
                assert cell.alignment.wrap_text, cell.coordinate
        # a wrapped text column is wide enough for a few words per line on paper (≥ 14 characters)
        for key in ("task", "product", "result"):
            i = next(n for n, c in enumerate(COLUMNS, start=1) if c.key == key)
            assert ws.column_dimensions[ws.cell(1, i).column_letter].width >= 14
        assert ws.oddFooter.center.text and "&P" in ws.oddFooter.center.text
