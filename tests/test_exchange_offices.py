"""Two commune offices exchanging on a USB stick, checked against the rule «every change lands, or the user is told
exactly what did not and why; every value that loses a merge is listed and stays restorable from history»: files
refused by name with the database unchanged, edits to a row the other PC deleted listed with their values whatever
the order of changes, conflicts listed with the task's STT and values in words, a package of another unit named."""
from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_desktop.cli import main as cli_main
from cchc_desktop.exchange import (ExchangeError, apply_merge, export_package, export_workbooks,
                                   list_conflicts, plan_merge, read_package, read_workbooks, restore_conflict)
from cchc_desktop.exchange.workbook_common import COLUMNS
from cchc_desktop.tracking import set_status
from cchc_desktop.tracking.timeliness import STATUS_LABELS
from test_exchange_merge_nothing_lost import logged_values
from test_exchange_workbook_nothing_lost import data_rows
from exchange_support import make_plan, pair, send  # noqa: F401 - pair is a fixture


COL = {c.key: i for i, c in enumerate(COLUMNS, start=1)}


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def rewrite(src: Path, dst: Path, **manifest_changes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest.update(manifest_changes)
                data = json.dumps(manifest).encode()
            elif info.filename == "data/task.jsonl" and not manifest_changes:
                data = data.replace("Kiểm tra".encode(), "Kiểm tra (sửa tay)".encode())
            zout.writestr(info.filename, data)
    return dst


def preview(src, dst, path: Path):
    export_package(src, path)
    return plan_merge(dst, read_package(path, local_schema=dst.db.schema_version))


# -- 3. crash safety: every refusal names the file, the database stays byte for byte ---------------------------
@pytest.mark.parametrize("damage", ["newer_schema", "newer_format", "tampered", "truncated", "own"])
def test_a_refused_package_is_named_in_the_message_and_changes_nothing(pair, tmp_path, damage, capsys):
    a, b = pair
    make_plan(a)
    good = tmp_path / "xa-xuan-truong.cchc"
    export_package(a, good)
    bad = tmp_path / "goi-tu-may-A.cchc"
    if damage == "newer_schema":
        rewrite(good, bad, schema_version=99, app_version="9.9")
    elif damage == "newer_format":
        rewrite(good, bad, format_version=2)
    elif damage == "tampered":
        rewrite(good, bad)
    elif damage == "truncated":
        bad.write_bytes(good.read_bytes()[:-200])
    else:       # a PC importing its own package
        bad = good
        b = a
    b.close()
    db = Path(b.db.path)
    before = file_hash(db)
    assert cli_main(["--db", str(db), "import-package", str(bad), "--apply"]) == 2
    err = capsys.readouterr().err
    assert f"«{bad.name}»" in err, err
    assert file_hash(db) == before


def test_a_workbook_written_by_a_newer_app_is_refused_by_name(store, tmp_path, capsys):
    ids = make_plan(store)
    out = tmp_path / "usb"
    export_workbooks(store, ids["plan"], "2026", out)
    path = sorted(out.glob("*.xlsx"))[0]
    wb = load_workbook(path)
    meta = wb["_cchc"]
    row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "format")
    meta.cell(row, 2).value = "cchc-update-workbook/2"
    ws = wb.worksheets[0]
    first = min(data_rows(ws).values())
    ws.cell(first, COL["status"]).value = "Đã hoàn thành"
    wb.save(path)
    log = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    [found] = read_workbooks(store, [path])
    assert not found.usable and "phiên bản mới hơn" in found.issues[0].message
    store.close()
    assert cli_main(["--db", str(store.db.path), "import-workbooks", str(path), "--apply"]) == 0
    out_text = capsys.readouterr().out
    assert f"«{path.name}»" in out_text and "phiên bản mới hơn" in out_text
    from cchc_desktop.store import Store
    again = Store.open(store.db.path, actor="x")
    try:
        assert again.db.query_one("SELECT COUNT(*) FROM change_log")[0] == log
        assert again.db.query_one("SELECT COUNT(*) FROM product_status")[0] == 0
    finally:
        again.close()


