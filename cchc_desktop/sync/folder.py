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

The folder stays small: each package carries its writer's acknowledgements (``holds``: for every origin, the
Lamport value up to which it holds all that origin's changes, raised only when a merge is committed), and a
package carries only the changes above the lowest acknowledgement of the installations whose files are in the
folder (a delta, with that base in its manifest) and the rows they touch. It is a full snapshot instead when no
other installation is known yet, or when one has not acknowledged anything of an origin we hold (a new
installation, an older app). A database restored from a backup stamps under a new id (``changelog.rotate_origin``;
here as a last resort when the peers acknowledge more of our own changes than we have): its package names the old
ids (``replaces``), whose packages then count for no reader, and it removes its own old package once it holds
what that carried. A reader that does not hold a delta's base does not merge it (nothing acknowledged, the file is
tried again); its own package tells the writer what it holds, so the writer's next package covers it.
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
META_PUBLISHED = "sync_published"     # {"state": what the last package was written from, "sha256": its hash}
META_PEERS = "sync_peers"             # {file name: {"origin", "holds"}} read from the other packages
META_AUTO = "sync_auto_apply"         # "0": merges wait for the user; anything else: applied automatically
_TEMP_RE = re.compile(r"(^\.|^~|\.tmp$|\.partial$|\.part$|\.crdownload$|\.!sync$)", re.I)
_CONFLICT_RE = re.compile(r"(conflicted copy|\.sync-conflict-|conflict)", re.I)


class SyncError(UserError):
    pass


@dataclass
class FileOutcome:
    name: str
    status: str                # merged / unchanged / incomplete / refused / waiting / needs_full
    detail: str = ""
    conflict_copy: bool = False


@dataclass
class SyncReport:
    published: str = ""
    files: list[FileOutcome] = field(default_factory=list)
    conflicts: list[FieldChange] = field(default_factory=list)
    lost: list[FieldChange] = field(default_factory=list)   # edits of rows deleted here: listed, not applied
    pending_deletions: int = 0
    inserted: int = 0
    updated: int = 0
    published_delta: bool = False         # the package written is a delta (else a full snapshot)
    published_changes: int = 0            # change-log entries it carries
    full_reason: str = ""                 # why it is a full snapshot

    @property
    def merged(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "merged"]

    def lines(self) -> list[str]:
        out = []
        if self.published:
            kind = (f"gói rút gọn, {self.published_changes} thay đổi các máy khác chưa xác nhận" if self.published_delta
                    else f"gói đầy đủ: {self.full_reason}" if self.full_reason else "gói đầy đủ")
            out.append(f"Đã ghi gói của máy này: «{self.published}» ({kind}).")
        labels = {"merged": "đã hợp nhất", "unchanged": "không có gì mới", "incomplete": "chưa chép xong, sẽ thử lại",
                  "refused": "bị từ chối", "waiting": "chờ bạn xem",
                  "needs_full": "chỉ có phần thay đổi mới mà máy này chưa có phần trước; chờ gói đầy đủ từ máy kia"}
        for f in self.files:
            extra = " (bản xung đột do phần mềm đồng bộ tạo)" if f.conflict_copy else ""
            out.append(f"«{f.name}»{extra}: {labels[f.status]}" + (f" — {f.detail}" if f.detail else ""))
        if self.conflicts:
            out.append(f"{len(self.conflicts)} xung đột: đã lấy giá trị theo thứ tự thay đổi, giá trị kia giữ trong "
                       "lịch sử.")
        if self.lost:
            from ..exchange.merge import TABLE_LABELS

            rows = sorted({f"{TABLE_LABELS.get(c.table, c.table)} «{c.label}»" for c in self.lost})
            out.append(f"{len(self.lost)} giá trị máy khác sửa trên dòng đã xóa ở máy này không được áp dụng "
                       f"({'; '.join(rows[:5])}{' …' if len(rows) > 5 else ''}); xem Trao đổi → Xung đột đã ghi "
                       "nhận…, các giá trị còn trong lịch sử.")
        if self.pending_deletions:
            out.append(f"{self.pending_deletions} dòng bị xóa ở máy khác chờ bạn xác nhận.")
        return out


def own_file_name(store: Store) -> str:
    from ..reports.common import slug

    plans = store.list_plans()
    unit = plans[0]["unit_name"] if plans else "cchc"
    from ..filenames import windows_safe_name

    # «Côn» → «con.1a2b3c4d.cchc» would be the device CON on Windows (any extension): made «_con.…»
    return windows_safe_name(f"{slug(unit) or 'cchc'}.{changelog.installation_id(store.db)[:8]}{SUFFIX}")


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


