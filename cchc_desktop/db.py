"""SQLite connection: pragmas, integrity check, numbered migrations, transactions.

Journal mode: WAL on local fixed disks; DELETE + synchronous=FULL on removable sticks (FAT/exFAT)
and network shares, where WAL is unsafe. A database on a network share is opened in DELETE mode;
`storage_kind()` tells the UI so it can warn.
"""
from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
import threading
from pathlib import Path

from .resources import migrations_dir
from .errors import UserError

_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

LOCAL = "local"
REMOVABLE = "removable"
NETWORK = "network"

_UNSAFE_FS = {"vfat": REMOVABLE, "msdos": REMOVABLE, "exfat": REMOVABLE, "fuseblk": REMOVABLE,
              "ntfs": REMOVABLE, "ntfs3": REMOVABLE,
              "nfs": NETWORK, "nfs4": NETWORK, "cifs": NETWORK, "smb3": NETWORK, "smbfs": NETWORK,
              "sshfs": NETWORK, "fuse.sshfs": NETWORK, "9p": NETWORK}


class DatabaseError(UserError):
    """A database that cannot be opened or migrated (Vietnamese message)."""


def storage_kind(path: str | os.PathLike) -> str:
    """Classify where a file lives: local disk, removable stick or network share."""
    target = os.path.abspath(os.fspath(path))
    if sys.platform.startswith("win"):
        if target.startswith("\\\\"):
            return NETWORK
        try:
            import ctypes

            drive = os.path.splitdrive(target)[0] + "\\"
            kind = ctypes.windll.kernel32.GetDriveTypeW(drive)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - unknown means treat as local
            return LOCAL
        return {2: REMOVABLE, 4: NETWORK}.get(kind, LOCAL)
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            entries = [line.split()[:3] for line in mounts if line.strip()]
    except OSError:
        return LOCAL
    best, best_type = "", ""
    for _dev, mount_point, fs_type in entries:
        mount_point = mount_point.replace("\\040", " ")
        if (target == mount_point or target.startswith(mount_point.rstrip("/") + "/")) \
                and len(mount_point) >= len(best):
            best, best_type = mount_point, fs_type
    return _UNSAFE_FS.get(best_type, LOCAL)


def available_migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(migrations_dir().glob("*.sql")):
        match = _MIGRATION_RE.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise DatabaseError(f"Các tệp nâng cấp cơ sở dữ liệu bị thiếu hoặc trùng số: {numbers}")
    return found


def latest_version() -> int:
    return len(available_migrations())


class Database:
    """One open SQLite file. Use `transaction()` for every write."""

    def __init__(self, path: str | os.PathLike, *, migrate: bool = True, check: bool = True):
        self.path = Path(path)
        self.storage = storage_kind(self.path.parent if not self.path.exists() else self.path)
        try:
            self.conn = sqlite3.connect(os.fspath(self.path), isolation_level=None,
                                        check_same_thread=False, timeout=10)
        except sqlite3.Error as exc:
            raise DatabaseError(f"Không mở được cơ sở dữ liệu «{self.path}»: {exc}") from exc
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        self._utils = None
        try:
            self._configure()
            if check:
                self.check_integrity()
            if migrate:
                self.migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise DatabaseError(
                f"Tệp «{self.path.name}» không phải là cơ sở dữ liệu hợp lệ hoặc đã bị hỏng: {exc}") from exc
        except DatabaseError:
            self.conn.close()
            raise

    # -- setup -------------------------------------------------------------------------------
    def _configure(self) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")
        mode = "wal" if self.storage == LOCAL else "delete"
        actual = self.conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0]
        self.journal_mode = str(actual).lower()
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA busy_timeout = 10000")

    def check_integrity(self) -> None:
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            raise DatabaseError(
                f"Cơ sở dữ liệu «{self.path.name}» bị hỏng (integrity_check: {'; '.join(rows[:5])}).")

    @property
    def utils(self):
        """A sqlite_utils view of the connection, imported on first use (it costs ~100 ms at start)."""
        if self._utils is None:
            import sqlite_utils
            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int | None = None) -> list[int]:
        """Apply pending migrations, each in its own transaction. Returns the versions applied."""
        migrations = available_migrations()
        target = len(migrations) if target is None else target
        current = self.schema_version
        if current > len(migrations):
            raise DatabaseError(
                f"Cơ sở dữ liệu «{self.path.name}» được tạo bởi phiên bản mới hơn của ứng dụng "
                f"(lược đồ {current}, ứng dụng này hỗ trợ đến {len(migrations)}). Hãy cập nhật ứng dụng.")
        applied = []
        for number, path in migrations:
            if number <= current or number > target:
                continue
            script = path.read_text(encoding="utf-8")
            try:
                self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise DatabaseError(f"Nâng cấp cơ sở dữ liệu lên phiên bản {number} thất bại: {exc}") from exc
            applied.append(number)
        return applied

    # -- transactions --------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE … COMMIT; nested calls become savepoints. Rolls back on any exception."""
        with self._lock:
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            else:
                self.conn.execute(f"SAVEPOINT sp{self._depth}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("ROLLBACK")
                else:
                    self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                    self.conn.execute(f"RELEASE sp{self._depth}")
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("COMMIT")
                else:
                    self.conn.execute(f"RELEASE sp{self._depth}")

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params=()) -> sqlite3.Row | None:
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
