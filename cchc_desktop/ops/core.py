"""Operations: one user action = one transaction whose change-log entries carry one op id.

`run(store, label, action, ...)` runs `action` in one transaction with every `changelog.record` of it
stamped with a new op id, and returns an `OpResult` (op id, label, the changed rows, the action's return
value). `undo(store, op_id)` replays the inverse of those entries, newest first, as a new operation (so an
undo is an ordinary logged change that the USB exchange carries like any other); `redo` is the undo of
that undo. An undo refuses (`OpConflict`, nothing written) when a row it would restore has been changed
since by something else (an import, a merge, another PC's package).
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable

from .. import changelog
from ..agencies import clean_name, match_key
from ..errors import UserError

# columns that are bookkeeping: never a reason to refuse an undo
_BOOKKEEPING = {"updated_at", "version", "position", "updated_by"}


class OpConflict(UserError):
    """An undo/redo that would overwrite a change made since (nothing is written)."""


@dataclass(frozen=True)
class Change:
    """One logged change of an operation: table, row id, insert/update/delete and the field (updates,
    agency links: the role)."""

    entity: str
    row_id: str
    op: str
    field: str | None = None


@dataclass
class OpResult:
    op_id: str
    label: str
    changes: tuple[Change, ...] = ()
    value: Any = None
    products: frozenset[str] = frozenset()   # product rows whose data, links, status or evidence changed

    def __bool__(self) -> bool:   # an operation that changed nothing is falsy
        return bool(self.changes)

    def ids(self, *entities: str) -> set[str]:
        """Ids of the rows of these tables that the operation touched (all tables when none given)."""
        return {c.row_id for c in self.changes if not entities or c.entity in entities}

    def entities(self) -> set[str]:
        return {c.entity for c in self.changes}

    def structural(self) -> bool:
        """Rows of the plan hierarchy added, removed or moved (the table must be rebuilt)."""
        return any((c.entity in ("plan", "section", "task", "product") and c.op != "update")
                   or c.field in ("position", "section_id", "task_id", "plan_id") for c in self.changes)


@contextmanager
def operation(store):
    """The op id of the running operation; starts one (one transaction) unless one is running, in which
    case the caller's changes join it (so ops compose into one undo step)."""
    db = store.db
    running = getattr(db, "current_op", None)
    if running is not None:
        with store.transaction():
            yield running
        return
    op_id = changelog.new_id()
    db.current_op = op_id
    try:
        with store.transaction():
            yield op_id
    finally:
        db.current_op = None


def changes_of(store, op_id: str) -> tuple[Change, ...]:
    return tuple(Change(r["entity"], r["row_id"], r["op"], r["field"]) for r in store.db.query(
        "SELECT entity, row_id, op, field FROM change_log WHERE op_id = ? ORDER BY seq", (op_id,)))


def products_of(store, op_id: str) -> frozenset[str]:
    """Ids of the product rows an operation touched: the row itself, its agency links, statuses, evidence."""
    found = set()
    for entry in changelog.decode_rows(store.db.query(
            "SELECT entity, row_id, op, old_value, new_value FROM change_log WHERE op_id = ? AND entity IN "
            "('product', 'product_agency', 'product_status', 'evidence')", (op_id,))):
        if entry["entity"] in ("product", "product_agency"):
            found.add(entry["row_id"])
            continue
        for value in (entry["new_value"], entry["old_value"]):
            if isinstance(value, dict) and value.get("product_id"):
                found.add(value["product_id"])
        row = store.get_row(entry["entity"], entry["row_id"])
        if row is not None:
            found.add(row["product_id"])
    return frozenset(found)


def result_of(store, op_id: str, label: str, value=None) -> OpResult:
    return OpResult(op_id, label, changes_of(store, op_id), value, products_of(store, op_id))


def run(store, label: str, action: Callable, /, *args, **kwargs) -> OpResult:
    """Run `action(*args, **kwargs)` as one operation; returns what it changed and its value."""
    with operation(store) as op_id:
        value = action(*args, **kwargs)
    return result_of(store, op_id, label, value)


def run_with_backup(store, reason: str, label: str, action: Callable, /, *args, **kwargs) -> OpResult:
    """`run` after a backup of the database (imports, merges: cchc_desktop.backup reasons); the backup
    is taken before the operation's transaction opens (inside one it would be skipped)."""
    from ..backup import backup_before_change
    backup_before_change(store, reason)
    return run(store, label, action, *args, **kwargs)


