"""Issue 11, returned update workbooks: untouched cells never change the master, a file with row
problems still gives its valid rows (and the summary names every skipped row and file), a formula
cell without a cached value is a problem on that cell, never an empty value."""
from openpyxl import load_workbook

from cchc_desktop.cli import main as cli_main
from cchc_desktop.exchange import apply_workbook_import, export_workbook, export_workbooks, read_workbooks
from cchc_desktop.exchange.workbook_common import COLUMNS, ID_MARKER
from cchc_desktop.tracking import get_status, set_status

COL = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
AGENCIES = ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Công an xã"]


def data_rows(ws):
    id_col = next(c.column for row in ws.iter_rows(max_row=10) for c in row
                  if isinstance(c.value, str) and ID_MARKER in c.value)
    return {str(ws.cell(r, id_col).value).split("@")[0]: r for r in range(1, ws.max_row + 1)
            if ws.cell(r, id_col).value and "@" in str(ws.cell(r, id_col).value)}


def log_count(store) -> int:
    return store.db.query_one("SELECT COUNT(*) FROM change_log")[0]


def make_plan(store, per_agency: dict[str, int]) -> tuple[str, dict[str, list[str]]]:
    plan_id = store.create_plan("xã Xuân Trường", 2026)
    section = store.add_section(plan_id, "CẢI CÁCH HÀNH CHÍNH")
    products: dict[str, list[str]] = {}
    for agency, count in per_agency.items():
        task = store.add_task(section, f"Nhiệm vụ của {agency}")
        products[agency] = [store.add_product(task, f"Sản phẩm {i + 1} — {agency}", "Trước ngày 31/12/2026", [agency])
                            for i in range(count)]
    return plan_id, products


def test_untouched_workbook_changes_nothing_whatever_the_text(store, tmp_path):
    plan_id, products = make_plan(store, {AGENCIES[0]: 3})
    p1, p2, p3 = products[AGENCIES[0]]
    # raw texts as they may sit in the master (typed in the app or imported from an older version)
    set_status(store, p1, "2026", status="in_progress", percent=20, result="Kết quả   có  nhiều khoảng trắng",
               notes="Dòng 1\n\n\nDòng 2")
    set_status(store, p2, "2026", status="in_progress", percent=30, result="Văn bản <b>quan trọng</b>")
    set_status(store, p3, "2026", status="in_progress", percent=40, result="Phòng A &amp; phòng B")
    before = {p: get_status(store, p, "2026") for p in (p1, p2, p3)}
    out = tmp_path / "usb"
    out.mkdir()
    export_workbooks(store, plan_id, "2026-Q2", out)
    count = log_count(store)
    previews = read_workbooks(store, out)
    assert [r for p in previews for r in p.changed_rows] == []
    result = apply_workbook_import(store, previews)
    assert (result.rows, result.fields) == (0, 0)
    assert {p: get_status(store, p, "2026") for p in (p1, p2, p3)} == before
    assert log_count(store) == count


def test_agency_typed_text_is_cleaned_and_only_what_it_typed(store, tmp_path):
    plan_id, products = make_plan(store, {AGENCIES[0]: 2})
    p1, p2 = products[AGENCIES[0]]
    set_status(store, p1, "2026", status="in_progress", percent=20, result="Kết quả   cũ", notes="Ghi  chú   cũ")
    set_status(store, p2, "2026", status="in_progress", percent=30, result="Giữ <b>nguyên</b>")
    export = export_workbook(store, plan_id, "2026-Q2", tmp_path, agency_id=store.find_agency(AGENCIES[0]))
    wb = load_workbook(export.path)
    ws = wb.worksheets[0]
    rows = data_rows(ws)
    ws.cell(rows[p1], COL["result"], "Kết quả   mới <b>đậm</b>  &amp; rõ")
    wb.save(export.path)
    [preview] = read_workbooks(store, [export.path])
    [row] = preview.changed_rows
    assert [(d.field, d.new) for d in row.diffs] == [("result", "Kết quả mới đậm & rõ")]
    apply_workbook_import(store, [preview])
    assert get_status(store, p1, "2026")["result"] == "Kết quả mới đậm & rõ"
    assert get_status(store, p1, "2026")["notes"] == "Ghi  chú   cũ"          # untouched: raw text kept
    assert get_status(store, p2, "2026")["result"] == "Giữ <b>nguyên</b>"


def _edit_returned(path, products, *, status="Đang thực hiện", percent=50):
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    rows = data_rows(ws)
    for pid in products:
        ws.cell(rows[pid], COL["status"], status)
        ws.cell(rows[pid], COL["percent"], percent)
    return wb, ws, rows


