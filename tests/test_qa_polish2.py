"""QA walk at 1366×768 as a commune officer (second polish round): deadlines of another year warned on import,
group phrases in the workbook export, one shortening helper, report numbers per kind, printable .xlsx reports,
the five-year dialog's hint, Vietnamese key names, distinguishable plan labels."""
from __future__ import annotations

import re

import pytest

from cchc_desktop.cli import main
from cchc_desktop.deadlines import other_years
from cchc_desktop.demo import demo_appendix_path
from cchc_desktop.importers.plan_builder import read_plan
from cchc_desktop.text import shorten


def _demo_rows_of_other_years(year: int) -> list[tuple[int, str]]:
    """(line number, deadline) of the demo appendix rows whose last column names a year other than `year`,
    read with a plain split of the tab-separated file (not through the importer)."""
    out = []
    with open(demo_appendix_path(), encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            cells = line.rstrip("\n").split("\t")
            if len(cells) >= 6:
                years = {int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", cells[-1])}
                if years - {year}:
                    out.append((number, cells[-1]))
    return out


# --------------------------------------------------------------------------- 1. deadlines of another year

def test_other_years_is_the_rollover_check():
    assert other_years("Quý III, IV/2025", 2026) == [2025]
    assert other_years("Quý IV/2026", 2026) == []
    assert other_years("Giai đoạn 2026–2030", 2026) == []            # a range is the roll-over's other flag
    assert other_years("Năm 2027", 2026, 2030) == []
    assert other_years("30/6/2024 và 31/12/2025", 2026) == [2024, 2025]
    from cchc_desktop.planlife.rollover import shift_years
    assert shift_years("Quý IV/2025", 2026, 2027)[1] == ["có năm khác năm kế hoạch (2025) — giữ nguyên"]


def test_import_dry_run_warns_each_deadline_of_another_year(tmp_path, capsys):
    expected = _demo_rows_of_other_years(2026)
    assert len(expected) == 3
    code = main(["--db", str(tmp_path / "kh.sqlite3"), "import", str(demo_appendix_path()), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    lines = [line for line in out.splitlines() if "khác năm của kế hoạch (2026)" in line]
    assert len(lines) == len(expected)
    for (row, text), line in zip(expected, lines):
        assert f"dòng {row} (STT " in line and f"«{text}» thuộc năm 2025" in line and "kiểm tra lại" in line
    assert {re.search(r"STT ([IVX]+\.\d+)", line).group(1) for line in lines} == {"I.6", "II.1", "V.3"}
    # the text itself is kept as written: the year given on the command line changes what is "another year"
    main(["--db", str(tmp_path / "kh.sqlite3"), "import", str(demo_appendix_path()), "--dry-run",
          "--year", "2025"])
    out = capsys.readouterr().out
    assert "khác năm của kế hoạch (2025)" in out and "«Quý III, IV/2025» thuộc" not in out


def test_import_preview_dialog_lists_year_warnings(qtbot):
    from ui.dialogs.import_preview import ImportPreviewDialog
    draft = read_plan(demo_appendix_path())
    dialog = ImportPreviewDialog(draft)
    qtbot.addWidget(dialog)
    items = [dialog.warning_list.item(i).text() for i in range(dialog.warning_list.count())]
    year_items = [t for t in items if "khác năm của kế hoạch (2026)" in t]
    assert len(year_items) == len(_demo_rows_of_other_years(2026))
    assert any("(STT I.6)" in t and "«Quý III, IV/2025»" in t for t in year_items)
    assert "3 thời hạn ghi năm khác năm của kế hoạch" in dialog.summary.text()
    assert f"Cảnh báo ({len(items)})" in [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]


# --------------------------------------------------------------------------- 6. one shortening helper

def test_shorten_marks_the_cut():
    text = "Tổ chức thực hiện có hiệu quả Kế hoạch số 65/KH-UBND ngày 12/9/2025 thực hiện phân quyền, phân cấp"
    short = shorten(text, 70)
    assert len(short) <= 70 and short.endswith("…") and text.startswith(short[:-1])
    assert shorten("  ngắn \n gọn ", 70) == "ngắn gọn"


def test_rollover_preview_marks_cut_task_names(store):
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.planlife import rollover
    from cchc_desktop.tracking import set_status
    plan_id = create_demo_plan(store)
    plan = store.load_plan(plan_id)
    long_task = next(t for _s, t in plan.iter_tasks() if len(t.content) > 70)
    set_status(store, long_task.products[0].id, "2026", status="in_progress", percent=40)
    import datetime as dt
    text = rollover.preview_text(rollover.prepare_rollover(store, plan_id, 2027, dt.date(2026, 6, 1)))
    line = next(l for l in text.splitlines() if long_task.content[:40] in l and "Chuyển tiếp" in l)
    assert long_task.content[:60] in line and "… — Chuyển tiếp từ năm 2026" in line
    assert long_task.content not in line


def test_amendment_preview_warns_deadlines_of_another_year(store):
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.importers import read_appendix
    from cchc_desktop.planlife import amend
    plan_id = create_demo_plan(store)
    diff = amend.prepare_amendment(store, plan_id, read_appendix(demo_appendix_path()))
    text = amend.preview_text(diff)
    notes = [line for line in text.splitlines() if line.strip().startswith("Lưu ý:") and "khác năm" in line]
    assert len(notes) == len(_demo_rows_of_other_years(2026))
    # the demo appendix's caption cites the plan itself: not taken as the amendment's number and date
    assert (diff.doc_number, diff.doc_date) == ("", "") and "chính kế hoạch đang điều chỉnh" in text
    assert any("(STT V.3)" in n and "«Quý IV/2025» thuộc năm 2025" in n for n in notes)


# --------------------------------------------------------------------------- 2. group phrases get no workbook

def _group_led(store, plan_id):
    """Plain SQL: lead names written as a group phrase ("Các …"), and products whose every lead is one (or
    that have no lead)."""
    leads = store.db.query(
        "SELECT p.id, a.name FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "LEFT JOIN product_agency pa ON pa.product_id = p.id AND pa.role = 'lead' "
        "LEFT JOIN agency a ON a.id = pa.agency_id WHERE s.plan_id = ? AND t.archived_on = ''", (plan_id,))
    by_product: dict[str, list] = {}
    for pid, name in leads:
        by_product.setdefault(pid, []).append(name)
    groups = {n for names in by_product.values() for n in names if n and n.startswith("Các ")}
    only = {pid for pid, names in by_product.items() if all(n is None or n.startswith("Các ") for n in names)}
    return groups, only


def test_group_phrases_get_no_workbook_and_their_products_are_named(store, tmp_path, qtbot):
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.exchange import export_workbooks, lead_agencies, left_out_of_agency_workbooks
    from ui.exchange_dialogs import WorkbookExportDialog
    plan_id = create_demo_plan(store)
    groups, only = _group_led(store, plan_id)
    assert groups and only
    names = [n for _id, n in lead_agencies(store, plan_id)]
    assert not set(names) & groups
    dialog = WorkbookExportDialog(store, plan_id)
    qtbot.addWidget(dialog)
    listed = {dialog.agencies.item(i).text() for i in range(dialog.agencies.count())}
    assert listed == set(names) and not listed & groups
    note = dialog.left_out_note.text()
    assert all(f"«{g}»" in note for g in groups) and f"{len(only)} sản phẩm" in note
    assert "Một tệp chung cho tất cả cơ quan" in note
    left = left_out_of_agency_workbooks(store, plan_id)
    assert len(left.products) == len(only)
    written = export_workbooks(store, plan_id, "2026-Q2", tmp_path, agency_ids=dialog.selected_agencies())
    assert {w.agency_name for w in written} == set(names)


# --------------------------------------------------------------------------- 3. document number per kind

@pytest.mark.gui
def test_report_number_and_date_are_kept_per_kind(qtbot, store):
    import datetime as dt
    from PySide6.QtCore import QDate
    from reports_support import REF, seed_demo
    from ui.report_dialog import ReportDialog
    plan_id = seed_demo(store)
    dialog = ReportDialog(store, plan_id, kind="periodic", ref_date=REF)
    qtbot.addWidget(dialog)
    dialog.number_edit.setText("15")
    dialog.date_check.setChecked(True)
    dialog.issue_edit.setDate(QDate(2026, 4, 2))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("reminder"))
    assert dialog.number_edit.text() == "" and not dialog.date_check.isChecked()
    assert dialog.request().number == "" and dialog.request().issue_date is None
    dialog.number_edit.setText("16")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("periodic"))
    assert dialog.number_edit.text() == "15" and dialog.date_check.isChecked()
    assert dialog.request().issue_date == dt.date(2026, 4, 2)
    again = ReportDialog(store, plan_id, kind="reminder", ref_date=REF)    # the session remembers each kind
    qtbot.addWidget(again)
    assert again.number_edit.text() == "16"


# --------------------------------------------------------------------------- 4. the .xlsx reports print on A4

@pytest.mark.parametrize("kind", ["periodic", "reminder"])
def test_report_body_sheet_fits_an_a4_page(store, tmp_path, kind):
    import math
    from openpyxl import load_workbook
    from reports_support import PERIOD, REF, seed_demo
    from cchc_desktop.reports import catalog
    from cchc_desktop.reports.agency_tasks import lead_agencies
    plan_id = seed_demo(store)
    agency = lead_agencies(store.load_plan(plan_id))[0] if kind == "reminder" else ""
    path = catalog.export_xlsx(store, catalog.ReportRequest(kind=kind, plan_id=plan_id, period_key=PERIOD,
                                                            ref_date=REF, agency=agency), tmp_path / "r.xlsx")
    wb = load_workbook(path)
    ws = wb["Nội dung"]
    # column units are digits of the default font: Times New Roman 12 (8 px a digit at 96 dpi), not Calibri
    assert wb._fonts[0].name == "Times New Roman" and wb._fonts[0].sz == 12
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9   # A4
    printable_px = (8.27 - ws.page_margins.left - ws.page_margins.right) * 96
    assert ws.column_dimensions["A"].width * 8 + 5 <= printable_px
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    room_pt = (ws.column_dimensions["A"].width * 8 + 5) * 0.75
    rows = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value]
    assert len(rows) > 3
    for r in rows:
        text = str(ws.cell(r, 1).value)
        assert ws.cell(r, 1).alignment.wrap_text
        lines = math.ceil(len(text) * 5.0 / room_pt)        # Times 12 averages more than 5 pt a character
        assert ws.row_dimensions[r].height >= lines * 12, (r, text)


# --------------------------------------------------------------------------- 5. five-year dialog hint

def _menu_paths(window) -> set[str]:
    """«Menu → Item» of every menu action, without mnemonics."""
    out = set()
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions() if menu else []:
            out.add(f"{menu_action.text().replace('&', '')} → {action.text().replace('&', '')}")
    return out


def test_five_year_dialog_says_how_to_get_a_multi_year_plan(qtbot, store, window):
    from ui.fiveyear_dialog import FiveYearDialog
    dialog = FiveYearDialog(store, window.model.plan_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.parent_combo.count() == 1 and dialog.hint.isVisible()
    hint = dialog.hint.text()
    named = re.findall(r"<b>([^<]*→[^<]*)</b>", hint)
    assert len(named) == 3 and set(named) <= _menu_paths(window)
    five = store.create_plan("Xuân Trường", 2026, 2030)       # once one exists, the combo offers it, no hint
    assert five
    again = FiveYearDialog(store, window.model.plan_id, window)
    qtbot.addWidget(again)
    again.show()
    assert again.parent_combo.count() == 2 and not again.hint.isVisible()


# --------------------------------------------------------------------------- 7. key names, undo text

def test_shortcut_help_uses_keyboard_names_and_undo_reads_with_a_colon(qtbot, qapp, window):
    from PySide6.QtGui import QUndoCommand
    from ui import actions, qt_vi
    qt_vi.install(qapp)
    rows = re.findall(r"<tr><td><b>([^<]*)</b></td><td>([^<]*)</td></tr>", actions.shortcut_help(window))
    keys = {text: key for key, text in rows}
    assert keys["Chèn nhiệm vụ phía trên"] == "Insert"
    assert keys["Xóa dòng đang chọn"] == "Delete"
    assert keys["Thêm nhiệm vụ vào cuối mục"] == "Ctrl+Enter"
    assert keys["Thêm hoạt động/sản phẩm"] == "Ctrl+Shift+Enter"
    assert all(key for key, _text in rows)
    names = " ".join(keys.values())
    assert not re.search(r"\b(Ins|Del|Return)\b", names)
    stack = window.undo_stack
    stack.push(QUndoCommand("Sửa hoạt động/sản phẩm"))
    assert window.actions["undo"].text().replace("&", "") == "Hoàn tác: Sửa hoạt động/sản phẩm"
    stack.undo()
    assert window.actions["redo"].text().replace("&", "") == "Làm lại: Sửa hoạt động/sản phẩm"
    assert window.actions["undo"].text().replace("&", "") == "Hoàn tác"


# --------------------------------------------------------------------------- 8. plan labels told apart

def test_demo_and_imported_seed_have_distinct_plan_labels(qtbot, store, window):
    from cchc_desktop.import_commit import commit_plan
    from ui.dialogs.plan_properties import PlanPickerDialog
    result = commit_plan(store, read_plan(demo_appendix_path()))
    window._refresh_plan_combo()
    combo = window.plan_combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    ids = [combo.itemData(i) for i in range(combo.count())]
    assert len(labels) == 2 and result.plan_id in ids
    strip = [re.sub(r"; kế hoạch mẫu", "", label) for label in labels]
    assert len(set(strip)) == 2                         # not only the «kế hoạch mẫu» suffix tells them apart
    for plan_id, label in zip(ids, labels):
        assert f"mã {plan_id[:4]}" in label
    picker = PlanPickerDialog(store.list_plans(), ids[0])
    qtbot.addWidget(picker)
    assert sorted(picker.list.item(i).text() for i in range(picker.list.count())) == sorted(labels)
    other = store.create_plan("Phường An Tường", 2027)   # a label unlike the others stays short
    window._refresh_plan_combo()
    label = combo.itemText(combo.findData(other))
    assert "mã " not in label


def test_plan_label_leaves_out_a_number_that_is_only_the_symbol():
    from ui.plan_labels import plan_label
    base = {"id": "abcd", "unit_kind": "xã", "unit_name": "Thiên Tân", "year_start": 2026, "year_end": 2030,
            "status": "draft", "task_count": 0}
    assert "KH số" not in plan_label({**base, "doc_number": "/KH-UBND"})
    assert "KH số" not in plan_label({**base, "doc_number": "  "})
    assert " — KH số 12/KH-UBND " in plan_label({**base, "doc_number": "12/KH-UBND"})


def test_plan_box_shows_a_whole_ordinary_label_at_1366(window, store):
    """«Phường An Tường — năm 2026 — KH số 12/KH-UBND» showed as «… 12/KH-UBN»: the document number cut."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    plan_id = store.create_plan("An Tường", 2026, unit_kind="phường", doc_number="12/KH-UBND")
    window.open_plan(plan_id)
    combo = window.plan_combo
    text = combo.currentText()
    shown = text[:text.index("12/KH-UBND") + len("12/KH-UBND")]
    assert shown == "Phường An Tường — năm 2026 — KH số 12/KH-UBND"
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.CC_ComboBox, option, QStyle.SC_ComboBoxEditField, combo)
    assert combo.fontMetrics().horizontalAdvance(shown) <= field.width()
    assert window.width() == 1366 and combo.geometry().right() < window.width()
