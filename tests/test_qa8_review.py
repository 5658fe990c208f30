"""QA pass 8 (fresh eyes on the merges of 2026-12-01): rough edges found by looking at the app and its documents."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.cli import main
from cchc_desktop.planlife import fiveyear
from cchc_desktop.reports.header_settings import get_header, save_header
from cchc_desktop.store import Store

NO_SIGNER = "Chưa có họ tên người ký"


def _five_year_db(path):
    store = Store.open(path, actor="t")
    five = store.create_plan("xã Thiên Tân", 2026, 2030, doc_number="12/KH-UBND", doc_date="2026-01-05")
    store.add_task(store.add_section(five, "CẢI CÁCH TTHC"), "Nhân rộng mô hình")
    return store, five


def test_five_year_report_without_a_signer_name_says_so(tmp_path):
    """The periodic report, the reminder and the PAR letter warn when the plan has no signer name; the five-year
    report printed «TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH» with no name below and said nothing (CLI, dialog)."""
    store, five = _five_year_db(tmp_path / "kh.sqlite3")
    try:
        assert get_header(store, five).signer_warning            # the plan's header has no name
        report = fiveyear.build_period_report(store, five, dt.date(2026, 12, 31))
        assert any(NO_SIGNER in w for w in report.warnings), report.warnings
        save_header(store, five, signer_name="Trần Văn Bình")
        report = fiveyear.build_period_report(store, five, dt.date(2026, 12, 31))
        assert not report.warnings
    finally:
        store.close()


def test_period_report_cli_prints_the_signer_warning(tmp_path, capsys):
    db = tmp_path / "kh.sqlite3"
    store, five = _five_year_db(db)
    store.close()
    out_pdf = tmp_path / "giai-doan.pdf"
    code = main(["--db", str(db), "period-report", "--plan", five[:8], "--out", str(out_pdf), "--date", "31/12/2026"])
    captured = capsys.readouterr()
    assert code == 0 and out_pdf.read_bytes().startswith(b"%PDF")
    assert f"Lưu ý: {NO_SIGNER}" in captured.err
    store = Store.open(db, actor="t")
    try:
        save_header(store, five, signer_name="Trần Văn Bình")
    finally:
        store.close()
    assert main(["--db", str(db), "period-report", "--plan", five[:8], "--out", str(out_pdf)]) == 0
    assert "Lưu ý" not in capsys.readouterr().err


pytest.importorskip("pytestqt")


def test_five_year_dialog_tells_the_signer_warning_after_saving(qtbot, tmp_path, monkeypatch):
    from ui import fiveyear_dialog
    from ui.fiveyear_dialog import FiveYearDialog

    store, five = _five_year_db(tmp_path / "kh.sqlite3")
    try:
        shown = []
        monkeypatch.setattr(fiveyear_dialog.messages, "info", lambda _p, title, text: shown.append((title, text)))
        dialog = FiveYearDialog(store, five)
        qtbot.addWidget(dialog)
        out = tmp_path / "giai-doan.pdf"
        dialog.save_report(str(out))
        assert out.read_bytes().startswith(b"%PDF")
        assert len(shown) == 1 and NO_SIGNER in shown[0][1] and "giai-doan.pdf" in shown[0][1]
        save_header(store, five, signer_name="Trần Văn Bình")
        shown.clear()
        dialog.save_report(str(out))
        assert shown == []
    finally:
        store.close()


def _footer_room_points(ws) -> float:
    """Height of the band the footer is printed in: from its distance to the paper's edge up to the bottom margin."""
    return (ws.page_margins.bottom - ws.page_margins.footer) * 72


def test_update_workbook_footer_has_room_for_its_page_number(store, tmp_path):
    """Looked at through LibreOffice: «Trang 1/8» under the update workbook's table was cut in half — the narrow
    form margin (0.6") less openpyxl's default footer distance (0.5") left 7 pt for a 12-pt line. Every sheet with
    a footer (data, PAR, «Hướng dẫn») now has room for one line of it."""
    from openpyxl import load_workbook

    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.exchange import export_workbooks

    plan_id = create_demo_plan(store)
    results = export_workbooks(store, plan_id, "2026-Q2", tmp_path)
    assert results
    checked = 0
    for result in results:
        wb = load_workbook(result.path)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible" or not ws.oddFooter.center.text:
                continue
            assert _footer_room_points(ws) >= 12 * 1.2 + 2, (result.path.name, ws.title, _footer_room_points(ws))
            assert ws.page_margins.top - ws.page_margins.header > 0       # a header band above the top margin too
            checked += 1
        wb.close()
    assert checked >= 2 * len(results)


def test_every_print_setup_margin_leaves_room_for_the_footer():
    from openpyxl import Workbook

    from cchc_desktop.xlsx_print import MARGINS, NARROW_MARGINS, print_setup

    for margins in (MARGINS, NARROW_MARGINS):
        ws = Workbook().active
        print_setup(ws, landscape=True, margins=margins)
        assert ws.page_margins.bottom == margins.bottom and ws.page_margins.top == margins.top
        assert _footer_room_points(ws) >= 12 * 1.2 + 2, margins
