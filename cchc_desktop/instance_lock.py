"""One running app per database: an OS-level lock on `<database>.lock` that dies with the process.

The lock is held with `fcntl.flock` (Linux/macOS) or `msvcrt.locking` (Windows, on a byte far past
the end of the file so the owner details stay readable). The operating system drops it when the
process ends, even after a crash or a kill, so a leftover lock file is never "stale" in the way a
PID file is: the next start sees the file unlocked, records that it was left over (`stale_owner`) and
takes it over. The file holds the owner's PID, computer name and start time only to write a polite
message for the second window ("đang được mở trên máy … từ …").

Databases on network shares: SMB and NFS forward these locks to the server, so two PCs cannot open
the same file at once. When the share does not support locking, the database is refused with a
clear message rather than risking two writers (SQLite over a network share without locks corrupts).
"""
from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
import sys
from datetime import datetime
from pathlib import Path
from .errors import UserError

log = logging.getLogger(__name__)

_WIN_LOCK_OFFSET = 1 << 30


class LockError(UserError):
    """The database cannot be locked for this app (Vietnamese message)."""


class AlreadyRunning(LockError):
    """Another CCHC Desktop window (on this or another PC) has this database open."""

    def __init__(self, message: str, owner: dict | None = None):
        super().__init__(message)
        self.owner = owner or {}


def lock_path(db_path: str | os.PathLike) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def _owner_info() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(), "started": datetime.now().isoformat(timespec="seconds"),
            "app": "CCHC Desktop"}


def _describe(owner: dict) -> str:
    host = owner.get("host") or "?"
    started = owner.get("started", "")
    try:
        when = datetime.fromisoformat(started).strftime("%H:%M ngày %d/%m/%Y")
    except (TypeError, ValueError):
        when = "không rõ thời điểm"
    here = host == socket.gethostname()
    where = "trên máy này" if here else f"trên máy «{host}»"
    return f"{where} (tiến trình {owner.get('pid', '?')}, từ {when})"


def read_owner(db_path: str | os.PathLike) -> dict:
    """The details written by the current or last holder of the lock ({} when unknown)."""
    try:
        text = lock_path(db_path).read_text(encoding="utf-8").strip("\x00 \r\n")
        data = json.loads(text) if text else {}
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _try_lock(fd: int) -> bool:
    """Take the OS lock without waiting. False when another process holds it."""
    if sys.platform.startswith("win"):
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    if sys.platform.startswith("win"):
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)


class InstanceLock:
    """`with InstanceLock(db_path):` — or `acquire()` / `release()` around the app's lifetime."""

    def __init__(self, db_path: str | os.PathLike):
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self._fd: int | None = None
        self.stale_owner: dict | None = None  # details left by a process that ended without releasing

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> "InstanceLock":
        if self._fd is not None:
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LockError(f"Không tạo được tệp khóa «{self.path}» ({exc.strerror or exc}). Thư mục chứa "
                            "cơ sở dữ liệu phải cho phép ghi (USB không bị khóa ghi).") from exc
        try:
            locked = _try_lock(fd)
        except OSError as exc:
            os.close(fd)
            raise LockError(
                f"Ổ đĩa chứa «{self.db_path.name}» không hỗ trợ khóa tệp ({exc.strerror or exc}); để tránh "
                "hỏng dữ liệu, ứng dụng không mở cơ sở dữ liệu ở đây. Hãy chép tệp về ổ đĩa của máy "
                "rồi mở lại.") from exc
        if not locked:
            os.close(fd)
            owner = read_owner(self.db_path)
            raise AlreadyRunning(
                f"Cơ sở dữ liệu «{self.db_path.name}» đang được mở bởi CCHC Desktop {_describe(owner)}. "
                "Mỗi cơ sở dữ liệu chỉ mở được trong một cửa sổ; hãy dùng cửa sổ đang mở hoặc đóng "
                "nó trước.", owner)
        previous = read_owner(self.db_path)
        if previous:
            self.stale_owner = previous
            log.warning("stale lock on %s cleared (left by %s)", self.db_path, previous)
        payload = json.dumps(_owner_info(), ensure_ascii=False).encode("utf-8")
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, payload)
            os.fsync(fd)
        except OSError:
            pass  # details are only for the message; the lock itself is held
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # a clean exit leaves no owner details behind
        if not sys.platform.startswith("win"):
            with contextlib.suppress(OSError):
                self.path.unlink()  # while still locked: nobody can take over a file we then delete
        _unlock(fd)
        with contextlib.suppress(OSError):
            os.close(fd)
        if sys.platform.startswith("win"):
            with contextlib.suppress(OSError):
                self.path.unlink()  # Windows refuses while another process has it open: fine

    def __enter__(self) -> "InstanceLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def acquire(db_path: str | os.PathLike) -> InstanceLock:
    """Lock `db_path` for this process (raises AlreadyRunning / LockError)."""
    return InstanceLock(db_path).acquire()
