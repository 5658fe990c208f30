"""Stored status rows, per-plan report settings, bulk updates and row history (logged writes)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from .. import changelog
from ..deadlines import Deadline, parse_deadline
from ..store import Store, StoreError
from ..text import shorten
from . import _rows
from .periods import ReportSettings, parse_period_key
from .timeliness import (DONE, DONE_LATE, NOT_DONE, NOT_STARTED, STATUS_LABELS, STATUSES, derive_status,
                         due_for, key_for, legacy_key, tracking_keys)

STATUS_FIELDS = ("status", "percent", "completed_on", "result", "reason", "notes")
_SETTINGS_FIELDS = tuple(ReportSettings.__dataclass_fields__)


class StatusError(StoreError):
    """A refused status change (Vietnamese message)."""


# -- settings ---------------------------------------------------------------------------------
def get_settings(store: Store, plan_id: str) -> ReportSettings:
    row = store.db.query_one("SELECT * FROM tracking_settings WHERE plan_id = ?", (plan_id,))
    if row is None:
        return ReportSettings()
    return ReportSettings(**{k: row[k] for k in _SETTINGS_FIELDS})


def set_settings(store: Store, plan_id: str, **fields) -> dict:
    """Change report due days for a plan (creates the settings row). Returns old values."""
    unknown = set(fields) - set(_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    with store.transaction():
        row = store.db.query_one("SELECT * FROM tracking_settings WHERE plan_id = ?", (plan_id,))
        if row is None:
            values = {**asdict(ReportSettings()), **fields, "plan_id": plan_id}
            _rows.insert(store, "tracking_settings", values)
            return {}
        return _rows.update(store, "tracking_settings", row["id"], fields, dict(row))


# -- product context --------------------------------------------------------------------------
@dataclass(frozen=True)
class ProductContext:
    product_id: str
    plan_id: str
    year_start: int
    year_end: int
    deadline: Deadline

    def keys(self) -> list[str]:
        return tracking_keys(self.deadline, self.year_start, self.year_end)

    def key_for(self, reporting_key: str | None, ref: date | None = None) -> str:
        if reporting_key is None:
            ref = ref or date.today()
            reporting_key = str(min(max(ref.year, self.year_start), self.year_end))
        return key_for(self.deadline, self.year_start, self.year_end, reporting_key, ref)


def product_context(store: Store, product_id: str) -> ProductContext:
    row = store.db.query_one(
        "SELECT p.deadline_text, pl.id AS plan_id, pl.year_start, pl.year_end FROM product p "
        "JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "JOIN plan pl ON pl.id = s.plan_id WHERE p.id = ?", (product_id,))
    if row is None:
        raise StatusError("Không tìm thấy sản phẩm (có thể đã bị xóa).")
    return ProductContext(product_id, row["plan_id"], row["year_start"], row["year_end"],
                          parse_deadline(row["deadline_text"], row["year_start"], row["year_end"]))


# -- reading ------------------------------------------------------------------------------------
def empty_status(product_id: str, period_key: str) -> dict:
    return {"id": None, "product_id": product_id, "period_key": period_key, "status": NOT_STARTED,
            "percent": 0, "completed_on": "", "result": "", "reason": "", "notes": "", "updated_by": "",
            "created_at": "", "updated_at": "", "version": 0}


def get_status(store: Store, product_id: str, period_key: str, ctx: ProductContext | None = None) -> dict:
    """The stored row, or an unsaved row (id None): for an occurrence of a multi-occurrence product without a row
    of its own, the values of its legacy one-off row (``timeliness.stored_row``; the row then tells that key in
    ``inherited_from`` and its update time in ``inherited_updated_at``); else status Chưa triển khai."""
    row = store.db.query_one("SELECT * FROM product_status WHERE product_id = ? AND period_key = ?",
                             (product_id, period_key))
    if row:
        return dict(row)
    if "-Q" in period_key:
        try:
            ctx = ctx or product_context(store, product_id)
        except StatusError:
            ctx = None
        legacy = legacy_key(ctx.deadline, ctx.year_start) if ctx else None
        old = store.db.query_one("SELECT * FROM product_status WHERE product_id = ? AND period_key = ?",
                                 (product_id, legacy)) if legacy else None
        if old:
            # inherited_*: where the values come from (the detail pane names it)
            return {**dict(old), "id": None, "period_key": period_key, "created_at": "", "updated_at": "",
                    "version": 0, "inherited_from": legacy, "inherited_updated_at": old["updated_at"]}
    return empty_status(product_id, period_key)


def list_statuses(store: Store, product_id: str) -> list[dict]:
    return [dict(r) for r in store.db.query(
        "SELECT * FROM product_status WHERE product_id = ? ORDER BY period_key", (product_id,))]


_STATUS_COLUMNS = ("product_id", "period_key", "status", "percent", "completed_on", "result", "updated_by",
                   "updated_at")
_IN_CHUNK = 500    # ids per "IN (…)" (well under SQLite's limit on bound parameters)


def status_rows(store: Store, plan_id: str, product_ids=None) -> dict[str, dict[str, dict]]:
    """The recorded statuses of a plan (or of some of its products): {product id: {period key: row}}, with
    the fields the table and the roll-ups classify by.

    Given many product ids — e.g. every live product of a loaded plan, what the appendix table asks for — they
    are read by one scan of the status table, the rows of other products skipped, when the ids are at least half
    as many as the file's status rows (20,000 tasks, 15,926 statuses: 75 → 20 ms of SQL; the join from the plan
    or an index search per id costs several times a row read); fewer ids by index, a few hundred at a time."""
    sql = "SELECT " + ", ".join(f"ps.{c}" for c in _STATUS_COLUMNS) + " FROM product_status ps "
    if product_ids is None:
        rows = _tuples(store, sql + "JOIN product p ON p.id = ps.product_id JOIN task t ON t.id = p.task_id "
                       "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?", (plan_id,))
    else:
        ids = list(product_ids)
        if ids and len(ids) * 2 >= store.db.query_one("SELECT COUNT(*) FROM product_status")[0]:
            wanted = set(ids)
            rows = [r for r in _tuples(store, sql) if r[0] in wanted]
        else:
            rows = []
            for at in range(0, len(ids), _IN_CHUNK):
                chunk = ids[at:at + _IN_CHUNK]
                rows += _tuples(store, sql + f"WHERE ps.product_id IN ({', '.join('?' for _ in chunk)})", chunk)
    found: dict[str, dict[str, dict]] = {}
    columns = _STATUS_COLUMNS
    for r in rows:
        per_key = found.get(r[0])
        if per_key is None:
            per_key = found[r[0]] = {}
        per_key[r[1]] = dict(zip(columns, r))
    return found


def _tuples(store: Store, sql: str, params=()) -> list[tuple]:
    """Plain tuples (no sqlite3.Row: a third of the time of a large read)."""
    with store.db._lock:
        cursor = store.db.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()


# -- validation & writing -----------------------------------------------------------------------
def _iso(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise StatusError(f"Ngày không hợp lệ: «{value}» (cần dạng năm-tháng-ngày).") from exc


def normalise(row: dict, due: date | None) -> dict:
    """Validate and complete a status row; raises StatusError with a Vietnamese message."""
    row = dict(row)
    status = row.get("status") or NOT_STARTED
    if status not in STATUSES:
        raise StatusError(f"Trạng thái không hợp lệ: {status}")
    row["completed_on"] = _iso(row.get("completed_on"))
    try:
        percent = int(row.get("percent") or 0)
    except (TypeError, ValueError) as exc:
        raise StatusError("Tỷ lệ hoàn thành phải là số từ 0 đến 100.") from exc
    if not 0 <= percent <= 100:
        raise StatusError("Tỷ lệ hoàn thành phải là số từ 0 đến 100.")
    for text_field in ("result", "reason", "notes"):
        row[text_field] = (row.get(text_field) or "").strip()
    if status == NOT_DONE and not row["reason"]:
        raise StatusError("Trạng thái «Không thực hiện» bắt buộc phải ghi rõ lý do.")
    if status in (DONE, DONE_LATE):
        if not row["completed_on"]:
            raise StatusError(f"Trạng thái «{STATUS_LABELS[status]}» cần có ngày hoàn thành.")
        try:
            status = derive_status(status, date.fromisoformat(row["completed_on"]), due)
        except ValueError as exc:
            raise StatusError(
                f"Ngày hoàn thành {date.fromisoformat(row['completed_on']):%d/%m/%Y} không trễ so với thời hạn "
                f"{due:%d/%m/%Y}: hãy chọn «Hoàn thành».") from exc
        percent = 100
    else:
        row["completed_on"] = ""
        if status != NOT_DONE:
            row["reason"] = ""
    row["status"] = status
    row["percent"] = percent
    return row


def _write(store: Store, ctx: ProductContext, key: str, fields: dict) -> dict | None:
    """Merge, validate and store one status row (inside a transaction). Returns the old row or None."""
    unknown = set(fields) - set(STATUS_FIELDS)
    if unknown:
        raise ValueError(f"unknown status fields: {sorted(unknown)}")
    parse_period_key(key)
    current = get_status(store, ctx.product_id, key, ctx)
    merged = {**current, **fields}
    if "status" not in fields and current["status"] in (DONE, DONE_LATE):
        merged["status"] = DONE        # re-derive on time / late from the (new) completion date
    merged = normalise(merged, due_for(ctx.deadline, key))
    values = {k: merged[k] for k in STATUS_FIELDS}
    if current["id"] is None:
        _rows.insert(store, "product_status", {"product_id": ctx.product_id, "period_key": key,
                                               **values, "updated_by": store.actor})
        return None
    if all(current[k] == values[k] for k in STATUS_FIELDS):
        return current
    _rows.update(store, "product_status", current["id"], {**values, "updated_by": store.actor}, current)
    return current


def set_status(store: Store, product_id: str, period_key: str | None = None, *, ref: date | None = None,
               **fields) -> dict:
    """Set status fields of one product in one period (reporting or tracking key; None = current).

    fields: status, percent, completed_on (date or ISO text), result, reason, notes.
    Returns the stored row after the change.
    """
    ctx = product_context(store, product_id)
    key = ctx.key_for(period_key, ref)
    with store.transaction():
        _write(store, ctx, key, fields)
    return get_status(store, product_id, key)


# -- bulk update (one transaction, undoable) -------------------------------------------------------
@dataclass
class StatusChange:
    """What one product looked like before a bulk update (to undo it)."""

    product_id: str
    period_key: str
    before: dict | None                  # None: the status row did not exist
    evidence_ids: list[str] = field(default_factory=list)


def bulk_update(store: Store, product_ids: list[str], period_key: str | None, *, ref: date | None = None,
                evidence: dict | None = None, **fields) -> list[StatusChange]:
    """Set the same status fields (and optionally add the same evidence document) on several products
    in ONE transaction: either every product is changed or none. ``period_key`` is a reporting-period
    key mapped per product (one-off products use their single row). Returns what to undo."""
    from .evidence import add_evidence_row, prepare_file

    prepared = prepare_file(store, evidence.get("source_file")) if evidence and evidence.get("source_file") \
        else None
    changes: list[StatusChange] = []
    with store.transaction():
        for product_id in dict.fromkeys(product_ids):
            ctx = product_context(store, product_id)
            key = ctx.key_for(period_key, ref)
            try:
                before = _write(store, ctx, key, fields) if fields else get_status(store, product_id, key)
            except StatusError as exc:
                raise StatusError(f"{exc} (sản phẩm: {_describe(store, product_id)})") from exc
            change = StatusChange(product_id, key, None if before is None or before["id"] is None else before)
            if evidence:
                meta = {k: v for k, v in evidence.items() if k != "source_file"}
                change.evidence_ids.append(add_evidence_row(store, product_id, key, prepared=prepared, **meta))
            changes.append(change)
    return changes


def undo_bulk(store: Store, changes: list[StatusChange]) -> None:
    """Put back what `bulk_update` changed (logged like any change, one transaction)."""
    with store.transaction():
        for change in reversed(changes):
            for evidence_id in change.evidence_ids:
                _rows.delete(store, "evidence", evidence_id)
            row = store.db.query_one("SELECT * FROM product_status WHERE product_id = ? AND period_key = ?",
                                     (change.product_id, change.period_key))
            if change.before is None:
                if row is not None:
                    _rows.delete(store, "product_status", row["id"])
            elif row is not None:
                _rows.update(store, "product_status", row["id"],
                             {k: change.before[k] for k in (*STATUS_FIELDS, "updated_by")}, dict(row))
            else:
                _rows.insert(store, "product_status", {k: v for k, v in change.before.items()
                                                       if k not in ("created_at", "updated_at", "version")})


def _describe(store: Store, product_id: str) -> str:
    row = store.db.query_one("SELECT description FROM product WHERE id = ?", (product_id,))
    text = (row[0] if row else "") or product_id
    return shorten(text, 60)


# -- history ----------------------------------------------------------------------------------------
FIELD_LABELS = {
    "status": "Trạng thái", "percent": "Tỷ lệ hoàn thành (%)", "completed_on": "Ngày hoàn thành",
    "result": "Kết quả thực hiện", "reason": "Lý do", "notes": "Ghi chú", "updated_by": "Người cập nhật",
    "description": "Sản phẩm", "deadline_text": "Thời gian thực hiện", "doc_type": "Loại văn bản",
    "doc_number": "Số, ký hiệu", "issued_on": "Ngày ban hành", "summary": "Trích yếu",
    "file_name": "Tệp đính kèm", "lead": "Cơ quan chủ trì", "coord": "Cơ quan phối hợp",
    "position": "Thứ tự", "period_key": "Kỳ",
}
ENTITY_LABELS = {"product": "Sản phẩm", "product_status": "Tình trạng", "evidence": "Minh chứng",
                 "product_agency": "Cơ quan", "target": "Chỉ tiêu", "target_actual": "Kết quả chỉ tiêu",
                 "tracking_settings": "Cài đặt báo cáo"}


def product_history(store: Store, product_id: str, limit: int = 1000) -> list[dict]:
    """Newest first: every logged change of a product row, its status rows and its evidence
    (including rows deleted since). Items are change_log rows with decoded old/new values."""
    like = f'%"{product_id}"%'
    ids = {product_id}
    for r in store.db.query(
            "SELECT DISTINCT row_id FROM change_log WHERE entity IN ('product_status', 'evidence') "
            "AND op IN ('insert', 'delete') AND (new_value LIKE ? OR old_value LIKE ?)", (like, like)):
        ids.add(r[0])
    marks = ", ".join("?" for _ in ids)
    return changelog.decode_rows(store.db.query(
        f"SELECT * FROM change_log WHERE row_id IN ({marks}) ORDER BY seq DESC LIMIT ?", (*ids, limit)))
