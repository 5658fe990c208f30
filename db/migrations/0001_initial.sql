-- CCHC Desktop schema v1: plans, sections, tasks, product rows, agency catalogue, change log.
-- Every row carries a stable UUID (id), created/updated timestamps and a per-row version counter
-- that increases on every change (used by the USB exchange instead of wall clocks).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE plan (
    id            TEXT PRIMARY KEY,
    unit_name     TEXT NOT NULL,
    unit_kind     TEXT NOT NULL DEFAULT 'xã' CHECK (unit_kind IN ('xã', 'phường', 'thị trấn', 'đặc khu')),
    superior_body TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    year_start    INTEGER NOT NULL CHECK (year_start BETWEEN 2000 AND 2100),
    year_end      INTEGER NOT NULL CHECK (year_end BETWEEN year_start AND 2100),
    doc_number    TEXT NOT NULL DEFAULT '',
    doc_date      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE section (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX section_plan ON section(plan_id, position);

CREATE TABLE task (
    id         TEXT PRIMARY KEY,
    section_id TEXT NOT NULL REFERENCES section(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    content    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX task_section ON task(section_id, position);

CREATE TABLE product (
    id            TEXT PRIMARY KEY,
    task_id       TEXT NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    deadline_text TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX product_task ON product(task_id, position);

CREATE TABLE agency (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    match_key  TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE agency_alias (
    match_key TEXT PRIMARY KEY,
    alias     TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agency(id) ON DELETE CASCADE
);

CREATE TABLE product_agency (
    product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    agency_id  TEXT NOT NULL REFERENCES agency(id) ON DELETE RESTRICT,
    role       TEXT NOT NULL CHECK (role IN ('lead', 'coord')),
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, role, agency_id)
);
CREATE INDEX product_agency_agency ON product_agency(agency_id, role);

-- Append-only history: who changed what, when. lamport orders changes across PCs without trusting clocks.
CREATE TABLE change_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    lamport   INTEGER NOT NULL,
    origin    TEXT NOT NULL,
    actor     TEXT NOT NULL DEFAULT '',
    entity    TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    field     TEXT,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX change_log_row ON change_log(row_id, seq);

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
