"""Issue 18 import paths: the streamed .xlsx sheet equals the fully loaded one, and the batched commit
writes and logs exactly what the one-by-one store calls write (checked against the database rows)."""
import json
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.cell_range import CellRange

from cchc_desktop import changelog
from cchc_desktop.import_commit import commit_draft
from cchc_desktop.importers import read_appendix
from cchc_desktop.importers.xlsx_reader import load_xlsx, sheet_to_table
from cchc_desktop.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_import import build_appendix_docx, build_appendix_xlsx  # noqa: E402


def _tables(path):
    out = []
    for read_only in (False, True):
        wb = load_xlsx(path, read_only=read_only)
        try:
            out.append([sheet_to_table(ws, file=path.name) for ws in wb.worksheets])
        finally:
            wb.close()
    return out


def test_streamed_sheet_equals_the_fully_loaded_sheet(tmp_path):
    path = build_appendix_xlsx(tmp_path / "a.xlsx", 120)
    full, streamed = _tables(path)
    assert full == streamed
    rows = streamed[0].rows
    assert any(r.bold and r.merged_across for r in rows)            # section rows: bold, merged across
    assert len(rows) == 120 + 8 + 6                                  # products + sections + title/header rows


def test_streamed_sheet_ignores_text_hidden_under_a_merge(tmp_path):
    """A merge over cells that still hold text (LibreOffice keeps it) shows only the top-left cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["TT", "Nội dung", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời gian"])
    ws.append([1, "Nhiệm vụ một", "Sản phẩm A", "Phòng Kinh tế", "", "Quý I/2026"])
    ws.append(["ẩn", "chữ ẩn dưới ô gộp", "Sản phẩm B", "Phòng Kinh tế", "", "Quý II/2026"])
    ws["A4"] = "II. MỤC HAI"
    ws["A4"].font = Font(bold=True)
    ws["C4"] = "cũng ẩn"
    for ref in ("A2:A3", "B2:B3", "A4:F4"):
        ws.merged_cells.add(CellRange(ref))     # added without clearing the covered cells
    ws["G9"] = "ngoài bảng"
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    full, streamed = _tables(path)
    assert full == streamed
    by_row = {r.row: r for r in streamed[0].rows}
    assert by_row[3].cells[:2] == ["1", "Nhiệm vụ một"]            # copied down from the top-left cell
    assert by_row[4].cells[0] == "II. MỤC HAI" and by_row[4].cells[2] == ""
    assert by_row[4].bold and by_row[4].merged_across
    assert by_row[9].cells[6] == "ngoài bảng"


def _real_looking_workbook(path):
    """An appendix as communes send them: letterhead and caption, a two-line header, column numbers, Roman-numeral
    section rows (bold and merged across, or a numeral alone in TT), TT 1.0 typed as a number, TT and content merged
    down, multi-line cells with CR/LF and tabs, nbsp and doubled spaces, a tag and an entity, an Excel escape left
    as text, dates and a date-time, a boolean, a non-numeric TT, a block merged over two columns and rows, styled
    empty cells and text past the 40th column."""
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws["A1"] = "UBND XÃ XUÂN TRƯỜNG"
    ws["A2"] = "PHỤ LỤC"
    ws.merge_cells("A2:F2")
    ws["A3"] = "(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026)"
    ws.merge_cells("A3:F3")
    ws.append(["TT", "Nội dung/\nNhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan  chủ trì", "Cơ quan phối hợp",
               "Thời gian\r\nthực hiện", "Ghi chú"])
    ws.append([1, 2, 3, 4, 5, 6, 7])
    ws.append(["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"])
    ws["A6"].font = Font(bold=True)
    ws.merge_cells("A6:G6")
    ws.append([1.0, "Ban hành\u00a0Kế hoạch  CCHC\r\nnăm 2026", "Kế hoạch\tCCHC", "Văn phòng HĐND-UBND;\nCông chức VH-XH",
               "Các cơ quan, đơn vị có liên quan.", dt.datetime(2026, 1, 15), True])
    ws.append([None, None, "<b>Báo cáo</b> sơ kết &amp; tổng kết", "Văn phòng HĐND-UBND", None,
               dt.datetime(2026, 6, 30, 17, 30), None])
    ws.merge_cells("A7:A8")
    ws.merge_cells("B7:B8")
    ws.append([2, "Kiểm tra_x000B_CCHC", "Biên bản", "Phòng Kinh tế", "Bưu điện xã", dt.date(2026, 9, 1), 0])
    ws.append(["II", "CẢI CÁCH THỂ CHẾ", None, None, None, None, None])
    ws.append(["1.1", "Rà soát văn bản", "Báo cáo rà soát", "Văn phòng", None, "Quý IV/2026", 12.5])
    ws.append(["a", "Nhiệm vụ không số", "Danh mục", None, None, "Hằng quý", None])
    ws.append([None, None, "Sản phẩm thêm", "Phòng A", None, None, None])
    ws.merge_cells("D12:E13")
    ws["B14"].font = Font(bold=True)                 # styled but empty cells
    ws["C15"].font = Font(italic=True)
    ws.append(["III", None, None, None, None, None, None])
    ws["B16"] = "CẢI CÁCH TTHC"
    ws["A16"].font = ws["B16"].font = Font(bold=True)
    ws.merge_cells("B16:F16")
    ws.append([1, "Công khai TTHC", "Niêm yết", "Bộ phận một cửa", None, "Thường xuyên", None])
    ws.cell(row=17, column=45, value="ngoài bảng")
    wb.save(path)
    return path


def test_streamed_and_loaded_sheet_give_the_same_raw_rows_of_a_real_looking_appendix(tmp_path):
    """The fast path (one streamed pass, no cell objects) and the general one (workbook loaded in full) read the
    same raw rows, cell texts, bold and merged-across flags from an appendix with every kind of cell, and the same
    draft comes out of either."""
    from cchc_desktop.importers.rows import AppendixBuilder

    path = _real_looking_workbook(tmp_path / "that.xlsx")
    full, streamed = _tables(path)
    assert full == streamed
    by_row = {r.row: r for r in streamed[0].rows}
    assert by_row[7].cells[:7] == ["1", "Ban hành\u00a0Kế hoạch  CCHC\r\nnăm 2026", "Kế hoạch\tCCHC",
                                   "Văn phòng HĐND-UBND;\nCông chức VH-XH", "Các cơ quan, đơn vị có liên quan.",
                                   "15/01/2026", "Có"]
    assert by_row[8].cells[:2] == by_row[7].cells[:2]                    # TT and content copied down
    assert by_row[8].cells[5] == "30/06/2026 17:30" and by_row[9].cells[5] == "01/09/2026"
    assert by_row[9].cells[6] == "0" and by_row[11].cells[6] == "12.5"
    assert by_row[13].cells[3:5] == ["", ""]                             # a 2×2 block is not copied down
    assert by_row[6].bold and by_row[6].merged_across and not by_row[7].bold
    assert by_row[16].merged_across and by_row[16].bold and by_row[16].cells[:2] == ["III", "CẢI CÁCH TTHC"]
    assert 14 not in by_row and 15 not in by_row                         # styled empty cells are no rows
    assert streamed[0].column_count == 7 and "ngoài bảng" not in by_row[17].cells   # past column 40: left out

    def draft_of(table):
        builder = AppendixBuilder("that.xlsx", file="that.xlsx")
        builder.add_table(table, continuation=False)
        return builder.finish()

    assert draft_of(full[0]) == draft_of(streamed[0]) == read_appendix(path)
    draft = read_appendix(path)
    assert [(s.numeral, s.title) for s in draft.sections] == [
        ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"), ("II", "CẢI CÁCH THỂ CHẾ"), ("III", "CẢI CÁCH TTHC")]
    first = draft.sections[0].tasks[0]
    assert (first.number, first.content) == ("1", "Ban hành Kế hoạch CCHC\nnăm 2026")
    assert [p.description for p in first.products] == ["Kế hoạch CCHC", "Báo cáo sơ kết & tổng kết"]
    assert first.products[0].leads == ["Văn phòng HĐND-UBND", "Công chức VH-XH"]
    assert first.products[0].coordinators == ["Các cơ quan, đơn vị có liên quan"]


def test_the_bench_word_appendix_reads_as_its_excel_twin(tmp_path):
    """bench_import's .docx (merges written straight into the table XML) holds the same plan as its .xlsx: the
    Word reading is measured on the same appendix as the Excel one."""
    def content(draft):
        return [(s.numeral, s.title, [(t.number, t.content, [(p.description, p.leads, p.coordinators, p.deadline_text)
                                                             for p in t.products]) for t in s.tasks])
                for s in draft.sections]

    word = read_appendix(build_appendix_docx(tmp_path / "a.docx", 40))
    excel = read_appendix(build_appendix_xlsx(tmp_path / "a.xlsx", 40))
    assert content(word) == content(excel)
    assert word.product_count == 40 and any(len(t.products) > 1 for s in word.sections for t in s.tasks)
    assert (word.title, word.caption) == (excel.title, excel.caption)
    assert [w.message for w in word.warnings] == [w.message for w in excel.warnings]   # an empty last section


def _one_by_one(store, draft) -> str:
    """The old commit path: one store call per section, task and product."""
    plan_id = store.create_plan("Một", 2026)
    with store.transaction():
        for section in draft.sections:
            section_id = store.add_section(plan_id, section.title)
            for task in section.tasks:
                task_id = store.add_task(section_id, task.content)
                for product in task.products:
                    store.add_product(task_id, product.description, product.deadline_text,
                                      product.leads, product.coordinators)
    return plan_id


def _shape(store, plan_id):
    plan = store.load_plan(plan_id)
    return [(s.title, [(t.content, [(p.description, p.deadline_text, [a.name for a in p.leads],
                                     [a.name for a in p.coordinators]) for p in t.products])
                       for t in s.tasks]) for s in plan.sections]


def test_batched_commit_writes_and_logs_like_the_one_by_one_path(tmp_path):
    draft = read_appendix(build_appendix_xlsx(tmp_path / "a.xlsx", 150))
    old = Store.open(tmp_path / "old.sqlite3", actor="thử")
    new = Store.open(tmp_path / "new.sqlite3", actor="thử")
    try:
        old_plan = _one_by_one(old, draft)
        lamport_before = int(changelog.get_meta(new.db, "lamport") or 0)
        new_plan = commit_draft(new, draft).plan_id
        assert _shape(new, new_plan) == _shape(old, old_plan)

        # every row of the plan has its insert in the change log, with the row's own values
        log = changelog.decode_rows(new.db.query("SELECT * FROM change_log ORDER BY seq"))
        inserts = {(e["entity"], e["row_id"]): e["new_value"] for e in log if e["op"] == "insert"
                   and e["entity"] in ("section", "task", "product", "agency")}
        for table in ("section", "task", "product", "agency"):
            for row in new.db.query(f"SELECT * FROM {table}"):
                logged = inserts.pop((table, row["id"]))
                values = {k: v for k, v in dict(row).items() if k != "version"}
                assert {k: values[k] for k in logged} == logged
                # columns the insert left to their defaults (archive marks, carried-over note)
                assert all(values[k] in ("", None) for k in values.keys() - logged.keys()), values
        assert not [k for k in inserts if k[0] != "plan"]
        links = sorted((e["row_id"], e["field"], e["new_value"]["agency_id"], e["new_value"]["position"])
                       for e in log if e["entity"] == "product_agency")
        assert links == sorted(tuple(r) for r in new.db.query(
            "SELECT product_id, role, agency_id, position FROM product_agency"))
        # consecutive Lamport values, the clock left at the last one, one origin
        stamps = [e["lamport"] for e in log if e["lamport"] > lamport_before]
        assert stamps == list(range(lamport_before + 1, lamport_before + 1 + len(stamps)))
        assert int(changelog.get_meta(new.db, "lamport")) == max(e["lamport"] for e in log)
        assert {e["origin"] for e in log} == {changelog.installation_id(new.db)}
        assert {e["actor"] for e in log} == {"thử"}

        # the same kinds of log entries as the one-by-one path, entity by entity
        def kinds(store):
            return sorted((e["entity"], e["op"], e["field"] or "", json.dumps(sorted((e["new_value"] or {}).keys())))
                          for e in changelog.decode_rows(store.db.query("SELECT * FROM change_log"))
                          if e["entity"] != "plan")
        assert kinds(new) == kinds(old)
    finally:
        old.close()
        new.close()


def test_batched_commit_appends_after_existing_sections_and_reuses_agencies(tmp_path):
    draft = read_appendix(build_appendix_xlsx(tmp_path / "a.xlsx", 30))
    store = Store.open(tmp_path / "s.sqlite3", actor="thử")
    try:
        plan_id = commit_draft(store, draft).plan_id
        agencies = store.db.query_one("SELECT COUNT(*) FROM agency")[0]
        commit_draft(store, draft, plan_id)
        positions = [r[0] for r in store.db.query(
            "SELECT position FROM section WHERE plan_id = ? ORDER BY position", (plan_id,))]
        assert positions == list(range(2 * len(draft.sections)))
        assert store.db.query_one("SELECT COUNT(*) FROM agency")[0] == agencies
    finally:
        store.close()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_quick_shared_strings_equal_openpyxls():
    """Shared strings read by read_plain_string_table (plain entries taken as they are) equal openpyxl's own
    read_string_table: plain, empty, kept spaces, escapes, rich-text runs, phonetic runs."""
    import io

    from openpyxl.reader.strings import read_string_table

    from cchc_desktop.importers.xlsx_reader import read_plain_string_table

    entries = ["<si><t>Phòng Kinh tế</t></si>", "<si><t/></si>", '<si><t xml:space="preserve">  hai  khoảng </t></si>',
               "<si><t>a_x005F_x000D_b&#10;c&amp;d</t></si>",
               "<si><r><rPr><b/></rPr><t>đậm</t></r><r><t xml:space=\"preserve\"> thường</t></r></si>",
               "<si><t>Chữ</t><rPh sb=\"0\" eb=\"1\"><t>phiên âm</t></rPh><phoneticPr fontId=\"1\"/></si>",
               "<si><r><t>một</t></r></si>", "<si></si>", "<si><t>I. CÔNG TÁC\tCHỈ ĐẠO</t></si>"]
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{len(entries)}">'
           + "".join(entries) + "</sst>").encode("utf-8")
    ours, theirs = read_plain_string_table(io.BytesIO(xml)), read_string_table(io.BytesIO(xml))
    assert ours == theirs
    assert ours[0] == "Phòng Kinh tế" and ours[4] == "đậm thường" and len(ours) == len(entries)


def test_quick_inline_text_cells_equal_openpyxls_parser():
    """The sheet parser's quick case (plain inline text) gives the same cells as openpyxl's own parser, for every
    kind of cell around it, with and without cached values only, with and without "r" positions."""
    import io

    from openpyxl.worksheet._reader import WorkSheetParser

    from cchc_desktop.importers.xlsx_reader import _cell_parser

    cells = ['<c r="A1" t="inlineStr"><is><t>Nội dung</t></is></c>',
             '<c r="B1" t="inlineStr" s="2"><is><t xml:space="preserve"> kế hoạch </t></is></c>',
             '<c r="C1" t="inlineStr"><is><t/></is></c>',
             '<c r="D1" t="inlineStr"><is><r><rPr><b/></rPr><t>đậm</t></r><r><t> thường</t></r></is></c>',
             '<c r="E1" t="inlineStr"><f>A1</f><is><t>công thức</t></is></c>',
             '<c r="F1" t="s"><v>1</v></c>', '<c r="G1"><v>1.0</v></c>', '<c r="H1" s="1"><v>46022</v></c>',
             '<c r="I1" t="b"><v>1</v></c>', '<c r="J1" t="e"><v>#N/A</v></c>',
             '<c r="K1" t="str"><f>A1&amp;B1</f><v>ab</v></c>', '<c r="L1" t="inlineStr"></c>']
    unnumbered = ['<c t="inlineStr"><is><t>không số ô</t></is></c>', '<c><v>2</v></c>',
                  '<c t="inlineStr" s="3"><is><t>tiếp</t></is></c>']
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{"".join(cells)}</row>'
           f'<row>{"".join(unnumbered)}</row><row r="5">{"".join(unnumbered)}</row></sheetData></worksheet>'
           ).encode("utf-8")

    def rows(cls, data_only):
        parser = cls(io.BytesIO(xml), ["không", "chung"], data_only=data_only, date_formats={1})
        return list(parser.parse())

    for data_only in (True, False):
        ours, theirs = rows(_cell_parser(), data_only), rows(WorkSheetParser, data_only)
        assert ours == theirs
        assert [c["value"] for c in ours[0][1][:3]] == ["Nội dung", " kế hoạch ", ""]
        assert [r for r, _ in ours] == [1, 2, 5] and ours[1][1][0]["column"] == 1 and ours[2][1][2]["style_id"] == 3
    assert _cell_parser() is not WorkSheetParser and issubclass(_cell_parser(), WorkSheetParser)
