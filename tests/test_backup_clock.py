"""Issue 12, cases 1 and 2: backups ordered, pruned, found and made "daily" by a sequence stored in the backup itself
(never by the PC clock), and evidence files travelling with backups, USB copies and restores."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cchc_desktop import backup as bk
from cchc_desktop.evidence_files import BLOB_DIR, check_files
from cchc_desktop.safe_write import sha256_file
from cchc_desktop.store import Store

from backup_support import corrupt, demo_database, task_count


class Clock:
    """The PC clock, moved by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock(datetime(2026, 11, 3, 8, 0))
    monkeypatch.setattr(bk, "_now", c)
    return c


@pytest.fixture
def db(tmp_path):
    return demo_database(tmp_path)


def _add_task(path: Path, text: str = "Nhiệm vụ thêm") -> None:
    store = Store.open(path)
    try:
        section = store.db.query_one("SELECT id FROM section ORDER BY position LIMIT 1")["id"]
        store.add_task(section, text)
    finally:
        store.close()


def test_clock_reset_to_2000_keeps_new_backups_and_recovers_the_newest(db, clock):
    for _ in range(3):
        _add_task(db)
        bk.make_backup(db, bk.REASON_MANUAL, keep=3)
        clock.now += timedelta(days=1)
    clock.now = datetime(2000, 1, 1, 0, 5)  # dead CMOS battery
    assert bk.backup_if_due(db) is None      # nothing changed since the newest backup
    _add_task(db, "sau khi đồng hồ về năm 2000")
    newest = bk.backup_if_due(db, keep=3)    # the clock is behind the newest backup: not trusted, backup taken
    assert newest is not None and newest.exists()  # the old code deleted it right after writing it
    infos = bk.list_backups(db)
    assert [i.seq for i in infos] == [4, 3, 2] and infos[0].path == newest
    # from now on the (wrong but running) clock measures the day again
    _add_task(db)
    clock.now += timedelta(hours=2)
    assert bk.backup_if_due(db) is None
    clock.now += timedelta(days=1)
    daily = bk.backup_if_due(db)
    assert daily is not None and bk.list_backups(db)[0].path == daily and bk.list_backups(db)[0].seq == 5
    expected = task_count(db)
    corrupt(db)
    store, info = bk.open_or_recover(db)
    try:
        assert info.backup.path == daily and info.backup.seq == 5
        assert store.db.query_one("SELECT COUNT(*) FROM task")[0] == expected
    finally:
        store.close()
    assert "số 5" in info.describe()
    assert info.changes_behind == 0


def test_clock_in_2030_then_corrected_does_not_keep_2030_backups_forever(db, clock):
    clock.now = datetime(2030, 6, 1, 9, 0)
    future = []
    for _ in range(3):
        _add_task(db)
        future.append(bk.make_backup(db, bk.REASON_MANUAL, keep=3))
        clock.now += timedelta(hours=1)
    clock.now = datetime(2026, 11, 3, 9, 0)  # corrected
    real = []
    for _ in range(3):
        _add_task(db)
        real.append(bk.make_backup(db, bk.REASON_MANUAL, keep=3))
        clock.now += timedelta(hours=1)
    assert [i.path for i in bk.list_backups(db)] == real[::-1]
    assert not any(p.exists() for p in future)
    # the daily check: the newest backup's time (real) is recent; the clock going back later is not trusted
    _add_task(db)
    clock.now = datetime(2026, 11, 3, 12, 0)
    assert bk.backup_if_due(db) is None
    clock.now = datetime(2025, 1, 1)
    assert bk.backup_if_due(db) is not None


def test_recovery_says_which_backup_and_how_many_changes_behind(db, clock):
    older = bk.make_backup(db, bk.REASON_MANUAL)
    _add_task(db)
    _add_task(db)
    newest = bk.make_backup(db, bk.REASON_MANUAL)
    corrupt(newest)
    corrupt(db)
    store, info = bk.open_or_recover(db)
    store.close()
    assert info.backup.path == older and info.backup.seq == 1
    assert info.changes_behind is not None and info.changes_behind >= 2
    text = info.describe()
    assert "số 1" in text and f"{info.changes_behind} thay đổi" in text


def test_never_pruned_before_a_newer_backup_is_verified(db, clock):
    made = []
    for _ in range(4):
        _add_task(db)
        made.append(bk.make_backup(db, bk.REASON_MANUAL, keep=10))
    for path in made[1:]:
        corrupt(path)
    (made[0].parent / bk.INDEX_FILE).unlink()  # no cached verification: the files are checked
    removed = bk.prune(db, keep=2)
    assert removed == [] and all(p.exists() for p in made)  # the only good backup is the oldest: nothing goes
    good = bk.find_good_backup(db)
    assert good is not None and good.path == made[0]


