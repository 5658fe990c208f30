"""Tracking core (no Qt): periods, timeliness, statuses, evidence, targets, roll-ups, history."""
from datetime import date

import pytest

from cchc_desktop import changelog
from cchc_desktop.deadlines import parse_deadline
from cchc_desktop.tracking import (DONE, DONE_LATE, IN_PROGRESS, NOT_DONE, NOT_STARTED, StatusError,
                                   add_default_targets, add_evidence, add_target, bulk_update,
                                   default_targets, delete_evidence, evidence_file, get_status, is_met,
                                   list_evidence, make_period, plan_evidence, plan_periods, plan_summary,
                                   product_history,
                                   set_actual, set_settings, set_status, target_results, undo_bulk,
                                   verify_evidence_file)
from cchc_desktop.tracking.periods import default_period, next_report, parse_period_key
from cchc_desktop.tracking.timeliness import (EVENT_DRIVEN, NO_DEADLINE, OVERDUE, assess, key_for,
                                              tracking_keys)

D = date


# -- periods ----------------------------------------------------------------------------------------
def test_plan_periods_and_default_report_dues():
    periods = plan_periods(2026)
    assert [p.key for p in periods] == ["2026-Q1", "2026-Q2", "2026-H1", "2026-Q3", "2026-Q4", "2026"]
    due = {p.key: p.report_due for p in periods}
    assert due == {"2026-Q1": D(2026, 3, 15), "2026-Q2": D(2026, 6, 15), "2026-H1": D(2026, 6, 15),
                   "2026-Q3": D(2026, 9, 15), "2026-Q4": D(2026, 12, 15), "2026": D(2026, 12, 15)}
    labels = [p.label for p in periods]
    assert labels == ["Quý I/2026", "Quý II/2026", "6 tháng đầu năm 2026", "Quý III/2026", "Quý IV/2026",
                      "Năm 2026"]
    q1 = make_period("2026-Q1")
    assert (q1.data_from, q1.data_to) == (D(2025, 12, 15), D(2026, 3, 14))
    assert (make_period("2026-Q3").data_from, make_period("2026-Q3").data_to) == (D(2026, 6, 15), D(2026, 9, 14))
    assert make_period("2028-Q1").end == D(2028, 3, 31)
    assert len(plan_periods(2026, 2030)) == 30
    assert parse_period_key("2026-H2") == (2026, "H", 2)
    with pytest.raises(ValueError):
        parse_period_key("2026-Q5")


def test_report_settings_per_plan(store):
    plan = store.create_plan("Xã A", 2026)
    set_settings(store, plan, quarter_report_day=5, annual_report_day=5)
    from cchc_desktop.tracking import get_settings
    s = get_settings(store, plan)
    periods = {p.key: p.report_due for p in plan_periods(2026, settings=s)}
    assert periods["2026-Q3"] == D(2026, 9, 5) and periods["2026"] == D(2026, 12, 5)
    assert periods["2026-H1"] == D(2026, 6, 15)
    set_settings(store, plan, quarter_report_day=31)   # clamped to the month length
    assert make_period("2026-Q2", get_settings(store, plan)).report_due == D(2026, 6, 30)
    assert any(h["entity"] == "tracking_settings" for h in store.history())
    assert default_period(2026, 2026, D(2026, 7, 20)).key == "2026-Q3"
    assert default_period(2026, 2026, D(2027, 2, 1)).key == "2026"
    assert next_report(2026, 2026, D(2026, 7, 20)).key == "2026-Q3"


