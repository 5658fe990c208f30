"""Full packages (.cchc): round trip, A↔B convergence, conflicts, tombstones, refused packages."""
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from cchc_desktop import changelog
from cchc_desktop.exchange import (ExchangeError, Limits, apply_merge, decide_tombstones, export_package,
                                   import_package, pending_tombstones, plan_merge, read_package)
from cchc_desktop.exchange import schema
from cchc_desktop.store import Store
from cchc_desktop.tracking import add_evidence, set_status
from exchange_support import make_plan, pair, send  # noqa: F401 - pair is a fixture


def dump(store: Store) -> dict:
    out = {}
    for name, info in schema.row_tables(store.db).items():
        # rows created independently on both PCs for one natural key keep each PC's own id (mapped)
        skip = ("updated_at", "version") + (("id", "created_at") if info.unique_keys else ())
        cols = [c for c in info.columns if c not in skip]
        out[name] = sorted(tuple(r) for r in store.db.query(f"SELECT {', '.join(cols)} FROM {name}"))
    out["product_agency"] = [tuple(r) for r in store.db.query(
        "SELECT pa.product_id, pa.role, a.match_key, pa.position FROM product_agency pa "
        "JOIN agency a ON a.id = pa.agency_id ORDER BY 1, 2, 3")]
    out["agency"] = sorted((r[0], r[1]) for r in store.db.query("SELECT match_key, name FROM agency"))
    return out


def file_hashes(path: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.parent.glob(path.name + "*")) if not p.name.endswith("-shm")}


exchange = send


def test_first_transfer_copies_everything_with_attachments(pair, tmp_path):
    a, b = pair
    ids = make_plan(a)
    set_status(a, ids["p1"], "2026", status="in_progress", percent=40, result="Đang dự thảo")
    doc = tmp_path / "qd.pdf"
    doc.write_bytes(b"%PDF-1.4 minh chung")
    add_evidence(a, ids["p1"], "2026", source_file=doc, doc_number="12/QĐ-UBND", summary="Quyết định")
    result = exchange(a, b, tmp_path / "a.cchc")
    assert result.inserted > 5 and result.attachments == 1
    assert dump(a) == dump(b)
    row = b.db.query_one("SELECT file_path, file_sha256 FROM evidence")
    copied = b.db.path.parent / row[0]
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == row[1]
    # importing the same package again changes nothing
    before = dump(b)
    count = b.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    again = import_package(b, tmp_path / "a.cchc")
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    assert dump(b) == before and b.db.query_one("SELECT COUNT(*) FROM change_log")[0] == count


def test_convergence_with_concurrent_edits_inserts_and_delete(pair, tmp_path):
    a, b = pair
    ids = make_plan(a)
    exchange(a, b, tmp_path / "1.cchc")
    # concurrent work: different fields, the same field, inserts on both sides, a deletion on A
    a.update("task", ids["t1"], content="Ban hành kế hoạch CCHC năm 2026 (sửa ở A)")
    b.update("product", ids["p1"], deadline_text="Trước ngày 15/02/2026")
    a.update("product", ids["p1"], description="Kế hoạch CCHC (A)")
    b.update("product", ids["p1"], description="Kế hoạch CCHC (B)")
    b.update("product", ids["p2"], description="Báo cáo kiểm tra (B)")  # deleted on A meanwhile
    set_status(b, ids["p1"], "2026", status="in_progress", percent=50)
    set_status(a, ids["p1"], "2026", status="in_progress", percent=30, notes="ghi chú A")
    new_a = a.add_task(ids["s1"], "Nhiệm vụ mới ở A")
    new_b = b.add_task(ids["s1"], "Nhiệm vụ mới ở B")
    a.delete("task", ids["t2"])
    a.set_agencies(ids["p1"], "coord", ["Công an xã"])
    # A -> B
    export_package(a, tmp_path / "a.cchc")
    plan = plan_merge(b, read_package(tmp_path / "a.cchc", local_schema=b.db.schema_version))
    conflicts = {(c.table, c.field) for c in plan.conflicts}
    assert ("product", "description") in conflicts
    [tomb] = [t for t in plan.tombstones if t.table == "task"]
    assert tomb.row_id == ids["t2"]
    assert [t.edited_here for t in plan.tombstones if t.table == "product"] == [True]
    apply_merge(b, plan, confirm=True)
    # B -> A
    exchange(b, a, tmp_path / "b.cchc")
    assert dump(a) == dump(b)
    assert a.row("task", new_a) and a.row("task", new_b) and b.row("task", new_a)
    assert a.row("task", ids["t2"]) is None and b.row("task", ids["t2"]) is None
    assert a.row("product", ids["p1"])["deadline_text"] == "Trước ngày 15/02/2026"
    assert a.row("task", ids["t1"])["content"].endswith("(sửa ở A)")
    # the same field: the later (lamport, origin) wins on both PCs
    assert a.row("product", ids["p2"]) is None  # deleted with its task
    assert a.row("product", ids["p1"])["description"] == b.row("product", ids["p1"])["description"]
    status = a.db.query_one("SELECT percent, notes FROM product_status")
    assert tuple(status) in ((30, "ghi chú A"), (50, "ghi chú A"), (50, ""), (30, ""))
    assert a.agency_names(ids["p1"], "coord") == ["Công an xã"] == b.agency_names(ids["p1"], "coord")
    # repeated exchange is stable
    exchange(a, b, tmp_path / "a2.cchc")
    exchange(b, a, tmp_path / "b2.cchc")
    assert dump(a) == dump(b)


