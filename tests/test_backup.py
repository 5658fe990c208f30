"""Backups, restore, copy to a folder, and recovery of a damaged database (cchc_desktop/backup.py)."""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cchc_desktop import backup as bk
from cchc_desktop.db import DatabaseError
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.safe_write import sha256_file
from cchc_desktop.store import Store

from backup_support import corrupt as _corrupt, demo_database, task_count as _task_count


@pytest.fixture
def demo_db(tmp_path):
    path = demo_database(tmp_path)
    return path, _task_count(path)


def test_make_backup_is_a_checked_copy_with_counts(demo_db):
    path, tasks = demo_db
    made = bk.make_backup(path, bk.REASON_MANUAL)
    assert made.parent == path.parent / "backups"
    assert made.name.startswith("cchc-") and made.name.endswith("-thu-cong.sqlite3")
    assert bk.check_file(made) is None
    infos = bk.list_backups(path, check=True)
    assert [i.path for i in infos] == [made]
    assert infos[0].task_count == tasks and infos[0].plan_count == 1 and infos[0].ok
    assert infos[0].reason_label == "Sao lưu thủ công"
    # self-contained: no -wal/-shm beside the backup
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name, bk.INDEX_FILE]


def test_backup_while_store_open_in_wal_mode_sees_committed_rows(tmp_path):
    path = tmp_path / "live.sqlite3"
    store = Store.open(path, actor="t")
    create_demo_plan(store)
    plan_id = store.list_plans()[0]["id"]
    store.add_section(plan_id, "Mục mới chưa checkpoint")
    made = bk.make_backup(path, "thu-cong")
    conn = sqlite3.connect(made)
    assert conn.execute("SELECT COUNT(*) FROM section WHERE title = ?",
                        ("Mục mới chưa checkpoint",)).fetchone()[0] == 1
    conn.close()
    store.close()


def test_identical_backup_is_skipped_and_changed_one_kept(demo_db):
    path, _ = demo_db
    first = bk.startup_backup(path)
    assert bk.startup_backup(path) == first
    store = Store.open(path)
    store.create_plan("xã Mới", 2027)
    store.close()
    second = bk.startup_backup(path)
    assert second != first
    assert len(bk.list_backups(path)) == 2


def test_prune_keeps_newest_n(demo_db, monkeypatch):
    path, _ = demo_db
    made = [bk.make_backup(path, "thu-cong", dedupe=False, keep=100) for _ in range(6)]
    removed = bk.prune(path, keep=3)
    assert sorted(removed) == sorted(made[:3])
    assert [i.path for i in bk.list_backups(path)] == made[:2:-1]
    monkeypatch.setenv("CCHC_BACKUP_KEEP", "2")
    bk.make_backup(path, "thu-cong", dedupe=False)
    assert len(bk.list_backups(path)) == 2


def test_backup_if_due_daily(demo_db):
    path, _ = demo_db
    first = bk.backup_if_due(path)
    assert first is not None and first.name.endswith("-hang-ngay.sqlite3")
    assert bk.backup_if_due(path) is None
    # nothing changed: not due, whatever the clock says
    assert bk.backup_if_due(path, now=datetime.now() + timedelta(days=1, minutes=1)) is None
    store = Store.open(path)
    store.create_plan("xã Mới", 2027)
    store.close()
    assert bk.backup_if_due(path, now=datetime.now() + timedelta(hours=1)) is None
    assert bk.backup_if_due(path, now=datetime.now() + timedelta(days=1, minutes=1)) is not None


def test_restore_backs_up_current_first_and_replaces_atomically(demo_db):
    path, tasks = demo_db
    good = bk.make_backup(path, "thu-cong")
    store = Store.open(path)
    plan_id = store.list_plans()[0]["id"]
    store.delete("plan", plan_id)
    store.create_plan("xã Sau", 2026)
    store.close()
    result = bk.restore_backup(path, good)
    assert _task_count(path) == tasks
    assert result.safety_backup is not None and result.safety_backup.name.endswith("truoc-khi-khoi-phuc.sqlite3")
    conn = sqlite3.connect(result.safety_backup)
    assert conn.execute("SELECT unit_name FROM plan").fetchall() == [("xã Sau",)]
    conn.close()
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-journal").exists()
    reopened = Store.open(path)
    assert reopened.list_plans()[0]["task_count"] == tasks
    reopened.close()


