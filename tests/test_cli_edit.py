"""The data-changing verbs of cchc_desktop/cli_edit.py end to end: output, the database checked with plain SQL, bad
input → exit code 2 and a Vietnamese message (nothing written), each write one undoable operation."""
from __future__ import annotations

import sqlite3

import pytest

from cchc_desktop.cli import main
from cchc_desktop.demo import demo_appendix_path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def sql(db, query, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "kh.sqlite3"
    assert run(capsys, "--db", path, "import", demo_appendix_path())[0] == 0
    return path


def _refused(capsys, db, *argv, needle: str):
    before = sql(db, "SELECT COUNT(*) FROM change_log")[0][0]
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 2, (out, err)
    assert err.startswith("Lỗi:") or "lỗi:" in err
    assert needle in err
    assert sql(db, "SELECT COUNT(*) FROM change_log")[0][0] == before     # nothing written
    return err


def _op_ids(db) -> set[str]:
    return {r[0] for r in sql(db, "SELECT DISTINCT op_id FROM change_log WHERE op_id IS NOT NULL AND op_id != ''")}


def test_status_on_two_products_is_one_operation(db, capsys):
    a, b = (r[0] for r in sql(db, "SELECT id FROM product ORDER BY id LIMIT 2"))
    ops_before = _op_ids(db)
    code, out, _ = run(capsys, "--db", db, "status", "--product", f"{a[:8]},{b[:8]}", "--period", "2026",
                       "--status", "in_progress", "--percent", "40", "--result", "Đang soạn")
    assert code == 0 and "Đã cập nhật tình trạng 2 sản phẩm." in out
    assert sql(db, "SELECT COUNT(*) FROM product_status")[0][0] == 2          # one row each (a fresh plan had none)
    rows = sql(db, "SELECT product_id, status, percent, result FROM product_status WHERE product_id IN (?, ?)",
               (a, b))
    assert sorted(rows) == sorted([(a, "in_progress", 40, "Đang soạn"), (b, "in_progress", 40, "Đang soạn")])
    assert len(_op_ids(db) - ops_before) == 1
    code, out, _ = run(capsys, "--db", db, "status", "--product", a[:8], "--period", "2026", "--status", "done",
                       "--completed", "10/03/2026")
    assert code == 0
    assert sql(db, "SELECT status, completed_on FROM product_status WHERE product_id = ?", (a,)) in \
        ([("done", "2026-03-10")], [("done_late", "2026-03-10")])


@pytest.mark.parametrize("argv, needle", [
    (("status", "--product", "zzzz", "--status", "done"), "Không tìm thấy sản phẩm"),
    (("status", "--product", "{p}", "--period", "2026-Q9", "--status", "done"), "Kỳ «2026-Q9» không hợp lệ"),
    (("status", "--product", "{p}", "--completed", "31/02/2026"), "Ngày hoàn thành «31/02/2026»"),
    (("status", "--product", "{p}", "--percent", "nhiều"), "không phải là số"),
    (("status", "--product", "{p}"), "Không có gì để ghi"),
    (("status", "--product", "{p}", "--status", "xong"), "lựa chọn không hợp lệ"),
    (("evidence", "--product", "{p}", "--type", "Thư"), "Loại văn bản «Thư» không có"),
    (("evidence", "--product", "{p}", "--summary", "x", "--file", "/khong/co/tep.pdf"), "tep.pdf"),
    (("evidence", "--product", "{p}"), "Minh chứng cần ít nhất"),
    (("targets", "--add", "Tỷ lệ"), "cần giá trị chỉ tiêu"),
    (("targets", "--actual", "zzzz", "--period", "2026", "--value", "3"), "Không tìm thấy chỉ tiêu"),
    (("header", "--set", "chu_ky=1"), "--set «chu_ky=1»"),
    (("header", "--set", "sign_mode=XX"), "sign_mode «XX» không hợp lệ"),
    (("report-settings", "--set", "quarter_report_day=muoi"), "không phải là số nguyên"),
    (("plan-properties", "--status", "cu"), "Trạng thái kế hoạch «cu» không có"),
    (("plan-properties", "--year", "1990"), "2000–2100"),
    (("plan-properties", "--year", "năm nay"), "cần một năm"),
    (("renumber", "--scheme", "abc"), "lựa chọn không hợp lệ"),
    (("merge-agencies", "--plan", "zzzz"), "Không tìm thấy kế hoạch"),
])
def test_bad_input_exit_code_2_in_vietnamese(db, capsys, argv, needle):
    product = sql(db, "SELECT id FROM product ORDER BY id LIMIT 1")[0][0][:8]
    argv = tuple(a.replace("{p}", product) for a in argv)
    if "lựa chọn" in needle or "cần một năm" in needle:        # argparse: SystemExit(2), message on stderr
        with pytest.raises(SystemExit) as exit_info:
            main(["--db", str(db), *argv])
        assert exit_info.value.code == 2
        assert needle in capsys.readouterr().err
        return
    _refused(capsys, db, *argv, needle=needle)


def test_evidence_add_list_delete(db, capsys, tmp_path):
    product = sql(db, "SELECT id FROM product ORDER BY id LIMIT 1")[0][0]
    attachment = tmp_path / "qd.pdf"
    attachment.write_bytes(b"%PDF-1.4 quyet dinh")
    code, out, _ = run(capsys, "--db", db, "evidence", "--product", product[:8], "--period", "2026", "--type",
                       "Quyết định", "--number", "12/QĐ-UBND", "--date", "12/05/2026", "--summary", "Ban hành quy chế",
                       "--file", attachment)
    assert code == 0 and "Đã thêm văn bản minh chứng" in out
    rows = sql(db, "SELECT id, doc_type, doc_number, issued_on, summary, file_name, file_sha256 FROM evidence "
                   "WHERE product_id = ?", (product,))
    assert len(rows) == 1
    evidence_id, *values = rows[0]
    import hashlib
    assert values == ["Quyết định", "12/QĐ-UBND", "2026-05-12", "Ban hành quy chế", "qd.pdf",
                      hashlib.sha256(attachment.read_bytes()).hexdigest()]
    code, out, _ = run(capsys, "--db", db, "evidence", "--product", product[:8], "--list")
    assert code == 0 and evidence_id[:8] in out and "12/QĐ-UBND" in out and "1 văn bản minh chứng." in out
    code, out, _ = run(capsys, "--db", db, "evidence", "--delete", evidence_id[:8])
    assert code == 0 and sql(db, "SELECT COUNT(*) FROM evidence WHERE product_id = ?", (product,)) == [(0,)]


def test_targets_add_actual_list_delete(db, capsys):
    plan = sql(db, "SELECT id FROM plan")[0][0]
    before = sql(db, "SELECT COUNT(*) FROM target WHERE plan_id = ?", (plan,))[0][0]
    code, out, _ = run(capsys, "--db", db, "targets", "--add", "Tỷ lệ hồ sơ trực tuyến", "--value", "80,5")
    assert code == 0
    target_id, value, comparison, unit = sql(
        db, "SELECT id, target_value, comparison, unit FROM target WHERE title = 'Tỷ lệ hồ sơ trực tuyến'")[0]
    assert (value, comparison, unit) == (80.5, ">=", "%") and target_id[:8] in out
    assert sql(db, "SELECT COUNT(*) FROM target WHERE plan_id = ?", (plan,))[0][0] == before + 1
    code, out, _ = run(capsys, "--db", db, "targets", "--actual", target_id[:8], "--period", "2026", "--value", "85")
    assert code == 0
    assert sql(db, "SELECT actual_value FROM target_actual WHERE target_id = ? AND period_key = '2026'",
               (target_id,)) == [(85.0,)]
    code, out, _ = run(capsys, "--db", db, "targets", "--period", "2026")
    line = next(x for x in out.splitlines() if x.startswith(target_id[:8]))
    assert "80,5" in line and "kỳ 2026: 85 %" in line
    assert f"{before + 1} chỉ tiêu." in out
    run(capsys, "--db", db, "targets", "--actual", target_id[:8], "--period", "2026", "--clear")
    assert sql(db, "SELECT COUNT(*) FROM target_actual WHERE target_id = ?", (target_id,)) == [(0,)]
    assert run(capsys, "--db", db, "targets", "--delete", target_id[:8])[0] == 0
    assert sql(db, "SELECT COUNT(*) FROM target WHERE id = ?", (target_id,)) == [(0,)]


def test_header_report_settings_plan_properties(db, capsys):
    plan = sql(db, "SELECT id FROM plan")[0][0]
    code, out, _ = run(capsys, "--db", db, "header", "--set", "signer_name=Nguyễn Văn A", "--set", "sign_mode=KT")
    assert code == 0 and "signer_name = Nguyễn Văn A" in out
    assert sql(db, "SELECT signer_name, sign_mode FROM report_header WHERE plan_id = ?", (plan,)) == \
        [("Nguyễn Văn A", "KT")]
    code, out, _ = run(capsys, "--db", db, "report-settings", "--set", "quarter_report_day=20")
    assert code == 0 and "quarter_report_day = 20" in out
    assert sql(db, "SELECT quarter_report_day FROM tracking_settings WHERE plan_id = ?", (plan,)) == [(20,)]
    code, out, _ = run(capsys, "--db", db, "plan-properties", "--number", "12/KH-UBND", "--date", "05/01/2026",
                       "--status", "issued")
    assert code == 0 and "Đã sửa 3 thuộc tính kế hoạch." in out
    assert sql(db, "SELECT doc_number, doc_date, status FROM plan WHERE id = ?", (plan,)) == \
        [("12/KH-UBND", "2026-01-05", "issued")]


def test_renumber_and_merge_agencies(db, capsys):
    plan = sql(db, "SELECT id FROM plan")[0][0]
    code, out, _ = run(capsys, "--db", db, "renumber")
    assert code == 0 and "Chọn cách đánh số lại" in out
    numbers = ("SELECT t.source_stt FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
               "AND t.archived_on = '' ORDER BY s.position, t.position")
    before = [r[0] for r in sql(db, numbers, (plan,))]
    code, out, _ = run(capsys, "--db", db, "renumber", "--scheme", "continuous")
    after = [r[0] for r in sql(db, numbers, (plan,))]
    assert after == [str(n) for n in range(1, len(after) + 1)] and len(after) == len(before)
    changed = sum(1 for old, new in zip(before, after) if old != new)
    assert code == 0 and changed and f"Đã đổi STT của {changed} nhiệm vụ" in out
    # two spellings of one agency on two products of the plan
    a, b = (r[0] for r in sql(db, "SELECT p.id FROM product p JOIN task t ON t.id = p.task_id ORDER BY p.id LIMIT 2"))
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO agency(id, name, match_key, created_at, updated_at) VALUES "
                 "('ag-1', 'Phòng Văn hóa - Xã hội xã', 'phong van hoa xa hoi xa', 'x', 'x'), "
                 "('ag-2', 'Phòng Văn hoá Xã hội xã', 'phong van hoa xa hoi xa 2', 'x', 'x')")
    conn.execute("INSERT INTO product_agency(product_id, agency_id, role, position) VALUES (?, 'ag-1', 'coord', 9), "
                 "(?, 'ag-2', 'coord', 9)", (a, b))
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", db, "merge-agencies")
    assert code == 0 and "Văn hoá Xã hội" in out and "chưa gộp" in out
    assert sql(db, "SELECT COUNT(*) FROM agency WHERE id IN ('ag-1', 'ag-2')") == [(2,)]
    number = next(line.split(".")[0] for line in out.splitlines() if "Văn hoá Xã hội" in line)
    code, out, _ = run(capsys, "--db", db, "merge-agencies", "--apply", "--pick", number)
    assert code == 0 and "Đã gộp 1 tên cơ quan." in out
    assert sql(db, "SELECT COUNT(*) FROM agency WHERE id IN ('ag-1', 'ag-2')") == [(1,)]
    kept = sql(db, "SELECT id FROM agency WHERE id IN ('ag-1', 'ag-2')")[0][0]
    assert sorted(r[0] for r in sql(db, "SELECT product_id FROM product_agency WHERE agency_id = ?", (kept,))) \
        == sorted([a, b])
    _refused(capsys, db, "merge-agencies", "--apply", "--pick", "99", needle="--pick: «99»")


