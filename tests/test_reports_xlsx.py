"""Every report exports to a printable .xlsx: same values as the PDF, text never a formula, real date cells."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from cchc_desktop.reports.catalog import ReportRequest, build_report, export_xlsx
from cchc_desktop.reports.templates import builtin_template

from reports_support import PERIOD, REF, seed_demo


def _values(ws):
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def _no_formulas(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


@pytest.mark.parametrize("kind,agency", [("periodic", ""), ("reminder", "Phòng Văn hóa - Xã hội"),
                                         ("agency_tasks", "Phòng Kinh tế"), ("agency_tasks", ""),
                                         ("appendix", "")])
def test_export_every_report(store, tmp_path, kind, agency):
    plan_id = seed_demo(store)
    request = ReportRequest(kind, plan_id, PERIOD if kind == "periodic" else "2026", REF, agency=agency)
    path = export_xlsx(store, request, tmp_path / f"{kind}.xlsx")
    wb = load_workbook(path)
    _no_formulas(wb)
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    table_sheets = [ws for ws in wb.worksheets if ws.title != "Nội dung"]
    assert table_sheets and all(ws.print_title_rows for ws in table_sheets)


def test_periodic_xlsx_values_match_the_report(store, tmp_path):
    plan_id = seed_demo(store)
    request = ReportRequest("periodic", plan_id, PERIOD, REF)
    report = build_report(store, request)
    wb = load_workbook(export_xlsx(store, request, tmp_path / "bc.xlsx"))
    assert wb.sheetnames[0] == "Nội dung"
    body = _values(wb["Nội dung"])
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH" in body
    assert any(isinstance(v, str) and report.context["ty_le_hoan_thanh"] in v for v in body)
    ws = wb["Theo lĩnh vực"]
    values = _values(ws)
    total_row = report.tables["bang_linh_vuc"].rows[-1]
    assert "Tổng cộng" in values and total_row[2] in values and isinstance(total_row[2], int)
    # counts are numbers, percentages numbers with a % format (the same share as printed)
    t = report.context
    shares = [c for row in ws.iter_rows() for c in row if c.number_format == "0.0%"]
    assert shares and all(isinstance(c.value, (int, float)) for c in shares)
    assert any(abs(c.value - t["so_hoan_thanh"] / t["so_nhiem_vu"]) < 1e-9 for c in shares)
    # the data date is a real date cell: the Quý I cut-off (REF is after it)
    dates = [c for row in ws.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
    assert dates and dates[0].value.date() == dt.date(2026, 3, 14) and dates[0].number_format == "dd/mm/yyyy"
    appendix = wb["Kết quả nhiệm vụ"]
    assert appendix.page_setup.orientation == "landscape"
    assert "Hoạt động/Sản phẩm" in _values(appendix)
    # numeric STT, real due / completion dates, numeric %, sections fold
    stts = [r[0].value for r in appendix.iter_rows() if isinstance(r[0].value, int)]
    assert stts and all(isinstance(v, int) for v in stts)
    due = [c for row in appendix.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
    assert len(due) > 10 and all(c.number_format == "dd/mm/yyyy" for c in due)
    assert any(c.number_format == "0.0%" and isinstance(c.value, float) for row in appendix.iter_rows() for c in row)
    assert any(d.outline_level == 1 for d in appendix.row_dimensions.values())


def test_formula_injection_neutralised(store, tmp_path):
    plan_id = seed_demo(store)
    template = builtin_template("reminder").with_texts(body="=HYPERLINK(\"http://x\",\"bấm\")\n{{ bang_nhiem_vu }}")
    request = ReportRequest("reminder", plan_id, "2026", REF, agency="Phòng Văn hóa - Xã hội", template=template)
    wb = load_workbook(export_xlsx(store, request, tmp_path / "cv.xlsx"))
    _no_formulas(wb)
    cell = next(c for row in wb["Nội dung"].iter_rows() for c in row if c.value and str(c.value).startswith("=HYP"))
    assert cell.data_type == "s" and cell.quotePrefix
