"""Sheets meant to be printed share one A4 layout (cchc_desktop/xlsx_print.py, QA2 #3): Times New Roman 12 as the
default font, the columns within the printable width of the page (checked here against the A4 size and margins
written in the file), one page wide, wrapped rows as tall as their lines — the evidence dossier index, the «Hướng
dẫn» and «Tài liệu kiểm chứng CCHC» sheets of the update workbook, the data rows of that workbook, and the
report .xlsx (PAR score table, chase list)."""
from __future__ import annotations

import math

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.exchange import export_workbooks
from cchc_desktop.par import catalog, mapping, scoring
from cchc_desktop.par.export import export_all

A4 = (8.27, 11.69)


def _page_units(ws) -> float:
    """Column units (Times New Roman 12: 8 px a digit + 5 px padding at 96 dpi) between the sheet's margins."""
    landscape = ws.page_setup.orientation == "landscape"
    inches = A4[1 if landscape else 0] - ws.page_margins.left - ws.page_margins.right
    return (inches * 96 - 5) / 8


def _check_printable(ws, columns: int, *, first_row: int = 1, wrapped: bool = True) -> None:
    wb_font = ws.parent._fonts[0]
    assert wb_font.name == "Times New Roman" and wb_font.sz == 12
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, columns + 1)]
    assert sum(widths) <= _page_units(ws)
    grown = 0
    for row in ws.iter_rows(min_row=first_row, max_row=ws.max_row):
        for cell in row:
            if not (isinstance(cell.value, str) and cell.alignment.wrap_text) or cell.coordinate in ws.merged_cells:
                continue
            # a text at least twice as long (in characters) as its column is wide takes more than one line
            chars = sum(len(p) for p in cell.value.split("\n"))
            if chars > 2.2 * widths[cell.column - 1]:
                lines = math.floor(chars / (2.2 * widths[cell.column - 1])) + 1
                assert (ws.row_dimensions[cell.row].height or 15) >= 14 * lines, (ws.title, cell.coordinate)
                grown += 1
    assert grown or not wrapped, ws.title        # the check saw wrapped text


@pytest.fixture
def par_plan(store):
    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    mapping.confirm_links(store, plan_id, mapping.propose_links(store, plan_id, catalog_id))
    return store, plan_id, catalog_id


def test_dossier_index_score_table_and_chase_list_fit_the_page(par_plan, tmp_path):
    store, plan_id, catalog_id = par_plan
    from cchc_desktop.ops import par as par_ops
    par_ops.accept_computed(store, plan_id, catalog_id)          # long computed explanations in the table
    a = scoring.assessment(store, plan_id, catalog_id)
    export_all(store, a, tmp_path)
    index = openpyxl.load_workbook(next(tmp_path.rglob("Danh-muc-tai-lieu-kiem-chung.xlsx")))
    ws = index.active
    _check_printable(ws, 10, first_row=2)
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    for name in ("bang-diem-chi-so-cchc-2026.xlsx", "thieu-tai-lieu-kiem-chung-2026.xlsx"):
        book = openpyxl.load_workbook(tmp_path / name)
        for sheet in book.worksheets:
            _check_printable(sheet, sheet.max_column, first_row=4, wrapped=name.startswith("bang"))


def test_update_workbook_help_par_and_data_sheets_fit_the_page(par_plan, tmp_path):
    store, plan_id, _catalog_id = par_plan
    export_workbooks(store, plan_id, "2026-Q4", tmp_path)
    path = sorted(tmp_path.glob("*.xlsx"))[0]
    book = openpyxl.load_workbook(path)
    help_ws = book["Hướng dẫn"]
    _check_printable(help_ws, 1)
    assert help_ws.page_setup.orientation == "portrait"
    par = [ws for ws in book.worksheets if ws.title.startswith("Tài liệu kiểm chứng")]
    for ws in par:
        _check_printable(ws, 7, first_row=5)
    data = book.worksheets[0]
    heights = [data.row_dimensions[r].height for r in range(7, data.max_row + 1)]
    assert heights and all(h and h > 15 for h in heights if h is not None) and any(h and h > 30 for h in heights)


def test_sheet_titles_are_cut_at_a_word_boundary_and_unique():
    from cchc_desktop.xlsx_safety import safe_sheet_title

    long = "Trung tâm Phục vụ hành chính công xã Xuân Trường"
    first = safe_sheet_title(long)
    assert len(first) <= 31 and long.startswith(first) and long[len(first)] == " "
    second = safe_sheet_title(long, taken=[first])
    assert second != first and len(second) <= 31 and second.endswith(" (2)")
    assert long.startswith(second[:-4]) and long[len(second) - 4] == " "
    assert safe_sheet_title("Các cơ quan, đơn vị trên địa bàn xã") == "Các cơ quan, đơn vị trên địa"
    assert safe_sheet_title("a/b:c") == "a-b-c" and safe_sheet_title("  ") == "Bảng"


def test_chase_workbook_has_no_sheet_for_a_group_phrase_and_no_name_cut_mid_word(par_plan, tmp_path):
    from cchc_desktop.agency_groups import is_group

    store, plan_id, catalog_id = par_plan
    leads = {r[0] for r in store.db.query("SELECT DISTINCT a.name FROM product_agency pa JOIN agency a "
                                          "ON a.id = pa.agency_id WHERE pa.role = 'lead'")}
    assert any(is_group(n) for n in leads)                # the demo plan has a group phrase as lead
    a = scoring.assessment(store, plan_id, catalog_id)
    export_all(store, a, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "thieu-tai-lieu-kiem-chung-2026.xlsx")
    names = book.sheetnames
    assert len(set(n.casefold() for n in names)) == len(names)
    full = sorted(leads) + ["(Chưa gắn nhiệm vụ, sản phẩm)", "(Không có cơ quan chủ trì cụ thể)"]
    for name in names:
        source = [n for n in full if n.startswith(name) or n == name]
        assert source, name                                 # every sheet is an agency (or a bucket) …
        assert not any(is_group(n) for n in source if n == name or len(n) <= 31), name   # … never a group
        for n in source:                                    # shortened only at a word boundary
            assert len(n) == len(name) or n[len(name)] == " ", (name, n)
