"""Update workbooks: export → edit as a real user would (openpyxl) → import → exact DB state."""
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from cchc_desktop.exchange import (apply_workbook_import, export_workbook, export_workbooks, read_workbook,
                                   read_workbooks)
from cchc_desktop.exchange.workbook_common import COLUMNS, ID_MARKER, parse_date
from cchc_desktop.tracking import get_status, list_evidence, set_status

COL = {c.key: i for i, c in enumerate(COLUMNS, start=1)}


@pytest.fixture
def plan(store):
    plan_id = store.create_plan("xã Xuân Trường", 2026, doc_number="03/KH-UBND")
    section = store.add_section(plan_id, "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")
    task = store.add_task(section, "Rà soát thủ tục hành chính")
    p1 = store.add_product(task, "Báo cáo rà soát TTHC", "Trước ngày 30/06/2026", ["Văn phòng HĐND và UBND"])
    p2 = store.add_product(task, "=HYPERLINK(\"http://x\",\"bấm\")", "Tháng 9/2026", ["Văn phòng HĐND và UBND"])
    p3 = store.add_product(task, "Công khai TTHC", "Quý III/2026", ["Văn phòng HĐND và UBND"])
    other_task = store.add_task(section, "Số hóa hồ sơ")
    p4 = store.add_product(other_task, "Số hóa kết quả giải quyết TTHC", "Trước 31/12/2026", ["Phòng Kinh tế"])
    return {"plan": plan_id, "p1": p1, "p2": p2, "p3": p3, "p4": p4}


def data_rows(ws):
    """{product_id: excel row} found by the hidden id column."""
    id_col = next(c.column for row in ws.iter_rows(max_row=10) for c in row
                  if isinstance(c.value, str) and ID_MARKER in c.value)
    return {str(ws.cell(r, id_col).value).split("@")[0]: r for r in range(1, ws.max_row + 1)
            if ws.cell(r, id_col).value and "@" in str(ws.cell(r, id_col).value)}


def export_vp(store, plan, tmp_path):
    agency = store.find_agency("Văn phòng HĐND và UBND")
    return export_workbook(store, plan["plan"], "2026-Q2", tmp_path, agency_id=agency)


def test_workbook_layout(store, plan, tmp_path):
    result = export_vp(store, plan, tmp_path)
    assert result.rows == 3
    wb = load_workbook(result.path)
    ws = wb.worksheets[0]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.freeze_panes and ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert wb["DanhMuc"].sheet_state == "hidden" and wb["_cchc"].sheet_state == "hidden"
    assert "Hướng dẫn" in wb.sheetnames
    [status_dv] = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert status_dv.formula1.startswith("DanhMuc!$A$1")
    rows = data_rows(ws)
    injected = ws.cell(rows[plan["p2"]], COL["product"])
    assert injected.data_type == "s" and injected.value.startswith("=HYPERLINK")
    assert ws.column_dimensions["O"].hidden
    assert ws.cell(rows[plan["p1"]], COL["completed_on"]).number_format == "dd/mm/yyyy"
    assert not ws.cell(rows[plan["p1"]], COL["status"]).protection.locked
    assert ws.cell(rows[plan["p1"]], COL["task"]).protection.locked
    # unit name "xã Xuân Trường" of kind "xã": not "xã xã Xuân Trường"
    assert ws["A2"].value == "Đơn vị: Xã Xuân Trường — Kế hoạch số 03/KH-UBND năm 2026"


