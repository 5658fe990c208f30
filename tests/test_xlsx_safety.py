import datetime as dt

from openpyxl import Workbook, load_workbook

from cchc_desktop.xlsx_safety import set_date, set_text


def test_formula_like_text_is_stored_as_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    values = ["=HYPERLINK(\"http://x\",\"bấm\")", "+84 912", "-  Lưu: VT, VHXH.", "@SUM(A1)", "bình thường"]
    for row, value in enumerate(values, start=1):
        set_text(ws.cell(row, 1), value)
    set_date(ws.cell(10, 1), dt.date(2026, 3, 5))
    path = tmp_path / "x.xlsx"
    wb.save(path)
    back = load_workbook(path).active
    for row, value in enumerate(values, start=1):
        cell = back.cell(row, 1)
        assert cell.value == value
        assert cell.data_type == "s"
    assert back.cell(1, 1).quotePrefix and not back.cell(5, 1).quotePrefix
    assert back.cell(10, 1).value == dt.datetime(2026, 3, 5)
    assert back.cell(10, 1).number_format == "dd/mm/yyyy"
