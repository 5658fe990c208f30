"""The «Tự đánh giá Chỉ số CCHC» dialog (issue #17), offscreen."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.par import catalog
from ui.par_dialog import NOT_SCORED, ParDialog, ProposalDialog

pytestmark = pytest.mark.gui


def _select(dialog, code):
    for item in dialog.tree.findItems(code, Qt.MatchExactly | Qt.MatchRecursive, 0):
        dialog.tree.setCurrentItem(item)
        return item
    raise AssertionError(code)


def _window(qtbot, store):
    """A stand-in for the main window: the store, its undo stack and change notification."""
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    window.store, window.undo_stack = store, QUndoStack(window)
    qtbot.addWidget(window)
    return window


def test_dialog_scores_a_leaf_refuses_without_explanation_and_undoes(qtbot, store, monkeypatch):
    plan_id = create_demo_plan(store)
    window = _window(qtbot, store)
    dialog = ParDialog(store, plan_id, window)
    assert dialog.catalog_id is None and not dialog.form_box.isEnabled()
    dialog.use_example()
    assert dialog.catalog_id and dialog.example_note.isVisibleTo(dialog)
    errors = []
    monkeypatch.setattr(dialog, "_error", errors.append)
    _select(dialog, "3.4")
    assert dialog.form_box.isEnabled()
    dialog.points.setValue(3)
    dialog.save_score()
    assert errors and "giải trình" in errors[0]
    assert store.db.query_one("SELECT COUNT(*) FROM par_score")[0] == 0
    dialog.explanation.setPlainText("Bộ phận Một cửa hoạt động đúng quy chế")
    dialog.save_score()
    assert store.db.query_one("SELECT points FROM par_score")[0] == 3
    assert "Tổng điểm tự đánh giá: 3/100" in dialog.total_label.text()
    _select(dialog, "3")
    assert not dialog.form_box.isEnabled()               # an area is the sum of its criteria
    assert window.undo_stack.count() == 2              # the example catalogue, the score
    dialog.undo()                                      # Ctrl+Z in the dialog: the window's stack
    assert store.db.query_one("SELECT COUNT(*) FROM par_score")[0] == 0
    assert "Tổng điểm tự đánh giá: 0/100" in dialog.total_label.text()     # refreshed by the notification
    _select(dialog, "3.4")
    assert dialog.points.value() == NOT_SCORED
    dialog.redo()
    assert store.db.query_one("SELECT points FROM par_score")[0] == 3 and dialog.points.value() == 3


def test_wheel_over_an_unfocused_points_box_changes_nothing(qtbot, store):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    plan_id = create_demo_plan(store)
    catalog.commit_catalog(store, catalog.example_catalog(2026))
    dialog = ParDialog(store, plan_id)
    qtbot.addWidget(dialog)
    _select(dialog, "3.4")
    dialog.points.setValue(2)
    event = QWheelEvent(QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, 120), Qt.NoButton, Qt.NoModifier,
                        Qt.NoScrollPhase, False)
    QApplication.sendEvent(dialog.points, event)
    assert dialog.points.value() == 2


def test_proposal_review_keeps_only_ticked_links(qtbot, store):
    from cchc_desktop.par import mapping

    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    proposals = mapping.propose_links(store, plan_id, catalog_id)
    review = ProposalDialog(proposals)
    qtbot.addWidget(review)
    review.list.item(0).setCheckState(Qt.Unchecked)
    assert review.chosen() == proposals[1:]
    assert review.result() != QDialog.Accepted


def test_register_dialog_adds_and_undoes_through_the_window_stack(qtbot, store, tmp_path, monkeypatch):
    import datetime as dt

    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget

    from ui.issued_reports_dialog import IssuedReportsDialog

    plan_id = create_demo_plan(store)
    window = QWidget()
    window.store, window.undo_stack = store, QUndoStack(window)
    qtbot.addWidget(window)
    dialog = IssuedReportsDialog(store, plan_id, window)
    assert dialog.add_entry({"period_key": "2026-Q1", "issued_on": dt.date(2026, 3, 12), "doc_number": "15/BC-UBND",
                             "summary": "Báo cáo CCHC quý I"})
    assert store.db.query_one("SELECT doc_number, issued_on FROM report_issue")[:] == ("15/BC-UBND", "2026-03-12")
    assert dialog.table.rowCount() == 1 and "Quý I 12/03 (hạn 15/03)" in dialog.checks_label.text()
    errors = []
    import ui.issued_reports_dialog as module
    monkeypatch.setattr(module.messages, "error", lambda _parent, _title, text: errors.append(text))
    assert not dialog.add_entry({"period_key": "2026-Q3", "issued_on": dt.date(2026, 6, 1)})
    assert errors and "trước khi kỳ báo cáo bắt đầu" in errors[0]
    dialog.resize(1366, 768)
    dialog.grab().save(str(tmp_path / "so-bao-cao.png"))
    window.undo_stack.undo()
    dialog.refresh()
    assert store.db.query_one("SELECT COUNT(*) FROM report_issue")[0] == 0 and dialog.table.rowCount() == 0


def test_every_par_write_is_one_step_on_the_window_stack_and_the_dialog_follows(qtbot, store, tmp_path):
    from cchc_desktop.par import mapping
    from ui.operations import perform_in

    plan_id = create_demo_plan(store)
    window = _window(qtbot, store)
    dialog = ParDialog(store, plan_id, window)
    stack = window.undo_stack
    dialog.use_example()
    catalog_id = dialog.catalog_id
    stack.undo()                                         # the catalogue goes: the dialog says so
    assert dialog.catalog_id is None and "Chưa có Bộ chỉ số" in dialog.total_label.text()
    stack.redo()                                         # and comes back, selected
    assert dialog.catalog_id == catalog_id and dialog.tree.topLevelItemCount() == 8
    proposals = mapping.propose_links(store, plan_id, catalog_id)
    assert dialog.confirm_links(proposals[:3])
    links = store.db.query_one("SELECT COUNT(*) FROM par_link")[0]
    assert links == 3
    scan = tmp_path / "quy-che.pdf"
    scan.write_bytes(b"%PDF-1.4 quy che")
    assert dialog.add_document_to("3.4", source_file=str(scan), doc_number="20/QĐ-UBND", summary="Quy chế Một cửa")
    _select(dialog, "3.4")
    assert any("20/QĐ-UBND" in dialog.documents.item(i).text() for i in range(dialog.documents.count()))
    assert dialog.accept_computed()
    computed = store.db.query_one("SELECT COUNT(*) FROM par_score")[0]
    assert computed > 0
    assert [stack.text(i) for i in range(stack.count())] == [
        "Dùng Bộ chỉ số ví dụ", "Gắn 3 liên kết tiêu chí", "Thêm tài liệu kiểm chứng cho tiêu chí 3.4",
        "Lấy điểm tự tính"]
    stack.undo()                                         # the computed points: one step
    assert store.db.query_one("SELECT COUNT(*) FROM par_score")[0] == 0
    stack.undo()
    _select(dialog, "3.4")
    assert not any("20/QĐ-UBND" in dialog.documents.item(i).text() for i in range(dialog.documents.count()))
    stack.undo()
    assert store.db.query_one("SELECT COUNT(*) FROM par_link")[0] == 0
    # a write made elsewhere on the window's stack (e.g. from another dialog) refreshes the open dialog too
    from PySide6.QtWidgets import QWidget

    from cchc_desktop.ops import par as par_ops

    other = QWidget(window)
    criterion = store.db.query_one("SELECT id FROM par_criterion WHERE code = '3.4'")[0]
    assert perform_in(other, "Chấm", par_ops.set_score, store, plan_id, criterion, 1, explanation="Một phần").ok
    assert _select(dialog, "3.4").text(4) == "1" and "1/100" in dialog.total_label.text()
    dialog.done(0)                                       # closed: no longer follows the changes
    stack.undo()
    assert store.db.query_one("SELECT COUNT(*) FROM par_score")[0] == 0 and "1/100" in dialog.total_label.text()


def test_agencies_documents_import_is_one_undo_step(qtbot, store, tmp_path, monkeypatch):
    import openpyxl

    from cchc_desktop.par import outputs, scoring
    from cchc_desktop.reports.report_xlsx import export_report_xlsx
    import ui.par_dialog as module

    plan_id = create_demo_plan(store)
    window = _window(qtbot, store)
    dialog = ParDialog(store, plan_id, window)
    dialog.use_example()
    path = export_report_xlsx(outputs.chase_report(store, scoring.assessment(store, plan_id, dialog.catalog_id)),
                              tmp_path / "thieu.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 15) if ws.cell(row=r, column=1).value == "Mã")
    code = ws.cell(header + 1, 1).value
    ws.cell(header + 1, 5, "15/BC-UBND")
    ws.cell(header + 1, 7, "Báo cáo kết quả")
    wb.save(path)
    wb.close()
    monkeypatch.setattr(module.file_dialogs, "open_files", lambda *_a: [str(path)])
    asked = []
    monkeypatch.setattr(module.messages, "confirm", lambda _p, _t, text: asked.append(text) or True)
    dialog.import_answers()
    assert asked and f"• {code}: 15/BC-UBND" in asked[0]
    assert store.db.query_one("SELECT COUNT(*) FROM par_document")[0] == 1
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Nhập 1 văn bản cơ quan gửi lại"
    _select(dialog, code)
    assert any("15/BC-UBND" in dialog.documents.item(i).text() for i in range(dialog.documents.count()))
    window.undo_stack.undo()
    assert store.db.query_one("SELECT COUNT(*) FROM par_document")[0] == 0


def test_dialog_without_a_catalogue_fits_a_1366_pixel_screen(qtbot, store):
    """The long «Chưa có Bộ chỉ số năm …» total line wraps instead of widening the dialog past the screen."""
    plan_id = create_demo_plan(store)
    window = _window(qtbot, store)
    dialog = ParDialog(store, plan_id, window)
    assert dialog.catalog_id is None and "Chưa có Bộ chỉ số" in dialog.total_label.text()
    assert dialog.minimumSizeHint().width() <= 1366 - 20


def test_export_offers_to_update_stale_computed_points_as_one_step(qtbot, store, monkeypatch):
    """QA2 #1: points taken before a report was recorded in the register are listed before export and updated in
    one undo step (nothing exported when the user says no)."""
    from cchc_desktop import ops
    from cchc_desktop.tracking.issued_reports import add_issued
    from ui import messages

    plan_id = create_demo_plan(store)
    window = _window(qtbot, store)
    dialog = ParDialog(store, plan_id, window)
    dialog.use_example()
    dialog.accept_computed()
    ops.run(store, "x", add_issued, store, plan_id, "2026-Q1", "12/03/2026")
    dialog.refresh()
    asked, answers = [], [False, True]
    monkeypatch.setattr(messages, "confirm", lambda parent, title, text, **k: asked.append(text) or answers.pop(0))
    monkeypatch.setattr("ui.file_dialogs.folder", lambda *a, **k: "")
    steps = window.undo_stack.count()
    dialog.export()
    assert len(asked) == 1 and "1.2: 0 → " in asked[0] and window.undo_stack.count() == steps
    dialog.export()
    assert window.undo_stack.count() == steps + 1 and not dialog.assessment.stale
    assert store.db.query_one("SELECT points FROM par_score s JOIN par_criterion c ON c.id = s.criterion_id "
                              "WHERE c.code = '1.2'")[0] > 0
    window.undo_stack.undo()
    assert dialog.assessment.stale


def test_register_dialog_intro_wraps_on_a_1024_pixel_screen(qtbot, store):
    """QA2 #11: every text line of the «Sổ báo cáo» dialog fits a 1024-pixel-wide dialog (wrapped, not cut)."""
    from PySide6.QtWidgets import QLabel

    from ui.issued_reports_dialog import IssuedReportsDialog

    plan_id = create_demo_plan(store)
    window = _window(qtbot, store)
    dialog = IssuedReportsDialog(store, plan_id, window)
    dialog.resize(1000, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= 1024
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and label.text():
            assert label.wordWrap() or label.sizeHint().width() <= label.width() + 1, label.text()
    dialog.close()


def test_register_dialog_and_criterion_say_the_same(qtbot, store):
    """QA2 #6: the «Sổ báo cáo» dialog and criterion 1.2 give one figure in one wording (the denominator named)."""
    import datetime as dt
    import re

    from cchc_desktop import ops
    from cchc_desktop.par import scoring
    from cchc_desktop.tracking.issued_reports import add_issued
    from ui.issued_reports_dialog import IssuedReportsDialog

    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    ops.run(store, "x", add_issued, store, plan_id, "2026-Q1", "12/03/2026")
    window = _window(qtbot, store)
    dialog = IssuedReportsDialog(store, plan_id, window)
    shown = re.sub(r"<[^>]+>", "", dialog.checks_label.text()).replace("&amp;", "&")
    how = scoring.assessment(store, plan_id, catalog_id).by_code("1.2").computed.how
    assert how.startswith(shown) and "hoặc đã ghi sổ" in shown
    due = store.db.query_one("SELECT COUNT(*) FROM report_issue")[0]
    assert shown.startswith(f"{due}/4 báo cáo đúng hạn (tính các báo cáo đến hạn đến "
                            f"{dt.date(2026, 12, 31):%d/%m/%Y}")


def test_dialog_deletes_a_direct_document_and_removes_a_link_one_undo_step_each(qtbot, store, tmp_path):
    """The criterion form lists its links (task by its STT, product, document) beside its documents: «Xóa tài liệu
    đã thêm» deletes a document added directly (a task's document cannot be deleted from here), «Bỏ liên kết»
    removes the selected link; each is one step on the window's stack, Ctrl+Z puts it back."""
    from cchc_desktop.par import mapping

    plan_id = create_demo_plan(store)
    window = _window(qtbot, store)
    dialog = ParDialog(store, plan_id, window)
    dialog.use_example()
    proposals = [p for p in mapping.propose_links(store, plan_id, dialog.catalog_id) if p.kind == "task"]
    first = proposals[0]
    assert dialog.confirm_links([first])
    task = store.db.query_one("SELECT s.position AS section, t.position, t.source_stt, t.content FROM task t "
                              "JOIN section s ON s.id = t.section_id WHERE t.id = ?", (first.target_id,))
    numeral = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][task["section"]]
    stt = task["source_stt"] or str(task["position"] + 1)
    scan = tmp_path / "quy-che.pdf"
    scan.write_bytes(b"%PDF-1.4 quy che")
    assert dialog.add_document_to(first.code, source_file=str(scan), doc_number="20/QĐ-UBND", summary="Quy chế")
    _select(dialog, first.code)
    assert dialog.links.count() == 1
    link_text = dialog.links.item(0).text()
    assert link_text == f"Nhiệm vụ {numeral}.{stt}: {task['content']}"
    texts = [dialog.documents.item(i).text() for i in range(dialog.documents.count())]
    row = next(i for i, t in enumerate(texts) if "20/QĐ-UBND" in t)
    assert not dialog.delete_doc_button.isEnabled() and not dialog.unlink_button.isEnabled()   # nothing selected
    dialog.documents.setCurrentRow(row)
    assert dialog.delete_doc_button.isEnabled()
    stack = window.undo_stack
    assert dialog.delete_selected_document()
    assert store.db.query_one("SELECT COUNT(*) FROM par_document")[0] == 0
    assert stack.text(stack.count() - 1) == f"Xóa tài liệu kiểm chứng của tiêu chí {first.code}"
    _select(dialog, first.code)
    assert not any("20/QĐ-UBND" in dialog.documents.item(i).text() for i in range(dialog.documents.count()))
    stack.undo()                                          # the document is back with its file
    back = store.db.query_one("SELECT doc_number, file_name FROM par_document")
    assert tuple(back) == ("20/QĐ-UBND", "quy-che.pdf")
    _select(dialog, first.code)
    assert any("20/QĐ-UBND" in dialog.documents.item(i).text() for i in range(dialog.documents.count()))
    # a document of a linked task is not deletable here (the button stays off on it)
    for i in range(dialog.documents.count()):
        dialog.documents.setCurrentRow(i)
        assert dialog.delete_doc_button.isEnabled() == ("20/QĐ-UBND" in dialog.documents.item(i).text())
    dialog.links.setCurrentRow(0)
    assert dialog.unlink_button.isEnabled() and dialog.remove_selected_link()
    assert store.db.query_one("SELECT COUNT(*) FROM par_link")[0] == 0
    _select(dialog, first.code)
    assert dialog.links.count() == 0
    stack.undo()
    assert store.db.query_one("SELECT COUNT(*) FROM par_link WHERE target_id = ?", (first.target_id,))[0] == 1
    _select(dialog, first.code)
    assert dialog.links.count() == 1
    dialog.resize(1366, 740)
    dialog.grab().save(str(tmp_path / "par-links.png"))


