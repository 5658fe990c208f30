"""Merge a checked package into the local database by stable UUIDs and the change log.

Rules (never wall clocks):

* A row we do not have is inserted (unless our log says we deleted it).
* A field is taken from the package when the package brings change-log entries for it whose highest
  (lamport, origin) beats the highest local entry for that field (an insert entry counts for the
  fields it set to something other than the column default). Both sides end with the union of the
  logs, so A→B then B→A converges.
* When both sides changed the same field since the peer last heard from us (the manifest's "seen"
  vector), the field is listed as a conflict with both values; the winner in the order of changes
  (lamport, origin) is applied by default, the user may keep the other value (written as a new local
  change, so it wins everywhere next time). Every conflict is kept in exchange_conflict and the value
  that was not applied can be restored later with ``restore_conflict`` (both values stay in the log).
* Deletions arrive as tombstones and are applied only when the user confirms them; the others wait in
  exchange_tombstone.
* A row the peer created independently for the same natural key (UNIQUE columns, e.g. the same agency
  name, the same product + period status) is mapped onto ours (exchange_id_map), not duplicated.
* Rows identified by a natural key (status of a product in a period) merge field by field like any row.
* Lead/coordinating agencies of a product are one set per (product, role): taken from the side that
  changed it; when both changed it, a listed conflict and the two sets merged (see _plan_links).
* Afterwards the local Lamport clock is advanced past everything seen.
"""
from __future__ import annotations

import contextlib
import json
import operator
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import changelog
from ..backup import REASON_MERGE, backup_before_change
from ..safe_write import SafeWriteError, atomic_write_bytes, sha256_file
from ..store import Store
from ..text import shorten
from ..tracking.status import STATUS_FIELDS, StatusError, set_status
from . import schema
from .errors import ExchangeError
from .package import Package, missing_base, naming_file, raise_holds, upgrade_tables

Stamp = tuple
ZERO: Stamp = (0, "")

TABLE_LABELS = {
    "plan": "Kế hoạch", "section": "Phần", "task": "Nhiệm vụ", "product": "Sản phẩm", "agency": "Cơ quan",
    "product_status": "Tiến độ", "evidence": "Văn bản minh chứng", "target": "Chỉ tiêu",
    "target_actual": "Kết quả chỉ tiêu", "tracking_settings": "Cài đặt báo cáo",
    "product_agency": "Cơ quan thực hiện",
    "par_catalog": "Bộ chỉ số", "par_criterion": "Tiêu chí", "par_score": "Điểm tự chấm",
    "par_document": "Tài liệu kiểm chứng", "par_link": "Liên kết tiêu chí", "report_issue": "Sổ báo cáo đã ban hành",
}
FIELD_LABELS = {
    "unit_name": "Tên đơn vị", "title": "Tiêu đề", "content": "Nội dung", "description": "Sản phẩm",
    "deadline_text": "Thời hạn", "name": "Tên", "status": "Trạng thái", "percent": "Tỷ lệ hoàn thành (%)",
    "completed_on": "Ngày hoàn thành", "result": "Kết quả", "reason": "Lý do", "notes": "Ghi chú",
    "doc_number": "Số/ký hiệu", "issued_on": "Ngày ban hành", "summary": "Trích yếu", "position": "Thứ tự",
    "lead": "Cơ quan chủ trì", "coord": "Cơ quan phối hợp", "actual_value": "Giá trị thực hiện",
    "target_value": "Giá trị chỉ tiêu", "doc_date": "Ngày ban hành", "file_name": "Tệp đính kèm",
    "points": "Điểm tự chấm", "explanation": "Giải trình", "override_reason": "Lý do chấm khác điểm tự tính",
    "max_points": "Điểm tối đa", "guide": "Hướng dẫn chấm", "required_docs": "Tài liệu kiểm chứng cần có",
    "rule": "Cách tính tự động", "code": "Mã", "confirmed": "Đã xác nhận", "period_key": "Kỳ báo cáo",
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


class RowInsert:
    """A row the package brings that we do not have; its preview label is worked out when first asked."""

    __slots__ = ("table", "row", "_label", "_labeler")

    def __init__(self, table: str, row: dict, label: str | None = None, labeler=None):
        self.table, self.row, self._label, self._labeler = table, row, label, labeler

    @property
    def label(self) -> str:
        if self._label is None:
            self._label = self._labeler(self.table, self.row) if self._labeler else ""
        return self._label

    def __repr__(self) -> str:
        return f"RowInsert({self.table!r}, {self.row.get('id')!r})"


@dataclass
class LinkChange:
    product_id: str
    role: str
    rows: list[dict]
    old_names: list[str]
    new_names: list[str]
    label: str = ""
    conflict: bool = False      # both PCs changed this role since the last exchange
    winner: str = "remote"      # later in the order of changes (lamport, origin)
    local_ids: list[str] = field(default_factory=list)
    remote_ids: list[str] = field(default_factory=list)
    merged_names: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return ("product_agency", self.product_id, self.role)

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.role, self.role)

    @property
    def applied_names(self) -> list[str]:
        return self.merged_names if self.conflict else self.new_names


@dataclass
class Tombstone:
    table: str
    row_id: str
    entry: dict
    label: str = ""
    edited_here: bool = False   # we changed this row since the peer last heard from us
    removes: list[tuple[str, str, str]] = field(default_factory=list)   # (table, id, label) deleted with it

    def removed_lines(self) -> list[str]:
        """One Vietnamese line per row the deletion removes (the row itself first)."""
        return [f"{TABLE_LABELS.get(t, t)} «{text}»" for t, _r, text in self.removes]


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
    lost: list[FieldChange] = field(default_factory=list)   # the peer's edits of rows deleted here: not applied
    max_lamport: int = 0
    needs_backup: bool = True      # False: a delta whose merge can be undone from the change log alone
    undone_at: str = ""            # this package was merged here then (ISO time) and that merge was undone
    undone_by: str = ""            # the operation that undid it (``ops.redo`` of it applies the package again)

    @property
    def conflicts(self) -> list[FieldChange]:
        return [c for c in self.changes if c.conflict]

    @property
    def link_conflicts(self) -> list[LinkChange]:
        return [lk for lk in self.links if lk.conflict]

    @property
    def is_empty(self) -> bool:
        return not (self.new_entries or self.inserts or self.changes or self.links or self.aliases
                    or self.tombstones or self.new_id_map or self.lost)

    def summary(self) -> str:
        removed = sum(len(t.removes) for t in self.tombstones)
        return (f"{len(self.inserts)} dòng mới, {len(self.changes)} trường thay đổi "
                f"({len(self.conflicts)} xung đột), {len(self.links)} thay đổi cơ quan "
                f"({len(self.link_conflicts)} xung đột), {len(self.tombstones)} dòng bị xóa ở máy kia chờ xác nhận"
                + (f" (xóa tổng cộng {removed} dòng)" if removed > len(self.tombstones) else "")
                + (f", {len(self.lost)} giá trị máy kia sửa trên dòng đã xóa ở máy này (không áp dụng, được ghi "
                   f"nhận)" if self.lost else ""))


