"""One due/state formatter: the table, the dashboard, the periodic report and its .xlsx export word the same
products the same way, and the expected words are derived here from the database rows with plain SQL and date
arithmetic (not through the code under test)."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from cchc_desktop.reports.catalog import ReportRequest, build_report, export_xlsx
from cchc_desktop.tracking import set_status

REF = dt.date(2026, 7, 20)
SOON_DAYS = 14            # the default «sắp đến hạn» window
# (description, deadline date, stored status, percent, completed on)
PRODUCTS = [
    ("Báo cáo quý", dt.date(2026, 6, 30), "not_started", 0, None),          # overdue 20 days
    ("Kế hoạch kiểm tra", dt.date(2026, 5, 15), "in_progress", 60, None),   # overdue 66 days, in progress
    ("Quyết định kiện toàn", dt.date(2026, 6, 30), "done", 100, dt.date(2026, 6, 10)),   # done on time
    ("Tổng kết", dt.date(2026, 3, 31), "done", 100, dt.date(2026, 4, 20)),  # done late
    ("Tuyên truyền", dt.date(2026, 9, 30), "in_progress", 40, None),        # in progress, not due yet
    ("Rà soát thủ tục", dt.date(2026, 7, 25), "not_started", 0, None),      # due in 5 days
]


@pytest.fixture
def plan(store):
    plan_id = store.create_plan("xã Thử Nghiệm", 2026)
    section = store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    for n, (description, due, status, percent, done_on) in enumerate(PRODUCTS):
        task = store.add_task(section, f"Nhiệm vụ số {n + 1}")
        product = store.add_product(task, description, f"Trước ngày {due:%d/%m/%Y}", ["Văn phòng HĐND và UBND"], [])
        if status != "not_started":
            fields = {"status": status, "percent": percent}
            if done_on:
                fields["completed_on"] = done_on
            set_status(store, product, "2026", ref=REF, **fields)
    return plan_id


def _dmy(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def expected_from_db(store, plan_id) -> dict[str, dict]:
    """Per product description: the table's «Hạn xử lý»/«Trạng thái» and the report's «Tình trạng», worked out from
    the rows (deadline text "Trước ngày dd/mm/yyyy", the stored status) by the rules users are told."""
    out = {}
    for r in store.db.query(
            "SELECT p.description, p.deadline_text, ps.status, ps.percent, ps.completed_on FROM product p "
            "JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
            "LEFT JOIN product_status ps ON ps.product_id = p.id WHERE s.plan_id = ?", (plan_id,)):
        day, month, year = (int(x) for x in r["deadline_text"].removeprefix("Trước ngày ").split("/"))
        due = dt.date(year, month, day)
        status = r["status"] or "not_started"
        if status in ("done", "done_late"):
            done_on = dt.date.fromisoformat(r["completed_on"])
            label = "Hoàn thành đúng hạn" if done_on <= due else "Hoàn thành quá hạn"
            out[r["description"]] = {"due": f"Xong {_dmy(done_on)}", "state": label,
                                     "phrase": f"{label} ({_dmy(done_on)})", "overdue": False}
        elif due < REF:
            late = (REF - due).days
            out[r["description"]] = {"due": f"{_dmy(due)} (quá {late} ngày)", "state": "Quá hạn",
                                     "phrase": f"Quá hạn {late} ngày", "overdue": True}
        else:
            left = (due - REF).days
            soon = left <= SOON_DAYS
            label = "Đang thực hiện" if status == "in_progress" else "Chưa triển khai"
            state = label + (f" ({r['percent']}%)" if status == "in_progress" else "")
            phrase = state if status == "in_progress" else (label + (f" (còn {left} ngày)" if soon else ""))
            out[r["description"]] = {"due": _dmy(due), "state": state + (" · sắp đến hạn" if soon else ""),
                                     "phrase": phrase, "overdue": False}
    return out


def _column(model, header: str) -> int:
    return next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Horizontal) == header)


def test_table_dashboard_report_and_export_word_due_and_state_alike(qtbot, store, plan, tmp_path):
    from openpyxl import load_workbook

    from ui.appendix_model import COL_DUE, COL_PRODUCT, COL_STATUS, AppendixModel, FilterSpec
    from ui.dashboard import DashboardWidget

    expected = expected_from_db(store, plan)
    assert len(expected) == len(PRODUCTS)
    overdue = sorted(d for d, e in expected.items() if e["overdue"])
    assert len(overdue) == 2

    # the table
    model = AppendixModel(store)
    model.set_ref_date(REF)
    model.load(plan)
    table = {model.index(r, COL_PRODUCT).data(): (model.index(r, COL_DUE).data(), model.index(r, COL_STATUS).data())
             for r in range(model.rowCount()) if model.rows()[r].product is not None}
    assert table == {d: (e["due"], e["state"]) for d, e in expected.items()}
    assert model.overdue_count() == len(overdue)
    model.set_filter(FilterSpec(overdue_only=True))
    assert sorted(r.product.description for r in model.rows() if r.product is not None) == overdue

    # the dashboard: every product's «Trạng thái», the overdue and due-soon lists' «Hạn xử lý»
    dash = DashboardWidget(store, plan, ref_date=REF)
    qtbot.addWidget(dash)
    dash.set_period("2026")
    dash.ensure_current()         # computed when shown; the test reads it hidden
    items = dash.items_table.model()
    state_col = _column(items, "Trạng thái")
    assert {items.index(r, 0).data(): items.index(r, state_col).data() for r in range(items.rowCount())} == {
        d: e["state"] for d, e in expected.items()}
    late = dash.overdue_table.model()
    due_col = _column(late, "Hạn xử lý")
    assert {late.index(r, 0).data(): late.index(r, due_col).data() for r in range(late.rowCount())} == {
        d: expected[d]["due"] for d in overdue}
    soon = dash.soon_table.model()
    assert {soon.index(r, 0).data(): soon.index(r, due_col).data() for r in range(soon.rowCount())} == {
        d: e["due"] for d, e in expected.items() if e["state"].endswith("sắp đến hạn")}
    assert dash.summary.totals.overdue == len(overdue)

    # the periodic report (sentence form of the same facts) and its .xlsx export
    request = ReportRequest("periodic", plan, "2026", REF)
    report = build_report(store, request)
    appendix = report.appendices[0].table
    state_at = appendix.headers.index("Tình trạng")
    printed = {row[2]: row[state_at] for row in appendix.rows if len(row) > state_at}
    assert printed == {d: e["phrase"] for d, e in expected.items()}
    for description, entry in expected.items():     # the words carry the table's figures (days, %, dates)
        assert entry["phrase"].startswith(entry["state"].split(" · ")[0].split(" (")[0])
    assert report.context["so_qua_han"] == len(overdue)
    wb = load_workbook(export_xlsx(store, request, tmp_path / "bao-cao.xlsx"))
    cells = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            if row and len(row) > state_at and row[2] in expected:
                cells[row[2]] = row[state_at]
    assert cells == {d: e["phrase"] for d, e in expected.items()}
