"""QA9: undoing a package merge undoes all of it. The conflicts the merge recorded are withdrawn (not «open») and
come back with redo, in the same step; importing the package again after the undo says in Vietnamese that it was
imported and undone (not «nothing new») and offers «Áp dụng lại», which applies exactly the undone merge again.
Conflict and import rows are read with plain SQL."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cchc_desktop import ops
from cchc_desktop.cli import main as cli_main
from cchc_desktop.errors import UserError
from cchc_desktop.exchange import ExchangeError, export_package, list_conflicts, plan_merge, read_package
from cchc_desktop.ops import exchange as exchange_ops
from cchc_desktop.store import Store
from cchc_desktop.tracking import set_status
from exchange_support import make_plan, pair, send  # noqa: F401 - pair is a fixture


def preview(src: Store, dst: Store, path: Path):
    if not path.exists():
        export_package(src, path)
    return plan_merge(dst, read_package(path, local_schema=dst.db.schema_version))


def conflict_states(store: Store) -> dict[str, str]:
    """field -> state of every conflict row (plain SQL)."""
    return {r[0]: r[1] for r in store.db.query("SELECT field, state FROM exchange_conflict")}


def import_state(store: Store, path: Path) -> str | None:
    row = store.db.query_one("SELECT state FROM exchange_import WHERE file_name = ?", (path.name,))
    return row[0] if row else None


def result_of_p2(store: Store, ids) -> tuple:
    return tuple(store.db.query_one("SELECT percent, result FROM product_status WHERE product_id = ?", (ids["p2"],)))


@pytest.fixture
def conflicting(pair, tmp_path):
    """Both PCs changed the same status fields of p2; A also changed p1's deadline. B merges A's package."""
    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    set_status(a, ids["p2"], "2026", status="in_progress", percent=30, result="Kết quả ở máy A")
    a.update("product", ids["p1"], deadline_text="Quý IV/2026")
    set_status(b, ids["p2"], "2026", status="in_progress", percent=60, result="Kết quả ở máy B")
    return a, b, ids


def test_undoing_a_merge_withdraws_its_conflicts_and_redo_brings_them_back(conflicting, tmp_path):
    a, b, ids = conflicting
    path = tmp_path / "xa-a.cchc"
    merged = exchange_ops.merge_package(b, preview(a, b, path), confirm=False)
    assert conflict_states(b) == {"percent": "open", "result": "open"}
    undone = ops.undo(b, merged.op_id)
    assert conflict_states(b) == {"percent": "undone", "result": "undone"}
    assert list_conflicts(b) == []          # the conflict list shows none open
    assert import_state(b, path) == "undone"
    redone = ops.redo(b, undone.op_id)
    assert conflict_states(b) == {"percent": "open", "result": "open"}
    assert import_state(b, path) == "applied"
    ops.undo(b, redone.op_id)               # and the cycle goes on
    assert conflict_states(b) == {"percent": "undone", "result": "undone"}


def test_a_refused_undo_leaves_the_conflicts_open(conflicting, tmp_path):
    """The withdrawal is part of the undo's transaction: an undo refused (a row changed since) changes nothing."""
    a, b, ids = conflicting
    merged = exchange_ops.merge_package(b, preview(a, b, tmp_path / "xa-a.cchc"), confirm=False)
    b.update("product", ids["p1"], deadline_text="Quý I/2027")     # changed since the merge
    with pytest.raises(ops.OpConflict):
        ops.undo(b, merged.op_id)
    assert conflict_states(b) == {"percent": "open", "result": "open"}


def test_undoing_a_restore_opens_the_conflict_again(conflicting, tmp_path):
    a, b, ids = conflicting
    exchange_ops.merge_package(b, preview(a, b, tmp_path / "xa-a.cchc"), confirm=False)
    conflict_id = b.db.query_one("SELECT id FROM exchange_conflict WHERE field = 'result'")[0]
    restored = exchange_ops.restore_conflict(b, conflict_id)
    assert conflict_states(b)["result"] == "restored"
    ops.undo(b, restored.op_id)
    assert conflict_states(b) == {"percent": "open", "result": "open"}


def test_importing_an_undone_package_again_says_why_nothing_is_applied(conflicting, tmp_path, capsys):
    a, b, ids = conflicting
    path = tmp_path / "xa-a.cchc"
    first = preview(a, b, path)
    assert first.undone_at == "" and not any("hoàn tác" in n for n in first.notes)
    merged = exchange_ops.merge_package(b, first, confirm=False)
    imported_at = b.db.query_one("SELECT imported_at FROM exchange_import WHERE file_name = ?", (path.name,))[0]
    ops.undo(b, merged.op_id)
    again = preview(a, b, path)
    assert again.is_empty                   # its changes are in the log already
    assert again.undone_at == imported_at
    [note] = [n for n in again.notes if "hoàn tác" in n]
    from cchc_desktop.dates import local_time
    assert f"đã được nhập vào máy này lúc {local_time(imported_at)[:16]}" in note
    assert "việc nhập đó đã được hoàn tác" in note and "không được áp dụng lại" in note
    assert "«Áp dụng lại»" in note and "gửi gói mới" in note
    # an empty merge of it (CLI --apply) keeps the record that its import was undone
    b.close()
    assert cli_main(["--db", str(b.db.path), "import-package", str(path), "--apply"]) == 0
    out = capsys.readouterr().out
    assert "việc nhập đó đã được hoàn tác" in out and "--reapply" in out, out
    reopened = Store.open(b.db.path, actor="B")
    try:
        assert import_state(reopened, path) == "undone"
    finally:
        reopened.close()


