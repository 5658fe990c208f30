"""Full packages (.cchc): a zip with manifest.json, data/<table>.jsonl, changes.jsonl and
attachments/<sha256>, written atomically (USB-safe) and read back with every check done before
anything touches the database.

Package layout (format_version 1)::

    manifest.json       format, app/schema version, plan ids, created_at, unit, origin, lamport,
                        seen vector {origin: max lamport}, members {name: {sha256, size}};
                        sync-folder packages also: holds {origin: lamport} (this installation's
                        acknowledgements: it holds every change of that origin up to that Lamport value),
                        delta (true: only what the peers have not acknowledged) and base {origin: lamport}
                        (a delta holds every change above its base; the reader must hold the rest),
                        replaces [origin]: the writer's earlier ids (a restored database takes a new id)
    data/<table>.jsonl  one JSON object per row (every row table in scope, plus link tables)
    changes.jsonl       change_log entries (without seq), old/new values as stored JSON text
    attachments/<sha>   evidence files, named by their SHA-256
"""
from __future__ import annotations

import hashlib
import logging
import json
import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .. import APP_VERSION, changelog
from ..backup import note_sent
from ..db import Database
from ..safe_write import sha256_file
from ..store import Store
from . import schema
from .errors import ExchangeError
from .target_io import as_target_error, open_target, target_error_message

FORMAT = "cchc-package"
FORMAT_VERSION = 1
SUFFIX = ".cchc"

_MEMBER_RE = re.compile(r"^(manifest\.json|changes\.jsonl|data/[a-z][a-z0-9_]{0,62}\.jsonl|"
                        r"attachments/[0-9a-f]{64})$")


@dataclass(frozen=True)
class Limits:
    """Refuse absurd packages before extracting anything (zip bombs, huge files)."""

    max_file: int = 2 << 30          # the .cchc file itself
    max_members: int = 50_000
    max_member: int = 512 << 20      # one uncompressed member
    max_total: int = 1 << 30         # all members uncompressed
    max_ratio: int = 200             # uncompressed / compressed, for members above ratio_floor
    ratio_floor: int = 1 << 20


DEFAULT_LIMITS = Limits()

# Schema upgrades for packages written by an older app: {from_version: fn(table, row) -> (table, row)}.
# v1 -> v2 added the tracking tables and v2 -> v3 only local exchange tables, so rows map unchanged.
UPGRADES: dict[int, object] = {}


@dataclass
class ExportResult:
    path: Path
    sha256: str
    fingerprint: str
    rows: int
    changes: int
    attachments: int
    missing_attachments: list[str] = field(default_factory=list)


@dataclass
class Package:
    path: Path
    sha256: str
    manifest: dict
    tables: dict[str, list[dict]]
    changes: list[dict]
    attachments: dict[str, bytes]

    @property
    def origin(self) -> str:
        return self.manifest["origin"]

    @property
    def seen(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in (self.manifest.get("seen") or {}).items()}

    @property
    def unit_name(self) -> str:
        return str(self.manifest.get("unit_name") or "")

    @property
    def holds(self) -> dict[str, int] | None:
        """The writer's acknowledgements (sync-folder packages only; None for USB packages)."""
        value = self.manifest.get("holds")
        return None if value is None else {str(k): int(v) for k, v in value.items()}

    @property
    def is_delta(self) -> bool:
        return bool(self.manifest.get("delta"))

    @property
    def replaces(self) -> list[str]:
        """Earlier ids of the writer (it was restored from a copy and took a new id): their packages are dead."""
        return [str(v) for v in self.manifest.get("replaces") or []]

    @property
    def base(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in (self.manifest.get("base") or {}).items()}


# -- export ----------------------------------------------------------------------------------------
def seen_vector(db: Database) -> dict[str, int]:
    return {r[0]: int(r[1]) for r in db.query("SELECT origin, MAX(lamport) FROM change_log GROUP BY origin")}


META_HOLDS = changelog.META_HOLDS    # {origin: lamport}: every change of that origin up to it is held here


