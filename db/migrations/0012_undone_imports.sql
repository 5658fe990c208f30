-- CCHC Desktop: undoing a package merge (or a workbook import) also undoes its local bookkeeping.
--
-- exchange_conflict and exchange_import are local to one installation and not in the change log, so an undo
-- that replays the log would leave them as they were: the conflicts of an undone merge still «open», the
-- package still «imported». Each row now carries the operation that last set its state (op_id) and the state
-- before it (prior_state); ops.undo swaps state and prior_state of the rows of the operation it undoes and
-- hands them to the undo (op_id = the undo's id), so redo swaps them back.
--
-- exchange_conflict.state gains 'undone': the merge that recorded it was undone (not shown as open).
-- exchange_import.state: 'applied' or 'undone'.

CREATE TABLE exchange_conflict_new (
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
    state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'restored', 'dismissed', 'undone')),
    decided_at     TEXT NOT NULL DEFAULT '',
    op_id          TEXT NOT NULL DEFAULT '',
    prior_state    TEXT NOT NULL DEFAULT ''
);
INSERT INTO exchange_conflict_new(id, package_sha256, entity, row_id, field, label, local_value, remote_value, applied,
                                  applied_value, created_at, state, decided_at)
    SELECT id, package_sha256, entity, row_id, field, label, local_value, remote_value, applied, applied_value,
           created_at, state, decided_at FROM exchange_conflict;
DROP TABLE exchange_conflict;
ALTER TABLE exchange_conflict_new RENAME TO exchange_conflict;
CREATE INDEX exchange_conflict_row ON exchange_conflict(entity, row_id, field);
CREATE INDEX exchange_conflict_op ON exchange_conflict(op_id);

ALTER TABLE exchange_import ADD COLUMN state TEXT NOT NULL DEFAULT 'applied';
ALTER TABLE exchange_import ADD COLUMN op_id TEXT NOT NULL DEFAULT '';
ALTER TABLE exchange_import ADD COLUMN prior_state TEXT NOT NULL DEFAULT '';
CREATE INDEX exchange_import_op ON exchange_import(op_id);
