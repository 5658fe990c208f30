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

A restored database gets a new installation id (`new_identity`, `check_restored_copy` for a file copied back by
hand): the changes it lost may already be at its peers, and its next changes must not take their stamps.

This module never imports Qt.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from .db import Database, DatabaseError, is_writable, latest_version
from .errors import DAMAGED, OTHER, UserError, classify, describe_error
from .evidence_files import (BLOB_DIR, FileProblem, copy_tree_files, referenced_files, restore_files,
                             store_blobs)
from .paths import backups_dir
from .safe_write import SafeWriteError, atomic_copy, atomic_path, atomic_write_bytes, sha256_file

log = logging.getLogger(__name__)

DEFAULT_KEEP = 20
# One backup at a time in this process: the start-up backup runs in a thread (StartupBackup) while the window
# shows; a backup before an import, the daily one or a restore waits for it (sequence numbers, index, pruning).
_BACKUP_LOCK = threading.Lock()
DAILY = timedelta(days=1)

REASON_START = "khoi-dong"
REASON_DAILY = "hang-ngay"
REASON_IMPORT = "truoc-khi-nhap"
REASON_MERGE = "truoc-khi-hop-nhat"
REASON_MIGRATION = "truoc-khi-nang-cap"
REASON_RESTORE = "truoc-khi-khoi-phuc"
REASON_MANUAL = "thu-cong"
REASON_USB = "ra-usb"

REASON_LABELS = {
    REASON_START: "Khi khởi động",
    REASON_DAILY: "Hằng ngày",
    REASON_IMPORT: "Trước khi nhập dữ liệu",
    REASON_MERGE: "Trước khi hợp nhất",
    REASON_MIGRATION: "Trước khi nâng cấp cơ sở dữ liệu",
    REASON_RESTORE: "Trước khi khôi phục",
    REASON_MANUAL: "Sao lưu thủ công",
    REASON_USB: "Sao lưu ra USB",
}

_SIDECARS = ("-wal", "-shm", "-journal")
_STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
# <stem>-so<sequence>-<reason>.sqlite3; older backups were named by the clock (read, ordered before all others)
_NAME_RE = re.compile(r"^(?P<stem>.+)-so(?P<seq>\d{6,})-(?P<reason>[a-z0-9-]+)\.sqlite3$")
_LEGACY_RE = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z0-9-]+)\.sqlite3$")
STAMP_TABLE = "cchc_backup_stamp"   # written into each backup: seq, reason, changes, created (hint), hashes
INDEX_FILE = "chi-muc.json"         # beside the backups: a cache of the stamps and their verification
CHANGES_FOR_DAILY = 500             # this many changes since the last backup make the daily one due anyway


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
    seq: int = 0                 # the backup's sequence number (0: an old backup named by the clock)
    changes: int | None = None   # the database's change counter when it was taken

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)

    @property
    def created_label(self) -> str:
        """«số 12 · 01/12/2026 13:05:00» — the number orders backups; the time is the PC clock's word."""
        when = self.created.strftime("%d/%m/%Y %H:%M:%S")
        return f"số {self.seq} · {when}" if self.seq else when


@dataclass
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None = None   # backup of the database as it was before the restore
    set_aside: Path | None = None       # the damaged database, renamed, when it could not be backed up
    files_restored: int = 0             # attachments copied back beside the database
    missing_files: list[FileProblem] = field(default_factory=list)
    new_origin: str | None = None       # the installation id the restored database stamps its changes with


@dataclass
class RecoveryInfo:
    """What `open_or_recover` did (or proposes, when passed to `confirm`)."""
    db_path: Path
    problem: str
    backup: BackupInfo | None            # the backup restored; None = started an empty database
    damaged_copy: Path | None = None     # where the damaged file was kept
    candidates: list[BackupInfo] = field(default_factory=list)
    changes_behind: int | None = None    # changes known to the damaged database (or the index) but not the backup
    behind_exact: bool = False           # counted from the damaged file itself (else: at least, from the index)
    restore: RestoreResult | None = None

    def describe(self) -> str:
        lines = [f"Cơ sở dữ liệu «{self.db_path.name}» bị hỏng: {self.problem}"]
        if self.damaged_copy:
            lines.append(f"Tệp hỏng được giữ lại tại «{self.damaged_copy}».")
        if self.backup:
            lines.append(f"Đã khôi phục bản sao lưu {self.backup.created_label} ({self.backup.reason_label}; "
                         f"{self.backup.task_count} nhiệm vụ).")
            if self.changes_behind is not None and self.behind_exact:
                lines.append(f"Bản này thiếu {self.changes_behind} thay đổi so với tệp bị hỏng."
                             if self.changes_behind else "Bản này có đủ mọi thay đổi của tệp bị hỏng.")
            elif self.changes_behind is not None:
                lines.append(f"Bản này thiếu ít nhất {self.changes_behind} thay đổi so với bản sao lưu mới nhất; "
                             "các thay đổi sau lần sao lưu cuối (nếu có) chỉ còn trong tệp hỏng được giữ lại.")
            if self.changes_behind:
                lines.append("Hãy kiểm tra và nhập lại các thay đổi gần nhất.")
            if self.restore and self.restore.missing_files:
                lines.append(f"{len(self.restore.missing_files)} tệp minh chứng không có trong bản sao lưu: "
                             + "; ".join(p.describe() for p in self.restore.missing_files[:5]))
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


