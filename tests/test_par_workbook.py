"""The agencies' update workbooks carry, when the plan's year has a PAR catalogue, a sheet «Tài liệu kiểm chứng
CCHC» listing the agency's criteria still lacking evidence; what the agency writes there comes back as documents of
those criteria through the usual workbook import (preview old → new, bad cells named, one transaction, undo)."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from cchc_desktop import ops
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.exchange import apply_workbook_import, export_workbooks, read_workbooks
from cchc_desktop.exchange.workbook_export import PAR_MORE_TITLE, PAR_SHEET, par_more_rows
from cchc_desktop.par import catalog, mapping

PERIOD = "2026-Q4"


@pytest.fixture
def linked(store):
    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    mapping.confirm_links(store, plan_id, mapping.propose_links(store, plan_id, catalog_id))
    return store, plan_id, catalog_id


def _linked_leaf_codes(store, plan_id, agency_name):
    """Leaf criteria linked (task or product link) to a product the agency leads, straight from the rows."""
    rows = store.db.query(
        "SELECT DISTINCT c.code FROM par_link l JOIN par_criterion c ON c.id = l.criterion_id "
        "JOIN product p ON (l.kind = 'product' AND p.id = l.target_id) OR (l.kind = 'task' AND p.task_id = l.target_id) "
        "JOIN product_agency pa ON pa.product_id = p.id AND pa.role = 'lead' JOIN agency a ON a.id = pa.agency_id "
        "WHERE l.plan_id = ? AND l.confirmed = 1 AND a.name = ? AND NOT EXISTS "
        "(SELECT 1 FROM par_criterion k WHERE k.parent_id = c.id)", (plan_id, agency_name))
    return {r[0] for r in rows}


def _documents(store):
    return {tuple(r) for r in store.db.query(
        "SELECT c.code, d.doc_number, d.issued_on, d.summary FROM par_document d "
        "JOIN par_criterion c ON c.id = d.criterion_id")}


def _workbook_with_par_sheet(exports):
    """The workbook whose PAR sheet lists the most criteria."""
    best, most = None, 0
    for item in exports:
        wb = openpyxl.load_workbook(item.path)
        try:
            if PAR_SHEET in wb.sheetnames and wb[PAR_SHEET].max_row > most:
                best, most = item, wb[PAR_SHEET].max_row
        finally:
            wb.close()
    assert best is not None, "no workbook has the PAR sheet"
    return best


def test_workbook_lists_the_agencys_criteria_and_brings_documents_back(linked, tmp_path):
    store, plan_id, _catalog_id = linked
    exports = export_workbooks(store, plan_id, PERIOD, tmp_path / "usb")
    item = _workbook_with_par_sheet(exports)

    wb = openpyxl.load_workbook(item.path)                       # the agency opens and fills it
    assert wb.sheetnames[0] == "Cập nhật" and wb[PAR_SHEET].protection.sheet
    ws = wb[PAR_SHEET]
    header = next(r for r in range(1, 15) if ws.cell(r, 1).value == "Mã")
    more = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, 1).value == PAR_MORE_TITLE)
    rows = [r for r in range(header + 1, more) if ws.cell(r, 1).value]
    codes = [ws.cell(r, 1).value for r in rows]
    assert len(rows) >= 2 and len(set(codes)) == len(codes)
    assert set(codes) <= _linked_leaf_codes(store, plan_id, item.agency_name)
    assert all(ws.cell(rows[0], c).protection.locked for c in (1, 2, 3, 4))
    assert not any(ws.cell(rows[0], c).protection.locked for c in (5, 6, 7))
    ws.cell(rows[0], 5, "25/BC-UBND")
    ws.cell(rows[0], 6, dt.datetime(2026, 11, 20))
    ws.cell(rows[0], 7, "Báo cáo kết quả thực hiện")
    ws.cell(rows[1], 5, "26/KH-UBND")
    ws.cell(rows[1], 6, "31/02/2026")                            # no such day
    ws.cell(rows[1], 7, "Kế hoạch tuyên truyền")
    wb.save(item.path)
    wb.close()

    before = _documents(store)
    previews = read_workbooks(store, [item.path])
    assert _documents(store) == before                             # reading writes nothing
    par_rows = [r for r in previews[0].rows if r.par is not None]
    good = next(r for r in par_rows if r.excel_row == rows[0])
    bad = next(r for r in par_rows if r.excel_row == rows[1])
    assert [(d.old_text, d.new_text) for d in good.diffs] == [("", "25/BC-UBND – 20/11/2026 – Báo cáo kết quả thực hiện")]
    assert bad.errors and not bad.diffs
    message = str(bad.errors[0])
    assert f"trang «{PAR_SHEET}»" in message and f"dòng {rows[1]}" in message and "cột F" in message
    assert "31/02/2026" in message and ".." not in message and ".." not in bad.outcome_text

    result = ops.run(store, "Nhập tệp cập nhật", apply_workbook_import, store, previews)
    assert result.value.par_documents == 1
    added = _documents(store) - before
    assert added == {(codes[0], "25/BC-UBND", "2026-11-20", "Báo cáo kết quả thực hiện")}
    assert not any(number == "26/KH-UBND" for _c, number, _d, _s in _documents(store))

    again = read_workbooks(store, [item.path])                     # the same file twice adds nothing
    assert not [d for r in again[0].rows if r.par is not None for d in r.diffs]

    ops.undo(store, result.op_id)
    assert _documents(store) == before


def test_a_malformed_date_alone_changes_nothing(linked, tmp_path):
    store, plan_id, _catalog_id = linked
    item = _workbook_with_par_sheet(export_workbooks(store, plan_id, PERIOD, tmp_path / "usb"))
    wb = openpyxl.load_workbook(item.path)
    ws = wb[PAR_SHEET]
    header = next(r for r in range(1, 15) if ws.cell(r, 1).value == "Mã")
    ws.cell(header + 1, 5, "27/QĐ-UBND")
    ws.cell(header + 1, 6, "ngày mai")
    wb.save(item.path)
    wb.close()
    before = _documents(store)
    previews = read_workbooks(store, [item.path])
    errors = [e for r in previews[0].rows if r.par is not None for e in r.errors]
    assert len(errors) == 1 and errors[0].column == "F" and errors[0].row == header + 1
    result = apply_workbook_import(store, previews)
    assert result.par_documents == 0 and _documents(store) == before
    assert any(issue.row == header + 1 for _name, issue in result.skipped_rows)


def test_without_a_catalogue_the_workbook_is_as_before(store, tmp_path):
    plan_id = create_demo_plan(store)
    for item in export_workbooks(store, plan_id, PERIOD, tmp_path / "usb"):
        wb = openpyxl.load_workbook(item.path)
        assert PAR_SHEET not in wb.sheetnames
        assert wb.sheetnames == ["Cập nhật", "DanhMuc", "Hướng dẫn", "_cchc"]
        wb.close()


def test_several_documents_per_criterion_in_the_block_of_further_rows(linked, tmp_path):
    store, plan_id, _catalog_id = linked
    item = _workbook_with_par_sheet(export_workbooks(store, plan_id, PERIOD, tmp_path / "usb"))
    wb = openpyxl.load_workbook(item.path)
    ws = wb[PAR_SHEET]
    header = next(r for r in range(1, 15) if ws.cell(r, 1).value == "Mã")
    more = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, 1).value == PAR_MORE_TITLE)
    listed = [r for r in range(header + 1, more) if ws.cell(r, 1).value]
    codes = [ws.cell(r, 1).value for r in listed]
    block = list(range(more + 1, more + 1 + par_more_rows(len(listed))))
    assert more == listed[-1] + 2 and len(block) >= 10
    assert all(ws.cell(block[-1], c).value is None for c in range(1, 8))               # blank rows to fill
    assert not any(ws.cell(block[0], c).protection.locked for c in (1, 5, 6, 7))
    assert all(ws.cell(block[0], c).protection.locked for c in (2, 3, 4))
    assert ws.cell(block[0], 1).number_format == "@"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and f"A{block[0]}:A{block[-1]}" in str(lists[0].sqref)
    assert lists[0].formula1 == f"$A${listed[0]}:$A${listed[-1]}"
    dates = next(dv for dv in ws.data_validations.dataValidation if dv.type == "date")
    assert f"F{block[0]}:F{block[-1]}" in str(dates.sqref)
    # the criterion's own row, then two more documents of the same criterion, then three bad rows
    ws.cell(listed[0], 5, "30/KH-UBND")
    ws.cell(listed[0], 7, "Kế hoạch thứ nhất")
    written = [(block[0], codes[0], "31/BC-UBND", dt.datetime(2026, 10, 2), "Báo cáo thứ hai"),
               (block[1], codes[0] + ".", "32/TB-UBND", "05/10/2026", "Thông báo thứ ba"),
               (block[3], "", "33/QĐ-UBND", None, "Không ghi mã"),
               (block[4], "9.9", "34/QĐ-UBND", None, "Mã không có"),
               (block[5], codes[1], "35/KH-UBND", "32/10/2026", "Ngày sai")]
    for r, code, number, day, summary in written:
        ws.cell(r, 1, code or None)
        ws.cell(r, 5, number)
        ws.cell(r, 6, day)
        ws.cell(r, 7, summary)
    wb.save(item.path)
    wb.close()

    before = _documents(store)
    previews = read_workbooks(store, [item.path])
    par_rows = {r.excel_row: r for r in previews[0].rows if r.par is not None}
    assert set(par_rows) == {listed[0]} | {r for r, *_rest in written}            # each document in the preview
    for r in (listed[0], block[0], block[1]):
        assert par_rows[r].diffs and not par_rows[r].errors, r
    refused = {r: str(par_rows[r].errors[0]) for r in (block[3], block[4], block[5])}
    assert all(f"trang «{PAR_SHEET}»" in m and f"dòng {r}" in m for r, m in refused.items())
    assert "cột A" in refused[block[3]] and "Chưa ghi mã tiêu chí" in refused[block[3]]
    assert par_rows[block[3]].label.startswith("Chưa ghi mã tiêu chí: ") and "Tiêu chí :" not in par_rows[block[3]].label
    assert par_rows[block[4]].label.startswith("Tiêu chí 9.9: ")
    assert "cột A" in refused[block[4]] and "9.9" in refused[block[4]]
    assert "cột F" in refused[block[5]] and "32/10/2026" in refused[block[5]]

    result = ops.run(store, "Nhập tệp cập nhật", apply_workbook_import, store, previews)
    assert result.value.par_documents == 3
    assert _documents(store) - before == {(codes[0], "30/KH-UBND", "", "Kế hoạch thứ nhất"),
                                          (codes[0], "31/BC-UBND", "2026-10-02", "Báo cáo thứ hai"),
                                          (codes[0], "32/TB-UBND", "2026-10-05", "Thông báo thứ ba")}
    ops.undo(store, result.op_id)
    assert _documents(store) == before
