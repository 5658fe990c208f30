"""Whole-plan import (issue 14): captions and units, plan facts, targets, signer/recipients, report days,
the appendix, one-transaction commit, `import` CLI report and `show --json`.

Expected values are written from reading the seed documents, never produced by the importer."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from cchc_desktop.cli import main as cli_main
from cchc_desktop.import_commit import commit_draft, commit_plan
from cchc_desktop.importers import read_appendix
from cchc_desktop.importers.plan_builder import (PART_APPENDIX, PART_FACTS, PART_HEADER, PART_REPORT,
                                                 PART_TARGETS, read_plan)
from cchc_desktop.importers.plan_facts import facts_from_caption, split_unit
from cchc_desktop.reports.header_settings import get_header
from cchc_desktop.tracking.status import get_settings
from cchc_desktop.tracking.targets import list_targets
from plan_docs import SEED_FILES, SEEDS, build_plan_docx, seed_docx, split_seed, seed_text

# --------------------------------------------------------------------------- captions and units


@pytest.mark.parametrize("caption, number, date_text, iso, kind, name", [
    ("(Kèm theo Kế hoạch số: /KH-UBND ngày tháng 01 năm 2026 của Ủy ban nhân dân phường An Tường)",
     "/KH-UBND", "ngày … tháng 01 năm 2026", "", "phường", "An Tường"),
    ("(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Xuân Trường)",
     "03/KH-UBND", "ngày 10 tháng 01 năm 2026", "2026-01-10", "xã", "Xuân Trường"),
    ("(Kèm theo Kế hoạch số 3/KH-UBND ngày 05 tháng 02 năm 2026 của UBND thị trấn Tây Sơn)",
     "03/KH-UBND", "ngày 05 tháng 02 năm 2026", "2026-02-05", "thị trấn", "Tây Sơn"),
    ("Kèm theo Kế hoạch số   /KH-UBND ngày     tháng     năm 2026 của Ủy ban nhân dân xã Quyết Thắng",
     "/KH-UBND", "ngày … tháng … năm 2026", "", "xã", "Quyết Thắng"),
    ("(Kèm theo Kế hoạch số .../KH-UBND ngày ..../..../2026 của UBND phường Hồng Hà)",
     "/KH-UBND", "ngày … tháng … năm 2026", "", "phường", "Hồng Hà"),
])
def test_caption_is_read_with_blanks_tolerated(caption, number, date_text, iso, kind, name):
    facts = facts_from_caption(caption)
    assert (facts.doc_number, facts.date.text, facts.date.iso) == (number, date_text, iso)
    assert (facts.unit_kind, facts.unit_name) == (kind, name)


@pytest.mark.parametrize("text, expected", [
    ("phường An Tường", ("phường", "An Tường")), ("Thị trấn Tây Sơn", ("thị trấn", "Tây Sơn")),
    ("UBND xã Xuân Trường", ("xã", "Xuân Trường")), ("An Tường", ("", "An Tường")),
])
def test_split_unit(text, expected):
    assert split_unit(text) == expected


def _appendix_with_caption(tmp_path, caption: str):
    text = seed_text("xuan-truong").replace(
        "*(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Xuân Trường)*", caption)
    assert caption in text
    path = tmp_path / "phu-luc.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_blank_number_caption_names_the_ward_not_chua_dat_ten(store, tmp_path):
    path = _appendix_with_caption(
        tmp_path, "(Kèm theo Kế hoạch số: /KH-UBND ngày tháng 01 năm 2026 của Ủy ban nhân dân phường An Tường)")
    plan = store.row("plan", commit_draft(store, read_appendix(path)).plan_id)
    assert (plan["unit_kind"], plan["unit_name"], plan["doc_number"], plan["doc_date"]) == \
        ("phường", "phường An Tường", "/KH-UBND", "2026-01")     # the known parts of the date are kept (#13)
    assert plan["year_start"] == plan["year_end"] == 2026


def test_unit_option_sets_kind_and_name(tmp_path, capsys):
    db = tmp_path / "db.sqlite3"
    path = SEEDS / SEED_FILES["xuan-truong"]
    assert cli_main(["--db", str(db), "import", str(path), "--unit", "phường An Tường"]) == 0
    capsys.readouterr()
    assert cli_main(["--db", str(db), "show", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)["plan"]
    assert (plan["unit_kind"], plan["unit_name"]) == ("phường", "phường An Tường")


# --------------------------------------------------------------------------- the seeds, as .docx and as text

EXPECTED = {
    "quyet-thang": dict(
        kind="xã", name="Quyết Thắng", title="Cải cách hành chính xã Quyết Thắng năm 2026", years=(2026, 2026),
        number="", recipients=8, first_recipient="Ủy ban nhân dân thành phố (để báo cáo)",
        authority=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], sign_mode="TM", signer="Đặng Văn Khởi",
        report={"quarter_report_day": 5, "half_report_day": 5, "half_report_month": 6,
                "annual_report_day": 5, "annual_report_month": 12},
        targets=Counter({(100.0, ">=", "%"): 4, (95.0, ">", "%"): 1, (15.0, "<=", "hạng"): 1}),
        appendix=None),
    "thien-tan": dict(
        kind="xã", name="Thiên Tân", title="Cải cách hành chính nhà nước xã Thiên Tân giai đoạn 2026-2030",
        years=(2026, 2030), number="/KH-UBND", recipients=7, first_recipient="Sở Nội vụ",
        authority=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], sign_mode="TM_KT",
        signer="Tô Văn Quyền", report={},
        targets=Counter({(100.0, ">=", "%"): 9, (95.0, ">=", "%"): 3, (90.0, ">=", "%"): 3,
                         (80.0, ">=", "%"): 2, (7.0, ">=", "%"): 1}),
        appendix=None),
    "xa-mau": dict(
        kind="", name="", title="", years=(2025, 2025), number="", recipients=0, first_recipient=None,
        authority=[], sign_mode="", signer="",
        report={"quarter_report_day": 10, "annual_report_day": 10, "annual_report_month": 12},
        targets=Counter({(100.0, ">=", "%"): 6, (30.0, ">=", "%"): 1, (90.0, ">=", "%"): 1}),
        appendix=None),
    "xuan-truong": dict(
        kind="xã", name="Xuân Trường",
        title="NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026",
        years=(2026, 2026), number="03/KH-UBND", recipients=0, first_recipient=None, authority=[],
        sign_mode="", signer="", report={}, targets=Counter(), appendix=(7, 39, 46)),
}
LETTERHEAD = {"quyet-thang": ["ỦY BAN NHÂN DÂN", "XÃ QUYẾT THẮNG"]}


@pytest.fixture(params=sorted(SEED_FILES))
def seed_key(request):
    return request.param


@pytest.mark.parametrize("form", ["docx", "txt"])
def test_every_part_of_every_seed_is_read(seed_key, form, tmp_path):
    expected = EXPECTED[seed_key]
    path = (seed_docx(tmp_path, seed_key, letterhead_unit=LETTERHEAD.get(seed_key)) if form == "docx"
            else SEEDS / SEED_FILES[seed_key])
    draft = read_plan(path)
    f = draft.facts
    assert (f.unit_kind, f.unit_name) == (expected["kind"], expected["name"])
    assert f.title == expected["title"]
    assert (f.year_start, f.year_end) == expected["years"]
    assert f.doc_number == expected["number"]
    s = draft.signer
    assert len(s.recipients) == expected["recipients"]
    if expected["first_recipient"]:
        assert s.recipients[0] == expected["first_recipient"] and s.archive == "Lưu: VT."
    assert s.authority_lines == expected["authority"]
    assert (s.sign_mode, s.signer_name) == (expected["sign_mode"], expected["signer"])
    assert draft.report.settings == expected["report"]
    assert Counter((t.value, t.comparison, t.unit) for t in draft.targets) == expected["targets"]
    for target in draft.targets:
        assert target.sentence and target.section and target.location.startswith("đoạn ")
    if expected["appendix"] is None:
        assert draft.appendix is None
        assert any("phụ lục" in m for m in draft.missing())
    else:
        a = draft.appendix
        assert (len(a.sections), a.task_count, a.product_count) == expected["appendix"]
    if not expected["name"]:
        assert "tên đơn vị (xã/phường)" in draft.missing()


def test_thien_tan_date_parts_and_place(tmp_path):
    draft = read_plan(seed_docx(tmp_path, "thien-tan"))
    assert (draft.facts.date.day, draft.facts.date.month, draft.facts.date.year) == (None, 4, 2026)
    assert draft.facts.place == "Thiên Tân"
    assert "ngày ban hành (mới có ngày … tháng 04 năm 2026)" in draft.missing()


# --------------------------------------------------------------------------- a ward's whole plan

WARD_PLAN = """ỦY BAN NHÂN DÂN PHƯỜNG AN TƯỜNG
KẾ HOẠCH
Cải cách hành chính phường An Tường năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Tiếp tục đẩy mạnh cải cách hành chính trên địa bàn phường.
II. MỤC TIÊU
1. Chỉ tiêu cụ thể
- Tỷ lệ hồ sơ TTHC thuộc thẩm quyền của phường được giải quyết đúng hạn đạt tỷ lệ từ 95% trở lên.
- Phấn đấu tối thiểu 70% hoạt động kiểm tra của cơ quan quản lý nhà nước được thực hiện qua môi trường số.
- Giải ngân vốn đầu tư công đạt tỷ lệ từ 90% trở lên; kiểm tra ít nhất 20% số cơ quan, đơn vị.
- Tổ chức 01 cuộc đối thoại giữa người đứng đầu với Nhân dân về thủ tục hành chính.
- Thời gian chờ tại Bộ phận Một cửa không quá 15% tổng thời gian giải quyết.
III. TỔ CHỨC THỰC HIỆN
- Các cơ quan, đơn vị gửi báo cáo quý, trình chậm nhất ngày 15 của tháng cuối quý; báo cáo 6 tháng trước ngày 12/6; báo cáo năm trước ngày 10/12.
"""


def _ward_docx(tmp_path, **layout):
    lines = WARD_PLAN.splitlines()
    parts = split_seed("\n\n".join(lines[1:]))
    appendix = split_seed(seed_text("xuan-truong").replace(
        "*(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Xuân Trường)*",
        "(Kèm theo Kế hoạch số: /KH-UBND ngày tháng 01 năm 2026 của Ủy ban nhân dân phường An Tường)"))
    parts.appendix_rows, parts.appendix_lines = appendix.appendix_rows, appendix.appendix_lines
    parts.letterhead_left = ["Số: /KH-UBND"]
    parts.letterhead_right = ["An Tường, ngày tháng 01 năm 2026"]
    parts.recipients = ["- Sở Nội vụ (để báo cáo);", "- TT Đảng ủy, HĐND phường;", "- Lưu: VT."]
    parts.signer = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lưu Văn Khang"]
    return build_plan_docx(tmp_path / "ke-hoach-an-tuong.docx", parts,
                           letterhead_unit=["ỦY BAN NHÂN DÂN", "PHƯỜNG AN TƯỜNG"], **layout)


def test_ward_whole_plan_docx(tmp_path):
    draft = read_plan(_ward_docx(tmp_path))
    f = draft.facts
    assert (f.unit_kind, f.unit_name, f.doc_number, f.place) == ("phường", "An Tường", "/KH-UBND", "An Tường")
    assert f.title == "Cải cách hành chính phường An Tường năm 2026"     # not the bold headings
    assert f.issuer_lines == ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN TƯỜNG"]
    assert (f.date.day, f.date.month, f.date.year) == (None, 1, 2026)
    got = Counter((t.value, t.comparison, t.unit) for t in draft.targets)
    assert got == Counter({(95.0, ">=", "%"): 1, (70.0, ">=", "%"): 1, (90.0, ">=", "%"): 1,
                           (20.0, ">=", "%"): 1, (1.0, ">=", "cuộc"): 1, (15.0, "<=", "%"): 1})
    assert all(t.section == "II. MỤC TIÊU › 1. Chỉ tiêu cụ thể" for t in draft.targets)
    assert draft.report.settings == {"quarter_report_day": 15, "half_report_day": 12, "half_report_month": 6,
                                     "annual_report_day": 10, "annual_report_month": 12}
    s = draft.signer
    assert s.recipients == ["Sở Nội vụ (để báo cáo)", "TT Đảng ủy, HĐND phường"] and s.archive == "Lưu: VT."
    assert (s.sign_mode, s.collective_name, s.head_title, s.signer_title, s.signer_name) == \
        ("TM_KT", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lưu Văn Khang")
    a = draft.appendix
    assert (len(a.sections), a.task_count, a.product_count) == (7, 39, 46)
    assert a.title == "NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    first = a.sections[0].tasks[0]
    assert (first.number, first.source_sheet, first.source_row) == ("1", "Bảng 3", 4)


def test_appendix_in_the_same_section_after_the_signature_is_split_the_same_way(tmp_path):
    (tmp_path / "landscape").mkdir()
    landscape = read_plan(_ward_docx(tmp_path / "landscape"))
    portrait = read_plan(_ward_docx(tmp_path, landscape_appendix=False))
    assert portrait.facts.title == landscape.facts.title == "Cải cách hành chính phường An Tường năm 2026"
    assert portrait.appendix.title == landscape.appendix.title
    assert portrait.appendix.caption == landscape.appendix.caption
    assert portrait.appendix.task_count == landscape.appendix.task_count == 39
    assert portrait.signer.signer_name == "Lưu Văn Khang"
    assert len(portrait.targets) == len(landscape.targets) == 6


def test_ward_plan_commits_every_accepted_part_in_one_go(store, tmp_path):
    draft = read_plan(_ward_docx(tmp_path))
    draft.targets[1].accepted = False
    result = commit_plan(store, draft)
    plan = store.row("plan", result.plan_id)
    assert (plan["unit_kind"], plan["unit_name"], plan["year_start"], plan["year_end"]) == \
        ("phường", "phường An Tường", 2026, 2026)
    assert plan["title"] == "Cải cách hành chính phường An Tường năm 2026"
    tasks = store.db.query_one("SELECT COUNT(*) FROM task t JOIN section s ON s.id = t.section_id "
                               "WHERE s.plan_id = ?", (result.plan_id,))[0]
    assert tasks == 39
    rows = store.db.query("SELECT target_value, comparison, unit, notes FROM target WHERE plan_id = ?",
                          (result.plan_id,))
    assert len(rows) == 5 and 70.0 not in [r["target_value"] for r in rows]
    assert all("II. MỤC TIÊU" in r["notes"] for r in rows)
    header = get_header(store, result.plan_id)
    assert header.signer_name == "Lưu Văn Khang" and header.sign_mode == "TM_KT"
    assert header.issuer_name == "ỦY BAN NHÂN DÂN\nPHƯỜNG AN TƯỜNG" and header.place == "An Tường"
    assert header.report_recipients.splitlines() == ["Sở Nội vụ (để báo cáo)", "TT Đảng ủy, HĐND phường"]
    settings = get_settings(store, result.plan_id)
    assert (settings.quarter_report_day, settings.half_report_day, settings.annual_report_day) == (15, 12, 10)


def test_unticked_parts_are_not_written(store, tmp_path):
    draft = read_plan(_ward_docx(tmp_path))
    result = commit_plan(store, draft, parts=(PART_FACTS, PART_APPENDIX))
    assert list_targets(store, result.plan_id) == []
    assert store.db.query_one("SELECT COUNT(*) FROM report_header")[0] == 0
    assert store.db.query_one("SELECT COUNT(*) FROM tracking_settings")[0] == 0
    assert result.tasks == 39


def test_failure_half_way_leaves_the_database_unchanged(store, tmp_path, monkeypatch):
    import cchc_desktop.reports.header_settings as hs

    draft = read_plan(_ward_docx(tmp_path))
    before = {t: store.db.query_one(f"SELECT COUNT(*) FROM {t}")[0]
              for t in ("plan", "section", "task", "product", "target", "report_header", "change_log")}

    def broken(*_a, **_k):
        raise hs.StoreError("hỏng giữa chừng")
    monkeypatch.setattr(hs, "save_header", broken)
    with pytest.raises(hs.StoreError):
        commit_plan(store, draft, parts=(PART_FACTS, PART_APPENDIX, PART_TARGETS, PART_HEADER, PART_REPORT))
    after = {t: store.db.query_one(f"SELECT COUNT(*) FROM {t}")[0] for t in before}
    assert after == before


def test_second_import_into_the_plan_does_not_repeat_targets(store, tmp_path):
    draft = read_plan(_ward_docx(tmp_path))
    plan_id = commit_plan(store, draft, parts=(PART_FACTS, PART_TARGETS)).plan_id
    again = commit_plan(store, draft, plan_id, parts=(PART_TARGETS,))
    assert again.targets == 0 and len(list_targets(store, plan_id)) == 6


# --------------------------------------------------------------------------- CLI

def test_cli_import_prints_inferred_and_missing_and_show_json_matches_the_rows(tmp_path, capsys):
    db = tmp_path / "db.sqlite3"
    path = _ward_docx(tmp_path)
    assert cli_main(["--db", str(db), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Đơn vị: phường An Tường (tiêu đề văn bản (ỦY BAN NHÂN DÂN …))" in out
    assert "Còn thiếu: số kế hoạch; ngày ban hành (mới có ngày … tháng 01 năm 2026)" in out
    assert cli_main(["--db", str(db), "show", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    from cchc_desktop.store import Store
    store = Store.open(db)
    try:
        count = lambda sql: store.db.query_one(sql)[0]  # noqa: E731
        assert data["counts"] == {"sections": count("SELECT COUNT(*) FROM section"),
                                  "tasks": count("SELECT COUNT(*) FROM task"),
                                  "products": count("SELECT COUNT(*) FROM product")}
        assert len(data["targets"]) == count("SELECT COUNT(*) FROM target") == 6
        assert len(data["agencies"]) == count("SELECT COUNT(DISTINCT agency_id) FROM product_agency")
    finally:
        store.close()
    assert data["header"]["signer_name"] == "Lưu Văn Khang"
    assert data["report_settings"]["half_report_day"] == 12
    task = data["sections"][0]["tasks"][0]
    assert task["source_stt"] == "1"      # the STT as written in the signed plan
    assert task["products"][0]["deadline"].startswith("Hạn:")


def test_show_json_emits_source_stt_when_the_column_exists(tmp_path, capsys):
    from cchc_desktop.store import Store
    db = tmp_path / "db.sqlite3"
    assert cli_main(["--db", str(db), "import", str(SEEDS / SEED_FILES["xuan-truong"])]) == 0
    store = Store.open(db)
    try:
        store.db.conn.execute("UPDATE task SET source_stt = '1a'")
    finally:
        store.close()
    capsys.readouterr()
    assert cli_main(["--db", str(db), "show", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {t["source_stt"] for s in data["sections"] for t in s["tasks"]} == {"1a"}


def test_cli_skip_parts(tmp_path, capsys):
    db = tmp_path / "db.sqlite3"
    path = _ward_docx(tmp_path)
    assert cli_main(["--db", str(db), "import", str(path), "--skip", "targets", "--skip", "appendix"]) == 0
    capsys.readouterr()
    assert cli_main(["--db", str(db), "show", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["targets"] == [] and data["counts"]["tasks"] == 0
    assert data["header"]["signer_name"] == "Lưu Văn Khang"


def test_source_location_names_the_sheet_or_table(store, tmp_path):
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.exports.appendix_xlsx import export_appendix_xlsx
    from cchc_desktop.importers.model import source_location

    plan = store.load_plan(create_demo_plan(store))
    draft = read_appendix(export_appendix_xlsx(plan, tmp_path / "phu-luc.xlsx"))
    import openpyxl
    sheet = openpyxl.load_workbook(tmp_path / "phu-luc.xlsx").worksheets[0].title
    task = draft.sections[0].tasks[0]
    assert source_location(task.source_sheet, task.source_row) == f"Trang «{sheet}», dòng {task.source_row}"
    assert source_location("Bảng 3", 2) == "Bảng 3, dòng 2" and source_location("", 7) == "Dòng 7"


def test_a_document_that_is_neither_plan_nor_appendix_is_refused(tmp_path):
    import docx

    from cchc_desktop.importers.model import ImportFailure
    from cchc_desktop.importers.rows import HeaderNotFound

    letter = docx.Document()
    letter.add_paragraph("Kính gửi: Phòng Văn hóa - Xã hội")
    letter.save(tmp_path / "thu.docx")
    with pytest.raises(ImportFailure, match="thu.docx.*không tìm thấy kế hoạch"):
        read_plan(tmp_path / "thu.docx")
    table_doc = docx.Document()
    table = table_doc.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("TT", "Nội dung", "Ghi chú")):
        cell.text = text
    table.rows[1].cells[1].text = "Một việc"
    table_doc.save(tmp_path / "bang.docx")
    with pytest.raises(HeaderNotFound, match="thiếu cột"):
        read_plan(tmp_path / "bang.docx")


@pytest.mark.parametrize("form", ["docx", "txt"])
def test_a_sentence_with_two_figures_gives_each_target_its_own_clause(seed_key, form, tmp_path):
    """«… đạt tối thiểu 95%, trong đó, mức độ hài lòng về … đất đai, xây dựng, đầu tư đạt tối thiểu 90%.» (Thiên
    Tân) is two targets, each titled by its own clause, figures kept exactly; in no seed do two targets share a
    title, and every title states its own figure."""
    path = (seed_docx(tmp_path, seed_key, letterhead_unit=LETTERHEAD.get(seed_key)) if form == "docx"
            else SEEDS / SEED_FILES[seed_key])
    targets = read_plan(path).targets
    titles = [t.title for t in targets]
    assert len(set(titles)) == len(titles), titles
    for t in targets:
        figure = f"{t.value:g}".replace(".", ",")
        assert figure in t.title, (figure, t.title)
    if seed_key == "thien-tan":
        mine = {t.title: (t.value, t.comparison, t.unit) for t in targets if "trong tiếp nhận" in t.sentence}
        assert mine == {
            "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC của người dân, doanh nghiệp đạt tối thiểu 95%":
                (95.0, ">=", "%"),
            "Mức độ hài lòng về giải quyết các TTHC lĩnh vực đất đai, xây dựng, đầu tư đạt tối thiểu 90%":
                (90.0, ">=", "%")}