def check_file(path: str | os.PathLike, *, full: bool = True, strict: bool = False) -> str | None:
    """None when `path` is a healthy SQLite database, else a short description of the problem.

    `strict`: a file that cannot be read for another reason than damage (I/O error, permission, locked by
    another program) raises DatabaseError naming that reason — it must not be treated as damaged and replaced.
    """
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            return "tệp rỗng (0 byte)"
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return "không phải tệp cơ sở dữ liệu SQLite"
    except OSError as exc:
        if strict:
            raise DatabaseError(f"Không mở được cơ sở dữ liệu: {describe_error(exc, path)}") from exc
        return f"không đọc được tệp ({exc.strerror or exc})"
    try:
        conn = sqlite3.connect(os.fspath(path), timeout=10) \
            if _has_sidecars(path) and is_writable(path) else _ro_connect(path)
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if strict and classify(exc) not in (DAMAGED, OTHER):
            raise DatabaseError(f"Không mở được cơ sở dữ liệu: {describe_error(exc, path)}") from exc
        return str(exc)
    if rows != ["ok"]:
        return "; ".join(rows[:3])
    return None


def _has_sidecars(path: Path) -> bool:
    return any(Path(f"{path}{suffix}").exists() for suffix in _SIDECARS)


# -- clean close: the full check only when the file changed since this app last closed it ------------
CLEAN_CLOSE_SUFFIX = ".dong-binh-thuong.json"   # backups/<db file name>.dong-binh-thuong.json


def _clean_close_file(db_path: Path) -> Path:
    return backups_dir(db_path) / f"{Path(db_path).name}{CLEAN_CLOSE_SUFFIX}"


def _fingerprint(db_path: Path) -> dict | None:
    """Size, modification time (ns) and the 100-byte SQLite header of a database with no -wal/-journal
    left beside it; None when it has one (not closed cleanly) or cannot be read."""
    db_path = Path(db_path)
    if _has_sidecars(db_path):
        return None
    try:
        stat = db_path.stat()
        with open(db_path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "header": header.hex()}


def mark_clean_close(db_path: str | os.PathLike) -> None:
    """Called by the open path right after the store was closed (and before the instance lock is released):
    remember the file as this app left it. The next open then runs `quick_check` instead of the full
    `integrity_check` (issue 18: ~¼ s of every start at 5,000 tasks) as long as nothing changed the file —
    a crash (journal left), another program, a restore or a copy over it all mean the full check again.
    Never raises: without the note the next open simply runs the full check."""
    db_path = Path(db_path)
    found = _fingerprint(db_path)
    if found is None or not is_writable(db_path):
        return
    target = _clean_close_file(db_path)
    with contextlib.suppress(OSError, ValueError):
        if json.loads(target.read_text(encoding="utf-8")) == found:
            return   # nothing written this session: the note stands
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, json.dumps(found).encode("utf-8"), verify=False)
    except (OSError, SafeWriteError) as exc:
        log.info("clean-close note not written for %s: %s", db_path.name, exc)


