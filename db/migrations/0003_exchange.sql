-- CCHC Desktop schema v3: USB exchange bookkeeping (local to one installation, never exchanged).
--
-- exchange_peer       what we know about each other installation we received a package from:
--                     its clock and the per-origin "seen" vector it had when it exported, so the next
--                     export can send only what it lacks and conflicts can be told from plain updates.
-- exchange_id_map     a row the peer created independently for the same natural key (same agency name,
--                     same product + period status row, ...) is mapped to our row instead of duplicated.
-- exchange_tombstone  deletions received from a peer wait here until the user confirms or rejects them.
-- exchange_export     every update workbook we wrote: fingerprint, scope and the exported values
--                     (baseline) so a returned workbook can be matched and conflicts detected.
-- exchange_import     files already applied (by SHA-256), for the "already imported" notice.

CREATE TABLE exchange_peer (
    origin       TEXT PRIMARY KEY,
    unit_name    TEXT NOT NULL DEFAULT '',
    seen         TEXT NOT NULL DEFAULT '{}',
    last_lamport INTEGER NOT NULL DEFAULT 0,
    last_sha256  TEXT NOT NULL DEFAULT '',
    imported_at  TEXT NOT NULL
);

CREATE TABLE exchange_id_map (
    remote_id TEXT PRIMARY KEY,
    entity    TEXT NOT NULL,
    local_id  TEXT NOT NULL
);

CREATE TABLE exchange_tombstone (
    id          TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    lamport     INTEGER NOT NULL,
    origin      TEXT NOT NULL,
    entry       TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'rejected')),
    received_at TEXT NOT NULL,
    decided_at  TEXT NOT NULL DEFAULT '',
    UNIQUE (origin, lamport, row_id)
);

CREATE TABLE exchange_export (
    fingerprint TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('workbook', 'package')),
    plan_id     TEXT NOT NULL DEFAULT '',
    period_key  TEXT NOT NULL DEFAULT '',
    agency_id   TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',
    lamport     INTEGER NOT NULL DEFAULT 0,
    baseline    TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);

CREATE TABLE exchange_import (
    sha256      TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL
);

CREATE INDEX change_log_origin ON change_log(origin, lamport);
