"""The headless command line, end to end on real files (no Qt)."""
from __future__ import annotations

import datetime as dt
import zipfile

from openpyxl import load_workbook

from cchc_desktop.cli import main
from cchc_desktop.demo import demo_appendix_path
from cchc_desktop.exchange.workbook_common import COLUMNS, ID_MARKER
from cchc_desktop.store import Store
from cchc_desktop.tracking import get_status

COL = {c.key: i for i, c in enumerate(COLUMNS, start=1)}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_list_and_bad_file(tmp_path, capsys):
    db = tmp_path / "kh.sqlite3"
    code, out, _ = run(capsys, "--db", db, "import", demo_appendix_path())
    assert code == 0 and "7 mục, 39 nhiệm vụ, 46 dòng sản phẩm" in out
    code, out, _ = run(capsys, "--db", db, "list")
    assert code == 0 and "Thời gian: Quý II, III, IV năm 2026 → Hạn: 30/06/2026, 30/09/2026, 31/12/2026" in out
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    before = db.read_bytes()
    code, _, err = run(capsys, "--db", db, "import", bad)
    assert code == 2 and "hong.xlsx" in err and err.startswith("Lỗi:")
    assert db.read_bytes() == before


def test_workbook_round_trip_and_package_between_two_pcs(tmp_path, capsys):
    master, other = tmp_path / "master.sqlite3", tmp_path / "other.sqlite3"
    usb = tmp_path / "usb"
    assert run(capsys, "--db", master, "import", demo_appendix_path())[0] == 0
    code, out, _ = run(capsys, "--db", master, "export-workbooks", "--period", "2026-Q2", "--out", usb)
    # one workbook per lead agency; group phrases («Các cơ quan, đơn vị …») get none
    assert code == 0 and "4 tệp" in out and "cac-co-quan" not in out
    path = usb / "CapNhat_CCHC_2026-Q2_phong-kinh-te.xlsx"
    wb = load_workbook(path)
    ws = next(s for s in wb.worksheets if s.sheet_state == "visible" and s.max_row > 5
              and any(ID_MARKER in str(c.value) for row in s.iter_rows(max_row=10) for c in row if c.value))
    id_col = next(c.column for row in ws.iter_rows(max_row=10) for c in row
                  if isinstance(c.value, str) and ID_MARKER in c.value)
    first = next(r for r in range(1, ws.max_row + 1) if "@" in str(ws.cell(r, id_col).value or ""))
    product_id, _, row_key = str(ws.cell(first, id_col).value).partition("@")
    # the status row the workbook row stands for (a deadline listing quarters has one per listed quarter)
    assert row_key
    ws.cell(first, COL["status"], "Hoàn thành")
    ws.cell(first, COL["completed_on"], dt.datetime(2026, 3, 20))
    ws.cell(first, COL["result"], "Đã ban hành quyết định công khai dự toán")
    wb.save(path)
    code, out, _ = run(capsys, "--db", master, "import-workbooks", usb)
    assert code == 0 and "«Chưa triển khai» → «Hoàn thành»" in out and "chưa ghi gì" in out
    store = Store.open(master)
    try:
        assert get_status(store, product_id, row_key)["status"] == "not_started"
    finally:
        store.close()
    assert run(capsys, "--db", master, "import-workbooks", usb, "--apply")[0] == 0
    store = Store.open(master)
    try:
        status = get_status(store, product_id, row_key)
        assert status["status"] == "done" and status["result"] == "Đã ban hành quyết định công khai dự toán"
    finally:
        store.close()

    package = usb / "xuan-truong.cchc"
    assert run(capsys, "--db", master, "export-package", package)[0] == 0
    code, out, _ = run(capsys, "--db", other, "import-package", package)
    assert code == 0 and "chưa ghi gì" in out
    assert run(capsys, "--db", other, "import-package", package, "--apply")[0] == 0
    store = Store.open(other)
    try:
        assert get_status(store, product_id, row_key)["status"] == "done"
    finally:
        store.close()
    tampered = usb / "sua.cchc"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != "manifest.json" and data:
                data = data.replace(b"Ho\xc3\xa0n th\xc3\xa0nh", b"Ch\xc6\xb0a l\xc3\xa0m", 1) \
                    if b"Ho\xc3\xa0n th\xc3\xa0nh" in data else data + b" "
            target.writestr(info, data)
    before = other.read_bytes()
    code, _, err = run(capsys, "--db", other, "import-package", tampered, "--apply")
    assert code == 2 and err.startswith("Lỗi:") and "không khớp" in err
    assert other.read_bytes() == before


def _entry(capsys, *argv) -> tuple[int, str, str]:
    """main.py as a user runs it: argparse's exits become the exit code."""
    import pytest

    from main import main as entry
    with pytest.raises(SystemExit) as exited:
        entry(list(argv))
    out = capsys.readouterr()
    return exited.value.code, out.out, out.err


ENGLISH = ("usage:", "invalid choice", "the following arguments are required", "show this help message",
           "error:", "options:", "positional arguments", "unrecognized arguments", "invalid int value")


def test_argument_parser_speaks_vietnamese(capsys):
    import argparse

    code, out, err = _entry(capsys, "--help")
    assert code == 0 and out.startswith("Cách dùng: main.py") and "hiện hướng dẫn này rồi thoát" in out
    assert "rollover" in out and not any(word in out for word in ENGLISH)
    code, out, err = _entry(capsys, "rollover", "-h")
    assert code == 0 and "--year YEAR" in out and not any(word in out for word in ENGLISH)
    bad = [(("khong-co-lenh",), "tham số LỆNH: lựa chọn không hợp lệ: 'khong-co-lenh'"),
           (("rollover",), "thiếu tham số bắt buộc: --year"),
           (("rollover", "--year", "abc"), "tham số --year: giá trị không hợp lệ: 'abc' (cần một số nguyên)"),
           (("plans", "--khong-co"), "tham số không nhận ra: --khong-co"),
           (("par",), "thiếu tham số bắt buộc: LỆNH"),
           (("import", "x.xlsx", "--skip", "sai"), "tham số --skip: lựa chọn không hợp lệ: 'sai'")]
    for argv, message in bad:
        code, out, err = _entry(capsys, *argv)
        assert code == 2, argv
        assert err.startswith("Cách dùng: main.py") and f"lỗi: {message}" in err, err
        assert not any(word in err for word in ENGLISH), err
    # other parsers in the process keep argparse's own wording
    assert "usage:" in argparse.ArgumentParser(prog="x").format_usage()
