"""GUI side of the whole-plan import (issue 14): the preview (parts, STT, full texts, deadline meaning,
source location, counts per section, targets to untick/edit) and the plan properties opened afterwards."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cchc_desktop.importers.plan_builder import PART_HEADER, PART_TARGETS, read_plan
from test_plan_import import _ward_docx
from ui.dialogs.import_preview import TREE_COLUMNS, ImportPreviewDialog
from ui.dialogs.plan_properties import PlanPropertiesDialog


@pytest.fixture
def ward(tmp_path):
    return _ward_docx(tmp_path)


def _items(tree):
    out = []

    def walk(item):
        out.append(item)
        for i in range(item.childCount()):
            walk(item.child(i))
    for i in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(i))
    return out


def test_preview_shows_stt_full_texts_deadline_meaning_and_location(qtbot, ward):
    draft = read_plan(ward)
    dialog = ImportPreviewDialog(draft)
    qtbot.addWidget(dialog)
    assert TREE_COLUMNS[0] == "STT" and "Cách hiểu thời hạn" in TREE_COLUMNS
    assert dialog.tree.textElideMode() == Qt.ElideNone and dialog.tree.wordWrap()
    top = dialog.tree.topLevelItem(0)
    first = draft.appendix.sections[0]
    assert top.text(0) == f"I. {first.title} — {len(first.tasks)} nhiệm vụ, " \
                          f"{sum(len(t.products) for t in first.tasks)} sản phẩm"
    task_item = top.child(0)
    assert task_item.text(0) == "1" and task_item.text(1) == first.tasks[0].content   # whole text
    assert task_item.text(6) == "Bảng 3, dòng 4"
    meanings = {item.text(4): item.text(5) for item in _items(dialog.tree) if item.text(4)}
    assert meanings["Thường xuyên"].startswith("Thường xuyên")
    assert meanings["Quý III, IV/2026"] == "Hạn: 30/09/2026, 31/12/2026"
    assert set(dialog.part_boxes) == {"facts", "appendix", "targets", "header", "report"}
    assert dialog.targets_table.rowCount() == len(draft.targets) == 6
    assert "Còn thiếu: số kế hoạch" in dialog.summary.text()


def test_unticked_and_edited_targets(qtbot, store, ward):
    dialog = ImportPreviewDialog(read_plan(ward))
    qtbot.addWidget(dialog)
    dialog.targets_table.item(0, 0).setCheckState(Qt.Unchecked)
    dialog.targets_table.item(1, 1).setText("Kiểm tra qua môi trường số")
    dialog.targets_table.item(1, 3).setText("75")
    dialog.set_part(PART_HEADER, False)
    result = dialog.commit(store)
    rows = store.db.query("SELECT title, target_value FROM target WHERE plan_id = ? ORDER BY position",
                          (result.plan_id,))
    assert len(rows) == 5
    assert (rows[0]["title"], rows[0]["target_value"]) == ("Kiểm tra qua môi trường số", 75.0)
    assert store.db.query_one("SELECT COUNT(*) FROM report_header")[0] == 0


def test_import_into_new_plan_opens_properties_prefilled(qtbot, store, ward, tmp_path):
    from ui.app import build_main_window

    window = build_main_window(store)
    qtbot.addWidget(window)
    seen = {}

    def runner(dialog):
        if isinstance(dialog, ImportPreviewDialog):
            dialog.set_target("new")
            dialog.set_part(PART_TARGETS, False)
            return True
        if isinstance(dialog, PlanPropertiesDialog):
            seen.update(unit=dialog.unit_name.text(), kind=dialog.unit_kind.currentText(),
                        year=dialog.year_start.value(), title=dialog.title.text())
            dialog.doc_number.setText("07/KH-UBND")
            return True
        return False
    window.dialog_runner = runner
    assert window.import_file(ward)
    assert seen == {"unit": "phường An Tường", "kind": "phường", "year": 2026,
                    "title": "Cải cách hành chính phường An Tường năm 2026"}
    plan = store.row("plan", window.model.plan_id)
    assert plan["doc_number"] == "07/KH-UBND"
    assert store.db.query_one("SELECT COUNT(*) FROM target WHERE plan_id = ?", (plan["id"],))[0] == 0
    assert window.model.task_count() == 39
