"""Merge a checked package into the local database by stable UUIDs and the change log.

Rules (never wall clocks):

* A row we do not have is inserted (unless our log says we deleted it).
* A field is taken from the package when the package brings change-log entries for it whose highest
  (lamport, origin) beats the highest local entry for that field (an insert entry counts for every
  field of its row). Both sides end with the union of the logs, so A→B then B→A converges.
* When both sides changed the same field since the peer last heard from us (the manifest's "seen"
  vector), the field is listed as a conflict; the stamp winner is the default and the user may keep
  the other value, which is then written as a new local change (so it wins everywhere next time).
* Deletions arrive as tombstones and are applied only when the user confirms them; the others wait in
  exchange_tombstone.
* A row the peer created independently for the same natural key (UNIQUE columns, e.g. the same agency
  name, the same product + period status) is mapped onto ours (exchange_id_map), not duplicated.
* Lead/coordinating agencies of a product are merged as one value per (product, role).
* Afterwards the local Lamport clock is advanced past everything seen.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import changelog
from ..backup import REASON_MERGE, backup_before_change
from ..safe_write import SafeWriteError, atomic_write_bytes, sha256_file
from ..store import Store
from . import schema
from .errors import ExchangeError
from .package import Package, upgrade_tables

Stamp = tuple
ZERO: Stamp = (0, "")

TABLE_LABELS = {
    "plan": "Kế hoạch", "section": "Phần", "task": "Nhiệm vụ", "product": "Sản phẩm", "agency": "Cơ quan",
    "product_status": "Tiến độ", "evidence": "Văn bản minh chứng", "target": "Chỉ tiêu",
    "target_actual": "Kết quả chỉ tiêu", "tracking_settings": "Cài đặt báo cáo",
    "product_agency": "Cơ quan thực hiện",
}
FIELD_LABELS = {
    "unit_name": "Tên đơn vị", "title": "Tiêu đề", "content": "Nội dung", "description": "Sản phẩm",
    "deadline_text": "Thời hạn", "name": "Tên", "status": "Trạng thái", "percent": "Tỷ lệ hoàn thành (%)",
    "completed_on": "Ngày hoàn thành", "result": "Kết quả", "reason": "Lý do", "notes": "Ghi chú",
    "doc_number": "Số/ký hiệu", "issued_on": "Ngày ban hành", "summary": "Trích yếu", "position": "Thứ tự",
    "lead": "Cơ quan chủ trì", "coord": "Cơ quan phối hợp", "actual_value": "Giá trị thực hiện",
    "target_value": "Giá trị chỉ tiêu", "doc_date": "Ngày ban hành", "file_name": "Tệp đính kèm",
}


def _stamp(entry: dict) -> Stamp:
    return (int(entry["lamport"]), str(entry["origin"]))


def _key(entry: dict) -> tuple:
    return (str(entry["origin"]), int(entry["lamport"]), str(entry["entity"]))


@dataclass
class FieldChange:
    table: str
    row_id: str
    field: str
    old: object
    new: object
    conflict: bool = False
    winner: str = "remote"      # who wins by (lamport, origin): "remote" or "local"
    label: str = ""

    @property
    def key(self) -> tuple:
        return (self.table, self.row_id, self.field)

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


@dataclass
class RowInsert:
    table: str
    row: dict
    label: str = ""


@dataclass
class LinkChange:
    product_id: str
    role: str
    rows: list[dict]
    old_names: list[str]
    new_names: list[str]
    label: str = ""


@dataclass
class Tombstone:
    table: str
    row_id: str
    entry: dict
    label: str = ""
    edited_here: bool = False   # we changed this row since the peer last heard from us


@dataclass
class MergePlan:
    package: Package
    new_entries: list[dict]
    inserts: list[RowInsert] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    links: list[LinkChange] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)
    tombstones: list[Tombstone] = field(default_factory=list)
    new_id_map: dict[str, tuple[str, str]] = field(default_factory=dict)   # remote -> (entity, local)
    notes: list[str] = field(default_factory=list)
    max_lamport: int = 0

    @property
    def conflicts(self) -> list[FieldChange]:
        return [c for c in self.changes if c.conflict]

    @property
    def is_empty(self) -> bool:
        return not (self.new_entries or self.inserts or self.changes or self.links or self.aliases
                    or self.tombstones or self.new_id_map)

    def summary(self) -> str:
        return (f"{len(self.inserts)} dòng mới, {len(self.changes)} trường thay đổi "
                f"({len(self.conflicts)} xung đột), {len(self.tombstones)} dòng bị xóa ở máy kia chờ xác nhận")


@dataclass
class MergeResult:
    inserted: int = 0
    updated: int = 0
    links: int = 0
    deleted: int = 0
    pending_tombstones: int = 0
    overridden: int = 0
    attachments: int = 0
    notes: list[str] = field(default_factory=list)


class _LocalLog:
    """Per-field highest stamps of the local change log."""

    def __init__(self, store: Store, peer_seen: dict[str, int]):
        self.keys: set[tuple] = set()
        self.fields: dict[tuple, Stamp] = {}
        self.inserts: dict[tuple, Stamp] = {}
        self.deletes: dict[tuple, Stamp] = {}
        self.unseen: set[tuple] = set()        # (entity, row, field) changed here, unknown to the peer
        self.unseen_rows: set[tuple] = set()
        for r in store.db.query("SELECT origin, lamport, entity, row_id, op, field FROM change_log"):
            entry = dict(r)
            self.keys.add(_key(entry))
            self.add(entry)
            if entry["lamport"] > peer_seen.get(entry["origin"], 0):
                self.unseen.add((entry["entity"], entry["row_id"], entry["field"]))
                self.unseen_rows.add((entry["entity"], entry["row_id"]))

    def add(self, entry: dict) -> None:
        add_stamp(self, entry)

    def field_stamp(self, entity: str, row_id: str, name: str) -> Stamp:
        return max(self.fields.get((entity, row_id, name), ZERO), self.inserts.get((entity, row_id), ZERO))


def add_stamp(index, entry: dict) -> None:
    stamp = _stamp(entry)
    row = (entry["entity"], entry["row_id"])
    if entry["op"] == "insert" and entry.get("field") is None:
        index.inserts[row] = max(index.inserts.get(row, ZERO), stamp)
    elif entry["op"] == "delete" and entry.get("field") is None:
        index.deletes[row] = max(index.deletes.get(row, ZERO), stamp)
    else:
        key = row + (entry.get("field"),)
        index.fields[key] = max(index.fields.get(key, ZERO), stamp)


class _RemoteLog:
    def __init__(self):
        self.fields: dict[tuple, Stamp] = {}
        self.inserts: dict[tuple, Stamp] = {}
        self.deletes: dict[tuple, Stamp] = {}

    def field_stamp(self, entity: str, row_id: str, name: str) -> Stamp | None:
        found = max(self.fields.get((entity, row_id, name), ZERO), self.inserts.get((entity, row_id), ZERO))
        return None if found == ZERO else found

    def row_stamp(self, entity: str, row_id: str) -> Stamp:
        stamps = [s for (e, r, _f), s in self.fields.items() if e == entity and r == row_id]
        stamps.append(self.inserts.get((entity, row_id), ZERO))
        return max(stamps)


def describe(store: Store, table: str, row: dict | None) -> str:
    """Short human label of a row for previews."""
    if not row:
        return ""
    db = store.db
    if table == "product":
        return _short(row.get("description"))
    if table in ("product_status", "evidence"):
        product = db.query_one("SELECT description FROM product WHERE id = ?", (row.get("product_id"),))
        extra = f" — {row.get('doc_number')}" if table == "evidence" and row.get("doc_number") else ""
        return f"{_short(product[0]) if product else '?'} [{row.get('period_key', '')}]{extra}"
    for key in ("content", "title", "name", "unit_name", "description"):
        if row.get(key):
            return _short(row[key])
    return row.get("id", "")


def _short(text, width: int = 80) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _safe_relative(value: str) -> bool:
    """An evidence file_path from a package must stay inside <db folder>/attachments."""
    if not value or "\\" in value or value.startswith("/") or ":" in value:
        return False
    parts = PurePosixPath(value).parts
    return len(parts) >= 2 and parts[0] == "attachments" and ".." not in parts and "." not in parts


def plan_merge(store: Store, package: Package) -> MergePlan:
    """Work out what the package would change. Read-only; raises ExchangeError when it does not map."""
    db = store.db
    if package.manifest["schema_version"] > db.schema_version:
        raise ExchangeError("Gói dữ liệu được tạo bởi phiên bản mới hơn của ứng dụng. Hãy cập nhật ứng dụng.",
                            code="schema")
    tables = upgrade_tables(package, db)
    infos = schema.row_tables(db)
    local_origin = db.query_one("SELECT value FROM meta WHERE key = 'installation_id'")
    if local_origin and local_origin[0] == package.origin:
        raise ExchangeError("Gói dữ liệu này được xuất từ chính máy này; không cần nhập lại.", code="self")
    local = _LocalLog(store, package.seen)
    id_map = {r["remote_id"]: r["local_id"] for r in db.query("SELECT remote_id, local_id FROM exchange_id_map")}

    plan = MergePlan(package, [])
    max_lamport = int(package.manifest.get("lamport") or 0)

    def remap(info: schema.TableInfo, row: dict) -> dict:
        row = dict(row)
        row["id"] = id_map.get(row["id"], row["id"])
        for col in info.parents:
            if row.get(col) is not None:
                row[col] = id_map.get(row[col], row[col])
        return row

    # Pass 1: map rows the peer created for one of our natural keys (parents first).
    remote_rows: dict[str, list[dict]] = {}
    for name, info in infos.items():
        mapped_rows = []
        for raw in tables.get(name, []):
            row = remap(info, raw)
            if db.query_one(f"SELECT 1 FROM {name} WHERE id = ?", (row["id"],)) is None:
                for key in info.unique_keys:
                    if any(row.get(c) is None for c in key):
                        continue
                    where = " AND ".join(f"{c} = ?" for c in key)
                    hit = db.query_one(f"SELECT id FROM {name} WHERE {where}", tuple(row[c] for c in key))
                    if hit:
                        id_map[raw["id"]] = hit[0]
                        plan.new_id_map[raw["id"]] = (name, hit[0])
                        row["id"] = hit[0]
                        break
            mapped_rows.append(row)
        remote_rows[name] = mapped_rows

    # New log entries (not already here), row ids mapped.
    remote = _RemoteLog()
    for entry in package.changes:
        max_lamport = max(max_lamport, int(entry["lamport"]))
        if _key(entry) in local.keys:
            continue
        entry = dict(entry)
        entry["row_id"] = id_map.get(entry["row_id"], entry["row_id"])
        plan.new_entries.append(entry)
        add_stamp(remote, entry)
    plan.max_lamport = max_lamport

    # Pass 2: inserts and field changes.
    present: dict[str, set[str]] = {}
    for name, info in infos.items():
        present[name] = set()
        for row in remote_rows[name]:
            current = db.query_one(f"SELECT * FROM {name} WHERE id = ?", (row["id"],))
            if current is None:
                if (name, row["id"]) in local.deletes:
                    if remote.row_stamp(name, row["id"]) > local.deletes[(name, row["id"])]:
                        plan.notes.append(f"{TABLE_LABELS.get(name, name)} «{describe(store, name, row)}» đã bị "
                                          f"xóa ở máy này nhưng được sửa ở máy kia sau đó; giữ nguyên việc xóa.")
                    continue
                missing_parent = [c for c, p in info.parents.items() if row.get(c) is not None
                                  and db.query_one(f"SELECT 1 FROM {p} WHERE id = ?", (row[c],)) is None
                                  and row[c] not in present.get(p, set())]
                if missing_parent:
                    plan.notes.append(f"Bỏ qua {TABLE_LABELS.get(name, name).lower()} «{describe(store, name, row)}»: "
                                      f"dòng cha không còn ở máy này.")
                    continue
                if name == "evidence":
                    _sanitise_attachment(row)
                plan.inserts.append(RowInsert(name, row, describe(store, name, row)))
                present[name].add(row["id"])
                continue
            current = dict(current)
            present[name].add(row["id"])
            for column in info.data_columns:
                if column not in row or row[column] == current[column]:
                    continue
                remote_stamp = remote.field_stamp(name, row["id"], column)
                if remote_stamp is None:
                    continue        # nothing new from the peer: our value is the newer one
                local_stamp = local.field_stamp(name, row["id"], column)
                winner = "remote" if remote_stamp > local_stamp else "local"
                conflict = (name, row["id"], column) in local.unseen
                if winner == "local" and not conflict:
                    continue
                new_value = row[column]
                if name == "evidence" and column == "file_path" and not _safe_relative(str(new_value)):
                    continue
                plan.changes.append(FieldChange(name, row["id"], column, current[column], new_value, conflict,
                                                winner, describe(store, name, current)))

    _plan_links(store, plan, tables, remote, local, id_map, present)
    _plan_aliases(store, plan, tables, id_map, present)

    # Tombstones: deletions the peer made of rows we still have.
    rejected = {(r[0], r[1], r[2]) for r in db.query(
        "SELECT origin, lamport, row_id FROM exchange_tombstone WHERE state = 'rejected'")}
    for entry in plan.new_entries:
        if entry["op"] != "delete" or entry.get("field") is not None or entry["entity"] not in infos:
            continue
        if (entry["origin"], entry["lamport"], entry["row_id"]) in rejected:
            continue
        current = store.db.query_one(f"SELECT * FROM {entry['entity']} WHERE id = ?", (entry["row_id"],))
        if current is None:
            continue
        plan.tombstones.append(Tombstone(entry["entity"], entry["row_id"], entry,
                                         describe(store, entry["entity"], dict(current)),
                                         (entry["entity"], entry["row_id"]) in local.unseen_rows))
    # Rows being deleted are not updated.
    doomed = {(t.table, t.row_id) for t in plan.tombstones}
    plan.changes = [c for c in plan.changes if (c.table, c.row_id) not in doomed]
    return plan


def _sanitise_attachment(row: dict) -> None:
    digest = str(row.get("file_sha256") or "").lower()
    if row.get("file_path") and not _safe_relative(str(row["file_path"])):
        suffix = "".join(ch for ch in Path(str(row.get("file_name") or "")).suffix[:10] if ch.isalnum() or ch == ".")
        row["file_path"] = f"attachments/{digest[:2]}/{digest}/tep{suffix}" if len(digest) == 64 else ""


def _plan_links(store, plan, tables, remote, local, id_map, present) -> None:
    db = store.db
    by_key: dict[tuple, list[dict]] = {}
    for raw in tables.get("product_agency", []):
        row = dict(raw)
        row["product_id"] = id_map.get(row["product_id"], row["product_id"])
        row["agency_id"] = id_map.get(row["agency_id"], row["agency_id"])
        by_key.setdefault((row["product_id"], row["role"]), []).append(row)
    keys = set(by_key) | {(r, f) for (e, r, f) in remote.fields if e == "product_agency"}
    names = {r[0]: r[1] for r in db.query("SELECT id, name FROM agency")}
    for raw in tables.get("agency", []):
        names.setdefault(id_map.get(raw["id"], raw["id"]), raw["name"])
    for product_id, role in sorted(keys, key=lambda k: (k[0], k[1] or "")):
        if role not in ("lead", "coord") or product_id not in present.get("product", set()):
            continue
        remote_stamp = remote.fields.get(("product_agency", product_id, role))
        if remote_stamp is None:
            continue
        local_stamp = local.fields.get(("product_agency", product_id, role), ZERO)
        if remote_stamp <= local_stamp:
            continue
        rows = sorted(by_key.get((product_id, role), []), key=lambda r: r["position"])
        old = [names.get(r[0], "?") for r in db.query(
            "SELECT agency_id FROM product_agency WHERE product_id = ? AND role = ? ORDER BY position",
            (product_id, role))]
        new = [names.get(r["agency_id"], "?") for r in rows]
        if old == new and [r["agency_id"] for r in rows] == [r[0] for r in db.query(
                "SELECT agency_id FROM product_agency WHERE product_id = ? AND role = ? ORDER BY position",
                (product_id, role))]:
            continue
        product = db.query_one("SELECT description FROM product WHERE id = ?", (product_id,))
        label = _short(product[0]) if product else next(
            (i.label for i in plan.inserts if i.row["id"] == product_id), "")
        plan.links.append(LinkChange(product_id, role, rows, old, new, label))


def _plan_aliases(store, plan, tables, id_map, present) -> None:
    db = store.db
    for raw in tables.get("agency_alias", []):
        row = dict(raw)
        row["agency_id"] = id_map.get(row["agency_id"], row["agency_id"])
        if db.query_one("SELECT 1 FROM agency_alias WHERE match_key = ?", (row["match_key"],)):
            continue
        if db.query_one("SELECT 1 FROM agency WHERE match_key = ?", (row["match_key"],)):
            continue
        if row["agency_id"] in present.get("agency", set()):
            plan.aliases.append(row)


def _copy_entry(db, entry: dict) -> None:
    db.conn.execute(
        "INSERT INTO change_log(at, lamport, origin, actor, entity, row_id, op, field, old_value, new_value, op_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry.get("at") or changelog.now_iso(), int(entry["lamport"]), entry["origin"], entry.get("actor") or "",
         entry["entity"], entry["row_id"], entry["op"], entry.get("field"), entry.get("old_value"),
         entry.get("new_value"), getattr(db, "current_op", None)))   # (the local operation that merged it)


def _write_attachments(store: Store, plan: MergePlan) -> int:
    """Evidence files referenced by inserted/changed rows, written before the database changes."""
    folder = Path(store.db.path).resolve().parent
    wanted: dict[str, str] = {}
    for insert in plan.inserts:
        if insert.table == "evidence" and insert.row.get("file_sha256") and insert.row.get("file_path"):
            wanted[insert.row["file_path"]] = insert.row["file_sha256"].lower()
    evidence_changes: dict[str, dict] = {}
    for change in plan.changes:
        if change.table == "evidence" and change.field in ("file_path", "file_sha256"):
            evidence_changes.setdefault(change.row_id, {})[change.field] = change.new
    for row_id, values in evidence_changes.items():
        current = dict(store.db.query_one("SELECT file_path, file_sha256 FROM evidence WHERE id = ?", (row_id,)))
        current.update(values)
        if current["file_path"] and current["file_sha256"]:
            wanted[current["file_path"]] = current["file_sha256"].lower()
    written = 0
    for relative, digest in wanted.items():
        if not _safe_relative(relative):
            continue
        target = folder / Path(*relative.split("/"))
        if target.is_file() and sha256_file(target) == digest:
            continue
        data = plan.package.attachments.get(digest)
        if data is None:
            plan.notes.append(f"Gói dữ liệu không kèm tệp minh chứng «{relative}».")
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, data)
        except (SafeWriteError, OSError) as exc:
            raise ExchangeError(f"Không ghi được tệp minh chứng «{relative}»: {exc}", code="write") from exc
        written += 1
    return written


def _delete_subtree(store: Store, infos, table: str, row_id: str, tombstone_entries: dict, result) -> None:
    db = store.db
    for child_table, column in schema.children_of(infos, table):
        for (child_id,) in db.query(f"SELECT id FROM {child_table} WHERE {column} = ?", (row_id,)):
            _delete_subtree(store, infos, child_table, child_id, tombstone_entries, result)
    current = db.query_one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    if current is None:
        return
    for link in db.query("SELECT * FROM product_agency WHERE product_id = ?", (row_id,)) if table == "product" else []:
        db.conn.execute("DELETE FROM product_agency WHERE product_id = ? AND agency_id = ? AND role = ?",
                        (row_id, link["agency_id"], link["role"]))
    db.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
    entry = tombstone_entries.get((table, row_id))
    if entry is not None:
        _copy_entry(db, entry)
        db.conn.execute("UPDATE exchange_tombstone SET state = 'confirmed', decided_at = ? "
                        "WHERE row_id = ? AND state = 'pending'", (changelog.now_iso(), row_id))
    else:
        changelog.record(db, table, row_id, "delete", old=dict(current), actor=store.actor)
    result.deleted += 1


def apply_merge(store: Store, plan: MergePlan, *, confirm: set[str] | bool = False,
                choices: dict[tuple, str] | None = None, skip: set[tuple] | None = None) -> MergeResult:
    """Apply a merge plan in one transaction.

    confirm: tombstone row ids to delete (True: all). choices: {(table, row_id, field): "local"|"remote"}
    for conflicts (default: the stamp winner). skip: field keys not to take from the package now (kept
    as local value, written as a local change so the decision is not lost)."""
    db = store.db
    backup_before_change(store, REASON_MERGE)
    choices = choices or {}
    skip = skip or set()
    confirmed = {t.row_id for t in plan.tombstones} if confirm is True else set(confirm or ())
    infos = schema.row_tables(db)
    result = MergeResult(notes=list(plan.notes))
    result.attachments = _write_attachments(store, plan)
    tombstone_entries = {(t.table, t.row_id): t.entry for t in plan.tombstones}
    pending_keys = {_key(t.entry) for t in plan.tombstones if t.row_id not in confirmed}
    now = changelog.now_iso()
    try:
        with store.transaction():
            for remote_id, (entity, local_id) in plan.new_id_map.items():
                db.conn.execute("INSERT OR REPLACE INTO exchange_id_map(remote_id, entity, local_id) VALUES (?, ?, ?)",
                                (remote_id, entity, local_id))
            for insert in plan.inserts:
                columns = [c for c in infos[insert.table].columns if c in insert.row]
                db.conn.execute(
                    f"INSERT INTO {insert.table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                    tuple(insert.row[c] for c in columns))
                result.inserted += 1
            for link in plan.links:
                db.conn.execute("DELETE FROM product_agency WHERE product_id = ? AND role = ?",
                                (link.product_id, link.role))
                for row in link.rows:
                    db.conn.execute("INSERT OR IGNORE INTO product_agency(product_id, agency_id, role, position) "
                                    "VALUES (?, ?, ?, ?)", (row["product_id"], row["agency_id"], row["role"],
                                                             row["position"]))
                result.links += 1
            for alias in plan.aliases:
                db.conn.execute("INSERT OR IGNORE INTO agency_alias(match_key, alias, agency_id) VALUES (?, ?, ?)",
                                (alias["match_key"], alias["alias"], alias["agency_id"]))
            deferred = pending_keys | {_key(t.entry) for t in plan.tombstones if t.row_id in confirmed}
            for entry in plan.new_entries:
                if _key(entry) not in deferred:     # tombstones: copied when (and if) applied
                    _copy_entry(db, entry)
            changelog.tick(db, plan.max_lamport)
            overrides = []
            for change in plan.changes:
                final = choices.get(change.key, change.winner)
                if change.key in skip:
                    final = "local"
                if final == "remote":
                    db.conn.execute(f"UPDATE {change.table} SET {change.field} = ?, updated_at = ?, "
                                    f"version = version + 1 WHERE id = ?", (change.new, now, change.row_id))
                    result.updated += 1
                if final != change.winner:
                    overrides.append((change, final))
            for change, final in overrides:
                kept = change.new if final == "remote" else change.old
                other = change.old if final == "remote" else change.new
                if final == "local":
                    db.conn.execute(f"UPDATE {change.table} SET updated_at = ?, version = version + 1 WHERE id = ?",
                                    (now, change.row_id))
                changelog.record(db, change.table, change.row_id, "update", field=change.field, old=other,
                                 new=kept, actor=store.actor)
                result.overridden += 1
            for tomb in plan.tombstones:
                if tomb.row_id in confirmed:
                    try:
                        with store.transaction():
                            _delete_subtree(store, infos, tomb.table, tomb.row_id, tombstone_entries, result)
                    except sqlite3.IntegrityError:
                        result.notes.append(f"Không xóa được {TABLE_LABELS.get(tomb.table, tomb.table).lower()} "
                                            f"«{tomb.label}» vì vẫn đang được sử dụng.")
                        _remember_tombstone(db, tomb, now)
                else:
                    _remember_tombstone(db, tomb, now)
                    result.pending_tombstones += 1
            package = plan.package
            db.conn.execute(
                "INSERT INTO exchange_peer(origin, unit_name, seen, last_lamport, last_sha256, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(origin) DO UPDATE SET unit_name = excluded.unit_name, "
                "seen = excluded.seen, last_lamport = MAX(last_lamport, excluded.last_lamport), "
                "last_sha256 = excluded.last_sha256, imported_at = excluded.imported_at",
                (package.origin, package.unit_name, json.dumps(package.seen), plan.max_lamport, package.sha256, now))
            db.conn.execute(
                "INSERT OR REPLACE INTO exchange_import(sha256, kind, fingerprint, file_name, summary, imported_at) "
                "VALUES (?, 'package', ?, ?, ?, ?)",
                (package.sha256, str(package.manifest.get("fingerprint", "")), package.path.name, plan.summary(), now))
    except sqlite3.Error as exc:
        raise ExchangeError(f"Không ghi được dữ liệu từ gói vào cơ sở dữ liệu: {exc}. Cơ sở dữ liệu không đổi.",
                            code="db") from exc
    return result


def _remember_tombstone(db, tomb: Tombstone, now: str) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO exchange_tombstone(id, entity, row_id, lamport, origin, entry, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (changelog.new_id(), tomb.table, tomb.row_id, int(tomb.entry["lamport"]), tomb.entry["origin"],
         json.dumps(tomb.entry, ensure_ascii=False), now))


def pending_tombstones(store: Store) -> list[Tombstone]:
    """Deletions received earlier and not yet confirmed or rejected (rows still present)."""
    found = []
    for r in store.db.query("SELECT * FROM exchange_tombstone WHERE state = 'pending' ORDER BY lamport"):
        current = store.db.query_one(f"SELECT * FROM {r['entity']} WHERE id = ?", (r["row_id"],))
        if current is not None:
            found.append(Tombstone(r["entity"], r["row_id"], json.loads(r["entry"]),
                                   describe(store, r["entity"], dict(current))))
    return found


def decide_tombstones(store: Store, confirm: set[str], reject: set[str]) -> int:
    """Confirm (delete) or reject pending tombstones. Returns the number of rows deleted."""
    infos = schema.row_tables(store.db)
    result = MergeResult()
    pending = pending_tombstones(store)
    entries = {(t.table, t.row_id): t.entry for t in pending}
    now = changelog.now_iso()
    with store.transaction():
        for tomb in pending:
            if tomb.row_id in confirm:
                with contextlib.suppress(sqlite3.IntegrityError), store.transaction():
                    _delete_subtree(store, infos, tomb.table, tomb.row_id, entries, result)
            elif tomb.row_id in reject:
                store.db.conn.execute("UPDATE exchange_tombstone SET state = 'rejected', decided_at = ? "
                                      "WHERE row_id = ? AND state = 'pending'", (now, tomb.row_id))
    return result.deleted