# -- timeliness (table-driven) ----------------------------------------------------------------------
CASES = [
    # text, plan years, ref, status, completed_on, expected state, due, due_soon
    ("Trước ngày 15/01/2026", 2026, D(2026, 1, 10), NOT_STARTED, None, NOT_STARTED, D(2026, 1, 15), True),
    ("Trước ngày 15/01/2026", 2026, D(2026, 1, 15), IN_PROGRESS, None, IN_PROGRESS, D(2026, 1, 15), True),
    ("Trước ngày 15/01/2026", 2026, D(2026, 1, 16), IN_PROGRESS, None, OVERDUE, D(2026, 1, 15), False),
    ("Trước ngày 15/01/2026", 2026, D(2026, 7, 20), DONE, D(2026, 1, 15), DONE, D(2026, 1, 15), False),
    ("Trước ngày 15/01/2026", 2026, D(2026, 7, 20), DONE, D(2026, 1, 16), DONE_LATE, D(2026, 1, 15), False),
    ("Quý II, III, IV năm 2026", 2026, D(2026, 6, 20), NOT_STARTED, None, NOT_STARTED, D(2026, 12, 31), True),
    ("Quý II, III, IV năm 2026", 2026, D(2026, 7, 20), NOT_STARTED, None, NOT_STARTED, D(2026, 12, 31), False),
    ("Quý I/2026", 2026, D(2026, 3, 31), IN_PROGRESS, None, IN_PROGRESS, D(2026, 3, 31), True),
    ("Quý I/2026", 2026, D(2026, 4, 1), IN_PROGRESS, None, OVERDUE, D(2026, 3, 31), False),
    ("Quý IV/2025", 2026, D(2026, 1, 1), NOT_STARTED, None, OVERDUE, D(2025, 12, 31), False),
    ("Quý IV/2025", 2026, D(2025, 12, 31), NOT_STARTED, None, NOT_STARTED, D(2025, 12, 31), True),
    ("Năm 2026", 2026, D(2026, 12, 31), NOT_STARTED, None, NOT_STARTED, D(2026, 12, 31), True),
    ("Năm 2026", 2026, D(2027, 1, 1), NOT_STARTED, None, OVERDUE, D(2026, 12, 31), False),
    # leap year 2028
    ("29/02/2028", 2028, D(2028, 2, 29), IN_PROGRESS, None, IN_PROGRESS, D(2028, 2, 29), True),
    ("29/02/2028", 2028, D(2028, 3, 1), IN_PROGRESS, None, OVERDUE, D(2028, 2, 29), False),
    ("Tháng 2/2028", 2028, D(2028, 2, 28), NOT_STARTED, None, NOT_STARTED, D(2028, 2, 29), True),
    ("Tháng 2/2028", 2028, D(2028, 3, 2), DONE, D(2028, 3, 1), DONE_LATE, D(2028, 2, 29), False),
    ("Tháng 2/2028", 2028, D(2028, 3, 2), DONE, D(2028, 2, 29), DONE, D(2028, 2, 29), False),
    ("Quý I/2028", 2028, D(2028, 3, 17), NOT_STARTED, None, NOT_STARTED, D(2028, 3, 31), True),
    # event-driven, unknown, empty
    # work started on an undated item shows as in progress (it is not "waiting for an event" any more)
    ("Khi có phát sinh", 2026, D(2026, 7, 20), IN_PROGRESS, None, IN_PROGRESS, None, False),
    ("lúc nào rảnh", 2026, D(2026, 7, 20), IN_PROGRESS, None, IN_PROGRESS, None, False),
    ("Khi có phát sinh", 2026, D(2026, 7, 20), NOT_STARTED, None, EVENT_DRIVEN, None, False),
    ("Theo yêu cầu của Sở Nội vụ", 2026, D(2027, 1, 5), NOT_STARTED, None, EVENT_DRIVEN, None, False),
    ("Theo yêu cầu của Sở Nội vụ", 2026, D(2026, 7, 20), DONE, D(2026, 5, 1), DONE, None, False),
    ("lúc nào rảnh", 2026, D(2026, 7, 20), NOT_STARTED, None, NO_DEADLINE, None, False),
    ("", 2026, D(2026, 7, 20), NOT_STARTED, None, NO_DEADLINE, None, False),
    ("Khi có phát sinh", 2026, D(2026, 7, 20), NOT_DONE, None, NOT_DONE, None, False),
]


@pytest.mark.parametrize("text,year,ref,status,done_on,state,due,soon", CASES)
def test_timeliness_one_off(text, year, ref, status, done_on, state, due, soon):
    t = assess(parse_deadline(text, year), status, done_on, ref, 14)
    assert (t.state, t.due, t.due_soon) == (state, due, soon)


