"""«Đánh số lại nhiệm vụ…» and «Gộp tên cơ quan viết khác nhau…» (issue #13): one undo step each."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cchc_desktop import numbering

pytestmark = pytest.mark.gui


def _window(qtbot, store):
    from ui.main_window import MainWindow

    plan_id = store.create_plan("Xuân Trường", 2026)
    for title, tasks in (("Chỉ đạo, điều hành", ["A", "B"]), ("Cải cách thể chế", ["C", "D", "E"])):
        section = store.add_section(plan_id, title)
        for n, content in enumerate(tasks, 1):
            task = store.add_task(section, content, source_stt=str(n))          # numbered per section
            store.add_product(task, f"SP {content}", "Quý II/2026",
                              leads=["Văn phòng HĐND và UBND" if content != "D" else "Văn phòng HĐND - UBND"])
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.open_plan(plan_id)
    return window, plan_id


def _numbers(store, plan_id):
    return [r[0] for r in store.db.query(
        "SELECT t.source_stt FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
        "ORDER BY s.position, t.position", (plan_id,))]


def test_renumber_is_one_undo_step(qtbot, store):
    from ui.plan_tools_dialog import RenumberDialog

    window, plan_id = _window(qtbot, store)
    assert _numbers(store, plan_id) == ["1", "2", "1", "2", "3"]
    dialog = RenumberDialog(store, plan_id, window)
    qtbot.addWidget(dialog)
    dialog.scheme.setCurrentIndex(dialog.scheme.findData(numbering.CONTINUOUS))
    dialog.apply()
    assert _numbers(store, plan_id) == ["1", "2", "3", "4", "5"]
    window.undo_stack.undo()
    assert _numbers(store, plan_id) == ["1", "2", "1", "2", "3"]
    window.undo_stack.redo()
    assert _numbers(store, plan_id) == ["1", "2", "3", "4", "5"]


def test_agency_spellings_merge_after_the_user_ticks_them(qtbot, store):
    from ui.plan_tools_dialog import AgencyMergeDialog

    window, plan_id = _window(qtbot, store)
    count = lambda: store.db.query_one("SELECT COUNT(DISTINCT agency_id) FROM product_agency")[0]  # noqa: E731
    assert count() == 2
    dialog = AgencyMergeDialog(store, plan_id, window)
    qtbot.addWidget(dialog)
    assert len(dialog.candidates) == 1
    dialog.apply()                                   # nothing ticked: nothing merged
    assert count() == 2
    dialog = AgencyMergeDialog(store, plan_id, window)
    qtbot.addWidget(dialog)
    dialog.list.item(0).setCheckState(Qt.Checked)
    dialog.apply()
    assert count() == 1
    window.undo_stack.undo()
    assert count() == 2