# -- 1. one PC deletes a task, the other edits it: every edit listed with its value, whatever the order ----------
@pytest.mark.parametrize("edits_first", [True, False])
def test_edits_of_a_task_deleted_on_the_other_pc_are_listed_with_their_values(pair, tmp_path, capsys, edits_first):
    a, b = pair
    ids = make_plan(a)
    set_status(a, ids["p1"], "2026", status="in_progress", percent=10, result="Bắt đầu")
    send(a, b, tmp_path / "0.cchc")

    def edit_on_b():
        b.update("product", ids["p1"], deadline_text="Quý IV/2026")
        set_status(b, ids["p1"], "2026", status="done", completed_on="2026-03-05", result="Đã ban hành KH số 5")

    def delete_on_a():
        for i in range(8):     # A's clock runs ahead of B's: its deletion comes after B's edits in the order
            a.update("task", ids["t2"], content=f"Kiểm tra công tác CCHC ({i})")
        a.delete("task", ids["t1"])

    if edits_first:
        edit_on_b()
        delete_on_a()
    else:
        delete_on_a()
        for _ in range(12):
            b.update("task", ids["t2"], content="Kiểm tra")
        edit_on_b()
    plan = preview(b, a, tmp_path / "b.cchc")
    lost = {(c.table, c.field): c.new for c in plan.lost}
    assert lost[("product", "deadline_text")] == "Quý IV/2026"
    assert lost[("product_status", "result")] == "Đã ban hành KH số 5"
    status = lost[("product_status", "status")]
    assert status in ("done", "done_late")
    text = "\n".join(plan.notes)
    assert "«Quý IV/2026»" in text and "«Đã ban hành KH số 5»" in text
    assert f"«{STATUS_LABELS[status]}»" in text and f"«{status}»" not in text
    assert "giá trị máy kia sửa trên dòng đã xóa" in plan.summary()
    result = apply_merge(a, plan)
    assert result.conflicts == len(plan.lost) + len(plan.conflicts)
    assert a.row("task", ids["t1"]) is None                       # the deletion stands
    kept = {(c.entity, c.field): c for c in list_conflicts(a)}
    deadline = kept[("product", "deadline_text")]
    assert deadline.text(deadline.local_value) == "(đã xóa ở máy này)"
    assert deadline.text(deadline.remote_value) == "Quý IV/2026"
    assert kept[("product_status", "completed_on")].text("2026-03-05") == "05/03/2026"
    for entity, field, value in (("product", "deadline_text", "Quý IV/2026"),
                                 ("product_status", "result", "Đã ban hành KH số 5")):
        assert value in logged_values(a, entity, field)                 # in the history of both PCs
        assert value in logged_values(b, entity, field)
    with pytest.raises(ExchangeError) as info:                   # restoring says why and what to do first
        restore_conflict(a, deadline.id)
    assert "đã bị xóa" in info.value.message and "Hoàn tác" in info.value.message
    a.close()
    assert cli_main(["--db", str(a.db.path), "conflicts"]) == 0
    out = capsys.readouterr().out
    assert "(đã xóa ở máy này)" in out and "Quý IV/2026" in out and "giữ việc xóa" in out


def test_status_values_in_conflicts_read_in_words(pair, tmp_path, capsys):
    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    set_status(a, ids["p2"], "2026", status="done", completed_on="2026-06-10")
    set_status(b, ids["p2"], "2026", status="not_done", reason="Chưa bố trí kinh phí")
    export_package(a, tmp_path / "a.cchc")
    b.close()
    assert cli_main(["--db", str(b.db.path), "import-package", str(tmp_path / "a.cchc"), "--apply"]) == 0
    out = capsys.readouterr().out
    status = json.loads(next(r[0] for r in _conflict_values(b.db.path)))
    words = STATUS_LABELS[status]
    assert f"«{words}»" in out and f"«{status}»" not in out, out
    assert cli_main(["--db", str(b.db.path), "conflicts"]) == 0
    out = capsys.readouterr().out
    assert words in out and f"«{status}»" not in out, out


def _conflict_values(path):
    import sqlite3
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT remote_value FROM exchange_conflict WHERE field = 'status'").fetchall()


def test_a_package_of_another_commune_is_named_before_it_is_merged(pair, tmp_path, capsys):
    a, b = pair
    make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    assert not any("không có trên máy này" in n for n in preview(a, b, tmp_path / "same.cchc").notes)
    other = b.__class__.open(tmp_path / "c.sqlite3", actor="C")
    plan_id = other.create_plan("xã Hải Hậu", 2026)
    other.add_product(other.add_task(other.add_section(plan_id, "CHỈ ĐẠO"), "Nhiệm vụ"), "Báo cáo", "Quý II/2026")
    export_package(other, tmp_path / "hai-hau.cchc")
    other.close()
    b.close()
    assert cli_main(["--db", str(b.db.path), "import-package", str(tmp_path / "hai-hau.cchc")]) == 0
    out = capsys.readouterr().out
    assert "«xã Hải Hậu»" in out and "«xã Xuân Trường»" in out and "không có trên máy này" in out, out


def test_undoing_a_merge_keeps_the_status_this_pc_recorded(pair, tmp_path):
    """Both PCs record the first status of the same product (one row by its natural key): undoing the merge must
    give back this PC's row, not delete it (the peer's insert was mapped onto it, never applied here)."""
    from cchc_desktop import ops
    from cchc_desktop.ops import exchange as exchange_ops
    from planlife_support import dump

    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    set_status(a, ids["p2"], "2026", status="in_progress", percent=30, result="KQ A")
    a.update("product", ids["p1"], deadline_text="Quý IV/2026")
    set_status(b, ids["p2"], "2026", status="in_progress", percent=60, result="KQ B")
    plan = preview(a, b, tmp_path / "a.cchc")
    before = dump(b, bookkeeping=False)
    merged = exchange_ops.merge_package(b, plan, confirm=False)
    assert b.row("product", ids["p1"])["deadline_text"] == "Quý IV/2026"
    ops.undo(b, merged.op_id)
    after = dump(b, bookkeeping=False)
    for table in ("plan", "section", "task", "product", "product_status", "product_agency", "evidence"):
        assert after[table] == before[table], table
