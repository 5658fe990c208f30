"""What the exchange knows about the schema, read from SQLite itself (so new tracking tables are
exchanged without code changes): row tables (id + version), their foreign keys, natural keys and
the order to insert them in."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..db import Database

LOCAL_ONLY = {"meta", "change_log", "sqlite_sequence"}
META_COLUMNS = ("created_at", "updated_at", "version")
# Link tables without their own id, merged specially (see merge.py).
LINK_TABLES = ("product_agency", "agency_alias")


@dataclass
class TableInfo:
    name: str
    columns: list[str]
    required: set[str]                   # NOT NULL without default
    parents: dict[str, str]              # fk column -> parent table
    unique_keys: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def data_columns(self) -> list[str]:
        return [c for c in self.columns if c not in ("id",) + META_COLUMNS]


def _exchanged(name: str) -> bool:
    return name not in LOCAL_ONLY and not name.startswith("exchange_") and not name.startswith("sqlite_")


def table_names(db: Database) -> list[str]:
    return [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if _exchanged(r[0])]


def table_info(db: Database, name: str) -> TableInfo:
    cols = db.query(f"PRAGMA table_info({name})")
    columns = [c["name"] for c in cols]
    required = {c["name"] for c in cols if c["notnull"] and c["dflt_value"] is None and not c["pk"]}
    parents = {r["from"]: r["table"] for r in db.query(f"PRAGMA foreign_key_list({name})")}
    uniques = []
    for index in db.query(f"PRAGMA index_list({name})"):
        if index["unique"] and index["origin"] == "u":
            uniques.append(tuple(r["name"] for r in db.query(f"PRAGMA index_info({index['name']})")))
    return TableInfo(name, columns, required, parents, uniques)


def row_tables(db: Database) -> dict[str, TableInfo]:
    """Tables whose rows have a stable UUID and a version counter, in foreign-key order."""
    infos = {}
    for name in table_names(db):
        info = table_info(db, name)
        if "id" in info.columns and "version" in info.columns:
            infos[name] = info
    ordered: dict[str, TableInfo] = {}

    def visit(name: str, stack: tuple = ()) -> None:
        if name in ordered or name in stack or name not in infos:
            return
        for parent in infos[name].parents.values():
            if parent != name:
                visit(parent, stack + (name,))
        ordered[name] = infos[name]

    for name in sorted(infos):
        visit(name)
    return ordered


def children_of(tables: dict[str, TableInfo], parent: str) -> list[tuple[str, str]]:
    """(child table, fk column) pairs pointing at `parent`."""
    return [(t.name, col) for t in tables.values() for col, p in t.parents.items() if p == parent]


NO_DEFAULT = object()


def _parse_default(text):
    if text is None:
        return None
    text = str(text).strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return NO_DEFAULT


def column_defaults(db: Database, name: str) -> dict[str, object]:
    """Declared default of every column with one (a row created independently on two PCs "set" a
    field only where its value differs from this default)."""
    found = {}
    for c in db.query(f"PRAGMA table_info({name})"):
        if c["dflt_value"] is not None:
            value = _parse_default(c["dflt_value"])
            if value is not NO_DEFAULT:
                found[c["name"]] = value
    return found
