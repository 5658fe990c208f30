"""Issue 12, cases 5, 6 and 7: every entry point through one open path, errors named for what they are, a read-only
database opened read-only, WAL only on file systems known to be local."""
from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from cchc_desktop import backup as bk
from cchc_desktop import db as db_module
from cchc_desktop.cli import main
from cchc_desktop.db import Database, DatabaseError, latest_version
from cchc_desktop.demo import demo_appendix_path
from cchc_desktop.errors import (DISK_FULL, IO_ERROR, LOCKED, PERMISSION, READ_ONLY, StorageError, classify,
                                 describe_error)
from cchc_desktop.instance_lock import InstanceLock
from cchc_desktop.open_path import open_database
from cchc_desktop.safe_write import sha256_file
from cchc_desktop.store import Store

from backup_support import demo_database


@pytest.fixture
def demo(tmp_path):
    return demo_database(tmp_path)


def _cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _count(path: Path, table: str = "task") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


# -- case 5: the command line goes through the same open path -------------------------------------------------
def test_cli_takes_the_instance_lock(demo, capsys):
    with InstanceLock(demo):
        code, _, err = _cli(capsys, "--db", demo, "plans")
    assert code == 2 and "đang được mở" in err
    code, out, _ = _cli(capsys, "--db", demo, "plans")
    assert code == 0 and "nhiệm vụ" in out
    assert InstanceLock(demo).acquire().held  # released when the command ended


def test_cli_backs_up_before_migrating(tmp_path, capsys):
    if latest_version() == 1:
        pytest.skip("only one migration")
    path = tmp_path / "old.sqlite3"
    old = Database(path, migrate=False)
    old.migrate(target=1)
    old.close()
    code, _, _ = _cli(capsys, "--db", path, "plans")
    assert code == 0
    backups = bk.list_backups(path)
    assert [b.reason for b in backups] == [bk.REASON_MIGRATION] and backups[0].schema_version == 1


