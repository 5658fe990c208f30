"""Append-only change log and the per-database logical clock (no trust in wall clocks)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from .db import Database


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_id() -> str:
    from uuid import uuid4   # uuid imports platform (regexes): not needed until the first write (issue 18)

    return str(uuid4())


def default_actor() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name available
        return ""


def get_meta(db: Database, key: str) -> str | None:
    row = db.query_one("SELECT value FROM meta WHERE key = ?", (key,))
    return row[0] if row else None


def set_meta(db: Database, key: str, value: str) -> None:
    """Set a per-database setting (call inside a transaction)."""
    db.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def installation_id(db: Database) -> str:
    """Stable id of this database copy (the 'origin' of its changes)."""
    value = get_meta(db, "installation_id")
    if value is None:
        value = new_id()
        with db.transaction():
            set_meta(db, "installation_id", value)
    return value


META_HOLDS = "exchange_holds"         # {origin: lamport}: every change of that origin up to it is held here
META_ORIGINS = "previous_origins"     # [{"origin", "upto", "at"}]: the ids this database stamped with before


def previous_origins(db: Database) -> list[str]:
    """Earlier installation ids of this database (it was given a new one when restored from a copy)."""
    try:
        return [str(item["origin"]) for item in json.loads(get_meta(db, META_ORIGINS) or "[]")]
    except (ValueError, TypeError, KeyError):
        return []


def rotate_origin(conn, *, clock_floor: int = 0, held_upto: int | None = None) -> str | None:
    """Give this database copy a new installation id; call inside a transaction (``conn``: a sqlite3
    connection, so a backup file being restored can be changed before it replaces the database).

    Why: a database put back from a backup (or an older copy) has forgotten the changes it made after that copy,
    but its peers hold them, stamped (origin, lamport). Its next changes would take the same stamps and the
    peers would skip them as already held. Under a new id its changes can never collide with what the old id
    sent. The old id's changes stay in the log as they are (they become another origin's: we hold them up to
    ``held_upto``, default all of them, and the peers send us the rest), and the old id is remembered
    (META_ORIGINS) so the sync folder can retire the package the old id left there. The clock moves past
    ``clock_floor`` (what the replaced copy or the peers had seen), so the new changes order after the lost ones.
    Returns the new id (None when the database never had one: it never stamped a change)."""
    def meta(key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(key: str, value: str) -> None:
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    put("lamport", str(max(int(meta("lamport") or 0), int(clock_floor or 0))))
    old = meta("installation_id")
    if old is None:
        return None
    newest = int(conn.execute("SELECT COALESCE(MAX(lamport), 0) FROM change_log WHERE origin = ?",
                              (old,)).fetchone()[0])
    held = newest if held_upto is None else max(0, min(newest, int(held_upto)))
    try:
        holds = {str(k): int(v) for k, v in json.loads(meta(META_HOLDS) or "{}").items()}
    except (ValueError, TypeError, AttributeError):
        holds = {}
    if held > 0:
        holds[old] = held
    try:
        history = list(json.loads(meta(META_ORIGINS) or "[]"))
    except (ValueError, TypeError):
        history = []
    history.append({"origin": old, "upto": newest, "at": now_iso()})
    value = new_id()
    put(META_HOLDS, json.dumps(holds, sort_keys=True))
    put(META_ORIGINS, json.dumps(history))
    put("installation_id", value)
    return value


def tick(db: Database, seen: int = 0) -> int:
    """Advance the Lamport clock past `seen` and return the new value (call inside a transaction)."""
    current = int(get_meta(db, "lamport") or 0)
    value = max(current, seen) + 1
    set_meta(db, "lamport", str(value))
    return value


def _encode(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False)


_INSERT_CHANGE = ("INSERT INTO change_log(at, lamport, origin, actor, entity, row_id, op, field, old_value, "
                  "new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_CHANGE_OP = ("INSERT INTO change_log(at, lamport, origin, actor, entity, row_id, op, field, old_value, "
                     "new_value, op_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def record(db: Database, entity: str, row_id: str, op: str, *, field: str | None = None,
           old=None, new=None, actor: str = "", lamport: int | None = None,
           origin: str | None = None, at: str | None = None) -> int:
    """Append one change; must run inside the transaction that made the change."""
    stamp = lamport if lamport is not None else tick(db)
    values = (at or now_iso(), stamp, origin or installation_id(db), actor, entity, row_id, op, field,
              _encode(old), _encode(new))
    op_id = getattr(db, "current_op", None)     # set by cchc_desktop.ops while an operation runs
    if op_id is None:
        cur = db.conn.execute(_INSERT_CHANGE, values)
    else:
        cur = db.conn.execute(_INSERT_CHANGE_OP, (*values, op_id))
    return int(cur.lastrowid)


def record_many(db: Database, changes: list[tuple], *, actor: str = "", at: str | None = None) -> None:
    """Append many changes at once, in order: each is (entity, row_id, op, field, old, new). They take
    consecutive Lamport values, exactly as that many `record` calls would; inside the caller's transaction."""
    if not changes:
        return
    first = int(get_meta(db, "lamport") or 0) + 1
    set_meta(db, "lamport", str(first + len(changes) - 1))
    stamp, origin = at or now_iso(), installation_id(db)
    op_id = getattr(db, "current_op", None)     # stamped like `record` while an operation runs (undo needs it)
    values = [(stamp, first + i, origin, actor, entity, row_id, op, field, _encode(old), _encode(new))
              for i, (entity, row_id, op, field, old, new) in enumerate(changes)]
    if op_id is None:
        db.conn.executemany(_INSERT_CHANGE, values)
    else:
        db.conn.executemany(_INSERT_CHANGE_OP, [(*v, op_id) for v in values])


def history(db: Database, row_id: str | None = None, limit: int = 500) -> list[dict]:
    """Newest first: who changed what, when."""
    sql = "SELECT * FROM change_log"
    params: tuple = ()
    if row_id:
        sql += " WHERE row_id = ?"
        params = (row_id,)
    sql += " ORDER BY seq DESC LIMIT ?"
    return decode_rows(db.query(sql, params + (limit,)))


def decode_rows(rows) -> list[dict]:
    """change_log rows as dicts with old_value/new_value decoded from JSON."""
    result = []
    for row in rows:
        item = dict(row)
        for key in ("old_value", "new_value"):
            item[key] = json.loads(item[key]) if item[key] is not None else None
        result.append(item)
    return result
