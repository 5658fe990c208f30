"""Qt-free query API for the dashboard and the reports: where the plan stands in a reporting period.

``plan_summary(store, plan_id, ref_date, period_key)`` reads the whole plan in four SQL queries
(products with their task/section, status rows, lead agencies, report settings) plus the targets
and classifies every product row at the reference date.

Which products belong to a reporting period P:
* periodic products (recurring / continuous): when one of their tracking periods overlaps P; their
  state in P aggregates the status rows of those tracking periods that have started by ``ref``
  (priority: overdue, not done, all finished → done / done late, some progress → in progress,
  else not started);
* one-off products with dates: when a due date falls within P, or when the product is unfinished
  and its last due date is before P (carried over, e.g. still overdue); for a whole-year period
  of the plan's first year, also products whose dates are before the plan (e.g. "Quý IV/2025");
* products without dates (event-driven, unknown or empty deadline): always.

With ``cumulative=True`` (lũy kế, what the periodic reports and the dashboard show by default) the scope is the
whole plan year of P instead of P alone: every product of that year appears (finished, in progress, not yet due,
overdue, event-driven), classified at the reference date; ``due_in_period`` still marks the products with a due
date inside P ("đến hạn trong kỳ") and ``Summary.next_period`` lists the unfinished ones due in the next period.

A completion dated after the reference date does not count yet: at that date the product was still being done.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date

from ..agency_groups import GROUP_LABEL, lead_bucket
from ..domain import cited_stts, stt_mark
from ..deadlines import CONTINUOUS, RECURRING, Deadline, parse_deadline
from ..store import Store, StoreError, roman
from ..text import sort_key
from .periods import ReportingPeriod, ReportSettings, make_period
from .status import get_settings
from .classify import classify   # the per-product step (its own module: the appendix table needs only it)
from .targets import TargetResult, target_results
from .timeliness import (EVENT_DRIVEN, FINISHED, NO_DEADLINE, OVERDUE, STATE_LABELS, STATUS_LABELS, tracking_keys,
                         tracking_span)

NO_LEAD = "(Chưa giao cơ quan chủ trì)"


@dataclass(frozen=True)
class ProductState:
    """One product row classified in a reporting period at a reference date."""

    product_id: str
    task_id: str
    section_id: str
    section_label: str         # "I. Công tác chỉ đạo, điều hành"
    task_number: int           # STT within the section (position + 1)
    task_content: str
    description: str
    deadline_text: str
    deadline: Deadline
    leads: tuple[str, ...]
    state: str                 # one of timeliness.STATES
    status: str                # stored status of the current status row (timeliness.STATUSES)
    status_key: str            # key of the current status row (what the status panel edits)
    percent: int               # 0..100 (average over started periods for periodic products)
    completed_on: str          # ISO date or ""
    result: str
    due: date | None           # the relevant due date
    next_due: date | None
    days_left: int | None
    due_soon: bool
    periodic: bool
    due_in_period: bool        # a due date falls within the selected period (recurring "due this period")
    updated_by: str = ""
    updated_at: str = ""
    source_stt: str = ""       # STT as written in the signed plan (tasks.source_stt)
    cited_stt: str = ""        # how a list outside the appendix cites the task («2.a)» for sub-item a) of task 2)
    occurrences: int = 0       # periodic products: occurrences begun by the reference date
    occurrences_done: int = 0  # … of which finished (done on time or late)

    @property
    def stt(self) -> str:
        """The task number to print: the plan's own STT when known, else the position in the section."""
        return self.source_stt or str(self.task_number)

    @property
    def citation(self) -> str:
        """The STT a list outside the appendix prints (domain.cited_stts), within the task's section."""
        return self.cited_stt or self.stt

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.state == OVERDUE and self.days_left is not None else 0

    @property
    def lead_names(self) -> str:
        return "; ".join(self.leads)

    @property
    def partly_done(self) -> bool:
        """A periodic product with a finished occurrence that is not finished for the period (another occurrence
        overdue, in progress or not yet due): why "đã hoàn thành" can go down from one report to the next."""
        return self.periodic and self.occurrences_done > 0 and self.state not in FINISHED


@dataclass
class Counts:
    """Mutually exclusive state counts (they sum to ``total``) plus the due-soon flag count."""

    total: int = 0
    done: int = 0              # completed on time
    done_late: int = 0
    overdue: int = 0
    in_progress: int = 0
    not_started: int = 0
    not_done: int = 0
    event: int = 0
    no_deadline: int = 0
    due_soon: int = 0
    percent_sum: int = 0

    def add(self, item: ProductState) -> None:
        self.total += 1
        attr = {EVENT_DRIVEN: "event", NO_DEADLINE: "no_deadline"}.get(item.state, item.state)
        setattr(self, attr, getattr(self, attr) + 1)
        self.due_soon += item.due_soon
        self.percent_sum += item.percent

    @property
    def completed(self) -> int:
        return self.done + self.done_late

    @property
    def undated(self) -> int:
        """Event-driven or without a known deadline."""
        return self.event + self.no_deadline

    @property
    def on_track(self) -> int:
        """Unfinished, dated and not overdue."""
        return self.in_progress + self.not_started

    @property
    def average_percent(self) -> float:
        return self.percent_sum / self.total if self.total else 0.0

    def pct(self, name: str) -> float:
        """Percentage of the total for a count name ('completed', 'overdue', …), 0..100."""
        return 100.0 * getattr(self, name) / self.total if self.total else 0.0

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in
                ("total", "completed", "done", "done_late", "overdue", "in_progress", "not_started",
                 "not_done", "event", "no_deadline", "due_soon", "on_track")}