def holds_vector(db: Database) -> dict[str, int]:
    """What this installation acknowledges: for each origin, the Lamport value up to which it holds every change
    of that origin (in its log, or as a deletion waiting in exchange_tombstone). Raised only by a merge that was
    committed (``raise_holds``); for our own origin it is the newest change we made. A plain maximum of the log
    would not do: a plan-scoped USB package or a waiting deletion leaves holes below it."""
    try:
        stored = {str(k): int(v) for k, v in json.loads(changelog.get_meta(db, META_HOLDS) or "{}").items()}
    except (ValueError, TypeError, AttributeError):
        stored = {}
    origin = changelog.installation_id(db)
    stored[origin] = _own_newest(db, origin)
    return {k: v for k, v in stored.items() if v > 0}


def _own_newest(db: Database, origin: str) -> int:
    row = db.query_one("SELECT MAX(lamport) FROM change_log WHERE origin = ?", (origin,))
    return int(row[0] or 0) if row else 0


def note_peers_hold_of_ours(db: Database, peak: int, published: int = 0) -> bool:
    """The peers hold our own changes up to ``peak``. More than our log has: this database is an older copy
    put back without the app's restore (which gives a restored database a new id, see
    ``changelog.rotate_origin``) and without leaving a trace the app could see when opening it. From now on
    it stamps its changes under a new id, so they can never be taken for the lost ones; of the old id it
    acknowledges only what it had published (``published``, the clock when our last package was written), so
    the peers send the rest again (writes only then, in its own transaction). Returns True when it rotated."""
    origin = changelog.installation_id(db)
    newest = _own_newest(db, origin)
    if peak <= newest:
        return False
    with db.transaction():
        changelog.rotate_origin(db.conn, clock_floor=peak, held_upto=published)
    logging.getLogger(__name__).warning("database %s is an older copy (peers hold %s of %s, it has %s): new id",
                                        db.path, peak, origin, newest)
    return True


def raise_holds(db: Database, holds: dict[str, int]) -> None:
    """After a merge of a package whose base we held: we now hold what its writer held (call inside the
    transaction that wrote the merge, never before)."""
    origin = changelog.installation_id(db)
    current = holds_vector(db)
    current.pop(origin, None)
    for key, value in holds.items():
        if key != origin and int(value) > current.get(key, 0):
            current[key] = int(value)
    changelog.set_meta(db, META_HOLDS, json.dumps(current, sort_keys=True))


def missing_base(db: Database, package: "Package") -> dict[str, int]:
    """For a delta: {origin: base} the package leaves out and we do not hold (empty: safe to merge)."""
    if not package.is_delta:
        return {}
    held = holds_vector(db)
    return {o: b for o, b in package.base.items() if b > held.get(o, 0)}


def _delta_changes(db: Database, base: dict[str, int]) -> list[dict]:
    """Change-log entries above the base, per origin through the (origin, lamport) index, in log order."""
    entries = []
    for (origin,) in db.query("SELECT DISTINCT origin FROM change_log"):
        entries += [dict(r) for r in db.query("SELECT * FROM change_log WHERE origin = ? AND lamport > ?",
                                              (origin, base.get(origin, 0)))]
    entries.sort(key=lambda e: e["seq"])
    return entries


def _held_deletions(db: Database, base: dict[str, int] | None) -> list[dict]:
    """Deletions received from a peer that wait here (or were refused): we acknowledge them, so we pass them on
    like our log, and whoever has not decided about them yet lists them too."""
    if db.query_one("SELECT 1 FROM sqlite_master WHERE name = 'exchange_tombstone'") is None:
        return []
    out = []
    logged = None
    for r in db.query("SELECT origin, lamport, entry FROM exchange_tombstone WHERE state IN ('pending', 'rejected') "
                      "ORDER BY lamport, origin"):
        if base is not None and int(r[1]) <= base.get(r[0], 0):
            continue
        if logged is None:
            logged = {(o, int(lam)) for o, lam in db.query(
                "SELECT origin, lamport FROM change_log WHERE op = 'delete' AND field IS NULL")}
        if (r[0], int(r[1])) in logged:
            continue
        try:
            entry = json.loads(r[2])
        except ValueError:
            continue
        if isinstance(entry, dict):
            entry.pop("seq", None)
            out.append(entry)
    return out