def op_function(function: Callable) -> Callable:
    """Mark a function that runs its own operation and returns an OpResult (the UI calls it as is)."""
    function.is_op = True
    return function


def undo(store, op_id: str, label: str = "Hoàn tác") -> OpResult:
    """Put back what operation `op_id` changed, as a new operation (its result's op id is what `redo` takes)."""
    entries = changelog.decode_rows(store.db.query(
        "SELECT * FROM change_log WHERE op_id = ? ORDER BY seq DESC", (op_id,)))

    def inverse():
        for entry in entries:
            _invert(store, entry)
        _swap_states(store.db, op_id)
    try:
        return run(store, label, inverse)
    except sqlite3.IntegrityError as exc:   # e.g. a row added since refers to a row the undo removes
        raise OpConflict(_CONFLICT) from exc


def redo(store, undo_op_id: str, label: str = "Làm lại") -> OpResult:
    """Apply again what an undo put back: the undo of the undo."""
    return undo(store, undo_op_id, label)


_CONFLICT = ("Không hoàn tác được: dữ liệu liên quan đã bị thay đổi sau đó (nhập tệp, gói trao đổi hoặc "
             "thao tác khác). Không có gì bị thay đổi.")


# Local bookkeeping an operation sets that is not in the change log (never exchanged): the conflicts a merge
# recorded, the package or workbook it marked imported. Each row names the operation that last set its state (op_id)
# and the state before it (prior_state, '' = none); undoing that operation swaps the two and hands the row to the
# undo, so its redo swaps them back (db/migrations/0012_undone_imports.sql). One UPDATE per table, by an index.
OP_STATE_TABLES = ("exchange_conflict", "exchange_import")


def _swap_states(db, op_id: str) -> None:
    undo_id = db.current_op
    for table in OP_STATE_TABLES:
        db.conn.execute(f"UPDATE {table} SET state = prior_state, prior_state = state, op_id = ? "
                        f"WHERE op_id = ? AND prior_state != ''", (undo_id, op_id))


def _same(a, b) -> bool:
    if a == b:
        return True
    if a is None or b is None:
        return False
    return str(a) == str(b)


def _invert(store, entry: dict) -> None:
    table, row_id, kind, name = entry["entity"], entry["row_id"], entry["op"], entry["field"]
    old, new = entry["old_value"], entry["new_value"]
    db = store.db
    if table == "product_agency":
        link = new if kind == "insert" else old
        exists = db.query_one("SELECT 1 FROM product_agency WHERE product_id = ? AND agency_id = ? AND role = ?",
                              (row_id, link["agency_id"], name))
        if kind == "insert":
            if not exists:
                raise OpConflict(_CONFLICT)
            store._unlink(row_id, link["agency_id"], name)
        elif kind == "delete":
            if exists:
                raise OpConflict(_CONFLICT)
            store._link(row_id, link["agency_id"], name, int(link.get("position") or 0))
        return
    if table == "agency_alias":
        alias = new if kind == "insert" else old
        key = match_key(alias)
        if kind == "insert":
            db.conn.execute("DELETE FROM agency_alias WHERE match_key = ?", (key,))
            changelog.record(db, "agency_alias", row_id, "delete", field="alias", old=alias, actor=store.actor)
        elif kind == "delete":
            db.conn.execute("INSERT OR REPLACE INTO agency_alias(match_key, alias, agency_id) VALUES (?, ?, ?)",
                            (key, clean_name(alias), row_id))
            changelog.record(db, "agency_alias", row_id, "insert", field="alias", new=alias, actor=store.actor)
        return
    current = store.get_row(table, row_id)
    if kind == "insert":
        if current is None or any(ids for _child, ids in store._children(table, row_id)):
            raise OpConflict(_CONFLICT)
        store._delete_attached(table, row_id)
        store.delete_row(table, row_id)
    elif kind == "update":
        if current is None or (name not in _BOOKKEEPING and not _same(current.get(name), new)):
            raise OpConflict(_CONFLICT)
        store.update_row(table, row_id, {name: old}, current)
    elif kind == "delete":
        if current is not None:
            raise OpConflict(_CONFLICT)
        store.insert_row(table, {k: v for k, v in old.items() if k != "updated_at"})


__all__ = ["Change", "OpConflict", "OpResult", "changes_of", "op_function", "operation", "products_of", "redo",
           "result_of", "run", "run_with_backup", "undo"]
