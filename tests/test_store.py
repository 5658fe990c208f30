import sqlite3

import pytest

from cchc_desktop.db import Database, DatabaseError, latest_version
from cchc_desktop.domain import ROLE_COORD, ROLE_LEAD
from cchc_desktop.store import Store, StoreError, roman


def _schema(db: Database) -> list[tuple]:
    return sorted((r[0], r[1]) for r in db.query(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


def test_fresh_database_has_latest_schema_and_pragmas(tmp_path):
    db = Database(tmp_path / "a.sqlite3")
    assert db.schema_version == latest_version() >= 1
    assert db.query_one("PRAGMA foreign_keys")[0] == 1
    assert db.query_one("PRAGMA synchronous")[0] == 2  # FULL
    assert db.journal_mode == "wal"
    db.close()


@pytest.mark.parametrize("start", range(0, latest_version()))
def test_migrations_from_every_earlier_version(tmp_path, start):
    fresh = Database(tmp_path / "fresh.sqlite3")
    old = Database(tmp_path / "old.sqlite3", migrate=False)
    old.migrate(target=start)
    assert old.schema_version == start
    applied = old.migrate()
    assert applied == list(range(start + 1, latest_version() + 1))
    assert old.schema_version == latest_version()
    assert _schema(old) == _schema(fresh)
    old.check_integrity()
    fresh.close()
    old.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    Database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    conn.close()
    with pytest.raises(DatabaseError, match="phiên bản mới hơn"):
        Database(path)


def test_garbage_file_is_refused_in_vietnamese(tmp_path):
    path = tmp_path / "not-a-db.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="không phải là cơ sở dữ liệu hợp lệ"):
        Database(path)


def test_crud_numbering_and_change_log(store: Store):
    plan_id = store.create_plan("xã Xuân Trường", 2026, doc_number="03/KH-UBND")
    s1 = store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    s2 = store.add_section(plan_id, "CẢI CÁCH THỂ CHẾ")
    t1 = store.add_task(s1, "Ban hành kế hoạch")
    t2 = store.add_task(s1, "Thực hiện chế độ báo cáo")
    t0 = store.add_task(s1, "Nhiệm vụ chèn đầu", position=0)
    p1 = store.add_product(t1, "Kế hoạch CCHC", "Trước ngày 15/01/2026",
                           ["Phòng Văn hóa - Xã hội"], ["Các cơ quan, đơn vị có liên quan"])
    plan = store.load_plan(plan_id)
    assert [s.numeral for s in plan.sections] == ["I", "II"]
    assert [t.id for t in plan.sections[0].tasks] == [t0, t1, t2]
    assert [t.number for t in plan.sections[0].tasks] == ["1", "2", "3"]
    product = plan.sections[0].tasks[1].products[0]
    assert product.id == p1 and product.lead_names == "Phòng Văn hóa - Xã hội"

    old = store.update("task", t1, content="Ban hành kế hoạch CCHC năm 2026")
    assert old == {"content": "Ban hành kế hoạch"}
    history = store.history(t1)
    assert history[0]["field"] == "content" and history[0]["old_value"] == "Ban hành kế hoạch"
    assert history[0]["actor"] == "tester"

    store.move("task", t2, 0, parent_id=s2)
    plan = store.load_plan(plan_id)
    assert [t.id for t in plan.sections[0].tasks] == [t0, t1]
    assert [t.id for t in plan.sections[1].tasks] == [t2]

    store.set_agencies(p1, ROLE_COORD, ["Văn phòng HĐND-UBND", "Phòng Kinh tế"])
    assert store.agency_names(p1, ROLE_COORD) == ["Văn phòng HĐND-UBND", "Phòng Kinh tế"]
    assert store.agency_names(p1, ROLE_LEAD) == ["Phòng Văn hóa - Xã hội"]


def test_change_log_is_append_only(store: Store):
    store.create_plan("xã A", 2026)
    with pytest.raises(sqlite3.DatabaseError):
        store.db.conn.execute("DELETE FROM change_log")
    with pytest.raises(sqlite3.DatabaseError):
        store.db.conn.execute("UPDATE change_log SET actor = 'x'")


def test_delete_and_restore_subtree(store: Store):
    plan_id = store.create_plan("xã A", 2026)
    sid = store.add_section(plan_id, "I")
    first = store.add_task(sid, "một")
    task = store.add_task(sid, "hai")
    store.add_task(sid, "ba")
    store.add_product(task, "sp 1", "Quý I/2026", ["Phòng Kinh tế"], [])
    store.add_product(task, "sp 2", "Thường xuyên", [], ["Phòng Kinh tế"])
    before = store.load_plan(plan_id)
    shot = store.snapshot("task", task)
    store.delete("task", task)
    assert [t.content for t in store.load_plan(plan_id).sections[0].tasks] == ["một", "ba"]
    store.restore(shot)
    after = store.load_plan(plan_id)
    assert after == before
    assert after.sections[0].tasks[0].id == first


def test_failed_transaction_leaves_nothing(store: Store):
    plan_id = store.create_plan("xã A", 2026)
    before = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_section(plan_id, "Mục sẽ bị hủy")
            raise RuntimeError("boom")
    assert store.load_plan(plan_id).sections == []
    assert store.db.query_one("SELECT COUNT(*) FROM change_log")[0] == before


def test_agency_aliases_and_abbreviations(store: Store):
    short = store.ensure_agency("Trung tâm PV hành chính công")
    assert store.ensure_agency("Trung tâm Phục vụ hành chính công") == short
    assert store.row("agency", short)["name"] == "Trung tâm Phục vụ hành chính công"
    assert store.ensure_agency("  trung tâm phục vụ hành chính công. ") == short
    vp = store.ensure_agency("Văn phòng HĐND-UBND")
    assert store.ensure_agency("Văn phòng HĐND - UBND") == vp
    store.add_alias(vp, "Văn phòng UBND xã")
    assert store.find_agency("Văn phòng UBND xã") == vp
    with pytest.raises(StoreError):
        store.ensure_agency("   ")


def test_update_missing_row_is_clear(store: Store):
    with pytest.raises(StoreError, match="không còn tồn tại"):
        store.update("task", "nope", content="x")


def test_duplicate_plan_copies_everything_with_new_ids(store: Store):
    plan_id = store.create_plan("xã A", 2026, status="issued")
    sid = store.add_section(plan_id, "I")
    tid = store.add_task(sid, "việc")
    store.add_product(tid, "sp", "Quý II/2026", ["Phòng Kinh tế"], ["Văn phòng HĐND-UBND"])
    copy_id = store.duplicate_plan(plan_id, year_start=2027, year_end=2027)
    original, copy = store.load_plan(plan_id), store.load_plan(copy_id)
    assert copy.status == "draft" and copy.year_start == 2027
    assert copy.sections[0].tasks[0].products[0].lead_names == "Phòng Kinh tế"
    assert copy.sections[0].id != original.sections[0].id


def test_roman_numerals():
    assert [roman(n) for n in (1, 4, 7, 8, 9, 12)] == ["I", "IV", "VII", "VIII", "IX", "XII"]


def test_delete_and_restore_keep_tracking_rows_and_log_them(store: Store):
    from cchc_desktop.tracking import add_evidence, get_status, set_status

    plan_id = store.create_plan("xã A", 2026)
    sid = store.add_section(plan_id, "I")
    tid = store.add_task(sid, "việc")
    pid = store.add_product(tid, "Báo cáo", "Quý II/2026", ["Phòng Kinh tế"], [])
    set_status(store, pid, "2026", status="in_progress", percent=40, notes="đang làm")
    add_evidence(store, pid, "2026", doc_type="Báo cáo", doc_number="12/BC-UBND", summary="Báo cáo quý")
    before = get_status(store, pid, "2026")
    shot = store.snapshot("task", tid)
    store.delete("task", tid)
    assert store.db.query_one("SELECT COUNT(*) FROM product_status")[0] == 0
    logged = {r["entity"] for r in store.history(limit=50) if r["op"] == "delete"}
    assert {"product_status", "evidence", "product", "task"} <= logged
    store.restore(shot)
    assert get_status(store, pid, "2026") == before
    assert store.db.query_one("SELECT COUNT(*) FROM evidence WHERE product_id = ?", (pid,))[0] == 1


def test_new_product_starts_like_the_row_above(store):
    """Ctrl+Shift+Return (issue #20 item 3): agencies and deadline of the row above, empty description."""
    plan = store.create_plan("Xuân Trường", 2026)
    section = store.add_section(plan, "Cải cách thủ tục hành chính")
    task = store.add_task(section, "Rà soát TTHC")
    first = store.add_product(task, "Kế hoạch rà soát", "Quý II/2026", leads=["Văn phòng HĐND và UBND"],
                              coordinators=["Công an xã", "Phòng Kinh tế"])
    second = store.add_product(task, "Báo cáo", "Trước 15/12/2026", leads=["Phòng Văn hóa - Xã hội"])
    below_first = store.add_product_like(task, position=1, like=first)
    row = store.get_row("product", below_first)
    assert (row["description"], row["deadline_text"]) == ("", "Quý II/2026")
    assert store.agency_names(below_first, "lead") == ["Văn phòng HĐND và UBND"]
    assert store.agency_names(below_first, "coord") == ["Công an xã", "Phòng Kinh tế"]
    at_end = store.add_product_like(task)                     # no row above given: the task's last product
    assert store.get_row("product", at_end)["deadline_text"] == "Trước 15/12/2026"
    assert store.agency_names(at_end, "lead") == ["Phòng Văn hóa - Xã hội"]
    order = [r[0] for r in store.db.query("SELECT id FROM product WHERE task_id = ? ORDER BY position", (task,))]
    assert order == [first, below_first, second, at_end]
    empty_task = store.add_task(section, "Nhiệm vụ mới")
    blank = store.add_product_like(empty_task)
    assert store.get_row("product", blank)["deadline_text"] == "" and store.agency_names(blank, "lead") == []


def test_load_plan_reads_the_same_plan_alone_in_its_file_or_among_others(tmp_path):
    """load_plan reads the products and agency links in one pass when the plan holds most of the file's tasks and
    products and by a join otherwise (issue 18); both give the same plan, and archived products (or products of an
    archived task) and their links stay out."""
    from cchc_desktop.demo import create_demo_plan

    store = Store.open(tmp_path / "kh.sqlite3")
    plan_id = create_demo_plan(store)
    plan = store.load_plan(plan_id)
    task = plan.sections[0].tasks[0]
    archived = store.add_product(task.id, "Sản phẩm đã lưu trữ", "Quý I/2026", ["Cơ quan chỉ ở sản phẩm này"], [])
    store.db.conn.execute("UPDATE product SET archived_on = '2026-01-02' WHERE id = ?", (archived,))
    dropped = store.add_task(plan.sections[0].id, "Nhiệm vụ đã bỏ")
    store.add_product(dropped, "Sản phẩm của nhiệm vụ đã bỏ", "Quý II/2026", ["Cơ quan của nhiệm vụ đã bỏ"], [])
    store.db.conn.execute("UPDATE task SET archived_on = '2026-01-02' WHERE id = ?", (dropped,))
    # same product positions in one task: the order of the rows is kept either way
    tied = store.add_product(task.id, "Sản phẩm cùng vị trí", "Quý III/2026", ["Phòng Văn hóa - Xã hội"], [])
    store.db.conn.execute("UPDATE product SET position = 0 WHERE id = ?", (tied,))
    plan = store.load_plan(plan_id)
    tasks = store.db.query_one("SELECT COUNT(*) FROM task")[0]
    assert sum(len(s.tasks) for s in plan.sections) * 2 >= tasks                          # the scans
    assert {p.id for p in plan.sections[0].tasks[0].products} >= {tied} and archived not in {
        p.id for s in plan.sections for t in s.tasks for p in t.products}
    assert dropped not in {t.id for s in plan.sections for t in s.tasks}
    for _ in range(3):
        create_demo_plan(store)
    products = store.db.query_one("SELECT COUNT(*) FROM product")[0]
    tasks = store.db.query_one("SELECT COUNT(*) FROM task")[0]
    assert sum(len(t.products) for s in plan.sections for t in s.tasks) * 2 < products   # now the joins
    assert sum(len(s.tasks) for s in plan.sections) * 2 < tasks
    among_others = store.load_plan(plan_id)
    assert among_others == plan
    links = sum(len(p.leads) + len(p.coordinators) for s in plan.sections for t in s.tasks for p in t.products)
    expected = store.db.query_one(
        "SELECT COUNT(*) FROM product_agency pa JOIN product p ON p.id = pa.product_id JOIN task t "
        "ON t.id = p.task_id JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? AND p.archived_on = '' "
        "AND t.archived_on = ''",
        (plan_id,))[0]
    assert links == expected > 0
    store.close()
