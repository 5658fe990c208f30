"""Issue 11, package merge between two PCs: natural-key rows merge field by field, agency sets merge
with listed conflicts, conflicts are kept and restorable, deletions list every row they remove, and
an A↔B exchange loses nothing whatever the PCs' clocks say."""
import contextlib
import json
import random
from pathlib import Path

import pytest

from cchc_desktop import changelog
from cchc_desktop.cli import main as cli_main
from cchc_desktop.exchange import (apply_merge, export_package, import_package, list_conflicts, plan_merge,
                                   read_package, restore_conflict)
from cchc_desktop.store import Store
from cchc_desktop.tracking import add_evidence, set_status
from exchange_support import make_plan, pair, send  # noqa: F401 - pair is a fixture


def preview(src: Store, dst: Store, path: Path):
    export_package(src, path)
    return plan_merge(dst, read_package(path, local_schema=dst.db.schema_version))


def status_of(store: Store, product_id: str) -> dict:
    return dict(store.db.query_one("SELECT status, percent, result, notes FROM product_status WHERE product_id = ?",
                                   (product_id,)))


def logged_values(store: Store, entity: str, field: str) -> list:
    """Every value the change log holds for one field of a table (updates and whole inserted rows)."""
    found = []
    for old, new, op, name in store.db.query(
            "SELECT old_value, new_value, op, field FROM change_log WHERE entity = ?", (entity,)):
        for text in (old, new):
            value = json.loads(text) if text else None
            if name == field:
                found.append(value)
            elif name is None and isinstance(value, dict) and field in value:
                found.append(value[field])
    return found


def test_status_recorded_on_both_pcs_keeps_each_sides_field_without_conflict(pair, tmp_path):
    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    # both PCs record the status of the same product in the same period (no status row existed)
    set_status(a, ids["p2"], "2026", status="in_progress", percent=40, result="Đã dự thảo báo cáo")
    set_status(b, ids["p2"], "2026", status="in_progress", percent=40, notes="Chờ ý kiến Đảng ủy")
    plan = preview(a, b, tmp_path / "a.cchc")
    assert plan.conflicts == []
    apply_merge(b, plan)
    send(b, a, tmp_path / "b.cchc")
    expected = {"status": "in_progress", "percent": 40, "result": "Đã dự thảo báo cáo",
                "notes": "Chờ ý kiến Đảng ủy"}
    assert status_of(a, ids["p2"]) == expected == status_of(b, ids["p2"])
    assert b.db.query_one("SELECT COUNT(*) FROM product_status")[0] == 1
    assert list_conflicts(a) == [] and list_conflicts(b) == []


def test_same_status_field_on_both_pcs_is_a_listed_restorable_conflict(pair, tmp_path):
    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    set_status(a, ids["p2"], "2026", status="in_progress", percent=30, result="Kết quả ở máy A")
    set_status(b, ids["p2"], "2026", status="in_progress", percent=60, result="Kết quả ở máy B", notes="Ghi chú B")
    plan = preview(a, b, tmp_path / "a.cchc")
    conflicts = {c.field: (c.old, c.new) for c in plan.conflicts}
    assert conflicts == {"percent": (60, 30), "result": ("Kết quả ở máy B", "Kết quả ở máy A")}
    result = apply_merge(b, plan)
    assert result.conflicts == 2
    send(b, a, tmp_path / "b.cchc")
    assert status_of(a, ids["p2"]) == status_of(b, ids["p2"])
    assert status_of(b, ids["p2"])["notes"] == "Ghi chú B"
    kept = {c.field: c for c in list_conflicts(b)}
    winner = status_of(b, ids["p2"])["result"]
    loser = ({"Kết quả ở máy A", "Kết quả ở máy B"} - {winner}).pop()
    assert {kept["result"].local_value, kept["result"].remote_value} == {"Kết quả ở máy A", "Kết quả ở máy B"}
    for store in (a, b):   # the losing value is in both PCs' history
        assert loser in logged_values(store, "product_status", "result")
    # one call brings the loser back, as a logged change that wins at the next exchange
    restore_conflict(b, kept["result"].id)
    assert status_of(b, ids["p2"])["result"] == loser
    assert [c.field for c in list_conflicts(b)] == ["percent"]
    send(b, a, tmp_path / "b2.cchc")
    assert status_of(a, ids["p2"])["result"] == loser