def test_same_field_conflict_higher_lamport_wins_and_user_can_keep_local(pair, tmp_path):
    a, b = pair
    ids = make_plan(a)
    exchange(a, b, tmp_path / "1.cchc")
    a.update("product", ids["p1"], description="A1")
    b.update("product", ids["p1"], description="B1")
    # push B's clock far ahead so B's change wins by lamport regardless of who edited "later"
    with b.transaction():
        changelog.tick(b.db, 1000)
    b.update("product", ids["p1"], description="B2")
    export_package(b, tmp_path / "b.cchc")
    plan = plan_merge(a, read_package(tmp_path / "b.cchc"))
    [conflict] = plan.conflicts
    assert (conflict.old, conflict.new, conflict.winner) == ("A1", "B2", "remote")
    # the user keeps the local value: written as a new local change that wins next time
    apply_merge(a, plan, choices={conflict.key: "local"})
    assert a.row("product", ids["p1"])["description"] == "A1"
    assert changelog.tick.__name__  # clock advanced past everything seen:
    assert int(a.db.query_one("SELECT value FROM meta WHERE key='lamport'")[0]) > 1000
    exchange(a, b, tmp_path / "a.cchc")
    assert b.row("product", ids["p1"])["description"] == "A1"
    assert dump(a) == dump(b)


def test_unconfirmed_tombstone_waits_then_can_be_confirmed(pair, tmp_path):
    a, b = pair
    ids = make_plan(a)
    exchange(a, b, tmp_path / "1.cchc")
    a.delete("product", ids["p2"])
    result = exchange(a, b, tmp_path / "2.cchc")
    assert result.pending_tombstones == 1 and b.row("product", ids["p2"]) is not None
    pending = pending_tombstones(b)
    assert [t.row_id for t in pending] == [ids["p2"]]
    assert decide_tombstones(b, {ids["p2"]}, set()) == 1
    assert b.row("product", ids["p2"]) is None
    exchange(b, a, tmp_path / "3.cchc")
    assert dump(a) == dump(b)


def test_independently_created_agency_and_status_rows_are_mapped(pair, tmp_path):
    a, b = pair
    ids = make_plan(a)
    exchange(a, b, tmp_path / "1.cchc")
    set_status(a, ids["p2"], "2026", status="in_progress", percent=10)
    set_status(b, ids["p2"], "2026", status="in_progress", percent=20, notes="B")
    a.set_agencies(ids["p2"], "coord", ["Đoàn Thanh niên xã"])
    b.set_agencies(ids["p1"], "coord", ["Đoàn thanh niên xã"])
    exchange(a, b, tmp_path / "a.cchc")
    exchange(b, a, tmp_path / "b.cchc")
    assert b.db.query_one("SELECT COUNT(*) FROM product_status")[0] == 1
    assert a.db.query_one("SELECT COUNT(*) FROM agency WHERE match_key LIKE 'doan thanh nien%'")[0] == 1
    sa = a.db.query_one("SELECT status, percent, notes FROM product_status")
    sb = b.db.query_one("SELECT status, percent, notes FROM product_status")
    assert tuple(sa) == tuple(sb)