def test_restore_refuses_bad_backup_and_changes_nothing(demo_db, tmp_path):
    path, _ = demo_db
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    before = sha256_file(path)
    with pytest.raises(bk.BackupError, match="không dùng được"):
        bk.restore_backup(path, bad)
    assert sha256_file(path) == before


def test_restore_refuses_backup_from_newer_app(demo_db, tmp_path):
    path, _ = demo_db
    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(newer)
    conn.executescript("CREATE TABLE plan(x); CREATE TABLE task(x); PRAGMA user_version = 999;")
    conn.close()
    with pytest.raises(bk.BackupError, match="phiên bản mới hơn"):
        bk.restore_backup(path, newer)


def test_backup_to_folder_never_overwrites(demo_db, tmp_path):
    path, tasks = demo_db
    usb = tmp_path / "usb"
    usb.mkdir()
    first = bk.backup_to_folder(path, usb)
    second = bk.backup_to_folder(path, usb)
    assert first != second and first.exists() and second.exists()
    assert first.name.startswith("CCHC-sao-luu-")
    assert _task_count(first) == tasks and bk.check_file(first) is None
    assert not [p for p in usb.iterdir() if p.name.startswith(".")]  # no temp file left
    with pytest.raises(bk.BackupError, match="không tồn tại"):
        bk.backup_to_folder(path, tmp_path / "rut-usb")


def test_open_or_recover_healthy_and_new(tmp_path, demo_db):
    store, info = bk.open_or_recover(tmp_path / "new.sqlite3")
    assert info is None
    store.close()
    path, _ = demo_db
    store, info = bk.open_or_recover(path)
    assert info is None and store.list_plans()
    store.close()


def test_damaged_database_is_set_aside_and_newest_good_backup_restored(demo_db):
    path, tasks = demo_db
    older = bk.make_backup(path, "thu-cong")
    store = Store.open(path)
    store.create_plan("xã Mới", 2027)
    store.close()
    newest = bk.make_backup(path, "thu-cong")
    broken_backup = bk.make_backup(path, "thu-cong", dedupe=False)
    _corrupt(broken_backup)  # the very newest backup is damaged too: skipped
    _corrupt(path)
    assert bk.check_file(path) is not None
    with pytest.raises(DatabaseError):
        Store.open(path)
    asked = []
    store, info = bk.open_or_recover(path, confirm=lambda proposal: asked.append(proposal) or True)
    assert asked and asked[0].backup.path == newest
    assert info.backup.path == newest and info.damaged_copy.exists()
    assert ".hong-" in info.damaged_copy.name
    assert bk.check_file(info.damaged_copy) is not None  # kept as it was
    assert len(store.list_plans()) == 2
    store.close()
    assert older.exists()
    assert "bị hỏng" in info.describe()


def test_recovery_declined_changes_nothing(demo_db):
    path, _ = demo_db
    bk.make_backup(path, "thu-cong")
    _corrupt(path)
    before = sha256_file(path)
    with pytest.raises(DatabaseError, match="chưa được khôi phục"):
        bk.open_or_recover(path, confirm=lambda proposal: False)
    assert sha256_file(path) == before


def test_recovery_without_backup(demo_db):
    path, _ = demo_db
    _corrupt(path)
    with pytest.raises(DatabaseError, match="không có bản sao lưu"):
        bk.open_or_recover(path)
    store, info = bk.open_or_recover(path, allow_empty=True)
    assert info.backup is None and info.damaged_copy.exists()
    assert store.list_plans() == []
    store.close()


def test_garbage_file_and_truncated_file_are_detected(tmp_path, demo_db):
    path, _ = demo_db
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(os.urandom(4096))
    assert "không phải" in bk.check_file(junk)
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert "rỗng" in bk.check_file(empty)
    truncated = tmp_path / "cut.sqlite3"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert bk.check_file(truncated) is not None


def test_migration_hook_reason_is_accepted(demo_db):
    path, _ = demo_db
    for reason in (bk.REASON_IMPORT, bk.REASON_MERGE, bk.REASON_MIGRATION):
        assert bk.make_backup(path, reason, dedupe=False).exists()
    with pytest.raises(ValueError):
        bk.make_backup(path, "../evil")


