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
                  passing: set[str] | None, task_id_of: Callable[[str], str], layout: Layout = LIVE) -> list[Row]:
    """The rows that pass: `phrase` (folded) in the task's folded text, `passing` product ids (None: no
    product filter; `task_id_of(product id)` names their tasks), the section of `spec`. Built task by task;
    the appendix index gets the same rows faster from its `RowTable` (`RowTable.filtered`)."""
    rows: list[Row] = []
    append = rows.append
    archived = layout.archived
    for section in plan.sections:
        if spec.section_id and section.id != spec.section_id:
            continue
        append(Row(KIND_SECTION, section))
        shown = 0
        for task in layout.section_tasks(section):
            if phrase and phrase not in task_folded[task.id]:
                continue
            products = layout.task_products(task)
            if passing is not None:
                products = [p for p in products if p.id in passing]
                if not products:
                    continue
            shown += 1
            append_task_rows(append, section, task, products, archived)
        if not shown and spec.section_id != section.id:
            rows.pop()  # hide a section with no matching task
    return rows


def pass_counts(passing: set[str], task_id_of: Callable[[str], str]) -> dict[str, int]:
    """task id -> how many of its products are in `passing`."""
    counts: dict[str, int] = {}
    get = counts.get
    for pid in passing:
        tid = task_id_of(pid)
        counts[tid] = get(tid, 0) + 1
    return counts


def row_spans(rows: list[Row]) -> tuple[list[int], list[int]]:
    """The spanned rows and their lengths, two lists in row order: a section row spans across the table (length
    0), the first row of a task with several product rows spans STT and content down over them (their number)."""
    found = [n for n, r in enumerate(rows) if r.kind == KIND_SECTION or (r.first and r.group_len > 1)]
    return found, [0 if rows[n].kind == KIND_SECTION else rows[n].group_len for n in found]


class RowTable:
    """The unfiltered rows of a layout (`all_rows`) with where each section and task sits in them, so that a
    filter's rows are slices of them: runs of consecutive tasks that show all their rows are copied as list
    slices, only a task that shows some of its products gets a new first row (its other rows are the unfiltered
    ones: not first, length 1). Gives exactly the rows of `filtered_rows` (tests/test_appendix_filter_runs.py), with
    their spans and visible-task count."""

    __slots__ = ("rows", "spans", "sections", "product_ids", "visible")

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.spans = row_spans(rows)
        self.product_ids = [r.product.id if r.product is not None else None for r in rows]   # by row
        # (section, its row, [(task id, first row, end row, span: its group length when > 1 else 0,
        #                       counted: its first row is not archived)])
        self.sections: list[tuple[Section, int, list[tuple[str, int, int, int, bool]]]] = []
        tasks: list = []
        for n, row in enumerate(rows):
            if row.kind == KIND_SECTION:
                tasks = []
                self.sections.append((row.section, n, tasks))
            elif row.first:
                tasks.append((row.task.id, n, n + row.group_len,
                              row.group_len if row.group_len > 1 else 0, not row.archived))
        self.visible = sum(counted for _s, _h, tasks in self.sections for *_t, counted in tasks)   # live tasks

    def filtered(self, spec: FilterSpec, phrase: str, task_folded: dict[str, str], passing: set[str] | None,
                 per_task: dict[str, int] | None) -> tuple[list[Row], tuple[list[int], list[int]], int]:
        """(rows, spans as `row_spans`, visible tasks) of a filter, as `filtered_rows` (its arguments; `per_task`:
        task id -> how many of its products pass, see `pass_counts`, required with `passing`)."""
        all_rows, product_ids = self.rows, self.product_ids
        rows: list[Row] = []
        span_rows: list[int] = []
        span_lengths: list[int] = []
        append, extend = rows.append, rows.extend
        add_row, add_length = span_rows.append, span_lengths.append
        visible = 0
        start_run = end_run = 0      # the run all_rows[start_run:end_run] not copied yet
        out = 0                      # where the next row goes (the rows so far and the run)
        count_of = per_task.get if per_task is not None else None
        wanted = spec.section_id
        for section, header, tasks in self.sections:
            if wanted and section.id != wanted:
                continue
            shown = False
            for tid, start, end, span, counted in tasks:
                if phrase and phrase not in task_folded[tid]:
                    continue
                if count_of is not None:
                    count = count_of(tid)
                    if count is None:
                        continue
                    if count != end - start:          # some products: a new first row, the others reused
                        extend(all_rows[start_run:end_run])
                        start_run = end_run = 0
                        at = len(rows)
                        for n in range(start, end):
                            if product_ids[n] in passing:
                                append(all_rows[n])
                        kept = len(rows) - at
                        if not kept:
                            continue
                        if not shown:                 # the section row goes before them
                            shown = True
                            rows.insert(at, all_rows[header])
                            add_row(out)
                            add_length(0)
                            out += 1
                            at += 1
                        head = rows[at]
                        rows[at] = Row(KIND_PRODUCT, head.section, head.task, head.product, True, kept, head.archived)
                        if kept > 1:
                            add_row(out)
                            add_length(kept)
                        out += kept
                        if not head.archived:
                            visible += 1
                        continue
                if not shown:
                    shown = True
                    if header != end_run:
                        extend(all_rows[start_run:end_run])
                        start_run = header
                    end_run = header + 1
                    add_row(out)
                    add_length(0)
                    out += 1
                if start != end_run:
                    extend(all_rows[start_run:end_run])
                    start_run = start
                end_run = end
                if span:
                    add_row(out)
                    add_length(span)
                out += end - start
                if counted:
                    visible += 1
            if not shown and wanted == section.id:     # the section asked for, even without a matching task
                if header != end_run:
                    extend(all_rows[start_run:end_run])
                    start_run = header
                end_run = header + 1
                add_row(out)
                add_length(0)
                out += 1
        extend(all_rows[start_run:end_run])
        return rows, (span_rows, span_lengths), visible
