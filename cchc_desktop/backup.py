"""Rotating database backups, restore, copy to a USB folder, and recovery of a damaged database.

Backups are consistent snapshots taken with SQLite's online backup API (`sqlite3.Connection.backup`)
while the app may have the database open, written through `safe_write.atomic_path` (temp file, fsync,
rename), checked with `integrity_check`, and kept in `backups/` beside the database:

    backups/cchc-20260110-083015-123456-khoi-dong.sqlite3
            <stem>-<local time>-<reason>.sqlite3

Taking a backup whose content is byte-identical to the newest one is skipped (restarting the app ten
times does not push real history out). `prune()` keeps the newest N (default 20, `CCHC_BACKUP_KEEP`).

When to back up (the callers): `startup_backup()` on start, `backup_if_due()` daily (the UI calls it from
a timer), `make_backup(db, REASON_IMPORT | REASON_MERGE | REASON_MIGRATION)` before every import, merge
and migration, and `restore_backup()` backs up the current database first.

Recovery: `open_or_recover(db_path)` checks the database; when it is damaged it keeps the damaged file
aside (renamed with a timestamp, with its -wal/-shm/-journal files) and restores the newest good backup.
The UI passes a `confirm` callback to ask the user first (ui/restore_dialog.py).

This module never imports Qt.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from .db import Database, DatabaseError, latest_version
from .paths import backups_dir
from .safe_write import SafeWriteError, atomic_copy, atomic_path, sha256_file
from .errors import UserError

log = logging.getLogger(__name__)

DEFAULT_KEEP = 20
DAILY = timedelta(days=1)

REASON_START = "khoi-dong"
REASON_DAILY = "hang-ngay"
REASON_IMPORT = "truoc-khi-nhap"
REASON_MERGE = "truoc-khi-hop-nhat"
REASON_MIGRATION = "truoc-khi-nang-cap"
REASON_RESTORE = "truoc-khi-khoi-phuc"
REASON_MANUAL = "thu-cong"

REASON_LABELS = {
    REASON_START: "Khi khởi động",
    REASON_DAILY: "Hằng ngày",
    REASON_IMPORT: "Trước khi nhập dữ liệu",
    REASON_MERGE: "Trước khi hợp nhất",
    REASON_MIGRATION: "Trước khi nâng cấp cơ sở dữ liệu",
    REASON_RESTORE: "Trước khi khôi phục",
    REASON_MANUAL: "Sao lưu thủ công",
}

_SIDECARS = ("-wal", "-shm", "-journal")
_STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_NAME_RE = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z0-9-]+)\.sqlite3$")


class BackupError(UserError):
    """A backup, restore or recovery that could not be done (Vietnamese message)."""


@dataclass
class BackupInfo:
    path: Path
    created: datetime
    reason: str
    size: int
    plan_count: int | None = None
    task_count: int | None = None
    schema_version: int | None = None
    ok: bool = True
    problem: str = ""

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)

    @property
    def created_label(self) -> str:
        return self.created.strftime("%d/%m/%Y %H:%M:%S")


@dataclass
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None = None   # backup of the database as it was before the restore
    set_aside: Path | None = None       # the damaged database, renamed, when it could not be backed up


@dataclass
class RecoveryInfo:
    """What `open_or_recover` did (or proposes, when passed to `confirm`)."""
    db_path: Path
    problem: str
    backup: BackupInfo | None            # the backup restored; None = started an empty database
    damaged_copy: Path | None = None     # where the damaged file was kept
    candidates: list[BackupInfo] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"Cơ sở dữ liệu «{self.db_path.name}» bị hỏng: {self.problem}"]
        if self.damaged_copy:
            lines.append(f"Tệp hỏng được giữ lại tại «{self.damaged_copy}».")
        if self.backup:
            lines.append(f"Đã khôi phục bản sao lưu lúc {self.backup.created_label} "
                         f"({self.backup.task_count} nhiệm vụ).")
        else:
            lines.append("Không có bản sao lưu dùng được; đã tạo cơ sở dữ liệu mới.")
        return "\n".join(lines)


# -- settings ------------------------------------------------------------------------------------
def keep_count(keep: int | None = None) -> int:
    """How many backups to keep: the argument, else CCHC_BACKUP_KEEP, else DEFAULT_KEEP (min 2)."""
    if keep is None:
        try:
            keep = int(os.environ.get("CCHC_BACKUP_KEEP", DEFAULT_KEEP))
        except ValueError:
            keep = DEFAULT_KEEP
    return max(2, keep)


# -- low-level helpers ---------------------------------------------------------------------------
def _ro_connect(path: Path) -> sqlite3.Connection:
    """Read-only connection that never creates -wal/-shm files next to a backup."""
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=10)


def check_file(path: str | os.PathLike, *, full: bool = True) -> str | None:
    """None when `path` is a healthy SQLite database, else a short description of the problem."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            return "tệp rỗng (0 byte)"
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return "không phải tệp cơ sở dữ liệu SQLite"
    except OSError as exc:
        return f"không đọc được tệp ({exc.strerror or exc})"
    try:
        conn = sqlite3.connect(os.fspath(path), timeout=10) if _has_sidecars(path) else _ro_connect(path)
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc)
    if rows != ["ok"]:
        return "; ".join(rows[:3])
    return None