def test_messy_user_round_trip(store, plan, tmp_path):
    set_status(store, plan["p3"], "2026-Q2", status="in_progress", percent=20, result="Đang làm")
    result = export_vp(store, plan, tmp_path)
    wb = load_workbook(result.path)
    ws = wb.worksheets[0]
    ws.title = "Bảng của tôi"                       # renamed sheet
    ws.protection.sheet = False
    rows = data_rows(ws)
    r1, r2, r3 = rows[plan["p1"]], rows[plan["p2"]], rows[plan["p3"]]
    ws.cell(r1, COL["status"], "Hoàn thành")
    ws.cell(r1, COL["completed_on"], "15/3/2026")     # date typed as text
    ws.cell(r1, COL["result"], "Đã ban hành báo cáo")
    ws.cell(r1, COL["ev_number"], "45/BC-UBND")
    ws.cell(r1, COL["ev_date"], "15.3.2026")
    ws.cell(r1, COL["ev_summary"], "Báo cáo rà soát TTHC năm 2026")
    ws.cell(r2, COL["status"], "đang thực hiện")     # lower case, no validation
    ws.cell(r2, COL["percent"], 0.6).number_format = "0%"  # typed 60%
    ws.cell(r2, COL["notes"], "=1+1 là ghi chú")     # text starting with "="
    ws.cell(r2, COL["notes"]).data_type = "s"
    ws.cell(r3, COL["status"], "Hoàn thành quá hạn")
    ws.cell(r3, COL["completed_on"], datetime(2026, 10, 5))
    ws.cell(r3, COL["task"], "Sửa nhầm cột chỉ đọc")  # read-only column edited
    # merged cells: one note for rows 1 and 3 after moving them next to each other is typical; merge r1 notes
    ws.merge_cells(start_row=r1, start_column=COL["reason"], end_row=r1, end_column=COL["reason"] + 0)
    # re-sort: reverse the data rows (values only, as a sort does)
    first, last = min(rows.values()), max(rows.values())
    block = [[ws.cell(r, c).value for c in range(1, len(COLUMNS) + 1)] for r in range(first, last + 1)]
    for offset, values in enumerate(reversed(block)):
        for c, v in enumerate(values, start=1):
            ws.cell(first + offset, c).value = v
            if isinstance(v, str) and v.startswith("="):
                ws.cell(first + offset, c).data_type = "s"   # text stays text when sorted
    for c in (COL["completed_on"], COL["ev_date"]):
        for r in range(first, last + 1):
            if isinstance(ws.cell(r, c).value, datetime):
                ws.cell(r, c).number_format = "dd/mm/yyyy"
    # extra blank rows at the end, and one blank row inserted
    ws.insert_rows(first + 1)
    ws.cell(last + 10, COL["notes"], None)
    wb.save(tmp_path / "returned.xlsx")

    preview = read_workbook(store, tmp_path / "returned.xlsx")
    assert preview.usable and not preview.errors, [str(e) for e in preview.errors]
    assert any("chỉ đọc" in i.message for i in preview.issues)
    diffs = {(r.product_id, d.field): (d.old, d.new) for r in preview.rows for d in r.diffs}
    assert diffs[(plan["p1"], "status")] == ("not_started", "done")
    assert diffs[(plan["p1"], "completed_on")] == ("", "2026-03-15")
    assert diffs[(plan["p2"], "percent")] == (0, 60)
    assert diffs[(plan["p3"], "status")] == ("in_progress", "done_late")
    apply_workbook_import(store, [preview])

    s1 = get_status(store, plan["p1"], "2026")
    assert (s1["status"], s1["percent"], s1["completed_on"], s1["result"]) == ("done", 100, "2026-03-15",
                                                                                "Đã ban hành báo cáo")
    [ev] = list_evidence(store, plan["p1"], "2026")
    assert (ev["doc_number"], ev["issued_on"], ev["summary"]) == ("45/BC-UBND", "2026-03-15",
                                                                  "Báo cáo rà soát TTHC năm 2026")
    s2 = get_status(store, plan["p2"], "2026")
    assert (s2["status"], s2["percent"], s2["notes"]) == ("in_progress", 60, "=1+1 là ghi chú")
    s3 = get_status(store, plan["p3"], "2026")
    assert (s3["status"], s3["completed_on"]) == ("done_late", "2026-10-05")
    assert store.row("task", store.row("product", plan["p3"])["task_id"])["content"] == "Rà soát thủ tục hành chính"
    # history keeps the previous values
    assert any(h["field"] == "status" and h["old_value"] == "in_progress" and h["new_value"] == "done_late"
               for h in store.history(limit=200))
    # the same file a second time changes nothing
    count = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    again = read_workbook(store, tmp_path / "returned.xlsx")
    assert again.already_imported and not again.changed_rows
    apply_workbook_import(store, [again])
    assert store.db.query_one("SELECT COUNT(*) FROM change_log")[0] == count