PERIODIC = [
    # text, key, ref, status, completed_on, state, due
    ("Thường xuyên", "2026-Q2", D(2026, 6, 30), NOT_STARTED, None, NOT_STARTED, D(2026, 12, 31)),
    ("Thường xuyên", "2026-Q2", D(2026, 7, 1), IN_PROGRESS, None, IN_PROGRESS, D(2026, 12, 31)),
    ("Thường xuyên", "2026-Q2", D(2027, 1, 1), IN_PROGRESS, None, OVERDUE, D(2026, 12, 31)),
    ("Thường xuyên", "2026-Q2", D(2027, 1, 1), DONE, D(2026, 8, 1), DONE, D(2026, 12, 31)),
    ("Thường xuyên", "2026-Q4", D(2026, 12, 31), IN_PROGRESS, None, IN_PROGRESS, D(2026, 12, 31)),
    ("Thường xuyên", "2026-Q4", D(2027, 1, 1), IN_PROGRESS, None, OVERDUE, D(2026, 12, 31)),
    ("Định kỳ hằng quý, 6 tháng, 1 năm", "2026-Q3", D(2026, 10, 2), DONE, D(2026, 10, 1), DONE_LATE,
     D(2026, 9, 30)),
    ("Định kỳ hằng quý, 6 tháng, 1 năm", "2026-Q3", D(2026, 10, 2), DONE, D(2026, 9, 30), DONE, D(2026, 9, 30)),
    ("Định kỳ hằng tháng, quý, năm", "2028-Q1", D(2028, 2, 29), NOT_STARTED, None, NOT_STARTED, D(2028, 3, 31)),
    ("Định kỳ 6 tháng", "2026-H1", D(2026, 7, 1), IN_PROGRESS, None, OVERDUE, D(2026, 6, 30)),
    ("Hằng năm", "2027", D(2027, 12, 31), NOT_STARTED, None, NOT_STARTED, D(2027, 12, 31)),
]


@pytest.mark.parametrize("text,key,ref,status,done_on,state,due", PERIODIC)
def test_timeliness_periodic(text, key, ref, status, done_on, state, due):
    year = int(key[:4])
    d = parse_deadline(text, 2026, 2028)
    assert key in tracking_keys(d, 2026, 2028)
    t = assess(d, status, done_on, ref, 14, key=key)
    assert (t.state, t.due) == (state, due)


def test_tracking_keys():
    assert tracking_keys(parse_deadline("Quý I/2026", 2026), 2026) == ["2026"]
    assert tracking_keys(parse_deadline("Khi có phát sinh", 2026), 2026) == ["2026"]
    assert tracking_keys(parse_deadline("Thường xuyên", 2026), 2026) == [f"2026-Q{i}" for i in range(1, 5)]
    assert tracking_keys(parse_deadline("Định kỳ 6 tháng", 2026), 2026) == ["2026-H1", "2026-H2"]
    assert tracking_keys(parse_deadline("Hằng năm", 2026, 2028), 2026, 2028) == ["2026", "2027", "2028"]
    cont = parse_deadline("Thường xuyên", 2026)
    assert key_for(cont, 2026, 2026, "2026", D(2026, 7, 20)) == "2026-Q3"
    assert key_for(cont, 2026, 2026, "2026-H1") == "2026-Q2"
    assert key_for(parse_deadline("Quý I/2026", 2026), 2026, 2026, "2026-Q3") == "2026"


# -- plan built through the store ---------------------------------------------------------------------
@pytest.fixture
def plan(store):
    plan_id = store.create_plan("Xã Thử", 2026)
    s1 = store.add_section(plan_id, "Công tác chỉ đạo, điều hành")
    s2 = store.add_section(plan_id, "Cải cách thủ tục hành chính")
    t1 = store.add_task(s1, "Ban hành kế hoạch CCHC")
    t2 = store.add_task(s1, "Báo cáo định kỳ")
    t3 = store.add_task(s2, "Rà soát TTHC")
    ids = {
        "plan": plan_id,
        "kh": store.add_product(t1, "Kế hoạch CCHC năm 2026", "Trước ngày 15/01/2026", ["Phòng Văn hóa - Xã hội"]),
        "bc": store.add_product(t2, "Báo cáo CCHC định kỳ", "Định kỳ hằng quý, 6 tháng, 1 năm",
                                ["Phòng Văn hóa - Xã hội"]),
        "rs": store.add_product(t3, "Báo cáo rà soát", "Quý II/2026", ["Trung tâm PV hành chính công"]),
        "tx": store.add_product(t3, "Tiếp nhận phản ánh", "Thường xuyên", ["Trung tâm PV hành chính công"]),
        "ev": store.add_product(t3, "Công bố TTHC", "Theo các quyết định công bố của tỉnh", []),
        "q4": store.add_product(t3, "Đánh giá cuối năm", "Quý IV/2026", ["Văn phòng HĐND-UBND"]),
    }
    return ids


