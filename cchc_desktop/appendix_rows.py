"""The rows of the appendix table, laid out like the printed appendix, and its filter (Qt-free).

Rows, in order: a section row, then for each task one row per product; STT and "Nội dung/Nhiệm vụ" belong to
the task and are shown on the first product row of the group (the view spans them down over the group). A task
without products has one row. A filter keeps the tasks whose folded text contains the phrase and, for product
filters (lead agency, state, due window), only the passing products; a section with no task left is hidden.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable

from .domain import Plan, Product, Section, Task
from .tracking.display import SOON
from .tracking.timeliness import FINISHED, OVERDUE

KIND_SECTION, KIND_PRODUCT, KIND_TASK = "section", "product", "task"


@dataclass
class FilterSpec:
    text: str = ""
    section_id: str | None = None
    lead_agency_id: str | None = None
    status: str | None = None      # a display state (tracking/display.STATE_TEXT keys)
    overdue_only: bool = False
    due_within_days: int | None = None

    def is_empty(self) -> bool:
        return not (self.text.strip() or self.section_id or self.lead_agency_id or self.status
                    or self.overdue_only or self.due_within_days is not None)

    def uses_status(self) -> bool:
        return bool(self.status or self.overdue_only or self.due_within_days is not None)


@dataclass(slots=True)
class Row:
    kind: str
    section: Section
    task: Task | None = None
    product: Product | None = None
    first: bool = True        # first visible row of its task group
    group_len: int = 1        # rows in the group (set on the first row)


def append_task_rows(append, section: Section, task: Task, products: list[Product]) -> None:
    """A task's rows as printed: one row per product (the first carries STT/content and the span), or a
    single task row when it has no product."""
    if not products:
        append(Row(KIND_TASK, section, task, None, True, 1))
        return
    append(Row(KIND_PRODUCT, section, task, products[0], True, len(products)))
    for product in products[1:]:
        append(Row(KIND_PRODUCT, section, task, product, False, 1))


def all_rows(plan: Plan) -> list[Row]:
    rows: list[Row] = []
    append = rows.append
    for section in plan.sections:
        append(Row(KIND_SECTION, section))
        for task in section.tasks:
            append_task_rows(append, section, task, task.products)
    return rows


def state_checks(spec: FilterSpec, today: date) -> list:
    """Predicates over a product's classified state (an object with status, due_soon, next_due) for the
    state filters of `spec`: «Trạng thái», «Quá hạn», «Đến hạn trong N ngày»."""
    checks = []
    if spec.status:
        wanted = spec.status
        checks.append((lambda i: i.due_soon) if wanted == SOON else (lambda i: i.status == wanted))
    if spec.overdue_only:
        checks.append(lambda i: i.status == OVERDUE)
    if spec.due_within_days is not None:
        first, last = today, today + timedelta(days=spec.due_within_days)
        checks.append(lambda i: i.next_due is not None and first <= i.next_due <= last
                      and i.status not in FINISHED and i.status != OVERDUE)
    return checks


def passing_by_state(items: Iterable[tuple[str, object]], checks: list) -> set[str]:
    """Ids of the products (id, state) that pass every check."""
    if len(checks) == 1:
        check = checks[0]
        return {pid for pid, info in items if check(info)}
    return {pid for pid, info in items if all(c(info) for c in checks)}


def filtered_rows(plan: Plan, spec: FilterSpec, phrase: str, task_folded: dict[str, str],
                  passing: set[str] | None, task_id_of: Callable[[str], str]) -> list[Row]:
    """The rows that pass: `phrase` (folded) in the task's folded text, `passing` product ids (None: no
    product filter; `task_id_of(product id)` names their tasks), the section of `spec`."""
    tasks_with = {task_id_of(pid) for pid in passing} if passing is not None else None
    rows: list[Row] = []
    append = rows.append
    for section in plan.sections:
        if spec.section_id and section.id != spec.section_id:
            continue
        append(Row(KIND_SECTION, section))
        shown = 0
        for task in section.tasks:
            if phrase and phrase not in task_folded[task.id]:
                continue
            products = task.products
            if passing is not None:
                if task.id not in tasks_with:
                    continue
                products = [p for p in products if p.id in passing]
            shown += 1
            append_task_rows(append, section, task, products)
        if not shown and spec.section_id != section.id:
            rows.pop()  # hide a section with no matching task
    return rows
