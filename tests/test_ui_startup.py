"""Start-up order (issue 18, ui/startup.py): the table paints first; the dashboard and the filter bar's agency
list of the plan opened at start follow, one per event-loop turn."""
from __future__ import annotations

from cchc_desktop.demo import create_demo_plan


def test_dashboard_and_agency_list_follow_the_first_paint(qtbot, store):
    from ui.app import build_main_window

    create_demo_plan(store)
    plan_id = store.list_plans()[0]["id"]
    leads = {name for (name,) in store.db.query(
        "SELECT DISTINCT a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
        "JOIN product p ON p.id = pa.product_id JOIN task t ON t.id = p.task_id "
        "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? AND pa.role = 'lead'", (plan_id,))}
    groups = {name for name in leads if name.startswith("Các cơ quan")}    # the demo's group phrases
    assert groups                                   # the demo plan has products led by a group phrase
    expected = (leads - groups) | {"Các cơ quan, đơn vị (chung)"}     # leading agencies + one group choice
    window = build_main_window(store)
    qtbot.addWidget(window)
    lead = window.filter_bar.lead
    assert window.model.plan_id == plan_id and window.model.rowCount() > 0   # the table is loaded at once
    assert window.dashboard is None and lead.count() == 1                    # the rest waits for the paint
    assert window._status_panel is None
    assert getattr(window, "sync_controller", None) is None and getattr(window, "task_link_panel", None) is None
    sync_entries = [a for a in window.exchange_actions if "đồng" in a.text()]
    assert len(sync_entries) == 1                   # the menu entry is there at once (its controller follows)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.dashboard is not None and lead.count() > 1
                    and window._status_panel is not None, timeout=5000)
    assert window.status_panel.isHidden()                                  # until a product is selected
    assert {lead.itemText(i) for i in range(1, lead.count())} == expected
    assert window.tabs.indexOf(window.dashboard_page) > 0
    assert not window.defer_until_painted
    # the sync folder's watcher and the task pane's five-year links, built after the paint like a window made
    # directly (MainWindow(store)) builds them at once
    assert window.sync_controller.window is window and window.sync_controller.folder is None
    assert window.task_link_panel.parent() is not None and window.task_link_panel.isHidden()


def test_in_turns_runs_one_step_per_event_loop_turn(qtbot):
    from PySide6.QtCore import QTimer

    from ui.startup import in_turns

    ran = []
    QTimer.singleShot(0, lambda: ran.append("queued before"))
    in_turns([lambda: ran.append(1), lambda: ran.append(2), lambda: ran.append(3)])
    assert ran == [1]                       # the first step at once, the others wait for their turns
    qtbot.waitUntil(lambda: len(ran) == 4, timeout=2000)
    assert ran == [1, "queued before", 2, 3]


def test_startup_backup_runs_behind_the_window_and_keeps_the_state_before_the_session(qtbot, tmp_path,
                                                                                        monkeypatch):
    """The app's open path pins the database before the session writes and copies it in a thread: an edit made
    right after the start (here before the thread copies a page) is not in the start-up backup, which equals the
    database as it was; closing waits for the copy."""
    import sqlite3
    import threading

    from cchc_desktop import backup as bk
    from cchc_desktop.store import Store
    from ui.backup_start import open_database

    path = tmp_path / "cchc.sqlite3"
    store = Store.open(path, actor="t")
    create_demo_plan(store)
    store.close()

    def content(db):
        conn = sqlite3.connect(db)
        try:
            return sorted(conn.execute("SELECT id, title FROM section").fetchall())
        finally:
            conn.close()

    before = content(path)
    go = threading.Event()
    real = bk._snapshot
    monkeypatch.setattr(bk, "_snapshot", lambda *a: go.wait(10) and real(*a))
    opened = open_database(path)
    try:
        assert opened is not None and not opened.backup_job.done        # the start did not wait for the copy
        plan_id = opened.store.list_plans()[0]["id"]
        opened.store.add_section(plan_id, "Mục thêm ngay sau khi mở")
        go.set()
        made = opened.startup_backup
        assert made is not None and made.name.endswith(f"-{bk.REASON_START}.sqlite3")
        assert content(made) == before
        assert len(content(path)) == len(before) + 1
    finally:
        go.set()
        opened.close()
