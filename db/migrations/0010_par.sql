-- CCHC Desktop: PAR Index self-assessment, second part (issue #17).
--
-- report_template  widened to the kind 'par_letter': the công văn asking one agency for the evidence its PAR
--                  criteria still lack is an editable template like the other letters (SQLite changes a CHECK
--                  only by rebuilding the table; rows, ids and versions are copied unchanged).
-- report_issue     the register of periodic reports the People's Committee issued (sổ báo cáo đã ban hành):
--                  reporting period, số/ký hiệu, ngày ban hành, trích yếu and where the entry came from
--                  ('tay' typed by the user, 'xuat' confirmed after exporting the report, 'minh_chung' taken from
--                  an evidence document of the plan, evidence_id naming it). The PAR rule «bao_cao» counts,
--                  per report due in the year, whether one was issued by its due date.

CREATE TABLE report_template_v10 (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('periodic', 'reminder', 'agency_tasks', 'par_self', 'par_letter')),
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
INSERT INTO report_template_v10 (id, kind, based_on, name, doc_type, subject, recipients_to, caption, body, position,
                                 created_at, updated_at, version)
    SELECT id, kind, based_on, name, doc_type, subject, recipients_to, caption, body, position,
           created_at, updated_at, version FROM report_template;
DROP TABLE report_template;
ALTER TABLE report_template_v10 RENAME TO report_template;
CREATE INDEX report_template_kind ON report_template(kind, position);

CREATE TABLE report_issue (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    period_key   TEXT NOT NULL,
    doc_number   TEXT NOT NULL DEFAULT '',
    issued_on    TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT 'tay' CHECK (source IN ('tay', 'xuat', 'minh_chung')),
    evidence_id  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX report_issue_plan ON report_issue(plan_id, period_key);