def closed_cleanly(db_path: str | os.PathLike) -> bool:
    """True when the database file is exactly as this app left it at its last clean close."""
    db_path = Path(db_path)
    try:
        noted = json.loads(_clean_close_file(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(noted, dict) and noted == _fingerprint(db_path)


# -- the open-time check, started ahead ------------------------------------------------------------
class _CheckAhead:
    """`check_file` of a database run in a thread while the caller does other work (the window imports its
    modules, issue 18: SQLite reads the file on the second core). Its answer counts only for the very file it
    read: same fingerprint when it started and when `open_or_recover` takes it, and the same kind of check."""

    def __init__(self, db_path: Path):
        import threading

        self.path = db_path
        self.fingerprint = _fingerprint(db_path)
        self.full = not closed_cleanly(db_path)
        self.problem: str | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="cchc-check", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.problem = check_file(self.path, strict=True, full=self.full)
        except BaseException as exc:  # noqa: BLE001 - handed to the opener, raised there
            self.error = exc

    def answer(self, db_path: Path, full: bool) -> tuple[bool, str | None]:
        """(usable, problem) — waits for the thread; raises what the check raised (e.g. an I/O error)."""
        self.thread.join()
        if db_path != self.path or full != self.full or self.fingerprint is None \
                or _fingerprint(db_path) != self.fingerprint:
            return False, None
        if self.error is not None:
            raise self.error
        return True, self.problem


_ahead: dict[Path, _CheckAhead] = {}


def check_ahead(db_path: str | os.PathLike) -> None:
    """Start `open_or_recover`'s check of an existing database now, in a thread; `open_or_recover` waits for it
    (and runs the check itself when the file changed meanwhile). Nothing is opened for writing before that."""
    db_path = Path(db_path)
    if db_path.is_file() and db_path not in _ahead:
        _ahead[db_path] = _CheckAhead(db_path)


def _open_check(db_path: Path) -> str | None:
    """None when the database is healthy, else the problem (check_file, strict)."""
    # the full integrity_check unless the file is byte-for-byte as this app closed it (then quick_check:
    # every page and b-tree still read and checked, not the index-to-table agreement it verified before)
    full = not closed_cleanly(db_path)
    ahead = _ahead.pop(db_path, None)
    if ahead is not None:
        usable, problem = ahead.answer(db_path, full)
        if usable:
            return problem
    return check_file(db_path, strict=True, full=full)


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


def _snapshot(source: Path, target: Path, pinned: sqlite3.Connection | None = None) -> None:
    """Consistent copy of `source` into the (empty) file `target` via the online backup API; from `pinned` (a
    connection holding a read transaction, see StartupBackup) when given: the copy is the state it pinned."""
    src = pinned if pinned is not None else sqlite3.connect(os.fspath(source), timeout=30)
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
        if pinned is None:
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


# -- stamp (inside each backup) and index (beside them) ------------------------------------------
def _now() -> datetime:
    """The wall clock. Only a hint here (shown to the user, one input of "daily"); tests move it."""
    return datetime.now()


def change_counter(conn: sqlite3.Connection) -> int:
    """The database's change counter: the last change_log sequence number (every logged write)."""
    try:
        return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM change_log").fetchone()[0])
    except sqlite3.Error:
        return 0


def _read_stamp(path: Path) -> dict:
    """The stamp written into a backup (sequence, reason, change counter, content hash …); {} if none."""
    try:
        conn = _ro_connect(path)
        try:
            return {k: v for k, v in conn.execute(f"SELECT key, value FROM {STAMP_TABLE}").fetchall()}
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def _write_stamp(path: Path, values: dict) -> None:
    conn = sqlite3.connect(os.fspath(path))
    try:
        with conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute(f"DELETE FROM {STAMP_TABLE}")
            conn.executemany(f"INSERT INTO {STAMP_TABLE}(key, value) VALUES (?, ?)",
                             [(k, str(v)) for k, v in values.items()])
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("Bản sao lưu vừa tạo không đạt kiểm tra toàn vẹn.")
    finally:
        conn.close()


def _load_index(folder: Path) -> dict:
    """The small index beside the backups (a cache: the truth is the stamp inside each backup)."""
    try:
        data = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"next_seq": 1, "files": {}}
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return {"next_seq": 1, "files": {}}
    return data


def _save_index(folder: Path, index: dict) -> None:
    try:
        atomic_write_bytes(folder / INDEX_FILE, json.dumps(index, ensure_ascii=False, indent=1).encode("utf-8"))
    except SafeWriteError as exc:  # the index is a cache; the backups themselves are complete
        log.warning("backup index not written: %s", exc)


@dataclass
class _Entry:
    seq: int
    path: Path
    reason: str
    created: datetime | None
    changes: int | None
    content_sha: str | None
    attachments: list[str] | None  # SHA-256s it references; None = unknown (legacy backup)


def _parse_time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _entry(path: Path, stem: str) -> _Entry | None:
    match = _NAME_RE.match(path.name)
    if match and match.group("stem") == stem:
        stamp = _read_stamp(path)
        try:
            seq = int(stamp.get("seq") or match.group("seq"))
        except ValueError:
            seq = int(match.group("seq"))
        try:
            attachments = json.loads(stamp["attachments"]) if "attachments" in stamp else None
        except ValueError:
            attachments = None
        changes = stamp.get("changes")
        return _Entry(seq, path, stamp.get("reason") or match.group("reason"), _parse_time(stamp.get("created")),
                      int(changes) if changes and changes.isdigit() else None, stamp.get("content_sha256"),
                      attachments)
    legacy = _LEGACY_RE.match(path.name)
    if legacy and legacy.group("stem") == stem:  # backups named by the clock (before sequences): oldest of all
        try:
            created = datetime.strptime(legacy.group("stamp"), _STAMP_FORMAT)
        except ValueError:
            return None
        return _Entry(0, path, legacy.group("reason"), created, None, None, None)
    return None


def _backup_files(db_path: Path, folder: Path | None = None) -> list[_Entry]:
    """This database's backups, newest first by sequence (never by the clock)."""
    folder = folder or backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = [e for e in (_entry(p, Path(db_path).stem) for p in folder.glob("*.sqlite3")) if e is not None]
    found.sort(key=lambda e: (e.seq, e.created or datetime.min if e.seq == 0 else datetime.min, e.path.name),
               reverse=True)
    return found


def _next_seq(entries: list[_Entry], index: dict) -> int:
    try:
        from_index = int(index.get("next_seq", 1))
    except (TypeError, ValueError):
        from_index = 1
    return max([from_index, 1] + [e.seq + 1 for e in entries])


# -- backups -------------------------------------------------------------------------------------
def make_backup(db_path: str | os.PathLike, reason: str = REASON_MANUAL, *, keep: int | None = None,
                dedupe: bool = True, folder: str | os.PathLike | None = None) -> Path:
    """Snapshot the database (and the attachments it references) into the backups folder, then prune.

    The backup gets the next sequence number, stored inside it (table `cchc_backup_stamp`) and in the index;
    its name carries the number, never the clock. With `dedupe`, a snapshot identical to the newest backup is
    discarded and that backup returned. Raises BackupError (Vietnamese) when the database is unreadable or the
    disk is full.
    """
    with _BACKUP_LOCK:
        return _make_backup(db_path, reason, keep=keep, dedupe=dedupe, folder=folder)


def _make_backup(db_path: str | os.PathLike, reason: str, *, keep: int | None = None, dedupe: bool = True,
                 folder: str | os.PathLike | None = None, pinned: sqlite3.Connection | None = None) -> Path:
    """make_backup under the backup lock (the caller holds it); from `pinned` when given (_snapshot)."""
    db_path = Path(db_path)
    if not re.fullmatch(r"[a-z0-9-]+", reason):
        raise ValueError(f"bad backup reason {reason!r}")
    if not db_path.exists():
        raise BackupError(f"Không tìm thấy cơ sở dữ liệu «{db_path}» để sao lưu.")
    folder = Path(folder) if folder else backups_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Không tạo được thư mục sao lưu «{folder}»: {describe_error(exc, folder)}") from exc
    entries = _backup_files(db_path, folder)
    index = _load_index(folder)
    seq = _next_seq(entries, index)
    target = _unique(folder / f"{db_path.stem}-so{seq:06d}-{reason}.sqlite3")
    newest = entries[0] if entries else None
    try:
        with atomic_path(target) as tmp:
            try:
                _snapshot(db_path, tmp, pinned)
                content = sha256_file(tmp)
                if dedupe and newest is not None and content == (newest.content_sha or sha256_file(newest.path)):
                    log.info("backup skipped (%s): identical to %s", reason, newest.path.name)
                    raise _Unchanged(newest.path)
                conn = sqlite3.connect(os.fspath(tmp))
                try:
                    changes = change_counter(conn)
                    refs = referenced_files(conn)
                finally:
                    conn.close()
                _write_stamp(tmp, {"seq": seq, "reason": reason, "created": _now().isoformat(timespec="seconds"),
                                   "changes": changes, "content_sha256": content, "source": db_path.name,
                                   "attachments": json.dumps(sorted({r.sha256 for r in refs}))})
            except sqlite3.Error as exc:
                raise BackupError(f"Không sao lưu được cơ sở dữ liệu «{db_path.name}»: "
                                  f"{describe_error(exc, db_path)}") from exc
    except _Unchanged as same:
        return same.path
    except SafeWriteError as exc:
        raise BackupError(f"Không ghi được bản sao lưu: {exc}") from exc
    # the database copy is written, fsynced and read back; now the evidence files it references
    try:
        held, problems = store_blobs(refs, db_path.resolve().parent, folder / BLOB_DIR)
    except (OSError, SafeWriteError) as exc:
        raise BackupError(f"Bản sao lưu số {seq} chưa chép được tệp minh chứng: {exc}") from exc
    for problem in problems:
        log.warning("backup %s: attachment %s", seq, problem.describe())
    index["files"][target.name] = {"seq": seq, "reason": reason, "changes": changes, "size": target.stat().st_size,
                                   "verified": True, "attachments": sorted(set(held)),
                                   "missing": [p.file_path for p in problems]}
    index["next_seq"] = seq + 1
    index["last_changes"] = changes
    _save_index(folder, index)
    log.info("backup %s no. %d (%s, %d changes)", target, seq, reason, changes)
    prune(db_path, keep, folder=folder)
    return target


class _Unchanged(Exception):
    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path


def _newest_backup_file(db_path: Path, folder: Path | None = None) -> Path | None:
    files = _backup_files(db_path, folder)
    return files[0].path if files else None


def _info(entry: _Entry, check: bool) -> BackupInfo | None:
    try:
        stat = entry.path.stat()
    except OSError:
        return None
    info = BackupInfo(entry.path, entry.created or datetime.fromtimestamp(stat.st_mtime), entry.reason,
                      stat.st_size, seq=entry.seq, changes=entry.changes)
    problem = check_file(entry.path) if check else None
    if problem is None:
        try:
            info.plan_count, info.task_count, info.schema_version = _counts(entry.path)
        except sqlite3.Error as exc:
            problem = str(exc)
    if problem:
        info.ok, info.problem = False, problem
    return info


def list_backups(db_path: str | os.PathLike, *, check: bool = False) -> list[BackupInfo]:
    """Backups of this database, newest first by sequence, with plan/task counts (and integrity when `check`)."""
    return [i for i in (_info(e, check) for e in _backup_files(Path(db_path))) if i is not None]


def _verified(entry: _Entry, index: dict) -> bool:
    known = index.get("files", {}).get(entry.path.name) or {}
    try:
        if known.get("verified") and known.get("seq") == entry.seq and known.get("size") == entry.path.stat().st_size:
            return True
    except OSError:
        return False
    return check_file(entry.path) is None


def prune(db_path: str | os.PathLike, keep: int | None = None, *,
          folder: str | os.PathLike | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups (by sequence). Nothing is deleted unless a newer backup has
    been verified; the newest verified backup is always kept. Returns the deleted paths."""
    keep = keep_count(keep)
    removed: list[Path] = []
    folder_path = Path(folder) if folder else backups_dir(db_path)
    if not folder_path.is_dir():
        return removed
    # temp files of backups interrupted by a crash or power cut (atomic_path names them .<name>.<rnd>.tmp);
    # the instance lock guarantees no other process is writing one now
    for stale in [*folder_path.glob(f".{Path(db_path).stem}-*.tmp"), *folder_path.glob(f"{BLOB_DIR}/*/.*.tmp")]:
        with contextlib.suppress(OSError):
            stale.unlink()
    entries = _backup_files(Path(db_path), folder_path)
    index = _load_index(folder_path)
    newest_good = next((n for n, e in enumerate(entries) if _verified(e, index)), None)
    if newest_good is None:
        return removed  # no verified backup: never delete one
    kept = []
    for n, entry in enumerate(entries):
        if n < keep or n <= newest_good:
            kept.append(entry)
            continue
        try:
            entry.path.unlink()
        except OSError:
            kept.append(entry)
            continue
        removed.append(entry.path)
        index["files"].pop(entry.path.name, None)
    if removed:
        _save_index(folder_path, index)
        _collect_blobs(folder_path, kept)
    return removed


def _collect_blobs(folder: Path, kept: list[_Entry]) -> None:
    """Delete attachment copies that no remaining backup references."""
    blob_root = folder / BLOB_DIR
    if not blob_root.is_dir():
        return
    wanted: set[str] = set()
    for entry in kept:
        if entry.attachments is None:  # legacy backup: read what it references
            try:
                wanted.update(r.sha256 for r in referenced_files(entry.path))
            except sqlite3.Error:
                return  # cannot tell: delete nothing
        else:
            wanted.update(entry.attachments)
    for blob in blob_root.glob("*/*"):
        if blob.is_file() and not blob.name.startswith(".") and blob.name not in wanted:
            with contextlib.suppress(OSError):
                blob.unlink()


def startup_backup(db_path: str | os.PathLike, *, keep: int | None = None) -> Path | None:
    """The backup taken when the app starts (skipped when nothing changed). None if there is no DB yet."""
    job = StartupBackup.start(db_path, keep=keep, thread=False)
    return job.wait() if job is not None else None


class StartupBackup:
    """The start-up backup, copied in a background thread while the window shows (issue 18).

    `start()` runs in the caller's thread before anything of the session writes: it opens a read-only connection
    and begins a read transaction, which pins the database's current state; whether a copy is needed at all is
    told there too (nothing logged since the newest backup: none, no thread). The thread then copies what that
    transaction sees with the online backup API: in WAL mode the session's writes go ahead and stay out of the
    copy; with a rollback journal (network drives, sticks) a write waits for the copy (busy timeout) while the
    read lock is held. Either way the backup is the state before any change of this session. The thread holds the
    backup lock from `start()` on, so another backup (before an import, daily, a restore) waits for it; `wait()`
    returns its path or raises its BackupError."""

    def __init__(self, db_path: Path, keep: int | None):
        self.db_path, self.keep = db_path, keep
        self.path: Path | None = None
        self.error: BaseException | None = None
        self._pinned: sqlite3.Connection | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self._go = threading.Event()     # copy now (the UI sets it after the first paint; `wait()` too)

    @classmethod
    def start(cls, db_path: str | os.PathLike, *, keep: int | None = None, thread: bool = True,
              hold: float = 0.0) -> StartupBackup | None:
        """None when there is no database; else the job (already done when nothing changed). With `hold` (seconds)
        the thread waits for `go()` — the window's first paint — before it copies, at most that long."""
        db_path = Path(db_path)
        if not db_path.exists():
            return None
        job = cls(db_path, keep)
        if not hold:
            job._go.set()
        job._hold = hold
        _BACKUP_LOCK.acquire()
        try:
            job._pin()
            if job._pinned is None or not job._unchanged():
                if thread:
                    job._thread = threading.Thread(target=job._run, name="cchc-startup-backup", daemon=True)
                    job._thread.start()
                    return job
                job._run()
                return job
        except BaseException:
            job._finish()
            raise
        job._finish()
        return job

    def _pin(self) -> None:
        """A read transaction on the database as it is now (None when it cannot be read: the copy says why)."""
        try:
            conn = sqlite3.connect(self.db_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30,
                                   isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()   # the snapshot starts here
        except sqlite3.Error:
            conn.close()
            return
        self._pinned = conn

    def _unchanged(self) -> bool:
        """Nothing logged since the newest backup (its recorded change counter equals the database's): no copy and
        no hash at every start (issue 18: that was ~¼ s at 5,000 tasks); the full comparison runs otherwise
        (this database's newest backup: another database in the same folder shares the index, not the counter)."""
        live = change_counter(self._pinned)
        if not live:
            return False
        newest = _newest_by_name(self.db_path)   # the index's word for it: no backup opened to read its stamp
        if newest is not None and newest[1] == live:
            self.path = newest[0]
            return True
        files = _backup_files(self.db_path)
        if files and files[0].changes == live:
            self.path = files[0].path
            return True
        return False

    def go(self) -> None:
        """Start copying (if held)."""
        self._go.set()

    def _run(self) -> None:
        try:
            self._go.wait(self._hold or None)
            self.path = _make_backup(self.db_path, REASON_START, keep=self.keep, pinned=self._pinned)
        except BaseException as exc:  # noqa: BLE001 - handed to wait() in the caller's thread
            self.error = exc
        finally:
            self._finish()

    def _finish(self) -> None:
        if self._pinned is not None:
            with contextlib.suppress(sqlite3.Error):
                self._pinned.close()      # ends the read transaction
            self._pinned = None
        if not self._done.is_set():
            self._done.set()
            _BACKUP_LOCK.release()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> Path | None:
        """The backup's path once it is written (raises its error)."""
        self._go.set()
        self._done.wait()
        if self._thread is not None:
            self._thread.join()
        if self.error is not None:
            raise self.error
        return self.path


def wait_for_backups() -> None:
    """Until a backup running in this process (the start-up one) is written."""
    with _BACKUP_LOCK:
        pass


def _newest_by_name(db_path: Path) -> tuple[Path, int | None] | None:
    """This database's backup with the highest sequence number in its name, and the change counter the index
    recorded for it when it was taken (None when the index does not know it under that number)."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return None
    stem = Path(db_path).stem
    named = [(int(m.group("seq")), path) for path in folder.glob("*.sqlite3")
             if (m := _NAME_RE.match(path.name)) and m.group("stem") == stem]
    if not named:
        return None
    seq, path = max(named)
    entry = _load_index(folder)["files"].get(path.name) or {}
    changes = entry.get("changes") if entry.get("seq") == seq else None
    return path, changes if isinstance(changes, int) else None


def _live_counter(db_path: Path) -> int | None:
    try:
        conn = sqlite3.connect(Path(db_path).resolve().as_uri() + "?mode=ro", uri=True, timeout=10)
        try:
            return change_counter(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def backup_if_due(db_path: str | os.PathLike, *, every: timedelta = DAILY, keep: int | None = None,
                  now: datetime | None = None, since_last: timedelta | None = None) -> Path | None:
    """Take the daily backup when it is due; else None.

    Measured from the last backup's sequence and the database's change counter: nothing changed since the
    newest backup → not due, whatever the clock says. When something changed, the clock is only a hint: due when
    it says `every` has passed, when it is earlier than the newest backup (a clock reset to 2000, or corrected
    after running ahead — it cannot be trusted, so a backup is taken), or when `CHANGES_FOR_DAILY` changes have
    piled up. `since_last` (a monotonic time measured by the caller, e.g. the UI timer) replaces the clock when
    the clock went backwards.
    """
    db_path = Path(db_path)
    files = _backup_files(db_path)
    if not files:
        return make_backup(db_path, REASON_DAILY, keep=keep)
    last = files[0]
    counter = _live_counter(db_path)
    if counter is not None and last.changes is not None:
        if counter == last.changes:
            return None
        if abs(counter - last.changes) >= CHANGES_FOR_DAILY:
            return make_backup(db_path, REASON_DAILY, keep=keep)
    now = now or _now()
    if last.created is None or now < last.created:
        due = since_last is None or since_last >= every
    else:
        due = now - last.created >= every
    return make_backup(db_path, REASON_DAILY, keep=keep) if due else None


def backup_to_folder(db_path: str | os.PathLike, folder: str | os.PathLike) -> Path:
    """'Sao lưu ra USB': a folder `CCHC-sao-luu-…` in `folder` holding a checked snapshot and the attachments it
    references (same layout as the data folder, SHA-256 listed in `manifest.json` and read back after writing).
    Built under a temporary name and renamed when complete; never overwrites. Returns the database file in it."""
    import shutil
    import tempfile

    db_path, folder = Path(db_path), Path(folder)
    if not folder.is_dir():
        raise BackupError(f"Thư mục «{folder}» không tồn tại (USB đã bị rút?).")
    name = _unique(folder / f"CCHC-sao-luu-{_now():%Y-%m-%d-%H%M%S}").name
    final = folder / name
    work = folder / f".{name}.tmp"
    try:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        db_copy = work / f"{name}.sqlite3"
        with tempfile.TemporaryDirectory(prefix="cchc-backup-") as tmp_dir:
            snapshot = Path(tmp_dir) / "snapshot.sqlite3"
            try:
                _snapshot(db_path, snapshot)
                conn = sqlite3.connect(os.fspath(snapshot))
                try:
                    changes, refs = change_counter(conn), referenced_files(conn)
                finally:
                    conn.close()
                newest = _backup_files(db_path)
                _write_stamp(snapshot, {"seq": newest[0].seq if newest else 0, "reason": REASON_USB,
                                        "created": _now().isoformat(timespec="seconds"), "changes": changes,
                                        "content_sha256": "", "source": db_path.name})
            except sqlite3.Error as exc:
                raise BackupError(f"Không sao lưu được cơ sở dữ liệu «{db_path.name}»: "
                                  f"{describe_error(exc, db_path)}") from exc
            atomic_copy(snapshot, db_copy)
        problems = copy_tree_files(refs, db_path.resolve().parent, work)
        manifest = {"database": db_copy.name, "changes": changes,
                    "files": {db_copy.name: sha256_file(db_copy),
                              **{r.file_path: r.sha256 for r in refs
                                 if r.file_path not in {p.file_path for p in problems}}},
                    "missing": [p.describe() for p in problems]}
        atomic_write_bytes(work / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        for rel, sha in manifest["files"].items():  # read everything back from the stick
            if sha256_file(work / Path(*rel.split("/"))) != sha:
                raise BackupError(f"Kiểm tra lại tệp «{rel}» trên «{folder}» thất bại (mã băm khác).")
        os.replace(work, final)
    except SafeWriteError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise BackupError(str(exc)) from exc
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise BackupError(f"Không sao lưu được ra «{folder}»: {describe_error(exc, folder)}") from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for problem in problems:
        log.warning("USB copy: attachment %s", problem.describe())
    log.info("backup copied to %s (%d attachments)", final, len(refs) - len(problems))
    return final / db_copy.name


# -- stamps that left this database (beside the backups, so a copy of the database put back is seen) --------
SENT_FILE = "da-gui.json"           # {installation id: the highest own Lamport value a package carried away}


def sent_marks(db_path: str | os.PathLike) -> dict[str, int]:
    """What left this database in packages (sync folder, USB), per installation id; {} when unknown."""
    try:
        data = json.loads((backups_dir(Path(db_path)) / SENT_FILE).read_text(encoding="utf-8"))
        return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError, TypeError):
        return {}


def note_sent(db_path: str | os.PathLike, origin: str, lamport: int) -> None:
    """A package carried our changes up to ``lamport`` away (called by the package export). Kept outside the
    database: a database put back from an older copy by hand still finds it (``check_restored_copy``)."""
    marks = sent_marks(db_path)
    if lamport <= marks.get(origin, 0):
        return
    marks[origin] = int(lamport)
    folder = backups_dir(Path(db_path))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / SENT_FILE, json.dumps(marks, sort_keys=True).encode("utf-8"))
    except (OSError, SafeWriteError) as exc:     # best effort: the sync folder's own check remains
        log.warning("record of sent changes not written: %s", exc)


def _clock(path: Path) -> int:
    """The Lamport clock of a database file (0 when it cannot be read, e.g. damaged)."""
    try:
        conn = _ro_connect(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'lamport'").fetchone()
            return int(row[0]) if row and row[0] else 0
        finally:
            conn.close()
    except (sqlite3.Error, ValueError, TypeError):
        return 0


def new_identity(conn: sqlite3.Connection, db_path: Path, clock_floor: int = 0) -> str | None:
    """A restored database stamps its future changes under a new installation id, its clock past everything the
    replaced copy had seen and every stamp that left it (``changelog.rotate_origin`` says why); in one
    transaction of ``conn``."""
    from . import changelog

    floor = max([clock_floor, *sent_marks(db_path).values()])
    with conn:
        return changelog.rotate_origin(conn, clock_floor=floor)


def check_restored_copy(store) -> str | None:
    """On opening: a database file put back by hand — an app backup copied over it (it still carries the
    backup's stamp table), or an older copy whose own changes stop below what packages already carried away
    (``sent_marks``) — gets a new installation id before anything is stamped. Returns the new id, else None."""
    from . import changelog

    db = store.db
    if db.read_only:
        return None
    stamped = db.query_one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (STAMP_TABLE,))
    origin = changelog.get_meta(db, "installation_id")
    behind = False
    if origin is not None:
        marks = sent_marks(db.path)
        newest = db.query_one("SELECT COALESCE(MAX(lamport), 0) FROM change_log WHERE origin = ?", (origin,))[0]
        behind = marks.get(origin, 0) > int(newest)
    if not stamped and not behind:
        return None
    with db.transaction():
        if stamped:
            db.conn.execute(f"DROP TABLE {STAMP_TABLE}")
        new = changelog.rotate_origin(db.conn, clock_floor=max(sent_marks(db.path).values(), default=0))
    log.warning("database %s is a copy put back by hand (%s): new installation id %s", db.path,
                "backup stamp" if stamped else "older than the changes it sent", new)
    return new


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
    named = _NAME_RE.match(path.name) or _LEGACY_RE.match(path.name)
    entry = _entry(path, named.group("stem")) if named else None
    stamp = _read_stamp(path)
    created = (entry.created if entry else None) or _parse_time(stamp.get("created")) \
        or datetime.fromtimestamp(path.stat().st_mtime)
    changes = stamp.get("changes")
    return BackupInfo(path, created, entry.reason if entry else stamp.get("reason", ""), path.stat().st_size,
                      plans, tasks, version, seq=entry.seq if entry else int(stamp.get("seq") or 0),
                      changes=int(changes) if changes and changes.isdigit() else None)


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
    import shutil

    db_path, backup_path = Path(db_path), Path(backup_path)
    wait_for_backups()     # the start-up backup may still be copying this database
    validate_backup(backup_path)
    result = RestoreResult(backup_path)
    # the evidence files first (content-addressed, never overwriting a good one): an interruption after this
    # step leaves the old database with extra files, never the restored database without its files
    try:
        result.files_restored, result.missing_files = restore_files(
            referenced_files(backup_path), db_path.resolve().parent,
            [backup_path.resolve().parent / BLOB_DIR, backups_dir(db_path) / BLOB_DIR, backup_path.resolve().parent])
    except sqlite3.Error as exc:
        raise BackupError(f"Không đọc được bản sao lưu «{backup_path.name}»: {describe_error(exc, backup_path)}") \
            from exc
    for missing in result.missing_files:
        log.warning("restore: attachment %s", missing.describe())
    replaced_clock = _clock(db_path) if db_path.exists() else 0
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
        with atomic_path(db_path) as tmp:
            shutil.copyfile(backup_path, tmp)
            conn = sqlite3.connect(os.fspath(tmp))  # the stamp belongs to the backup, not to the live data
            try:
                conn.execute(f"DROP TABLE IF EXISTS {STAMP_TABLE}")
                conn.commit()
                # its peers may hold changes this copy no longer has: never stamp under the same id again
                result.new_origin = new_identity(conn, db_path, replaced_clock)
            finally:
                conn.close()
    except (SafeWriteError, OSError, sqlite3.Error) as exc:
        raise BackupError(f"Khôi phục thất bại, cơ sở dữ liệu chưa bị thay đổi: "
                          f"{exc if isinstance(exc, SafeWriteError) else describe_error(exc, db_path)}") from exc
    problem = check_file(db_path)
    if problem:  # cannot happen unless the disk lies; keep the evidence
        raise BackupError(f"Tệp sau khi khôi phục không đạt kiểm tra toàn vẹn: {problem}.")
    log.info("restored %s from %s (%d attachments copied back)", db_path, backup_path, result.files_restored)
    return result


# -- open with recovery --------------------------------------------------------------------------
def find_good_backup(db_path: str | os.PathLike) -> BackupInfo | None:
    """The newest backup by sequence that passes integrity_check and this app's schema version."""
    for info in list_backups(db_path):
        try:
            return validate_backup(info.path)
        except BackupError as exc:
            log.warning("backup %s unusable: %s", info.path.name, exc)
    return None


def _behind(known, backup: BackupInfo | None) -> int | None:
    if backup is None or backup.changes is None or not isinstance(known, int):
        return None
    return max(0, known - backup.changes)


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
    problem = _open_check(db_path)
    if problem is None:
        if _schema_version(db_path) < latest_version() and is_writable(db_path):
            make_backup(db_path, REASON_MIGRATION, dedupe=False)  # before Store.open() migrates it
        # a DatabaseError here (schema too new, file locked, …) is not a recovery case; the file was
        # checked just above, so the store does not run a second integrity_check (half the start, #18)
        store = Store(Database(db_path, check=False), actor)
        try:
            check_restored_copy(store)
        except BaseException:
            store.close()
            raise
        return store, None
    log.error("database %s damaged: %s", db_path, problem)
    candidate = find_good_backup(db_path)
    # how far the data had got: the damaged file's own change counter when it can still be read, else at least
    # the newest backup's (recorded in the index)
    from_file = _live_counter(db_path)
    from_index = _load_index(backups_dir(db_path)).get("last_changes")
    known = max([k for k in (from_file, from_index) if isinstance(k, int)], default=None)
    exact = bool(from_file)
    proposal = RecoveryInfo(db_path, problem, candidate, candidates=list_backups(db_path),
                            changes_behind=_behind(known, candidate), behind_exact=exact)
    if confirm is not None:
        if not confirm(proposal):
            raise DatabaseError(f"Cơ sở dữ liệu «{db_path.name}» bị hỏng ({problem}) và chưa được khôi phục.")
        candidate = proposal.backup  # the dialog may pick an older backup
    elif candidate is None and not allow_empty:
        raise DatabaseError(f"Cơ sở dữ liệu «{db_path.name}» bị hỏng ({problem}) và không có bản sao lưu "
                            "dùng được.")
    info = RecoveryInfo(db_path, problem, candidate, candidates=proposal.candidates,
                        changes_behind=_behind(known, candidate), behind_exact=exact)
    if candidate is not None:
        restored = restore_backup(db_path, candidate.path)
        info.damaged_copy = restored.set_aside or restored.safety_backup
        info.restore = restored
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
