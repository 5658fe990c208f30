"""Every figure of the periodic report against an independent count from the database rows.

The expected state of each product is computed here with plain SQL and loops (due dates from the deadline parser,
statuses straight from product_status), never through the rollup or the report code under test; then the report's
summary table, its per-section table (every row and column adds up) and its lists are compared with that count, for
the demo plan and for a plan with every deadline kind, at several reference dates, for quarter / 6 months / year.
"""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.deadlines import CONTINUOUS, EVENT, HALF_YEARLY, MONTHLY, QUARTERLY, RECURRING, parse_deadline
from cchc_desktop.reports.periodic_report import build_periodic_report
from cchc_desktop.tracking import set_status

from reports_support import seed_demo

D = dt.date
PERIODS = ["2026-Q1", "2026-Q2", "2026-H1", "2026-Q3", "2026-Q4", "2026"]
REFS = [D(2026, 2, 10), D(2026, 5, 20), D(2026, 8, 1), D(2026, 12, 20)]
# NĐ 09/2019 data cut-offs, written out here (not taken from the code)
CUTOFF = {"2026-Q1": D(2026, 3, 14), "2026-Q2": D(2026, 6, 14), "2026-H1": D(2026, 6, 14),
          "2026-Q3": D(2026, 9, 14), "2026-Q4": D(2026, 12, 14), "2026": D(2026, 12, 14)}
CAL = {"2026-Q1": (D(2026, 1, 1), D(2026, 3, 31)), "2026-Q2": (D(2026, 4, 1), D(2026, 6, 30)),
       "2026-H1": (D(2026, 1, 1), D(2026, 6, 30)), "2026-Q3": (D(2026, 7, 1), D(2026, 9, 30)),
       "2026-Q4": (D(2026, 10, 1), D(2026, 12, 31)), "2026": (D(2026, 1, 1), D(2026, 12, 31))}
QUARTERS = [("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)), ("2026-Q2", D(2026, 4, 1), D(2026, 6, 30)),
            ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30)), ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31))]
HALVES = [("2026-H1", D(2026, 1, 1), D(2026, 6, 30)), ("2026-H2", D(2026, 7, 1), D(2026, 12, 31))]


def _row_state(row, due, as_of, undated_kind=None):
    """State of one status row at as_of (a completion after as_of is still in progress)."""
    status = row["status"] if row else "not_started"
    done_on = D.fromisoformat(row["completed_on"]) if row and row["completed_on"] else None
    if status in ("done", "done_late") and done_on and done_on > as_of:
        status = "in_progress"
    if status in ("done", "done_late"):
        if due and done_on:
            return "done_late" if done_on > due else "done"
        return status
    if status == "not_done":
        return "not_done"
    if undated_kind is not None or due is None:
        if status == "in_progress":
            return "in_progress"
        return "event" if undated_kind == EVENT else "no_deadline"
    if as_of > due:
        return "overdue"
    return "in_progress" if status == "in_progress" else "not_started"


def _quarter_of(day):
    return next(q for q in QUARTERS if q[1] <= day <= q[2])