@dataclass
class MergeResult:
    inserted: int = 0
    updated: int = 0
    links: int = 0
    deleted: int = 0
    pending_tombstones: int = 0
    overridden: int = 0
    attachments: int = 0
    conflicts: int = 0
    notes: list[str] = field(default_factory=list)


QUIET_COLUMNS = {"updated_by"}      # bookkeeping: follows the applied value, never a listed conflict


def _decode(value):
    if value is None:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


class _Log:
    """Per-field highest (lamport, origin) stamps of a set of change-log entries.

    An insert entry counts for a field only when it set that field to something other than the column's
    declared default: a status row created independently on two PCs for the same product and period
    (mapped by its natural key) changed only the fields its creator filled in."""

    def __init__(self, defaults: dict[str, dict]):
        self.defaults = defaults
        self.fields: dict[tuple, Stamp] = {}
        self.inserts: dict[tuple, tuple] = {}       # (entity, row) -> (stamp, inserted values, JSON or None)
        self.deletes: dict[tuple, Stamp] = {}
        self.rows: dict[tuple, Stamp] = {}          # (entity, row) -> highest stamp of any entry

    def add(self, entry: dict, values=None) -> None:
        stamp = _stamp(entry)
        row = (entry["entity"], entry["row_id"])
        if stamp > self.rows.get(row, ZERO):
            self.rows[row] = stamp
        if entry["op"] == "insert" and entry.get("field") is None:
            if stamp > self.inserts.get(row, (ZERO, None))[0]:
                self.inserts[row] = (stamp, values)
        elif entry["op"] == "delete" and entry.get("field") is None:
            self.deletes[row] = max(self.deletes.get(row, ZERO), stamp)
        else:
            key = row + (entry.get("field"),)
            if stamp > self.fields.get(key, ZERO):
                self.fields[key] = stamp

    def field_stamp(self, entity: str, row_id: str, name: str) -> Stamp:
        found = self.fields.get((entity, row_id, name), ZERO)
        insert = self.inserts.get((entity, row_id))
        if insert is not None and insert[0] > found:
            if isinstance(insert[1], str):      # JSON text, decoded only for rows both sides have
                insert = self.inserts[(entity, row_id)] = (insert[0], _decode(insert[1]))
            if self._insert_sets(entity, name, insert[1]):
                found = insert[0]
        return found

    def _insert_sets(self, entity: str, name: str, values) -> bool:
        if not isinstance(values, dict) or name not in values:
            return True
        defaults = self.defaults.get(entity, {})
        return name not in defaults or values[name] != defaults[name]


class _LocalLog:
    """The local change log: every stamp, and separately what the peer has not seen yet."""

    _COLUMNS = ("SELECT seq, origin, lamport, entity, row_id, op, field, "
                "CASE WHEN (op = 'insert' AND field IS NULL) OR entity = 'product_agency' THEN new_value END "
                "AS new_value, CASE WHEN entity = 'product_agency' THEN old_value END AS old_value FROM change_log")

    def __init__(self, store: Store, peer_seen: dict[str, int], defaults: dict[str, dict],
                 row_ids: set[str] | None = None, remote: list[dict] | None = None):
        """The whole log, or (a delta) only the entries of ``row_ids`` plus which of the ``remote`` entries'
        keys we already have (looked up through the (origin, lamport) index)."""
        self.keys: set[tuple] = set()
        self.all = _Log(defaults)
        self.unseen = _Log(defaults)               # changed here since the peer last heard from us
        self.unseen_links: dict[tuple, list[dict]] = {}    # (product, role) -> entries, in the order applied
        self.peer_seen = peer_seen
        self.loaded: set[str] | None = None        # row ids read (None: the whole log)
        db = store.db
        if row_ids is None:
            self._add(db.query(self._COLUMNS + " ORDER BY seq"))
        else:
            self.loaded = set()
            self.add_rows(store, row_ids)
            spans: dict[str, list[int]] = {}
            for entry in remote or ():
                span = spans.setdefault(str(entry["origin"]), [int(entry["lamport"])] * 2)
                span[0], span[1] = min(span[0], int(entry["lamport"])), max(span[1], int(entry["lamport"]))
            for origin, (lo, hi) in spans.items():
                self.keys.update((origin, int(r[0]), str(r[1])) for r in db.query(
                    "SELECT lamport, entity FROM change_log WHERE origin = ? AND lamport BETWEEN ? AND ?",
                    (origin, lo, hi)))

    def add_rows(self, store: Store, row_ids) -> None:
        """Read the entries of more rows (a scoped log only)."""
        ids = sorted(set(row_ids) - self.loaded)
        self.loaded.update(ids)
        rows = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows += store.db.query(self._COLUMNS + f" WHERE row_id IN ({','.join('?' for _ in chunk)})", tuple(chunk))
        rows.sort(key=lambda r: r["seq"])
        self._add(rows)

    def _add(self, rows) -> None:
        peer_seen = self.peer_seen
        for r in rows:
            entry = dict(r)
            self.keys.add(_key(entry))
            values = entry["new_value"] if entry["op"] == "insert" and entry["field"] is None else None
            self.all.add(entry, values)
            if entry["lamport"] > peer_seen.get(entry["origin"], 0):
                self.unseen.add(entry, values)
                if entry["entity"] == "product_agency":
                    self.unseen_links.setdefault((entry["row_id"], entry["field"]), []).append(entry)

    @property
    def deletes(self) -> dict[tuple, Stamp]:
        return self.all.deletes


class _Labels:
    """Short row labels for previews and the conflict list: products and their statuses cited by their task first
    («I.2 — Kế hoạch CCHC [Quý I/2026]»), as every other list of the app cites tasks.

    The task citations are worked out once (``citation_map``, on first need) from the local sections and tasks
    (``existing`` when it holds them all, else one query each) and, for rows only the package has, the package's
    own sections and tasks (``remote``); every label is then dict lookups."""

    def __init__(self, store: Store, existing: dict[str, dict[str, dict]] | None = None, *,
                 complete: bool = False):
        self.store = store
        existing = existing or {}
        self.products = {pid: (row.get("description"), row.get("task_id"))
                         for pid, row in existing.get("product", {}).items()}
        self.existing = existing if complete else None     # every local section and task already read
        self.remote: dict[str, list[dict]] = {}            # the package's rows (ids mapped), once known
        self.deleted: dict[tuple, object] = {}             # (table, id) the local log deleted
        self._citations: dict[str, str] | None = None

    def add_product(self, row: dict) -> None:
        self.products.setdefault(row["id"], (row.get("description"), row.get("task_id")))

    @property
    def citations(self) -> dict[str, str]:
        if self._citations is None:
            db = self.store.db
            if self.existing is not None:
                sections = list(self.existing.get("section", {}).values())
                tasks = list(self.existing.get("task", {}).values())
            else:
                columns = {r["name"] for r in db.query("PRAGMA table_info(task)")}
                wanted = [c for c in ("id", "section_id", "position", "source_stt", "archived_on") if c in columns]
                sections = [dict(r) for r in db.query("SELECT id, plan_id, position FROM section")]
                tasks = [dict(r) for r in db.query(f"SELECT {', '.join(wanted)} FROM task")]
            for name, rows in (("section", sections), ("task", tasks)):
                have = {r["id"] for r in rows}
                rows.extend(r for r in self.remote.get(name, ())
                            if r["id"] not in have and (name, r["id"]) not in self.deleted)
            self._citations = citation_map(sections, tasks)
        return self._citations

    def __call__(self, table: str, row: dict | None) -> str:
        if not row or table not in ("product", "product_status", "evidence"):
            return describe(self.store, table, row, self.products)
        return describe(self.store, table, row, self.products, self.citations)


