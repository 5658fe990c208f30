"""What the appendix table knows about a loaded plan, Qt-free: every product's state at the reference date, the
search text of every task, and the filter keys — computed once per load and per change, never per filter.

"Trạng thái" and "Hạn xử lý" come from the recorded statuses (product_status) classified at the reference date by
the tracking core, exactly as the dashboard does: `cchc_desktop.tracking.classify.classify` — the per-product
function of `plan_summary` — over the plan's whole span (for a one-year plan: the "Năm" reporting period,
stretched to the end of the plan). Their words come from the one formatter (`cchc_desktop.tracking.display`).

States are computed lazily: on first use for a product (the rows on screen), the rest in chunks (`index_some`,
driven by the table model's idle timer) or all at once (`ensure`). Each computed state is also filed under its
filter key (state, "sắp đến hạn", next due date), so a state filter is a set lookup and a row walk.

With `archived=True` the rows also show the tasks and products that plan amendments dropped, at their original
place, in the state «Đã bỏ theo điều chỉnh số … ngày …» (read-only, never counted, never passing a state or
agency filter).
"""
from __future__ import annotations

import gc
import re
import time
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .agency_groups import GROUP_ID, GROUP_LABEL, is_group
from .appendix_rows import KIND_SECTION, FilterSpec, Layout, Row, RowTable, all_rows, pass_counts, row_spans
from .dates import format_date
from .deadlines import parse_deadline
from .domain import Plan, Product, Section, Task
from .gc_pauses import no_gc_pauses  # noqa: F401 - also imported from here by ui.appendix_model
from .text import sort_key
from .tracking import display
from .tracking.periods import make_period
from .tracking.classify import classify
from .tracking.status import get_settings, status_rows
from .tracking.timeliness import (DONE, DONE_LATE, FINISHED, IN_PROGRESS, NO_DEADLINE, NOT_STARTED, OVERDUE,
                                  STATUS_LABELS, stored_row, tracking_keys, tracking_span)

ARCHIVED = display.ARCHIVED
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fast_fold(value: str) -> str:
    """Search key: accent/case-insensitive like `cchc_desktop.text.fold`, punctuation as spaces.

    After NFD and đ→d every Vietnamese letter is ASCII plus combining marks, so dropping the
    non-ASCII code points removes exactly the accents (other symbols such as "–" are dropped too,
    on both the query and the searched text, so matching is unaffected)."""
    value = value.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFD", value).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()


def settle_objects() -> None:
    """Once a plan is loaded and indexed: keep every object alive now out of the cyclic collector's passes
    (gc.freeze). Filters create tens of thousands of rows; without this, a full collection over the whole plan
    (~60 ms at 20,000 tasks) lands in the middle of one filter now and then. `unsettle_objects()` before the next
    load gives them back, so garbage cycles of the previous plan are still collected."""
    gc.freeze()


def unsettle_objects() -> None:
    gc.unfreeze()


def tracking_period(plan: Plan, settings):
    """The period the table classifies in: the plan's first-year reporting period ("Năm 2026", what the dashboard
    shows for the year) stretched to the end of the plan, open-ended so one-off products dated after the plan
    still get a state."""
    return replace(make_period(str(plan.year_start), settings), end=date.max)