def expected_state(d, mine, as_of, lo=D(2026, 1, 1), hi=D(2026, 12, 31)):
    """State of one product (deadline d, its status rows {key: row}) at as_of, over the tracking periods that
    overlap lo..hi (the whole year: the lũy kế state; one period: that period's occurrence)."""
    listed = [] if d.kind not in ("fixed", "period_end") else \
        list(dict.fromkeys(_quarter_of(x) for x in d.due_dates if x.year == 2026))
    multi = len(listed) > 1        # a list of dates in 2+ quarters: one occurrence per listed quarter
    if d.kind in (RECURRING, CONTINUOUS) or multi:
        rec = set(d.recurrence)
        if multi:
            spans = listed
        elif d.kind == CONTINUOUS or rec & {MONTHLY, QUARTERLY}:
            spans = QUARTERS
        elif HALF_YEARLY in rec:
            spans = HALVES
        else:
            spans = [("2026", D(2026, 1, 1), D(2026, 12, 31))]
        spans = [s for s in spans if s[1] <= hi and s[2] >= lo]
        if not spans:
            return None, None
        started = [s for s in spans if s[1] <= as_of] or spans[:1]
        states = []
        for key, start, end in started:
            inside = [x for x in d.due_dates if start <= x <= end]
            due = D(2026, 12, 31) if d.kind == CONTINUOUS else (max(inside) if inside else end)
            # a status recorded on the single row "2026" (before per-occurrence tracking) stands for each occurrence
            row = mine.get(key) or (mine.get("2026") if multi else None)
            states.append((_row_state(row, due, as_of), due))
        names = [s for s, _ in states]
        if "overdue" in names:
            state = "overdue"
        elif "not_done" in names:
            state = "not_done"
        elif all(s in ("done", "done_late") for s in names):
            state = "done_late" if "done_late" in names else "done"
        elif any(s in ("in_progress", "done", "done_late") for s in names):
            state = "in_progress"
        else:
            state = "not_started"
        missed = [due for s, due in states if s == "overdue"]
        return state, (missed[0] if missed else states[-1][1])
    dates = list(d.due_dates)
    undated = d.kind if not dates else None
    return _row_state(mine.get("2026"), max(dates) if dates else None, as_of,
                      undated_kind=undated if undated else None), (max(dates) if dates else None)


def expected_states(store, plan_id, as_of, lo=D(2026, 1, 1), hi=D(2026, 12, 31)):
    """{product id: (state, section position, deadline, due shown)} for every product of the 2026 plan year."""
    products = store.db.query(
        "SELECT p.id, p.deadline_text, s.position AS spos FROM product p JOIN task t ON t.id = p.task_id "
        "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?", (plan_id,))
    rows = {}
    for r in store.db.query("SELECT product_id, period_key, status, completed_on FROM product_status"):
        rows.setdefault(r["product_id"], {})[r["period_key"]] = r
    out = {}
    for p in products:
        d = parse_deadline(p["deadline_text"], 2026, 2026)
        state, due = expected_state(d, rows.get(p["id"], {}), as_of, lo, hi)
        out[p["id"]] = (state, p["spos"], d, due)
    return out


COLUMNS = ["done", "done_late", "in_progress", "not_started", "overdue", "not_done", "undated"]


def _bucket(state):
    return "undated" if state in ("event", "no_deadline") else state


def check_report(store, plan_id, period_key, ref):
    as_of = min(ref, CUTOFF[period_key])
    expected = expected_states(store, plan_id, as_of)
    report = build_periodic_report(store, plan_id, period_key, ref)
    # every product of the plan year is in the report (single-year plans: every product of the plan)
    n_products = store.db.query_one(
        "SELECT COUNT(*) FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ?", (plan_id,))[0]
    assert len(expected) == n_products
    counts = {c: sum(1 for s, _, _, _ in expected.values() if _bucket(s) == c) for c in COLUMNS}
    ctx = report.context
    assert ctx["so_nhiem_vu"] == n_products
    assert ctx["so_dung_han"] == counts["done"] and ctx["so_tre_han"] == counts["done_late"]
    assert ctx["so_hoan_thanh"] == counts["done"] + counts["done_late"]
    assert ctx["so_dang_thuc_hien"] == counts["in_progress"]
    assert ctx["so_chua_trien_khai"] == counts["not_started"]
    assert ctx["so_qua_han"] == counts["overdue"]
    assert ctx["so_khong_thuc_hien"] == counts["not_done"]
    assert ctx["so_theo_phat_sinh"] == counts["undated"]
    # summary table: rows 1..6 add up to the total
    summary = report.tables["bang_tong_hop"].rows
    assert summary[0][2] == n_products
    assert [summary[i][2] for i in (2, 3, 4, 5, 6, 7, 8)] == [counts[c] for c in COLUMNS]
    assert summary[1][2] + sum(summary[i][2] for i in (4, 5, 6, 7, 8)) == n_products
    # section table: one row per section, one column per state; rows and columns add up
    table = report.tables["bang_linh_vuc"].rows
    sections = sorted({spos for _, spos, _, _ in expected.values()})
    assert len(table) == len(sections) + 1
    for spos, row in zip(sections, table):
        mine = [s for s, p, _, _ in expected.values() if p == spos]
        assert row[2] == len(mine)
        assert row[3:10] == [sum(1 for s in mine if _bucket(s) == c) for c in COLUMNS]
        assert sum(row[3:10]) == row[2]
    total = table[-1]
    assert total[2] == n_products and total[3:10] == [counts[c] for c in COLUMNS]
    for col in range(2, 10):
        assert sum(r[col] for r in table[:-1]) == total[col]
    # đến hạn trong kỳ: dated one-off / recurring products with a due date inside the calendar period, each
    # counted in the occurrence of that period (a recurring product overdue in Quý I is not overdue in Quý III)
    start, end = CAL[period_key]
    in_period = expected_states(store, plan_id, as_of, start, end)
    due_in = [pid for pid, (s, _, d, _) in expected.items()
              if d.kind != CONTINUOUS and any(start <= x <= end for x in d.due_dates)]
    assert ctx["so_den_han_trong_ky"] == len(due_in)
    assert ctx["so_den_han_qua_han"] == sum(1 for pid in due_in if in_period[pid][0] == "overdue")
    assert ctx["so_den_han_da_hoan_thanh"] == sum(1 for pid in due_in
                                                  if in_period[pid][0] in ("done", "done_late"))
    # the body never speaks of a date after the cut-off
    assert ctx["ngay_bao_cao"] == as_of.strftime("%d/%m/%Y") == ctx["den_ngay"]
    return report, counts