def citation_map(sections, tasks) -> dict[str, str]:
    """task id -> its citation «I.2», «II.3.a)» (``domain.Plan.citations``) from plain section rows (id, plan_id,
    position) and task rows (id, section_id, position, source_stt, archived_on) of any number of plans. Sections are
    numbered by position and tasks taken in position order like ``Store.load_plan``; a task an amendment dropped
    (archived) is left out of the numbering and has no citation, as in the plan's table."""
    from ..domain import Plan, Section, Task
    from ..store import roman

    plans: dict[str, Plan] = {}
    by_id: dict[str, Section] = {}
    for r in sorted(sections, key=lambda r: int(r.get("position") or 0)):
        plan = plans.get(r.get("plan_id"))
        if plan is None:
            plan = plans[r.get("plan_id")] = Plan(r.get("plan_id"), "")
        position = int(r.get("position") or 0)
        section = by_id[r["id"]] = Section(r["id"], r.get("plan_id"), position, roman(position + 1), "")
        plan.sections.append(section)
    for r in sorted(tasks, key=lambda r: int(r.get("position") or 0)):
        section = by_id.get(r.get("section_id"))
        if section is not None and not r.get("archived_on"):
            section.tasks.append(Task(r["id"], section.id, int(r.get("position") or 0), "",
                                      source_stt=r.get("source_stt") or ""))
    out: dict[str, str] = {}
    for plan in plans.values():
        out.update(plan.citations())
    return out


def period_text(key) -> str:
    """A period key in words as the rest of the app reads it («Quý I/2026», «6 tháng đầu năm 2026», «Năm 2026»:
    ``ReportingPeriod.label``); a key that does not parse as it is."""
    from ..tracking.periods import make_period

    try:
        return make_period(str(key or "")).label
    except ValueError:
        return str(key or "")


def describe(store: Store, table: str, row: dict | None, products: dict | None = None,
             citations: dict[str, str] | None = None) -> str:
    """Short human label of a row for previews. ``products``: product id -> (description, task id) already read;
    ``citations``: task id -> citation (``citation_map``): a product, a status or a piece of evidence then reads
    «I.2 — Kế hoạch CCHC [Quý I/2026]» (its task's citation first, the period in words)."""
    if not row:
        return ""
    if table == "product":
        return _cited(citations, row.get("task_id"), _short(row.get("description")))
    if table in ("product_status", "evidence"):
        if products is not None and row.get("product_id") in products:
            product = products[row.get("product_id")]
        else:
            product = store.db.query_one("SELECT description, task_id FROM product WHERE id = ?",
                                         (row.get("product_id"),))
        text = _cited(citations, product[1], _short(product[0])) if product else "?"
        extra = f" — {row.get('doc_number')}" if table == "evidence" and row.get("doc_number") else ""
        return f"{text} [{period_text(row.get('period_key'))}]{extra}"
    if table in ("par_score", "par_document", "par_link") and row.get("criterion_id"):
        criterion = store.db.query_one("SELECT code, title FROM par_criterion WHERE id = ?", (row["criterion_id"],))
        if criterion is not None:            # «Tiêu chí 1.5 Sáng kiến…», never the row's id
            extra = f" — {row.get('doc_number')}" if table == "par_document" and row.get("doc_number") else ""
            return f"Tiêu chí {criterion['code']} {_short(criterion['title'], 60)}{extra}"
    if table == "par_criterion" and row.get("code"):
        return f"Tiêu chí {row['code']} {_short(row.get('title'), 60)}"
    for key in ("content", "title", "name", "unit_name", "description"):
        if row.get(key):
            return _short(row[key])
    return row.get("id", "")


def _cited(citations: dict[str, str] | None, task_id, text: str) -> str:
    """«I.2 — text» when the task's citation is known, else the text alone."""
    cite = citations.get(task_id) if citations and task_id else None
    return f"{cite} — {text}" if cite else text


def _short(text, width: int = 80) -> str:
    return shorten(text, width)


def _safe_relative(value: str) -> bool:
    """An evidence file_path from a package must stay inside <db folder>/attachments."""
    if not value or "\\" in value or value.startswith("/") or ":" in value:
        return False
    parts = PurePosixPath(value).parts
    return len(parts) >= 2 and parts[0] == "attachments" and ".." not in parts and "." not in parts


def plan_merge(store: Store, package: Package, *, read_all: bool = False) -> MergePlan:
    """Work out what the package would change. Read-only; raises ExchangeError (naming the file) when it does not
    map. See ``_plan_merge``."""
    try:
        return _plan_merge(store, package, read_all=read_all)
    except ExchangeError as exc:
        raise naming_file(exc, package.path) from exc.__cause__