def _kill_test_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("kill_test", Path(__file__).parent.parent / "bench" / "kill_test.py")
    kill_test = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kill_test)
    return kill_test


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_quick_kill_test(tmp_path):
    """10 SIGKILLs of a child editing/importing/backing up (bench/kill_test.py has the 60-kill run).

    Correctness, not throughput: whatever a child acknowledged before its kill is in the database.
    Half the rounds are killed only after a first acknowledgement, so the check always has something
    to lose however slow the machine; how many edits a round managed is not asserted."""
    kill_test = _kill_test_module()
    summary = kill_test.run(kills=10, seed=11, folder=tmp_path, verbose=False)
    assert summary["kills"] == 10
    assert summary["rounds_killed_after_an_ack"] == 4
    assert summary["acknowledged"] >= summary["rounds_killed_after_an_ack"]
    assert summary["missing"] == 0, summary["missing_items"]
    assert summary["partial_imports"] == 0
    assert summary["integrity_failures"] == 0 and summary["final_integrity"] == "ok"


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
@pytest.mark.parametrize("mode", ["clock", "backup-restore"])
def test_quick_kill_test_clock_backwards_and_during_backup_restore(tmp_path, mode):
    """6 SIGKILLs with the PC clock 37 days earlier at every restart, or during backups and restores."""
    kill_test = _kill_test_module()
    summary = kill_test.run(kills=6, seed=5, folder=tmp_path, verbose=False, mode=mode)
    assert summary["kills"] == 6 and summary["backups_acknowledged"] >= 1
    assert summary["missing"] == 0 and summary["integrity_failures"] == 0 and summary["final_integrity"] == "ok"
    assert summary["after_kill_problems"] == 0
    assert summary["sequence_errors"] == 0 and summary["newest_backup_pruned"] == 0
    assert summary["newest_good_not_highest"] == 0


def test_kill_test_check_sees_a_lost_edit(tmp_path):
    """The loss check of the kill test reports an acknowledged task that is absent, an import that is
    missing and a deadline older than the one acknowledged — so its "0 missing" means something."""
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.store import Store

    kill_test = _kill_test_module()
    path = tmp_path / "kill.sqlite3"
    store = Store.open(path, actor="tester")
    create_demo_plan(store)
    section_id = store.db.query_one("SELECT id FROM section ORDER BY created_at LIMIT 1")[0]
    product_id = store.db.query_one("SELECT id FROM product ORDER BY created_at LIMIT 1")[0]
    store.add_task(section_id, "kill-edit-k2")
    store.update("product", product_id, deadline_text="kill-deadline-k5")
    store.close()
    present = [("task", "k2"), ("deadline", "k3", product_id), ("deadline", "k5", product_id)]
    assert kill_test.find_lost(path, present, 39)[0] == []
    lost = [("task", "k4"), ("import", "k7"), ("deadline", "k9", product_id)]
    missing, _ = kill_test.find_lost(path, present + lost, 39)
    assert missing == [("task", "k4"), ("import", "k7"), ("deadline", "k9", product_id)]


def test_prune_removes_temp_files_of_interrupted_backups(demo_db):
    path, _ = demo_db
    folder = path.parent / "backups"
    folder.mkdir()
    stale = folder / f".{path.stem}-20260101-000000-000000-thu-cong.sqlite3.abc123.tmp"
    stale.write_bytes(b"half a backup")
    bk.make_backup(path, "thu-cong")
    assert not stale.exists()


# -- GUI: restore dialog, backup menu, crash handler (offscreen) --------------------------------------
@pytest.mark.gui
def test_restore_dialog_lists_backups_and_picks_newest_good(qtbot, demo_db):
    from ui.restore_dialog import RestoreDialog

    path, tasks = demo_db
    first = bk.make_backup(path, "thu-cong")
    second = bk.make_backup(path, bk.REASON_IMPORT, dedupe=False)
    _corrupt(second)
    dialog = RestoreDialog(bk.list_backups(path, check=True), db_path=path)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 1).text() == "Trước khi nhập dữ liệu"
    assert dialog.table.item(0, 5).text().startswith("Hỏng")
    assert dialog.table.item(1, 3).text() == str(tasks)
    assert dialog.selected().path == first  # the damaged newest one is not preselected
    dialog._accept_selected()
    assert dialog.chosen.path == first


