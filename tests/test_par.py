"""Year-end PAR Index self-assessment (issue #17): catalogue import and validation, link proposals, scoring with
caps/explanations/computed rules, totals, last year side by side, outputs and the evidence dossier.

Expected figures are counted here from the database rows and the catalogue table, never through the code under
test."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from cchc_desktop import ops
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.filenames import windows_safe_name
from cchc_desktop.importers.model import ImportFailure
from cchc_desktop.par import catalog, dossier, mapping, outputs, scoring
from cchc_desktop.resources import resource_path
from cchc_desktop.store import StoreError
from cchc_desktop.tracking.evidence import add_evidence
from cchc_desktop.tracking.status import set_status

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["STT", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Điểm tối đa", "Hướng dẫn chấm điểm",
           "Tài liệu kiểm chứng", "Cách tính tự động"]


def example_rows() -> list[dict]:
    return json.loads(resource_path(*catalog.EXAMPLE_FILE).read_text(encoding="utf-8"))["criteria"]


def province_xlsx(path: Path, rows: list[dict] | None = None) -> Path:
    """A catalogue laid out as a province sends it: title lines, the header, a column-number row, then rows."""
    rows = example_rows() if rows is None else rows
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bo chi so"
    ws.append(["BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP XÃ"])
    ws.append(["(Ban hành kèm theo Quyết định số    /QĐ-UBND)"])
    ws.append([])
    ws.append(HEADERS)
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    for r in rows:
        ws.append([r["code"], r["title"], r["max"], r.get("guide", ""), r.get("docs", ""), r.get("rule", "")])
    wb.save(path)
    return path


def province_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP XÃ")
    rows = example_rows()
    table = document.add_table(rows=1 + len(rows), cols=len(HEADERS))
    for i, text in enumerate(HEADERS):
        table.cell(0, i).text = text
    for n, r in enumerate(rows, 1):
        for i, value in enumerate([r["code"], r["title"], str(r["max"]).replace(".", ","), r.get("guide", ""),
                                   r.get("docs", ""), r.get("rule", "")]):
            table.cell(n, i).text = value
    document.save(path)
    return path


@pytest.fixture
def demo(store):
    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    return store, plan_id, catalog_id


def count(store, sql, params=()):
    return store.db.query_one(sql, params)[0]


# ------------------------------------------------------------------------------------------------ catalogue

@pytest.mark.parametrize("maker", [province_xlsx, province_docx])
def test_catalogue_from_province_table_has_areas_criteria_and_points(store, tmp_path, maker):
    path = maker(tmp_path / ("bo-chi-so" + (".xlsx" if maker is province_xlsx else ".docx")))
    draft = catalog.read_catalog(path, 2026)
    catalog_id = catalog.commit_catalog(store, draft)
    rows = example_rows()
    assert count(store, "SELECT COUNT(*) FROM par_criterion WHERE catalog_id = ?", (catalog_id,)) == len(rows)
    areas = [r for r in rows if "." not in r["code"]]
    assert len(areas) == 8
    assert count(store, "SELECT COUNT(*) FROM par_criterion WHERE catalog_id = ? AND level = 1", (catalog_id,)) == 8
    criteria = [r for r in rows if r["code"].count(".") == 1]
    assert count(store, "SELECT COUNT(*) FROM par_criterion WHERE catalog_id = ? AND level = 2",
                 (catalog_id,)) == len(criteria) >= 25
    assert store.db.query_one("SELECT SUM(max_points) FROM par_criterion WHERE catalog_id = ? AND level = 1",
                              (catalog_id,))[0] == sum(r["max"] for r in areas) == 100
    child = store.db.query_one("SELECT c.code, p.code FROM par_criterion c JOIN par_criterion p ON p.id = c.parent_id "
                               "WHERE c.code = '7.1.2'")
    assert tuple(child) == ("7.1.2", "7.1")
    rule = store.db.query_one("SELECT rule FROM par_criterion WHERE code = '3.2'")[0]
    assert rule == "chi_tieu: dung han"


def test_catalogue_whose_points_do_not_add_up_is_refused_with_the_row(store, tmp_path):
    rows = example_rows()
    bad = [dict(r) for r in rows]
    for r in bad:
        if r["code"] == "7.1.2":
            r["max"] = 1                       # 7.1 keeps 5 while 3 + 1 = 4
    path = province_xlsx(tmp_path / "sai.xlsx", bad)
    with pytest.raises(ImportFailure) as info:
        catalog.read_catalog(path, 2026)
    message = str(info.value)
    row_of_71 = 5 + next(i for i, r in enumerate(bad, 1) if r["code"] == "7.1")
    assert f"dòng {row_of_71}" in message and "7.1" in message and "4" in message and "sai.xlsx" in message
    assert count(store, "SELECT COUNT(*) FROM par_catalog") == 0


def test_catalogue_with_a_repeated_code_or_bad_rule_is_refused(tmp_path):
    rows = [dict(r) for r in example_rows()]
    rows[3]["code"] = rows[2]["code"]
    with pytest.raises(ImportFailure, match="bị trùng"):
        catalog.read_catalog(province_xlsx(tmp_path / "trung.xlsx", rows), 2026)
    rows = [dict(r) for r in example_rows()]
    rows[3]["rule"] = "hoan_thanh; nhieu"
    with pytest.raises(ImportFailure, match="Cách tính tự động"):
        catalog.read_catalog(province_xlsx(tmp_path / "quytac.xlsx", rows), 2026)


def test_example_catalogue_is_labelled_as_illustrative(demo):
    store, _plan, catalog_id = demo
    row = store.db.query_one("SELECT name, is_example FROM par_catalog WHERE id = ?", (catalog_id,))
    assert row["is_example"] == 1 and "VÍ DỤ MINH HỌA" in row["name"] and "không phải" in row["name"]


# ---------------------------------------------------------------------------------------------------- links

def test_proposals_follow_section_and_keywords_and_confirming_is_undoable(demo):
    store, plan_id, catalog_id = demo
    proposals = mapping.propose_links(store, plan_id, catalog_id)
    by_code = {}
    for p in proposals:
        by_code.setdefault(p.code, []).append(p)
    report_task = store.db.query_one("SELECT id FROM task WHERE content LIKE 'Thực hiện chế độ báo cáo CCHC%'")[0]
    assert report_task in {p.target_id for p in by_code["1.2"]}
    assert all(p.reason for p in proposals)
    before = count(store, "SELECT COUNT(*) FROM change_log")
    ids = mapping.confirm_links(store, plan_id, by_code["1.2"])
    assert count(store, "SELECT COUNT(*) FROM par_link WHERE plan_id = ?", (plan_id,)) == len(by_code["1.2"])
    assert count(store, "SELECT COUNT(*) FROM change_log") > before
    assert mapping.propose_links(store, plan_id, catalog_id) and not any(
        p.code == "1.2" and p.target_id == report_task for p in mapping.propose_links(store, plan_id, catalog_id))
    removed = ops.run(store, "Bỏ liên kết", mapping.remove_links, store, ids)
    assert count(store, "SELECT COUNT(*) FROM par_link") == 0
    ops.undo(store, removed.op_id)
    assert {r[0] for r in store.db.query("SELECT id FROM par_link")} == set(ids)


# -------------------------------------------------------------------------------------------------- scoring

def _leaf(store, code):
    return store.db.query_one("SELECT id, max_points FROM par_criterion WHERE code = ?", (code,))


def test_scores_are_capped_need_explanations_and_override_reasons(demo):
    store, plan_id, catalog_id = demo
    crit = _leaf(store, "1.2")
    with pytest.raises(StoreError, match="vượt điểm tối đa"):
        scoring.set_score(store, plan_id, crit["id"], crit["max_points"] + 0.5, explanation="x")
    with pytest.raises(StoreError, match="giải trình"):
        scoring.set_score(store, plan_id, crit["id"], 1)        # no evidence at all
    done = ops.run(store, "Chấm", scoring.set_score, store, plan_id, crit["id"], 1,
                   explanation="Báo cáo quý IV chưa ban hành", override_reason="Sổ báo cáo chưa ghi đủ")  # rule bao_cao
    change = done.value
    assert store.db.query_one("SELECT points FROM par_score WHERE id = ?", (change.after["id"],))[0] == 1
    area = store.db.query_one("SELECT id FROM par_criterion WHERE code = '1'")[0]
    with pytest.raises(StoreError, match="thành phần"):
        scoring.set_score(store, plan_id, area, 1, explanation="x")
    computed_leaf = _leaf(store, "1.1.2")                    # rule hoan_thanh: 0 % done -> 0 points
    with pytest.raises(StoreError, match="lý do"):
        scoring.set_score(store, plan_id, computed_leaf["id"], 2, explanation="x")
    scoring.set_score(store, plan_id, computed_leaf["id"], 2, explanation="x", override_reason="Số liệu cập nhật muộn")
    ops.undo(store, done.op_id)
    assert count(store, "SELECT COUNT(*) FROM par_score WHERE criterion_id = ?", (crit["id"],)) == 0


def test_completion_rule_and_totals_match_an_independent_count(demo):
    store, plan_id, catalog_id = demo
    from cchc_desktop.deadlines import parse_deadline

    rows = store.db.query(
        "SELECT p.id, p.deadline_text FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON "
        "s.id = t.section_id WHERE s.plan_id = ? ORDER BY s.position, t.position, p.position", (plan_id,))
    from cchc_desktop.tracking.timeliness import tracking_unit

    deadlines = {pid: parse_deadline(text, 2026, 2026) for pid, text in rows}
    dates = {pid: d.due_dates for pid, d in deadlines.items()}
    dated = [pid for pid, due in dates.items() if due]
    # products tracked once for the year (recurring ones need every period done), chosen as test input only
    one_off = [pid for pid in dated if tracking_unit(deadlines[pid]) is None]
    finished = one_off[: (len(one_off) * 2) // 3]
    for product_id in finished:
        set_status(store, product_id, None, ref=dt.date(2026, 12, 31), status="done",
                   completed_on=min(dates[product_id]))
    ref = dt.date(2026, 12, 31)
    computed = scoring.assessment(store, plan_id, catalog_id, ref).by_code("1.1.2").computed
    done = {r[0] for r in store.db.query("SELECT DISTINCT product_id FROM product_status WHERE status = 'done'")}
    assert done == set(finished)
    share = 100 * len(done) / len(dated)
    expected = 3 if share >= 100 else 2 if share >= 80 else 1 if share >= 50 else 0
    assert computed is not None and computed.points == expected
    assert f"{len(done)}/{len(dated)}" in computed.how
    # totals: every area = sum of its leaves' effective points; overall = sum of areas
    scoring.set_score(store, plan_id, _leaf(store, "3.4")["id"], 3, explanation="Bộ phận Một cửa hoạt động")
    scoring.set_score(store, plan_id, _leaf(store, "7.1.1")["id"], 2.5, explanation="Đạt 85%")
    a = scoring.assessment(store, plan_id, catalog_id, ref)
    assert a.by_code("3").points == 3
    assert a.by_code("7.1").points == 2.5 and a.by_code("7").points == 2.5
    assert a.by_code("1").points == expected
    own = store.db.query_one("SELECT SUM(points) FROM par_score WHERE plan_id = ?", (plan_id,))[0]
    assert a.total == own + expected


def test_target_rule_uses_the_plan_target(demo):
    store, plan_id, catalog_id = demo
    from cchc_desktop.tracking.targets import add_target, set_actual

    target = add_target(store, plan_id, "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", 95, ">=", "%")
    a = scoring.assessment(store, plan_id, catalog_id)
    assert a.by_code("3.2").computed is None                 # no actual value yet
    set_actual(store, target, "2026", 97.5)
    assert scoring.assessment(store, plan_id, catalog_id).by_code("3.2").computed.points == 6
    set_actual(store, target, "2026", 90)
    assert scoring.assessment(store, plan_id, catalog_id).by_code("3.2").computed.points == 0


def test_previous_year_is_shown_side_by_side(demo):
    store, plan_id, catalog_id = demo
    old_plan = store.duplicate_plan(plan_id, year_start=2025, year_end=2025)
    old_catalog = catalog.commit_catalog(store, catalog.example_catalog(2025))
    old_leaf = store.db.query_one("SELECT id FROM par_criterion WHERE catalog_id = ? AND code = '3.4'",
                                  (old_catalog,))[0]
    scoring.set_score(store, old_plan, old_leaf, 4, explanation="Năm 2025")
    a = scoring.assessment(store, plan_id, catalog_id)
    assert a.previous_year == 2025
    assert a.by_code("3.4").previous == 4 and a.by_code("3").previous == 4
    assert "Năm 2025" in outputs.area_table(a).headers


# -------------------------------------------------------------------------------------------- outputs, dossier

def _linked_product_with_files(store, plan_id, catalog_id, tmp_path):
    crit = store.db.query_one("SELECT id FROM par_criterion WHERE code = '1.2'")[0]
    task = store.db.query_one("SELECT id FROM task WHERE content LIKE 'Thực hiện chế độ báo cáo CCHC%'")[0]
    product = store.db.query_one("SELECT id FROM product WHERE task_id = ? ORDER BY position", (task,))[0]
    mapping.confirm_links(store, plan_id, [(crit, "task", task)])
    files = []
    for i, summary in enumerate(["Báo cáo kết quả CCHC quý I năm 2026: đầy đủ", "Báo cáo CCHC 6 tháng"], 1):
        f = tmp_path / f"scan{i}.pdf"
        f.write_bytes(f"%PDF scan {i}".encode())
        files.append(f)
        add_evidence(store, product, "2026", source_file=f, doc_type="Báo cáo", doc_number=f"{10 + i}/BC-UBND",
                     issued_on=dt.date(2026, 3 * i, 15), summary=summary)
    return crit, files


def test_dossier_has_a_folder_per_criterion_renamed_files_and_equal_hashes(demo, tmp_path):
    store, plan_id, catalog_id = demo
    _crit, files = _linked_product_with_files(store, plan_id, catalog_id, tmp_path)
    a = scoring.assessment(store, plan_id, catalog_id)
    out = dossier.export_dossier(store, a, tmp_path / "usb")
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["1.2/1.2 - 11-BC-UBND - Báo cáo kết quả CCHC quý I năm 2026_ đầy đủ.pdf",
                       "1.2/1.2 - 12-BC-UBND - Báo cáo CCHC 6 tháng.pdf", dossier.INDEX_NAME]
    hashes = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert {hashlib.sha256((out / w).read_bytes()).hexdigest() for w in written[:2]} == hashes
    assert all(len(str(Path(out.name) / w)) < 200 for w in written)
    index = openpyxl.load_workbook(out / dossier.INDEX_NAME)
    texts = [c.value for row in index.active.iter_rows() for c in row if c.value]
    assert "11/BC-UBND" in texts and not any(isinstance(t, str) and t.startswith("=") for t in texts)
    # a second export never overwrites the first
    assert dossier.export_dossier(store, a, tmp_path / "usb").name.endswith("(2)")


def test_missing_or_changed_files_are_listed_before_export(demo, tmp_path):
    store, plan_id, catalog_id = demo
    _linked_product_with_files(store, plan_id, catalog_id, tmp_path)
    paths = [r[0] for r in store.db.query("SELECT file_path FROM evidence ORDER BY issued_on")]
    folder = Path(store.db.path).resolve().parent
    (folder / paths[0]).unlink()
    a = scoring.assessment(store, plan_id, catalog_id)
    plan = dossier.dossier_plan(store, a)
    assert [(code, why) for code, _doc, why in plan.missing] == [("1.2", "không tìm thấy tệp trên máy")]
    assert len(plan.files) == 1
    assert "1.1.1" in plan.without_documents


def test_report_prints_the_totals_counted_from_the_scores(demo, tmp_path):
    store, plan_id, catalog_id = demo
    scoring.set_score(store, plan_id, _leaf(store, "3.4")["id"], 3.5, explanation="Một cửa")
    scoring.set_score(store, plan_id, _leaf(store, "5.2")["id"], 4, explanation="Đào tạo")
    own = store.db.query_one("SELECT SUM(points) FROM par_score")[0]
    report = outputs.build_par_report(store, plan_id, catalog_id)
    from cchc_desktop.reports.document import render_pdf

    pdf = tmp_path / "bao-cao.pdf"
    render_pdf(report, pdf)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert f"{own:g}".replace(".", ",") + "/100 điểm" in text.replace("\n", " ")
    assert "Tự đánh giá, xác định Chỉ số cải cách hành chính năm 2026" in text.replace("\n", " ")
    table = outputs.score_table(scoring.assessment(store, plan_id, catalog_id))
    assert table.rows[-1][1] == "TỔNG CỘNG" and table.rows[-1][3] == f"{own:g}".replace(".", ",")


def test_chase_list_names_the_lead_agency_of_linked_products(demo, tmp_path):
    store, plan_id, catalog_id = demo
    crit, _files = _linked_product_with_files(store, plan_id, catalog_id, tmp_path)
    a = scoring.assessment(store, plan_id, catalog_id)
    chase = outputs.chase_list(store, a)
    task_leads = {r[0] for r in store.db.query(
        "SELECT a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id JOIN product p ON p.id = "
        "pa.product_id JOIN task t ON t.id = p.task_id WHERE t.content LIKE 'Thực hiện chế độ báo cáo CCHC%' "
        "AND pa.role = 'lead'")}
    listed_12 = {agency for agency, results in chase.items() if any(r.code == "1.2" for r in results)}
    lacking_12 = a.by_code("1.2").evidence != scoring.FULL
    assert listed_12 == (task_leads if lacking_12 else set())
    assert outputs.NO_AGENCY in chase


def test_windows_safe_names():
    assert windows_safe_name("CON") == "_CON"
    assert windows_safe_name("aux.txt") == "_aux.txt"
    assert windows_safe_name("NUL.pdf") == "_NUL.pdf"
    assert windows_safe_name("COM1.docx") == "_COM1.docx"
    assert windows_safe_name("Báo cáo: số 5/BC?.pdf ..") == "Báo cáo_ số 5_BC_.pdf"
    long = windows_safe_name("a" * 300 + ".pdf", 90)
    assert len(long) == 90 and long.endswith(".pdf")


# ------------------------------------------------------------------------------------------------------ CLI

def _cli(db, *args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=300)


def test_cli_par_round_trip_and_bad_input(tmp_path):
    db = tmp_path / "x.sqlite3"
    assert _cli(db, "import", str(resource_path("demo", "phu-luc-nhiem-vu-cchc-2026-xa-xuan-truong.txt"))).returncode == 0
    missing = _cli(db, "par", "show")
    assert missing.returncode == 2 and "Chưa có Bộ chỉ số năm 2026" in missing.stderr
    bad = [dict(r) for r in example_rows()]
    bad[1]["max"] = 9
    refused = _cli(db, "par", "import-catalog", str(province_xlsx(tmp_path / "sai.xlsx", bad)), "--year", "2026")
    assert refused.returncode == 2 and "Lỗi:" in refused.stderr and "dòng" in refused.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM par_catalog").fetchone()[0] == 0
    ok = _cli(db, "par", "import-catalog", str(province_xlsx(tmp_path / "bo.xlsx")), "--year", "2026")
    assert ok.returncode == 0, ok.stderr
    assert _cli(db, "par", "score", "1.2", "9", "--explain", "x").returncode == 2
    assert _cli(db, "par", "score", "1.2", "1,5", "--explain", "Thiếu báo cáo quý IV",
                "--reason", "Sổ báo cáo chưa ghi đủ").returncode == 0
    out = _cli(db, "par", "export", "--out", str(tmp_path / "usb"))
    assert out.returncode == 0, out.stderr
    names = {p.name for p in (tmp_path / "usb").iterdir()}
    assert {"tu-danh-gia-chi-so-cchc-2026.pdf", "bang-diem-chi-so-cchc-2026.xlsx", "Ho-so-kiem-chung-CCHC-2026"} <= names
    assert "Tổng điểm tự đánh giá: 1,5/100;" in out.stdout       # Vietnamese decimal comma, as in the dialog


def test_agencies_answers_come_back_from_the_chase_workbook(demo, tmp_path):
    from cchc_desktop.ops import par as par_ops
    from cchc_desktop.par.chase_import import ADD, PRESENT, REFUSED, read_chase_files
    from cchc_desktop.reports.report_xlsx import export_report_xlsx

    store, plan_id, catalog_id = demo
    a = scoring.assessment(store, plan_id, catalog_id)
    path = export_report_xlsx(outputs.chase_report(store, a), tmp_path / "thieu.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 15) if ws.cell(row=r, column=1).value == "Mã")
    first = header + 2                                          # after the column-number row
    codes = [ws.cell(row=r, column=1).value for r in range(first, first + 3)]
    ws.cell(row=first, column=5, value="15/BC-UBND")
    ws.cell(row=first, column=6, value=dt.datetime(2026, 3, 20))
    ws.cell(row=first, column=7, value="Báo cáo kết quả")
    ws.cell(row=first + 1, column=5, value="16/KH-UBND")
    ws.cell(row=first + 1, column=6, value="31/06/2026")        # no such day
    ws.cell(row=first + 2, column=1, value="9.9")               # code not in the catalogue
    ws.cell(row=first + 2, column=5, value="17/QĐ-UBND")
    wb.save(path)
    before = count(store, "SELECT COUNT(*) FROM par_document")
    preview = read_chase_files(store, plan_id, catalog_id, [path])
    assert [(r.code, r.status) for r in preview.rows] == [(codes[0], ADD), (codes[1], REFUSED), ("9.9", REFUSED)]
    assert "31/06/2026 không tồn tại" in preview.rows[1].why and "9.9" in preview.rows[2].why
    assert f"dòng {first + 1}" in preview.rows[1].where
    assert count(store, "SELECT COUNT(*) FROM par_document") == before          # preview writes nothing
    done = par_ops.import_chase(store, plan_id, preview)
    added = done.value
    row = store.db.query_one("SELECT c.code, d.doc_number, d.issued_on, d.summary FROM par_document d "
                             "JOIN par_criterion c ON c.id = d.criterion_id WHERE d.id = ?", (added[0],))
    assert tuple(row) == (codes[0], "15/BC-UBND", "2026-03-20", "Báo cáo kết quả")
    again = read_chase_files(store, plan_id, catalog_id, [path])
    assert again.rows[0].status == PRESENT and not again.to_add   # the same file twice adds nothing
    ops.undo(store, done.op_id)
    assert count(store, "SELECT COUNT(*) FROM par_document") == before


def test_chase_letters_go_to_real_agencies_with_their_criteria(demo, tmp_path):
    from cchc_desktop.agency_groups import is_group
    from cchc_desktop.reports.document import render_pdf

    store, plan_id, catalog_id = demo
    mapping.confirm_links(store, plan_id, mapping.propose_links(store, plan_id, catalog_id))
    a = scoring.assessment(store, plan_id, catalog_id)
    listed = {agency: {r.code for r in results} for agency, results in outputs.chase_list(store, a).items()
              if agency not in (outputs.NO_AGENCY, outputs.NO_LEAD) and not is_group(agency)}
    letters = outputs.chase_letters(store, a)
    assert listed and len(letters) == len(listed)
    for letter in letters:
        agency = letter.header.recipients_to[0]
        assert agency in listed and not is_group(agency)
        assert {row[0] for row in letter.tables["bang_tai_lieu"].rows} == listed[agency]
        assert letter.header.is_official_letter and "tài liệu kiểm chứng" in letter.header.letter_subject
    pdf = tmp_path / "cv.pdf"
    render_pdf(letters[0], pdf)
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages).replace("\n", " ")
    assert letters[0].header.recipients_to[0] in text and "Kính gửi" in text
