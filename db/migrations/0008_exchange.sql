-- CCHC Desktop: conflicts found while merging a package, kept so the losing value can be restored.
--
-- exchange_conflict  one row per field (or agency role of a product) both PCs changed since their last
--                    exchange: both values (JSON), which one the merge applied, and what the user did
--                    later (open / restored / dismissed). Local to one installation, never exchanged.

CREATE TABLE exchange_conflict (
    id             TEXT PRIMARY KEY,
    package_sha256 TEXT NOT NULL DEFAULT '',
    entity         TEXT NOT NULL,
    row_id         TEXT NOT NULL,
    field          TEXT NOT NULL,
    label          TEXT NOT NULL DEFAULT '',
    local_value    TEXT,
    remote_value   TEXT,
    applied        TEXT NOT NULL CHECK (applied IN ('local', 'remote', 'merged')),
    applied_value  TEXT,
    created_at     TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'restored', 'dismissed')),
    decided_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exchange_conflict_row ON exchange_conflict(entity, row_id, field);
