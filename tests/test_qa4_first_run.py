"""QA pass 4, first run and empty states: the demo plan says it is one, and an empty table (no plan, a plan
without tasks, a filter that leaves nothing) tells in Vietnamese what to do next — not a blank white area."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QColor, QKeySequence  # noqa: E402

from cchc_desktop.appendix_rows import FilterSpec  # noqa: E402
from ui.appendix_view import empty_hint  # noqa: E402


def _shown_window(qtbot, store):
    from ui.app import build_main_window

    window = build_main_window(store)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _ink_below_rows(window) -> int:
    """Dark pixels painted in the table's empty area (below the last row)."""
    view = window.view
    image = view.viewport().grab().toImage()
    top = view.verticalHeader().length() + 4
    dark = 0
    for y in range(top, min(image.height(), top + 120), 2):
        for x in range(0, image.width(), 2):
            if QColor(image.pixel(x, y)).lightness() < 160:
                dark += 1
    return dark


def _shortcuts_named(window, hint: str) -> None:
    """Every key named in a hint is the shortcut of an action of the window (the hint does not lie)."""
    keys = {s.toString(QKeySequence.PortableText) for a in window.actions.values() for s in a.shortcuts()}
    keys |= {k.replace("Return", "Enter") for k in keys}
    named = re.findall(r"\((Ctrl\+[^)]+)\)", hint)
    assert named, hint
    for key in named:
        assert key in keys, (key, sorted(keys))


def test_no_plan_says_how_to_start(qtbot, store):
    window = _shown_window(qtbot, store)
    hint = empty_hint(window.model)
    assert "Chưa có kế hoạch" in hint and "Tạo kế hoạch mới" in hint
    _shortcuts_named(window, hint)
    assert _ink_below_rows(window) > 50


def test_plan_without_tasks_says_how_to_add_them(qtbot, store):
    plan_id = store.create_plan("Xã A", 2026)
    store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    window = _shown_window(qtbot, store)
    assert window.model.plan is not None and window.model.task_count() == 0
    hint = empty_hint(window.model)
    assert "chưa có nhiệm vụ" in hint and "Nhập phụ lục" in hint
    _shortcuts_named(window, hint)
    assert _ink_below_rows(window) > 50


def test_filter_without_result_says_how_to_clear_it(qtbot, window):
    assert empty_hint(window.model) == ""
    window.model.set_filter(FilterSpec(text="zzzqqq khong co"))
    assert window.model.visible_task_count() == 0
    hint = empty_hint(window.model)
    assert "khớp điều kiện lọc" in hint and "Bỏ lọc" in hint
    _shortcuts_named(window, hint)
    assert _ink_below_rows(window) > 50
    window.model.set_filter(FilterSpec())
    assert empty_hint(window.model) == ""


def test_the_demo_plan_says_it_is_a_demo_and_offers_the_import(qtbot, store):
    from cchc_desktop.demo import ensure_demo_plan

    ensure_demo_plan(store)
    window = _shown_window(qtbot, store)
    assert window.demo_banner.isVisibleTo(window)
    assert "kế hoạch mẫu" in window.demo_banner.label.text() and "xã Xuân Trường" in window.demo_banner.label.text()
    opened = []
    window.import_file_dialog = lambda: opened.append(True)
    window.demo_banner.button.click()
    assert opened == [True]
    own = store.create_plan("phường An Tường", 2026, unit_kind="phường")
    window.open_plan(own)
    assert not window.demo_banner.isVisibleTo(window)