def test_both_pcs_change_the_lead_agency(pair, tmp_path, capsys):
    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    a.set_agencies(ids["p1"], "lead", ["Phòng Kinh tế"])
    b.set_agencies(ids["p1"], "lead", ["Công an xã"])
    plan = preview(a, b, tmp_path / "a.cchc")
    [link] = plan.link_conflicts
    assert (link.old_names, link.new_names) == (["Công an xã"], ["Phòng Kinh tế"])
    assert sorted(link.merged_names) == ["Công an xã", "Phòng Kinh tế"]
    assert "1 xung đột" in plan.summary().split("thay đổi cơ quan")[1]
    apply_merge(b, plan)
    send(b, a, tmp_path / "b.cchc")
    assert sorted(a.agency_names(ids["p1"], "lead")) == ["Công an xã", "Phòng Kinh tế"]
    assert a.agency_names(ids["p1"], "lead") == b.agency_names(ids["p1"], "lead")
    # the CLI lists it and restores the value of this PC with one call
    assert cli_main(["--db", str(b.db.path), "conflicts"]) == 0
    out = capsys.readouterr().out
    assert "Cơ quan chủ trì" in out and "Công an xã" in out and "Phòng Kinh tế" in out
    [kept] = list_conflicts(b)
    b.close()
    assert cli_main(["--db", str(tmp_path / "b" / "b.sqlite3"), "restore-conflict", kept.id[:8]]) == 0
    b2 = Store.open(tmp_path / "b" / "b.sqlite3", actor="B")
    assert b2.agency_names(ids["p1"], "lead") == ["Công an xã"]
    send(b2, a, tmp_path / "b2.cchc")
    assert a.agency_names(ids["p1"], "lead") == ["Công an xã"]
    b2.close()


def test_coordinating_agencies_added_on_both_pcs_are_merged_as_a_set(pair, tmp_path):
    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    a.set_agencies(ids["p1"], "coord", ["Phòng Văn hóa - Xã hội", "Công an xã"])
    b.set_agencies(ids["p1"], "coord", ["Phòng Văn hóa - Xã hội", "Đoàn Thanh niên xã"])
    send(a, b, tmp_path / "a.cchc")
    send(b, a, tmp_path / "b.cchc")
    expected = {"Phòng Văn hóa - Xã hội", "Công an xã", "Đoàn Thanh niên xã"}
    assert set(a.agency_names(ids["p1"], "coord")) == expected == set(b.agency_names(ids["p1"], "coord"))
    assert a.agency_names(ids["p1"], "coord") == b.agency_names(ids["p1"], "coord")


def test_cli_conflict_wording_is_order_of_changes_not_time(pair, tmp_path, capsys):
    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    a.update("product", ids["p1"], description="Kế hoạch CCHC (A)")
    b.update("product", ids["p1"], description="Kế hoạch CCHC (B)")
    export_package(a, tmp_path / "a.cchc")
    b.close()
    assert cli_main(["--db", str(tmp_path / "b" / "b.sqlite3"), "import-package", str(tmp_path / "a.cchc")]) == 0
    out = capsys.readouterr().out
    assert "theo thứ tự thay đổi" in out and "sau cùng" not in out
    assert "Kế hoạch CCHC (A)" in out and "Kế hoạch CCHC (B)" in out
    source = Path(__file__).resolve().parent.parent
    for path in list((source / "cchc_desktop").rglob("*.py")) + [source / "ui" / "exchange_dialogs.py"]:
        assert "sau cùng" not in path.read_text(encoding="utf-8"), path


