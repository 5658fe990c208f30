"""`main.py amend` / `rollover` / `period-report`: same preview text as the core, exit 2 on bad input."""
from __future__ import annotations

from cchc_desktop.cli import main
from cchc_desktop.demo import demo_appendix_path
from cchc_desktop.importers import read_appendix
from cchc_desktop.planlife import amend, fiveyear, rollover
from cchc_desktop.store import Store
from planlife_support import dump, revised_layout, write_revised_xlsx

CAPTION = "(Ban hành kèm theo Kế hoạch số 41/KH-UBND ngày 15/07/2026 của UBND xã Xuân Trường)"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _db_with_revision(tmp_path, capsys):
    db = tmp_path / "kh.sqlite3"
    assert run(capsys, "--db", db, "import", demo_appendix_path())[0] == 0
    store = Store.open(db)
    try:
        plan_id = store.list_plans()[0]["id"]
        sections, _ = revised_layout(store, plan_id)
        path = write_revised_xlsx(tmp_path / "dieu-chinh.xlsx", sections, CAPTION)
        expected = amend.preview_text(amend.prepare_amendment(store, plan_id, read_appendix(path)))
    finally:
        store.close()
    return db, path, expected


def test_amend_preview_apply_and_reapply(tmp_path, capsys):
    db, path, expected = _db_with_revision(tmp_path, capsys)
    code, out, _ = run(capsys, "--db", db, "amend", path)
    assert code == 0 and out.startswith(expected) and "chưa ghi gì" in out
    code, out, _ = run(capsys, "--db", db, "amend", path, "--refuse", "1", "--apply")
    assert code == 0 and "1. [Sửa] I.1" in out and "[KHÔNG ÁP DỤNG]" in out
    assert "được điều chỉnh tại Kế hoạch số 41/KH-UBND ngày 15/07/2026" in out
    store = Store.open(db)
    try:
        before = dump(store)
    finally:
        store.close()
    code, out, _ = run(capsys, "--db", db, "amend", path, "--refuse", "1", "--apply")
    assert code == 0 and "Không có gì thay đổi." in out
    store = Store.open(db)
    try:
        assert dump(store) == before
    finally:
        store.close()
    code, out, _ = run(capsys, "--db", db, "amendments")
    assert code == 0 and out.count("đã bỏ theo điều chỉnh số 41/KH-UBND ngày 15/07/2026") == 3


def test_amend_and_rollover_refuse_bad_input(tmp_path, capsys):
    db, path, _ = _db_with_revision(tmp_path, capsys)
    before = db.read_bytes()
    code, _, err = run(capsys, "--db", db, "amend", tmp_path / "khong-co.xlsx")
    assert code == 2 and "khong-co.xlsx" in err
    code, _, err = run(capsys, "--db", db, "amend", path, "--refuse", "999")
    assert code == 2 and "--refuse" in err
    code, _, err = run(capsys, "--db", db, "rollover", "--year", "2020")
    assert code == 2 and "phải sau năm 2026" in err
    assert db.read_bytes() == before


def test_rollover_preview_and_apply(tmp_path, capsys):
    db = tmp_path / "kh.sqlite3"
    run(capsys, "--db", db, "import", demo_appendix_path())
    store = Store.open(db)
    try:
        plan_id = store.list_plans()[0]["id"]
        expected = rollover.preview_text(rollover.prepare_rollover(store, plan_id, 2027))
    finally:
        store.close()
    code, out, _ = run(capsys, "--db", db, "rollover", "--year", "2027")
    assert code == 0 and out.startswith(expected)
    code, out, _ = run(capsys, "--db", db, "rollover", "--year", "2027", "--apply")
    assert code == 0 and "Đã tạo kế hoạch năm 2027" in out
    code, _, err = run(capsys, "--db", db, "rollover", "--year", "2028")
    assert code == 2 and "--plan" in err                  # two plans now: the plan must be named
    code, out, _ = run(capsys, "--db", db, "plans")
    assert out.count("xã Xuân Trường") == 2


