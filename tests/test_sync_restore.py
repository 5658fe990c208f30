"""A database put back from an older copy must never stamp its changes like the ones it lost.

Installation C's peers hold changes C made after a backup. C is restored from that backup (the app's restore, the
command line's, the recovery of a damaged database, or a file copied back by hand) and edits BEFORE its first
sync round. Those edits must reach A and B (the bug: they took the Lamport stamps of the lost changes, and the
peers skipped them as already held), the lost changes must come back to C, and all three converge. The same over
USB packages. Each scenario fails on the code before the fix (C's edit never reaches A and B)."""
from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from cchc_desktop import backup as bk, changelog
from cchc_desktop.cli import main as cli_main
from cchc_desktop.exchange import export_package, import_package, read_package
from cchc_desktop.exchange.package import holds_vector
from cchc_desktop.store import Store
from cchc_desktop.sync.folder import sync_once
from cchc_desktop.tracking.status import set_status

from backup_support import corrupt
from test_sync_folder import REF, Engine, _converge, _edits, _products, logical, three  # noqa: F401 - fixture


def _notes(store: Store) -> dict[int, str]:
    """{product position: notes of its status rows}, by position (ids are the same everywhere here; a recurring
    product's "2026" is its current quarter)."""
    out = {}
    for i, pid in enumerate(_products(store)):
        found = [r[0] for r in store.db.query("SELECT notes FROM product_status WHERE product_id = ? AND notes != '' "
                                              "ORDER BY period_key", (pid,))]
        if found:
            out[i] = " | ".join(found)
    return out


def _own_stamps(store: Store) -> set[tuple]:
    origin = changelog.installation_id(store.db)
    return {(r[0], r[1]) for r in store.db.query("SELECT origin, lamport FROM change_log WHERE origin = ?",
                                                  (origin,))}


def _put_back(how: str, path: Path, backup: Path, capsys) -> Store:
    """Put the old copy back the way a user would, then open it the way the app does."""
    if how == "restore":                                   # the restore dialog (ui/restore_dialog.py) does this
        bk.restore_backup(path, backup)
    elif how == "cli":
        seq = bk.validate_backup(backup).seq
        assert cli_main(["--db", str(path), "restore", str(seq)]) == 0
        assert "Đã khôi phục" in capsys.readouterr().out
    elif how == "recovery":                                # a damaged database; the dialog picks this backup
        corrupt(path)
        chosen = bk.validate_backup(backup)

        def confirm(proposal):
            proposal.backup = chosen
            return True

        store, info = bk.open_or_recover(path, actor="C", confirm=confirm)
        assert info is not None and info.backup.path == backup
        return store
    elif how in ("hand-backup", "hand-copy"):              # copied over the database file by hand
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
        shutil.copy(backup, path)
    store, info = bk.open_or_recover(path, actor="C")      # the app's (and the command line's) open path
    assert info is None
    return store


@pytest.mark.parametrize("how,seed", [("restore", 1), ("cli", 2), ("recovery", 3), ("hand-backup", 4),
                                      ("hand-copy", 5)])
def test_edits_made_after_a_restore_before_the_first_sync_reach_every_peer(three, tmp_path, capsys, how, seed):
    stores, folders = three
    rng = random.Random(seed)
    engine = Engine(folders, rng)
    reports: list = []
    _converge(stores, folders, engine, rng, reports)
    _edits(stores, rng, "đầu")
    _converge(stores, folders, engine, rng, reports)
    path = Path(stores["C"].db.path)
    if how == "hand-copy":                                 # a plain copy of the file (no backup stamp in it)
        backup = tmp_path / "C-copy.sqlite3"
        stores["C"].db.conn.execute("VACUUM INTO ?", (str(backup),))
    else:
        backup = bk.make_backup(path, bk.REASON_MANUAL, dedupe=False)
    old_origin = changelog.installation_id(stores["C"].db)
    # C's changes after the backup, which A and B receive: the restore will lose them on C
    lost_same, lost_other, fresh = 4, 9, 13
    set_status(stores["C"], _products(stores["C"])[lost_same], "2026", ref=REF, notes="C: mất khi khôi phục")
    set_status(stores["C"], _products(stores["C"])[lost_other], "2026", ref=REF, notes="C: chỉ còn ở máy khác")
    _converge(stores, folders, engine, rng, reports)
    lost_stamps = _own_stamps(stores["C"])
    assert holds_vector(stores["A"].db)[old_origin] == max(s[1] for s in lost_stamps)
    stores["C"].close()
    stores["C"] = _put_back(how, path, backup, capsys)
    assert changelog.installation_id(stores["C"].db) != old_origin          # a new id: nothing can collide
    assert old_origin in changelog.previous_origins(stores["C"].db)
    # C edits before any sync round: the same field a lost change set, and a product nobody touched
    set_status(stores["C"], _products(stores["C"])[lost_same], "2026", ref=REF, notes="C: sửa lại sau khôi phục")
    set_status(stores["C"], _products(stores["C"])[fresh], "2026", ref=REF, notes="C: mới sau khôi phục")
    assert not {(o, lam) for o, lam in _own_stamps(stores["C"])} & lost_stamps
    _converge(stores, folders, engine, rng, reports, rounds=4)
    views = [logical(stores[n]) for n in "ABC"]
    assert views[0] == views[1] == views[2]
    for name in "ABC":
        notes = _notes(stores[name])
        assert notes[fresh] == "C: mới sau khôi phục", name              # C's post-restore edits reached A, B
        assert notes[lost_same] == "C: sửa lại sau khôi phục", name       # the later edit wins everywhere …
        assert notes[lost_other] == "C: chỉ còn ở máy khác", name         # … and C got back what it lost
        assert stores[name].db.query_one(                               # the lost value stays in history
            "SELECT COUNT(*) FROM change_log WHERE new_value LIKE '%mất khi khôi phục%'")[0] >= 1
    # the package C left under its old id is gone from every folder once C holds what it carried (conflict
    # copies the engine made of it beside it may stay, like any conflict copy, and count for nobody) …
    for name, folder in folders.items():
        assert not [p for p in folder.iterdir() if p.name.endswith(f".{old_origin[:8]}.cchc")], name
    # … and the folder is back to small deltas (no dead reader holds the base down)
    _converge(stores, folders, engine, rng, reports, rounds=2)
    for name in "ABC":
        set_status(stores[name], _products(stores[name])[20], "2026", ref=REF, notes=f"sau cùng {name}")
        report = sync_once(stores[name], folders[name])
        engine.spread(name, report.published)
        assert report.published_delta and report.published_changes <= 8, (name, report.full_reason)