@pytest.mark.gui
def test_restore_dialog_columns_fit_reasons(qtbot, demo_db):
    """«Trước khi nhập dữ liệu» (and every other reason) fits its column; the dialog fits 1366 px."""
    from ui.restore_dialog import RestoreDialog

    path, _tasks = demo_db
    bk.make_backup(path, bk.REASON_IMPORT, dedupe=False)
    dialog = RestoreDialog(bk.list_backups(path, check=True), db_path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    fm = dialog.table.fontMetrics()
    for reason in bk.REASON_LABELS.values():
        assert fm.horizontalAdvance(reason) + 8 <= dialog.table.columnWidth(1), reason
    for col in range(dialog.table.columnCount() - 1):
        text = dialog.table.item(0, col).text()
        assert fm.horizontalAdvance(text) + 8 <= dialog.table.columnWidth(col), text
    assert dialog.width() <= 1366
    assert dialog.table.horizontalScrollBar().maximum() == 0     # «Tình trạng» not pushed out of view


@pytest.mark.gui
def test_backup_menu_and_timer_on_a_window(qtbot, tmp_path):
    from PySide6.QtWidgets import QMainWindow

    from ui.backup_start import install_backup_menu

    store = Store.open(tmp_path / "w.sqlite3")
    create_demo_plan(store)
    import shutil

    shutil.rmtree(bk.backups_dir(tmp_path / "w.sqlite3"), ignore_errors=True)  # the daily one must be due
    window = QMainWindow()
    window.store = store
    qtbot.addWidget(window)
    timer = install_backup_menu(window)
    menus = [a.text() for a in window.menuBar().actions()]
    assert "Sao &lưu" in menus
    menu = window.menuBar().actions()[menus.index("Sao &lưu")].menu()
    assert [a.text() for a in menu.actions()] == ["Sao lưu &ngay", "Sao lưu ra &USB…", "&Khôi phục…",
                                                   "&Mở thư mục sao lưu"]
    made = timer.check()
    assert made is not None and made.name.endswith("-hang-ngay.sqlite3")
    assert timer.check() == made  # not due again today
    store.close()


@pytest.mark.gui
def test_crash_handler_logs_and_shows_dialog_without_quitting(qtbot, monkeypatch, tmp_path):
    import sys
    import threading

    from PySide6.QtWidgets import QApplication

    from cchc_desktop import logging_setup
    from ui import crash_handler

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    log_file = crash_handler.install()
    try:
        raise RuntimeError("lỗi thử nghiệm ệ")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    worker = threading.Thread(target=lambda: 1 / 0, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: crash_handler._reporter.shown >= 2, timeout=3000)
    text = log_file.read_text(encoding="utf-8")
    assert "RuntimeError: lỗi thử nghiệm ệ" in text and "ZeroDivisionError" in text and "thread worker" in text
    message = logging_setup.error_message(RuntimeError, RuntimeError("x"))
    assert "Nhật ký lỗi" in message and str(log_file) in message
    assert QApplication.instance() is not None  # still running
    logging_setup.shutdown_logging()


def test_backup_taken_before_migration(tmp_path):
    from cchc_desktop.db import Database, latest_version

    path = tmp_path / "old.sqlite3"
    old = Database(path, migrate=False)
    old.migrate(target=1)  # what an older app version left behind
    old.close()
    if latest_version() == 1:
        pytest.skip("only one migration")
    store, info = bk.open_or_recover(path)
    assert info is None and store.db.schema_version == latest_version()
    store.close()
    backups = bk.list_backups(path)
    assert [b.reason for b in backups] == [bk.REASON_MIGRATION] and backups[0].schema_version == 1


def test_import_workbook_and_merge_take_a_backup_first(tmp_path):
    from cchc_desktop.backup import REASON_IMPORT, list_backups
    from cchc_desktop.import_commit import commit_draft
    from cchc_desktop.importers import read_appendix_text
    from cchc_desktop.store import Store

    store = Store.open(tmp_path / "kh.sqlite3")
    try:
        store.create_plan("xã A", 2026)
        draft = read_appendix_text("TT\tNội dung\tSản phẩm\tCơ quan chủ trì\tThời gian\n"
                                   "I\tCHỈ ĐẠO\n1\tViệc một\tBáo cáo\tPhòng Kinh tế\tQuý I/2026\n")
        commit_draft(store, draft, store.list_plans()[0]["id"])
        reasons = [b.reason for b in list_backups(tmp_path / "kh.sqlite3")]
        assert REASON_IMPORT in reasons
    finally:
        store.close()


def test_start_without_changes_makes_no_copy(demo_db, monkeypatch):
    """Nothing logged since the newest backup: the start does not copy and hash the database again (issue 18);
    one logged change and it does."""
    path, _ = demo_db
    first = bk.startup_backup(path)
    calls = []
    real = bk._make_backup
    monkeypatch.setattr(bk, "_make_backup", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert bk.startup_backup(path) == first and calls == []
    store = Store.open(path)
    store.create_plan("xã Mới", 2027)
    store.close()
    assert bk.startup_backup(path) != first and len(calls) == 1


# -- issue 18: the full integrity_check only when the file changed since the app closed it ----------------
def _checks(monkeypatch) -> list[bool]:
    seen: list[bool] = []
    real = bk.check_file
    monkeypatch.setattr(bk, "check_file", lambda path, **kw: seen.append(kw.get("full", True)) or real(path, **kw))
    return seen


def test_clean_close_lets_the_next_open_run_quick_check_only(demo_db, monkeypatch):
    from cchc_desktop.open_path import open_database

    path, _ = demo_db
    checks = _checks(monkeypatch)
    open_database(path, actor="t").close()
    assert checks == [True] and bk.closed_cleanly(path)      # no note yet: the full check
    open_database(path, actor="t").close()
    assert checks == [True, False]                           # untouched since the clean close: quick_check
    opened = open_database(path, actor="t")                  # a write: the -wal beside the file until closed
    opened.store.create_plan("xã Mới", 2027)
    assert not bk.closed_cleanly(path)
    opened.store.close()                                     # closed without the note (as after a crash)
    opened.lock.release()
    assert not bk.closed_cleanly(path)
    open_database(path, actor="t").close()
    assert checks == [True, False, False, True]


def test_a_file_changed_after_a_clean_close_gets_the_full_check(demo_db, monkeypatch):
    from cchc_desktop.open_path import open_database

    path, _ = demo_db
    open_database(path, actor="t").close()
    conn = sqlite3.connect(path)                              # another program writes the file
    with conn:
        conn.execute("UPDATE plan SET unit_name = 'Khác'")
    conn.close()
    assert not bk.closed_cleanly(path)
    checks = _checks(monkeypatch)
    open_database(path, actor="t").close()
    assert checks == [True]


def test_damage_after_a_clean_close_is_still_found_before_any_write(demo_db):
    """Garbage written over the b-tree pages with the noted size and modification time put back: the header
    still matches, quick_check runs — and finds the damage; nothing is opened for writing."""
    from cchc_desktop.open_path import open_database

    path, _ = demo_db
    open_database(path, actor="t").close()
    stat = path.stat()
    _corrupt(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert bk.closed_cleanly(path)
    with pytest.raises(DatabaseError, match="bị hỏng"):
        open_database(path, actor="t")


def test_two_databases_in_one_folder_start_without_copies(tmp_path, monkeypatch):
    """The backups folder (and its index) is shared by the databases beside each other; each start checks
    its own newest backup, so alternating starts of two unchanged databases copy nothing (issue 18)."""
    one, two = tmp_path / "mot.sqlite3", tmp_path / "hai.sqlite3"
    for path in (one, two):
        store = Store.open(path)
        create_demo_plan(store)
        store.close()
    first = {path: bk.startup_backup(path) for path in (one, two)}
    calls = []
    real = bk.make_backup
    monkeypatch.setattr(bk, "make_backup", lambda *a, **k: calls.append(a) or real(*a, **k))
    for path in (one, two, one, two):
        assert bk.startup_backup(path) == first[path]
    assert calls == []


def test_check_started_ahead_is_used_only_for_the_file_it_read(demo_db, monkeypatch):
    """The GUI starts the open-time check in a thread while its modules load (issue 18); open_or_recover takes
    that answer when the file is unchanged, and checks again when the file changed meanwhile."""
    from cchc_desktop.open_path import open_database

    path, _ = demo_db
    open_database(path, actor="t").close()
    checks = _checks(monkeypatch)
    bk.check_ahead(path)
    open_database(path, actor="t").close()
    assert checks == [False]                          # one quick_check, in the thread
    bk.check_ahead(path)
    bk._ahead[path].thread.join()
    conn = sqlite3.connect(path)                      # another program writes the file meanwhile
    with conn:
        conn.execute("UPDATE plan SET unit_name = 'Khác'")
    conn.close()
    open_database(path, actor="t").close()
    assert checks == [False, False, True]             # the thread's answer dropped, the full check run again
    assert bk._ahead == {}


def test_damage_found_by_the_check_started_ahead_is_reported(demo_db):
    from cchc_desktop.open_path import open_database

    path, _ = demo_db
    _corrupt(path)
    bk.check_ahead(path)
    with pytest.raises(DatabaseError, match="bị hỏng"):
        open_database(path, actor="t")


def test_start_without_changes_opens_no_backup(demo_db, monkeypatch):
    """The newest backup is found by the number in its name and the change counter the index recorded for it:
    an unchanged start opens none of the (up to 20) backups to read their stamps (issue 18)."""
    path, _ = demo_db
    first = bk.startup_backup(path)
    read = []
    real = bk._read_stamp
    monkeypatch.setattr(bk, "_read_stamp", lambda p: read.append(p) or real(p))
    assert bk.startup_backup(path) == first and read == []
    index = bk._load_index(first.parent)
    index["files"][first.name]["changes"] = -1          # an index that does not match: the stamps decide
    bk._save_index(first.parent, index)
    assert bk.startup_backup(path) == first and read


# -- issue 18: the start-up backup copies in a thread while the window shows ------------------------------------
def _content(path: Path) -> dict[str, list]:
    """Every table's rows (the backup's own stamp table left out), to compare a backup with a database state."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' AND name != ?", (bk.STAMP_TABLE,))]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall())) for t in sorted(tables)}
    finally:
        conn.close()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_startup_backup_in_a_thread_is_the_state_before_the_session(tmp_path, monkeypatch, journal):
    """The session edits right after the start, while the backup thread has not copied anything yet: the backup
    still holds the database as it was before the session (WAL: the edit goes ahead outside the pinned read
    transaction; rollback journal: the edit waits for the copy), and the edit is in the database."""
    import threading
    import time

    from cchc_desktop import db as db_module

    if journal == "delete":
        monkeypatch.setattr(db_module, "storage_kind", lambda path: db_module.UNKNOWN)
    path = demo_database(tmp_path)
    bk.startup_backup(path)
    store = Store.open(path, actor="t")
    assert store.db.journal_mode == journal
    plan_id = store.list_plans()[0]["id"]
    store.add_section(plan_id, "Mục của phiên trước")        # a change since the newest backup: a copy is due
    before = _content(path)

    entered, go = threading.Event(), threading.Event()
    real = bk._snapshot

    def slow_snapshot(*args):
        entered.set()
        if journal == "wal":
            go.wait(10)          # the edit below is committed before a page is copied
        else:
            time.sleep(0.3)      # the edit below waits for the read lock to go
        return real(*args)

    monkeypatch.setattr(bk, "_snapshot", slow_snapshot)
    job = bk.StartupBackup.start(path)
    assert job is not None and entered.wait(10)
    store.add_section(plan_id, "Mục sửa ngay khi mở")         # the user's first edit of this session
    go.set()
    made = job.wait()
    assert made is not None and bk.check_file(made) is None
    assert _content(made) == before
    assert "Mục sửa ngay khi mở" in repr(_content(path)["section"])
    assert bk.list_backups(path)[0].path == made and bk.list_backups(path)[0].reason == bk.REASON_START
    store.close()


def test_other_backups_wait_for_the_startup_backup(demo_db, monkeypatch):
    """A backup asked for while the start-up one is copying (before an import, daily) waits and gets the next
    number; nothing is interleaved."""
    import threading

    path, _ = demo_db
    bk.startup_backup(path)
    store = Store.open(path, actor="t")
    store.add_section(store.list_plans()[0]["id"], "Mục mới")
    store.close()
    go = threading.Event()
    real = bk._snapshot
    monkeypatch.setattr(bk, "_snapshot", lambda *a: go.wait(10) and real(*a))
    job = bk.StartupBackup.start(path)
    done = []
    other = threading.Thread(target=lambda: done.append(bk.make_backup(path, bk.REASON_IMPORT, dedupe=False)))
    other.start()
    other.join(0.3)
    assert done == [] and not job.done            # held back by the start-up backup
    go.set()
    started = job.wait()
    other.join(10)
    seqs = {b.path: b.seq for b in bk.list_backups(path)}
    assert seqs[done[0]] == seqs[started] + 1


def test_held_startup_backup_copies_after_go_with_the_pinned_state(demo_db):
    """Held (the window has not painted yet), the start-up backup copies nothing; an edit meanwhile stays out of
    it; `go()` sets it copying."""
    path, _ = demo_db
    bk.startup_backup(path)
    store = Store.open(path, actor="t")
    plan_id = store.list_plans()[0]["id"]
    store.add_section(plan_id, "Mục trước khi mở")
    before = _content(path)
    job = bk.StartupBackup.start(path, hold=30)
    store.add_section(plan_id, "Mục sửa trong lúc chờ")
    assert not job._done.wait(0.3) and len(bk.list_backups(path)) == 1
    job.go()
    assert job._done.wait(10)
    made = job.wait()
    assert _content(made) == before and len(bk.list_backups(path)) == 2
    store.close()