def test_cli_refuses_a_damaged_database_and_names_the_backup(demo, capsys):
    made = bk.make_backup(demo, bk.REASON_MANUAL)
    size = demo.stat().st_size
    with open(demo, "r+b") as handle:
        handle.seek(size // 3)
        handle.write(b"\xde\xad" * (size // 6))
    before = sha256_file(demo)
    code, _, err = _cli(capsys, "--db", demo, "plans")
    assert code == 2 and "bị hỏng" in err and "restore 1" in err and "chưa bị thay đổi" in err
    assert sha256_file(demo) == before and not list(demo.parent.glob("*.hong-*"))
    code, out, _ = _cli(capsys, "--db", demo, "restore", "1")
    assert code == 0 and "Đã khôi phục" in out
    assert bk.check_file(demo) is None and _count(demo) == _count(made)
    code, out, _ = _cli(capsys, "--db", demo, "integrity")
    assert code == 0 and "tốt" in out


def test_cli_integrity_lists_missing_evidence_files(demo, tmp_path, capsys):
    from cchc_desktop.tracking import add_evidence

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 " * 100)
    store = Store.open(demo)
    product = store.db.query_one("SELECT id FROM product LIMIT 1")[0]
    add_evidence(store, product, "2026", doc_number="5/QĐ", source_file=scan)
    rel = store.db.query_one("SELECT file_path FROM evidence")[0]
    store.close()
    (demo.parent / rel).unlink()
    code, out, _ = _cli(capsys, "--db", demo, "integrity")
    assert code == 1 and rel in out and "thiếu" in out


# -- case 6: errors named for what they are -------------------------------------------------------------------
@pytest.mark.parametrize("err,kind,words", [(errno.ENOSPC, DISK_FULL, "đã đầy"), (errno.EROFS, READ_ONLY, "chỉ đọc"),
                                            (errno.EACCES, PERMISSION, "quyền"), (errno.EIO, IO_ERROR, "Lỗi đọc/ghi")])
def test_os_errors_are_named(err, kind, words):
    exc = OSError(err, os.strerror(err))
    assert classify(exc) == kind
    text = describe_error(exc, "D:/cchc.sqlite3")
    assert words in text and "nguyên vẹn" in text


@pytest.mark.parametrize("message,kind", [("database or disk is full", DISK_FULL),
                                          ("attempt to write a readonly database", READ_ONLY),
                                          ("disk I/O error", IO_ERROR), ("database is locked", LOCKED)])
def test_sqlite_errors_are_named(message, kind):
    assert classify(sqlite3.OperationalError(message)) == kind


def test_disk_full_during_an_edit_says_so_and_keeps_the_data(demo):
    store = Store.open(demo)
    try:
        tasks = store.db.query_one("SELECT COUNT(*) FROM task")[0]
        pages = store.db.query_one("PRAGMA page_count")[0]
        store.db.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        section = store.db.query_one("SELECT id FROM section LIMIT 1")[0]
        with pytest.raises(StorageError) as caught:
            for n in range(200):
                store.add_task(section, f"nhiệm vụ {n} " + "x" * 4000)
        assert caught.value.kind == DISK_FULL
        assert "đã đầy" in str(caught.value) and "nguyên vẹn" in str(caught.value)
        assert "OperationalError" not in str(caught.value)
        assert store.db.query_one("SELECT COUNT(*) FROM task")[0] >= tasks  # earlier edits kept, store usable
    finally:
        store.close()
    assert bk.check_file(demo) is None


def test_io_error_on_open_is_not_called_a_damaged_database(demo, monkeypatch):
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    before = sha256_file(demo)
    monkeypatch.setattr(bk, "_ro_connect", broken)
    with pytest.raises(DatabaseError) as caught:
        bk.open_or_recover(demo)
    assert "Lỗi đọc/ghi ổ đĩa" in str(caught.value) and "hỏng" not in str(caught.value).split("(")[0]
    assert sha256_file(demo) == before and not list(demo.parent.glob("*.hong-*"))  # not set aside, not replaced
    monkeypatch.setattr(db_module.sqlite3, "connect", broken)
    with pytest.raises(DatabaseError) as caught:
        Store.open(demo)
    assert "không phải là cơ sở dữ liệu hợp lệ" not in str(caught.value) and "Lỗi đọc/ghi" in str(caught.value)


@pytest.fixture
def read_only(monkeypatch, demo):
    """The data folder as on a write-protected stick (root ignores file modes, so os.access answers)."""
    real = os.access
    folder = str(demo.parent)

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and str(path).startswith(folder):
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    return demo


def test_read_only_database_opens_read_only_and_refuses_writes_clearly(read_only, capsys):
    before = sha256_file(read_only)
    opened = open_database(read_only)
    try:
        assert opened.read_only and opened.store.db.read_only
        assert opened.store.list_plans()
        section = opened.store.db.query_one("SELECT id FROM section LIMIT 1")[0]
        with pytest.raises(StorageError) as caught:
            opened.store.add_task(section, "không ghi được")
        assert caught.value.kind == READ_ONLY and "chỉ đọc" in str(caught.value)
    finally:
        opened.close()
    code, _, err = _cli(capsys, "--db", read_only, "import", demo_appendix_path())
    assert code == 2 and "chỉ đọc" in err and "Traceback" not in err
    assert sha256_file(read_only) == before


def test_read_only_banner_hook(qtbot, read_only):
    from PySide6.QtWidgets import QLabel, QMainWindow

    from ui.backup_start import open_database as ui_open, show_read_only_banner

    opened = ui_open(read_only)
    try:
        assert opened is not None and opened.read_only and opened.startup_backup is None
        window = QMainWindow()
        qtbot.addWidget(window)
        window.store = opened.store
        show_read_only_banner(window)
        labels = [w.text() for w in window.statusBar().findChildren(QLabel)]
        assert any("CHỈ ĐỌC" in text for text in labels)
    finally:
        opened.close()


# -- case 7: WAL only on file systems known to be local -------------------------------------------------------
@pytest.mark.parametrize("fs_type,kind", [("ext4", db_module.LOCAL), ("xfs", db_module.LOCAL),
                                          ("fuse.gvfsd-fuse", db_module.NETWORK), ("davfs", db_module.NETWORK),
                                          ("fusefat", db_module.REMOVABLE), ("vfat", db_module.REMOVABLE),
                                          ("fuse.somethingnew", db_module.UNKNOWN), ("zzfs", db_module.UNKNOWN)])
def test_storage_kind_is_an_allow_list(monkeypatch, fs_type, kind):
    monkeypatch.setattr(db_module, "_os_key", lambda: "linux")
    monkeypatch.setattr(db_module, "_linux_mounts", lambda: [("/dev/root", "/", "ext4"),
                                                             ("srv", "/media/share", fs_type)])
    assert db_module.storage_kind("/media/share/cchc.sqlite3") == kind


def test_unknown_file_system_gets_delete_journal_and_full_sync(tmp_path, monkeypatch):
    monkeypatch.setattr(db_module, "storage_kind", lambda path: db_module.UNKNOWN)
    database = Database(tmp_path / "x.sqlite3")
    try:
        assert database.journal_mode == "delete"
        assert database.query_one("PRAGMA synchronous")[0] == 2  # FULL
    finally:
        database.close()
