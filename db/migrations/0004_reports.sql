-- CCHC Desktop schema v4: printed reports (issue #5).
--
-- report_header    the document header and signer fields of one plan (Nghị định 30/2020/NĐ-CP): cơ quan chủ
--                  quản, tên cơ quan ban hành, địa danh, ký hiệu, Kính gửi, Nơi nhận, người ký. One row per plan;
--                  a plan without a row uses defaults derived from the plan (cchc_desktop/reports/header_settings).
-- report_template  templates a user duplicated from a built-in one (resources/templates/*.j2) and edited: the
--                  texts are Jinja2 templates rendered in a sandbox with the placeholders of their kind.
-- Like v1-v3, every row carries a TEXT UUID id, created_at/updated_at and a version counter, and every write is
-- appended to change_log, so the USB exchange carries these rows too.

CREATE TABLE report_header (
    id                TEXT PRIMARY KEY,
    plan_id           TEXT NOT NULL UNIQUE REFERENCES plan(id) ON DELETE CASCADE,
    parent_body       TEXT NOT NULL DEFAULT '',            -- cơ quan chủ quản (optional for a UBND xã)
    issuer_name       TEXT NOT NULL DEFAULT '',            -- "ỦY BAN NHÂN DÂN\nXÃ XUÂN TRƯỜNG"
    place             TEXT NOT NULL DEFAULT '',            -- địa danh of the date line
    report_symbol     TEXT NOT NULL DEFAULT 'BC-UBND',     -- Số: 05/BC-UBND
    letter_symbol     TEXT NOT NULL DEFAULT 'UBND-VP',     -- công văn: Số: 12/UBND-VP
    report_to         TEXT NOT NULL DEFAULT '',            -- Kính gửi of reports, one per line (optional)
    report_recipients TEXT NOT NULL DEFAULT '',            -- Nơi nhận of reports, one per line
    letter_recipients TEXT NOT NULL DEFAULT '',            -- Nơi nhận of công văn, one per line
    archive           TEXT NOT NULL DEFAULT 'Lưu: VT.',    -- last line of Nơi nhận
    sign_mode         TEXT NOT NULL DEFAULT 'TM'
                      CHECK (sign_mode IN ('', 'TM', 'TM_KT', 'KT')),
    collective_name   TEXT NOT NULL DEFAULT 'ỦY BAN NHÂN DÂN', -- after "TM."
    head_title        TEXT NOT NULL DEFAULT 'CHỦ TỊCH',    -- after "KT."
    signer_title      TEXT NOT NULL DEFAULT 'CHỦ TỊCH',    -- chức vụ of the signer
    signer_name       TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE report_template (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('periodic', 'reminder', 'agency_tasks')),
    based_on    TEXT NOT NULL DEFAULT '',                  -- built-in template it was duplicated from
    name        TEXT NOT NULL,
    doc_type    TEXT NOT NULL DEFAULT '',                  -- tên loại (BÁO CÁO) or the appendix label
    subject     TEXT NOT NULL DEFAULT '',                  -- trích yếu / "V/v …" / appendix title
    recipients_to TEXT NOT NULL DEFAULT '',                -- Kính gửi, one per line
    caption     TEXT NOT NULL DEFAULT '',                  -- appendix caption "(Kèm theo …)"
    body        TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX report_template_kind ON report_template(kind, position);
