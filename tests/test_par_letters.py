"""The công văn asking an agency for the PAR evidence its criteria lack is an editable template kind
(``par_letter``): the built-in template gives the letter's former text word for word, the user's copy is what the
export and the CLI use, a broken template is refused naming its line, and migration 0010 keeps every stored
template while allowing the new kind."""
from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from cchc_desktop.db import Database, latest_version
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.par import catalog, mapping, outputs, scoring
from cchc_desktop.par.export import export_all
from cchc_desktop.reports import catalog as report_catalog
from cchc_desktop.reports.templates import (PAR_LETTER, ReportTemplateError, builtin_template, duplicate_template,
                                            save_template, table_marker)
from cchc_desktop.dates import format_date
from cchc_desktop.reports.vnformat import unit_with_kind

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def linked(store):
    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    mapping.confirm_links(store, plan_id, mapping.propose_links(store, plan_id, catalog_id))
    return store, plan_id, catalog_id


def _former_body(store, plan_id, agency, n, year, reply_by):
    """The body the letter had when it was written in code (commit 0213a0a), rebuilt from the plan row."""
    row = store.db.query_one("SELECT unit_name, unit_kind FROM plan WHERE id = ?", (plan_id,))
    unit = unit_with_kind(row["unit_name"], row["unit_kind"] or "xã")
    due = format_date(reply_by) if reply_by else "ngày …/…/" + str(year)
    return (f"Để hoàn thành việc tự đánh giá, xác định Chỉ số cải cách hành chính năm {year}, Ủy ban nhân dân "
            f"{unit} đề nghị {agency} cung cấp tài liệu kiểm chứng (bản sao văn bản, kèm số, ký hiệu, ngày ban hành "
            f"và trích yếu) cho {n} tiêu chí, tiêu chí thành phần dưới đây:\n"
            f"{table_marker('bang_tai_lieu')}\n"
            f"Đề nghị {agency} gửi tài liệu về Ủy ban nhân dân {unit} (qua công chức phụ trách cải cách hành chính) "
            f"trước {due}; có thể ghi số, ký hiệu, ngày và trích yếu văn bản vào danh sách tiêu chí gửi kèm./.")


@pytest.mark.parametrize("reply_by", [None, dt.date(2026, 12, 20)])
def test_builtin_template_gives_the_former_text(linked, reply_by):
    store, plan_id, catalog_id = linked
    a = scoring.assessment(store, plan_id, catalog_id)
    letters = outputs.chase_letters(store, a, reply_by=reply_by)
    assert letters
    for letter in letters:
        agency = letter.header.recipients_to[0]
        n = len(letter.tables["bang_tai_lieu"].rows)
        assert letter.body == _former_body(store, plan_id, agency, n, 2026, reply_by)
        assert letter.header.recipients_to == [agency]
        assert letter.title == "V/v cung cấp tài liệu kiểm chứng Chỉ số cải cách hành chính năm 2026"


def test_the_users_copy_is_what_the_export_writes(linked, tmp_path):
    store, plan_id, catalog_id = linked
    copy = duplicate_template(store, f"builtin:{PAR_LETTER}", "Công văn của xã")
    body = copy.body.replace("đề nghị {{ co_quan }} cung cấp", "trân trọng đề nghị {{ co_quan }} sớm cung cấp")
    save_template(store, copy.with_texts(body=body))
    a = scoring.assessment(store, plan_id, catalog_id)
    result = export_all(store, a, tmp_path / "out")
    assert "Công văn của xã" in result.templates
    written = sorted((tmp_path / "out" / "Cong-van-de-nghi-tai-lieu-2026").glob("*.docx"))
    assert len(written) == len(outputs.chase_agencies(store, a)) > 0
    text = "\n".join(p.text for p in docx.Document(written[0]).paragraphs)
    assert "trân trọng đề nghị" in text and "sớm cung cấp" in text


def test_a_template_with_a_syntax_error_is_refused_naming_the_line(store):
    copy = duplicate_template(store, f"builtin:{PAR_LETTER}", "Mẫu lỗi")
    with pytest.raises(ReportTemplateError) as err:
        save_template(store, copy.with_texts(body="Dòng một\nDòng hai {{ co_quan ) }}\nDòng ba"))
    assert "dòng 2" in str(err.value) and "Mẫu lỗi" in str(err.value)


def test_a_template_failing_while_rendering_names_the_line(linked, tmp_path):
    store, plan_id, catalog_id = linked
    copy = duplicate_template(store, f"builtin:{PAR_LETTER}", "Mẫu hỏng khi in")
    save_template(store, copy.with_texts(body="Kính gửi\n{{ bang_tai_lieu }}\nĐề nghị {{ co_quan.ten_day_du }}./."))
    a = scoring.assessment(store, plan_id, catalog_id)
    with pytest.raises(ReportTemplateError) as err:
        export_all(store, a, tmp_path / "out")
    assert "dòng 3" in str(err.value) and "ten_day_du" in str(err.value) and "Mẫu hỏng khi in" in str(err.value)
    assert not (tmp_path / "out" / "Cong-van-de-nghi-tai-lieu-2026").exists()     # nothing half written