def test_status_rules_and_history(store, plan):
    with pytest.raises(StatusError, match="lý do"):
        set_status(store, plan["rs"], "2026", status=NOT_DONE)
    with pytest.raises(StatusError, match="ngày hoàn thành"):
        set_status(store, plan["rs"], "2026", status=DONE)
    with pytest.raises(StatusError, match="không trễ"):
        set_status(store, plan["kh"], "2026", status=DONE_LATE, completed_on=D(2026, 1, 14))
    row = set_status(store, plan["kh"], "2026", status=DONE, completed_on=D(2026, 1, 20), result="KH số 03")
    assert row["status"] == DONE_LATE and row["percent"] == 100 and row["updated_by"] == "tester"
    assert row["version"] == 1
    row = set_status(store, plan["kh"], "2026", completed_on="2026-01-12")   # re-derived: on time
    assert row["status"] == DONE and row["version"] == 2
    row = set_status(store, plan["rs"], "2026", status=NOT_DONE, reason="Chờ hướng dẫn của tỉnh")
    assert row["reason"] == "Chờ hướng dẫn của tỉnh"
    # periodic rows are per period
    set_status(store, plan["tx"], "2026-Q1", status=DONE, completed_on="2026-03-20")
    set_status(store, plan["tx"], "2026-Q2", status=IN_PROGRESS, percent=50)
    assert get_status(store, plan["tx"], "2026-Q1")["status"] == DONE
    assert get_status(store, plan["tx"], "2026-Q3")["id"] is None
    history = product_history(store, plan["kh"])
    fields = [(h["entity"], h["field"]) for h in history]
    assert ("product_status", "status") in fields and ("product_status", None) in fields
    assert ("product", None) in fields
    assert all(h["actor"] == "tester" for h in history)
    change = next(h for h in history if h["field"] == "status")
    assert change["old_value"] == DONE_LATE and change["new_value"] == DONE