def test_deletion_preview_lists_every_row_it_removes(pair, tmp_path, capsys):
    a, b = pair
    ids = make_plan(a)
    set_status(a, ids["p1"], "2026", status="in_progress", percent=50, result="Đang làm")
    add_evidence(a, ids["p1"], "2026", doc_number="12/KH-UBND", summary="Kế hoạch")
    send(a, b, tmp_path / "0.cchc")
    a.delete("task", ids["t1"])
    plan = preview(a, b, tmp_path / "a.cchc")
    [tomb] = [t for t in plan.tombstones if t.table == "task"]
    removed = {(t, r) for t, r, _label in tomb.removes}
    status_id = b.db.query_one("SELECT id FROM product_status")[0]
    evidence_id = b.db.query_one("SELECT id FROM evidence")[0]
    assert removed == {("task", ids["t1"]), ("product", ids["p1"]), ("product_status", status_id),
                       ("evidence", evidence_id)}
    lines = tomb.removed_lines()
    assert lines[0] == "Nhiệm vụ «Ban hành kế hoạch CCHC năm 2026»"
    # the product cited by its task (the first task of section I: «I.1»), the period in words
    assert tuple(b.db.query_one("SELECT s.position, t.position FROM task t JOIN section s ON s.id = t.section_id "
                                "WHERE t.id = ?", (ids["t1"],))) == (0, 0)
    assert "Sản phẩm «I.1 — Kế hoạch CCHC»" in lines
    assert "Văn bản minh chứng «I.1 — Kế hoạch CCHC [Năm 2026] — 12/KH-UBND»" in lines
    b.close()
    assert cli_main(["--db", str(tmp_path / "b" / "b.sqlite3"), "import-package", str(tmp_path / "a.cchc")]) == 0
    out = capsys.readouterr().out
    for line in lines[1:]:
        assert f"– {line}" in out


# -- A↔B rounds: compare the whole logical content after every round ----------------------------------------
def logical(store: Store) -> dict:
    """Everything a user sees, keyed by stable ids / natural keys (status rows keep each PC's own id)."""
    out = {}
    for table, cols in (("plan", "unit_name, title, year_start, year_end"), ("section", "plan_id, position, title"),
                        ("task", "section_id, position, content"),
                        ("product", "task_id, position, description, deadline_text")):
        out[table] = {r[0]: tuple(r[1:]) for r in store.db.query(f"SELECT id, {cols} FROM {table}")}
    out["product_status"] = {(r[0], r[1]): tuple(r[2:]) for r in store.db.query(
        "SELECT product_id, period_key, status, percent, completed_on, result, reason, notes FROM product_status")}
    links: dict = {}
    for pid, role, key in store.db.query(
            "SELECT pa.product_id, pa.role, a.match_key FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
            "ORDER BY pa.position"):
        links.setdefault((pid, role), []).append(key)
    out["links"] = links
    out["agency"] = {r[0]: r[1] for r in store.db.query("SELECT match_key, name FROM agency")}
    return out


@contextlib.contextmanager
def clock(monkeypatch, years: int):
    """The PC's wall clock set `years` off (only timestamps change; the merge must not care)."""
    if not years:
        yield
        return
    real = changelog.now_iso
    monkeypatch.setattr(changelog, "now_iso", lambda: real().replace(real()[:4], str(int(real()[:4]) + years), 1))
    try:
        yield
    finally:
        monkeypatch.setattr(changelog, "now_iso", real)


AGENCIES = ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Công an xã",
            "Đoàn Thanh niên xã", "Hội Phụ nữ xã"]


def edit_round(store: Store, side: str, rnd: int, rng: random.Random, products: list[str], tasks: list[str],
               section: str, written: list) -> None:
    """A few edits of every kind; `written` records (kind, key, field, value) of each side's last write.
    Round 1 starts with both PCs recording the first status of the same product (different fields)."""
    if rnd == 1:
        name = "result" if side == "A" else "notes"
        set_status(store, products[-1], "2026", status="in_progress", **{name: f"{name} {side}"})
        written.append(("product_status", products[-1], name, f"{name} {side}"))
    for i in range(5):
        tag = f"{side}{rnd}.{i}"
        kind = rng.choice(["status", "status", "description", "content", "lead", "coord", "new_task"])
        if kind == "status":
            pid = rng.choice(products)
            name = rng.choice(["result", "notes", "percent"])
            value = rng.randrange(1, 90) if name == "percent" else f"{name} {tag}"
            set_status(store, pid, "2026", status="in_progress", **{name: value})
            written.append(("product_status", pid, name, value))
        elif kind == "description":
            pid = rng.choice(products)
            store.update("product", pid, description=f"Sản phẩm {tag}")
            written.append(("product", pid, "description", f"Sản phẩm {tag}"))
        elif kind == "content":
            tid = rng.choice(tasks)
            store.update("task", tid, content=f"Nhiệm vụ {tag}")
            written.append(("task", tid, "content", f"Nhiệm vụ {tag}"))
        elif kind in ("lead", "coord"):
            pid = rng.choice(products)
            names = rng.sample(AGENCIES, rng.randrange(1, 3))
            store.set_agencies(pid, kind, names)
            written.append(("links", pid, kind, sorted(store.agency_names(pid, kind))))
        else:
            tid = store.add_task(section, f"Nhiệm vụ mới {tag}")
            pid = store.add_product(tid, f"Sản phẩm mới {tag}", "Năm 2026", [rng.choice(AGENCIES)])
            tasks.append(tid)
            products.append(pid)
            written.append(("task", tid, "content", f"Nhiệm vụ mới {tag}"))


