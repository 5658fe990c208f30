"""Sync through a shared folder and the read-only portfolio (issue #19).

Three installations (three databases) each see their own replica of one synced folder; a simulated sync engine
copies each installation's package to the others' replicas, writing a temporary name first and sometimes making a
conflict copy instead of replacing. After rounds in random orders all three hold the same logical content, every
concurrent edit was either applied or listed as a conflict with the losing value in history, and half-copied
packages are skipped until complete."""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from cchc_desktop import changelog
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.exchange import ExchangeError, export_package, import_package, read_package
from cchc_desktop.exchange.package import holds_vector
from cchc_desktop.store import Store
from cchc_desktop.sync.folder import SyncError, is_candidate, is_conflict_copy, own_file_name, set_folder, sync_once
from cchc_desktop.sync.portfolio import export_portfolio_xlsx, open_portfolio
from cchc_desktop.tracking.status import set_status

REF = dt.date(2026, 6, 1)


class Engine:
    """Replicates each installation's own package into the other replicas like Syncthing would.

    Sometimes it makes a conflict copy: ``newest_at_main`` keeps the older version under the conflict name and the
    new one under the real name (what Syncthing does); otherwise the new version lands in the conflict copy and the
    real name keeps the older one (the worse case: a stale file under the real name)."""

    def __init__(self, folders: dict[str, Path], rng: random.Random, newest_at_main: bool = True):
        self.folders, self.rng, self.newest_at_main = folders, rng, newest_at_main
        self.written: dict[str, set[str]] = {}

    def spread(self, owner: str, name: str, only: str | None = None, data: bytes | None = None) -> None:
        data = (self.folders[owner] / name).read_bytes() if data is None else data
        written = self.written.setdefault(owner, set())
        written.add(name)
        for gone in sorted(n for n in written if not (self.folders[owner] / n).exists()):
            written.discard(gone)                   # the owner removed its file under an older name: so do we
            for other, folder in self.folders.items():
                if other != owner:
                    (folder / gone).unlink(missing_ok=True)
        for other, folder in self.folders.items():
            if other == owner or (only and other != only):
                continue
            target = folder / name
            if target.exists() and target.read_bytes() != data and self.rng.random() < 0.25:
                copy = folder / f"{Path(name).stem}.sync-conflict-20261201-{self.rng.randrange(10**6):06d}-ABC.cchc"
                if self.newest_at_main:
                    target.replace(copy)
                else:
                    target = copy
            temp = folder / f".syncthing.{name}.tmp"
            temp.write_bytes(data)
            temp.replace(target)

    def join(self, name: str, folder: Path, source: str) -> None:
        """A new replica: the engine first copies every package the folder holds."""
        self.folders[name] = folder
        for item in self.folders[source].iterdir():
            if item.suffix == ".cchc":
                shutil.copy(item, folder / item.name)


def logical(store: Store) -> dict:
    """Everything a user sees, by natural keys (ids may differ between installations)."""
    out = {}
    for plan in store.list_plans():
        p = store.load_plan(plan["id"])
        tasks = []
        for section, task in p.iter_tasks():
            for product in task.products:
                statuses = {r["period_key"]: (r["status"], r["percent"], r["result"], r["notes"]) for r in
                            store.db.query("SELECT * FROM product_status WHERE product_id = ?", (product.id,))}
                tasks.append((section.title, task.content, product.description, product.deadline_text,
                              product.lead_names, tuple(sorted(statuses.items()))))
        out[(p.unit_name, p.year_start)] = tasks
    return out


@pytest.fixture
def three(tmp_path):
    for name in "ABC":
        (tmp_path / name).mkdir()
    stores = {name: Store.open(tmp_path / name / "cchc.sqlite3", actor=name) for name in "ABC"}
    folders = {}
    for name, store in stores.items():
        folder = tmp_path / f"sync-{name}"
        folder.mkdir()
        set_folder(store, folder)
        folders[name] = folder
    create_demo_plan(stores["A"])
    yield stores, folders
    for store in stores.values():
        store.close()


def _round(stores, folders, engine, order, reports):
    for name in order:
        report = sync_once(stores[name], folders[name])
        reports.append((name, report))
        if report.published:
            engine.spread(name, report.published)


def _published(folders, name, report):
    return read_package(folders[name] / report.published)


def _log_size(store) -> int:
    return store.db.query_one("SELECT COUNT(*) FROM change_log")[0]


