"""SQLite connection: pragmas, integrity check, numbered migrations, transactions.

Journal mode: WAL only on file systems known to be local fixed disks (an allow-list per OS); DELETE +
synchronous=FULL everywhere else — removable sticks, network shares, FUSE mounts and any unknown type.
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
from .errors import DAMAGED, OTHER, READ_ONLY, StorageError, UserError, classify, describe_error

_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

LOCAL = "local"
REMOVABLE = "removable"
NETWORK = "network"
UNKNOWN = "unknown"

# WAL only where the file system is known to be a local disk (an allow-list): WAL needs shared memory and
# reliable locks, which network shares, FUSE mounts (gvfs SMB, davfs, fusefat, sshfs …) and sticks lack.
# Everything else — including any type not listed — gets journal_mode=DELETE + synchronous=FULL.
_LOCAL_FS = {"linux": {"ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "jfs", "reiserfs", "zfs", "bcachefs",
                       "tmpfs", "overlay"},
             "darwin": {"apfs", "hfs"},
             "win32": {"NTFS", "REFS"}}
_KNOWN_UNSAFE = {"vfat": REMOVABLE, "msdos": REMOVABLE, "exfat": REMOVABLE, "fuseblk": REMOVABLE,
                 "ntfs": REMOVABLE, "ntfs3": REMOVABLE, "fusefat": REMOVABLE, "fuse.fusefat": REMOVABLE,
                 "nfs": NETWORK, "nfs4": NETWORK, "cifs": NETWORK, "smb3": NETWORK, "smbfs": NETWORK,
                 "sshfs": NETWORK, "fuse.sshfs": NETWORK, "9p": NETWORK, "davfs": NETWORK, "fuse.davfs": NETWORK,
                 "fuse.gvfsd-fuse": NETWORK, "fuse.rclone": NETWORK, "afpfs": NETWORK}


def _os_key() -> str:
    return "win32" if sys.platform.startswith("win") else ("darwin" if sys.platform == "darwin" else "linux")


def _linux_mounts() -> list[tuple[str, str, str]]:
    """(device, mount point, type) from /proc/mounts."""
    with open("/proc/mounts", encoding="utf-8") as mounts:
        return [tuple(line.split()[:3]) for line in mounts if len(line.split()) >= 3]


def _darwin_mounts() -> list[tuple[str, str, str]]:
    """(device, mount point, type) from `mount` ("/dev/disk1s1 on / (apfs, local, journaled)"); a mount without
    the "local" flag gets the type "nonlocal"."""
    import subprocess

    out = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=10).stdout
    found = []
    for line in out.splitlines():
        match = re.match(r"^(.*?) on (.*) \((.*)\)$", line)
        if match:
            flags = [f.strip() for f in match.group(3).split(",")]
            found.append((match.group(1), match.group(2), flags[0] if "local" in flags else "nonlocal"))
    return found


def _removable_block_device(device: str) -> bool:
    """Linux: an ext4-formatted USB stick is still a stick (/sys/class/block/<dev>/…/removable)."""
    name = os.path.basename(device)
    for candidate in (Path("/sys/class/block", name, "removable"), Path("/sys/class/block", name, "..", "removable")):
        with contextlib.suppress(OSError):
            return candidate.read_text().strip() == "1"
    return False


def _windows_kind(target: str) -> str:
    if target.startswith("\\\\"):
        return NETWORK
    try:
        import ctypes

        drive = os.path.splitdrive(target)[0] + "\\"
        kind = ctypes.windll.kernel32.GetDriveTypeW(drive)  # type: ignore[attr-defined]
        if kind == 2:
            return REMOVABLE
        if kind == 4:
            return NETWORK
        if kind != 3:  # unknown, CD-ROM, RAM disk …
            return UNKNOWN
        fs_name = ctypes.create_unicode_buffer(64)
        ok = ctypes.windll.kernel32.GetVolumeInformationW(  # type: ignore[attr-defined]
            drive, None, 0, None, None, None, fs_name, len(fs_name))
    except Exception:  # noqa: BLE001 - cannot tell: not known to be local
        return UNKNOWN
    if not ok:
        return UNKNOWN
    return LOCAL if fs_name.value.upper() in _LOCAL_FS["win32"] else REMOVABLE


def storage_kind(path: str | os.PathLike) -> str:
    """Classify where a file lives: LOCAL (an allow-listed local file system on a fixed disk), REMOVABLE,
    NETWORK, or UNKNOWN. Only LOCAL gets WAL."""
    target = os.path.abspath(os.fspath(path))
    key = _os_key()
    if key == "win32":
        return _windows_kind(target)
    try:
        entries = _darwin_mounts() if key == "darwin" else _linux_mounts()
    except (OSError, ValueError):
        return UNKNOWN
    best, best_type, best_dev = "", "", ""
    for dev, mount_point, fs_type in entries:
        mount_point = mount_point.replace("\\040", " ")
        if (target == mount_point or target.startswith(mount_point.rstrip("/") + "/")) \
                and len(mount_point) >= len(best):
            best, best_type, best_dev = mount_point, fs_type, dev
    if best_type in _LOCAL_FS[key]:
        if key == "linux" and best_dev.startswith("/dev/") and _removable_block_device(best_dev):
            return REMOVABLE
        return LOCAL
    return _KNOWN_UNSAFE.get(best_type, UNKNOWN)


class DatabaseError(UserError):
    """A database that cannot be opened or migrated (Vietnamese message); `kind` as in errors.classify."""

    kind = OTHER


def _open_error(exc: sqlite3.Error, path: Path) -> DatabaseError:
    """Opening failed: a damaged file is called damaged; a full disk, a read-only or locked file, a permission or
    I/O problem is named for what it is, and the file was not changed."""
    kind = classify(exc)
    if kind in (DAMAGED, OTHER):
        error = DatabaseError(f"Tệp «{path.name}» không phải là cơ sở dữ liệu hợp lệ hoặc đã bị hỏng: {exc}")
    else:
        error = DatabaseError(f"Không mở được cơ sở dữ liệu: {describe_error(exc, path)}")
    error.kind = kind
    return error


def _write_error(exc: sqlite3.Error, path: Path) -> StorageError:
    """A write SQLite refused: the transaction was rolled back, so what was saved before is intact."""
    return StorageError(f"Chưa lưu được thay đổi. {describe_error(exc, path)}", classify(exc))


def is_writable(path: str | os.PathLike) -> bool:
    """Can this app write the database file and create its journal beside it?"""
    path = Path(path)
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


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
        # a database whose file or folder cannot be written is opened read-only and says so (read_only)
        self.read_only = self.path.exists() and not is_writable(self.path)
        try:
            if self.read_only:
                self.conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True,
                                            isolation_level=None, check_same_thread=False, timeout=10)
            else:
                self.conn = sqlite3.connect(os.fspath(self.path), isolation_level=None,
                                            check_same_thread=False, timeout=10)
        except sqlite3.Error as exc:
            raise _open_error(exc, self.path) from exc
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        self._utils = None
        try:
            self._configure()
            if check:
                self.check_integrity()
            if migrate:
                if self.read_only and self.schema_version < latest_version():
                    raise DatabaseError(
                        f"Cơ sở dữ liệu «{self.path.name}» cần được nâng cấp cho phiên bản này nhưng tệp đang ở "
                        "chế độ chỉ đọc. Dữ liệu vẫn nguyên vẹn; hãy bỏ thuộc tính chỉ đọc hoặc chép tệp sang ổ "
                        "đĩa của máy rồi mở lại.")
                if not self.read_only:
                    self.migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise _open_error(exc, self.path) from exc
        except DatabaseError:
            self.conn.close()
            raise

    # -- setup -------------------------------------------------------------------------------
    def _configure(self) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.read_only:
            self.journal_mode = str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        else:
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
            if self.read_only:
                raise StorageError(describe_error(sqlite3.OperationalError("attempt to write a readonly database"),
                                                  self.path), READ_ONLY)
            try:
                if self._depth == 0:
                    self.conn.execute("BEGIN IMMEDIATE")
                else:
                    self.conn.execute(f"SAVEPOINT sp{self._depth}")
            except sqlite3.OperationalError as exc:
                raise _write_error(exc, self.path) from exc
            self._depth += 1
            try:
                yield self.conn
            except BaseException as exc:
                self._depth -= 1
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already (disk full)
                    if self._depth == 0:
                        if self.conn.in_transaction:
                            self.conn.execute("ROLLBACK")
                    else:
                        self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                        self.conn.execute(f"RELEASE sp{self._depth}")
                if isinstance(exc, sqlite3.OperationalError) and classify(exc) != OTHER:
                    raise _write_error(exc, self.path) from exc
                raise
            else:
                self._depth -= 1
                try:
                    if self._depth == 0:
                        self.conn.execute("COMMIT")
                    else:
                        self.conn.execute(f"RELEASE sp{self._depth}")
                except sqlite3.OperationalError as exc:
                    with contextlib.suppress(sqlite3.Error):
                        if self._depth == 0 and self.conn.in_transaction:
                            self.conn.execute("ROLLBACK")
                    raise _write_error(exc, self.path) from exc

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params=()) -> sqlite3.Row | None:
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    def close(self) -> None:
        with self._lock:
            self.conn.close()
            self.closed = True

    closed = False   # set by close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
