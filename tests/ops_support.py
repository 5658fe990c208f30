"""What the operation tests compare: every data table's rows, read with plain SQL (never through the code under
test), bookkeeping columns left out, in a stable order."""
from __future__ import annotations

SKIP_TABLES = {"change_log", "meta", "sqlite_sequence"}
BOOKKEEPING = {"updated_at", "version"}


def tables(store, prefix: str = "") -> dict:
    """Every data table's rows (only those whose name starts with `prefix` when given)."""
    found = {}
    names = [r[0] for r in store.db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for name in sorted(n for n in names if n not in SKIP_TABLES and not n.startswith("exchange_")
                       and n.startswith(prefix)):
        rows = [{k: r[k] for k in r.keys() if k not in BOOKKEEPING} for r in store.db.query(f"SELECT * FROM {name}")]
        found[name] = sorted(rows, key=lambda r: repr(sorted(r.items())))
    return found