def test_copied_into_new_workbook_and_validation_errors(store, plan, tmp_path):
    result = export_vp(store, plan, tmp_path)
    src = load_workbook(result.path).worksheets[0]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in src.iter_rows():                       # pasted two rows lower, values only
        for cell in row:
            ws.cell(cell.row + 2, cell.column, cell.value)
    rows = data_rows(ws)
    ws.cell(rows[plan["p1"]], COL["status"], "Xong rồi")            # unknown status
    ws.cell(rows[plan["p2"]], COL["completed_on"], "31/02/2026")     # bad date
    ws.cell(rows[plan["p2"]], COL["status"], "Hoàn thành")
    ws.cell(rows[plan["p3"]], COL["status"], "Không thực hiện")      # reason missing
    extra = max(rows.values()) + 1
    ws.cell(extra, COL["product"], "Sản phẩm cơ quan tự thêm")         # row added
    ws.cell(extra, COL["status"], "Hoàn thành")
    foreign = extra + 1
    other_id = plan["p4"][:-1] + ("1" if plan["p4"].endswith("0") else "0")
    ws.cell(foreign, COL["row_id"], f"{other_id}@2026")                # does not belong to the plan
    ws.cell(foreign, COL["meta"], ws.cell(rows[plan["p1"]], COL["meta"]).value)
    ws.cell(foreign, COL["status"], "Hoàn thành")
    wb.save(tmp_path / "copied.xlsx")
    preview = read_workbook(store, tmp_path / "copied.xlsx")
    messages = [(e.row, e.column, e.message) for e in preview.errors + preview.skipped]
    text = " | ".join(m for _r, _c, m in messages)
    assert {i.reason for i in preview.skipped} == {"added", "foreign"} and preview.usable
    assert "Tình trạng không có trong danh sách" in text and "Ngày không hợp lệ" in text
    assert "lý do" in text and "không có mã dòng" in text and "không thuộc kế hoạch" in text
    assert any(r == rows[plan["p1"]] and c == "F" for r, c, _m in messages)
    before = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    apply_workbook_import(store, [preview])
    assert store.db.query_one("SELECT COUNT(*) FROM change_log")[0] == before


def test_conflict_when_master_changed_after_export_and_per_field_accept(store, plan, tmp_path):
    set_status(store, plan["p1"], "2026", status="in_progress", percent=10, result="Bắt đầu")
    result = export_vp(store, plan, tmp_path)
    set_status(store, plan["p1"], "2026", result="Đầu mối đã sửa")    # master edits after export
    set_status(store, plan["p3"], "2026", notes="Chỉ đầu mối sửa")
    wb = load_workbook(result.path)
    ws = wb.worksheets[0]
    rows = data_rows(ws)
    ws.cell(rows[plan["p1"]], COL["result"], "Cơ quan đã sửa")
    ws.cell(rows[plan["p1"]], COL["percent"], 70)
    wb.save(tmp_path / "back.xlsx")
    [preview] = read_workbooks(store, [tmp_path / "back.xlsx"])
    by_field = {d.field: d for r in preview.rows for d in r.diffs}
    assert by_field["result"].conflict and not by_field["result"].accepted
    assert (by_field["result"].old, by_field["result"].new, by_field["result"].base) == (
        "Đầu mối đã sửa", "Cơ quan đã sửa", "Bắt đầu")
    assert not by_field["percent"].conflict and by_field["percent"].accepted
    assert "notes" not in by_field          # only the master changed it: kept
    apply_workbook_import(store, [preview])
    row = get_status(store, plan["p1"], "2026")
    assert (row["percent"], row["result"]) == (70, "Đầu mối đã sửa")
    assert get_status(store, plan["p3"], "2026")["notes"] == "Chỉ đầu mối sửa"
    # the user now accepts the conflicting field explicitly
    [preview] = read_workbooks(store, [tmp_path / "back.xlsx"])
    [diff] = [d for r in preview.rows for d in r.diffs]
    diff.accepted = True
    apply_workbook_import(store, [preview])
    assert get_status(store, plan["p1"], "2026")["result"] == "Cơ quan đã sửa"