@dataclass
class Group:
    key: str
    label: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class Summary:
    plan_id: str
    ref_date: date
    period: ReportingPeriod
    settings: ReportSettings
    items: list[ProductState]
    totals: Counts
    by_section: list[Group]
    by_task: list[Group]
    by_agency: list[Group]               # each product once: its first lead agency (agency_groups.lead_bucket)
    overdue: list[ProductState]          # most overdue first
    due_soon: list[ProductState]         # soonest first
    targets: list[TargetResult]
    cumulative: bool = False
    due_in_period: list[ProductState] = field(default_factory=list)   # a due date inside the period
    next_period: ReportingPeriod | None = None
    due_next_period: list[ProductState] = field(default_factory=list)  # unfinished, due in the next period

    @property
    def targets_met(self) -> int:
        return sum(1 for t in self.targets if t.met)

    @property
    def targets_measured(self) -> int:
        return sum(1 for t in self.targets if t.met is not None)


def next_period_of(period: ReportingPeriod, settings: ReportSettings) -> ReportingPeriod:
    """Quý II -> Quý III, Quý IV -> Quý I of the next year, 6 tháng đầu -> 6 tháng cuối, Năm 2026 -> Năm 2027."""
    if period.unit == "Q":
        key = f"{period.year}-Q{period.index + 1}" if period.index < 4 else f"{period.year + 1}-Q1"
    elif period.unit == "H":
        key = f"{period.year}-H2" if period.index == 1 else f"{period.year + 1}-H1"
    else:
        key = str(period.year + 1)
    return make_period(key, settings)


def _cited_stts(store: Store, plan_id: str) -> dict[str, str]:
    """task id -> its citation (domain.cited_stts) over every task of each section in order, tasks without
    products included (a numbered task heading its a), b) sub-items usually has none)."""
    by_section: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
    for r in store.db.query(
            "SELECT t.id, t.section_id, t.position, COALESCE(t.source_stt, '') AS stt FROM task t "
            "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? ORDER BY s.position, t.position",
            (plan_id,)):
        by_section.setdefault(r["section_id"], []).append((r["id"], r["stt"] or str(r["position"] + 1)))
    out: dict[str, str] = {}
    for tasks in by_section.values():
        out.update(zip((task_id for task_id, _stt in tasks), cited_stts([stt for _id, stt in tasks])))
    return out


