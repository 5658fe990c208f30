-- CCHC Desktop schema: the plan's whole life (issue #15) — amendments, roll-over, five-year plans.
--
-- plan_amendment   one "Kế hoạch điều chỉnh, bổ sung" applied to a plan: its number, date and note (cited by
--                  reports), the revised file's name and a fingerprint of its content.
-- task/product     archived_on: ISO date of the amendment that dropped the row ('' = live). Archived rows keep
--                  their statuses, evidence and history, are left out of the live appendix and of reports of
--                  periods ending on or after that date; amendment_id names that amendment.
-- task             carried_from: "chuyển tiếp từ năm 2026 (…)" note set by the roll-over ('' = none).
-- plan_link        kind 'parent': the multi-year plan a yearly plan belongs to; kind 'rolled_from': the plan this
--                  one was rolled over from ("Tạo kế hoạch năm sau"). Links live in their own tables (never a
--                  column pointing into the same table), so the USB exchange can insert every plan/task first.
-- task_link        the five-year task and/or target a yearly task serves.
-- target_link      a yearly target counted toward a five-year target ('sum' adds the yearly actuals,
--                  'latest' takes the latest year's value).
-- Like v1-v4, row tables carry a TEXT UUID id, timestamps and a version counter; writes go to change_log.

CREATE TABLE plan_amendment (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    doc_number  TEXT NOT NULL DEFAULT '',
    doc_date    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    source_name TEXT NOT NULL DEFAULT '',
    fingerprint TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX plan_amendment_plan ON plan_amendment(plan_id, doc_date);

ALTER TABLE task ADD COLUMN archived_on TEXT NOT NULL DEFAULT '';
ALTER TABLE task ADD COLUMN amendment_id TEXT REFERENCES plan_amendment(id) ON DELETE SET NULL;
ALTER TABLE task ADD COLUMN carried_from TEXT NOT NULL DEFAULT '';
ALTER TABLE product ADD COLUMN archived_on TEXT NOT NULL DEFAULT '';
ALTER TABLE product ADD COLUMN amendment_id TEXT REFERENCES plan_amendment(id) ON DELETE SET NULL;

CREATE TABLE plan_link (
    id            TEXT PRIMARY KEY,
    plan_id       TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('parent', 'rolled_from')),
    other_plan_id TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (plan_id, kind)
);
CREATE INDEX plan_link_other ON plan_link(other_plan_id, kind);

CREATE TABLE task_link (
    id               TEXT PRIMARY KEY,
    task_id          TEXT NOT NULL UNIQUE REFERENCES task(id) ON DELETE CASCADE,
    parent_task_id   TEXT REFERENCES task(id) ON DELETE CASCADE,
    parent_target_id TEXT REFERENCES target(id) ON DELETE CASCADE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX task_link_parent ON task_link(parent_task_id);

CREATE TABLE target_link (
    id               TEXT PRIMARY KEY,
    target_id        TEXT NOT NULL UNIQUE REFERENCES target(id) ON DELETE CASCADE,
    parent_target_id TEXT NOT NULL REFERENCES target(id) ON DELETE CASCADE,
    mode             TEXT NOT NULL DEFAULT 'sum' CHECK (mode IN ('sum', 'latest')),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX target_link_parent ON target_link(parent_target_id);
