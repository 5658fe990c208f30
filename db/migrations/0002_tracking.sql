-- CCHC Desktop schema v2: progress tracking (status per product row and period, evidence documents,
-- per-plan reporting settings, measurable targets and their actual values).
-- Like v1, every row carries a TEXT UUID id, created_at/updated_at and a per-row version counter
-- incremented on every change (the USB exchange merges by these). Every write is also appended to
-- change_log by cchc_desktop/tracking.
--
-- period_key (see cchc_desktop/tracking/periods.py):
--   "2026"     the whole year 2026; one-off products (any deadline that is not recurring or continuous)
--              have exactly ONE status row, keyed by the plan's first year;
--   "2026-Q2"  a quarter; "2026-H1" / "2026-H2" a half-year. Recurring ("Định kỳ hằng quý…") and
--              continuous ("Thường xuyên") products get one status row per tracking period.

-- Per-plan reporting settings: when each periodic CCHC report is due, and the "due soon" window.
CREATE TABLE tracking_settings (
    id                  TEXT PRIMARY KEY,
    plan_id             TEXT NOT NULL UNIQUE REFERENCES plan(id) ON DELETE CASCADE,
    quarter_report_day  INTEGER NOT NULL DEFAULT 15 CHECK (quarter_report_day BETWEEN 1 AND 31),
    half_report_day     INTEGER NOT NULL DEFAULT 15 CHECK (half_report_day BETWEEN 1 AND 31),
    half_report_month   INTEGER NOT NULL DEFAULT 6 CHECK (half_report_month BETWEEN 1 AND 12),
    annual_report_day   INTEGER NOT NULL DEFAULT 15 CHECK (annual_report_day BETWEEN 1 AND 31),
    annual_report_month INTEGER NOT NULL DEFAULT 12 CHECK (annual_report_month BETWEEN 1 AND 12),
    due_soon_days       INTEGER NOT NULL DEFAULT 14 CHECK (due_soon_days BETWEEN 0 AND 366),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);

-- Status of one product row in one tracking period.
CREATE TABLE product_status (
    id           TEXT PRIMARY KEY,
    product_id   TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    period_key   TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'not_started'
                 CHECK (status IN ('not_started', 'in_progress', 'done', 'done_late', 'not_done')),
    percent      INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    completed_on TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    updated_by   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (product_id, period_key)
);

-- Evidence documents (văn bản minh chứng); the optional file lives in <db folder>/attachments.
CREATE TABLE evidence (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    period_key  TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    doc_type    TEXT NOT NULL DEFAULT '',
    doc_number  TEXT NOT NULL DEFAULT '',
    issued_on   TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL DEFAULT '',
    file_path   TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX evidence_product ON evidence(product_id, period_key, position);

-- Measurable targets (chỉ tiêu) of a plan.
CREATE TABLE target (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL DEFAULT 0,
    title        TEXT NOT NULL,
    unit         TEXT NOT NULL DEFAULT '%',
    comparison   TEXT NOT NULL DEFAULT '>=' CHECK (comparison IN ('>=', '<=', '=', '>', '<')),
    target_value REAL NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX target_plan ON target(plan_id, position);

-- Actual value of a target in one reporting period.
CREATE TABLE target_actual (
    id           TEXT PRIMARY KEY,
    target_id    TEXT NOT NULL REFERENCES target(id) ON DELETE CASCADE,
    period_key   TEXT NOT NULL,
    actual_value REAL NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (target_id, period_key)
);
