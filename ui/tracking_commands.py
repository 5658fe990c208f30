"""Undo commands for the tracking tables (targets and their actual values, evidence, report settings).

Every step is written to SQLite at once (logged in change_log like any change); undo writes the
previous values back. Rows removed by an undo are snapshotted and re-inserted with their original
ids by the next redo, so later commands on the stack still find them.

`run(command, undo_stack)` pushes the command (or runs it without a stack) and returns the error
message of a refused change (the command is then dropped from the stack), else None.
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from cchc_desktop.db import DatabaseError
from cchc_desktop.store import StoreError
from cchc_desktop.tracking import delete_evidence, delete_target

# rows attached to a row of these tables (deleted and restored with it)
_CHILDREN = {"target": ("target_actual", "target_id")}
_DELETE = {"target": delete_target, "evidence": delete_evidence}


def take_rows(store, table: str, row_id: str) -> list[tuple[str, dict]]:
    """The row and its attached rows, to put back with `put_rows`."""
    row = store.get_row(table, row_id)
    if row is None:
        return []
    rows = [(table, row)]
    if table in _CHILDREN:
        child, column = _CHILDREN[table]
        rows += [(child, dict(r)) for r in store.db.query(f"SELECT * FROM {child} WHERE {column} = ?",
                                                          (row_id,))]
    return rows


def put_rows(store, rows: list[tuple[str, dict]]) -> None:
    with store.transaction():
        for table, row in rows:
            store.insert_row(table, {k: v for k, v in row.items() if k not in ("updated_at", "version")})


class TrackingCommand(QUndoCommand):
    """Base: runs each step in one transaction; a refused step sets `error` and makes the command
    obsolete (QUndoStack then drops it); `on_change()` runs after every successful step."""

    def __init__(self, store, text: str, on_change=None):
        super().__init__(text)
        self.store = store
        self.on_change = on_change
        self.error: str | None = None

    def _step(self, action) -> None:
        try:
            with self.store.transaction():
                action()
        except (StoreError, DatabaseError, ValueError) as exc:
            self.error = str(exc)
            self.setObsolete(True)
            return
        self.error = None
        if self.on_change is not None:
            self.on_change()

    def redo(self):
        self._step(self.do)

    def undo(self):
        self._step(self.undo_it)

    def do(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def undo_it(self):  # pragma: no cover - abstract
        raise NotImplementedError


class CreateRowsCommand(TrackingCommand):
    """Rows made by `create() -> [ids]` the first time; undo deletes them, redo restores them."""

    def __init__(self, store, text: str, table: str, create, on_change=None):
        super().__init__(store, text, on_change)
        self.table, self._create = table, create
        self.ids: list[str] = []
        self._shots: list[list[tuple[str, dict]]] | None = None

    def do(self):
        if self._shots is None:
            self.ids = list(self._create())
        else:
            for shot in self._shots:
                put_rows(self.store, shot)

    def undo_it(self):
        self._shots = [take_rows(self.store, self.table, row_id) for row_id in self.ids]
        for row_id in reversed(self.ids):
            _DELETE[self.table](self.store, row_id)


class DeleteRowsCommand(TrackingCommand):
    def __init__(self, store, text: str, table: str, ids: list[str], on_change=None):
        super().__init__(store, text, on_change)
        self.table, self.ids = table, list(ids)
        self._shots: list[list[tuple[str, dict]]] = []

    def do(self):
        self._shots = [take_rows(self.store, self.table, row_id) for row_id in self.ids]
        for row_id in self.ids:
            _DELETE[self.table](self.store, row_id)

    def undo_it(self):
        for shot in self._shots:
            put_rows(self.store, shot)


class UpdateRowCommand(TrackingCommand):
    """A change made by `change()` (which validates, copies files…) the first time; undo and redo
    write the row's values from before / after it."""

    def __init__(self, store, text: str, table: str, row_id: str, change, on_change=None):
        super().__init__(store, text, on_change)
        self.table, self.row_id, self._change = table, row_id, change
        self.before: dict | None = None
        self.after: dict | None = None

    def _fields(self, values: dict) -> dict:
        return {k: v for k, v in values.items() if k not in ("id", "created_at", "updated_at", "version")}

    def do(self):
        if self.after is None:
            self.before = self.store.get_row(self.table, self.row_id)
            self._change()
            self.after = self.store.get_row(self.table, self.row_id)
        else:
            self.store.update_row(self.table, self.row_id, self._fields(self.after))

    def undo_it(self):
        self.store.update_row(self.table, self.row_id, self._fields(self.before))


class CallCommand(TrackingCommand):
    """do()/undo() given as two functions (e.g. set_actual with the new / the old value)."""

    def __init__(self, store, text: str, do, undo, on_change=None):
        super().__init__(store, text, on_change)
        self._do, self._undo = do, undo

    def do(self):
        self._do()

    def undo_it(self):
        self._undo()


def run(command: TrackingCommand, undo_stack=None) -> str | None:
    """Apply `command` (pushed on `undo_stack` when given). Returns the refusal message or None."""
    if undo_stack is not None:
        undo_stack.push(command)
    else:
        command.redo()
    return command.error