@pytest.mark.parametrize("ref", REFS)
def test_demo_plan_figures(store, ref):
    plan_id = seed_demo(store)
    for period_key in PERIODS:
        check_report(store, plan_id, period_key, ref)


KINDS_PLAN = [
    # (deadline text, status row for "2026" or per quarter)
    ("Trước ngày 15/01/2026", {"2026": ("done", "2026-01-10")}),
    ("Trước ngày 15/01/2026", {"2026": ("done", "2026-02-01")}),          # finished late
    ("Quý I/2026", {"2026": ("in_progress", "")}),                        # overdue from 01/04
    ("Quý II/2026", {"2026": ("done", "2026-06-20")}),                    # done after the Q2 cut-off
    ("Quý II, III/2026", {}),
    ("Tháng 9/2026", {"2026": ("not_done", "")}),
    ("Năm 2026", {"2026": ("in_progress", "")}),
    ("Năm 2026", {}),
    ("Quý IV/2025", {}),                                                   # before the plan: overdue
    ("Định kỳ hằng quý", {"2026-Q1": ("done", "2026-03-20")}),
    ("Định kỳ 6 tháng", {}),
    ("Thường xuyên", {"2026-Q1": ("in_progress", "")}),
    ("Khi có phát sinh", {}),
    ("Khi có phát sinh", {"2026": ("in_progress", "")}),
    ("Theo hướng dẫn abc xyz chưa rõ", {}),
    ("", {}),
]


@pytest.fixture
def kinds_plan(store):
    plan_id = store.create_plan("An Tường", 2026, unit_kind="phường")
    sections = [store.add_section(plan_id, f"MỤC {i}") for i in range(3)]
    for n, (text, statuses) in enumerate(KINDS_PLAN):
        task = store.add_task(sections[n % 3], f"Nhiệm vụ {n + 1}", source_stt=str(n + 1))
        product = store.add_product(task, f"Sản phẩm {n + 1}", text, ["Văn phòng HĐND và UBND"])
        for key, (status, done_on) in statuses.items():
            fields = {"status": status}
            if done_on:
                fields["completed_on"] = done_on
            if status == "in_progress":
                fields["percent"] = 50
            if status == "not_done":
                fields["reason"] = "Không còn phù hợp"
            set_status(store, product, key, ref=D(2026, 12, 31), **fields)
    return plan_id


@pytest.mark.parametrize("ref", REFS)
def test_every_deadline_kind_figures(store, kinds_plan, ref):
    for period_key in PERIODS:
        check_report(store, kinds_plan, period_key, ref)