def test_folder_import_one_per_agency(store, plan, tmp_path):
    out = tmp_path / "usb"
    out.mkdir()
    results = export_workbooks(store, plan["plan"], "2026-Q2", out)
    assert len(results) == 2
    for result in results:
        wb = load_workbook(result.path)
        ws = wb.worksheets[0]
        for r in data_rows(ws).values():
            ws.cell(r, COL["status"], "Đang thực hiện")
            ws.cell(r, COL["percent"], 50)
        wb.save(result.path)
    (out / "~$lock.xlsx").write_bytes(b"junk")
    (out / "ghi-chu.txt").write_text("x")
    previews = read_workbooks(store, out)
    assert len(previews) == 2 and all(p.usable for p in previews)
    apply_workbook_import(store, previews)
    assert {get_status(store, p, "2026")["percent"] for p in ("p1", "p2", "p3", "p4") for p in [plan[p]]} == {50}


@pytest.mark.parametrize("text, expected", [("15/3/2026", date(2026, 3, 15)), ("15-03-2026", date(2026, 3, 15)),
                                            ("15.3.2026", date(2026, 3, 15)), ("2026-03-15", date(2026, 3, 15)),
                                            (46096, date(2026, 3, 15)), ("", None)])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_merged_cells_apply_to_every_row(store, plan, tmp_path):
    result = export_vp(store, plan, tmp_path)
    wb = load_workbook(result.path)
    ws = wb.worksheets[0]
    rows = sorted(data_rows(ws).values())
    ws.cell(rows[0], COL["notes"], "Ghi chú chung")
    ws.merge_cells(start_row=rows[0], start_column=COL["notes"], end_row=rows[-1], end_column=COL["notes"])
    wb.save(tmp_path / "merged.xlsx")
    apply_workbook_import(store, [read_workbook(store, tmp_path / "merged.xlsx")])
    assert {get_status(store, plan[p], "2026")["notes"] for p in ("p1", "p2", "p3")} == {"Ghi chú chung"}


def test_an_undone_workbook_import_no_longer_reads_as_imported(store, plan, tmp_path):
    """QA9: Ctrl+Z of «Nhập tệp cập nhật» also takes back its «đã nhập trước đây» mark; redo puts it back."""
    from cchc_desktop import ops
    from cchc_desktop.ops import exchange as exchange_ops

    result = export_vp(store, plan, tmp_path)
    wb = load_workbook(result.path)
    ws = wb.worksheets[0]
    ws.protection.sheet = False
    ws.cell(data_rows(ws)[plan["p1"]], COL["percent"], 40)
    wb.save(tmp_path / "returned.xlsx")
    done = exchange_ops.import_workbooks(store, [read_workbook(store, tmp_path / "returned.xlsx")])
    assert get_status(store, plan["p1"], "2026")["percent"] == 40
    assert read_workbook(store, tmp_path / "returned.xlsx").already_imported
    undone = ops.undo(store, done.op_id)
    assert store.db.query_one("SELECT state FROM exchange_import WHERE kind = 'workbook'")[0] == "undone"
    again = read_workbook(store, tmp_path / "returned.xlsx")
    assert not again.already_imported and again.changed_rows
    ops.redo(store, undone.op_id)
    assert read_workbook(store, tmp_path / "returned.xlsx").already_imported