def _plan_merge(store: Store, package: Package, *, read_all: bool = False) -> MergePlan:
    """Work out what the package would change. Read-only; raises ExchangeError when it does not map.

    Every lookup is by dict (rows of each table, natural keys, log stamps): time grows linearly with
    the size of the plan. A sync-folder delta without deletions reads only the rows it touches and their log
    entries (by id); ``read_all`` reads everything anyway (the tests compare both)."""
    db = store.db
    if package.manifest["schema_version"] > db.schema_version:
        raise ExchangeError("Gói dữ liệu được tạo bởi phiên bản mới hơn của ứng dụng. Hãy cập nhật ứng dụng.",
                            code="schema")
    tables = upgrade_tables(package, db)
    infos = schema.row_tables(db)
    local_origin = db.query_one("SELECT value FROM meta WHERE key = 'installation_id'")
    if local_origin and local_origin[0] == package.origin:
        raise ExchangeError("Gói dữ liệu này được xuất từ chính máy này; không cần nhập lại.", code="self")
    if missing_base(db, package):
        raise ExchangeError(
            f"Gói «{package.path.name}» chỉ chứa những thay đổi mới (gói rút gọn của thư mục đồng bộ), mà máy này "
            "chưa có phần trước đó; hợp nhất nó sẽ thiếu dữ liệu. Cần gói đầy đủ: máy kia sẽ tự gửi gói đầy đủ ở "
            "lượt đồng bộ sau, hoặc xuất gói dữ liệu (Trao đổi → Xuất gói dữ liệu) từ máy đó.", code="base")
    defaults = {name: schema.column_defaults(db, name) for name in infos}
    id_map = {r["remote_id"]: r["local_id"] for r in db.query("SELECT remote_id, local_id FROM exchange_id_map")}
    # A delta without deletions touches a handful of rows: read only those (by id), their parents and their log
    # entries, not every table and the whole log. A deletion needs every row below it: read everything.
    scoped = not read_all and package.is_delta and not any(e["op"] == "delete" and e.get("field") is None for e in package.changes)
    if scoped:
        wanted = _touched_ids(infos, tables, package.changes, id_map)
        existing = {name: _rows_by_id(db, name, wanted.get(name, ())) if name != "agency" else
                    {r["id"]: dict(r) for r in db.query("SELECT * FROM agency")} for name in infos}
        local = _LocalLog(store, package.seen, defaults, set().union(*wanted.values()), package.changes)
    else:
        local = _LocalLog(store, package.seen, defaults)
        existing = {name: {r["id"]: dict(r) for r in db.query(f"SELECT * FROM {name}")} for name in infos}
    label = _Labels(store, existing, complete=not scoped)

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
        natural = {key: {tuple(r[c] for c in key): rid for rid, r in existing[name].items()}
                   for key in info.unique_keys} if not scoped else {}
        mapped_rows = []
        for raw in tables.get(name, []):
            row = remap(info, raw)
            if row["id"] not in existing[name]:
                for key in info.unique_keys:
                    if any(row.get(c) is None for c in key):
                        continue
                    if scoped:      # one lookup by the natural key (UNIQUE: indexed)
                        found = db.query_one(f"SELECT * FROM {name} WHERE "
                                             + " AND ".join(f"{c} = ?" for c in key), tuple(row[c] for c in key))
                        hit = found["id"] if found is not None else None
                        if hit is not None and hit not in existing[name]:
                            existing[name][hit] = dict(found)
                            local.add_rows(store, {hit})
                    else:
                        hit = natural[key].get(tuple(row[c] for c in key))
                    if hit:
                        id_map[raw["id"]] = hit
                        plan.new_id_map[raw["id"]] = (name, hit)
                        row["id"] = hit
                        break
            mapped_rows.append(row)
        remote_rows[name] = mapped_rows
    label.remote, label.deleted = remote_rows, local.deletes     # rows only the package has: cited by its own

    # New log entries (not already here), row ids mapped.
    remote = _Log(defaults)
    remote_links: dict[tuple, list[dict]] = {}
    for entry in package.changes:
        max_lamport = max(max_lamport, int(entry["lamport"]))
        if _key(entry) in local.keys:
            continue
        entry = dict(entry)
        entry["row_id"] = id_map.get(entry["row_id"], entry["row_id"])
        plan.new_entries.append(entry)
        values = entry.get("new_value") if entry["op"] == "insert" and entry.get("field") is None else None
        remote.add(entry, values)
        if entry["entity"] == "product_agency":
            remote_links.setdefault((entry["row_id"], entry.get("field")), []).append(entry)
    plan.max_lamport = max_lamport

    # Pass 2: inserts and field changes.
    present: dict[str, set[str]] = {}
    edited: dict[tuple, list[str]] = {}     # (table, row) -> fields the new entries changed
    for (entity, row_id, name) in remote.fields:
        edited.setdefault((entity, row_id), []).append(name)
    for name, info in infos.items():
        present[name] = set()
        here = existing[name]
        for row in remote_rows[name]:
            current = here.get(row["id"])
            if current is None:
                if name == "product":
                    label.add_product(row)      # rows under a product deleted here are named by it
                if (name, row["id"]) in local.deletes:
                    # Edits this PC never had (concurrent with the deletion, whatever their place in the order of
                    # changes) are not applied: each is listed with its value and kept (log, exchange_conflict).
                    lost = _lost_edits(plan, remote, edited, name, row, label)
                    if lost:
                        plan.notes.append(f"{TABLE_LABELS.get(name, name)} «{lost[0].label}» đã bị xóa ở máy này "
                                          f"nhưng máy kia đã sửa: {_lost_text(lost)}; giữ nguyên việc xóa, các giá "
                                          f"trị này được ghi nhận (Xung đột đã ghi nhận…) và còn trong lịch sử.")
                    continue
                missing_parent = [c for c, p in info.parents.items() if row.get(c) is not None
                                  and row[c] not in existing.get(p, ()) and row[c] not in present.get(p, ())]
                if missing_parent:
                    lost = _lost_edits(plan, remote, edited, name, row, label)
                    plan.notes.append(f"Bỏ qua {TABLE_LABELS.get(name, name).lower()} «{label(name, row)}»: "
                                      f"dòng cha không còn ở máy này"
                                      + (f"; giá trị không áp dụng: {_lost_text(lost)} (được ghi nhận trong Xung "
                                         f"đột đã ghi nhận…, còn trong lịch sử)." if lost else "."))
                    continue
                if name == "evidence":
                    _sanitise_attachment(row)
                if name == "product":
                    label.add_product(row)
                plan.inserts.append(RowInsert(name, row, labeler=label))
                present[name].add(row["id"])
                continue
            present[name].add(row["id"])
            row_label = None
            for column in info.data_columns:
                if column not in row or row[column] == current[column]:
                    continue
                remote_stamp = remote.field_stamp(name, row["id"], column)
                if remote_stamp == ZERO:
                    continue        # the peer did not change it: our value stands
                local_stamp = local.all.field_stamp(name, row["id"], column)
                winner = "remote" if remote_stamp > local_stamp else "local"
                conflict = (column not in QUIET_COLUMNS
                            and local.unseen.field_stamp(name, row["id"], column) != ZERO)
                if winner == "local" and not conflict:
                    continue
                new_value = row[column]
                if name == "evidence" and column == "file_path" and not _safe_relative(str(new_value)):
                    continue
                if row_label is None:
                    row_label = label(name, current)
                plan.changes.append(FieldChange(name, row["id"], column, current[column], new_value, conflict,
                                                winner, row_label))

    _plan_links(store, plan, tables, remote, local, id_map, present, existing, remote_links, label,
                {pid for pid, _role in remote_links} if scoped else None)
    _plan_aliases(store, plan, tables, id_map, present)

    # Tombstones: deletions the peer made of rows we still have; the preview lists every row they remove.
    rejected = {(r[0], r[1], r[2]) for r in db.query(
        "SELECT origin, lamport, row_id FROM exchange_tombstone WHERE state = 'rejected'")}
    children = None
    for entry in plan.new_entries:
        if entry["op"] != "delete" or entry.get("field") is not None or entry["entity"] not in infos:
            continue
        if (entry["origin"], entry["lamport"], entry["row_id"]) in rejected:
            continue
        current = existing[entry["entity"]].get(entry["row_id"])
        if current is None:
            continue
        if children is None:
            children = _children_index(infos, existing)
        tomb = Tombstone(entry["entity"], entry["row_id"], entry, label(entry["entity"], current),
                         (entry["entity"], entry["row_id"]) in local.unseen.rows)
        tomb.removes = _removed_rows(infos, existing, children, entry["entity"], entry["row_id"], label)
        plan.tombstones.append(tomb)
    _note_other_unit(db, plan, package, id_map)
    _note_undone_import(db, plan, package)
    # Changes to rows a deletion would remove stay in the plan: the deletion may be refused or left
    # pending, and the change would otherwise be lost (its log entry is copied now, never offered again).
    if scoped:
        plan.needs_backup = not _undoable_from_log(plan, local)
    return plan