def test_evidence_copy_sha256_and_move(store, plan, tmp_path):
    src = tmp_path / "QĐ 12 công bố.pdf"
    src.write_bytes(b"%PDF-1.4 test" * 100)
    eid = add_evidence(store, plan["kh"], "2026", doc_type="Kế hoạch", doc_number="03/KH-UBND",
                       issued_on=D(2026, 1, 10), summary="Kế hoạch CCHC năm 2026", source_file=src)
    row = list_evidence(store, plan["kh"])[0]
    import hashlib
    assert row["id"] == eid and row["file_sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert row["file_path"].startswith("attachments/") and not row["file_path"].startswith("/")
    assert evidence_file(store, row).read_bytes() == src.read_bytes()
    assert verify_evidence_file(store, row)
    assert row["issued_on"] == "2026-01-10"
    assert not list((store.db.path.parent / "attachments").glob(".copy-*"))
    # same content twice -> one file
    add_evidence(store, plan["kh"], "2026", doc_number="x", source_file=src)
    assert len(list((store.db.path.parent / "attachments").rglob("*.pdf"))) == 1
    # tampering detected
    evidence_file(store, row).write_bytes(b"changed")
    assert not verify_evidence_file(store, row)
    delete_evidence(store, eid)
    assert [h["op"] for h in product_history(store, plan["kh"]) if h["row_id"] == eid] == ["delete", "insert"]


def test_plan_evidence_is_list_evidence_of_every_product_in_one_query(store, plan):
    add_evidence(store, plan["tx"], "2026-Q2", doc_number="2", summary="quý II")
    add_evidence(store, plan["tx"], "2026-Q1", doc_number="1b", summary="quý I, thứ hai")
    add_evidence(store, plan["kh"], "2026", doc_number="03/KH-UBND", summary="kế hoạch")
    add_evidence(store, plan["tx"], "2026-Q1", doc_number="1a", summary="quý I")
    other = store.create_plan("Xã Khác", 2026)
    other_product = store.add_product(store.add_task(store.add_section(other, "Chỉ đạo"), "Việc"), "SP", "Quý I/2026")
    add_evidence(store, other_product, "2026", doc_number="x", summary="kế hoạch khác")
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    recorded = plan_evidence(store, plan["plan"])
    store.db.conn.set_trace_callback(None)
    assert len(statements) == 1
    products = [r["id"] for r in store.db.query(
        "SELECT p.id FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ?", (plan["plan"],))]
    assert recorded == {pid: list_evidence(store, pid) for pid in products if list_evidence(store, pid)}
    assert [r["doc_number"] for r in recorded[plan["tx"]]] == ["1b", "1a", "2"]   # period, then position
    count = store.db.query_one(
        "SELECT COUNT(*) AS n FROM evidence e JOIN product p ON p.id = e.product_id JOIN task t ON t.id = p.task_id "
        "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?", (plan["plan"],))["n"]
    assert sum(len(rows) for rows in recorded.values()) == count == 4
    assert other_product not in recorded


def test_evidence_survives_moving_the_folder(tmp_path):
    from cchc_desktop.store import Store
    import shutil
    folder = tmp_path / "a"
    folder.mkdir()
    s = Store.open(folder / "db.sqlite3", actor="x")
    plan_id = s.create_plan("Xã", 2026)
    task = s.add_task(s.add_section(plan_id, "I"), "t")
    pid = s.add_product(task, "p", "Quý I/2026")
    src = tmp_path / "f.docx"
    src.write_bytes(b"docx")
    add_evidence(s, pid, "2026", summary="s", source_file=src)
    s.close()
    shutil.move(str(folder), str(tmp_path / "b"))
    s = Store.open(tmp_path / "b" / "db.sqlite3")
    row = list_evidence(s, pid)[0]
    assert verify_evidence_file(s, row)
    s.close()


def test_targets(store, plan):
    assert is_met(">=", 95, 95) and not is_met(">", 95, 95) and is_met("<=", 15, 10)
    assert is_met("=", 100, 100.0) and not is_met("<", 5, 5) and is_met(">=", 1, None) is None
    specs = default_targets()
    assert any("đúng hạn" in s.title and s.target_value == 95 for s in specs)
    assert any(s.comparison == ">" and s.target_value == 95 for s in specs)   # "trên 95%"
    added = add_default_targets(store, plan["plan"])
    assert len(added) == len(specs) and add_default_targets(store, plan["plan"]) == []
    tid = add_target(store, plan["plan"], "Kiểm tra tối thiểu cơ quan, đơn vị", 20, "≥", "%")
    set_actual(store, tid, "2026-Q2", 10)
    set_actual(store, tid, "2026-Q3", 25)
    by_key = lambda key: next(r for r in target_results(store, plan["plan"], key) if r.target_id == tid)
    assert by_key("2026-Q2").met is False and by_key("2026-Q2").actual == 10
    assert by_key("2026-Q3").met is True
    assert by_key("2026").actual == 25 and by_key("2026").actual_period == "2026-Q3"
    assert by_key("2026-Q1").met is None and by_key("2026-Q1").met_label == "Chưa có số liệu"
    assert by_key("2026-Q2").requirement == "≥ 20%"
    set_actual(store, tid, "2026-Q3", None)
    assert by_key("2026").actual == 10


def test_bulk_update_one_transaction_and_undo(store, plan):
    ids = [plan["kh"], plan["rs"], plan["tx"]]
    set_status(store, plan["rs"], "2026", status=IN_PROGRESS, percent=40, notes="cũ")
    changes = bulk_update(store, ids, "2026-Q2", status=DONE, completed_on="2026-06-10",
                          evidence={"doc_type": "Báo cáo", "doc_number": "45/BC-UBND", "summary": "Báo cáo quý II"})
    assert get_status(store, plan["kh"], "2026")["status"] == DONE_LATE     # due 15/01
    assert get_status(store, plan["rs"], "2026")["status"] == DONE
    assert get_status(store, plan["tx"], "2026-Q2")["status"] == DONE
    assert len(list_evidence(store, plan["rs"])) == 1
    undo_bulk(store, changes)
    assert get_status(store, plan["kh"], "2026")["id"] is None
    back = get_status(store, plan["rs"], "2026")
    assert (back["status"], back["percent"], back["notes"]) == (IN_PROGRESS, 40, "cũ")
    assert list_evidence(store, plan["rs"]) == []
    # all or nothing: one refused row rolls back all
    before = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    with pytest.raises(StatusError, match="lý do"):
        bulk_update(store, ids, "2026", status=NOT_DONE)
    assert store.db.query_one("SELECT COUNT(*) FROM change_log")[0] == before


def test_plan_summary_mid_year(store, plan):
    set_status(store, plan["kh"], "2026", status=DONE, completed_on="2026-01-12")
    set_status(store, plan["bc"], "2026-Q1", status=DONE, completed_on="2026-03-25")
    set_status(store, plan["tx"], "2026-Q1", status=DONE, completed_on="2026-03-25")
    set_status(store, plan["tx"], "2026-Q2", status=DONE, completed_on="2026-06-25")
    set_status(store, plan["q4"], "2026", status=IN_PROGRESS, percent=30)
    add_target(store, plan["plan"], "Tỷ lệ hồ sơ đúng hạn", 95)
    s = plan_summary(store, plan["plan"], D(2026, 7, 20), "2026")
    state = {i.product_id: i.state for i in s.items}
    assert state[plan["kh"]] == DONE
    assert state[plan["bc"]] == OVERDUE        # Q2 report not recorded
    assert state[plan["rs"]] == OVERDUE        # Quý II/2026 not done
    assert state[plan["tx"]] == IN_PROGRESS     # Q1, Q2 done, Q3 running
    assert state[plan["ev"]] == EVENT_DRIVEN
    assert state[plan["q4"]] == IN_PROGRESS
    t = s.totals
    assert (t.total, t.done, t.overdue, t.in_progress, t.event) == (6, 1, 2, 2, 1)
    assert sum(t.as_dict()[k] for k in ("done", "done_late", "overdue", "in_progress", "not_started",
                                        "not_done", "event", "no_deadline")) == t.total
    assert [g.counts.total for g in s.by_section] == [2, 4]
    agencies = {g.label: g.counts for g in s.by_agency}
    assert agencies["Phòng Văn hóa - Xã hội"].total == 2 and agencies["(Chưa giao cơ quan chủ trì)"].total == 1
    assert [i.product_id for i in s.overdue] == [plan["bc"], plan["rs"]]
    assert s.overdue[1].leads == ("Trung tâm PV hành chính công",) and s.overdue[1].days_overdue == 20
    assert s.targets[0].met is None
    # quarter view: only what is due in Q3 plus carried-over and periodic items
    q3 = plan_summary(store, plan["plan"], D(2026, 9, 20), "2026-Q3")
    keys = {i.product_id for i in q3.items}
    assert plan["kh"] not in keys and plan["rs"] in keys and plan["q4"] not in keys and plan["tx"] in keys
    # the Q3 report (due 30/9) is due soon even though Q2's is still missing; "Thường xuyên" is due 31/12
    assert {i.product_id for i in q3.due_soon} == {plan["bc"]}
    # year boundary: everything unfinished is overdue on 1/1/2027
    s27 = plan_summary(store, plan["plan"], D(2027, 1, 1), "2026")
    assert {i.product_id for i in s27.overdue} >= {plan["q4"], plan["tx"], plan["bc"], plan["rs"]}


def test_summary_is_a_few_queries(store, plan):
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    plan_summary(store, plan["plan"], D(2026, 7, 20), "2026")
    store.db.conn.set_trace_callback(None)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 8


def test_demo_plan_summary(store):
    demo = pytest.importorskip("cchc_desktop.demo")
    try:
        plan_id = demo.create_demo_plan(store)
    except ImportError:
        pytest.skip("importer not landed yet")
    s = plan_summary(store, plan_id, D(2026, 7, 20), "2026")
    assert s.totals.total > 20 and s.by_section and s.by_agency
