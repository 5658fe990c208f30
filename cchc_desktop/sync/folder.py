"""A sync folder: a Windows share or a folder kept in sync by Syncthing / OneDrive / Google Drive.

Each installation writes only its own package there (``<unit>.<installation id>.cchc``, atomically) and reads the
others'. The folder never holds a database. A file is merged only when it is complete: names the sync engines use
while copying (".syncthing.*.tmp", "~…", ".partial", our own ".*.tmp") are ignored, a file whose size or time
changed since the previous look is left for the next round, and a package whose hashes do not match (half
copied) is skipped and tried again later. Conflict copies made by the engines ("… (conflicted copy …).cchc",
"….sync-conflict-….cchc") are packages like any other and are merged, never ignored.

Merging uses the exchange's preview rules: a round applies what merges without question (setting), lists the
field conflicts (the rule's winner applied, the other value kept in history) and leaves deletions waiting for the
user. What was merged is remembered by file hash in the database's local ``meta`` table, so an unchanged file is
not merged twice.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from .. import changelog
from ..errors import UserError
from ..safe_write import sha256_file
from ..store import Store

if TYPE_CHECKING:                        # the exchange (openpyxl …) loads when a round runs, not at start-up
    from ..exchange.merge import FieldChange

SUFFIX = ".cchc"
META_FOLDER = "sync_folder"
META_SEEN = "sync_seen"               # {file name: sha256 merged}
META_PUBLISHED = "sync_published"     # lamport of the last package written
META_AUTO = "sync_auto_apply"         # "0": merges wait for the user; anything else: applied automatically
_TEMP_RE = re.compile(r"(^\.|^~|\.tmp$|\.partial$|\.part$|\.crdownload$|\.!sync$)", re.I)
_CONFLICT_RE = re.compile(r"(conflicted copy|\.sync-conflict-|conflict)", re.I)


class SyncError(UserError):
    pass


@dataclass
class FileOutcome:
    name: str
    status: str                # merged / unchanged / incomplete / refused / waiting
    detail: str = ""
    conflict_copy: bool = False


@dataclass
class SyncReport:
    published: str = ""
    files: list[FileOutcome] = field(default_factory=list)
    conflicts: list[FieldChange] = field(default_factory=list)
    pending_deletions: int = 0
    inserted: int = 0
    updated: int = 0

    @property
    def merged(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "merged"]

    def lines(self) -> list[str]:
        out = [f"Đã ghi gói của máy này: «{self.published}»."] if self.published else []
        labels = {"merged": "đã hợp nhất", "unchanged": "không có gì mới", "incomplete": "chưa chép xong, sẽ thử lại",
                  "refused": "bị từ chối", "waiting": "chờ bạn xem"}
        for f in self.files:
            extra = " (bản xung đột do phần mềm đồng bộ tạo)" if f.conflict_copy else ""
            out.append(f"«{f.name}»{extra}: {labels[f.status]}" + (f" — {f.detail}" if f.detail else ""))
        if self.conflicts:
            out.append(f"{len(self.conflicts)} xung đột: đã lấy giá trị theo thứ tự thay đổi, giá trị kia giữ trong "
                       "lịch sử.")
        if self.pending_deletions:
            out.append(f"{self.pending_deletions} dòng bị xóa ở máy khác chờ bạn xác nhận.")
        return out


def own_file_name(store: Store) -> str:
    from ..reports.common import slug

    plans = store.list_plans()
    unit = plans[0]["unit_name"] if plans else "cchc"
    return f"{slug(unit) or 'cchc'}.{changelog.installation_id(store.db)[:8]}{SUFFIX}"


def is_candidate(name: str) -> bool:
    return name.lower().endswith(SUFFIX) and not _TEMP_RE.search(name)


def is_conflict_copy(name: str) -> bool:
    return bool(_CONFLICT_RE.search(name))


def check_folder(store: Store, folder: str | os.PathLike) -> Path:
    """The folder must exist and must not hold (or be inside the folder of) the database itself."""
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise SyncError(f"Không tìm thấy thư mục đồng bộ «{path}».")
    db_dir = Path(store.db.path).resolve().parent
    resolved = path.resolve()
    if resolved == db_dir or db_dir in resolved.parents or resolved in db_dir.parents:
        raise SyncError("Không dùng thư mục chứa cơ sở dữ liệu (hoặc thư mục cha, con của nó) làm thư mục đồng bộ: "
                        "phần mềm đồng bộ chép tệp cơ sở dữ liệu đang mở sẽ làm hỏng dữ liệu. Hãy chọn một thư mục "
                        "riêng.")
    return path


def set_folder(store: Store, folder: str | os.PathLike | None) -> None:
    with store.transaction():
        if folder is None:
            store.db.conn.execute("DELETE FROM meta WHERE key = ?", (META_FOLDER,))
        else:
            changelog.set_meta(store.db, META_FOLDER, str(check_folder(store, folder)))


def auto_apply(store: Store) -> bool:
    return changelog.get_meta(store.db, META_AUTO) != "0"


def set_auto_apply(store: Store, on: bool) -> None:
    with store.transaction():
        changelog.set_meta(store.db, META_AUTO, "1" if on else "0")


def get_folder(store: Store) -> Path | None:
    value = changelog.get_meta(store.db, META_FOLDER)
    return Path(value) if value else None


def _seen(store: Store) -> dict[str, str]:
    try:
        return json.loads(changelog.get_meta(store.db, META_SEEN) or "{}")
    except ValueError:
        return {}


def publish(store: Store, folder: Path, *, force: bool = False) -> str:
    """Write this installation's package into the folder when something changed since the last one."""
    from ..exchange import export_package

    lamport = changelog.get_meta(store.db, "lamport") or "0"
    name = own_file_name(store)
    if not force and changelog.get_meta(store.db, META_PUBLISHED) == lamport and (folder / name).is_file():
        return ""
    export_package(store, folder / name)
    with store.transaction():
        changelog.set_meta(store.db, META_PUBLISHED, lamport)
    mine = f".{changelog.installation_id(store.db)[:8]}{SUFFIX}"
    for old in folder.iterdir():                  # our file under an older name (the unit was renamed)
        if old.name != name and old.name.endswith(mine) and not is_conflict_copy(old.name):
            try:
                old.unlink()
            except OSError:
                pass
    return name