def _note_other_unit(db, plan: MergePlan, package: Package, id_map: dict) -> None:
    """A package whose plans this PC does not have while it has plans of its own (another commune's package, a
    plan of another year): said first in the preview, so a wrong stick is not merged unnoticed."""
    theirs = [id_map.get(p, p) for p in package.manifest.get("plan_ids") or []]
    ours = {r[0]: r[1] for r in db.query("SELECT id, unit_name FROM plan")}
    if not theirs or not ours or any(p in ours for p in theirs):
        return
    unit = package.unit_name or "?"
    here = "; ".join(sorted({u for u in ours.values() if u})) or "?"
    plan.notes.insert(0, f"Gói «{package.path.name}» là của «{unit}», kế hoạch trong gói không có trên máy này "
                         f"(máy này: «{here}»). Hợp nhất sẽ thêm kế hoạch đó bên cạnh, không gộp vào kế hoạch của "
                         f"máy này. Nếu nhầm gói thì đừng hợp nhất; để xem nhiều xã cùng lúc dùng «Xem nhiều xã».")


def _note_undone_import(db, plan: MergePlan, package: Package) -> None:
    """A package merged here before and whose merge was undone: its changes are in the log already, so planning it
    again finds nothing new. Say so (``undone_note``) rather than «nothing new», and keep the undo's id."""
    found = db.query_one("SELECT imported_at, op_id FROM exchange_import WHERE sha256 = ? AND kind = 'package' "
                         "AND state = 'undone'", (package.sha256,))
    if found is not None:
        plan.undone_at, plan.undone_by = found[0], found[1]
        plan.notes.append(undone_note(found[0]))


REAPPLY = "Áp dụng lại"


def undone_note(imported_at: str) -> str:
    """Why a package whose merge was undone brings nothing when imported again, and how to get its values."""
    from ..dates import local_time

    return (f"Gói này đã được nhập vào máy này lúc {local_time(imported_at)[:16]} và việc nhập đó đã được hoàn tác, "
            f"nên các giá trị trong gói không được áp dụng lại khi nhập lại gói (máy này đã có chúng trong lịch sử "
            f"thay đổi). Muốn dùng lại các giá trị đó: bấm «{REAPPLY}» (áp dụng lại đúng việc nhập đã hoàn tác, "
            f"thành một bước mới hoàn tác được), hoặc xem giá trị trong Lịch sử thay đổi và sửa lại, hoặc đề nghị "
            f"máy kia sửa lại rồi gửi gói mới.")


DELETED_HERE = {"deleted": True}       # the local side of an edit made on the other PC to a row deleted here


def _lost_edits(plan: MergePlan, remote: _Log, edited: dict, name: str, row: dict, label) -> list[FieldChange]:
    """The fields the package's new entries set on a row that is not applied here (deleted here, or its parent
    is): one FieldChange each (old: DELETED_HERE), added to ``plan.lost``."""
    fields = list(edited.get((name, row["id"]), ()))
    insert = remote.inserts.get((name, row["id"]))
    if insert is not None:
        fields += [f for f in row if f not in fields and remote.field_stamp(name, row["id"], f) == insert[0]]
    skip = {"id", "created_at", "updated_at", "version", "updated_by", "position", "period_key"}
    lost = []
    text = None
    for column in fields:
        if column in skip or column.endswith("_id") or column not in row:
            continue
        if text is None:
            text = label(name, row)
        lost.append(FieldChange(name, row["id"], column, DELETED_HERE, row[column], True, "local", text))
    plan.lost.extend(lost)
    return lost


def _lost_text(lost: list[FieldChange]) -> str:
    return ", ".join(f"{c.field_label} «{shorten(value_text(c.field, c.new), 60)}»" for c in lost)


def value_text(field_name: str | None, value) -> str:
    """A merged value as the user reads it (previews, the conflict list, the CLI): a status in words, a date
    dd/mm/yyyy, agency names joined, numbers with the Vietnamese decimal comma («0,5», «1», never «0.5»), a period
    in words («Quý I/2026», ``period_text``)."""
    from ..dates import format_date
    from ..reports.vnformat import decimal
    from ..tracking.timeliness import STATUS_LABELS

    if isinstance(value, dict) and value.get("deleted") is True:
        return "(đã xóa ở máy này)"
    if isinstance(value, dict) and "names" in value:
        return "; ".join(value["names"]) or "(không có)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        return decimal(value, 2, trim=True)
    if value is None:
        return ""
    if field_name == "status" and value in STATUS_LABELS:
        return STATUS_LABELS[value]
    if field_name in ("completed_on", "issued_on", "doc_date") and isinstance(value, str):
        return format_date(value)
    if field_name == "period_key":
        return period_text(value)
    return str(value)


def _undoable_from_log(plan: MergePlan, local: _LocalLog) -> bool:
    """True when nothing the merge overwrites exists only in the database: it deletes nothing (no tombstone), and
    every field and agency set it replaces got its current value through a logged change here (an update of that
    field, or the row's insert entry, which holds the whole row). Inserted rows, id mappings, aliases (INSERT OR
    IGNORE), conflicts (both values kept) and attachments (content-addressed, never overwritten) lose nothing.
    Then the backup before the merge adds nothing the log does not hold, and a sync round skips it (a full
    snapshot of the database per round, and 20 of them would push every older backup out)."""
    if plan.tombstones:
        return False
    logged = local.all
    for change in plan.changes:
        if (change.table, change.row_id, change.field) not in logged.fields \
                and (change.table, change.row_id) not in logged.inserts:
            return False
    return all(("product_agency", link.product_id, link.role) in logged.fields for link in plan.links)


def _touched_ids(infos, tables: dict[str, list[dict]], changes: list[dict], id_map: dict) -> dict[str, set[str]]:
    """Local ids a delta can touch, per table: its rows, their parents and the rows its log entries name."""
    wanted: dict[str, set[str]] = {name: set() for name in infos}
    for name, info in infos.items():
        for raw in tables.get(name, []):
            wanted[name].add(id_map.get(raw["id"], raw["id"]))
            for column, parent in info.parents.items():
                if raw.get(column) is not None and parent in wanted:
                    wanted[parent].add(id_map.get(raw[column], raw[column]))
    for raw in tables.get("product_agency", []):
        wanted["product"].add(id_map.get(raw["product_id"], raw["product_id"]))
    for entry in changes:
        entity = "product" if entry["entity"] == "product_agency" else entry["entity"]
        if entity in wanted:
            wanted[entity].add(id_map.get(entry["row_id"], entry["row_id"]))
    return wanted


def _rows_by_id(db, name: str, ids) -> dict[str, dict]:
    ids = sorted(ids)
    out: dict[str, dict] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update((r["id"], dict(r)) for r in db.query(
            f"SELECT * FROM {name} WHERE id IN ({','.join('?' for _ in chunk)})", tuple(chunk)))
    return out


