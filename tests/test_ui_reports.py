"""Report dialog: preview of the real PDF pages, save PDF / xlsx, print, template editing (pytest-qt, offscreen)."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QColor

from cchc_desktop.reports.templates import list_templates

from reports_support import REF, page_texts, seed_demo

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot, store):
    from ui.report_dialog import ReportDialog

    plan_id = seed_demo(store)
    dlg = ReportDialog(store, plan_id, kind="periodic", ref_date=REF)
    qtbot.addWidget(dlg)
    dlg.offers = []                      # «Ghi vào sổ báo cáo đã ban hành?» after each save: declined here
    dlg.ask_register = lambda entry: dlg.offers.append(entry)
    dlg.period_combo.setCurrentIndex(dlg.period_combo.findData("2026-Q1"))
    dlg.refresh()
    return dlg


def test_preview_shows_real_pages_on_white(dialog):
    assert dialog.pdf and dialog.pdf[:5] == b"%PDF-"
    assert dialog.preview.page_count == len(dialog.preview.labels) > 2
    image = dialog.preview.pages.render(0, 40)
    assert image.pixelColor(2, 2) == QColor("white")  # transparent page painted on white
    first = dialog.preview.labels[0].pixmap()
    last = dialog.preview.labels[-1].pixmap()
    assert first.height() > first.width() and last.width() > last.height()  # portrait body, landscape appendix
    assert "trang" in dialog.status.text()


def test_every_kind_previews(dialog):
    for kind in ("appendix", "reminder", "agency_tasks", "periodic"):
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(kind))
        assert dialog.pdf is not None, (kind, dialog.status.text())
        assert dialog.preview.page_count >= 1


def test_save_pdf_and_xlsx(dialog, tmp_path):
    dialog.number_edit.setText("7")
    dialog.refresh()
    target = tmp_path / "bao-cao"
    dialog.ask_save_path = lambda *_a: str(target)
    saved = dialog.save_pdf()
    assert saved.endswith(".pdf")
    with open(saved, "rb") as handle:
        data = handle.read()
    assert data == dialog.pdf and "Số: 07/BC-UBND" in page_texts(data)[0]
    xlsx = dialog.export_xlsx()
    assert xlsx.endswith(".xlsx") and "Nội dung" in load_workbook(xlsx).sheetnames
    assert [(e.period_key, e.doc_number, e.issued_on) for e in dialog.offers] == [("2026-Q1", "07/BC-UBND", None)] * 2
    assert dialog.store.db.query_one("SELECT COUNT(*) FROM report_issue")[0] == 0     # declined: nothing written


def test_saving_a_periodic_report_offers_the_register_one_undoable_step(qtbot, store, tmp_path):
    import datetime as dt

    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget

    from ui.issued_reports_dialog import EntryDialog
    from ui.report_dialog import ReportDialog

    plan_id = seed_demo(store)
    window = QWidget()
    window.store, window.undo_stack = store, QUndoStack(window)
    qtbot.addWidget(window)
    dlg = ReportDialog(store, plan_id, window, kind="periodic", ref_date=REF)
    dlg.period_combo.setCurrentIndex(dlg.period_combo.findData("2026-Q2"))
    dlg.number_edit.setText("41")
    dlg.date_check.setChecked(True)
    dlg.issue_edit.setDate(dt.date(2026, 6, 14))
    dlg.refresh()
    dlg.ask_save_path = lambda *_a: str(tmp_path / "bc")
    forms = []

    def accept(entry):                   # the real form, prefilled from the header, then «Ghi vào sổ»
        form = EntryDialog(2026, dlg, entry)
        form.resize(640, form.height())
        form.grab().save(str(tmp_path / "ghi-so.png"))
        forms.append(form)
        return form.values()
    dlg.ask_register = accept
    assert dlg.save_pdf()
    form = forms[0]
    # a Quý II report is registered as Quý II (it counts as the 6-month report), never shown as «6 tháng»
    assert (form.period.currentData(), form.number.text(), form.date.date().toString("dd/MM/yyyy")) == \
        ("2026-Q2", "41/BC-UBND", "14/06/2026")
    assert form.period.currentText() == "Quý II 2026 (tính là báo cáo 6 tháng)"
    assert form.summary.text().startswith("Báo cáo kết quả thực hiện công tác cải cách hành chính quý II")
    row = store.db.query_one("SELECT period_key, doc_number, issued_on, source FROM report_issue")
    assert tuple(row) == ("2026-Q2", "41/BC-UBND", "2026-06-14", "xuat")
    from cchc_desktop.tracking.issued_reports import report_checks
    half = [c for c in report_checks(store, plan_id, 2026, dt.date(2026, 12, 31)) if c.slot == "H1"][0]
    assert half.entry is not None and half.entry["doc_number"] == "41/BC-UBND"
    assert "sổ báo cáo" in dlg.status.text() and window.undo_stack.count() == 1
    assert dlg.export_docx() and len(forms) == 1          # already in the register: not asked again
    window.undo_stack.undo()
    assert store.db.query_one("SELECT COUNT(*) FROM report_issue")[0] == 0
    declined = []
    dlg.ask_register = lambda entry: declined.append(entry)
    assert dlg.export_xlsx() and declined and store.db.query_one("SELECT COUNT(*) FROM report_issue")[0] == 0


def test_export_word_from_the_dialog(dialog, tmp_path, qtbot):
    from docx import Document
    from PySide6.QtCore import Qt

    dialog.number_edit.setText("7")
    dialog.refresh()
    target = tmp_path / "bao-cao"
    dialog.ask_save_path = lambda *_a: str(target)
    assert dialog.docx_button.isEnabled() and dialog.docx_button.text().replace("&", "") == "Xuất Word (.docx)…"
    qtbot.mouseClick(dialog.docx_button, Qt.LeftButton)
    saved = tmp_path / "bao-cao.docx"
    doc = Document(saved)
    header_cells = [c.text for c in doc.tables[0]._cells]
    assert "Số: 07/BC-UBND" in header_cells
    assert str(saved) in dialog.status.text()
    assert len(doc.sections) == 2  # portrait report + landscape appendix


def test_print_to_pdf_printer(dialog, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    from ui import pdf_preview

    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(out))
    pdf_preview.print_pages(dialog.preview.pages, printer, dpi=50)
    from pypdf import PdfReader

    pages = PdfReader(str(out)).pages
    assert len(pages) == dialog.preview.page_count
    assert float(pages[-1].mediabox.width) > float(pages[-1].mediabox.height)


def test_edit_text_errors_and_save_as_new_template(dialog, store):
    body = dialog.text_edits["body"]
    body.setPlainText("Tổng số {{ so_nhiem_vu_sai }} nhiệm vụ.")
    dialog.refresh()
    assert dialog.pdf is None and "so_nhiem_vu_sai" in dialog.status.text()
    assert not dialog.pdf_button.isEnabled()
    body.setPlainText("# I. KẾT QUẢ\nTổng số {{ so_nhiem_vu }} nhiệm vụ, hoàn thành {{ ty_le_hoan_thanh }}.")
    dialog.refresh()
    assert dialog.pdf is not None and "hoàn thành" in " ".join(page_texts(dialog.pdf)[:1])
    new_id = dialog.save_template_as("Mẫu báo cáo quý rút gọn")
    assert new_id and dialog.template_combo.currentData() == new_id
    assert any(t.name == "Mẫu báo cáo quý rút gọn" for t in list_templates(store, "periodic"))
    assert dialog.save_template_button.isEnabled()


def test_main_window_has_report_menu(qtbot, store):
    from ui.app import build_main_window
    from ui.report_dialog import ReportDialog

    seed_demo(store)
    win = build_main_window(store)
    qtbot.addWidget(win)
    assert "Báo cáo" in [a.text().replace("&", "") for a in win.menuBar().actions()]
    opened = []
    win.dialog_runner = lambda dlg: opened.append(dlg) or False
    win.actions["reports"].trigger()
    assert opened and isinstance(opened[0], ReportDialog) and opened[0].pdf is not None


def test_report_and_header_dialogs_fit_a_1366x768_screen(qtbot, store, monkeypatch):
    """Taskbar included the available area is about 1366×728; dialogs were 1500×940 and 640×716."""
    from ui import screen
    from ui.header_settings_dialog import HeaderSettingsDialog
    from ui.report_dialog import ReportDialog

    monkeypatch.setattr(screen, "available_size", lambda widget=None: (1366, 728))
    plan_id = seed_demo(store)
    for dlg in (ReportDialog(store, plan_id, kind="periodic", ref_date=REF), HeaderSettingsDialog(store, plan_id)):
        qtbot.addWidget(dlg)
        limit_h = 728 - screen.FRAME_HEIGHT
        assert dlg.width() <= 1366 - screen.FRAME_WIDTH and dlg.height() <= limit_h
        assert dlg.minimumSizeHint().height() <= limit_h


def test_saving_over_a_report_open_in_word_says_so(dialog, tmp_path, monkeypatch):
    """The Word draft saved again while the leader still has it open: the box names that (Windows refuses the
    rename), never an English OS error; the old file stays and the register is not offered."""
    import errno
    import os as _os

    from cchc_desktop import safe_write
    from ui import messages

    shown = []
    monkeypatch.setattr(messages, "error", lambda _parent, title, text: shown.append((title, text)))
    target = tmp_path / "bao-cao.docx"
    target.write_bytes(b"ban dang mo")
    real_replace = _os.replace

    def refuse(src, dst, *a, **k):
        if str(dst) == str(target):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(safe_write.os, "replace", refuse)
    dialog.ask_save_path = lambda *_a: str(target)
    assert dialog.export_docx() is None
    assert shown and shown[0][0] == "Chưa xuất được"
    assert "đang được mở trong chương trình khác" in shown[0][1] and "Permission" not in shown[0][1]
    assert target.read_bytes() == b"ban dang mo" and dialog.offers == []