def test_a_cli_write_is_undone_by_the_core_undo(db, capsys):
    """The verb's write is one op-stamped operation: the app's undo (ops.undo) puts the old values back."""
    from cchc_desktop import ops
    from cchc_desktop.store import Store

    plan = sql(db, "SELECT id FROM plan")[0][0]
    ops_before = _op_ids(db)
    assert run(capsys, "--db", db, "header", "--set", "signer_name=Trần Thị B")[0] == 0
    (op_id,) = _op_ids(db) - ops_before
    assert sql(db, "SELECT signer_name FROM report_header WHERE plan_id = ?", (plan,)) == [("Trần Thị B",)]
    store = Store.open(db, actor="tester")
    try:
        ops.undo(store, op_id)
    finally:
        store.close()
    assert sql(db, "SELECT signer_name FROM report_header WHERE plan_id = ?", (plan,)) in ([], [("",)])


def test_an_attachment_that_cannot_be_read_is_named_in_vietnamese(db, capsys, tmp_path, monkeypatch):
    """A permission-denied attachment (open in another program, no rights) gave Python's English text."""
    from cchc_desktop.tracking import evidence

    product = sql(db, "SELECT id FROM product ORDER BY id LIMIT 1")[0][0]
    attachment = tmp_path / "bien-ban.pdf"
    attachment.write_bytes(b"%PDF-1.4")

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(evidence, "sha256_file", refuse)
    err = _refused(capsys, db, "evidence", "--product", product[:8], "--period", "2026", "--type", "Quyết định",
                   "--number", "1/QĐ", "--file", attachment, needle="bien-ban.pdf")
    assert "Permission denied" not in err and "Errno" not in err and "quyền" in err


def test_an_os_error_reaching_the_cli_is_named_not_raw(capsys, monkeypatch, tmp_path):
    from cchc_desktop import cli

    def fail(args):
        raise PermissionError(13, "Permission denied", str(tmp_path / "bao-cao.pdf"))

    monkeypatch.setitem(cli.COMMANDS, "plans", fail)
    code, out, err = run(capsys, "--db", tmp_path / "kh.sqlite3", "plans")
    assert code == 2 and err.startswith("Lỗi:") and "bao-cao.pdf" in err
    assert "Permission denied" not in err and "Errno" not in err