def test_quarter_two_at_its_cut_off(store, kinds_plan):
    """Made in December, the Quý II report takes its figures at 14/06: a completion of 20/06 is not counted,
    a Quý III deadline is not overdue, and nothing is said about December."""
    report, counts = check_report(store, kinds_plan, "2026-Q2", D(2026, 12, 1))
    assert report.context["den_ngay"] == "14/06/2026"
    assert "01/12/2026" not in report.body
    assert counts["done"] == 1 and counts["done_late"] == 1
    assert report.warnings == [] or all("trước ngày chốt" not in w for w in report.warnings)


def test_date_warnings(store, kinds_plan):
    early = build_periodic_report(store, kinds_plan, "2026", D(2026, 6, 15), issue_date=D(2026, 6, 15))
    assert any("trước ngày chốt số liệu (14/12/2026)" in w for w in early.warnings)
    assert early.context["den_ngay"] == "15/06/2026"
    late = build_periodic_report(store, kinds_plan, "2026-Q2", D(2026, 7, 1), issue_date=D(2026, 6, 1))
    assert any("Ngày ban hành báo cáo (01/06/2026) sớm hơn ngày lấy số liệu (14/06/2026)" in w
               for w in late.warnings)


def test_signer_warning_unless_blank_chosen(store, kinds_plan):
    from cchc_desktop.reports.header_settings import save_header

    report = build_periodic_report(store, kinds_plan, "2026-Q2", D(2026, 7, 1))
    assert any("Chưa có họ tên người ký" in w for w in report.warnings)
    save_header(store, kinds_plan, blank_signer="1")
    report = build_periodic_report(store, kinds_plan, "2026-Q2", D(2026, 7, 1))
    assert not any("người ký" in w for w in report.warnings)
    save_header(store, kinds_plan, blank_signer="", signer_name="Trần Thị Bình")
    report = build_periodic_report(store, kinds_plan, "2026-Q2", D(2026, 7, 1))
    assert not any("người ký" in w for w in report.warnings)


def test_ward_texts_and_narrative(store, kinds_plan):
    report = build_periodic_report(store, kinds_plan, "2026-Q2", D(2026, 7, 1))
    assert "của phường" in report.body and "của xã" not in report.body
    assert "Thường trực Đảng ủy, HĐND phường" in report.signer.recipients
    assert "Đến ngày" not in report.body or "14/06/2026" in report.body
    # no praise at 0 %, no "chậm" when nothing is late
    empty = store.create_plan("Nam Giang", 2026, unit_kind="thị trấn")
    section = store.add_section(empty, "MỤC I")
    store.add_product(store.add_task(section, "Nhiệm vụ"), "Sản phẩm", "Quý IV/2026", ["Văn phòng"])
    zero = build_periodic_report(store, empty, "2026-Q2", D(2026, 7, 1))
    assert zero.context["so_hoan_thanh"] == 0
    assert "cơ bản được triển khai" not in zero.body and "đạt tỷ lệ" not in zero.body
    assert "chậm" not in zero.body and "chưa có nhiệm vụ, sản phẩm nào hoàn thành" in zero.body
    assert "thị trấn" in zero.body and " xã " not in zero.body


def test_long_overdue_list_goes_to_an_appendix(store):
    from cchc_desktop.reports.document import render_pdf

    from reports_support import page_texts

    plan_id = store.create_plan("An Tường", 2026, unit_kind="phường")
    section = store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    for n in range(1, 21):
        task = store.add_task(section, f"Nhiệm vụ quá hạn số {n}", source_stt=str(n))
        store.add_product(task, f"Sản phẩm {n}", "Quý I/2026", ["Công an phường"])
    report = build_periodic_report(store, plan_id, "2026-Q2", D(2026, 6, 20))
    assert report.context["so_qua_han"] == 20 and report.context["qua_han_o_phu_luc"]
    assert "bang_qua_han" not in report.body.replace("\ue000", "")  # no table in the body
    assert "danh sách chi tiết tại Phụ lục 02" in report.body
    labels = [a.label for a in report.appendices]
    assert labels == ["Phụ lục 01", "Phụ lục 02"]
    assert [r[0] for r in report.appendices[1].table.rows] == [str(n) for n in range(1, 21)]
    texts = page_texts(render_pdf(report))
    body_pages = [t for t in texts if "Phụ lục 0" not in t[:80]]
    assert any("Còn 20 nhiệm vụ, sản phẩm quá hạn" in t for t in body_pages)
    assert any(t.startswith("Phụ lục 02") or " Phụ lục 02 " in t[:60] for t in texts)