def _products(store):
    return [r[0] for r in store.db.query(
        "SELECT p.id FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "ORDER BY s.position, t.position, p.position")]


@pytest.mark.parametrize("seed,newest_at_main", [(1, True), (7, True), (3, False)])
def test_three_installations_converge_and_list_every_concurrent_edit(three, seed, newest_at_main):
    stores, folders = three
    rng = random.Random(seed)
    engine = Engine(folders, rng, newest_at_main)
    reports = []
    for _ in range(2):                              # the plan reaches B and C
        _round(stores, folders, engine, rng.sample("ABC", 3), reports)
    assert all(len(s.list_plans()) == 1 for s in stores.values())
    pa, pb, pc = (_products(stores[n]) for n in "ABC")
    # separate edits on each installation, and one field edited on A and on B before they exchange
    set_status(stores["A"], pa[0], "2026", ref=REF, status="in_progress", percent=40, result="A: đã dự thảo")
    set_status(stores["B"], pb[1], "2026", ref=REF, status="done", completed_on=dt.date(2026, 5, 2))
    set_status(stores["C"], pc[2], "2026", ref=REF, notes="C: chờ ý kiến")
    set_status(stores["A"], pa[3], "2026", ref=REF, result="Kết quả của máy A")
    set_status(stores["B"], pb[3], "2026", ref=REF, result="Kết quả của máy B")
    for _ in range(4):
        _round(stores, folders, engine, rng.sample("ABC", 3), reports)
    views = [logical(stores[n]) for n in "ABC"]
    assert views[0] == views[1] == views[2]
    rows = next(iter(views[0].values()))
    results = {r[5][0][1][2] for r in rows if r[5]}
    assert "A: đã dự thảo" in results
    both = {"Kết quả của máy A", "Kết quả của máy B"}
    kept = both & results
    assert len(kept) == 1                           # one value won everywhere …
    loser = (both - kept).pop()
    listed = [c for _n, r in reports for c in r.conflicts]
    assert listed, "the concurrent edit must be listed as a conflict"
    for store in stores.values():                   # … and the other is in every installation's history
        assert store.db.query_one("SELECT COUNT(*) FROM change_log WHERE new_value LIKE ? OR old_value LIKE ?",
                                  (f"%{loser}%", f"%{loser}%"))[0] >= 1
    # the first packages were full snapshots (nobody had acknowledged anything yet) …
    first = [r for n, r in reports if n == "A" and r.published][0]
    assert not first.published_delta and first.full_reason
    # … once every installation acknowledged, a round with one edit carries a handful of changes, not the plan
    for _ in range(2):
        _round(stores, folders, engine, rng.sample("ABC", 3), reports)
    set_status(stores["C"], pc[5], "2026", ref=REF, notes="C: chỉ một sửa đổi")
    report = sync_once(stores["C"], folders["C"])
    package = _published(folders, "C", report)
    total = _log_size(stores["C"])
    assert len(package.changes) == report.published_changes
    if newest_at_main:    # a stale file under a peer's real name only makes our packages bigger, never wrong
        assert report.published_delta and package.is_delta and package.base
        assert 1 <= len(package.changes) <= 5 and total > 150, (len(package.changes), total)
        assert {(c["entity"], c["origin"]) for c in package.changes} == {("product_status", package.origin)}
        assert len(package.tables["product_status"]) == 1
        assert package.tables["task"] == [] and package.tables["product"] == []
        full = export_package(stores["C"], folders["C"].parent / "full-C.cchc")
        size = (folders["C"] / report.published).stat().st_size
        assert full.changes == total and size * 5 < full.path.stat().st_size
    engine.spread("C", report.published)
    for _ in range(2):
        _round(stores, folders, engine, rng.sample("ABC", 3), reports)
    views = [logical(stores[n]) for n in "ABC"]
    assert views[0] == views[1] == views[2]
    assert any(r[5] and r[5][0][1][3] == "C: chỉ một sửa đổi" for r in next(iter(views[0].values())))
    assert all(not r.files or all(f.status != "needs_full" for f in r.files) for _n, r in reports)


def test_half_written_package_is_skipped_until_complete(three):
    stores, folders = three
    report = sync_once(stores["A"], folders["A"])
    data = (folders["A"] / report.published).read_bytes()
    partial = folders["B"] / report.published
    partial.write_bytes(data[: len(data) // 2])
    first = sync_once(stores["B"], folders["B"])
    assert [f.status for f in first.files] == ["incomplete"]
    assert stores["B"].list_plans() == []
    partial.write_bytes(data)
    second = sync_once(stores["B"], folders["B"])
    assert [f.status for f in second.files] == ["merged"] and len(stores["B"].list_plans()) == 1
    assert [f.status for f in sync_once(stores["B"], folders["B"]).files] == ["unchanged"]


def test_watcher_rounds_wait_for_a_file_whose_size_still_changes(three):
    stores, folders = three
    name = sync_once(stores["A"], folders["A"]).published
    shutil.copy(folders["A"] / name, folders["C"] / name)
    sizes: dict = {}
    first = sync_once(stores["C"], folders["C"], sizes=sizes, settle=True)
    assert [f.status for f in first.files] == ["incomplete"] and stores["C"].list_plans() == []
    second = sync_once(stores["C"], folders["C"], sizes=sizes, settle=True)
    assert [f.status for f in second.files] == ["merged"]


def test_temporary_names_are_ignored_and_conflict_copies_recognised():
    assert not is_candidate(".syncthing.xa.1234.cchc.tmp")
    assert not is_candidate("~xa.cchc") and not is_candidate(".x.cchc.abc.tmp") and not is_candidate("xa.cchc.partial")
    assert is_candidate("xa.1234 (conflicted copy 2026-12-01).cchc")
    assert is_conflict_copy("xa.1234.sync-conflict-20261201-101010-ABCDEFG.cchc")
    assert is_conflict_copy("xa.1234 (Máy A's conflicted copy).cchc") and not is_conflict_copy("xa.1234.cchc")


def test_conflict_copy_is_merged_like_any_package(three):
    stores, folders = three
    name = sync_once(stores["A"], folders["A"]).published
    copy = folders["B"] / (Path(name).stem + " (conflicted copy 2026-12-01).cchc")
    shutil.copy(folders["A"] / name, copy)
    report = sync_once(stores["B"], folders["B"])
    assert [(f.status, f.conflict_copy) for f in report.files] == [("merged", True)]
    assert len(stores["B"].list_plans()) == 1


def test_the_database_folder_is_refused_as_sync_folder(three, tmp_path):
    stores, _folders = three
    with pytest.raises(SyncError, match="thư mục chứa cơ sở dữ liệu"):
        set_folder(stores["A"], Path(stores["A"].db.path).parent)
    with pytest.raises(SyncError, match="thư mục chứa cơ sở dữ liệu"):
        set_folder(stores["A"], tmp_path)            # the parent of the database folder
    inside = Path(stores["A"].db.path).parent / "dong-bo"
    inside.mkdir()
    with pytest.raises(SyncError, match="thư mục chứa cơ sở dữ liệu"):
        set_folder(stores["A"], inside)
    assert own_file_name(stores["A"]).endswith(".cchc")


def test_portfolio_reads_packages_without_touching_them_and_exports(tmp_path):
    from cchc_desktop.exchange import export_package

    folder = tmp_path / "cac-xa"
    folder.mkdir()
    expected = {}
    for i, unit in enumerate(["Xuân Trường", "Quyết Thắng", "Thiên Tân"]):
        (tmp_path / f"db{i}").mkdir()
        store = Store.open(tmp_path / f"db{i}" / "x.sqlite3")
        plan = create_demo_plan(store)
        store.update("plan", plan, unit_name=unit)
        products = _products(store)
        from cchc_desktop.tracking.status import product_context
        from cchc_desktop.tracking.timeliness import tracking_unit

        # products tracked once for the year (test input only: recurring ones need every period done)
        one_off = [pid for pid in products if tracking_unit(product_context(store, pid).deadline) is None]
        for pid in one_off[: 3 + 2 * i]:
            set_status(store, pid, "2026", ref=REF, status="done", completed_on=dt.date(2026, 1, 10))
        done = store.db.query_one("SELECT COUNT(DISTINCT product_id) FROM product_status "
                                  "WHERE status IN ('done', 'done_late')")[0]
        expected[unit] = (done, len(products))
        export_package(store, folder / f"{i}.cchc")
        store.close()
    (folder / "hong.cchc").write_bytes(b"not a zip")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    portfolio = open_portfolio([folder], REF)
    try:
        got = {r.unit: (r.counts.completed, r.counts.total) for r in portfolio.rows}
        assert got == expected
        assert [name for name, _why in portfolio.refused] == ["hong.cchc"]
        out = export_portfolio_xlsx(portfolio, tmp_path / "so-sanh.xlsx", REF)
    finally:
        portfolio.close()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    ws = openpyxl.load_workbook(out).active
    units = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=3).value for r in range(4, 7)}
    assert units == {u: v[1] for u, v in expected.items()}
    assert ws.cell(row=4, column=5).number_format == "0.0%"


def _converge(stores, folders, engine, rng, reports, rounds=3):
    names = sorted(stores)
    for _ in range(rounds):
        _round(stores, folders, engine, rng.sample(names, len(names)), reports)


def _edits(stores, rng, tag):
    for name, store in stores.items():
        products = _products(store)
        set_status(store, products[rng.randrange(len(products))], "2026", ref=REF, notes=f"{tag} {name}")


def test_a_fourth_installation_joining_later_gets_full_snapshots_and_converges(three, tmp_path):
    stores, folders = three
    rng = random.Random(5)
    engine = Engine(folders, rng)
    reports: list = []
    _converge(stores, folders, engine, rng, reports)
    _edits(stores, rng, "vòng 1")
    _converge(stores, folders, engine, rng, reports)
    before = [r for _n, r in reports[-3:]]
    assert all(r.published_delta for r in before if r.published)       # steady state: deltas only
    (tmp_path / "D").mkdir()
    stores["D"] = Store.open(tmp_path / "D" / "cchc.sqlite3", actor="D")
    folders["D"] = tmp_path / "sync-D"
    folders["D"].mkdir()
    set_folder(stores["D"], folders["D"])
    engine.join("D", folders["D"], "A")
    first = sync_once(stores["D"], folders["D"])
    # every package in the folder is a delta whose base D lacks: none is merged, nothing is acknowledged
    assert {f.status for f in first.files} == {"needs_full"} and len(first.files) >= 3
    assert stores["D"].list_plans() == [] and set(holds_vector(stores["D"].db)) <= {"D"}
    engine.spread("D", first.published)
    reports = []
    _round(stores, folders, engine, ["A", "B", "C", "D"], reports)
    assert [r.published_delta for _n, r in reports[:3]] == [False] * 3     # D acknowledged nothing: full
    assert all("chưa nhận đủ" in r.full_reason for _n, r in reports[:3])
    assert len(stores["D"].list_plans()) == 1
    _edits(stores, rng, "vòng 2")
    _converge(stores, folders, engine, rng, reports)
    views = [logical(stores[n]) for n in "ABCD"]
    assert views[0] == views[1] == views[2] == views[3]
    notes = {r[5][0][1][3] for r in next(iter(views[0].values())) if r[5]}
    assert {f"vòng 2 {n}" for n in "ABCD"} <= notes
    _converge(stores, folders, engine, rng, reports, rounds=2)
    set_status(stores["D"], _products(stores["D"])[0], "2026", ref=REF, notes="D lần nữa")
    last = sync_once(stores["D"], folders["D"])
    assert last.published_delta and 1 <= last.published_changes <= 5       # D is acknowledged too now


def test_a_database_put_back_by_hand_takes_a_new_id_at_its_first_sync_and_gets_its_lost_edits_back(three, tmp_path):
    stores, folders = three
    rng = random.Random(11)
    engine = Engine(folders, rng)
    reports: list = []
    _converge(stores, folders, engine, rng, reports)
    _edits(stores, rng, "đầu")
    _converge(stores, folders, engine, rng, reports)
    backup = tmp_path / "B-backup.sqlite3"
    stores["B"].db.conn.execute("VACUUM INTO ?", (str(backup),))
    lost = _products(stores["B"])[7]
    set_status(stores["B"], lost, "2026", ref=REF, notes="B: sau bản sao lưu")       # only in the lost state
    _edits({n: stores[n] for n in "AC"}, rng, "trước khôi phục")
    _converge(stores, folders, engine, rng, reports)
    own = stores["B"].db.query_one("SELECT value FROM meta WHERE key = 'installation_id'")[0]
    assert holds_vector(stores["A"].db)[own] == holds_vector(stores["B"].db)[own]    # A acknowledged B's edit
    path = Path(stores["B"].db.path)
    stores["B"].close()
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    shutil.copy(backup, path)                               # the user puts an old copy of the database back
    stores["B"] = Store.open(path, actor="B")
    assert holds_vector(stores["B"].db)[own] < holds_vector(stores["A"].db)[own]
    report = sync_once(stores["B"], folders["B"])
    # the peers acknowledge more of B's changes than B has (a copy put back outside the app, opened without its
    # checks): from now on B stamps under a new id, acknowledges of its old id only what it had published, and
    # does not merge the deltas whose base it lost (nothing acknowledged that is not written)
    assert changelog.installation_id(stores["B"].db) != own and own in changelog.previous_origins(stores["B"].db)
    assert holds_vector(stores["B"].db)[own] < holds_vector(stores["A"].db)[own]
    statuses = {f.status for f in report.files}
    assert "needs_full" in statuses and "merged" not in statuses
    engine.spread("B", report.published)
    _edits(stores, rng, "sau khôi phục")
    _converge(stores, folders, engine, rng, reports)
    views = [logical(stores[n]) for n in "ABC"]
    assert views[0] == views[1] == views[2]
    notes = {r[5][0][1][3] for r in next(iter(views[0].values())) if r[5]}
    assert "B: sau bản sao lưu" in notes                   # B got back the edit its restore had lost
    assert {f"sau khôi phục {n}" for n in "ABC"} <= notes
    assert {f"trước khôi phục {n}" for n in "AC"} <= notes


def test_a_half_written_delta_is_skipped_and_picked_up_once_complete(three):
    stores, folders = three
    rng = random.Random(2)
    engine = Engine(folders, rng)
    reports: list = []
    _converge(stores, folders, engine, rng, reports)
    set_status(stores["A"], _products(stores["A"])[2], "2026", ref=REF, notes="A: gói rút gọn")
    report = sync_once(stores["A"], folders["A"])
    assert report.published_delta
    data = (folders["A"] / report.published).read_bytes()
    origin = read_package(folders["A"] / report.published).origin
    acked = holds_vector(stores["B"].db)[origin]
    engine.spread("A", report.published, only="B", data=data[: len(data) // 2])
    first = sync_once(stores["B"], folders["B"])
    assert [f.status for f in first.files if f.name == report.published] == ["incomplete"]
    assert holds_vector(stores["B"].db)[origin] == acked                 # nothing acknowledged
    engine.spread("A", report.published, only="B", data=data)
    second = sync_once(stores["B"], folders["B"])
    assert [f.status for f in second.files if f.name == report.published] == ["merged"]
    assert holds_vector(stores["B"].db)[origin] > acked
    assert stores["B"].db.query_one("SELECT COUNT(*) FROM product_status WHERE notes = 'A: gói rút gọn'")[0] == 1


def test_a_delta_is_never_merged_where_its_base_is_missing(three, tmp_path, monkeypatch):
    stores, folders = three
    rng = random.Random(4)
    engine = Engine(folders, rng)
    reports: list = []
    _converge(stores, folders, engine, rng, reports)
    set_status(stores["A"], _products(stores["A"])[1], "2026", ref=REF, notes="A: rút gọn")
    report = sync_once(stores["A"], folders["A"])
    delta = folders["A"] / report.published
    assert read_package(delta).is_delta
    (tmp_path / "E").mkdir()
    fresh = Store.open(tmp_path / "E" / "x.sqlite3")
    with pytest.raises(ExchangeError, match="gói đầy đủ") as info:      # USB import of a sync-folder delta
        import_package(fresh, delta)
    assert info.value.code == "base" and fresh.list_plans() == []
    assert fresh.db.query_one("SELECT COUNT(*) FROM change_log")[0] == 0
    fresh.close()
    portfolio = open_portfolio([delta], REF)
    try:
        assert portfolio.rows == [] and "gói đầy đủ" in portfolio.refused[0][1]
    finally:
        portfolio.close()
    # USB packages stay full snapshots without acknowledgements (unknown receivers)
    usb = export_package(stores["A"], tmp_path / "usb.cchc")
    manifest = read_package(usb.path).manifest
    assert "holds" not in manifest and not manifest.get("delta") and usb.changes == _log_size(stores["A"])
    # an acknowledgement is written in the merge's own transaction: a merge that fails acknowledges nothing
    from cchc_desktop.exchange import merge

    origin = read_package(delta).origin
    acked = holds_vector(stores["B"].db)[origin]

    def broken(db, holds):
        real(db, holds)
        raise sqlite3.IntegrityError("constraint failed")

    real = merge.raise_holds
    monkeypatch.setattr(merge, "raise_holds", broken)
    engine.spread("A", report.published, only="B")
    with pytest.raises(ExchangeError):
        sync_once(stores["B"], folders["B"])
    assert holds_vector(stores["B"].db)[origin] == acked
    assert stores["B"].db.query_one("SELECT COUNT(*) FROM product_status WHERE notes = 'A: rút gọn'")[0] == 0
    monkeypatch.setattr(merge, "raise_holds", real)
    assert [f.status for f in sync_once(stores["B"], folders["B"]).files if f.name == report.published] == ["merged"]
    assert holds_vector(stores["B"].db)[origin] > acked