def test_sequence_survives_a_lost_index_and_renamed_files(db, clock):
    first = bk.make_backup(db, bk.REASON_MANUAL)
    _add_task(db)
    (first.parent / bk.INDEX_FILE).unlink()
    second = bk.make_backup(db, bk.REASON_MANUAL)
    assert bk.list_backups(db)[0].path == second and bk.list_backups(db)[0].seq == 2
    assert bk.validate_backup(second).seq == 2  # read from inside the file


def test_old_clock_named_backups_are_read_and_ordered_before_sequenced_ones(db, clock):
    folder = bk.backups_dir(db)
    folder.mkdir()
    legacy = folder / "cchc-20300101-000000-000000-thu-cong.sqlite3"
    shutil.copyfile(db, legacy)
    made = bk.make_backup(db, bk.REASON_MANUAL)
    assert [i.path for i in bk.list_backups(db)] == [made, legacy]


def _evidence_db(db: Path, tmp_path: Path) -> tuple[Path, str]:
    from cchc_desktop.tracking import add_evidence

    scan = tmp_path / "scan quyết định.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned decision " * 200)
    store = Store.open(db)
    try:
        product = store.db.query_one("SELECT id FROM product LIMIT 1")["id"]
        add_evidence(store, product, "2026", doc_number="12/QĐ-UBND", source_file=scan)
        add_evidence(store, product, "2026-Q1", doc_number="13/QĐ-UBND", source_file=scan)  # same file twice
        row = store.db.query_one("SELECT file_path, file_sha256 FROM evidence WHERE file_path <> ''")
    finally:
        store.close()
    return db.parent / row["file_path"], row["file_sha256"]


def test_backups_carry_attachments_deduplicated_and_restore_puts_them_back(db, tmp_path, clock):
    attachment, sha = _evidence_db(db, tmp_path)
    first = bk.make_backup(db, bk.REASON_MANUAL)
    _add_task(db)
    second = bk.make_backup(db, bk.REASON_MANUAL)
    blobs = [p for p in (bk.backups_dir(db) / BLOB_DIR).rglob("*") if p.is_file()]
    assert [p.name for p in blobs] == [sha] and sha256_file(blobs[0]) == sha   # one copy for two backups
    attachment.unlink()
    assert [p.problem for p in check_files(db)] == ["thiếu"]
    result = bk.restore_backup(db, first)
    assert result.files_restored == 1 and not result.missing_files
    assert sha256_file(attachment) == sha and check_files(db) == []
    attachment.write_bytes(b"changed by someone")
    assert [p.problem for p in check_files(db)] == ["đã bị thay đổi (mã SHA-256 khác)"]
    bk.restore_backup(db, second)
    assert sha256_file(attachment) == sha


def test_blob_store_is_pruned_with_the_backups(db, tmp_path, clock):
    _evidence_db(db, tmp_path)
    bk.make_backup(db, bk.REASON_MANUAL, keep=2)
    store = Store.open(db)
    store.db.conn.execute("UPDATE evidence SET file_path = '', file_sha256 = ''")  # evidence files detached
    store.close()
    for _ in range(2):
        _add_task(db)
        bk.make_backup(db, bk.REASON_MANUAL, keep=2)
    assert not [p for p in (bk.backups_dir(db) / BLOB_DIR).rglob("*") if p.is_file()]


def test_usb_copy_holds_attachments_and_restores_on_another_pc(db, tmp_path, clock):
    attachment, sha = _evidence_db(db, tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    copy = bk.backup_to_folder(db, usb)
    rel = attachment.relative_to(db.parent)
    assert sha256_file(copy.parent / rel) == sha
    assert (copy.parent / "manifest.json").exists()
    other = tmp_path / "may-khac" / "cchc.sqlite3"
    other.parent.mkdir()
    result = bk.restore_backup(other, copy)
    assert result.files_restored == 1
    assert sha256_file(other.parent / rel) == sha and check_files(other) == []
    assert task_count(other) == task_count(db)


def test_restore_refuses_to_write_outside_the_attachments_folder(db, tmp_path, clock):
    made = bk.make_backup(db, bk.REASON_MANUAL)
    conn = sqlite3.connect(made)
    product = conn.execute("SELECT id FROM product LIMIT 1").fetchone()[0]
    conn.execute("INSERT INTO evidence(id, product_id, period_key, position, file_name, file_path, file_sha256, "
                 "created_at, updated_at) VALUES ('x', ?, '2026', 0, 'a', '../../evil.txt', 'ab', '', '')",
                 (product,))
    conn.commit()
    conn.close()
    bk.restore_backup(db, made)
    assert not (tmp_path / "evil.txt").exists()