def test_removing_a_link_or_document_already_gone_is_refused_in_vietnamese(store):
    from cchc_desktop.ops import par as par_ops
    from cchc_desktop.store import StoreError

    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    from cchc_desktop.par import mapping
    links = mapping.confirm_links(store, plan_id, mapping.propose_links(store, plan_id, catalog_id)[:1])
    leaf = store.db.query_one("SELECT id FROM par_criterion WHERE code = '3.4'")[0]
    doc = mapping.add_document(store, plan_id, leaf, doc_number="1/TB-UBND")
    par_ops.remove_links(store, links)
    par_ops.delete_document(store, doc)
    with pytest.raises(StoreError, match="Liên kết không còn"):
        par_ops.remove_links(store, links)
    with pytest.raises(StoreError, match="Tài liệu kiểm chứng không còn"):
        par_ops.delete_document(store, doc)


def test_par_dialog_buttons_have_unique_mnemonics(qtbot, store):
    """Alt+letter reaches one button each (before: T for «Thêm tài liệu» and «Lấy điểm tự tính», L for «Lưu điểm»
    and «Đề xuất liên kết»)."""
    import re

    from PySide6.QtWidgets import QPushButton

    window = _window(qtbot, store)
    dialog = ParDialog(store, create_demo_plan(store), window)
    letters = [m.group(1).lower() for b in dialog.findChildren(QPushButton)
               if (m := re.search(r"&(\w)", b.text().replace("&&", "")))]
    assert len(letters) >= 10 and len(letters) == len(set(letters)), letters
