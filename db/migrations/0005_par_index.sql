-- CCHC Desktop: year-end PAR Index self-assessment (tự đánh giá, chấm điểm Chỉ số CCHC cấp xã), issue #17.
--
-- par_catalog    one criteria set (Bộ Chỉ số) for a year, imported from the province's table or the bundled
--                illustrative example (is_example = 1: never any province's official set).
-- par_criterion  areas (level 1) → criteria (level 2) → sub-criteria (level 3) with maximum points, the scoring
--                guide, the documents required and an optional rule the app can evaluate from its own data.
-- par_link       a criterion linked to a task, product or evidence document of a plan (proposed by the app,
--                confirmed by the user).
-- par_document   a document added directly to a criterion (số/ký hiệu, ngày, trích yếu, optional file).
-- par_score      the self-assessed points of one criterion for one plan, with the explanation (giải trình)
--                and the reason of an override of a computed score.
-- Every row carries a TEXT UUID id, created_at/updated_at and a version counter and is logged in change_log.

CREATE TABLE par_catalog (
    id          TEXT PRIMARY KEY,
    year        INTEGER NOT NULL,
    name        TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    is_example  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE par_criterion (
    id            TEXT PRIMARY KEY,
    catalog_id    TEXT NOT NULL REFERENCES par_catalog(id) ON DELETE CASCADE,
    parent_id     TEXT REFERENCES par_criterion(id) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    level         INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    position      INTEGER NOT NULL DEFAULT 0,
    title         TEXT NOT NULL,
    max_points    REAL NOT NULL CHECK (max_points >= 0),
    guide         TEXT NOT NULL DEFAULT '',
    required_docs TEXT NOT NULL DEFAULT '',
    rule          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (catalog_id, code)
);
CREATE INDEX par_criterion_catalog ON par_criterion(catalog_id, position);

CREATE TABLE par_link (
    id            TEXT PRIMARY KEY,
    criterion_id  TEXT NOT NULL REFERENCES par_criterion(id) ON DELETE CASCADE,
    plan_id       TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('task', 'product', 'evidence')),
    target_id     TEXT NOT NULL,
    confirmed     INTEGER NOT NULL DEFAULT 0,
    reason        TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (criterion_id, plan_id, kind, target_id)
);
CREATE INDEX par_link_plan ON par_link(plan_id, criterion_id);

CREATE TABLE par_document (
    id            TEXT PRIMARY KEY,
    criterion_id  TEXT NOT NULL REFERENCES par_criterion(id) ON DELETE CASCADE,
    plan_id       TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    doc_type      TEXT NOT NULL DEFAULT '',
    doc_number    TEXT NOT NULL DEFAULT '',
    issued_on     TEXT NOT NULL DEFAULT '',
    summary       TEXT NOT NULL DEFAULT '',
    file_name     TEXT NOT NULL DEFAULT '',
    file_path     TEXT NOT NULL DEFAULT '',
    file_sha256   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX par_document_plan ON par_document(plan_id, criterion_id);

CREATE TABLE par_score (
    id              TEXT PRIMARY KEY,
    criterion_id    TEXT NOT NULL REFERENCES par_criterion(id) ON DELETE CASCADE,
    plan_id         TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    points          REAL,
    explanation     TEXT NOT NULL DEFAULT '',
    override_reason TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (criterion_id, plan_id)
);

-- The self-assessment report is an editable template kind of its own: widen report_template's CHECK
-- (SQLite changes a CHECK only by rebuilding the table; rows, ids and versions are copied unchanged).
CREATE TABLE report_template_v5 (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('periodic', 'reminder', 'agency_tasks', 'par_self')),
    based_on    TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    doc_type    TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    recipients_to TEXT NOT NULL DEFAULT '',
    caption     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
INSERT INTO report_template_v5 (id, kind, based_on, name, doc_type, subject, recipients_to, caption, body, position,
                                created_at, updated_at, version)
    SELECT id, kind, based_on, name, doc_type, subject, recipients_to, caption, body, position,
           created_at, updated_at, version FROM report_template;
DROP TABLE report_template;
ALTER TABLE report_template_v5 RENAME TO report_template;
CREATE INDEX report_template_kind ON report_template(kind, position);