def _children_index(infos, existing) -> dict[tuple, list[tuple[str, str]]]:
    """(parent table, parent id) -> [(child table, child id)] over the local rows."""
    index: dict[tuple, list[tuple[str, str]]] = {}
    for name, info in infos.items():
        for column, parent in info.parents.items():
            for rid, row in existing[name].items():
                if row.get(column) is not None:
                    index.setdefault((parent, row[column]), []).append((name, rid))
    return index


def _removed_rows(infos, existing, children, table: str, row_id: str, label) -> list[tuple[str, str, str]]:
    """Every local row a deletion removes: the row and, depth first, everything hanging under it."""
    out = []
    stack = [(table, row_id)]
    seen = set()
    while stack:
        name, rid = stack.pop()
        if (name, rid) in seen:
            continue
        seen.add((name, rid))
        row = existing.get(name, {}).get(rid)
        if row is None:
            continue
        out.append((name, rid, label(name, row)))
        stack.extend(reversed(children.get((name, rid), [])))
    return out


def _sanitise_attachment(row: dict) -> None:
    digest = str(row.get("file_sha256") or "").lower()
    if row.get("file_path") and not _safe_relative(str(row["file_path"])):
        suffix = "".join(ch for ch in Path(str(row.get("file_name") or "")).suffix[:10] if ch.isalnum() or ch == ".")
        row["file_path"] = f"attachments/{digest[:2]}/{digest}/tep{suffix}" if len(digest) == 64 else ""


def _undo_links(current: list[str], entries: list[dict], id_map: dict) -> set[str]:
    """The agency set of one (product, role) before `entries` (lamport order) were made."""
    found = set(current)
    for entry in reversed(entries):
        value = _decode(entry.get("new_value") if entry["op"] == "insert" else entry.get("old_value"))
        agency = value.get("agency_id") if isinstance(value, dict) else None
        if not agency:
            continue
        agency = id_map.get(agency, agency)
        if entry["op"] == "insert":
            found.discard(agency)
        elif entry["op"] == "delete":
            found.add(agency)
    return found


def _plan_links(store, plan, tables, remote, local, id_map, present, existing, remote_links, label,
                products_only: set[str] | None = None) -> None:
    """Lead / coordinating agencies: one agency set per (product, role). Only the peer changed it: take
    the peer's set. Both changed it since the last exchange: a listed conflict; the two sets are merged
    (each side's additions and removals) and the merge is logged as a new change so both PCs converge."""
    db = store.db
    by_key: dict[tuple, list[dict]] = {}
    for raw in tables.get("product_agency", []):
        row = dict(raw)
        row["product_id"] = id_map.get(row["product_id"], row["product_id"])
        row["agency_id"] = id_map.get(row["agency_id"], row["agency_id"])
        by_key.setdefault((row["product_id"], row["role"]), []).append(row)
    here: dict[tuple, list[tuple]] = {}
    if products_only is None:
        found = db.query("SELECT product_id, role, agency_id, position FROM product_agency ORDER BY position")
    else:
        ids = sorted(products_only)
        found = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            found += db.query("SELECT product_id, role, agency_id, position FROM product_agency WHERE product_id "
                              f"IN ({','.join('?' for _ in chunk)})", tuple(chunk))
        found.sort(key=lambda r: r[3])
    for r in found:
        here.setdefault((r[0], r[1]), []).append((r[2], r[3]))
    names = {rid: row["name"] for rid, row in existing.get("agency", {}).items()}
    for raw in tables.get("agency", []):
        names.setdefault(id_map.get(raw["id"], raw["id"]), raw["name"])
    inserted = {i.row["id"]: i.row for i in plan.inserts if i.table == "product"}
    products = present.get("product", set())
    for product_id, role in sorted(remote_links, key=lambda k: (k[0], k[1] or "")):
        if role not in ("lead", "coord") or product_id not in products:
            continue
        remote_stamp = remote.fields.get(("product_agency", product_id, role))
        if remote_stamp is None:
            continue
        local_stamp = local.all.fields.get(("product_agency", product_id, role), ZERO)
        rows = sorted(by_key.get((product_id, role), []), key=lambda r: r["position"])
        remote_ids = [r["agency_id"] for r in rows]
        local_ids = [a for a, _p in here.get((product_id, role), [])]
        if remote_ids == local_ids:
            continue
        local_entries = local.unseen_links.get((product_id, role), [])
        product = existing.get("product", {}).get(product_id) or inserted.get(product_id) or {}
        row_label = label("product", product)
        old = [names.get(a, "?") for a in local_ids]
        if not local_entries:
            if remote_stamp <= local_stamp:
                continue
            plan.links.append(LinkChange(product_id, role, rows, old, [names.get(a, "?") for a in remote_ids],
                                         row_label))
            continue
        winner = "remote" if remote_stamp > local_stamp else "local"
        base_local = _undo_links(local_ids, local_entries, id_map)
        base_remote = _undo_links(remote_ids, remote_links[(product_id, role)], id_map)
        added_l, removed_l = set(local_ids) - base_local, base_local - set(local_ids)
        added_r, removed_r = set(remote_ids) - base_remote, base_remote - set(remote_ids)
        first, second = (remote_ids, local_ids) if winner == "remote" else (local_ids, remote_ids)
        merged = []
        for agency in first + second + sorted(base_local | base_remote):
            if agency in merged:
                continue
            mine = "add" if agency in added_l else "remove" if agency in removed_l else None
            theirs = "add" if agency in added_r else "remove" if agency in removed_r else None
            if mine and theirs and mine != theirs:
                verdict = theirs if winner == "remote" else mine
            else:
                verdict = mine or theirs
            if verdict == "add" or (verdict is None and agency in base_local):
                merged.append(agency)
        merged_rows = [{"product_id": product_id, "agency_id": a, "role": role, "position": i}
                       for i, a in enumerate(merged)]
        plan.links.append(LinkChange(product_id, role, merged_rows, old, [names.get(a, "?") for a in remote_ids],
                                     row_label, conflict=True, winner=winner, local_ids=local_ids,
                                     remote_ids=remote_ids, merged_names=[names.get(a, "?") for a in merged]))


def _plan_aliases(store, plan, tables, id_map, present) -> None:
    db = store.db
    taken = {r[0] for r in db.query("SELECT match_key FROM agency_alias")}
    taken |= {r[0] for r in db.query("SELECT match_key FROM agency")}
    for raw in tables.get("agency_alias", []):
        row = dict(raw)
        row["agency_id"] = id_map.get(row["agency_id"], row["agency_id"])
        if row["match_key"] in taken:
            continue
        if row["agency_id"] in present.get("agency", set()):
            plan.aliases.append(row)
            taken.add(row["match_key"])


def _entry_values(entry: dict, op_id=None) -> tuple:
    """A remote change-log entry as stored here; ``op_id``: the local operation that merged it."""
    return (entry.get("at") or changelog.now_iso(), int(entry["lamport"]), entry["origin"], entry.get("actor") or "",
            entry["entity"], entry["row_id"], entry["op"], entry.get("field"), entry.get("old_value"),
            entry.get("new_value"), op_id)