def _delta_rows(db: Database, tables: dict[str, schema.TableInfo], changes: list[dict]
                ) -> tuple[dict[str, list[dict]], list[dict]]:
    """The current rows the changes touch (what a merge compares and inserts), the agency catalogue whole, and
    the agency links of every touched product."""
    touched: dict[str, set[str]] = {}
    for entry in changes:
        entity = "product" if entry["entity"] == "product_agency" else entry["entity"]
        touched.setdefault(entity, set()).add(entry["row_id"])
    rows: dict[str, list[dict]] = {}
    for name in tables:
        if name == "agency":
            rows[name] = [dict(r) for r in db.query("SELECT * FROM agency ORDER BY id")]
            continue
        ids = sorted(touched.get(name, ()))
        found = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            found += [dict(r) for r in db.query(
                f"SELECT * FROM {name} WHERE id IN ({','.join('?' for _ in chunk)})", tuple(chunk))]
        rows[name] = sorted(found, key=lambda r: r["id"])
    products = sorted(touched.get("product", ()))
    links = []
    for i in range(0, len(products), 500):
        chunk = products[i:i + 500]
        links += [dict(r) for r in db.query(
            f"SELECT * FROM product_agency WHERE product_id IN ({','.join('?' for _ in chunk)})", tuple(chunk))]
    links.sort(key=lambda r: (r["product_id"], r["role"], r["position"]))
    return rows, links


def _scope_ids(db: Database, tables: dict[str, schema.TableInfo], plan_ids: list[str] | None
               ) -> dict[str, list[dict]]:
    """Rows of every row table in scope: everything, or the given plans and what hangs under them."""
    rows: dict[str, list[dict]] = {}
    if plan_ids is None:
        for name in tables:
            rows[name] = [dict(r) for r in db.query(f"SELECT * FROM {name} ORDER BY id")]
        return rows
    in_scope: dict[str, set[str]] = {"plan": set(plan_ids)}
    reachable = {"plan"}
    changed = True
    while changed:  # tables hanging (transitively) under plan
        changed = False
        for info in tables.values():
            if info.name not in reachable and any(p in reachable for p in info.parents.values()):
                reachable.add(info.name)
                changed = True
    for name, info in tables.items():
        if name == "plan":
            marks = ",".join("?" for _ in plan_ids)
            found = [dict(r) for r in db.query(f"SELECT * FROM plan WHERE id IN ({marks}) ORDER BY id",
                                               tuple(plan_ids))]
        elif name in reachable:
            found = []
            for row in db.query(f"SELECT * FROM {name} ORDER BY id"):
                row = dict(row)
                if any(row.get(col) in in_scope.get(parent, ()) for col, parent in info.parents.items()):
                    found.append(row)
        else:  # catalogue tables (agency): always whole
            found = [dict(r) for r in db.query(f"SELECT * FROM {name} ORDER BY id")]
        rows[name] = found
        in_scope[name] = {r["id"] for r in found}
    return rows


def _scope_changes(db: Database, tables, rows: dict[str, list[dict]], plan_ids) -> list[dict]:
    entries = [dict(r) for r in db.query("SELECT * FROM change_log ORDER BY seq")]
    if plan_ids is None:
        return entries
    ids = {r["id"] for table_rows in rows.values() for r in table_rows}
    catalogue = {name for name, info in tables.items()
                 if rows.get(name) is not None and name not in ("plan",) and not info.parents}
    catalogue |= {"agency_alias"}
    # Deleted rows: in scope when their parent (from the logged old row) is, transitively.
    deleted = {e["row_id"]: e for e in entries if e["op"] == "delete" and e["field"] is None}
    grown = True
    while grown:
        grown = False
        for row_id, entry in deleted.items():
            if row_id in ids or entry["entity"] not in tables:
                continue
            old = json.loads(entry["old_value"] or "{}")
            if any(old.get(col) in ids for col in tables[entry["entity"]].parents):
                ids.add(row_id)
                grown = True
    return [e for e in entries if e["row_id"] in ids or e["entity"] in catalogue]


