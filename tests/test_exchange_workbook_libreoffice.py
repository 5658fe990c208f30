"""An update workbook edited the way an agency does it, saved through LibreOffice (xlsx → ods → xlsx, as a user
who opens the file in Calc and keeps its own format, then saves as .xlsx again), imported back: every edit lands
or is listed with its sheet and row, the second import changes nothing, the drop-down lists (≤ 255 characters,
from a range) and the sheet protection survive. And the CLI preview of a very long typed text is one short line
with the text's length, not 32 767 characters on the console."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from cchc_desktop.cli import main as cli_main
from cchc_desktop.exchange import apply_workbook_import, export_workbook, read_workbook
from cchc_desktop.exchange.workbook_common import COLUMNS
from cchc_desktop.store import Store
from cchc_desktop.tracking import get_status, list_evidence

COL = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
AGENCY = "Văn phòng HĐND và UBND"


def _plan(store) -> tuple[str, list[str]]:
    plan_id = store.create_plan("xã Quyết Thắng", 2026, doc_number="05/KH-UBND")
    section = store.add_section(plan_id, "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")
    task = store.add_task(section, "Rà soát, đơn giản hóa thủ tục hành chính")
    products = [store.add_product(task, f"Sản phẩm {n}", deadline, [AGENCY]) for n, deadline in
                enumerate(["Trước ngày 30/06/2026", "Quý III/2026", "Tháng 5/2026", "Năm 2026", "Quý II/2026"], 1)]
    return plan_id, products


def _rows(ws) -> dict[str, int]:
    return {str(ws.cell(r, COL["row_id"]).value).split("@")[0]: r for r in range(1, ws.max_row + 1)
            if "@" in str(ws.cell(r, COL["row_id"]).value or "")}


def _edit(path, products, *, long_note: str) -> None:
    """What an agency types: a status from the drop-down and a date typed as text, a real date, a pasted «60%»,
    text with control characters, a very long note, a reason, a row added at the bottom."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    rows = _rows(ws)
    r1, r2, r3, r4, r5 = (rows[p] for p in products)
    ws.cell(r1, COL["status"], "Hoàn thành")
    ws.cell(r1, COL["completed_on"], "30/6/2026")
    ws.cell(r2, COL["status"], "Đang thực hiện")
    ws.cell(r2, COL["percent"], "60%")
    ws.cell(r2, COL["result"], "Đã dự thảo_x0007_ kế hoạch\r\nđang lấy ý kiến")   # BEL as Excel stores it
    ws.cell(r3, COL["status"], "Hoàn thành")
    ws.cell(r3, COL["completed_on"], dt.datetime(2026, 5, 20)).number_format = "dd/mm/yyyy"
    ws.cell(r3, COL["ev_number"], "12/BC-UBND")
    ws.cell(r3, COL["ev_date"], "5/6/2026")
    ws.cell(r3, COL["ev_summary"], "Báo cáo rà soát")
    ws.cell(r4, COL["notes"], long_note)
    ws.cell(r5, COL["status"], "Không thực hiện")
    ws.cell(r5, COL["reason"], "Cấp trên chưa hướng dẫn")
    extra = ws.max_row + 1
    ws.cell(extra, COL["product"], "Sản phẩm cơ quan tự thêm")
    ws.cell(extra, COL["status"], "Hoàn thành")
    wb.save(path)


def _through_libreoffice(path, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for target, source, folder in (("ods", path, tmp_path / "ods"), ("xlsx", tmp_path / "ods" / f"{path.stem}.ods",
                                                                      tmp_path / "back")):
        subprocess.run([soffice, profile, "--headless", "--convert-to", target, "--outdir", str(folder),
                        str(source)], check=True, capture_output=True, timeout=180)
    return tmp_path / "back" / path.name


def test_round_trip_through_libreoffice(store, tmp_path):
    plan_id, products = _plan(store)
    export = export_workbook(store, plan_id, "2026-Q2", tmp_path, agency_id=store.find_agency(AGENCY))
    long_note = "Ghi chú rất dài. " * 1500            # 25 500 characters, under the 32 767 of a cell
    _edit(export.path, products, long_note=long_note)
    back = _through_libreoffice(export.path, tmp_path)

    ws = load_workbook(back).worksheets[0]
    assert ws.protection.sheet                                                 # still protected …
    rows = _rows(ws)
    assert not ws.cell(rows[products[0]], COL["status"]).protection.locked     # … yellow cells open
    assert ws.cell(rows[products[0]], COL["task"]).protection.locked
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(len(dv.formula1 or "") <= 255 and "!" in dv.formula1 for dv in lists)

    preview = read_workbook(store, back)
    assert preview.usable and not preview.errors, [str(e) for e in preview.errors]
    diffs = {(r.product_id, d.field): d.new for r in preview.rows for d in r.diffs}
    p1, p2, p3, p4, p5 = products
    assert diffs[(p1, "status")] == "done" and diffs[(p1, "completed_on")] == "2026-06-30"
    assert diffs[(p2, "percent")] == 60 and diffs[(p2, "status")] == "in_progress"
    assert diffs[(p2, "result")] == "Đã dự thảo kế hoạch\nđang lấy ý kiến"
    assert diffs[(p3, "completed_on")] == "2026-05-20" and diffs[(p3, "ev_date")] == "2026-06-05"
    assert diffs[(p4, "notes")] == " ".join(long_note.split())
    assert diffs[(p5, "reason")] == "Cấp trên chưa hướng dẫn"
    [added] = [i for i in preview.skipped if i.reason == "added"]
    assert added.sheet == "Cập nhật" and added.row == max(rows.values()) + 1

    apply_workbook_import(store, [preview])
    assert get_status(store, p1, "2026")["completed_on"] == "2026-06-30"
    assert get_status(store, p5, "2026")["status"] == "not_done"
    [evidence] = list_evidence(store, p3, "2026")
    assert (evidence["doc_number"], evidence["issued_on"]) == ("12/BC-UBND", "2026-06-05")
    count = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    again = read_workbook(store, back)
    assert again.already_imported and not again.changed_rows
    apply_workbook_import(store, [again])
    assert store.db.query_one("SELECT COUNT(*) FROM change_log")[0] == count


def test_cli_preview_of_a_very_long_text_is_one_short_line(tmp_path, capsys):
    db = tmp_path / "kh.sqlite3"
    store = Store.open(db)
    try:
        plan_id, products = _plan(store)
        (tmp_path / "usb").mkdir()
        export = export_workbook(store, plan_id, "2026-Q2", tmp_path / "usb", agency_id=store.find_agency(AGENCY))
    finally:
        store.close()
    long_note = "x" * 30000
    _edit(export.path, products, long_note=long_note)
    assert cli_main(["--db", str(db), "import-workbooks", str(export.path)]) == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.strip().startswith("Ghi chú:")]
    assert len(line) < 400 and "30.000 ký tự" in line
    # a short text: whole, on one line; the control character Excel stored as «_x0007_» is not shown
    assert "Đã dự thảo kế hoạch đang lấy ý kiến" in out and "_x0007_" not in out