def surviving(store: Store, kind: str, key: str, field: str):
    if kind == "links":
        return sorted(store.agency_names(key, field))
    if kind == "product_status":
        row = store.db.query_one(f"SELECT {field} FROM product_status WHERE product_id = ?", (key,))
        return row[0] if row else None
    return store.row(kind, key)[field]


def in_conflicts(stores, kind: str, key: str, field: str, value) -> bool:
    for store in stores:
        for c in list_conflicts(store, None):
            if c.field != field:
                continue
            for side in (c.local_value, c.remote_value):
                if kind == "links" and isinstance(side, dict) and sorted(side["names"]) == value:
                    return True
                if kind != "links" and side == value:
                    return True
    return False


@pytest.mark.parametrize("years_off", [0, 7, -12])
def test_a_b_rounds_lose_nothing_whatever_the_clock(pair, tmp_path, monkeypatch, years_off):
    a, b = pair
    ids = make_plan(a)
    send(a, b, tmp_path / "0.cchc")
    rng = random.Random(1100 + years_off)
    products, tasks = [ids["p1"], ids["p2"]], [ids["t1"], ids["t2"]]
    listed: set = set()
    for rnd in range(1, 7):
        written_a: list = []
        written_b: list = []
        edit_round(a, "A", rnd, rng, list(products), list(tasks), ids["s1"], written_a)
        with clock(monkeypatch, years_off):
            edit_round(b, "B", rnd, rng, list(products), list(tasks), ids["s1"], written_b)
        with clock(monkeypatch, years_off):
            send(a, b, tmp_path / f"a{rnd}.cchc")
        send(b, a, tmp_path / f"b{rnd}.cchc")
        assert logical(a) == logical(b), f"round {rnd}"
        # a conflict is listed only where both PCs wrote the same field in this round
        both = {r[:3] for r in written_a} & {r[:3] for r in written_b}
        for store in (a, b):
            for c in list_conflicts(store, None):
                if c.id in listed:
                    continue
                listed.add(c.id)
                if c.entity == "product_status":
                    key = ("product_status", store.get_row("product_status", c.row_id)["product_id"], c.field)
                else:
                    key = ("links" if c.entity == "product_agency" else c.entity, c.row_id, c.field)
                assert key in both, (rnd, key)
        # rows created on either side are edited in later rounds, on both sides
        tasks[:] = [r[0] for r in a.db.query("SELECT id FROM task ORDER BY id")]
        products[:] = [r[0] for r in a.db.query("SELECT id FROM product ORDER BY id")]
        # each side's last value of every field it wrote survives, or is a listed conflict kept in history
        for written in (written_a, written_b):
            last = {}
            for kind, key, field, value in written:
                last[(kind, key, field)] = value
            for (kind, key, field), value in last.items():
                if surviving(a, kind, key, field) == value:
                    continue
                assert in_conflicts((a, b), kind, key, field, value), (rnd, kind, field, value)
                if kind != "links":
                    for store in (a, b):
                        assert value in logged_values(store, kind, field), (rnd, kind, field, value)
    assert sum(len(list_conflicts(s, None)) for s in (a, b)) > 0   # the rounds did produce conflicts