def test_plan_scoped_export_and_older_schema_package(tmp_path):
    from cchc_desktop.db import Database

    old_db = Database(tmp_path / "old.sqlite3", migrate=False)
    old_db.migrate(target=1)
    old = Store(old_db, actor="old")
    ids = make_plan(old)
    other = old.create_plan("xã Khác", 2026)
    export_package(old, tmp_path / "old.cchc", plan_ids=[ids["plan"]])
    manifest = json.loads(zipfile.ZipFile(tmp_path / "old.cchc").read("manifest.json"))
    assert manifest["schema_version"] == 1 and manifest["plan_ids"] == [ids["plan"]]
    new = Store.open(tmp_path / "new.sqlite3", actor="new")
    import_package(new, tmp_path / "old.cchc")
    assert new.row("plan", ids["plan"]) and new.row("plan", other) is None
    assert new.load_plan(ids["plan"]).sections[0].tasks[0].products[0].lead_names == "Văn phòng HĐND và UBND"
    new.close()
    old.close()


# -- refused packages: nothing written ---------------------------------------------------------------
def _rewrite(src: Path, dst: Path, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        members = {i.filename: zin.read(i.filename) for i in zin.infolist()}
        for name, data in change(members).items():
            zout.writestr(name, data)


def _tamper(members):
    data = members["data/task.jsonl"].decode().replace("Kiểm tra", "Kiểm tra (giả mạo)")
    return {**members, "data/task.jsonl": data.encode()}


def _slip(members):
    manifest = json.loads(members["manifest.json"])
    evil = b"owned"
    manifest["members"]["../../evil.txt"] = {"sha256": hashlib.sha256(evil).hexdigest(), "size": 5}
    return {**members, "manifest.json": json.dumps(manifest).encode(), "../../evil.txt": evil}


def _bomb(members):
    manifest = json.loads(members["manifest.json"])
    data = b"\n" * (30 << 20)
    manifest["members"]["changes.jsonl"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return {**members, "manifest.json": json.dumps(manifest).encode(), "changes.jsonl": data}


def _newer(members):
    manifest = json.loads(members["manifest.json"])
    manifest["schema_version"] = 99
    return {**members, "manifest.json": json.dumps(manifest).encode()}


def _no_manifest(members):
    return {k: v for k, v in members.items() if k != "manifest.json"}


def _extra(members):
    return {**members, "data/evil.jsonl": b"{}\n"}


@pytest.mark.parametrize("change, code", [(_tamper, "tampered"), (_slip, "zip_slip"), (_bomb, "zip_bomb"),
                                          (_newer, "schema"), (_no_manifest, "corrupt"), (_extra, "tampered")])
def test_bad_packages_are_refused_and_database_is_byte_identical(pair, tmp_path, change, code):
    a, b = pair
    make_plan(a)
    export_package(a, tmp_path / "good.cchc")
    make_plan(b)
    _rewrite(tmp_path / "good.cchc", tmp_path / "bad.cchc", change)
    b.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = file_hashes(b.db.path)
    with pytest.raises(ExchangeError) as info:
        import_package(b, tmp_path / "bad.cchc")
    assert info.value.code == code
    assert info.value.message and any(ch in info.value.message for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệ")
    assert file_hashes(b.db.path) == before
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_truncated_and_garbage_files_are_refused(pair, tmp_path):
    a, b = pair
    make_plan(a)
    export_package(a, tmp_path / "good.cchc")
    data = (tmp_path / "good.cchc").read_bytes()
    (tmp_path / "cut.cchc").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.cchc").write_bytes(b"not a zip at all" * 50)
    before = file_hashes(b.db.path)
    for name in ("cut.cchc", "junk.cchc"):
        with pytest.raises(ExchangeError):
            import_package(b, tmp_path / name)
    assert file_hashes(b.db.path) == before


def test_declared_ratio_limit(pair, tmp_path):
    a, _b = pair
    make_plan(a)
    export_package(a, tmp_path / "good.cchc")
    with pytest.raises(ExchangeError) as info:
        read_package(tmp_path / "good.cchc", limits=Limits(max_total=1000))
    assert info.value.code == "zip_bomb"


def test_export_to_read_only_target_gives_clear_message(pair, tmp_path, monkeypatch):
    import errno
    import os

    a, _b = pair
    make_plan(a)

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(ExchangeError, match="chỉ đọc"):
        export_package(a, tmp_path / "x.cchc")
    assert not (tmp_path / "x.cchc").exists()
    assert os.listdir(tmp_path)  # nothing half-written under the real name


def test_a_merge_is_one_operation_that_can_be_undone_and_redone(pair, tmp_path):
    """Merges run as an operation (cchc_desktop.ops): its undo gives back the plan as before the merge,
    its redo the merged plan."""
    from cchc_desktop import ops

    a, b = pair
    ids = make_plan(a)
    exchange(a, b, tmp_path / "first.cchc")
    a.update("product", ids["p1"], description="Kế hoạch CCHC (sửa ở A)")
    set_status(a, ids["p2"], "2026", status="in_progress", percent=40)
    a.add_task(ids["s1"], "Nhiệm vụ mới ở A")
    export_package(a, tmp_path / "second.cchc")
    before = dump(b)
    plan = plan_merge(b, read_package(tmp_path / "second.cchc", local_schema=b.db.schema_version))
    merged = ops.run(b, "Hợp nhất", apply_merge, b, plan, confirm=True)
    after = dump(b)
    assert after != before and merged.changes
    undone = ops.undo(b, merged.op_id)
    assert dump(b) == before
    ops.redo(b, undone.op_id)
    assert dump(b) == after


def test_par_rows_are_named_by_their_criterion_in_previews_and_conflicts(store):
    """A conflict on a self-assessment score reads «Điểm tự chấm «Tiêu chí 1.5 …» — Điểm tự chấm», not the
    table name, the row's id and the column name."""
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.exchange.merge import FIELD_LABELS, TABLE_LABELS, describe
    from cchc_desktop.ops import par as par_ops
    from cchc_desktop.par import catalog

    plan_id = create_demo_plan(store)
    catalog_id = par_ops.import_catalog(store, catalog.example_catalog(2026)).value
    criterion = store.db.query_one("SELECT id, code, title FROM par_criterion WHERE catalog_id = ? AND code = '1.5'",
                                   (catalog_id,))
    par_ops.set_score(store, plan_id, criterion["id"], 1, explanation="Có sáng kiến")
    row = dict(store.db.query_one("SELECT * FROM par_score WHERE criterion_id = ?", (criterion["id"],)))
    label = describe(store, "par_score", row)
    assert label.startswith("Tiêu chí 1.5 ") and criterion["title"][:20] in label and row["id"] not in label
    assert (TABLE_LABELS["par_score"], FIELD_LABELS["points"], FIELD_LABELS["explanation"]) == (
        "Điểm tự chấm", "Điểm tự chấm", "Giải trình")


def test_conflict_values_read_with_a_decimal_comma_and_labels_worked_out_when_shown(tmp_path):
    """QA2 #7: a conflict on points reads «0,5» / «1» (not «0.5» / «1.0»); one recorded while the label was the
    row id shows the row's name now, and the stored label is kept for a row that no longer exists."""
    from cchc_desktop.exchange import list_conflicts
    from cchc_desktop.store import Store

    store = Store.open(tmp_path / "x.sqlite3", actor="t")
    try:
        plan_id = store.create_plan("xã A", 2026)
        section = store.add_section(plan_id, "CẢI CÁCH THỂ CHẾ")
        task = store.add_task(section, "Rà soát văn bản")
        product = store.add_product(task, "Báo cáo kết quả rà soát văn bản", "Quý II/2026", ["Văn phòng"])
        with store.transaction():
            for cid, row_id, label in (("c1", product, product), ("c2", "gone-row", "Sản phẩm đã xóa")):
                store.db.conn.execute(
                    "INSERT INTO exchange_conflict (id, entity, row_id, field, label, local_value, remote_value, "
                    "applied, applied_value, created_at) VALUES (?, 'product', ?, 'description', ?, '0.5', '1.0', "
                    "'remote', '1.0', '2026-05-01T00:00:00')", (cid, row_id, label))
        found = {c.id: c for c in list_conflicts(store)}
        # worked out now: the product cited by its task (the only task of section I: «I.1»)
        assert found["c1"].label == "I.1 — " + store.row("product", product)["description"] != product
        assert found["c2"].label == "Sản phẩm đã xóa"
        c = found["c1"]
        assert (c.text(c.local_value), c.text(c.remote_value)) == ("0,5", "1")
    finally:
        store.close()