def test_a_copy_put_back_by_hand_is_seen_when_opened_from_what_left_it(tmp_path):
    """No backup stamp inside (a copy made by another program): the record of what packages carried away (kept
    beside the backups) tells the app this copy is older than what its peers may hold."""
    path = tmp_path / "data" / "cchc.sqlite3"
    path.parent.mkdir()
    store = Store.open(path, actor="C")
    from cchc_desktop.demo import create_demo_plan

    create_demo_plan(store)
    copy = tmp_path / "copy.sqlite3"
    store.db.conn.execute("VACUUM INTO ?", (str(copy),))
    origin = changelog.installation_id(store.db)
    set_status(store, _products(store)[0], "2026", ref=REF, notes="sau bản chép")
    export_package(store, tmp_path / "usb.cchc")          # the change left this database
    sent = bk.sent_marks(path)[origin]
    assert sent == max(lam for _o, lam in _own_stamps(store))
    store.close()
    shutil.copy(path, tmp_path / "newest.sqlite3")
    shutil.copy(copy, path)
    store, _ = bk.open_or_recover(path, actor="C")
    try:
        assert changelog.installation_id(store.db) != origin
        assert int(changelog.get_meta(store.db, "lamport")) >= sent     # the clock moved past what was sent
        assert holds_vector(store.db)[origin] < sent                     # the peers will send the rest back
    finally:
        store.close()
    # the newest copy (nothing lost) opened again: no new id, nothing to do
    shutil.copy(tmp_path / "newest.sqlite3", path)
    store, _ = bk.open_or_recover(path, actor="C")
    try:
        assert changelog.installation_id(store.db) == origin
    finally:
        store.close()


def test_usb_package_of_a_restored_database_reaches_a_peer_that_imported_its_older_changes(tmp_path):
    a = Store.open(tmp_path / "a.sqlite3", actor="A")
    (tmp_path / "c").mkdir()
    c_path = tmp_path / "c" / "cchc.sqlite3"
    c = Store.open(c_path, actor="C")
    from cchc_desktop.demo import create_demo_plan

    create_demo_plan(c)
    import_package(a, export_package(c, tmp_path / "c1.cchc").path)
    backup = bk.make_backup(c_path, bk.REASON_MANUAL, dedupe=False)
    set_status(c, _products(c)[3], "2026", ref=REF, notes="C: mất khi khôi phục")
    set_status(c, _products(c)[5], "2026", ref=REF, notes="C: chỉ còn ở máy A")
    import_package(a, export_package(c, tmp_path / "c2.cchc").path)      # A holds the changes C will lose
    c.close()
    bk.restore_backup(c_path, backup)
    c = Store.open(c_path, actor="C")
    try:
        set_status(c, _products(c)[3], "2026", ref=REF, notes="C: sửa lại sau khôi phục")
        set_status(c, _products(c)[8], "2026", ref=REF, notes="C: mới sau khôi phục")
        result = import_package(a, export_package(c, tmp_path / "c3.cchc").path)
        assert result.updated + result.inserted >= 2
        notes = _notes(a)
        assert notes[8] == "C: mới sau khôi phục" and notes[3] == "C: sửa lại sau khôi phục"
        import_package(c, export_package(a, tmp_path / "a1.cchc").path)  # and C gets back what it lost
        assert _notes(c)[5] == "C: chỉ còn ở máy A"
        assert logical(a) == logical(c)
        # C's own package written before the restore (old id) can be imported on C again: it brings the lost
        # changes, never a refusal as "exported from this PC"
        assert read_package(tmp_path / "c2.cchc").origin in changelog.previous_origins(c.db)
        import_package(c, tmp_path / "c2.cchc")
        assert logical(a) == logical(c)
    finally:
        a.close()
        c.close()