def _peers(store: Store) -> dict[str, dict]:
    try:
        value = json.loads(changelog.get_meta(store.db, META_PEERS) or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def peer_holds(store: Store, folder: Path) -> dict[str, dict[str, int]]:
    """{origin: acknowledgements} of the other installations whose package is in the folder now. When the sync
    engine left conflict copies beside an installation's file, its main file counts (the engines keep the newest
    version under the real name); several main files of one origin (a renamed unit): the lowest values."""
    own = changelog.installation_id(store.db)
    try:
        present = {p.name for p in folder.iterdir()}
    except OSError:
        present = set()
    known = {name: info for name, info in _peers(store).items() if name in present and isinstance(info, dict)}
    dead = set(changelog.previous_origins(store.db))      # ids a restored installation no longer stamps with
    for info in known.values():
        dead.update(str(v) for v in info.get("replaces") or [])
    files: dict[str, list[tuple[bool, dict]]] = {}
    for name, info in known.items():
        if info.get("origin") and info["origin"] != own and info["origin"] not in dead:
            holds = {str(k): int(v) for k, v in (info.get("holds") or {}).items()}
            files.setdefault(info["origin"], []).append((is_conflict_copy(name), holds))
    out = {}
    for origin, found in files.items():
        mains = [h for copy, h in found if not copy] or [h for _copy, h in found]
        keys = set().union(*mains)
        out[origin] = {k: min(h.get(k, 0) for h in mains) for k in keys}
    return out


def delta_base(store: Store, folder: Path) -> tuple[dict[str, int] | None, str]:
    """The base of our next package ({origin: lowest acknowledgement over the peers}) or (None, why a full
    snapshot is needed)."""
    from ..exchange.package import holds_vector, note_peers_hold_of_ours

    peers = peer_holds(store, folder)
    if not peers:
        return None, "chưa thấy máy nào khác trong thư mục"
    own = changelog.installation_id(store.db)
    if note_peers_hold_of_ours(store.db, max(peer.get(own, 0) for peer in peers.values()), _published_clock(store)):
        own = changelog.installation_id(store.db)         # an older copy: it stamps under a new id from now on
    ours = holds_vector(store.db)
    for peer in peers.values():
        if peer.get(own, 0) > ours.get(own, 0):
            return None, "máy khác đã có những thay đổi của máy này mà máy này không còn (khôi phục từ bản sao lưu cũ?)"
        if any(value > 0 and peer.get(origin, 0) <= 0 for origin, value in ours.items()):
            return None, "có máy chưa nhận đủ dữ liệu (máy mới tham gia hoặc phiên bản cũ)"
    keys = set(ours).union(*peers.values())
    return {k: min(peer.get(k, 0) for peer in peers.values()) for k in sorted(keys)}, ""


def _published_clock(store: Store) -> int:
    """The clock when our last package was written (every own change up to it had left this copy then)."""
    try:
        return int(json.loads(changelog.get_meta(store.db, META_PUBLISHED) or "{}")["state"]["lamport"])
    except (ValueError, TypeError, KeyError):
        return 0


@dataclass
class Published:
    name: str = ""                 # "" when nothing had to be written
    delta: bool = False
    changes: int = 0
    reason: str = ""


def publish(store: Store, folder: Path, *, force: bool = False, deltas: bool = True) -> str:
    """Write this installation's package into the folder when something changed since the last one."""
    return publish_package(store, folder, force=force, deltas=deltas).name


def publish_package(store: Store, folder: Path, *, force: bool = False, deltas: bool = True) -> Published:
    """Write our package: a delta over what every peer in the folder acknowledged, or a full snapshot (see the
    module notes). Skipped when neither our data, our acknowledgements nor the peers' changed and our file in the
    folder is the one we wrote (a database restored from a backup writes again)."""
    from ..exchange import export_package
    from ..exchange.package import holds_vector

    base, reason = delta_base(store, folder) if deltas else (None, "")
    name = own_file_name(store)
    state = {"lamport": changelog.get_meta(store.db, "lamport") or "0", "holds": holds_vector(store.db),
             "base": base}
    try:
        before = json.loads(changelog.get_meta(store.db, META_PUBLISHED) or "{}")
    except ValueError:
        before = {}
    target = folder / name
    if not force and isinstance(before, dict) and before.get("state") == state and target.is_file():
        try:
            if sha256_file(target) == before.get("sha256"):
                return Published()
        except OSError:
            pass
    result = export_package(store, target, sync=True, base=base)
    with store.transaction():
        changelog.set_meta(store.db, META_PUBLISHED, json.dumps({"state": state, "sha256": result.sha256},
                                                                sort_keys=True))
    mine = f".{changelog.installation_id(store.db)[:8]}{SUFFIX}"
    for old in folder.iterdir():                  # our file under an older name (the unit was renamed)
        if old.name != name and old.name.endswith(mine) and not is_conflict_copy(old.name):
            try:
                old.unlink()
            except OSError:
                pass
    return Published(name, base is not None, result.changes, reason)


def _retire(store: Store, folder: Path, peers: dict, seen: dict, remember) -> None:
    """Remove the packages this database left under an earlier id (before it was restored) once it holds every
    change of that id they carry: merged from the file itself, or sent again by the peers. Until then they are
    merged like any package (they may bring back what the restore lost); the peers stop counting them as a
    reader as soon as they see our package naming that id in ``replaces``."""
    from ..exchange.package import holds_vector

    previous = set(changelog.previous_origins(store.db))
    if not previous:
        return
    held = holds_vector(store.db)
    gone = False
    for name, info in list(peers.items()):
        origin = info.get("origin") if isinstance(info, dict) else None
        if origin not in previous or held.get(origin, 0) < int(info.get("newest") or 0):
            continue
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue
        peers.pop(name, None)
        seen.pop(name, None)
        gone = True
    if gone:
        remember(None, None)


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
              sizes: dict[str, tuple[int, float]] | None = None, settle: bool = False,
              deltas: bool = True) -> SyncReport:
    """One round: merge every complete package of the other installations, then write our own.

    Every package is checked whole (zip directory, every member's SHA-256) before anything is merged, so a file
    still being copied is refused as incomplete and tried again next round. A watcher also passes ``settle`` and
    keeps ``sizes`` between rounds: a file is then merged only once it looked the same in two rounds.
    ``auto_apply=False`` only previews (status "waiting"). A delta whose base we do not hold is not merged
    (status "needs_full", tried again next round). ``deltas=False`` writes a full snapshot (benchmark baseline)."""
    from ..exchange import ExchangeError, apply_merge, plan_merge, read_package
    from ..exchange.package import raise_holds

    path = check_folder(store, folder if folder is not None else (get_folder(store) or ""))
    sizes = {} if sizes is None else sizes
    report = SyncReport()
    own = own_file_name(store)
    origin = changelog.installation_id(store.db)
    seen = _seen(store)
    present = {p.name for p in path.iterdir()}
    peers = {name: info for name, info in _peers(store).items() if name in present}    # files gone: forgotten
    waiting_base: list[tuple[Path, str, object, bool]] = []     # deltas whose base we do not hold (yet)

    def remember(name: str, digest: str | None) -> None:
        if digest is not None:
            seen[name] = digest
        with store.transaction():
            changelog.set_meta(store.db, META_SEEN, json.dumps(seen, ensure_ascii=False, sort_keys=True))
            changelog.set_meta(store.db, META_PEERS, json.dumps(peers, ensure_ascii=False, sort_keys=True))

    def merge(name: str, digest: str, package, conflict_copy: bool) -> bool:
        """Plan and apply one package; False when it is a delta we cannot merge yet."""
        try:
            plan = plan_merge(store, package)
        except ExchangeError as exc:
            if exc.code == "base":
                return False
            report.files.append(FileOutcome(name, "refused", str(exc), conflict_copy))
            remember(name, None)
            return True
        if plan.is_empty:
            report.files.append(FileOutcome(name, "unchanged", "", conflict_copy))
            if package.holds is not None:                 # nothing to write: we hold all it brings
                with store.transaction():
                    raise_holds(store.db, package.holds)
        elif not auto_apply:
            report.files.append(FileOutcome(name, "waiting", plan.summary(), conflict_copy))
            remember(name, None)
            return True
        else:
            result = apply_merge(store, plan, confirm=False)     # acknowledges in the same transaction
            report.conflicts += plan.conflicts
            report.lost += plan.lost
            report.pending_deletions += result.pending_tombstones
            report.inserted += result.inserted
            report.updated += result.updated
            report.files.append(FileOutcome(name, "merged", plan.summary(), conflict_copy))
        remember(name, digest)
        return True

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
        if package.origin == origin:
            continue                          # an older file of this installation (e.g. before the unit was named)
        peers[name] = {"origin": package.origin, "holds": package.holds or {}, "replaces": package.replaces,
                       "newest": package.seen.get(package.origin, 0)}
        if not merge(name, digest, package, conflict_copy):
            waiting_base.append((entry, digest, package, conflict_copy))
            remember(name, None)
    progress = True
    while waiting_base and progress:      # a full package merged in this round may have brought the base
        progress = False
        for item in list(waiting_base):
            entry, digest, package, conflict_copy = item
            if merge(entry.name, digest, package, conflict_copy):
                waiting_base.remove(item)
                progress = True
    for entry, _digest, package, conflict_copy in waiting_base:
        report.files.append(FileOutcome(entry.name, "needs_full", "", conflict_copy))
    _retire(store, path, peers, seen, remember)
    published = publish_package(store, path, deltas=deltas)
    report.published = published.name
    report.published_delta, report.published_changes = published.delta, published.changes
    report.full_reason = published.reason
    return report