def _has_sidecars(path: Path) -> bool:
    return any(Path(f"{path}{suffix}").exists() for suffix in _SIDECARS)


def _counts(path: Path) -> tuple[int, int, int]:
    conn = _ro_connect(path)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        plans = conn.execute("SELECT COUNT(*) FROM plan").fetchone()[0]
        tasks = conn.execute("SELECT COUNT(*) FROM task").fetchone()[0]
        return plans, tasks, version
    finally:
        conn.close()


def _schema_version(path: Path) -> int:
    conn = sqlite3.connect(os.fspath(path), timeout=10)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _snapshot(source: Path, target: Path) -> None:
    """Consistent copy of `source` into the (empty) file `target` via the online backup API."""
    src = sqlite3.connect(os.fspath(source), timeout=30)
    try:
        dst = sqlite3.connect(os.fspath(target))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
            rows = [r[0] for r in dst.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                raise BackupError(f"Bản sao lưu vừa tạo không đạt kiểm tra toàn vẹn: {'; '.join(rows[:3])}")
        finally:
            dst.close()
    finally:
        src.close()


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now()).strftime(_STAMP_FORMAT)


def _unique(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise BackupError(f"Không tạo được tên tệp mới trong «{path.parent}».")


# -- backups -------------------------------------------------------------------------------------
def make_backup(db_path: str | os.PathLike, reason: str = REASON_MANUAL, *, keep: int | None = None,
                dedupe: bool = True, folder: str | os.PathLike | None = None) -> Path:
    """Snapshot the database into the backups folder and prune old backups; returns the backup path.

    With `dedupe`, a snapshot identical to the newest backup is discarded and that backup returned.
    Raises BackupError (Vietnamese) when the database is unreadable or the disk is full.
    """
    db_path = Path(db_path)
    if not re.fullmatch(r"[a-z0-9-]+", reason):
        raise ValueError(f"bad backup reason {reason!r}")
    if not db_path.exists():
        raise BackupError(f"Không tìm thấy cơ sở dữ liệu «{db_path}» để sao lưu.")
    folder = Path(folder) if folder else backups_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Không tạo được thư mục sao lưu «{folder}»: {exc.strerror or exc}.") from exc
    target = _unique(folder / f"{db_path.stem}-{_stamp()}-{reason}.sqlite3")
    newest = _newest_backup_file(db_path, folder)
    try:
        with atomic_path(target) as tmp:
            try:
                _snapshot(db_path, tmp)
            except sqlite3.Error as exc:
                raise BackupError(f"Không sao lưu được cơ sở dữ liệu «{db_path.name}»: {exc}") from exc
            if dedupe and newest is not None and sha256_file(tmp) == sha256_file(newest):
                log.info("backup skipped (%s): identical to %s", reason, newest.name)
                raise _Unchanged(newest)
    except _Unchanged as same:
        return same.path
    except SafeWriteError as exc:
        raise BackupError(f"Không ghi được bản sao lưu: {exc}") from exc
    log.info("backup %s (%s)", target, reason)
    prune(db_path, keep, folder=folder)
    return target


class _Unchanged(Exception):
    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path


def _backup_files(db_path: Path, folder: Path | None = None) -> list[tuple[datetime, Path, str]]:
    folder = folder or backups_dir(db_path)
    found = []
    if not folder.is_dir():
        return found
    for path in folder.glob("*.sqlite3"):
        match = _NAME_RE.match(path.name)
        if not match or match.group("stem") != Path(db_path).stem:
            continue
        try:
            created = datetime.strptime(match.group("stamp"), _STAMP_FORMAT)
        except ValueError:
            continue
        found.append((created, path, match.group("reason")))
    found.sort(key=lambda item: (item[0], item[1].name), reverse=True)
    return found


def _newest_backup_file(db_path: Path, folder: Path | None = None) -> Path | None:
    files = _backup_files(db_path, folder)
    return files[0][1] if files else None


def list_backups(db_path: str | os.PathLike, *, check: bool = False) -> list[BackupInfo]:
    """Backups of this database, newest first, with plan/task counts (and integrity when `check`)."""
    result = []
    for created, path, reason in _backup_files(Path(db_path)):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        info = BackupInfo(path, created, reason, size)
        problem = check_file(path) if check else None
        if problem is None:
            try:
                info.plan_count, info.task_count, info.schema_version = _counts(path)
            except sqlite3.Error as exc:
                problem = str(exc)
        if problem:
            info.ok, info.problem = False, problem
        result.append(info)
    return result


def prune(db_path: str | os.PathLike, keep: int | None = None, *,
          folder: str | os.PathLike | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups. Returns the deleted paths."""
    keep = keep_count(keep)
    removed = []
    folder_path = Path(folder) if folder else backups_dir(db_path)
    # temp files of backups interrupted by a crash or power cut (atomic_path names them .<name>.<rnd>.tmp);
    # the instance lock guarantees no other process is writing one now
    for stale in folder_path.glob(f".{Path(db_path).stem}-*.tmp") if folder_path.is_dir() else ():
        with contextlib.suppress(OSError):
            stale.unlink()
    for _created, path, _reason in _backup_files(Path(db_path), Path(folder) if folder else None)[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def startup_backup(db_path: str | os.PathLike, *, keep: int | None = None) -> Path | None:
    """The backup taken when the app starts (skipped when nothing changed). None if there is no DB yet."""
    if not Path(db_path).exists():
        return None
    return make_backup(db_path, REASON_START, keep=keep)


def backup_if_due(db_path: str | os.PathLike, *, every: timedelta = DAILY, keep: int | None = None,
                  now: datetime | None = None) -> Path | None:
    """Take the daily backup when the newest backup is older than `every`; else None."""
    files = _backup_files(Path(db_path))
    if files and (now or datetime.now()) - files[0][0] < every:
        return None
    return make_backup(db_path, REASON_DAILY, keep=keep)


def backup_to_folder(db_path: str | os.PathLike, folder: str | os.PathLike) -> Path:
    """'Sao lưu ra USB': a checked snapshot copied to `folder` with the safe-write rule
    (temp file, fsync, rename, read-back hash). Never overwrites an existing file."""
    db_path, folder = Path(db_path), Path(folder)
    if not folder.is_dir():
        raise BackupError(f"Thư mục «{folder}» không tồn tại (USB đã bị rút?).")
    target = _unique(folder / f"CCHC-sao-luu-{datetime.now():%Y-%m-%d-%H%M%S}.sqlite3")
    with tempfile.TemporaryDirectory(prefix="cchc-backup-") as tmp_dir:
        snapshot = Path(tmp_dir) / "snapshot.sqlite3"
        try:
            _snapshot(db_path, snapshot)
        except sqlite3.Error as exc:
            raise BackupError(f"Không sao lưu được cơ sở dữ liệu «{db_path.name}»: {exc}") from exc
        try:
            atomic_copy(snapshot, target)
        except SafeWriteError as exc:
            raise BackupError(str(exc)) from exc
    log.info("backup copied to %s", target)
    return target


# -- restore -------------------------------------------------------------------------------------
def validate_backup(backup_path: str | os.PathLike) -> BackupInfo:
    """Check a backup file (from the list or chosen by the user) before restoring it."""
    path = Path(backup_path)
    problem = check_file(path)
    if problem:
        raise BackupError(f"Bản sao lưu «{path.name}» không dùng được: {problem}.")
    try:
        plans, tasks, version = _counts(path)
    except sqlite3.Error as exc:
        raise BackupError(f"Tệp «{path.name}» không phải là bản sao lưu của CCHC Desktop ({exc}).") from exc
    if version > latest_version():
        raise BackupError(f"Bản sao lưu «{path.name}» được tạo bởi phiên bản mới hơn của ứng dụng "
                          f"(lược đồ {version}). Hãy cập nhật ứng dụng.")
    match = _NAME_RE.match(path.name)
    created = datetime.fromtimestamp(path.stat().st_mtime)
    if match:
        with contextlib.suppress(ValueError):
            created = datetime.strptime(match.group("stamp"), _STAMP_FORMAT)
    return BackupInfo(path, created, match.group("reason") if match else "", path.stat().st_size,
                      plans, tasks, version)


def set_aside(db_path: str | os.PathLike) -> Path | None:
    """Rename a (damaged) database and its -wal/-shm/-journal files with a timestamp; returns the new
    name of the main file (None when there was no file)."""
    db_path = Path(db_path)
    if not db_path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = _unique(db_path.with_name(f"{db_path.stem}.hong-{stamp}{db_path.suffix}"))
    try:
        for suffix in _SIDECARS:
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{target}{suffix}"))
        os.replace(db_path, target)
    except OSError as exc:
        raise BackupError(f"Không đổi tên được tệp hỏng «{db_path.name}» (tệp đang được mở?): "
                          f"{exc.strerror or exc}.") from exc
    log.warning("damaged database kept as %s", target)
    return target


def _settle(db_path: Path) -> None:
    """Fold the WAL back into the main file and leave no -wal/-shm/-journal beside it, so that
    replacing the main file cannot mix an old journal into the restored one."""
    conn = sqlite3.connect(os.fspath(db_path), timeout=30)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    for suffix in _SIDECARS:
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            raise BackupError(f"Cơ sở dữ liệu «{db_path.name}» đang được mở ở chương trình khác; "
                              "hãy đóng chương trình đó rồi khôi phục lại.")


def restore_backup(db_path: str | os.PathLike, backup_path: str | os.PathLike, *,
                   keep: int | None = None) -> RestoreResult:
    """Replace the database with a backup, atomically. The caller must have closed the database.

    The current database is backed up first (or, when damaged, renamed aside); the backup is copied
    beside the database and renamed over it, so an interruption leaves either the old or the new file.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    validate_backup(backup_path)
    result = RestoreResult(backup_path)
    if db_path.exists():
        if check_file(db_path) is None:
            try:
                result.safety_backup = make_backup(db_path, REASON_RESTORE, keep=keep, dedupe=False)
                _settle(db_path)
            except (BackupError, sqlite3.Error) as exc:
                log.warning("cannot back up before restore (%s); setting the file aside", exc)
                result.set_aside = set_aside(db_path)
        else:
            result.set_aside = set_aside(db_path)
    for suffix in _SIDECARS:  # stray journal of a file that no longer exists
        side = Path(f"{db_path}{suffix}")
        if side.exists() and not db_path.exists():
            os.replace(side, _unique(side.with_name(side.name + f".cu-{_stamp()}")))
    try:
        atomic_copy(backup_path, db_path)
    except SafeWriteError as exc:
        raise BackupError(f"Khôi phục thất bại, cơ sở dữ liệu chưa bị thay đổi: {exc}") from exc
    problem = check_file(db_path)
    if problem:  # cannot happen unless the disk lies; keep the evidence
        raise BackupError(f"Tệp sau khi khôi phục không đạt kiểm tra toàn vẹn: {problem}.")
    log.info("restored %s from %s", db_path, backup_path)
    return result


# -- open with recovery --------------------------------------------------------------------------
def find_good_backup(db_path: str | os.PathLike) -> BackupInfo | None:
    """The newest backup that passes integrity_check and this app's schema version."""
    for info in list_backups(db_path):
        try:
            return validate_backup(info.path)
        except BackupError as exc:
            log.warning("backup %s unusable: %s", info.path.name, exc)
    return None


def open_or_recover(db_path: str | os.PathLike, *, actor: str | None = None,
                    confirm: Callable[[RecoveryInfo], bool] | None = None,
                    allow_empty: bool = False):
    """Open the store; when the database is damaged, recover from the newest good backup.

    `confirm(proposal)` is asked first (the UI shows a dialog; return False to cancel, which raises
    DatabaseError and changes nothing). Without `confirm`, recovery from a backup proceeds; starting
    an empty database when no backup exists needs `allow_empty` or a confirm callback.
    Returns (Store, RecoveryInfo | None).
    """
    from .store import Store

    db_path = Path(db_path)
    if not db_path.exists():
        return Store.open(db_path, actor), None
    problem = check_file(db_path)
    if problem is None:
        if _schema_version(db_path) < latest_version():
            make_backup(db_path, REASON_MIGRATION, dedupe=False)  # before Store.open() migrates it
        # a DatabaseError here (schema too new, file locked, …) is not a recovery case; the file was
        # checked just above, so the store does not run a second integrity_check (half the start, #18)
        return Store(Database(db_path, check=False), actor), None
    log.error("database %s damaged: %s", db_path, problem)
    candidate = find_good_backup(db_path)
    proposal = RecoveryInfo(db_path, problem, candidate, candidates=list_backups(db_path))
    if confirm is not None:
        if not confirm(proposal):
            raise DatabaseError(f"Cơ sở dữ liệu «{db_path.name}» bị hỏng ({problem}) và chưa được khôi phục.")
        candidate = proposal.backup  # the dialog may pick an older backup
    elif candidate is None and not allow_empty:
        raise DatabaseError(f"Cơ sở dữ liệu «{db_path.name}» bị hỏng ({problem}) và không có bản sao lưu "
                            "dùng được.")
    info = RecoveryInfo(db_path, problem, candidate, candidates=proposal.candidates)
    if candidate is not None:
        restored = restore_backup(db_path, candidate.path)
        info.damaged_copy = restored.set_aside or restored.safety_backup
    else:
        info.damaged_copy = set_aside(db_path)
    return Store.open(db_path, actor), info



def backup_before_change(store, reason: str) -> Path | None:
    """Snapshot the store's database before an import or merge (REASON_IMPORT / REASON_MERGE).

    Skipped when the database is not a file yet or the caller is already inside a transaction
    (the outer operation took its own backup). Raises BackupError: better no import than no backup.
    """
    path = Path(store.db.path)
    if not path.is_file() or store.db.conn.in_transaction:
        return None
    return make_backup(path, reason)
