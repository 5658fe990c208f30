"""The rows of the appendix table, laid out like the printed appendix, and its filter (Qt-free).

Rows, in order: a section row, then for each task one row per product; STT and "Nội dung/Nhiệm vụ" belong to
the task and are shown on the first product row of the group (the view spans them down over the group). A task
without products has one row. A filter keeps the tasks whose folded text contains the phrase and, for product
filters (lead agency, state, due window — which products pass is the appendix index's business), only the
passing products; a section with no task left is hidden.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .domain import Plan, Product, Section, Task

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
    archived: bool = False    # the task or the product was dropped by a plan amendment (shown on request)


class Layout:
    """Which tasks a section and which products a task show: the live plan's own lists. The appendix index
    (cchc_desktop/appendix_index.py) puts the rows an amendment dropped back in their place when asked."""

    archived: frozenset | set = frozenset()

    def section_tasks(self, section: Section) -> list[Task]:
        return section.tasks

    def task_products(self, task: Task) -> list[Product]:
        return task.products


LIVE = Layout()


def append_task_rows(append, section: Section, task: Task, products: list[Product], archived=frozenset()) -> None:
    """A task's rows as printed: one row per product (the first carries STT/content and the span), or a
    single task row when it has no product."""
    dropped = task.id in archived
    if not products:
        append(Row(KIND_TASK, section, task, None, True, 1, dropped))
        return
    count = len(products)
    for n, product in enumerate(products):
        append(Row(KIND_PRODUCT, section, task, product, n == 0, count if n == 0 else 1,
                   dropped or product.id in archived))


def all_rows(plan: Plan, layout: Layout = LIVE) -> list[Row]:
    rows: list[Row] = []
    append = rows.append
    archived = layout.archived
    for section in plan.sections:
        append(Row(KIND_SECTION, section))
        for task in layout.section_tasks(section):
            append_task_rows(append, section, task, layout.task_products(task), archived)
    return rows


def filtered_rows(plan: Plan, spec: FilterSpec, phrase: str, task_folded: dict[str, str],
                  passing: set[str] | None, task_id_of: Callable[[str], str], layout: Layout = LIVE,
                  task_rows: dict[str, list[Row]] | None = None,
                  per_task: dict[str, int] | None = None) -> list[Row]:
    """The rows that pass: `phrase` (folded) in the task's folded text, `passing` product ids (None: no
    product filter; `task_id_of(product id)` names their tasks), the section of `spec`. `task_rows` (task id ->
    its unfiltered rows) lets a task whose products all pass reuse its rows instead of building them; `per_task`
    (task id -> how many of its products pass), when the caller keeps it, saves counting them here."""
    if passing is not None and per_task is None:
        per_task = {}
        get = per_task.get
        for pid in passing:
            tid = task_id_of(pid)
            per_task[tid] = get(tid, 0) + 1
    rows: list[Row] = []
    append, extend = rows.append, rows.extend
    archived = layout.archived
    count_of = per_task.get if per_task is not None else None
    rows_of = task_rows.get if task_rows is not None else None
    task_products = layout.task_products
    for section in plan.sections:
        if spec.section_id and section.id != spec.section_id:
            continue
        append(Row(KIND_SECTION, section))
        shown = 0
        for task in layout.section_tasks(section):
            tid = task.id
            if phrase and phrase not in task_folded[tid]:
                continue
            cached = rows_of(tid) if rows_of is not None else None
            if count_of is not None:
                count = count_of(tid)
                if count is None:
                    continue
                if cached is None or count != len(cached):
                    products = task_products(task)
                    if count != len(products):
                        shown += 1
                        append_task_rows(append, section, task, [p for p in products if p.id in passing], archived)
                        continue
            shown += 1
            if cached is not None:
                extend(cached)
            else:
                append_task_rows(append, section, task, task_products(task), archived)
        if not shown and spec.section_id != section.id:
            rows.pop()  # hide a section with no matching task
    return rows
