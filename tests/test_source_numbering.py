"""The STT as written in the signed plan is kept: imported, printed, cited, continued, renumbered only on request."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.import_commit import commit_draft
from cchc_desktop.importers import read_appendix
from cchc_desktop.numbering import (CONTINUOUS, DOTTED, PER_SECTION, next_stt, plan_scheme, renumber,
                                    restore_numbers)
from cchc_desktop.reports.document import render_pdf
from cchc_desktop.reports.appendix_pdf import appendix_caption, appendix_title, render_plan_appendix
from cchc_desktop.reports.periodic_report import build_periodic_report

from reports_support import page_texts, table_cells
from ward_plan import TITLE, seed_ward_statuses, write_ward_appendix


@pytest.fixture
def ward(store, tmp_path):
    path = tmp_path / "phu-luc-an-tuong.xlsx"
    write_ward_appendix(path)
    plan_id = commit_draft(store, read_appendix(path)).plan_id
    return plan_id


def _numbers(store, plan_id):
    return [r[0] for r in store.db.query(
        "SELECT t.source_stt FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
        "ORDER BY s.position, t.position", (plan_id,))]


def test_continuous_numbers_kept_and_printed(store, ward):
    assert _numbers(store, ward) == [str(n) for n in range(1, 47)]
    assert plan_scheme(store, ward) == CONTINUOUS
    plan = store.load_plan(ward)
    assert [t.number for _, t in plan.iter_tasks()][6:8] == ["7", "8"]   # section II starts at 7, not 1
    assert appendix_title(plan) == TITLE
    # the known month of the plan date is printed, the unknown number and day left blank
    assert "ngày\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0tháng 01 năm 2026" in appendix_caption(plan)
    assert appendix_caption(plan).endswith("của Ủy ban nhân dân phường An Tường)")


def test_appendix_and_report_cite_the_plan_numbers(store, ward, tmp_path):
    path = tmp_path / "pl.pdf"
    render_plan_appendix(store.load_plan(ward), path)
    cells = table_cells(path.read_bytes())
    assert "46" in cells and "37" in cells
    seed_ward_statuses(store, ward)
    report = build_periodic_report(store, ward, "2026-Q2", dt.date(2026, 6, 20))
    appendix_rows = report.appendices[0].table.rows
    stts = [r[0] for r in appendix_rows if len(r) > 1 and r[0]]
    assert stts == [str(n) for n in range(1, 47)]
    overdue = report.tables["bang_qua_han"].rows
    assert overdue and all(r[0] in {str(n) for n in range(1, 47)} for r in overdue)
    text = " ".join(page_texts(render_pdf(report)))
    assert "phường An Tường" in text and "Trang thông tin điện tử của phường" in text


def test_new_task_gets_next_number_in_scheme(store, ward):
    sections = [r[0] for r in store.db.query("SELECT id FROM section WHERE plan_id = ? ORDER BY position",
                                              (ward,))]
    assert next_stt(store, sections[0]) == "47"
    task = store.add_task(sections[1], "Nhiệm vụ bổ sung", position=0)
    assert store.get_row("task", task)["source_stt"] == "47"
    assert _numbers(store, ward)[6] == "47" and _numbers(store, ward)[7] == "7"   # nobody else renumbered
    # per-section plans continue inside the section, dotted plans inside their section prefix
    plan = store.create_plan("Nam Giang", 2026, unit_kind="thị trấn")
    s1, s2 = store.add_section(plan, "MỤC I"), store.add_section(plan, "MỤC II")
    for section, numbers in ((s1, ["1", "2"]), (s2, ["1"])):
        for n in numbers:
            store.add_task(section, f"Việc {n}", source_stt=n)
    assert plan_scheme(store, plan) == PER_SECTION and next_stt(store, s2) == "2"
    dotted = store.create_plan("Xuân Hòa", 2026)
    d1 = store.add_section(dotted, "MỤC I")
    for n in ("1.1", "1.2"):
        store.add_task(d1, n, source_stt=n)
    assert plan_scheme(store, dotted) == DOTTED and next_stt(store, d1) == "1.3"


def test_renumber_is_explicit_and_undoable(store, ward):
    before = _numbers(store, ward)
    undo = renumber(store, ward, PER_SECTION)
    after = _numbers(store, ward)
    assert after[:7] == ["1", "2", "3", "4", "5", "6", "1"]
    assert store.history(next(iter(undo)))[0]["field"] == "source_stt"
    redo = restore_numbers(store, undo)
    assert _numbers(store, ward) == before
    restore_numbers(store, redo)
    assert _numbers(store, ward) == after


def test_import_warning_cites_the_written_number(store, tmp_path):
    import openpyxl

    path = tmp_path / "pl.xlsx"
    write_ward_appendix(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        if row[0].value == 37:
            row[1].value = None        # task 37 without its text
    wb.save(path)
    draft = read_appendix(path)
    assert any("số 37" in str(w) for w in draft.warnings)


def test_appendix_xlsx_numeric_stt_and_sections_fold(store, ward, tmp_path):
    import openpyxl

    from cchc_desktop.exports.appendix_xlsx import export_appendix_xlsx

    path = tmp_path / "pl.xlsx"
    export_appendix_xlsx(store.load_plan(ward), path)
    ws = openpyxl.load_workbook(path).active
    tasks = [r[0].value for r in ws.iter_rows(min_row=7) if r[1].value and r[0].value is not None]
    assert tasks == list(range(1, 47))
    assert any(d.outline_level == 1 for d in ws.row_dimensions.values())
    # and it imports back with the same numbers
    again = commit_draft(store, read_appendix(path)).plan_id
    assert _numbers(store, again) == [str(n) for n in range(1, 47)]