def test_reapply_applies_the_undone_merge_again_with_its_conflicts(conflicting, tmp_path):
    a, b, ids = conflicting
    path = tmp_path / "xa-a.cchc"
    merged = exchange_ops.merge_package(b, preview(a, b, path), confirm=False)
    after_merge = (result_of_p2(b, ids), b.row("product", ids["p1"])["deadline_text"])
    ops.undo(b, merged.op_id)
    assert b.row("product", ids["p1"])["deadline_text"] != "Quý IV/2026"
    again = exchange_ops.reapply_package(b, preview(a, b, path))
    assert again.label == "Áp dụng lại gói «xa-a.cchc»"
    assert (result_of_p2(b, ids), b.row("product", ids["p1"])["deadline_text"]) == after_merge
    assert conflict_states(b) == {"percent": "open", "result": "open"} and import_state(b, path) == "applied"
    assert preview(a, b, path).undone_at == ""       # no longer an undone import
    ops.undo(b, again.op_id)                         # the re-apply is one step too
    assert conflict_states(b) == {"percent": "undone", "result": "undone"}
    assert b.row("product", ids["p1"])["deadline_text"] != "Quý IV/2026"


def test_reapply_refuses_when_a_row_changed_since_and_writes_nothing(conflicting, tmp_path):
    a, b, ids = conflicting
    path = tmp_path / "xa-a.cchc"
    merged = exchange_ops.merge_package(b, preview(a, b, path), confirm=False)
    ops.undo(b, merged.op_id)
    b.update("product", ids["p1"], deadline_text="Quý I/2027")
    log_size = b.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    with pytest.raises(ops.OpConflict):
        exchange_ops.reapply_package(b, preview(a, b, path))
    assert b.row("product", ids["p1"])["deadline_text"] == "Quý I/2027"
    assert b.db.query_one("SELECT COUNT(*) FROM change_log")[0] == log_size
    assert conflict_states(b) == {"percent": "undone", "result": "undone"} and import_state(b, path) == "undone"


def test_reapply_of_a_package_never_undone_is_refused(conflicting, tmp_path):
    a, b, _ids = conflicting
    with pytest.raises(UserError, match="không có gì để áp dụng lại"):
        exchange_ops.reapply_package(b, preview(a, b, tmp_path / "xa-a.cchc"))


def test_a_conflict_of_an_undone_merge_is_not_restored(conflicting, tmp_path):
    a, b, ids = conflicting
    merged = exchange_ops.merge_package(b, preview(a, b, tmp_path / "xa-a.cchc"), confirm=False)
    ops.undo(b, merged.op_id)
    conflict_id = b.db.query_one("SELECT id FROM exchange_conflict WHERE field = 'result'")[0]
    with pytest.raises(ExchangeError, match="đã được hoàn tác"):
        exchange_ops.restore_conflict(b, conflict_id)
    assert result_of_p2(b, ids) == (60, "Kết quả ở máy B")


def test_conflicts_kept_by_an_older_version_stay_open_after_the_upgrade(tmp_path):
    from cchc_desktop.db import Database

    db = Database(tmp_path / "old.sqlite3", migrate=False)
    db.migrate(target=11)
    db.conn.execute("INSERT INTO exchange_conflict(id, entity, row_id, field, applied, created_at) "
                    "VALUES ('c1', 'product', 'p', 'description', 'remote', '2026-01-01T00:00:00+00:00')")
    db.conn.execute("INSERT INTO exchange_import(sha256, kind, imported_at) VALUES ('s', 'package', '2026')")
    db.conn.commit()
    db.migrate()
    assert tuple(db.query_one("SELECT state, op_id, prior_state FROM exchange_conflict")) == ("open", "", "")
    assert tuple(db.query_one("SELECT state, op_id FROM exchange_import")) == ("applied", "")
    with pytest.raises(sqlite3.IntegrityError):
        db.conn.execute("UPDATE exchange_conflict SET state = 'whatever'")
    db.close()


def test_cli_reapplies_an_undone_package_and_refuses_one_never_undone(conflicting, tmp_path, capsys):
    a, b, ids = conflicting
    path = tmp_path / "xa-a.cchc"
    export_package(a, path)
    db_path = str(b.db.path)
    b.close()
    assert cli_main(["--db", db_path, "import-package", str(path), "--reapply"]) == 2
    assert "không có gì để áp dụng lại" in capsys.readouterr().err
    assert cli_main(["--db", db_path, "import-package", str(path), "--apply"]) == 0
    store = Store.open(db_path, actor="B")
    try:
        ops.undo(store, store.db.query_one("SELECT op_id FROM exchange_import WHERE file_name = ?", (path.name,))[0])
        assert store.row("product", ids["p1"])["deadline_text"] != "Quý IV/2026"
    finally:
        store.close()
    capsys.readouterr()
    assert cli_main(["--db", db_path, "import-package", str(path), "--reapply"]) == 0
    assert "Đã áp dụng lại gói «xa-a.cchc»" in capsys.readouterr().out
    store = Store.open(db_path, actor="B")
    try:
        assert store.row("product", ids["p1"])["deadline_text"] == "Quý IV/2026"
        assert conflict_states(store) == {"percent": "open", "result": "open"}
    finally:
        store.close()
