"""Clicking a section in «Các mục» puts its heading at the top of the table (issue #20, item 2)."""
from __future__ import annotations

import pytest

from cchc_desktop.demo import create_demo_plan

pytestmark = pytest.mark.gui


def test_section_heading_scrolls_to_the_top(qtbot, store):
    from ui.main_window import MainWindow

    plan_id = create_demo_plan(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    window.open_plan(plan_id)
    qtbot.wait(50)
    view, sections = window.view, window.sections.list
    checked = 0
    tops = []
    for i in (1, 3, 2, 5):                 # II, IV, III, VI: forwards and backwards
        item = sections.item(i)
        sections.setCurrentItem(item)
        sections.itemClicked.emit(item)
        qtbot.wait(30)                      # the lazy row fitting runs after the jump
        index = view.currentIndex()
        assert view.model().data(view.model().index(index.row(), 0)).startswith(item.text().split(".")[0] + ".")
        bar = view.verticalScrollBar()
        # at the top, unless the table ends before a screenful (then it is scrolled to the end)
        assert view.visualRect(index).top() == 0 or bar.value() == bar.maximum(), (item.text(),
                                                                                    view.visualRect(index).top())
        assert view.visualRect(index).top() >= 0
        tops.append(view.visualRect(index).top())
        checked += 1
    assert checked == 4 and tops == [0, 0, 0, 0]