@dataclass(slots=True)
class ProductInfo:
    """State of one product row at the reference date (from its recorded statuses), with the texts of the
    "Hạn xử lý" and "Trạng thái" cells (the one formatter's) computed once."""
    deadline: object
    deadline_text: str
    state: str                 # tracking state (timeliness.STATES), or ARCHIVED
    due: date | None = None
    next_due: date | None = None
    days_left: int | None = None
    due_soon: bool = False
    stored_status: str = NOT_STARTED
    percent: int = 0
    completed_on: str = ""
    periodic: bool = False
    updated_by: str = ""
    due_label: str = ""
    status_label: str = ""
    tone: str | None = None    # which colour the table gives the state (a key of the model's brushes)
    # periodic products: the table's % is the average over the periods begun so far; the status panel
    # shows one period ("Quý IV/2026") — these say which, so the two figures can be told apart
    period_label: str = ""        # the current tracking period
    period_percent: int = 0       # its own %
    periods_averaged: int = 0     # how many periods the average covers

    @property
    def status(self) -> str:
        """The tracking state (the older name)."""
        return self.state

    @property
    def due_tooltip(self) -> str:
        return self.deadline.describe()

    def tooltip(self) -> str:
        if self.state == ARCHIVED:
            return f"{self.status_label}\nThời gian thực hiện: {self.deadline.describe()}"
        lines = [f"Thời gian thực hiện: {self.deadline.describe()}"]
        if self.due is not None:
            late = -self.days_left if self.state == OVERDUE and self.days_left else 0
            lines.append(f"Hạn: {display.late_date_text(self.due, late)}")
        if self.periods_averaged > 1:
            lines.append(self.average_note())
        own = self.period_percent if self.period_label else self.percent
        lines.append("Tình trạng đã ghi nhận" + (f" ({self.period_label})" if self.period_label else "")
                     + f": {STATUS_LABELS.get(self.stored_status, '')}"
                     + (f", {own}%" if self.stored_status == IN_PROGRESS and own else "")
                     + (f", hoàn thành ngày {format_date(self.completed_on)}" if self.completed_on else ""))
        if self.updated_by:
            lines.append(f"Người cập nhật: {self.updated_by}")
        return "\n".join(lines)

    def average_note(self) -> str:
        """"Trung bình các kỳ: 12% — Quý IV/2026: 50%" (periodic products over several periods)."""
        return (f"Trung bình các kỳ: {self.percent}% — {self.period_label}: {self.period_percent}%\n"
                f"(% trong bảng là trung bình của {self.periods_averaged} kỳ đã bắt đầu; "
                f"mỗi kỳ cập nhật riêng ở «Chi tiết nhiệm vụ»)")


def _tone(info: ProductInfo) -> str | None:
    return display.SOON if info.due_soon else info.state


