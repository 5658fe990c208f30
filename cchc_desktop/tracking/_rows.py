"""Logged row writes for the tracking tables: thin, table-checked wrappers over the store's
generic logged row operations (every change goes to change_log)."""
from __future__ import annotations

from ..store import Store

TABLES = ("tracking_settings", "product_status", "evidence", "target", "target_actual")


def _check(table: str) -> None:
    if table not in TABLES:
        raise ValueError(table)


def get(store: Store, table: str, row_id: str) -> dict | None:
    _check(table)
    return store.get_row(table, row_id)


def insert(store: Store, table: str, values: dict) -> dict:
    """Insert (inside the caller's transaction) and log the whole new row."""
    _check(table)
    return store.insert_row(table, values)


def update(store: Store, table: str, row_id: str, fields: dict, current: dict | None = None) -> dict:
    """Update changed fields, bump version, log each field. Returns {field: old value}."""
    _check(table)
    return store.update_row(table, row_id, fields, current)


def delete(store: Store, table: str, row_id: str) -> dict | None:
    _check(table)
    return store.delete_row(table, row_id)