def _stable(path: Path, sizes: dict[str, tuple[int, float]]) -> bool:
    """True when the file's size and time are what the previous round saw (the engine is done with it)."""
    try:
        stat = path.stat()
    except OSError:
        return False
    now = (stat.st_size, stat.st_mtime)
    before = sizes.get(path.name)
    sizes[path.name] = now
    return before == now


def sync_once(store: Store, folder: str | os.PathLike | None = None, *, auto_apply: bool = True,
              sizes: dict[str, tuple[int, float]] | None = None, settle: bool = False) -> SyncReport:
    """One round: merge every complete package of the other installations, then write our own.

    Every package is checked whole (zip directory, every member's SHA-256) before anything is merged, so a file
    still being copied is refused as incomplete and tried again next round. A watcher also passes ``settle`` and
    keeps ``sizes`` between rounds: a file is then merged only once it looked the same in two rounds.
    ``auto_apply=False`` only previews (status "waiting")."""
    from ..exchange import ExchangeError, apply_merge, plan_merge, read_package

    path = check_folder(store, folder if folder is not None else (get_folder(store) or ""))
    sizes = {} if sizes is None else sizes
    report = SyncReport()
    own = own_file_name(store)
    seen = _seen(store)
    for entry in sorted(path.iterdir(), key=lambda p: p.name):
        name = entry.name
        if name == own or not entry.is_file() or not is_candidate(name):
            continue
        conflict_copy = is_conflict_copy(name)
        if settle and not _stable(entry, sizes):
            report.files.append(FileOutcome(name, "incomplete", "tệp đang được chép", conflict_copy))
            continue
        try:
            digest = sha256_file(entry)
        except OSError as exc:
            report.files.append(FileOutcome(name, "incomplete", exc.strerror or str(exc), conflict_copy))
            continue
        if seen.get(name) == digest:
            report.files.append(FileOutcome(name, "unchanged", "", conflict_copy))
            continue
        try:
            package = read_package(entry, local_schema=store.db.schema_version)
        except ExchangeError as exc:
            status = "refused" if exc.code in ("schema", "zip_slip", "zip_bomb", "too_big") else "incomplete"
            report.files.append(FileOutcome(name, status, str(exc), conflict_copy))
            continue
        if package.origin == changelog.installation_id(store.db):
            continue                          # an older file of this installation (e.g. before the unit was named)
        try:
            plan = plan_merge(store, package)
        except ExchangeError as exc:
            report.files.append(FileOutcome(name, "refused", str(exc), conflict_copy))
            continue
        if plan.is_empty:
            report.files.append(FileOutcome(name, "unchanged", "", conflict_copy))
        elif not auto_apply:
            report.files.append(FileOutcome(name, "waiting", plan.summary(), conflict_copy))
            continue
        else:
            result = apply_merge(store, plan, confirm=False)
            report.conflicts += plan.conflicts
            report.pending_deletions += result.pending_tombstones
            report.inserted += result.inserted
            report.updated += result.updated
            report.files.append(FileOutcome(name, "merged", plan.summary(), conflict_copy))
        seen[name] = digest
        with store.transaction():
            changelog.set_meta(store.db, META_SEEN, json.dumps(seen, ensure_ascii=False, sort_keys=True))
    report.published = publish(store, path)
    return report
