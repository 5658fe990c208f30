"""`main.py report …`: headless reports through the catalog (same code as the dialog), exit 2 on bad input."""
from __future__ import annotations

import openpyxl
import pytest

from cchc_desktop.cli import main
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.store import Store


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.sqlite3"
    store = Store.open(path)
    create_demo_plan(store)
    store.close()
    return path


def test_periodic_pdf_and_warnings(db, tmp_path, capsys):
    out = tmp_path / "q2.pdf"
    assert main(["--db", str(db), "report", "periodic", "--period", "2026-Q2", "--ref", "15/05/2026",
                 "--number", "05", "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    err = capsys.readouterr().err
    assert "trước ngày chốt số liệu (14/06/2026)" in err and "Chưa có họ tên người ký" in err


def test_register_records_the_report_in_the_register_of_issued_reports(db, tmp_path, capsys):
    import sqlite3

    out = tmp_path / "q1.pdf"
    assert main(["--db", str(db), "report", "periodic", "--period", "2026-Q1", "--ref", "14/03/2026", "--number",
                 "15", "--date", "12/03/2026", "--register", "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "Đã ghi vào sổ báo cáo đã ban hành: kỳ 2026-Q1, số 15/BC-UBND, ngày 12/03/2026" in capsys.readouterr().out
    out2 = tmp_path / "q3.xlsx"         # a number and date of its own, the header left blank
    assert main(["--db", str(db), "report", "periodic", "--period", "2026-Q3", "--ref", "14/09/2026", "--register",
                 "61/BC-UBND", "--register-date", "15/09/2026", "--out", str(out2)]) == 0
    again = main(["--db", str(db), "report", "periodic", "--period", "2026-Q1", "--ref", "14/03/2026", "--number",
                  "15", "--date", "12/03/2026", "--register", "--out", str(out)])
    assert again == 2 and "đã có trong sổ" in capsys.readouterr().err
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT period_key, doc_number, issued_on, source, summary FROM report_issue "
                            "ORDER BY issued_on").fetchall()
        logged = conn.execute("SELECT COUNT(DISTINCT op_id) FROM change_log WHERE entity = 'report_issue'").fetchone()
    conn.close()
    assert [r[:4] for r in rows] == [("2026-Q1", "15/BC-UBND", "2026-03-12", "xuat"),
                                     ("2026-Q3", "61/BC-UBND", "2026-09-15", "xuat")]
    assert rows[0][4].startswith("Báo cáo kết quả") and "quý I năm 2026" in rows[0][4]
    assert logged == (2,)                           # one operation each (undoable)


def test_xlsx_outputs(db, tmp_path):
    for kind in ("appendix", "periodic", "agency_tasks"):
        out = tmp_path / f"{kind}.xlsx"
        assert main(["--db", str(db), "report", kind, "--period", "2026-Q2", "--ref", "20/06/2026",
                     "--out", str(out)]) == 0
        assert openpyxl.load_workbook(out).sheetnames


@pytest.mark.parametrize("args, message", [
    (["nonsense", "--out", "x.pdf"], "Loại báo cáo «nonsense» không có"),
    (["periodic", "--period", "2026-Q7", "--out", "x.pdf"], "Kỳ «2026-Q7» không thuộc kế hoạch"),
    (["periodic", "--ref", "2026-06-14", "--out", "x.pdf"], "không hợp lệ; hãy viết theo dạng ngày/tháng/năm"),
    (["periodic", "--out", "x.odt"], "chỉ xuất được .pdf, .xlsx"),
    (["reminder", "--out", "x.pdf"], "cần tên cơ quan"),
    (["reminder", "--agency", "Phòng Không Có", "--out", "x.pdf"], "Không có cơ quan «Phòng Không Có»"),
    (["periodic", "--plan", "zzzz", "--out", "x.pdf"], "Không tìm thấy kế hoạch"),
    (["periodic", "--period", "2026-Q1", "--register", "--out", "x.pdf"], "cần ngày ban hành"),
    (["periodic", "--register", "--register-date", "31/09/2026", "--out", "x.pdf"], "--register-date"),
    (["appendix", "--register", "--date", "12/03/2026", "--out", "x.pdf"], "chỉ dùng cho báo cáo định kỳ"),
])
def test_bad_input_exit_2(db, tmp_path, capsys, args, message):
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    assert main(["--db", str(db), "report", *args]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("x.*"))


def test_several_plans_need_plan_option(db, tmp_path, capsys):
    store = Store.open(db)
    first = store.list_plans()[0]["id"]
    store.create_plan("An Tường", 2026, unit_kind="phường")
    store.create_plan("Nam Giang", 2026, unit_kind="thị trấn")
    store.close()
    out = tmp_path / "a.pdf"
    assert main(["--db", str(db), "report", "appendix", "--out", str(out)]) == 2
    assert "hãy chọn bằng --plan" in capsys.readouterr().err
    assert main(["--db", str(db), "report", "appendix", "--plan", first[:8], "--out", str(out)]) == 0