def plan_summary(store: Store, plan_id: str, ref_date: date | None = None, period_key: str | None = None,
                 due_soon_days: int | None = None, *, cumulative: bool = False) -> Summary:
    """Everything the dashboard and the periodic reports need, for one plan, period and date.

    ``period_key`` defaults to the plan's first year ("2026"); ``ref_date`` to today; ``due_soon_days``
    to the plan setting (14). ``cumulative``: lũy kế — every product of the period's plan year (see the module
    doc) instead of the products of the period only."""
    ref = ref_date or date.today()
    plan = store.db.query_one("SELECT id, year_start, year_end FROM plan WHERE id = ?", (plan_id,))
    if plan is None:
        raise StoreError("Không tìm thấy kế hoạch (có thể đã bị xóa).")
    y0, y1 = plan["year_start"], plan["year_end"]
    settings = get_settings(store, plan_id)
    period = make_period(period_key or str(y0), settings)
    window = settings.due_soon_days if due_soon_days is None else due_soon_days

    products = store.db.query(
        "SELECT p.id, p.task_id, p.description, p.deadline_text, t.section_id, t.position AS task_pos, "
        "t.content AS task_content, COALESCE(t.source_stt, '') AS source_stt, s.position AS section_pos, s.title AS section_title "
        "FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ? AND (t.archived_on = '' OR t.archived_on > ?) "
        "AND (p.archived_on = '' OR p.archived_on > ?) "  # dropped by an amendment: only periods ending before
        "ORDER BY s.position, t.position, p.position", (plan_id, period.end.isoformat(), period.end.isoformat()))
    statuses: dict[str, dict[str, dict]] = {}
    for r in store.db.query(
            "SELECT ps.* FROM product_status ps JOIN product p ON p.id = ps.product_id "
            "JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?",
            (plan_id,)):
        statuses.setdefault(r["product_id"], {})[r["period_key"]] = dict(r)
    leads: dict[str, list[str]] = {}
    for r in store.db.query(
            "SELECT pa.product_id, a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
            "JOIN product p ON p.id = pa.product_id JOIN task t ON t.id = p.task_id "
            "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? AND pa.role = 'lead' "
            "ORDER BY pa.position", (plan_id,)):
        leads.setdefault(r["product_id"], []).append(r["name"])

    cited = _cited_stts(store, plan_id)
    following = next_period_of(period, settings)
    items: list[ProductState] = []
    due_in: list[ProductState] = []
    due_next: list[ProductState] = []
    totals = Counts()
    sections: OrderedDict[str, Group] = OrderedDict()
    tasks: OrderedDict[str, Group] = OrderedDict()
    agencies: dict[str, Group] = {}
    for r in products:
        deadline = parse_deadline(r["deadline_text"], y0, y1)
        found = classify(deadline, statuses.get(r["id"], {}), period, ref, y0, y1, window, cumulative)
        section_label = f"{roman(r['section_pos'] + 1)}. {r['section_title']}"
        sections.setdefault(r["section_id"], Group(r["section_id"], section_label))
        stt = cited.get(r["task_id"]) or r["source_stt"] or str(r["task_pos"] + 1)
        tasks.setdefault(r["task_id"], Group(r["task_id"], f"{roman(r['section_pos'] + 1)}.{stt_mark(stt)} "
                                                           f"{r['task_content']}"))
        if found is None:
            continue
        item = ProductState(
            product_id=r["id"], task_id=r["task_id"], section_id=r["section_id"], section_label=section_label,
            task_number=r["task_pos"] + 1, task_content=r["task_content"], description=r["description"],
            deadline_text=r["deadline_text"], deadline=deadline, leads=tuple(leads.get(r["id"], ())),
            source_stt=r["source_stt"], cited_stt=cited.get(r["task_id"], ""), **found)
        items.append(item)
        if item.due_in_period and deadline.kind != CONTINUOUS:
            due_in.append(_occurrence_in(item, statuses.get(r["id"], {}), period, ref, y0, y1, window))
        if _due_within(item, following.start, following.end, y0, y1):
            upcoming = _occurrence_in(item, statuses.get(r["id"], {}), following, ref, y0, y1, window)
            if upcoming.state not in FINISHED and upcoming.state != OVERDUE:
                due_next.append(upcoming)
        totals.add(item)
        sections[r["section_id"]].counts.add(item)
        tasks[r["task_id"]].counts.add(item)
        for name in lead_bucket(item.leads) or (NO_LEAD,):   # once per product: the rows add up to the total
            agencies.setdefault(name, Group(name, name)).counts.add(item)

    overdue = sorted((i for i in items if i.state == OVERDUE), key=lambda i: (i.due or ref, i.section_label))
    soon = sorted((i for i in items if i.due_soon), key=lambda i: (i.next_due or ref, i.section_label))
    return Summary(
        plan_id=plan_id, ref_date=ref, period=period, settings=settings, items=items, totals=totals,
        by_section=list(sections.values()), by_task=[g for g in tasks.values() if g.counts.total],
        by_agency=sorted(agencies.values(),
                         key=lambda g: (g.key == NO_LEAD, g.key == GROUP_LABEL, sort_key(g.label))),
        overdue=overdue, due_soon=soon, targets=target_results(store, plan_id, period.key),
        cumulative=cumulative, next_period=following,
        due_in_period=due_in, due_next_period=due_next)


def _occurrence_in(item: ProductState, rows: dict, period: ReportingPeriod, ref: date, y0: int, y1: int,
                   window: int) -> ProductState:
    """The product as it stands in one period: for a periodic product (recurring, multi-occurrence) the
    occurrence(s) of that period — its due date, state and days — instead of the whole year's; a one-off
    product is itself. What the lists «đến hạn trong kỳ» and «kỳ tới» show and count."""
    if not item.periodic:
        return item
    found = classify(item.deadline, rows, period, ref, y0, y1, window, cumulative=False)
    return replace(item, **found) if found is not None else item


def _due_within(item: ProductState, start: date, end: date, y0: int, y1: int) -> bool:
    """A due date of the product (one of its tracking periods' for periodic products) falls in start..end."""
    if item.periodic:
        if item.deadline.kind == CONTINUOUS:
            return False   # due 31/12 every quarter: "kỳ tới" lists the dated work
        return any(start <= tracking_span(k)[1] <= end for k in tracking_keys(item.deadline, y0, y1))
    return any(start <= d <= end for d in item.deadline.due_dates)


def recurring_due_in_period(summary: Summary) -> list[ProductState]:
    """Periodic (recurring / continuous) products with a due date in the summary's period."""
    return [i for i in summary.items if i.periodic and i.due_in_period and i.deadline.kind == RECURRING] + \
        [i for i in summary.items if i.periodic and i.due_in_period and i.deadline.kind != RECURRING]