def _copy_entry(db, entry: dict) -> None:
    db.conn.execute(
        "INSERT INTO change_log(at, lamport, origin, actor, entity, row_id, op, field, old_value, new_value, op_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _entry_values(entry, getattr(db, "current_op", None)))


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
    """Apply a merge plan in one transaction (row writes batched per table).

    confirm: tombstone row ids to delete (True: all). choices: {(table, row_id, field): "local"|"remote"}
    for conflicts (default: the winner in the order of changes). skip: field keys not to take from the
    package now (kept as local value, written as a local change so the decision is not lost).
    Every listed conflict is stored in exchange_conflict (restorable with ``restore_conflict``)."""
    db = store.db
    if plan.needs_backup:
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
    conflict_table = db.query_one("SELECT 1 FROM sqlite_master WHERE name = 'exchange_conflict'") is not None
    try:
        with store.transaction():
            db.conn.executemany(
                "INSERT OR REPLACE INTO exchange_id_map(remote_id, entity, local_id) VALUES (?, ?, ?)",
                [(remote_id, entity, local_id) for remote_id, (entity, local_id) in plan.new_id_map.items()])
            batch: list = []
            batch_sql = None
            shapes: dict[tuple, tuple] = {}     # (table, row keys) -> (sql, getter)
            for insert in plan.inserts:     # tables in foreign-key order: one executemany per run
                shape = (insert.table, tuple(insert.row))
                if shape not in shapes:
                    columns = [c for c in infos[insert.table].columns if c in insert.row]
                    shapes[shape] = (f"INSERT INTO {insert.table} ({', '.join(columns)}) "
                                     f"VALUES ({', '.join('?' for _ in columns)})",
                                     operator.itemgetter(*columns) if len(columns) > 1 else
                                     (lambda row, c=columns[0]: (row[c],)))
                sql, getter = shapes[shape]
                if sql != batch_sql and batch:
                    db.conn.executemany(batch_sql, batch)
                    batch = []
                batch_sql = sql
                batch.append(getter(insert.row))
                result.inserted += 1
            if batch:
                db.conn.executemany(batch_sql, batch)
            link_rows = []
            db.conn.executemany("DELETE FROM product_agency WHERE product_id = ? AND role = ?",
                                [(link.product_id, link.role) for link in plan.links])
            for link in plan.links:
                link_rows.extend((row["product_id"], row["agency_id"], row["role"], row["position"])
                                 for row in link.rows)
                result.links += 1
            db.conn.executemany("INSERT OR IGNORE INTO product_agency(product_id, agency_id, role, position) "
                                "VALUES (?, ?, ?, ?)", link_rows)
            db.conn.executemany("INSERT OR IGNORE INTO agency_alias(match_key, alias, agency_id) VALUES (?, ?, ?)",
                                [(a["match_key"], a["alias"], a["agency_id"]) for a in plan.aliases])
            deferred = pending_keys | {_key(t.entry) for t in plan.tombstones if t.row_id in confirmed}
            # Only the entries whose effect this merge writes belong to its operation (undo replays their inverse):
            # the insert of a row mapped onto one of ours by its natural key, or a change that lost, was never
            # applied here, and undoing it would delete our own row or refuse the whole undo.
            inserted = {(i.table, i.row["id"]) for i in plan.inserts}
            taken = {c.key for c in plan.changes
                     if c.key not in skip and choices.get(c.key, c.winner) == "remote"}
            taken |= {lk.key for lk in plan.links}

            def applied(entry: dict) -> bool:
                row = (entry["entity"], entry["row_id"])
                if row in inserted or entry["entity"] not in infos and entry["entity"] != "product_agency":
                    return True
                if entry["op"] == "insert" and entry.get("field") is None:
                    return False
                return row + (entry.get("field"),) in taken
            op_id = getattr(db, "current_op", None)       # the local operation that merges (refreshes the window)
            db.conn.executemany(
                "INSERT INTO change_log(at, lamport, origin, actor, entity, row_id, op, field, old_value, new_value,"
                " op_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_entry_values(e, op_id if applied(e) else None) for e in plan.new_entries
                 if _key(e) not in deferred])  # tombstones: later
            changelog.tick(db, plan.max_lamport)
            updates: dict[tuple, list] = {}
            overrides = []
            for change in plan.changes:
                final = choices.get(change.key, change.winner)
                if change.key in skip:
                    final = "local"
                if final == "remote":
                    updates.setdefault((change.table, change.field), []).append((change.new, now, change.row_id))
                    result.updated += 1
                if final != change.winner:
                    overrides.append((change, final))
                if change.conflict and conflict_table:
                    _remember_conflict(db, plan, change.table, change.row_id, change.field, change.label,
                                       change.old, change.new, final, change.new if final == "remote" else change.old,
                                       now)
                    result.conflicts += 1
            for (table, column), rows in updates.items():
                db.conn.executemany(f"UPDATE {table} SET {column} = ?, updated_at = ?, version = version + 1 "
                                    f"WHERE id = ?", rows)
            for change, final in overrides:
                kept = change.new if final == "remote" else change.old
                other = change.old if final == "remote" else change.new
                if final == "local":
                    db.conn.execute(f"UPDATE {change.table} SET updated_at = ?, version = version + 1 WHERE id = ?",
                                    (now, change.row_id))
                changelog.record(db, change.table, change.row_id, "update", field=change.field, old=other,
                                 new=kept, actor=store.actor)
                result.overridden += 1
            for change in plan.lost:       # the peer's edits of rows deleted here: kept, listed, not applied
                if conflict_table:
                    _remember_conflict(db, plan, change.table, change.row_id, change.field, change.label,
                                       DELETED_HERE, change.new, "local", DELETED_HERE, now)
                    result.conflicts += 1
            for link in plan.link_conflicts:
                # the merged set is a new local change: it outranks both sides, so the peer takes it too
                for agency_id in link.local_ids:
                    changelog.record(db, "product_agency", link.product_id, "delete", field=link.role,
                                     old={"agency_id": agency_id}, actor=store.actor)
                for row in link.rows:
                    changelog.record(db, "product_agency", link.product_id, "insert", field=link.role,
                                     new={"agency_id": row["agency_id"], "position": row["position"]},
                                     actor=store.actor)
                if conflict_table:
                    _remember_conflict(
                        db, plan, "product_agency", link.product_id, link.role, link.label,
                        {"names": link.old_names, "ids": link.local_ids},
                        {"names": link.new_names, "ids": link.remote_ids}, "merged",
                        {"names": link.merged_names, "ids": [r["agency_id"] for r in link.rows]}, now)
                    result.conflicts += 1
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
            # the import, undone with the merge's operation (ops.undo swaps state/prior_state); a merge that brings
            # nothing new leaves an earlier import's record (and whether it was undone) as it is
            db.conn.execute(
                "INSERT OR " + ("IGNORE" if plan.is_empty else "REPLACE") + " INTO exchange_import(sha256, kind, "
                "fingerprint, file_name, summary, imported_at, state, op_id, prior_state) "
                "VALUES (?, 'package', ?, ?, ?, ?, 'applied', ?, 'undone')",
                (package.sha256, str(package.manifest.get("fingerprint", "")), package.path.name, plan.summary(), now,
                 op_id or ""))
            if package.holds is not None:     # a sync-folder package: we now hold what its writer held
                raise_holds(db, package.holds)
    except sqlite3.Error as exc:
        raise ExchangeError(f"Không ghi được dữ liệu từ gói «{plan.package.path.name}» vào cơ sở dữ liệu: {exc}. "
                            "Cơ sở dữ liệu không đổi.",
                            code="db") from exc
    return result


