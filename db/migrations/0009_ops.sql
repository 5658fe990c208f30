-- CCHC Desktop: user operations (issue #10).
--
-- Every user action runs as one operation in one transaction; each change_log entry it writes carries
-- the operation's id, so the action can be undone by replaying the inverse of exactly those entries
-- (cchc_desktop/ops). An undo or redo is itself an ordinary operation with its own entries, so the USB
-- exchange sees it like any other change. Entries written outside an operation have op_id NULL.

ALTER TABLE change_log ADD COLUMN op_id TEXT;
CREATE INDEX change_log_op ON change_log(op_id, seq);
