"""Two commune offices exchanging on a USB stick, checked against the rule «every change lands, or the user is told
exactly what did not and why; every value that loses a merge is listed and stays restorable from history»: files
refused by name with the database unchanged, edits to a row the other PC deleted listed with their values whatever
the order of changes, conflicts listed with the task's STT and values in words, a package of another unit named."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_desktop.cli import main as cli_main
from cchc_desktop.exchange import (ExchangeError, apply_merge, export_package, export_workbooks, import_package,
                                   list_conflicts, plan_merge, read_package, read_workbooks, restore_conflict)
from cchc_desktop.exchange.workbook_common import COLUMNS
from cchc_desktop.tracking import set_status
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