def test_restore_keeps_the_old_ids_changes_and_moves_the_clock_past_the_replaced_copy(tmp_path):
    path = tmp_path / "data" / "cchc.sqlite3"
    path.parent.mkdir()
    store = Store.open(path, actor="C")
    from cchc_desktop.demo import create_demo_plan

    create_demo_plan(store)
    backup = bk.make_backup(path, bk.REASON_MANUAL, dedupe=False)
    origin = changelog.installation_id(store.db)
    before = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    for i in range(5):
        set_status(store, _products(store)[i], "2026", ref=REF, notes=f"sau sao lưu {i}")
    clock = int(changelog.get_meta(store.db, "lamport"))
    store.close()
    result = bk.restore_backup(path, backup)
    conn = sqlite3.connect(path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        assert meta["installation_id"] == result.new_origin != origin
        assert int(meta["lamport"]) >= clock                               # past the replaced copy's clock
        assert conn.execute("SELECT COUNT(*) FROM change_log WHERE origin = ?", (origin,)).fetchone()[0] == before
        assert conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == before   # log untouched
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = ?", (bk.STAMP_TABLE,)).fetchone()[0] == 0
    finally:
        conn.close()
    store = Store.open(path, actor="C")
    try:
        set_status(store, _products(store)[0], "2026", ref=REF, notes="sau khôi phục")
        last = store.db.query_one("SELECT origin, lamport FROM change_log ORDER BY seq DESC LIMIT 1")
        assert last[0] == result.new_origin and last[1] > clock
    finally:
        store.close()


def _plan_view(plan) -> dict:
    return {"entries": sorted((e["origin"], e["lamport"], e["entity"], e["row_id"]) for e in plan.new_entries),
            "inserts": sorted((i.table, i.row["id"], json.dumps(i.row, sort_keys=True)) for i in plan.inserts),
            "changes": sorted((c.key, repr(c.old), repr(c.new), c.conflict, c.winner) for c in plan.changes),
            "links": sorted((lk.key, tuple(r["agency_id"] for r in lk.rows), lk.conflict, lk.winner)
                            for lk in plan.links),
            "aliases": sorted(a["match_key"] for a in plan.aliases), "ids": sorted(plan.new_id_map.items()),
            "tombstones": sorted((t.table, t.row_id) for t in plan.tombstones), "notes": sorted(plan.notes),
            "max": plan.max_lamport}


def test_a_delta_plans_the_same_merge_from_the_rows_it_touches_as_from_everything(three, monkeypatch):
    """plan_merge of a delta reads only the rows the delta touches (by id); every plan of a run with concurrent
    edits, new rows, agency changes and conflicts equals the one made from all rows and the whole log, and the
    backup before the merge is skipped only when the log alone can undo it."""
    from cchc_desktop import exchange
    from cchc_desktop.exchange import merge as merge_module

    stores, folders = three
    rng = random.Random(8)
    engine = Engine(folders, rng)
    compared = []
    real = merge_module.plan_merge

    def both(store, package, **kwargs):
        plan = real(store, package)
        if package.is_delta:
            whole = real(store, package, read_all=True)
            assert _plan_view(plan) == _plan_view(whole), package.path.name
            assert whole.needs_backup
            compared.append(plan)
        return plan

    monkeypatch.setattr(exchange, "plan_merge", both)
    reports: list = []
    _converge(stores, folders, engine, rng, reports)
    for turn in range(3):
        for name in "ABC":
            products = _products(stores[name])
            set_status(stores[name], products[rng.randrange(len(products))], "2026", ref=REF,
                       notes=f"lượt {turn} {name}", percent=rng.randrange(0, 90, 10))
            stores[name].set_agencies(products[(turn * 3 + ord(name)) % len(products)], "coord",
                                      [f"Cơ quan {turn} {name}", "Phòng Văn hóa - Xã hội"])
        for name, index in (("A", 40), ("B", 41)):    # one new agency created on two PCs: mapped by its name
            stores[name].set_agencies(_products(stores[name])[index], "lead", [f"Cơ quan chung {turn}"])
        set_status(stores["A"], _products(stores["A"])[30], "2026", ref=REF, result=f"A lượt {turn}")
        set_status(stores["B"], _products(stores["B"])[30], "2026", ref=REF, result=f"B lượt {turn}")
        _converge(stores, folders, engine, rng, reports, rounds=2)
    views = [logical(stores[n]) for n in "ABC"]
    assert views[0] == views[1] == views[2]
    assert len(compared) >= 6 and any(p.changes for p in compared) and any(p.links for p in compared)
    assert any(p.inserts for p in compared) and any(p.conflicts for p in compared)
    assert any(p.new_id_map for p in compared)           # rows created on two PCs, mapped by natural key
    assert any(not p.needs_backup for p in compared)