def test_five_year_commands(tmp_path, capsys):
    from cchc_desktop.tracking import add_target, set_actual

    db = tmp_path / "kh.sqlite3"
    store = Store.open(db)
    try:
        five = store.create_plan("xã Thiên Tân", 2026, 2030, doc_number="12/KH-UBND", doc_date="2026-01-05")
        yearly = store.create_plan("xã Thiên Tân", 2026, doc_number="01/KH-UBND", doc_date="2026-01-10")
        t5 = add_target(store, five, "Số mô hình mới", 10, ">=", "mô hình")
        t1 = add_target(store, yearly, "Mô hình mới", 4, ">=", "mô hình")
        set_actual(store, t1, "2026", 4)
        task5 = store.add_task(store.add_section(five, "CẢI CÁCH TTHC"), "Nhân rộng mô hình")
        task1 = store.add_task(store.add_section(yearly, "CẢI CÁCH TTHC"), "Mô hình năm 2026")
    finally:
        store.close()
    assert run(capsys, "--db", db, "link-target", "--target", t1[:8], "--parent", t5[:8])[0] == 2   # not linked yet
    assert run(capsys, "--db", db, "link-plan", "--plan", yearly[:8], "--parent", five[:8])[0] == 0
    assert run(capsys, "--db", db, "link-target", "--target", t1[:8], "--parent", t5[:8])[0] == 0
    # the picker's choices (accent-free search), then a task and a target linked one at a time
    code, out, _ = run(capsys, "--db", db, "link-task", "--task", task1[:8], "--search", "nhan rong")
    assert code == 0 and out.splitlines() == [f"{task5[:8]}  Nhiệm vụ I.1. Nhân rộng mô hình"]
    assert run(capsys, "--db", db, "link-task", "--task", task1[:8])[0] == 2          # nothing to link
    code, out, _ = run(capsys, "--db", db, "link-task", "--task", task1[:8], "--parent-task", task5[:8])
    assert code == 0
    code, out, _ = run(capsys, "--db", db, "link-task", "--task", task1[:8], "--parent-target", t5[:8])
    store = Store.open(db)
    try:
        assert fiveyear.task_links(store, yearly) == {task1: (task5, t5)}      # the task link was kept
        assert out.strip() == fiveyear.task_link_text(store, task1)             # the pane's text
        assert "Nhiệm vụ I.1. Nhân rộng mô hình; Chỉ tiêu: Số mô hình mới (≥ 10 mô hình)" in out
        expected = fiveyear.progress_text(store, five)
    finally:
        store.close()
    out_pdf = tmp_path / "giai-doan.pdf"
    code, out, _ = run(capsys, "--db", db, "period-report", "--plan", five[:8], "--out", out_pdf, "--date",
                       "2026-12-31")
    assert code == 0 and out.startswith(expected + "\n")                 # the dashboard tab's cells, as text
    assert "1. Số mô hình mới — Đến năm 2030: ≥ 10 mô hình; 2026: 4; 2027: —" in out and "Tiến độ: 40%" in out
    assert out_pdf.read_bytes().startswith(b"%PDF")
    assert run(capsys, "--db", db, "period-report", "--plan", yearly[:8])[0] == 2        # a yearly plan has none
    assert run(capsys, "--db", db, "link-task", "--task", task1[:8], "--parent-task", "none")[0] == 0
    store = Store.open(db)
    try:
        assert fiveyear.task_links(store, yearly) == {task1: (None, t5)}
    finally:
        store.close()


def test_period_report_of_a_plan_dated_with_a_blank_day(tmp_path, capsys):
    """A five-year plan imported from «ngày … tháng 04 năm 2026» (doc_date "2026-04") is cited with blanks for the
    day; the report is written (it stopped with «Invalid isoformat string»)."""
    from cchc_desktop.planlife.fiveyear import build_period_report
    from cchc_desktop.reports.vnformat import BLANK

    db = tmp_path / "kh.sqlite3"
    store = Store.open(db)
    try:
        five = store.create_plan("xã Thiên Tân", 2026, 2030, doc_number="", doc_date="2026-04")
        yearly = store.create_plan("xã Thiên Tân", 2026, doc_number="01/KH-UBND", doc_date="2026-01-10")
        assert amend.plan_citation(store, five) == f"Kế hoạch ngày {BLANK}/04/2026"     # not «Kế hoạch điều chỉnh»
        import datetime as dt
        report = build_period_report(store, five, dt.date(2026, 12, 31))
        assert f"ngày {BLANK}/04/2026" in report.body
    finally:
        store.close()
    assert run(capsys, "--db", db, "link-plan", "--plan", yearly[:8], "--parent", five[:8])[0] == 0
    out_pdf = tmp_path / "giai-doan.pdf"
    code, _out, err = run(capsys, "--db", db, "period-report", "--plan", five[:8], "--out", out_pdf)
    assert code == 0, err
    assert out_pdf.read_bytes().startswith(b"%PDF")