def test_file_with_an_added_and_a_duplicated_row_still_gives_its_20_valid_rows(store, tmp_path, capsys):
    plan_id, products = make_plan(store, {AGENCIES[0]: 20, AGENCIES[1]: 2, AGENCIES[2]: 2, AGENCIES[3]: 2})
    out = tmp_path / "usb"
    out.mkdir()
    exports = {e.agency_name: e for e in export_workbooks(store, plan_id, "2026-Q2", out)}
    assert len(exports) == 4
    for agency in AGENCIES[1:]:
        wb, _ws, _rows = _edit_returned(exports[agency].path, products[agency])
        wb.save(exports[agency].path)
    wb, ws, rows = _edit_returned(exports[AGENCIES[0]].path, products[AGENCIES[0]], percent=60)
    last = max(rows.values())
    ws.cell(last + 1, COL["product"], "Sản phẩm cơ quan tự thêm")       # added row (no id)
    ws.cell(last + 1, COL["status"], "Hoàn thành")
    for col in range(1, len(COLUMNS) + 1):                                  # first row copied below
        ws.cell(last + 2, col, ws.cell(min(rows.values()), col).value)
    ws.cell(last + 2, COL["percent"], 70)
    wb.save(exports[AGENCIES[0]].path)
    previews = read_workbooks(store, out)
    big = next(p for p in previews if p.path == exports[AGENCIES[0]].path)
    assert big.usable and len(big.changed_rows) == 20
    assert sorted((i.row, i.reason) for i in big.skipped) == [(last + 1, "added"), (last + 2, "duplicate")]
    count_rows = {get_status(store, pid, "2026")["id"] for ps in products.values() for pid in ps}
    assert count_rows == {None}
    result = apply_workbook_import(store, previews)
    assert (result.rows, result.files) == (26, 4)
    assert {get_status(store, pid, "2026")["percent"] for pid in products[AGENCIES[0]]} == {60}
    assert {get_status(store, pid, "2026")["percent"] for a in AGENCIES[1:] for pid in products[a]} == {50}
    # independent count from the database: 26 status rows written
    assert store.db.query_one("SELECT COUNT(*) FROM product_status WHERE status = 'in_progress'")[0] == 26
    text = "\n".join(result.summary_lines())
    assert "Đã cập nhật 26 dòng" in text and "từ 4 tệp" in text
    assert f"dòng {last + 1}" in text and f"dòng {last + 2}" in text and "trùng" in text and "thêm vào" in text


def test_user_refuses_a_whole_file_and_the_summary_names_it(store, tmp_path, capsys):
    plan_id, products = make_plan(store, {AGENCIES[0]: 2, AGENCIES[1]: 2})
    out = tmp_path / "usb"
    out.mkdir()
    exports = {e.agency_name: e for e in export_workbooks(store, plan_id, "2026-Q2", out)}
    for agency in AGENCIES[:2]:
        wb, _ws, _rows = _edit_returned(exports[agency].path, products[agency])
        wb.save(exports[agency].path)
    refused = exports[AGENCIES[1]].path
    db_path = store.db.path
    store.close()
    assert cli_main(["--db", str(db_path), "import-workbooks", str(out), "--apply", "--refuse", refused.name]) == 0
    out_text = capsys.readouterr().out
    assert "Đã cập nhật 2 dòng" in out_text and f"«{refused.name}»: người dùng không nhập tệp này" in out_text
    from cchc_desktop.store import Store
    again = Store.open(db_path, actor="tester")
    assert {get_status(again, pid, "2026")["percent"] for pid in products[AGENCIES[0]]} == {50}
    assert {get_status(again, pid, "2026")["id"] for pid in products[AGENCIES[1]]} == {None}
    again.close()


def test_formula_without_cached_value_is_a_cell_problem_not_an_empty_value(store, tmp_path):
    plan_id, products = make_plan(store, {AGENCIES[0]: 2})
    p1, p2 = products[AGENCIES[0]]
    set_status(store, p1, "2026", status="in_progress", percent=20, result="Đã có kết quả")
    export = export_workbook(store, plan_id, "2026-Q2", tmp_path, agency_id=store.find_agency(AGENCIES[0]))
    wb = load_workbook(export.path)
    ws = wb.worksheets[0]
    rows = data_rows(ws)
    ws.cell(rows[p1], COL["result"], "=CONCATENATE(\"a\",\"b\")")   # openpyxl stores no computed value
    ws.cell(rows[p2], COL["percent"], 40)
    ws.cell(rows[p2], COL["status"], "Đang thực hiện")
    wb.save(export.path)
    [preview] = read_workbooks(store, [export.path])
    [problem] = [e for r in preview.rows for e in r.errors]
    letter = ws.cell(1, COL["result"]).column_letter
    assert (problem.row, problem.column) == (rows[p1], letter) and "công thức" in problem.message
    result = apply_workbook_import(store, [preview])
    assert get_status(store, p1, "2026")["result"] == "Đã có kết quả"
    assert get_status(store, p2, "2026")["percent"] == 40
    assert result.rows == 1 and any(issue.row == rows[p1] for _name, issue in result.skipped_rows)
