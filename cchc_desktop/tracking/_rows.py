"""Logged row writes for the tracking tables (every change goes to change_log)."""
from __future__ import annotations

from .. import changelog
from ..store import Store, StoreError

TABLES = ("tracking_settings", "product_status", "evidence", "target", "target_actual")


def get(store: Store, table: str, row_id: str) -> dict | None:
    assert table in TABLES
    found = store.db.query_one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    return dict(found) if found else None


def insert(store: Store, table: str, values: dict) -> dict:
    """Insert (inside the caller's transaction) and log the whole new row."""
    assert table in TABLES
    stamp = changelog.now_iso()
    row = {"id": values.get("id") or changelog.new_id(), "created_at": stamp, "updated_at": stamp,
           **{k: v for k, v in values.items() if k != "id"}}
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    store.db.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
    changelog.record(store.db, table, row["id"], "insert", new=row, actor=store.actor)
    return row


def update(store: Store, table: str, row_id: str, fields: dict, current: dict | None = None) -> dict:
    """Update changed fields, bump version, log each field. Returns {field: old value}."""
    assert table in TABLES
    current = current if current is not None else get(store, table, row_id)
    if current is None:
        raise StoreError("Dòng dữ liệu không còn tồn tại (có thể đã bị xóa).")
    changed = {k: v for k, v in fields.items() if current.get(k) != v}
    if not changed:
        return {}
    assigns = ", ".join(f"{k} = ?" for k in changed)
    store.db.conn.execute(
        f"UPDATE {table} SET {assigns}, updated_at = ?, version = version + 1 WHERE id = ?",
        (*changed.values(), changelog.now_iso(), row_id))
    for key, value in changed.items():
        changelog.record(store.db, table, row_id, "update", field=key, old=current.get(key), new=value,
                         actor=store.actor)
    return {k: current.get(k) for k in changed}


def delete(store: Store, table: str, row_id: str) -> dict | None:
    assert table in TABLES
    current = get(store, table, row_id)
    if current is None:
        return None
    store.db.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
    changelog.record(store.db, table, row_id, "delete", old=current, actor=store.actor)
    return current