def _attachment_file(db_path: Path, row: dict) -> Path:
    """Evidence files: file_path is relative to the database folder (see tracking/evidence.py)."""
    stored = Path(*(row.get("file_path") or "").split("/"))
    return stored if stored.is_absolute() else Path(db_path).resolve().parent / stored


def export_package(store: Store, target: str | os.PathLike, *, plan_ids: list[str] | None = None,
                   since_peer: str | None = None, unit_name: str = "", progress=None, sync: bool = False,
                   base: dict[str, int] | None = None) -> ExportResult:
    """Write a .cchc package atomically (temp file, fsync, hash check, rename). Raises ExchangeError.

    Default (USB, unknown receivers): a full package. ``sync``: a sync-folder package, which also carries our
    acknowledgements (``holds``) and the deletions we hold without having applied them; with a ``base``
    {origin: lamport} it is a delta: only the changes above the base and the rows they touch (the receivers
    acknowledged the rest). A delta is always of the whole database (no plan scope)."""
    db = store.db
    target = Path(target)
    tables = schema.row_tables(db)
    if base is not None:
        sync, plan_ids, since_peer = True, None, None
        changes = _delta_changes(db, base)
        rows, product_links = _delta_rows(db, tables, changes)
    else:
        rows = _scope_ids(db, tables, plan_ids)
        product_ids = {r["id"] for r in rows.get("product", [])}
        product_links = [dict(r) for r in db.query("SELECT * FROM product_agency ORDER BY product_id, role, position")
                         if plan_ids is None or r["product_id"] in product_ids]
        changes = _scope_changes(db, tables, rows, plan_ids)
    links = {
        "product_agency": product_links,
        "agency_alias": [dict(r) for r in db.query("SELECT * FROM agency_alias ORDER BY match_key")],
    }
    if sync:
        plan_ids = since_peer = None
        changes += _held_deletions(db, base)
    if since_peer:
        peer = db.query_one("SELECT seen FROM exchange_peer WHERE origin = ?", (since_peer,))
        known = {k: int(v) for k, v in json.loads(peer[0]).items()} if peer else {}
        changes = [e for e in changes if e["lamport"] > known.get(e["origin"], 0)]
    for entry in changes:
        entry.pop("seq", None)

    members: dict[str, bytes] = {}
    for name, table_rows in {**rows, **links}.items():
        members[f"data/{name}.jsonl"] = "".join(
            json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in table_rows).encode("utf-8")
    members["changes.jsonl"] = "".join(
        json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in changes).encode("utf-8")

    attachments: dict[str, Path] = {}
    missing = []
    for row in rows.get("evidence", []):
        digest = (row.get("file_sha256") or "").lower()
        if not digest or digest in attachments:
            continue
        source = _attachment_file(db.path, row)
        if source.is_file() and sha256_file(source) == digest:
            attachments[digest] = source
        else:
            missing.append(row.get("file_name") or str(source.name))

    origin = changelog.installation_id(db)
    fingerprint = changelog.new_id()
    plan_units = [r["unit_name"] for r in rows.get("plan", [])]
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": APP_VERSION,
        "schema_version": db.schema_version, "fingerprint": fingerprint,
        "plan_ids": sorted(r["id"] for r in rows.get("plan", [])), "scope": "all" if plan_ids is None else "plans",
        "created_at": changelog.now_iso(), "unit_name": unit_name or (plan_units[0] if plan_units else ""),
        "origin": origin, "lamport": int((db.query_one("SELECT value FROM meta WHERE key='lamport'") or [0])[0]),
        "seen": seen_vector(db), "since_peer": since_peer or "", "missing_attachments": missing,
        "members": {},
    }
    if sync:
        manifest.update(holds=holds_vector(db), delta=base is not None, base=dict(base or {}),
                        replaces=changelog.previous_origins(db))
    for name, data in members.items():
        manifest["members"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    for digest, source in attachments.items():
        manifest["members"][f"attachments/{digest}"] = {"sha256": digest, "size": source.stat().st_size}

    total = len(members) + len(attachments) + 1
    done = 0
    try:
        with open_target(target) as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                for name, data in members.items():
                    zf.writestr(name, data)
                    done += 1
                    if progress:
                        progress(done, total)
                for digest, source in attachments.items():
                    zf.write(source, f"attachments/{digest}")
                    done += 1
                    if progress:
                        progress(done, total)
                zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    except OSError as exc:     # reading an attachment (the target's own errors are TargetWriteError)
        raise as_target_error(exc, exc.filename or target) from exc
    if progress:
        progress(total, total)
    try:
        digest = sha256_file(target)
    except OSError as exc:
        raise as_target_error(exc, target) from exc
    note_sent(db.path, origin, _own_newest(db, origin))      # our stamps up to here have left this database
    if db.query_one("SELECT 1 FROM sqlite_master WHERE name = 'exchange_export'") is None:
        return ExportResult(target, digest, fingerprint, sum(len(v) for v in rows.values()), len(changes),
                            len(attachments), missing)   # database of an older schema (read-only use)
    with store.transaction():
        db.conn.execute(
            "INSERT INTO exchange_export(fingerprint, kind, plan_id, file_name, sha256, lamport, created_at)"
            " VALUES (?, 'package', ?, ?, ?, ?, ?)",
            (fingerprint, ",".join(manifest["plan_ids"]), target.name, digest, manifest["lamport"],
             manifest["created_at"]))
    return ExportResult(target, digest, fingerprint, sum(len(v) for v in rows.values()), len(changes),
                        len(attachments), missing)


# -- reading and checking ------------------------------------------------------------------------
def _safe_name(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return False
    parts = name.split("/")
    return ".." not in parts and posixpath.normpath(name) == name


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read at most the declared size; a member that inflates beyond it is a bomb."""
    try:
        with zf.open(info) as handle:
            data = handle.read(min(info.file_size, limit) + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise ExchangeError(f"Gói dữ liệu bị hỏng (không giải nén được «{info.filename}»): {exc}",
                            code="corrupt") from exc
    if len(data) > info.file_size or len(data) > limit:
        raise ExchangeError("Gói dữ liệu có kích thước giải nén bất thường (nghi ngờ «bom nén»); đã từ chối.",
                            code="zip_bomb")
    return data


def read_package(path: str | os.PathLike, *, local_schema: int | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Package:
    """Open and fully check a .cchc package in memory. Raises ExchangeError; writes nothing."""
    try:
        return _read_package(Path(path), local_schema, limits)
    except ExchangeError as exc:
        raise naming_file(exc, Path(path)) from exc.__cause__
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file does, the user gets a message
        logging.getLogger(__name__).exception("unreadable package %s", path)
        raise ExchangeError(f"Tệp «{Path(path).name}» không phải là gói dữ liệu CCHC hợp lệ hoặc đã bị hỏng.",
                            code="corrupt") from exc


def naming_file(exc: ExchangeError, path: Path) -> ExchangeError:
    """The refusal with the file it is about named first (a user importing several files from a stick must know
    which one was refused); unchanged when the message already names it."""
    if path.name in exc.message:
        return exc
    message = exc.message[:1].lower() + exc.message[1:]
    return ExchangeError(f"Tệp «{path.name}»: {message}", code=exc.code)


def _read_package(path: Path, local_schema: int | None, limits: Limits) -> Package:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExchangeError(target_error_message(exc, path, reading=True), code="io") from exc
    if size > limits.max_file:
        raise ExchangeError(f"Tệp «{path.name}» quá lớn ({size // (1 << 20)} MB) để là gói dữ liệu CCHC.",
                            code="too_big")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError, EOFError, zlib.error) as exc:
        raise ExchangeError(f"Tệp «{path.name}» không phải là gói dữ liệu CCHC hợp lệ hoặc đã bị hỏng "
                            f"(không mở được tệp nén).", code="corrupt") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise ExchangeError("Gói dữ liệu có quá nhiều tệp thành phần; đã từ chối.", code="zip_bomb")
        names = set()
        total = 0
        for info in infos:
            if not _safe_name(info.filename) or info.is_dir() or info.filename in names:
                raise ExchangeError(
                    f"Gói dữ liệu chứa đường dẫn không an toàn «{info.filename}» (có thể nhằm ghi đè tệp "
                    f"ngoài thư mục dữ liệu); đã từ chối.", code="zip_slip")
            if not _MEMBER_RE.match(info.filename):
                raise ExchangeError(f"Gói dữ liệu chứa tệp lạ «{info.filename}»; đã từ chối.", code="tampered")
            names.add(info.filename)
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.max_member or total > limits.max_total or (
                    info.file_size > limits.ratio_floor and ratio > limits.max_ratio):
                raise ExchangeError(
                    "Gói dữ liệu có kích thước giải nén bất thường (nghi ngờ «bom nén»); đã từ chối.",
                    code="zip_bomb")
        if "manifest.json" not in names:
            raise ExchangeError("Gói dữ liệu thiếu tệp mô tả (manifest.json); không phải gói CCHC hợp lệ.",
                                code="corrupt")
        try:
            manifest = json.loads(_read_member(zf, zf.getinfo("manifest.json"), limits.max_member))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ExchangeError("Tệp mô tả của gói dữ liệu bị hỏng.", code="corrupt") from exc
        _check_manifest(manifest, local_schema)
        declared = manifest["members"]
        if set(declared) != names - {"manifest.json"}:
            extra = sorted((names - {"manifest.json"}) ^ set(declared))
            raise ExchangeError(f"Gói dữ liệu đã bị sửa đổi: danh sách tệp không khớp với tệp mô tả "
                                f"({', '.join(extra[:3])}).", code="tampered")
        contents: dict[str, bytes] = {}
        for name in sorted(declared):
            info = zf.getinfo(name)
            data = _read_member(zf, info, limits.max_member)
            if hashlib.sha256(data).hexdigest() != str(declared[name].get("sha256", "")).lower():
                raise ExchangeError(f"Gói dữ liệu đã bị sửa đổi hoặc hỏng: mã băm SHA-256 của «{name}» "
                                    f"không khớp; đã từ chối.", code="tampered")
            contents[name] = data
    package_hash = sha256_file(path)
    tables: dict[str, list[dict]] = {}
    changes: list[dict] = []
    try:
        for name, data in contents.items():
            if name.startswith("data/"):
                tables[name[5:-6]] = [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
            elif name == "changes.jsonl":
                changes = [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExchangeError("Dữ liệu trong gói bị hỏng (không đọc được JSON).", code="corrupt") from exc
    _check_rows(tables, changes)
    attachments = {name[12:]: data for name, data in contents.items() if name.startswith("attachments/")}
    return Package(path, package_hash, manifest, tables, changes, attachments)


def _check_manifest(manifest, local_schema: int | None) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ExchangeError("Tệp này không phải là gói dữ liệu CCHC.", code="corrupt")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ExchangeError(f"Gói dữ liệu dùng định dạng phiên bản {manifest.get('format_version')}, "
                            f"ứng dụng này chỉ đọc được phiên bản {FORMAT_VERSION}. Hãy cập nhật ứng dụng.",
                            code="schema")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ExchangeError("Tệp mô tả của gói dữ liệu thiếu phiên bản lược đồ.", code="corrupt")
    if local_schema is not None and version > local_schema:
        raise ExchangeError(f"Gói dữ liệu được tạo bởi phiên bản mới hơn của ứng dụng (lược đồ {version}, "
                            f"máy này hỗ trợ đến {local_schema}). Hãy cập nhật ứng dụng rồi nhập lại.",
                            code="schema")
    if not isinstance(manifest.get("members"), dict) or not isinstance(manifest.get("origin"), str) \
            or not manifest["origin"]:
        raise ExchangeError("Tệp mô tả của gói dữ liệu không đầy đủ.", code="corrupt")
    for key in ("seen", "holds", "base"):
        vector = manifest.get(key, {})
        if not isinstance(vector, dict) or not all(isinstance(v, int) for v in vector.values()):
            raise ExchangeError("Tệp mô tả của gói dữ liệu không đầy đủ.", code="corrupt")
    replaces = manifest.get("replaces", [])
    if not isinstance(replaces, list) or not all(isinstance(v, str) for v in replaces):
        raise ExchangeError("Tệp mô tả của gói dữ liệu không đầy đủ.", code="corrupt")
    if not isinstance(manifest.get("delta", False), bool):
        raise ExchangeError("Tệp mô tả của gói dữ liệu không đầy đủ.", code="corrupt")


def _check_rows(tables: dict[str, list[dict]], changes: list[dict]) -> None:
    for name, rows in tables.items():
        for row in rows:
            if not isinstance(row, dict):
                raise ExchangeError(f"Dữ liệu bảng «{name}» trong gói bị hỏng.", code="corrupt")
            for value in row.values():
                if not (value is None or isinstance(value, (str, int, float))):
                    raise ExchangeError(f"Dữ liệu bảng «{name}» trong gói bị hỏng.", code="corrupt")
            if name not in schema.LINK_TABLES and not isinstance(row.get("id"), str):
                raise ExchangeError(f"Dữ liệu bảng «{name}» trong gói thiếu mã dòng.", code="corrupt")
    for entry in changes:
        if not isinstance(entry, dict) or not isinstance(entry.get("lamport"), int) \
                or not isinstance(entry.get("origin"), str) or entry.get("op") not in ("insert", "update", "delete") \
                or not isinstance(entry.get("entity"), str) or not isinstance(entry.get("row_id"), str):
            raise ExchangeError("Nhật ký thay đổi trong gói bị hỏng.", code="corrupt")


def upgrade_tables(package: Package, db: Database) -> dict[str, list[dict]]:
    """Map the package's rows onto the local schema (older packages: upgrade hooks, defaults).

    Raises ExchangeError when a table or a column does not map."""
    tables = {name: [dict(r) for r in rows] for name, rows in package.tables.items()}
    version = package.manifest["schema_version"]
    local = db.schema_version
    while version < local:
        hook = UPGRADES.get(version)
        if hook:
            upgraded: dict[str, list[dict]] = {}
            for name, rows in tables.items():
                for row in rows:
                    new_name, new_row = hook(name, row)
                    if new_name:
                        upgraded.setdefault(new_name, []).append(new_row)
            tables = upgraded
        version += 1
    known = set(schema.table_names(db))
    for name, rows in tables.items():
        if name not in known:
            raise ExchangeError(f"Gói dữ liệu chứa bảng «{name}» mà ứng dụng này không biết; không thể nhập.",
                                code="schema")
        info = schema.table_info(db, name)
        for row in rows:
            unknown = set(row) - set(info.columns)
            if unknown:
                raise ExchangeError(f"Gói dữ liệu có trường lạ {sorted(unknown)} trong bảng «{name}»; "
                                    f"không khớp với cơ sở dữ liệu này.", code="schema")
            missing = info.required - set(row)
            if missing:
                raise ExchangeError(f"Gói dữ liệu thiếu trường bắt buộc {sorted(missing)} trong bảng «{name}».",
                                    code="schema")
    return tables


def attachment_bytes(package: Package, digest: str) -> bytes | None:
    return package.attachments.get(digest)


__all__ = ["ExportResult", "Limits", "Package", "SUFFIX", "export_package", "holds_vector", "missing_base",
           "naming_file", "raise_holds", "read_package", "seen_vector", "upgrade_tables"]