class AppendixIndex(Layout):
    """States, search text and filter keys of one loaded plan (see the module docstring)."""

    def __init__(self, store, plan: Plan | None, ref: date, *, archived: bool = False):
        self.store, self.plan, self.today = store, plan, ref
        self.info: dict[str, ProductInfo] = {}
        self.folded: dict[str, str] = {}           # task id -> folded search text
        self._statuses: dict[str, dict[str, dict]] = {}
        self._shared: dict[str, ProductInfo] = {}   # deadline text -> state of a product without status rows
        self._by_state: dict[str, set[str]] = {}
        self._soon: set[str] = set()
        self._state_tasks: dict[str, dict[str, int]] = {}   # state (or SOON) -> task id -> its products in it
        self._pending: list | None = []
        self._all_rows: list[Row] | None = None
        self._products: dict[str, tuple[Section, Task, Product]] | None = None
        self._task_of: dict[str, str] | None = None
        self._table: RowTable | None = None
        self._last: tuple[list[Row], tuple, int] | None = None   # the last filter's rows, spans, visible tasks
        self._leads: dict[str, set[str]] | None = None
        self._agencies: tuple[list, list] | None = None
        self.dropped = None                         # store.ArchivedParts when shown
        self.archived_ids: set[str] = set()
        self.dropped_products: dict[str, Product] = {}
        self.settings = self.period = None
        if plan is None:
            return
        self.settings = get_settings(store, plan.id)
        self.period = tracking_period(plan, self.settings)
        self._statuses = status_rows(store, plan.id, self.products)   # the live products' (by one scan)
        self._pending = None                        # every task, listed on first use
        if archived:
            self.show_archived(True)

    # -- lookups --------------------------------------------------------------------------------------------------
    @property
    def products(self) -> dict[str, tuple[Section, Task, Product]]:
        """product id -> (section, task, product) of the live plan, built on first use."""
        if self._products is None:
            found = {}
            if self.plan is not None:
                with no_gc_pauses():
                    for section in self.plan.sections:
                        for task in section.tasks:
                            for product in task.products:
                                found[product.id] = (section, task, product)
            self._products = found
        return self._products

    def lead_products(self, agency_id: str) -> set[str]:
        """Ids of the products an agency leads (index built on first use); ``agency_groups.GROUP_ID``: the products
        a group phrase («Các cơ quan, đơn vị …») leads."""
        if self._leads is None:
            leads: dict[str, set[str]] = {}
            for _s, _t, product in self.products.values():
                for agency in product.leads:
                    leads.setdefault(GROUP_ID if is_group(agency.name) else agency.id, set()).add(product.id)
            self._leads = leads
        return self._leads.get(agency_id, set())

    def lead_choices(self) -> list[tuple[str, str]]:
        """The «Cơ quan chủ trì» filter's choices: [(id, name)] of the agencies leading a live product of the plan
        (never a coordinating-only agency, never a group phrase), then «Các cơ quan, đơn vị (chung)» when a group
        phrase leads something."""
        found: dict[str, str] = {}
        groups = False
        for agency in self._named_agencies()[0]:
            if is_group(agency.name):
                groups = True
            else:
                found.setdefault(agency.id, agency.name)
        choices = sorted(found.items(), key=lambda item: sort_key(item[1]))
        return choices + ([(GROUP_ID, GROUP_LABEL)] if groups else [])

    def agency_names(self) -> set[str]:
        """The names of the agencies this plan's live products name (leads and coordinators), from the loaded plan
        (what `agency_groups.plan_agency_names` reads with SQL, without a join over the whole plan)."""
        leads, others = self._named_agencies()
        return {a.name for a in leads} | {a.name for a in others}

    def _named_agencies(self) -> tuple[list, list]:
        """(the Agency objects leading a live product, those coordinating one), each object once — one pass over
        the plan, kept until an agency link changes (`forget_leads`). load_plan makes one object per agency, so
        these are a few dozen."""
        if self._agencies is None:
            leads: dict[int, object] = {}
            others: dict[int, object] = {}
            if self.plan is not None:
                for section in self.plan.sections:
                    for task in section.tasks:
                        for product in task.products:
                            for agency in product.leads:
                                leads[id(agency)] = agency
                            for agency in product.coordinators:
                                others[id(agency)] = agency
            self._agencies = (list(leads.values()), list(others.values()))
        return self._agencies

    def forget_leads(self) -> None:
        """An agency link of a loaded product changed (leads or coordinators): the lookups built from them."""
        self._leads = self._agencies = None

    @property
    def archived(self):   # Layout: the ids shown as dropped
        return self.archived_ids

    def is_archived(self, row_id: str) -> bool:
        return row_id in self.archived_ids

    def product(self, product_id: str) -> Product | None:
        """A live product, or a dropped one while they are shown."""
        found = self.products.get(product_id)
        return found[2] if found is not None else self.dropped_products.get(product_id)

    # -- states ---------------------------------------------------------------------------------------------------
    def state_of(self, product: Product) -> ProductInfo:
        info = self.info.get(product.id)
        if info is None:
            info = self._compute(product)
        return info

    def _compute(self, product: Product) -> ProductInfo:
        if product.id in self.archived_ids:
            info = self._archived_info(product)
        else:
            rows = self._statuses.get(product.id)
            if rows is None:   # products without any recorded status share one result per deadline text
                info = self._shared.get(product.deadline_text)
                if info is None:
                    info = self._shared[product.deadline_text] = self._classify(product, {})
            else:
                info = self._classify(product, rows)
            self._file(product, info)
        self.info[product.id] = info
        return info

    def _file(self, product: Product, info: ProductInfo) -> None:
        """File a product under its filter keys, with its task's count per key (replacing an older state)."""
        product_id = product.id
        found = self.products.get(product_id)
        # the task's own id object, as the row table's and the search texts' keys: lookups by identity
        task_id = found[1].id if found is not None else product.task_id
        old = self.info.get(product_id)
        if old is not None:
            self._unfile(product_id, task_id, old.state)
            if product_id in self._soon:
                self._unfile(product_id, task_id, display.SOON)
        self._file_key(product_id, task_id, info.state)
        if info.due_soon:
            self._file_key(product_id, task_id, display.SOON)

    def _file_key(self, product_id: str, task_id: str | None, key: str) -> None:
        (self._soon if key == display.SOON else self._by_state.setdefault(key, set())).add(product_id)
        if task_id is not None:
            counts = self._state_tasks.setdefault(key, {})
            counts[task_id] = counts.get(task_id, 0) + 1

    def _unfile(self, product_id: str, task_id: str | None, key: str) -> None:
        found = self._soon if key == display.SOON else self._by_state.get(key, set())
        if product_id not in found:
            return
        found.discard(product_id)
        counts = self._state_tasks.get(key)
        if task_id is not None and counts is not None and task_id in counts:
            counts[task_id] -= 1
            if not counts[task_id]:
                del counts[task_id]

    def _classify(self, product: Product, rows: dict) -> ProductInfo:
        plan = self.plan
        deadline = parse_deadline(product.deadline_text, plan.year_start, plan.year_end)
        found = classify(deadline, rows, self.period, self.today,
                         plan.year_start, plan.year_end, self.settings.due_soon_days)
        if found is None:  # not reached with an open-ended period; kept for safety
            info = ProductInfo(deadline, product.deadline_text, NO_DEADLINE)
        else:
            info = ProductInfo(deadline, product.deadline_text, found["state"], due=found["due"],
                               next_due=found["next_due"], days_left=found["days_left"], due_soon=found["due_soon"],
                               stored_status=found["status"], percent=found["percent"],
                               completed_on=found["completed_on"], periodic=found["periodic"],
                               updated_by=found["updated_by"])
            if info.periodic:
                self._period_detail(info, deadline, rows, found)
        info.due_label = display.due_cell(info)
        info.status_label = display.state_cell(info)
        info.tone = _tone(info)
        return info

    def _period_detail(self, info: ProductInfo, deadline, rows: dict, found: dict) -> None:
        """The current period's own % and how many periods classify() averaged (same selection: the periods
        inside the tracking period that have begun at the reference date)."""
        plan, period, ref = self.plan, self.period, self.today
        keys = [k for k in tracking_keys(deadline, plan.year_start, plan.year_end)
                if tracking_span(k)[0] <= period.end and tracking_span(k)[1] >= period.start]
        started = [k for k in keys if tracking_span(k)[0] <= ref] or keys[:1]
        key = found.get("status_key") or (started[-1] if started else "")
        row = stored_row(rows, deadline, key, plan.year_start) or {}
        status = row.get("status") or NOT_STARTED
        info.period_label = make_period(key).label if key else ""
        info.period_percent = 100 if status in (DONE, DONE_LATE) else int(row.get("percent") or 0)
        info.periods_averaged = len(started)

    def archived_text(self, row_id: str) -> str:
        """«Đã bỏ theo điều chỉnh số … ngày …» of a dropped task or product (the one formatter's words)."""
        dropped_by = self.dropped.dropped_by.get(row_id) if self.dropped is not None else None
        return (display.archived_text(*dropped_by) if dropped_by is not None
                else display.archived_text(known=False))

    def _archived_info(self, product: Product) -> ProductInfo:
        plan = self.plan
        deadline = parse_deadline(product.deadline_text, plan.year_start, plan.year_end)
        return ProductInfo(deadline, product.deadline_text, ARCHIVED, status_label=self.archived_text(product.id),
                           tone=ARCHIVED)

    def index_some(self, budget_ms: float = 12.0) -> bool:
        """Index tasks (search text and product states) for about `budget_ms`; True when everything is done."""
        if self._pending is None:
            self._pending = list(self.plan.iter_tasks()) if self.plan else []
        pending = self._pending
        deadline = time.perf_counter() + budget_ms / 1000.0
        done = 0
        folded, info, compute = self.folded, self.info, self._compute
        with no_gc_pauses():
            for _section, task in pending:
                done += 1
                if task.id not in folded:
                    self.fold_task(task)
                for product in task.products:
                    if product.id not in info:
                        compute(product)
                if done % 50 == 0 and time.perf_counter() > deadline:
                    break
        del pending[:done]
        if pending:
            return False
        if self.plan is not None:           # the filters' lookups, while idle
            with no_gc_pauses():
                self.lead_products("")
                self.task_of
                self.table()
        return True

    @property
    def ready(self) -> bool:
        return self._pending is not None and not self._pending

    def ensure(self) -> None:
        """Every state and search text computed."""
        if not self.ready:
            self.index_some(float("inf"))

    def fold_task(self, task: Task) -> None:
        parts = [task.content, str(task.number)]
        for product in task.products:
            parts.extend((product.description, product.lead_names, product.coordinator_names,
                          product.deadline_text))
        self.folded[task.id] = fast_fold(" ".join(parts))

    def set_ref(self, ref: date) -> None:
        """Classify at another reference date: every state again (the search text is kept)."""
        self.today = ref
        self.reclassify(None)

    def reclassify(self, product_ids=None, settings=None) -> set[str] | None:
        """Re-read recorded statuses and classify again: every product (None, also on new tracking settings) or
        the given ones. Returns the ids reclassified (None: all)."""
        if self.plan is None:
            return set()
        if settings is not None and settings != self.settings:   # e.g. the "sắp đến hạn" window: every state
            self.settings, product_ids = settings, None
            self.period = tracking_period(self.plan, settings)
        if product_ids is None:
            self._statuses = status_rows(self.store, self.plan.id, self.products)
            keep = {pid: i for pid, i in self.info.items() if pid in self.archived_ids}
            self.info, self._shared, self._by_state, self._soon, self._state_tasks = keep, {}, {}, set(), {}
            self._pending = list(self.plan.iter_tasks())
            return None
        products = self.products
        ids = [i for i in dict.fromkeys(product_ids) if i in products]
        fresh = status_rows(self.store, self.plan.id, ids)
        for product_id in ids:
            self._statuses.pop(product_id, None)
            if product_id in fresh:
                self._statuses[product_id] = fresh[product_id]
            product = products[product_id][2]
            info = self._classify(product, fresh[product_id]) if product_id in fresh else self._shared_info(product)
            self._file(product, info)
            self.info[product_id] = info
        return set(ids)

    def _shared_info(self, product: Product) -> ProductInfo:
        info = self._shared.get(product.deadline_text)
        if info is None:
            info = self._shared[product.deadline_text] = self._classify(product, {})
        return info

    def product_changed(self, product: Product, deadline_changed: bool) -> None:
        """A product's fields were edited: its search text (and its state when the deadline changed)."""
        found = self.products.get(product.id)
        if found is not None:
            self.fold_task(found[1])
        if deadline_changed and product.id in self.info:
            self.reclassify([product.id])

    # -- counts ---------------------------------------------------------------------------------------------------
    def count(self, state: str) -> int:
        """Live products in a state (every state computed first)."""
        self.ensure()
        return len(self._by_state.get(state, ()))

    # -- archived rows --------------------------------------------------------------------------------------------
    def show_archived(self, on: bool) -> None:
        self._all_rows = self._table = self._last = None
        if not on or self.plan is None:
            for row_id in self.archived_ids:
                self.info.pop(row_id, None)
            self.dropped, self.archived_ids, self.dropped_products = None, set(), {}
            return
        parts = self.store.load_archived(self.plan.id)
        self.dropped = parts
        ids = set(parts.dropped_by)
        self.archived_ids = ids
        self.dropped_products = {p.id: p for products in parts.products.values() for p in products}
        self.dropped_products.update((p.id, p) for tasks in parts.tasks.values() for t in tasks for p in t.products)
        for tasks in parts.tasks.values():
            for task in tasks:
                self.fold_task(task)

    def section_tasks(self, section: Section) -> list[Task]:
        dropped = self.dropped.tasks.get(section.id) if self.dropped is not None else None
        return _merge(section.tasks, dropped) if dropped else section.tasks

    def task_products(self, task: Task) -> list[Product]:
        dropped = self.dropped.products.get(task.id) if self.dropped is not None else None
        return _merge(task.products, dropped) if dropped else task.products

    # -- rows -----------------------------------------------------------------------------------------------------
    def all_rows(self) -> list[Row]:
        """Every row (cached per load): sections, one row per product, dropped rows when shown."""
        if self._all_rows is None:
            with no_gc_pauses():
                self._all_rows = all_rows(self.plan, self)
        return self._all_rows

    def rows(self, spec: FilterSpec) -> list[Row]:
        """The rows that pass `spec`: the folded phrase in the task's text, the section, and the product filters
        (lead agency, state, due window) by precomputed keys; a section without a passing task is hidden."""
        if self.plan is None:
            return []
        phrase = fast_fold(spec.text) if spec.text.strip() else ""
        # the query as a phrase: "chuyen doi so" ≠ "chuyên… đổi… số"
        if not phrase and not spec.section_id and not (spec.lead_agency_id or spec.uses_status()):
            return self.all_rows()
        passing = self.passing(spec)
        if phrase:
            self.ensure()
        per_task = None
        if passing is not None:
            per_task = self._state_tasks.get(self._single_state(spec))
            if per_task is None:
                per_task = pass_counts(passing, self.task_of.__getitem__)
        with no_gc_pauses():
            rows, spans, visible = self.table().filtered(spec, phrase, self.folded, passing, per_task)
        self._last = (rows, spans, visible)
        return rows

    @staticmethod
    def _single_state(spec: FilterSpec) -> str | None:
        """The one state a filter asks for when that is its only product filter (its per-task counts are kept)."""
        if spec.lead_agency_id or spec.due_within_days is not None:
            return None
        wanted = {spec.status} if spec.status else set()
        if spec.overdue_only:
            wanted.add(OVERDUE)
        return wanted.pop() if len(wanted) == 1 else None

    @property
    def task_of(self) -> dict[str, str]:
        """product id -> task id (live products), built on first use."""
        if self._task_of is None:
            self._task_of = {pid: found[1].id for pid, found in self.products.items()}
        return self._task_of

    def table(self) -> RowTable:
        """The unfiltered rows with where each section and task sits in them (filters slice them)."""
        if self._table is None:
            self._table = RowTable(self.all_rows())
        return self._table

    def spans(self, rows: list[Row]) -> tuple[list[int], list[int]]:
        """`row_spans(rows)`, kept for the unfiltered rows and the last filter's."""
        if rows is self._all_rows:
            return self.table().spans
        if self._last is not None and rows is self._last[0]:
            return self._last[1]
        return row_spans(rows)

    def visible_tasks(self, rows: list[Row]) -> int:
        """Live tasks among `rows` (a task counts when its first shown row is not archived)."""
        if rows is self._all_rows:
            return self.table().visible
        if self._last is not None and rows is self._last[0]:
            return self._last[2]
        return sum(1 for r in rows if r.first and r.kind != KIND_SECTION and not r.archived)

    def passing(self, spec: FilterSpec) -> set[str] | None:
        """Ids of the products that pass the product-level filters (None: no such filter): set lookups in the
        lead-agency index and the state keys. Read only (may be one of the index's sets)."""
        sets: list[set[str]] = []
        if spec.lead_agency_id:
            sets.append(self.lead_products(spec.lead_agency_id))
        if spec.uses_status():
            self.ensure()
            if spec.status:
                sets.append(self._soon if spec.status == display.SOON else self._by_state.get(spec.status, set()))
            if spec.overdue_only:
                sets.append(self._by_state.get(OVERDUE, set()))
            if spec.due_within_days is not None:
                first, last = self.today, self.today + timedelta(days=spec.due_within_days)
                sets.append({pid for pid, i in self.info.items()
                             if i.next_due is not None and first <= i.next_due <= last
                             and i.state not in FINISHED and i.state != OVERDUE and i.state != ARCHIVED})
        if not sets:
            return None
        if len(sets) == 1:
            return sets[0]          # the index's own set: read only
        sets.sort(key=len)
        found = set(sets[0])
        for other in sets[1:]:
            found &= other
        return found


def _merge(live: list, dropped: list) -> list:
    """Live rows (renumbered 0..n-1) with the dropped ones put back at their last position, in position order."""
    merged = list(live)
    for item in sorted(dropped, key=lambda x: x.position):
        merged.insert(min(item.position, len(merged)), item)
    return merged