REPEATED_PLAN = [
    # (deadline text, {status key: (status, completed on)})
    ("Quý I, II, III, IV/2026", {"2026-Q1": ("done", "2026-03-10"), "2026-Q2": ("done", "2026-06-10"),
                                 "2026-Q4": ("done", "2026-12-10")}),          # Quý III missed
    ("Định kỳ hằng quý", {"2026-Q1": ("done", "2026-03-05"), "2026-Q2": ("done", "2026-06-05"),
                          "2026-Q3": ("done", "2026-09-05"), "2026-Q4": ("in_progress", "")}),
    ("Định kỳ hằng quý", {f"2026-Q{q}": ("done", f"2026-{3 * q:02d}-01") for q in range(1, 5)}),
    ("Quý II/2026", {"2026": ("done", "2026-05-20")}),
]


def _partly_done(store, plan_id, as_of):
    """Products with a finished occurrence (completed by as_of) that are not finished for the plan year: counted
    from the status rows, the expected state from the independent count above."""
    expected = expected_states(store, plan_id, as_of)
    finished = {r["product_id"] for r in store.db.query(
        "SELECT product_id FROM product_status WHERE status IN ('done', 'done_late') AND period_key LIKE '%-Q%' "
        "AND completed_on <= ?", (as_of.isoformat(),))}
    partly = [pid for pid in finished if expected[pid][0] not in ("done", "done_late", "not_done")]
    return len(partly), sum(1 for pid in partly if expected[pid][0] == "overdue")


def test_done_drops_when_a_later_occurrence_is_missed_and_the_report_says_why(store):
    """A product done in Quý I and II but with Quý III missed is done in the 6-month report and overdue in the annual
    one: the done figure goes down; the report explains the rule under the summary table, with the counts."""
    from cchc_desktop.reports.document import render_pdf

    from reports_support import page_texts

    plan_id = store.create_plan("Quyết Thắng", 2026)
    section = store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    for n, (text, statuses) in enumerate(REPEATED_PLAN, 1):
        product = store.add_product(store.add_task(section, f"Nhiệm vụ {n}", source_stt=str(n)), f"Sản phẩm {n}",
                                    text, ["Văn phòng HĐND và UBND"])
        for key, (status, done_on) in statuses.items():
            fields = {"status": status, **({"completed_on": done_on} if done_on else {"percent": 50})}
            set_status(store, product, key, **fields)
    half, _ = check_report(store, plan_id, "2026-H1", D(2026, 6, 20))
    year, _ = check_report(store, plan_id, "2026", D(2026, 12, 20))
    assert year.context["so_hoan_thanh"] < half.context["so_hoan_thanh"]
    for report, as_of in ((half, D(2026, 6, 14)), (year, D(2026, 12, 14))):
        partly, overdue = _partly_done(store, plan_id, as_of)
        assert report.context["so_dinh_ky_chua_xong"] == partly
        assert report.context["so_dinh_ky_chua_xong_qua_han"] == overdue
    partly, overdue = _partly_done(store, plan_id, D(2026, 12, 14))
    assert (partly, overdue) == (2, 1)
    note = (f"có {partly} nhiệm vụ, sản phẩm đã hoàn thành một hoặc một số đợt nhưng còn đợt chưa hoàn thành "
            f"({overdue} quá hạn, {partly - overdue} đang thực hiện hoặc chưa đến hạn)")
    text = " ".join(page_texts(render_pdf(year)))
    assert "chỉ được tính là đã hoàn thành khi tất cả các đợt đã đến kỳ đều hoàn thành" in text
    assert note in text
    # the note sits under the summary table, before the next part of the report
    assert text.index("Thực hiện theo phát sinh, chưa rõ thời hạn") < text.index(note) < text.index(
        "2. Kết quả thực hiện theo từng lĩnh vực")
