"""Appendix importers on files that look like the real ones (built in tmp_path)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from openpyxl.styles import Font

from cchc_desktop.importers import ImportFailure, read_appendix, read_appendix_text, split_agencies
from cchc_desktop.importers import rows as rows_module

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "resources" / "demo" / "phu-luc-nhiem-vu-cchc-2026-xa-xuan-truong.txt"

HEADER = ["TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
          "Thời gian thực hiện"]
VHXH = "Phòng Văn hóa - Xã hội"
RELATED = "Các cơ quan, đơn vị có liên quan"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def is_nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


def all_texts(draft):
    yield draft.title
    yield draft.caption
    for s in draft.sections:
        yield s.title
        for t in s.tasks:
            yield t.content
            for p in t.products:
                yield p.description
                yield p.deadline_text
                yield from p.leads
                yield from p.coordinators


def shape(draft):
    """Compact, comparable view of a draft."""
    return [
        (s.numeral, s.title, [
            (t.number, t.content, [(p.description, p.leads, p.coordinators, p.deadline_text)
                                   for p in t.products])
            for t in s.tasks])
        for s in draft.sections]


# --------------------------------------------------------------------------- 1. seed .txt

def test_seed_txt_imports_completely():
    draft = read_appendix(SEED)

    assert draft.source_name == SEED.name
    assert draft.title == ("NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH "
                           "NĂM 2026")
    assert draft.caption == ("(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND "
                             "xã Xuân Trường)")
    assert [(s.numeral, s.title) for s in draft.sections] == [
        ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"),
        ("II", "CẢI CÁCH THỂ CHẾ"),
        ("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH (TTHC)"),
        ("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY"),
        ("V", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ"),
        ("VI", "CẢI CÁCH TÀI CHÍNH CÔNG"),
        ("VII", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"),
    ]
    # Counted by hand in the file: tasks per section 6+5+9+4+5+4+6; 52 data rows after the
    # header and column-number row minus 6 section rows (I is before them) = 46 product rows.
    assert [len(s.tasks) for s in draft.sections] == [6, 5, 9, 4, 5, 4, 6]
    assert draft.task_count == 39
    assert draft.product_count == 46
    assert all(is_nfc(t) and "<b>" not in t and "</b>" not in t for t in all_texts(draft))

    first = draft.sections[0].tasks[0]
    assert first.number == "1"
    assert first.content == "Ban hành và tổ chức thực hiện Kế hoạch cải cách hành chính (CCHC) năm 2026"
    assert first.source_row == 10
    p = first.products[0]
    assert p.description == "Kế hoạch CCHC xã Xuân Trường năm 2026"
    assert p.leads == [VHXH]
    assert p.coordinators == [RELATED]          # not split on the comma
    assert p.deadline_text == "Trước ngày 15/01/2026"

    # Task I.4: second product row has every other cell blank -> inherits, with a warning.
    t4 = draft.sections[0].tasks[3]
    assert [x.description for x in t4.products] == [
        "Các tin, bài, trên Trang TTĐT các cơ quan, đơn vị, tờ rơi...",
        "Báo cáo kết quả thực hiện (lồng ghép trong báo cáo CCHC định kỳ)"]
    assert t4.products[0].coordinators == []
    assert (t4.products[1].leads, t4.products[1].coordinators, t4.products[1].deadline_text) == (
        [VHXH], [], "Thường xuyên")
    assert t4.products[1].source_row == 14
    # Task I.5: the continuation row has its own agencies -> nothing inherited.
    t5 = draft.sections[0].tasks[4]
    assert t5.products[1].coordinators == ["Bưu điện xã"]
    assert t5.products[1].leads == [VHXH]

    # VI.1 keeps its "1.1." numbering in product texts.
    vi1 = draft.sections[5].tasks[0]
    assert [x.description[:5] for x in vi1.products] == ["1.1. ", "1.2. ", "1.3. ", "1.4. "]
    assert vi1.products[1].deadline_text == "Quý IV/2026"

    warned_rows = sorted(w.row for w in draft.warnings)
    assert warned_rows == [14, 33]
    assert all("dòng trên" in w.message for w in draft.warnings)
    assert "Bưu điện xã" in draft.agency_names()


# --------------------------------------------------------------------------- 2. xlsx Xuân Trường

def _put_row(ws, r, values):
    for c, v in enumerate(values, start=1):
        ws.cell(row=r, column=c, value=v)


def _build_xuan_truong_xlsx(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws["A1"] = "UBND XÃ XUÂN TRƯỜNG"
    ws["A2"] = "PHỤ LỤC"
    ws.merge_cells("A2:F2")
    ws["A3"] = nfd("NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026")
    ws.merge_cells("A3:F3")
    ws["A4"] = "(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Xuân Trường)"
    ws.merge_cells("A4:F4")
    header = ["TT", "Nội dung/ Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan  chủ trì",
              nfd("Cơ quan phối hợp"), "Thời gian\nthực hiện"]
    _put_row(ws, 6, header)
    _put_row(ws, 7, [1, 2, 3, 4, 5, 6])
    ws["A8"] = "<b>I CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH</b>"
    ws["A8"].font = Font(bold=True)
    ws.merge_cells("A8:F8")
    _put_row(ws, 9, [1, nfd("Ban hành và tổ chức thực hiện Kế hoạch CCHC năm 2026"),
                     "Kế hoạch\u00a0CCHC   năm 2026", "  " + VHXH + " ", RELATED + ".",
                     "Trước ngày 15/01/2026"])
    # Task 2: TT and content vertically merged over two product rows.
    _put_row(ws, 10, [2, "Thực hiện chế độ báo cáo CCHC định kỳ.", "Báo cáo quý",
                      VHXH, "Phòng Kinh tế;\nBưu điện xã;", dt.datetime(2026, 3, 31)])
    _put_row(ws, 11, [None, None, "<b>Báo cáo</b> năm", VHXH, "Phòng Kinh tế",
                      "Tháng 12/2026"])
    ws.merge_cells("A10:A11")
    ws.merge_cells("B10:B11")
    ws["A12"] = "II. CẢI CÁCH THỂ CHẾ"
    ws["A12"].font = Font(bold=True)
    ws.merge_cells("A12:F12")
    # Task II.1 split across a page break: header and column numbers repeated in between.
    _put_row(ws, 13, [1, "Xây dựng và ban hành văn bản quy phạm pháp luật của HĐND, UBND xã đảm bảo",
                      "Danh mục Nghị quyết của HĐND", "Văn phòng HĐND-UBND", None, "Quý III,"])
    _put_row(ws, 14, header)
    _put_row(ws, 15, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    _put_row(ws, 16, [None, "đúng tiến độ, thời hạn.", "và UBND xã.", None, RELATED, "IV/2025"])
    _put_row(ws, 17, [2.0, "Tiếp tục triển khai Kế hoạch kiểm tra, rà soát văn bản",
                      "Báo cáo kết quả thực hiện.", "Văn phòng HĐND-UBND", RELATED, "Thường xuyên"])
    _put_row(ws, 18, [None, None, "Báo cáo bổ sung", None, None, None])
    wb.save(path)


def test_xlsx_xuan_truong_layout(tmp_path):
    path = tmp_path / "Phu luc CCHC 2026.xlsx"
    _build_xuan_truong_xlsx(path)
    draft = read_appendix(path)

    assert draft.source_name == "Phu luc CCHC 2026.xlsx"
    assert draft.title == "NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    assert draft.caption.startswith("(Ban hành kèm theo Kế hoạch số 03/KH-UBND")
    assert shape(draft) == [
        ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", [
            ("1", "Ban hành và tổ chức thực hiện Kế hoạch CCHC năm 2026", [
                ("Kế hoạch CCHC năm 2026", [VHXH], [RELATED], "Trước ngày 15/01/2026")]),
            ("2", "Thực hiện chế độ báo cáo CCHC định kỳ.", [
                ("Báo cáo quý", [VHXH], ["Phòng Kinh tế", "Bưu điện xã"], "31/03/2026"),
                ("Báo cáo năm", [VHXH], ["Phòng Kinh tế"], "Tháng 12/2026")]),
        ]),
        ("II", "CẢI CÁCH THỂ CHẾ", [
            ("1", "Xây dựng và ban hành văn bản quy phạm pháp luật của HĐND, UBND xã đảm bảo "
                  "đúng tiến độ, thời hạn.", [
                ("Danh mục Nghị quyết của HĐND và UBND xã.", ["Văn phòng HĐND-UBND"], [RELATED],
                 "Quý III, IV/2025")]),
            ("2", "Tiếp tục triển khai Kế hoạch kiểm tra, rà soát văn bản", [
                ("Báo cáo kết quả thực hiện.", ["Văn phòng HĐND-UBND"], [RELATED], "Thường xuyên"),
                ("Báo cáo bổ sung", ["Văn phòng HĐND-UBND"], [RELATED], "Thường xuyên")]),
        ]),
    ]
    assert all(is_nfc(t) for t in all_texts(draft))
    task2 = draft.sections[0].tasks[1]
    assert [p.source_row for p in task2.products] == [10, 11]
    assert sorted((w.row, w.sheet) for w in draft.warnings) == [(16, "Phụ lục"), (18, "Phụ lục")]
    split_warning = next(w for w in draft.warnings if w.row == 16)
    assert "tách" in split_warning.message and "Phụ lục" in str(split_warning)


# --------------------------------------------------------------------------- 3. xlsx alternative

def test_xlsx_alternative_column_order_two_row_header(tmp_path):
    path = tmp_path / "ke-hoach-khac.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    ws["A1"] = "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    ws.merge_cells("A1:G1")
    _put_row(ws, 3, ["STT", "Tên nhiệm vụ", "Cơ quan thực hiện", None, "Sản phẩm", "Thời gian",
                     "Ghi chú"])
    _put_row(ws, 4, [None, None, "Chủ trì", "Phối hợp", None, None, None])
    for rng in ("A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:F4", "G3:G4"):
        ws.merge_cells(rng)
    _put_row(ws, 5, ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", None, None, None, None, None])
    _put_row(ws, 6, [1, "Ban hành Kế hoạch CCHC", VHXH, RELATED, "Kế hoạch",
                     dt.datetime(2026, 1, 15), "ghi chú bỏ qua"])
    _put_row(ws, 7, [2.0, "Kiểm tra CCHC", "Phòng A; Phòng B", None, None, "Quý II", None])
    _put_row(ws, 8, [None, None, None, None, "Biên bản kiểm tra", None, None])
    _put_row(ws, 9, ["II", "CẢI CÁCH THỂ CHẾ", None, None, None, None, None])
    _put_row(ws, 10, [1, "Rà soát văn bản", "Văn phòng HĐND-UBND", None, "Báo cáo rà soát",
                      "Quý IV", None])
    ws2 = wb.create_sheet("Ghi chú")
    ws2["A1"] = "Không phải bảng nhiệm vụ"
    wb.save(path)

    draft = read_appendix(path)
    assert draft.title == "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    assert shape(draft) == [
        ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", [
            ("1", "Ban hành Kế hoạch CCHC", [("Kế hoạch", [VHXH], [RELATED], "15/01/2026")]),
            ("2", "Kiểm tra CCHC", [("Biên bản kiểm tra", ["Phòng A", "Phòng B"], [], "Quý II")]),
        ]),
        ("II", "CẢI CÁCH THỂ CHẾ", [
            ("1", "Rà soát văn bản", [("Báo cáo rà soát", ["Văn phòng HĐND-UBND"], [], "Quý IV")]),
        ]),
    ]
    assert draft.warnings == []


def test_xlsx_header_missing_required_columns_names_sheet(tmp_path):
    path = tmp_path / "thieu-cot.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    _put_row(ws, 1, ["STT", "Nhiệm vụ", "Ghi chú"])
    _put_row(ws, 2, [1, "Việc gì đó", ""])
    wb.save(path)
    with pytest.raises(ImportFailure) as info:
        read_appendix(path)
    message = str(info.value)
    assert "thieu-cot.xlsx" in message and "Danh sách" in message
    assert "thiếu cột" in message and "Cơ quan chủ trì" in message
    assert info.value.sheet == "Danh sách" and info.value.row == 1


# --------------------------------------------------------------------------- 4. docx

def _fill(row, values):
    for cell, value in zip(row.cells, values):
        cell.text = value


def test_docx_with_merged_rows_and_repeated_header(tmp_path):
    path = tmp_path / "phu-luc.docx"
    doc = Document()
    letterhead = doc.add_table(rows=1, cols=2)
    _fill(letterhead.rows[0], ["ỦY BAN NHÂN DÂN XÃ XUÂN TRƯỜNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    doc.add_paragraph("Phụ lục")
    title = doc.add_paragraph()
    title.add_run("NHIỆM VỤ CỤ THỂ CẢI CÁCH HÀNH CHÍNH NĂM 2026").bold = True
    doc.add_paragraph("(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026)")

    table = doc.add_table(rows=11, cols=6)
    _fill(table.rows[0], HEADER)
    _fill(table.rows[1], ["1", "2", "3", "4", "5", "6"])
    section = table.cell(2, 0).merge(table.cell(2, 5))
    section.text = ""
    section.paragraphs[0].add_run("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH").bold = True
    _fill(table.rows[3], ["1", "Ban hành Kế hoạch CCHC năm 2026", "Kế hoạch CCHC", VHXH,
                          RELATED, "Quý I/2026"])
    _fill(table.rows[4], ["", "", "Báo cáo sơ kết", VHXH, "Phòng Kinh tế\nBưu điện xã",
                          "Tháng 6/2026"])
    # Task 2: TT and content merged vertically over rows 5-6.
    _fill(table.rows[5], ["", "", "Báo cáo quý", VHXH, RELATED, "Hằng quý"])
    _fill(table.rows[6], ["", "", "Báo cáo năm", VHXH, RELATED, "Tháng 12/2026"])
    table.cell(5, 0).merge(table.cell(6, 0)).text = "2"
    table.cell(5, 1).merge(table.cell(6, 1)).text = "Thực hiện chế độ báo cáo định kỳ"
    _fill(table.rows[7], HEADER)  # header repeated after a page break
    section2 = table.cell(8, 0).merge(table.cell(8, 5))
    section2.text = "<b>II CẢI CÁCH THỂ CHẾ</b>"
    _fill(table.rows[9], ["1", "Rà soát văn bản quy phạm pháp luật", "Báo cáo rà soát",
                          "Văn phòng HĐND-UBND", RELATED, "Thường xuyên"])
    _fill(table.rows[10], ["", "", "Báo cáo bổ sung", "", "", ""])

    signature = doc.add_table(rows=1, cols=2)
    _fill(signature.rows[0], ["Nơi nhận:\n- Như trên;", "TM. ỦY BAN NHÂN DÂN"])
    doc.save(path)

    draft = read_appendix(path)
    assert draft.title == "NHIỆM VỤ CỤ THỂ CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    assert draft.caption == "(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026)"
    assert shape(draft) == [
        ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", [
            ("1", "Ban hành Kế hoạch CCHC năm 2026", [
                ("Kế hoạch CCHC", [VHXH], [RELATED], "Quý I/2026"),
                ("Báo cáo sơ kết", [VHXH], ["Phòng Kinh tế", "Bưu điện xã"], "Tháng 6/2026")]),
            ("2", "Thực hiện chế độ báo cáo định kỳ", [
                ("Báo cáo quý", [VHXH], [RELATED], "Hằng quý"),
                ("Báo cáo năm", [VHXH], [RELATED], "Tháng 12/2026")]),
        ]),
        ("II", "CẢI CÁCH THỂ CHẾ", [
            ("1", "Rà soát văn bản quy phạm pháp luật", [
                ("Báo cáo rà soát", ["Văn phòng HĐND-UBND"], [RELATED], "Thường xuyên"),
                ("Báo cáo bổ sung", ["Văn phòng HĐND-UBND"], [RELATED], "Thường xuyên")]),
        ]),
    ]
    # Three tables in the document -> warnings name the table; row = 1-based table row.
    assert [(w.sheet, w.row) for w in draft.warnings] == [("Bảng 2", 11)]


# --------------------------------------------------------------------------- 5. clipboard TSV

def _excel_clipboard(rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buf.getvalue()


def test_clipboard_tsv_with_quoted_multiline_cells():
    text = _excel_clipboard([
        HEADER,
        ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "", "", "", ""],
        ["1", 'Tổ chức "Ngày chuyển đổi số"\nnăm 2026', 'Kế hoạch "Ngày CĐS"', VHXH,
         "Phòng Kinh tế\nBưu điện xã", "Tháng 10/2026"],
        ["", "", "Báo cáo kết quả", "", "", ""],
        ["2", "Tuyên truyền CCHC", "Tin, bài", VHXH + ";  Đoàn Thanh niên;", "", "Thường xuyên"],
    ])
    assert '""Ngày chuyển đổi số""' in text  # Excel-style escaping really is in the input
    draft = read_appendix_text(text)
    assert draft.source_name == "Dữ liệu dán"
    assert shape(draft) == [
        ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", [
            ("1", 'Tổ chức "Ngày chuyển đổi số"\nnăm 2026', [
                ('Kế hoạch "Ngày CĐS"', [VHXH], ["Phòng Kinh tế", "Bưu điện xã"], "Tháng 10/2026"),
                ("Báo cáo kết quả", [VHXH], ["Phòng Kinh tế", "Bưu điện xã"], "Tháng 10/2026")]),
            ("2", "Tuyên truyền CCHC", [
                ("Tin, bài", [VHXH, "Đoàn Thanh niên"], [], "Thường xuyên")]),
        ]),
    ]
    # Record 3 spans lines 3-5 (two quoted line breaks): the continuation starts on line 6.
    assert [w.row for w in draft.warnings] == [6]
    assert draft.sections[0].tasks[1].source_row == 7


def test_text_without_section_and_product_before_task():
    text = "\n".join([
        "\t".join(HEADER),
        "\t\tSản phẩm lạc\t\t\t",
        "1\tNhiệm vụ đầu\tSản phẩm\tPhòng A\t\tQuý I",
        "2\tNhiệm vụ không có sản phẩm\t\t\t\t",
    ])
    draft = read_appendix_text(text, "dán thử")
    assert [(s.numeral, s.title) for s in draft.sections] == [("", "Nhiệm vụ chung")]
    tasks = draft.sections[0].tasks
    assert [(t.number, len(t.products)) for t in tasks] == [("1", 1), ("2", 0)]
    assert [w.row for w in draft.warnings] == [2, 3]


def test_tsv_file_with_bom_and_non_utf8(tmp_path):
    good = tmp_path / "dan.tsv"
    good.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([
        "\t".join(HEADER), "I CÔNG TÁC\t\t\t\t\t", "1\tViệc\tSản phẩm\tPhòng A\t\tQuý I"
    ]).encode("utf-8"))
    draft = read_appendix(good)
    assert draft.task_count == 1 and draft.sections[0].title == "CÔNG TÁC"

    bad = tmp_path / "cu.txt"  # bytes no single-byte Windows code page defines
    bad.write_bytes("\t".join(HEADER).encode("utf-8") + b"\n\x81\x8d\x8f\x90\x9d\xc3\n")
    with pytest.raises(ImportFailure) as info:
        read_appendix(bad)
    assert "cu.txt" in str(info.value) and "UTF-8" in str(info.value)


def test_split_agencies_keeps_commas():
    assert split_agencies("Các cơ quan, đơn vị có liên quan.") == [RELATED]
    assert split_agencies("Phòng Kinh tế;\n- Bưu điện xã;\nPhòng Kinh tế") == [
        "Phòng Kinh tế", "Bưu điện xã"]
    assert split_agencies(nfd("Văn phòng\u00a0HĐND-UBND")) == ["Văn phòng HĐND-UBND"]
    assert split_agencies(None) == [] and split_agencies("") == []


# --------------------------------------------------------------------------- 6. bad inputs

def _assert_failure(path, *fragments):
    with pytest.raises(ImportFailure) as info:
        read_appendix(path)
    message = str(info.value)
    assert Path(path).name in message
    for fragment in fragments:
        assert fragment in message
    assert any(ch in message for ch in "ệếảờộ")  # a Vietnamese sentence, not a library error
    return info.value


def test_bad_inputs_raise_import_failure(tmp_path):
    fake = tmp_path / "gia.xlsx"
    fake.write_text("TT\tNội dung\nđây là văn bản thường", encoding="utf-8")
    _assert_failure(fake, "không phải là tệp Excel")

    truncated = tmp_path / "hong.xlsx"
    _build_xuan_truong_xlsx(truncated)
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    _assert_failure(truncated, "hỏng")

    broken_docx = tmp_path / "hong.docx"
    with zipfile.ZipFile(broken_docx, "w") as zf:
        zf.writestr("word/document.xml", "<không phải xml")
    _assert_failure(broken_docx, "hỏng")

    empty = tmp_path / "rong.xlsx"
    empty.write_bytes(b"")
    _assert_failure(empty, "rỗng")
    empty_txt = tmp_path / "rong.txt"
    empty_txt.write_bytes(b"")
    _assert_failure(empty_txt, "rỗng")

    no_header = tmp_path / "khong-tieu-de.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Trang 1"
    wb.active["A1"] = "Danh sách cán bộ"
    wb.active["A2"] = "Nguyễn Văn A"
    wb.save(no_header)
    failure = _assert_failure(no_header, "Trang 1", "tiêu đề")
    assert failure.sheet == "Trang 1"

    ole = tmp_path / "mat-khau.xlsx"
    ole.write_bytes(rows_module.OLE_MAGIC + b"\x00" * 600)
    _assert_failure(ole, "mật khẩu")

    for name in ("cu.doc", "phu-luc.pdf", "bang.xls", "khong-duoi"):
        p = tmp_path / name
        p.write_bytes(b"%PDF-1.4 whatever")
        _assert_failure(p, "định dạng")

    header_only = tmp_path / "chi-tieu-de.txt"
    header_only.write_text("\t".join(HEADER) + "\n1\t2\t3\t4\t5\t6\n", encoding="utf-8")
    _assert_failure(header_only, "không tìm thấy nhiệm vụ")

    docx_no_table = tmp_path / "khong-bang.docx"
    doc = Document()
    doc.add_paragraph("Chỉ có chữ")
    doc.save(docx_no_table)
    _assert_failure(docx_no_table, "không có bảng")

    _assert_failure(tmp_path / "khong-co.xlsx", "không tìm thấy tệp")


def test_size_and_row_limits(tmp_path, monkeypatch):
    big = tmp_path / "lon.txt"
    big.write_text("\t".join(HEADER) + "\n", encoding="utf-8")
    monkeypatch.setattr(rows_module, "MAX_FILE_BYTES", 10)
    _assert_failure(big, "quá lớn")
    monkeypatch.undo()

    with pytest.raises(ImportFailure) as info:
        read_appendix_text("\t".join(HEADER) + "\n" + "1\tx\ty\tz\t\tq\n" * 20_001, "dán lớn")
    assert "quá nhiều dòng" in str(info.value) and "dán lớn" in str(info.value)


def test_header_like_data_rows_and_unusual_headers_are_not_confused():
    header = ["Số TT", "Nội dung nhiệm vụ", "Sản phẩm đầu ra", "Đơn vị chủ trì",
              "Đơn vị phối hợp", "Thời gian hoàn thành dự kiến"]
    text = "\n".join("\t".join(r) for r in [
        ["KẾ HOẠCH CCHC NĂM 2026"],
        header,
        ["I.", "CẢI CÁCH THỂ CHẾ", "", "", "", ""],
        ["1", "Nội dung tuyên truyền pháp luật", "Sản phẩm truyền thông", "Phòng A", "", "Quý I"],
        ["", "", "Sản phẩm bổ sung", "Phòng B", "", "Quý II"],
        header,  # repeated after a page break, prefix-only label included
        ["2", "Nhiệm vụ hai", "Kết quả", "Phòng A", "", "Quý III"],
        ["VIII - XÂY DỰNG CHÍNH QUYỀN SỐ", "", "", "", "", ""],
        ["1", "Số hóa hồ sơ", "Hồ sơ số", "Phòng C", "", "Năm 2026"],
    ])
    draft = read_appendix_text(text)
    assert draft.title == "KẾ HOẠCH CCHC NĂM 2026"
    assert shape(draft) == [
        ("I", "CẢI CÁCH THỂ CHẾ", [
            ("1", "Nội dung tuyên truyền pháp luật", [
                ("Sản phẩm truyền thông", ["Phòng A"], [], "Quý I"),
                ("Sản phẩm bổ sung", ["Phòng B"], [], "Quý II")]),
            ("2", "Nhiệm vụ hai", [("Kết quả", ["Phòng A"], [], "Quý III")]),
        ]),
        ("VIII", "XÂY DỰNG CHÍNH QUYỀN SỐ", [
            ("1", "Số hóa hồ sơ", [("Hồ sơ số", ["Phòng C"], [], "Năm 2026")]),
        ]),
    ]
    assert draft.warnings == []


# --------------------------------------------------------------------------- STT as written, part headings

def _write_parts_workbook(path: Path) -> None:
    """An appendix laid out in Excel with parts A/B above the Roman sections, lettered and dashed sub-items and
    "1.10" typed as text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "PL01"
    rows = [
        ["NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026"],
        ["(Kèm theo Kế hoạch số 12/KH-UBND ngày 05/01/2026 của UBND phường An Tường)"],
        ["STT", "Nội dung", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời gian hoàn thành"],
        ["A", "NHIỆM VỤ TRỌNG TÂM"],
        ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
        [1, "Ban hành kế hoạch CCHC", "Kế hoạch", "Văn phòng", "Các đơn vị", "Quý I/2026"],
        [2, "Kiểm tra công tác CCHC"],
        ["a)", "Kiểm tra tại bộ phận một cửa", "Biên bản kiểm tra", "Văn phòng", None, "Quý II/2026"],
        ["b)", "Kiểm tra công chức", "Thông báo kết luận", "Văn phòng", None, "Quý III/2026"],
        ["-", "Báo cáo khắc phục", "Báo cáo", "Văn phòng", None, "Tháng 11/2026"],
        ["II", "CẢI CÁCH THỂ CHẾ"],
        ["1.1", "Rà soát văn bản", "Báo cáo rà soát", "Tư pháp", None, "30/6/2026"],
        ["1.10", "Tuyên truyền pháp luật", "Hội nghị", "Tư pháp", None, "Quý IV/2026"],
        ["B.", "NHIỆM VỤ KHÁC"],
        ["III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"],
        [1, "Công khai thủ tục hành chính", "Danh mục", "Bộ phận một cửa", None, "Quý I/2026"],
    ]
    for r, values in enumerate(rows, start=1):
        _put_row(ws, r, values)
        if len(values) == 2:
            ws.cell(r, 1).font = ws.cell(r, 2).font = Font(bold=True)
    wb.save(path)


def test_parts_a_b_do_not_become_tasks_or_shift_the_section_numbers(tmp_path, store):
    """«A | NHIỆM VỤ TRỌNG TÂM» used to be imported as a task of a «Nhiệm vụ chung» section printed I, so the
    plan's section I showed as II (and «B» as a task of section II): 2 tasks too many and every Roman number
    shifted. Sub-items keep their STT as printed: «a)», «b)», «-», «1.10»."""
    from cchc_desktop.import_commit import commit_draft

    path = tmp_path / "phu-luc-phan-a-b.xlsx"
    _write_parts_workbook(path)
    draft = read_appendix(path)
    assert [s.title for s in draft.sections] == ["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "CẢI CÁCH THỂ CHẾ",
                                                 "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"]
    assert not [w for w in draft.warnings if "không phải là số" in w.message], "«a)», «-» are ordinary STTs"
    parts = [w for w in draft.warnings if "tiêu đề phần" in w.message]
    assert sorted(w.row for w in parts) == [4, 14] and all(w.sheet == "PL01" for w in parts)
    plan_id = commit_draft(store, draft).plan_id
    rows = [tuple(r) for r in store.db.query(
        "SELECT s.position, s.title, t.source_stt, t.content FROM task t JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ? ORDER BY s.position, t.position", (plan_id,))]
    assert [(pos, stt) for pos, _title, stt, _c in rows] == [
        (0, "1"), (0, "2"), (0, "a)"), (0, "b)"), (0, "-"), (1, "1.1"), (1, "1.10"), (2, "1")]
    assert rows[0][1] == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"
    assert not [r for r in rows if "NHIỆM VỤ" in r[3]]
    plan = store.load_plan(plan_id)
    assert [s.label for s in plan.sections][0] == "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"


def test_stt_mark_leads_a_line_without_doubling_a_written_mark():
    from cchc_desktop.domain import stt_mark
    from cchc_desktop.importers.model import source_stt

    assert [source_stt(n) for n in ("37.", "a)", "đ)", "3)", "1.1", "-", "I.")] == \
        ["37", "a)", "đ)", "3", "1.1", "-", "I"]
    assert [stt_mark(n) for n in ("3", "1.1", "a)", "-", "+", "")] == ["3.", "1.1.", "a)", "-", "+", ""]


def test_a_folder_is_named_as_a_folder_not_as_an_unsupported_format(tmp_path):
    folder = tmp_path / "Phu luc 2026"
    folder.mkdir()
    with pytest.raises(ImportFailure) as caught:
        read_appendix(folder)
    message = str(caught.value)
    assert "thư mục" in message and "Phu luc 2026" in message and "phần mở rộng" not in message


def test_lettered_sub_items_are_cited_under_their_numbered_task_outside_the_appendix(tmp_path, store):
    """Task 2 «Kiểm tra công tác CCHC» heads sub-items a), b), -: lists outside the appendix (period lists, the
    dashboard) cite them «I.2.a)», «I.2.b)», «I.2 -» (two tasks' «a)» would both read «I.a)»), while the
    appendix keeps the STT as printed."""
    from cchc_desktop.domain import cited_stts
    from cchc_desktop.import_commit import commit_draft
    from cchc_desktop.reports.periodic_report import stt_citer
    from cchc_desktop.tracking.rollup import plan_summary

    assert cited_stts(["1", "2", "a)", "b)", "-", "3", "a)"]) == ["1", "2", "2.a)", "2.b)", "2 -", "3", "3.a)"]
    assert cited_stts(["a)", "1.1", "b."]) == ["a)", "1.1", "1.1.b."]
    path = tmp_path / "phu-luc-phan-a-b.xlsx"
    _write_parts_workbook(path)
    plan_id = commit_draft(store, read_appendix(path)).plan_id
    summary = plan_summary(store, plan_id, dt.date(2026, 12, 20), "2026-Q4")
    cite = stt_citer(store, plan_id)
    by_content = {item.task_content: (item.stt, cite(item)) for item in summary.items}
    assert by_content["Kiểm tra tại bộ phận một cửa"] == ("a)", "I.2.a)")
    assert by_content["Kiểm tra công chức"] == ("b)", "I.2.b)")
    assert by_content["Báo cáo khắc phục"] == ("-", "I.2 -")
    assert by_content["Ban hành kế hoạch CCHC"] == ("1", "I.1")
