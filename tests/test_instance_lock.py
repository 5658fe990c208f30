"""Single instance per database (cchc_desktop/instance_lock.py)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cchc_desktop.instance_lock import AlreadyRunning, InstanceLock, LockError, lock_path, read_owner

ROOT = Path(__file__).resolve().parent.parent


def test_second_lock_refused_politely(tmp_path):
    db = tmp_path / "cchc.sqlite3"
    with InstanceLock(db) as first:
        assert first.held and lock_path(db).exists()
        owner = read_owner(db)
        assert owner["pid"] == os.getpid()
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(db).acquire()
        message = str(caught.value)
        assert "đang được mở" in message and "trên máy này" in message
        assert caught.value.owner["pid"] == os.getpid()
    assert not lock_path(db).exists()  # clean release leaves nothing behind
    with InstanceLock(db) as again:
        assert again.stale_owner is None


def test_locks_are_per_database(tmp_path):
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    with InstanceLock(a) as lock_a, InstanceLock(b) as lock_b:
        assert lock_a.held and lock_b.held
        assert lock_path(a) != lock_path(b) and lock_path(a).exists() and lock_path(b).exists()
        with pytest.raises(AlreadyRunning):   # each database is still guarded on its own
            InstanceLock(a).acquire()
        with pytest.raises(AlreadyRunning):
            InstanceLock(b).acquire()
    assert not lock_path(a).exists() and not lock_path(b).exists()


def _holder(db: Path) -> subprocess.Popen:
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from cchc_desktop.instance_lock import InstanceLock
        InstanceLock({str(db)!r}).acquire()
        print("locked", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.skipif(sys.platform.startswith("win"), reason="SIGKILL")
def test_lock_held_by_other_process_then_stale_after_kill(tmp_path):
    db = tmp_path / "cchc.sqlite3"
    proc = _holder(db)
    try:
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(db).acquire()
        assert caught.value.owner["pid"] == proc.pid
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert lock_path(db).exists()  # the crash left the file behind…
    lock = InstanceLock(db).acquire()  # …but the OS released the lock: detected as stale and taken over
    try:
        assert lock.stale_owner and lock.stale_owner["pid"] == proc.pid
        assert read_owner(db)["pid"] == os.getpid()
    finally:
        lock.release()


def test_garbage_lock_file_is_taken_over(tmp_path):
    db = tmp_path / "cchc.sqlite3"
    lock_path(db).write_bytes(b"\x00\xffnot json")
    with InstanceLock(db) as lock:
        assert lock.held
        assert json.loads(lock_path(db).read_text(encoding="utf-8"))["pid"] == os.getpid()


def test_unwritable_folder_gives_clear_error(tmp_path):
    missing_parent = tmp_path / "file"
    missing_parent.write_text("x")
    with pytest.raises(LockError, match="Không tạo được tệp khóa"):
        InstanceLock(missing_parent / "cchc.sqlite3").acquire()


def test_message_names_other_computer(tmp_path, monkeypatch):
    db = tmp_path / "cchc.sqlite3"
    with InstanceLock(db):
        lock_path(db).write_text(json.dumps({"pid": 4242, "host": "MAY-KE-TOAN",
                                             "started": "2026-01-10T08:30:00"}), encoding="utf-8")
        with pytest.raises(AlreadyRunning, match="trên máy «MAY-KE-TOAN».*08:30 ngày 10/01/2026"):
            InstanceLock(db).acquire()
