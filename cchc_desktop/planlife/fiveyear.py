"""A multi-year plan (e.g. 2026–2030) and the yearly plans that serve it.

Links: a yearly plan's ``plan_link`` row (kind 'parent'); a yearly task's ``task_link`` row (five-year task and/or
target); a yearly target's ``target_link`` row (mode ``sum``: the yearly actuals add up toward the end value, e.g. "10 mô hình";
``latest``: the latest year's value is the current value, e.g. a percentage).

``target_progress(store, plan_id)`` gives each five-year target's value per year and its progress toward the end
value; ``build_period_report`` lays them out as the report "Kết quả thực hiện Kế hoạch giai đoạn" (a ReportData
printed by the existing PDF path).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..errors import UserError
from ..store import Store
from ..text import fold
from ..tracking import plan_summary, target_results
from ..tracking.targets import COMPARISON_LABELS, format_value, is_met
from ..tracking.timeliness import DONE, DONE_LATE

SUM, LATEST = "sum", "latest"
PARENT, ROLLED_FROM = "parent", "rolled_from"
MODE_LABELS = {SUM: "cộng dồn các năm", LATEST: "lấy số liệu năm gần nhất"}


class FiveYearError(UserError):
    """A refused link (Vietnamese message)."""


def _plan(store: Store, plan_id: str) -> dict:
    row = store.get_row("plan", plan_id)
    if row is None:
        raise FiveYearError("Không tìm thấy kế hoạch (có thể đã bị xóa).")
    return row


def _years(row: dict) -> str:
    return str(row["year_start"]) if row["year_start"] == row["year_end"] else f"{row['year_start']}–{row['year_end']}"


def plan_link(store: Store, plan_id: str, kind: str = PARENT) -> str | None:
    """The plan linked to ``plan_id`` ('parent': its multi-year plan; 'rolled_from': the plan it was rolled from)."""
    row = store.db.query_one("SELECT other_plan_id FROM plan_link WHERE plan_id = ? AND kind = ?", (plan_id, kind))
    return row[0] if row else None


def set_plan_link(store: Store, plan_id: str, kind: str, other_plan_id: str | None) -> None:
    """Write (or with None remove) a plan link, logged (inside the caller's transaction or its own)."""
    with store.transaction():
        row = store.db.query_one("SELECT * FROM plan_link WHERE plan_id = ? AND kind = ?", (plan_id, kind))
        if other_plan_id is None:
            if row is not None:
                store.delete_row("plan_link", row["id"])
        elif row is None:
            store.insert_row("plan_link", {"plan_id": plan_id, "kind": kind, "other_plan_id": other_plan_id})
        else:
            store.update_row("plan_link", row["id"], {"other_plan_id": other_plan_id}, dict(row))


def link_plan(store: Store, plan_id: str, parent_plan_id: str | None) -> None:
    """Make ``parent_plan_id`` (a multi-year plan covering this plan's year) the parent of a yearly plan;
    None removes the link."""
    child = _plan(store, plan_id)
    if parent_plan_id is not None:
        parent = _plan(store, parent_plan_id)
        if parent["id"] == child["id"] or parent["year_start"] == parent["year_end"]:
            raise FiveYearError("Kế hoạch cha phải là kế hoạch nhiều năm (ví dụ giai đoạn 2026–2030).")
        if not (parent["year_start"] <= child["year_start"] and child["year_end"] <= parent["year_end"]):
            raise FiveYearError(f"Kế hoạch năm {_years(child)} không nằm trong giai đoạn {_years(parent)}.")
    set_plan_link(store, plan_id, PARENT, parent_plan_id)


def yearly_plans(store: Store, parent_plan_id: str) -> list[dict]:
    return [dict(r) for r in store.db.query(
        "SELECT p.* FROM plan p JOIN plan_link l ON l.plan_id = p.id WHERE l.kind = ? AND l.other_plan_id = ? "
        "ORDER BY p.year_start, p.created_at", (PARENT, parent_plan_id))]


def parent_candidates(store: Store, plan_id: str) -> list[dict]:
    """Multi-year plans whose period covers this plan's years."""
    plan = _plan(store, plan_id)
    return [dict(r) for r in store.db.query(
        "SELECT * FROM plan WHERE year_start < year_end AND year_start <= ? AND year_end >= ? AND id <> ? "
        "ORDER BY year_start, unit_name", (plan["year_start"], plan["year_end"], plan_id))]


def target_links(store: Store, plan_id: str) -> dict[str, tuple[str, str]]:
    """Target id -> (five-year target id, mode) for the linked targets of a yearly plan."""
    return {r["target_id"]: (r["parent_target_id"], r["mode"]) for r in store.db.query(
        "SELECT tl.* FROM target_link tl JOIN target t ON t.id = tl.target_id WHERE t.plan_id = ?", (plan_id,))}


def _plan_of(store: Store, table: str, row_id: str) -> str | None:
    if table == "task":
        row = store.db.query_one("SELECT s.plan_id FROM task t JOIN section s ON s.id = t.section_id "
                                 "WHERE t.id = ?", (row_id,))
    else:
        row = store.db.query_one("SELECT plan_id FROM target WHERE id = ?", (row_id,))
    return row[0] if row else None


def _check_parent(store: Store, child_plan: str | None, parent_plan: str | None, what: str) -> None:
    if child_plan is None or parent_plan is None:
        raise FiveYearError(f"Không tìm thấy {what} (có thể đã bị xóa).")
    if plan_link(store, child_plan) != parent_plan:
        raise FiveYearError(f"Chỉ liên kết được với {what} của kế hoạch giai đoạn mà kế hoạch năm này thuộc về.")


def link_task(store: Store, task_id: str, *, parent_task_id: str | None = None,
              parent_target_id: str | None = None) -> None:
    """Link a yearly task to the five-year task and/or target it serves (None clears that link)."""
    child_plan = _plan_of(store, "task", task_id)
    if parent_task_id:
        _check_parent(store, child_plan, _plan_of(store, "task", parent_task_id), "nhiệm vụ giai đoạn")
    if parent_target_id:
        _check_parent(store, child_plan, _plan_of(store, "target", parent_target_id), "chỉ tiêu giai đoạn")
    with store.transaction():
        row = store.db.query_one("SELECT * FROM task_link WHERE task_id = ?", (task_id,))
        values = {"parent_task_id": parent_task_id or None, "parent_target_id": parent_target_id or None}
        if not parent_task_id and not parent_target_id:
            if row is not None:
                store.delete_row("task_link", row["id"])
        elif row is None:
            store.insert_row("task_link", {"task_id": task_id, **values})
        else:
            store.update_row("task_link", row["id"], values, dict(row))


def task_links(store: Store, plan_id: str) -> dict[str, tuple[str | None, str | None]]:
    """Task id -> (five-year task id, five-year target id) for the linked tasks of a yearly plan."""
    return {r["task_id"]: (r["parent_task_id"], r["parent_target_id"]) for r in store.db.query(
        "SELECT l.* FROM task_link l JOIN task t ON t.id = l.task_id JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ?", (plan_id,))}


TASK, TARGET = "task", "target"


@dataclass(frozen=True)
class LinkChoice:
    """A five-year task or target a yearly task can serve: ``label`` as shown in the picker, the pane and the CLI."""

    kind: str          # TASK / TARGET
    id: str
    label: str

    @property
    def key(self) -> str:
        return fold(self.label)


def _task_choice(where: str, content: str, task_id: str) -> LinkChoice:
    return LinkChoice(TASK, task_id, f"Nhiệm vụ {where}. {' '.join(content.split())}")


def _target_choice(row: dict) -> LinkChoice:
    unit = row["unit"] if row["unit"] == "%" else (f" {row['unit']}" if row["unit"] else "")
    requirement = f"{COMPARISON_LABELS.get(row['comparison'], row['comparison'])} {format_value(row['target_value'])}{unit}"
    return LinkChoice(TARGET, row["id"], f"Chỉ tiêu: {' '.join(row['title'].split())} ({requirement})")


def link_choices(store: Store, plan_id: str) -> list[LinkChoice]:
    """The tasks, then the targets, of the multi-year plan that the yearly plan ``plan_id`` belongs to (none when
    it belongs to none): what the task pane's picker lists."""
    parent = plan_link(store, plan_id)
    if parent is None:
        return []
    plan = store.load_plan(parent)
    cite = plan.citations()
    out = [_task_choice(cite[task.id], task.content, task.id) for _section, task in plan.iter_tasks()]
    out += [_target_choice(dict(r)) for r in store.db.query(
        "SELECT * FROM target WHERE plan_id = ? ORDER BY position, created_at", (parent,))]
    return out


def search(choices: list[LinkChoice], query: str) -> list[LinkChoice]:
    """The choices containing every word of ``query``, accents and case ignored ("chi tieu mo hinh")."""
    wanted = fold(query).split()
    return [c for c in choices if all(w in c.key for w in wanted)]


def task_link_choices(store: Store, task_id: str) -> list[LinkChoice]:
    """What a yearly task serves now: its five-year task and/or target, labelled as in the picker."""
    row = store.db.query_one("SELECT * FROM task_link WHERE task_id = ?", (task_id,))
    if row is None:
        return []
    out = []
    parent_plan = _plan_of(store, "task", row["parent_task_id"]) if row["parent_task_id"] else None
    if parent_plan is not None:
        parent = store.load_plan(parent_plan)
        cite = parent.citations()
        out += [_task_choice(cite[task.id], task.content, task.id)
                for _section, task in parent.iter_tasks() if task.id == row["parent_task_id"]]
    if row["parent_target_id"]:
        target = store.db.query_one("SELECT * FROM target WHERE id = ?", (row["parent_target_id"],))
        if target is not None:
            out.append(_target_choice(dict(target)))
    return out


LINK_FIELD = "Phục vụ nhiệm vụ/chỉ tiêu kế hoạch giai đoạn"


def task_link_text(store: Store, task_id: str) -> str:
    """"Phục vụ nhiệm vụ/chỉ tiêu kế hoạch giai đoạn: Nhiệm vụ II.3. …; Chỉ tiêu: … (≥ 10 mô hình)" (pane, CLI)."""
    labels = [c.label for c in task_link_choices(store, task_id)]
    return f"{LINK_FIELD}: " + ("; ".join(labels) if labels else "chưa liên kết")


def set_task_link(store: Store, task_id: str, kind: str, row_id: str | None) -> None:
    """Link a yearly task to one five-year task (``kind`` TASK) or target (TARGET), keeping its link of the other
    kind; None removes that link. (The pane's picker; one undoable operation when run through ``ops.run``.)"""
    row = store.db.query_one("SELECT * FROM task_link WHERE task_id = ?", (task_id,))
    current = {TASK: row["parent_task_id"] if row else None, TARGET: row["parent_target_id"] if row else None}
    if kind not in current:
        raise FiveYearError(f"Loại liên kết không hợp lệ: {kind}")
    current[kind] = row_id
    link_task(store, task_id, parent_task_id=current[TASK], parent_target_id=current[TARGET])


def link_target(store: Store, target_id: str, parent_target_id: str | None, mode: str | None = None) -> None:
    """Count a yearly target toward a five-year target (None removes the link). ``mode`` defaults to
    ``latest`` for percentages and ``sum`` for counts."""
    with store.transaction():
        current = store.db.query_one("SELECT * FROM target_link WHERE target_id = ?", (target_id,))
        if parent_target_id is None:
            if current is not None:
                store.delete_row("target_link", current["id"])
            return
        _check_parent(store, _plan_of(store, "target", target_id), _plan_of(store, "target", parent_target_id),
                      "chỉ tiêu giai đoạn")
        if mode is None:
            unit = store.db.query_one("SELECT unit FROM target WHERE id = ?", (parent_target_id,))[0]
            mode = LATEST if unit == "%" else SUM
        if mode not in (SUM, LATEST):
            raise FiveYearError(f"Cách tổng hợp không hợp lệ: {mode}")
        values = {"parent_target_id": parent_target_id, "mode": mode}
        if current is None:
            store.insert_row("target_link", {"target_id": target_id, **values})
        else:
            store.update_row("target_link", current["id"], values, dict(current))


# -- progress -----------------------------------------------------------------------------------------------
@dataclass
class TargetProgress:
    target_id: str
    title: str
    unit: str
    comparison: str
    target_value: float
    mode: str
    years: list[int]
    yearly: dict[int, float | None] = field(default_factory=dict)
    value: float | None = None          # cumulative (sum) or latest value
    met: bool | None = None

    @property
    def progress(self) -> float | None:
        """Percent of the end value reached (only for "≥"/">"/"=" targets with a positive end value)."""
        if self.value is None or self.comparison not in (">=", ">", "=") or self.target_value <= 0:
            return None
        return 100.0 * self.value / self.target_value

    @property
    def requirement(self) -> str:
        unit = self.unit if self.unit == "%" else (f" {self.unit}" if self.unit else "")
        return f"{COMPARISON_LABELS[self.comparison]} {format_value(self.target_value)}{unit}"


def target_progress(store: Store, plan_id: str) -> list[TargetProgress]:
    """Each target of a multi-year plan: its value per year (from the linked targets of the yearly plans, else
    the value recorded on the five-year target for that year) and the progress toward its end value."""
    plan = _plan(store, plan_id)
    years = list(range(plan["year_start"], plan["year_end"] + 1))
    children = yearly_plans(store, plan_id)
    linked: dict[str, list[tuple[int, str, str]]] = {}       # parent target -> [(year, child plan, child target)]
    modes: dict[str, str] = {}
    for child in children:
        for r in store.db.query("SELECT tl.*, t.plan_id FROM target_link tl JOIN target t ON t.id = tl.target_id "
                                "WHERE t.plan_id = ?", (child["id"],)):
            linked.setdefault(r["parent_target_id"], []).append((child["year_start"], child["id"], r["target_id"]))
            modes[r["parent_target_id"]] = r["mode"]
    results: dict[tuple[str, int], dict[str, float | None]] = {}

    def child_actual(child_plan: str, year: int, target_id: str) -> float | None:
        key = (child_plan, year)
        if key not in results:
            results[key] = {r.target_id: r.actual for r in target_results(store, child_plan, str(year))}
        return results[key].get(target_id)

    out = []
    for t in store.db.query("SELECT * FROM target WHERE plan_id = ? ORDER BY position, created_at", (plan_id,)):
        mode = modes.get(t["id"]) or (LATEST if t["unit"] == "%" else SUM)
        own = {r["period_key"]: r["actual_value"] for r in store.db.query(
            "SELECT period_key, actual_value FROM target_actual WHERE target_id = ?", (t["id"],))}
        item = TargetProgress(t["id"], t["title"], t["unit"], t["comparison"], t["target_value"], mode, years)
        for year in years:
            values = [v for y, child, child_target in linked.get(t["id"], []) if y == year
                      for v in [child_actual(child, year, child_target)] if v is not None]
            if values:
                item.yearly[year] = sum(values) if mode == SUM else values[-1]
            else:
                item.yearly[year] = own.get(str(year))
        known = [(y, v) for y, v in item.yearly.items() if v is not None]
        if known:
            item.value = sum(v for _, v in known) if mode == SUM else known[-1][1]
        item.met = is_met(t["comparison"], t["target_value"], item.value)
        out.append(item)
    return out


VERDICTS = {True: "Đạt", False: "Chưa đạt", None: "Chưa có số liệu"}
NO_DATA_MARK = "—"            # the report's «Đánh giá» cell without data (explained under the table)


def progress_headers(years: list[int], *, two_lines: bool = False) -> list[str]:
    """Columns of the five-year progress table (dashboard tab, dialog, report, CLI); ``two_lines`` breaks the
    long ones (narrow screen columns)."""
    gap = "\n" if two_lines else " "
    return ["Chỉ tiêu", f"Đến năm{gap}{years[-1]}", *(str(y) for y in years), f"Kết quả{gap}đến nay", "Tiến độ",
            "Đánh giá"]


def progress_cells(t: TargetProgress) -> list[str]:
    """One target's row under ``progress_headers``: value per year, cumulative (or latest) value, % of the end
    value, met or not."""
    pct = t.progress
    return [t.title, t.requirement, *(_value_text(t.yearly[y], t.unit) for y in t.years),
            _value_text(t.value, t.unit) + (" (lũy kế)" if t.mode == SUM and t.value is not None else ""),
            "—" if pct is None else f"{format_value(round(pct, 1))}%", VERDICTS[t.met]]


def linked_text(store: Store, plan_id: str) -> str:
    """"Kế hoạch giai đoạn 2026–2030: năm 2026, năm 2027 được liên kết." """
    plan = _plan(store, plan_id)
    children = yearly_plans(store, plan_id)
    return (f"Kế hoạch giai đoạn {_years(plan)}: "
            + (", ".join(f"năm {c['year_start']}" for c in children) or "chưa có kế hoạch năm nào")
            + " được liên kết.")


def progress_text(store: Store, plan_id: str, progress: list[TargetProgress] | None = None) -> str:
    """The progress table as text, one line per target (CLI ``period-report``; same cells as the dashboard)."""
    plan = _plan(store, plan_id)
    if plan["year_start"] == plan["year_end"]:
        raise FiveYearError("Tiến độ giai đoạn chỉ có ở kế hoạch nhiều năm (ví dụ giai đoạn 2026–2030).")
    progress = target_progress(store, plan_id) if progress is None else progress
    headers = progress_headers(list(range(plan["year_start"], plan["year_end"] + 1)))
    lines = [linked_text(store, plan_id)]
    for i, t in enumerate(progress, 1):
        cells = progress_cells(t)
        lines.append(f"{i}. {cells[0]} — " + "; ".join(f"{h}: {c}" for h, c in zip(headers[1:], cells[1:])))
    if not progress:
        lines.append("Kế hoạch giai đoạn chưa có chỉ tiêu.")
    return "\n".join(lines)


@dataclass
class TaskProgress:
    task_id: str
    where: str
    content: str
    yearly: dict[int, tuple[int, int]] = field(default_factory=dict)   # year -> (products completed, total)


def task_progress(store: Store, plan_id: str) -> list[TaskProgress]:
    """Each task of the multi-year plan with the yearly tasks linked to it: products completed per year."""
    plan = store.load_plan(plan_id)
    cite = plan.citations()
    items = {task.id: TaskProgress(task.id, cite[task.id], task.content) for _section, task in plan.iter_tasks()}
    for child in yearly_plans(store, plan_id):
        year = child["year_start"]
        linked = {task: parent for task, (parent, _target) in task_links(store, child["id"]).items() if parent}
        if not linked:
            continue
        summary = plan_summary(store, child["id"], _dt.date(year, 12, 31), str(year))
        for item in summary.items:
            parent = linked.get(item.task_id)
            if parent in items:
                done, total = items[parent].yearly.get(year, (0, 0))
                items[parent].yearly[year] = (done + (item.state in (DONE, DONE_LATE)), total + 1)
    return list(items.values())


# -- the report ------------------------------------------------------------------------------------------------
def _value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{format_value(value)}{unit if unit == '%' else ''}"


def build_period_report(store: Store, plan_id: str, ref_date: _dt.date, *, number: str | int | None = None,
                        issue_date: _dt.date | None = None):
    """The report "Kết quả thực hiện Kế hoạch giai đoạn" as a ReportData (render with reports.document.render_pdf)."""
    from ..reports.document import ReportData, TableData, fitted_shares
    from ..reports.header_settings import get_header
    from ..reports.templates import table_marker
    from ..reports.vnformat import unit_with_kind
    from .amend import plan_citation

    plan = _plan(store, plan_id)
    if plan["year_start"] == plan["year_end"]:
        raise FiveYearError("Báo cáo kết quả thực hiện kế hoạch giai đoạn chỉ lập cho kế hoạch nhiều năm.")
    period = _years(plan)
    unit = unit_with_kind(plan["unit_name"], plan["unit_kind"] or "xã")
    progress = target_progress(store, plan_id)
    years = list(range(plan["year_start"], plan["year_end"] + 1))
    # «Chưa có số liệu» wrapped over 3–4 lines in the narrow «Đánh giá» column of the portrait page: «—» + a note
    rows = [[str(i), *progress_cells(t)[:-1], NO_DATA_MARK if t.met is None else VERDICTS[t.met]]
            for i, t in enumerate(progress, 1)]
    # the value columns as wide as their values (a year column holds «95%», the verdict «Chưa đạt»), the target's
    # text takes the rest: fixed shares made the text column narrow and the value columns wrap or stand empty
    target_headers = ["TT", *progress_headers(years)]
    targets = TableData("bang_chi_tieu_giai_doan", "Chỉ tiêu giai đoạn", target_headers, rows,
                        fitted_shares(target_headers, rows, flexible=(1,), font_size=10),
                        ["CENTER", "LEFT", "CENTER"] + ["CENTER"] * (len(years) + 3),
                        empty_text="Kế hoạch giai đoạn chưa có chỉ tiêu.", font_size=10)
    task_rows = []
    for t in task_progress(store, plan_id):
        cells = [f"{t.yearly[y][0]}/{t.yearly[y][1]}" if y in t.yearly else "—" for y in years]
        task_rows.append([t.where, t.content, *cells])
    task_headers = ["TT", "Nhiệm vụ", *(str(y) for y in years)]
    tasks = TableData("bang_nhiem_vu_giai_doan", "Nhiệm vụ giai đoạn", task_headers,
                      task_rows, fitted_shares(task_headers, task_rows, flexible=(1,), font_size=10),
                      ["CENTER", "LEFT"] + ["CENTER"] * len(years), font_size=10,
                      empty_text="Kế hoạch giai đoạn chưa có nhiệm vụ.")
    children = yearly_plans(store, plan_id)
    basis = [f"Thực hiện {plan_citation(store, plan_id, ref_date)} của Ủy ban nhân dân {unit} về cải cách hành "
             f"chính giai đoạn {period}, Ủy ban nhân dân {unit} báo cáo kết quả thực hiện đến ngày "
             f"{ref_date:%d/%m/%Y} như sau:"]
    body = [basis[0], "## I. KẾ HOẠCH HẰNG NĂM"]
    if children:
        body += [f"- Năm {c['year_start']}: {plan_citation(store, c['id'], ref_date)}." for c in children]
    else:
        body.append("Chưa có kế hoạch năm nào được liên kết với kế hoạch giai đoạn.")
    body += ["## II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
             "Giá trị từng năm lấy từ chỉ tiêu tương ứng của kế hoạch năm (chỉ tiêu số lượng: cộng dồn các năm; "
             "chỉ tiêu tỷ lệ: lấy số liệu năm gần nhất).",
             table_marker(targets.key),
             *([f"Ghi chú: «{NO_DATA_MARK}» ở cột Đánh giá: {VERDICTS[None].lower()}."]
               if any(t.met is None for t in progress) else []),
             "## III. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
             "Số sản phẩm hoàn thành / tổng số sản phẩm của các nhiệm vụ kế hoạch năm được liên kết với từng nhiệm "
             "vụ giai đoạn.",
             table_marker(tasks.key),
             # the closing sentence of an ND30 report: the signer block keeps it (not the last table) on its page
             f"Trên đây là báo cáo kết quả thực hiện Kế hoạch cải cách hành chính giai đoạn {period} của Ủy ban "
             f"nhân dân {unit}./."]
    header = get_header(store, plan_id)
    subject = f"Kết quả thực hiện Kế hoạch cải cách hành chính giai đoạn {period}"
    doc_header = header.document_header(number=number, date=issue_date, year=ref_date.year, doc_type="BÁO CÁO",
                                        subject=subject)
    return ReportData(kind="period_plan", title=f"BÁO CÁO {subject}", header=doc_header, signer=header.signer(),
                      body="\n".join(body), tables={targets.key: targets, tasks.key: tasks},
                      context={"ky": period}, author=f"Ủy ban nhân dân {unit}",
                      file_stem=f"bao-cao-ket-qua-ke-hoach-giai-doan-{period.replace('–', '-')}",
                      # the five-year plan has its own header: a name set only on the yearly plan is not printed
                      warnings=[header.signer_warning] if header.signer_warning else [])