def test_report_request_builds_one_agencys_letter_and_refuses_another(linked):
    store, plan_id, catalog_id = linked
    a = scoring.assessment(store, plan_id, catalog_id)
    agency, results = next(iter(outputs.chase_agencies(store, a).items()))
    request = report_catalog.ReportRequest(report_catalog.PAR_LETTER, plan_id, "2026", dt.date(2026, 12, 1),
                                           agency=agency)
    letter = report_catalog.build_report(store, request)
    assert [r[0] for r in letter.tables["bang_tai_lieu"].rows] == [r.code for r in results]
    other = report_catalog.ReportRequest(report_catalog.PAR_LETTER, plan_id, "2026", dt.date(2026, 12, 1),
                                         agency="Cơ quan không có")
    with pytest.raises(Exception) as err:
        report_catalog.build_report(store, other)
    assert "Cơ quan không có" in str(err.value) and agency in str(err.value)


def _db_with_own_letter(tmp_path, broken_name: str | None = None):
    """A database with the demo plan, the example PAR index linked, and the user's copy «Mẫu riêng» of the chase
    letter (then a copy ``broken_name`` whose third line fails, saved last); (its path, an agency to chase)."""
    from cchc_desktop.store import Store

    db = tmp_path / "x.sqlite3"
    store = Store.open(db, actor="tester")
    try:
        plan_id = create_demo_plan(store)
        catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
        mapping.confirm_links(store, plan_id, mapping.propose_links(store, plan_id, catalog_id))
        agency = next(iter(outputs.chase_agencies(store, scoring.assessment(store, plan_id, catalog_id))))
        copy = duplicate_template(store, f"builtin:{PAR_LETTER}", "Mẫu riêng")
        save_template(store, copy.with_texts(body=copy.body.replace("Để hoàn thành", "Nhằm kịp hoàn thành")))
        if broken_name:
            broken = duplicate_template(store, f"builtin:{PAR_LETTER}", broken_name)
            save_template(store, broken.with_texts(body="A\nB\nC {{ so_tieu_chi / 0 }}"))
    finally:
        store.close()
    return db, agency


def _cli(db, *args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=300)


def test_cli_uses_the_named_template_and_names_a_broken_line(tmp_path):
    db, agency = _db_with_own_letter(tmp_path, "Mẫu hỏng")
    out = tmp_path / "cv.docx"
    ok = _cli(db, "report", "par_letter", "--agency", agency, "--template", "Mẫu riêng", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert "Nhằm kịp hoàn thành việc tự đánh giá" in text
    bad = _cli(db, "report", "par_letter", "--agency", agency, "--template", "Mẫu hỏng", "--out", str(out))
    assert bad.returncode == 2 and "dòng 3" in bad.stderr and "Mẫu hỏng" in bad.stderr
    unknown = _cli(db, "report", "par_letter", "--agency", agency, "--template", "Không có", "--out", str(out))
    assert unknown.returncode == 2 and "Mẫu riêng" in unknown.stderr       # the names it knows are listed
    export = _cli(db, "par", "export", "--out", str(tmp_path / "usb"))     # the copy saved last: «Mẫu hỏng»
    assert export.returncode == 2 and "dòng 3" in export.stderr


def test_migration_keeps_templates_and_allows_the_letter_kind(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = Database(path, migrate=False)
    old.migrate(target=9)
    stamp = "2026-01-01T00:00:00"
    old.conn.execute("INSERT INTO report_template (id, kind, name, body, created_at, updated_at, version) "
                     "VALUES ('t1', 'par_self', 'Mẫu cũ', 'Nội dung {{ nam }}', ?, ?, 3)", (stamp, stamp))
    old.conn.commit()
    with pytest.raises(sqlite3.IntegrityError):
        old.conn.execute("INSERT INTO report_template (id, kind, name, created_at, updated_at) "
                         "VALUES ('t2', 'par_letter', 'x', ?, ?)", (stamp, stamp))
    old.conn.rollback()
    old.migrate()
    assert old.schema_version == latest_version()
    row = old.query_one("SELECT kind, name, body, version FROM report_template WHERE id = 't1'")
    assert tuple(row) == ("par_self", "Mẫu cũ", "Nội dung {{ nam }}", 3)
    old.conn.execute("INSERT INTO report_template (id, kind, name, created_at, updated_at) "
                     "VALUES ('t2', 'par_letter', 'x', ?, ?)", (stamp, stamp))
    old.conn.commit()
    assert old.query_one("SELECT COUNT(*) FROM report_template")[0] == 2
    old.close()
    assert builtin_template(PAR_LETTER).name.endswith("(mẫu có sẵn)")


def test_cli_without_template_uses_the_copy_saved_last_like_par_export(tmp_path):
    """QA2 #8: «report par_letter» without --template takes the same template as «par export» (the user's copy
    saved last), not the built-in one."""
    db, agency = _db_with_own_letter(tmp_path)
    out = tmp_path / "cv.docx"
    ok = _cli(db, "report", "par_letter", "--agency", agency, "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    assert "Nhằm kịp hoàn thành việc tự đánh giá" in "\n".join(p.text for p in docx.Document(out).paragraphs)