def _remember_conflict(db, plan: MergePlan, entity: str, row_id: str, field_name: str, label: str,
                       local_value, remote_value, applied: str, applied_value, now: str) -> None:
    # recorded by the merge's operation: undoing the merge withdraws it (state 'undone'), redo brings it back
    db.conn.execute(
        "INSERT INTO exchange_conflict(id, package_sha256, entity, row_id, field, label, local_value, remote_value, "
        "applied, applied_value, created_at, op_id, prior_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'undone')",
        (changelog.new_id(), plan.package.sha256, entity, row_id, field_name, label,
         json.dumps(local_value, ensure_ascii=False), json.dumps(remote_value, ensure_ascii=False), applied,
         json.dumps(applied_value, ensure_ascii=False), now, getattr(db, "current_op", None) or ""))


@dataclass
class Conflict:
    """A conflict kept from an earlier merge (exchange_conflict row, values decoded)."""

    id: str
    entity: str
    row_id: str
    field: str
    label: str
    local_value: object
    remote_value: object
    applied: str
    applied_value: object
    created_at: str
    state: str

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def restorable(self) -> str:
        """Which side restore_conflict brings back by default: the one that was not applied."""
        return "remote" if self.applied == "local" else "local"

    def text(self, value) -> str:
        """A value of this conflict's field as the user reads it (``value_text``)."""
        return value_text(self.field, value)


def _current_label(store: Store, labels: _Labels, entity: str, row_id: str, stored: str) -> str:
    """The row's label worked out now (a conflict recorded before rows were named keeps its id otherwise); the
    label stored at merge time for a row that no longer exists."""
    table = "product" if entity == "product_agency" else entity
    try:
        row = store.get_row(table, row_id)
    except sqlite3.Error:
        row = None
    return (labels(table, row) or stored) if row else stored


def list_conflicts(store: Store, state: str | None = "open") -> list[Conflict]:
    """Conflicts kept from merges, newest first (state None: all); labels worked out at display time."""
    sql = "SELECT * FROM exchange_conflict" + (" WHERE state = ?" if state else "") + " ORDER BY created_at DESC, id"
    labels = _Labels(store)         # the task citations read once for the whole list
    return [Conflict(r["id"], r["entity"], r["row_id"], r["field"],
                     _current_label(store, labels, r["entity"], r["row_id"], r["label"]), _decode(r["local_value"]),
                     _decode(r["remote_value"]), r["applied"], _decode(r["applied_value"]), r["created_at"],
                     r["state"]) for r in store.db.query(sql, (state,) if state else ())]


def restore_conflict(store: Store, conflict_id: str, keep: str | None = None) -> Conflict:
    """Bring back the value a merge did not apply (keep: "local" or "remote"; default: the loser), as a
    new logged change (undoable like any edit, and it wins at the next exchange). Raises ExchangeError."""
    found = [c for c in list_conflicts(store, None) if c.id == conflict_id]
    if not found:
        raise ExchangeError("Không tìm thấy xung đột này (mã không đúng?).", code="conflict")
    conflict = found[0]
    if conflict.state == "undone":
        raise ExchangeError(f"Việc nhập gói đã ghi nhận xung đột «{conflict.label}» — {conflict.field_label} đã được "
                            f"hoàn tác; không có gì để khôi phục (nhập lại gói và bấm «{REAPPLY}» để áp dụng lại).",
                            code="conflict")
    keep = keep or conflict.restorable
    if keep not in ("local", "remote"):
        raise ValueError(keep)
    value = conflict.local_value if keep == "local" else conflict.remote_value
    with store.transaction():
        if conflict.entity == "product_agency":
            if store.row("product", conflict.row_id) is None:
                raise ExchangeError(f"Sản phẩm «{conflict.label}» không còn; không khôi phục được.", code="conflict")
            names = [n for n in (value or {}).get("names", []) if n and n != "?"]
            store.set_agencies(conflict.row_id, conflict.field, names)
        else:
            current = store.get_row(conflict.entity, conflict.row_id)
            if current is None:
                raise ExchangeError(f"{TABLE_LABELS.get(conflict.entity, conflict.entity)} «{conflict.label}» "
                                    f"không còn ở máy này (đã bị xóa); không khôi phục được giá trị "
                                    f"«{conflict.text(value)}». Hãy khôi phục dòng đó trước (Hoàn tác việc xóa, "
                                    f"hoặc khôi phục bản sao lưu), rồi khôi phục lại giá trị này.", code="conflict")
            if value == DELETED_HERE:
                raise ExchangeError(f"Giá trị ở máy này của «{conflict.label}» là việc xóa dòng; dòng đã có lại, "
                                    f"không có gì để khôi phục.", code="conflict")
            if conflict.entity == "product_status" and conflict.field in STATUS_FIELDS:
                try:       # through the tracking rules (percent of a finished item, reason, …)
                    set_status(store, current["product_id"], current["period_key"], **{conflict.field: value})
                except StatusError as exc:
                    raise ExchangeError(f"Không khôi phục được {conflict.field_label.lower()} của "
                                        f"«{conflict.label}»: {exc}", code="conflict") from exc
            else:
                store.update_row(conflict.entity, conflict.row_id, {conflict.field: value}, current)
        # undoing the restore's operation opens the conflict again (ops.undo swaps state/prior_state)
        store.db.conn.execute("UPDATE exchange_conflict SET prior_state = state, state = 'restored', op_id = ?, "
                              "decided_at = ? WHERE id = ?",
                              (getattr(store.db, "current_op", None) or "", changelog.now_iso(), conflict_id))
    conflict.state = "restored"
    return conflict


def _remember_tombstone(db, tomb: Tombstone, now: str) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO exchange_tombstone(id, entity, row_id, lamport, origin, entry, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (changelog.new_id(), tomb.table, tomb.row_id, int(tomb.entry["lamport"]), tomb.entry["origin"],
         json.dumps(tomb.entry, ensure_ascii=False), now))


def pending_tombstones(store: Store) -> list[Tombstone]:
    """Deletions received earlier and not yet confirmed or rejected (rows still present)."""
    found = []
    labels = _Labels(store)
    for r in store.db.query("SELECT * FROM exchange_tombstone WHERE state = 'pending' ORDER BY lamport"):
        current = store.db.query_one(f"SELECT * FROM {r['entity']} WHERE id = ?", (r["row_id"],))
        if current is not None:
            found.append(Tombstone(r["entity"], r["row_id"], json.loads(r["entry"]),
                                   labels(r["entity"], dict(current))))
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
