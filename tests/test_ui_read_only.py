"""A database opened read-only (issue #12): a banner says so and nothing offers to change data."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractItemView

from cchc_desktop.demo import create_demo_plan

pytestmark = pytest.mark.gui


def test_read_only_database_disables_every_write_action(qtbot, store):
    from ui.actions import WRITES
    from ui.main_window import MainWindow
    from ui.backup_start import show_read_only_banner

    plan_id = create_demo_plan(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.open_plan(plan_id)
    assert window.actions["add_task"].isEnabled()
    show_read_only_banner(window)
    assert [name for name in WRITES if name in window.actions and window.actions[name].isEnabled()] == []
    assert window.view.editTriggers() == QAbstractItemView.NoEditTriggers
    assert window.actions["copy"].isEnabled() and window.actions["reports"].isEnabled()
    tasks_before = store.db.query_one("SELECT COUNT(*) FROM task")[0]
    window.actions["add_task"].trigger()          # a disabled action does nothing
    assert store.db.query_one("SELECT COUNT(*) FROM task")[0] == tasks_before
    product = store.db.query_one("SELECT id FROM product LIMIT 1")[0]
    window.view.select_entity("product", product)
    assert not window.status_panel.isEnabled()
    from PySide6.QtWidgets import QLabel

    assert any("CHỈ ĐỌC" in label.text() for label in window.statusBar().findChildren(QLabel))
