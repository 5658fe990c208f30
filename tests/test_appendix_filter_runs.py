"""The appendix filters' fast path (issue 18: rows sliced from the unfiltered rows by `RowTable.filtered`, the
per-state task counts kept by the index, spans and the visible-task count built with the rows) shows exactly the
rows a plain task-by-task build shows, for every filter kind, with archived rows hidden and shown.

The expected rows are built here from the plan's own lists and each product's state (`ProductInfo.state`), not from
the index's filter keys; they are also compared with the plain `appendix_rows.filtered_rows`."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from cchc_desktop.appendix_index import AppendixIndex, fast_fold
from cchc_desktop.appendix_rows import KIND_PRODUCT, KIND_SECTION, KIND_TASK, FilterSpec, filtered_rows
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.importers import read_appendix
from cchc_desktop.planlife import amend
from cchc_desktop.tracking import display
from cchc_desktop.tracking.timeliness import OVERDUE
from planlife_support import revised_layout, write_revised_xlsx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_ui import build_plan  # noqa: E402

DEMO_REF = dt.date(2026, 9, 1)
GENERATED_REF = dt.date(2026, 7, 15)
CAPTION = "(Ban hành kèm theo Kế hoạch số 41/KH-UBND ngày 15/07/2026 của UBND xã Xuân Trường)"


def _key(row):
    return (row.kind, row.section.id, row.task.id if row.task else None, row.product.id if row.product else None,
            row.first, row.group_len, row.archived)


def _passes(core, spec, product) -> bool:
    """Whether a product passes the product filters of `spec`, from its state (the index's filter keys unused)."""
    info = core.state_of(product)
    if spec.lead_agency_id and product.id not in core.lead_products(spec.lead_agency_id):
        return False
    if spec.overdue_only and info.state != OVERDUE:
        return False
    if spec.status == display.SOON and not (info.due_soon and info.state != display.ARCHIVED):
        return False
    if spec.status and spec.status != display.SOON and info.state != spec.status:
        return False
    if spec.due_within_days is not None:
        last = core.today + dt.timedelta(days=spec.due_within_days)
        if (info.next_due is None or not core.today <= info.next_due <= last or info.state == OVERDUE
                or info.state in ("done", "done_late", display.ARCHIVED)):
            return False
    return True


def _expected(core, spec):
    """The table's rows for `spec`, task by task: the section's tasks in layout order (dropped ones in place when
    shown), those whose text has the phrase and, for product filters, a passing product; one row per shown product,
    the first carrying the group length; a section without shown task hidden unless it is the one asked for."""
    phrase = fast_fold(spec.text) if spec.text.strip() else ""
    product_filter = bool(spec.lead_agency_id or spec.uses_status())
    rows = []
    for section in core.plan.sections:
        if spec.section_id and section.id != spec.section_id:
            continue
        shown = []
        for task in core.section_tasks(section):
            if phrase and phrase not in core.folded[task.id]:
                continue
            products = core.task_products(task)
            if product_filter:
                products = [p for p in products if _passes(core, spec, p)]
                if not products:
                    continue
            dropped = task.id in core.archived_ids
            if not products:
                shown.append((KIND_TASK, section.id, task.id, None, True, 1, dropped))
            for n, product in enumerate(products):
                shown.append((KIND_PRODUCT, section.id, task.id, product.id, n == 0,
                              len(products) if n == 0 else 1, dropped or product.id in core.archived_ids))
        if shown or spec.section_id == section.id:
            rows.append((KIND_SECTION, section.id, None, None, True, 1, False))
            rows.extend(shown)
    return rows


def _specs(core):
    """Every filter kind and some combinations."""
    plan = core.plan
    sections = [s.id for s in plan.sections]
    leads = [agency_id for agency_id, _name in core.lead_choices()]
    words = [w for w in core.folded[plan.sections[0].tasks[0].id].split() if len(w) > 2][:2]
    states = list(display.STATE_TEXT)
    specs = [FilterSpec(), FilterSpec(text=words[0]), FilterSpec(text=" ".join(words)), FilterSpec(text="zzqqxx"),
             FilterSpec(overdue_only=True), FilterSpec(due_within_days=30), FilterSpec(due_within_days=0)]
    specs += [FilterSpec(section_id=s) for s in sections]
    specs += [FilterSpec(lead_agency_id=a) for a in leads[:6]]
    specs += [FilterSpec(status=s) for s in states]
    specs += [FilterSpec(overdue_only=True, lead_agency_id=leads[0]), FilterSpec(text=words[0], overdue_only=True),
              FilterSpec(section_id=sections[-1], status=states[0]), FilterSpec(section_id=sections[0], text="zzqqxx"),
              FilterSpec(overdue_only=True, status=OVERDUE), FilterSpec(overdue_only=True, status=states[0]),
              FilterSpec(text=words[0], lead_agency_id=leads[-1], due_within_days=60),
              FilterSpec(section_id=sections[0], overdue_only=True, text=words[-1])]
    return specs


def _check_every_filter(core):
    core.ensure()
    kinds = {"partial": 0, "whole": 0}
    for spec in _specs(core):
        rows = core.rows(spec)
        got = [_key(r) for r in rows]
        assert got == _expected(core, spec), spec
        plain = filtered_rows(core.plan, spec, fast_fold(spec.text) if spec.text.strip() else "", core.folded,
                              core.passing(spec), core.task_of.__getitem__, core)
        assert got == [_key(r) for r in plain], spec
        # spans and the visible-task count come with the rows: as counted from the rows themselves
        spanned = [(n, 0 if r.kind == KIND_SECTION else r.group_len) for n, r in enumerate(rows)
                   if r.kind == KIND_SECTION or (r.first and r.group_len > 1)]
        assert list(zip(*core.spans(rows))) == spanned, spec
        assert core.visible_tasks(rows) == sum(1 for r in rows if r.first and r.kind != KIND_SECTION
                                               and not r.archived), spec
        for row in rows:
            if row.first and row.product is not None:
                whole = row.group_len == len(core.task_products(row.task))
                kinds["whole" if whole else "partial"] += 1
    return kinds


def test_fast_filters_match_the_plain_build_on_the_generated_plan(store):
    plan_id = build_plan(store, 400)
    core = AppendixIndex(store, store.load_plan(plan_id), GENERATED_REF)
    kinds = _check_every_filter(core)
    assert kinds["partial"] and kinds["whole"]    # both paths (a task with some / all products passing) were taken


@pytest.fixture
def amended_demo(store, tmp_path):
    """The demo plan after an amendment that drops tasks (shown in place with «Hiện nhiệm vụ đã bỏ»)."""
    plan_id = create_demo_plan(store)
    sections, _expected = revised_layout(store, plan_id)
    path = write_revised_xlsx(tmp_path / "dieu-chinh.xlsx", sections, CAPTION)
    amend.apply_amendment(store, amend.prepare_amendment(store, plan_id, read_appendix(path)))
    return plan_id


def test_fast_filters_match_the_plain_build_on_the_demo_plan(store):
    plan_id = create_demo_plan(store)
    _check_every_filter(AppendixIndex(store, store.load_plan(plan_id), DEMO_REF))


@pytest.mark.parametrize("shown", [False, True])
def test_fast_filters_match_the_plain_build_with_archived_rows(store, amended_demo, shown):
    core = AppendixIndex(store, store.load_plan(amended_demo), DEMO_REF, archived=shown)
    _check_every_filter(core)
    archived = [r for r in core.rows(FilterSpec()) if r.archived]
    assert bool(archived) == shown
    if shown:    # a text filter keeps a dropped task's rows, struck through
        task = next(r.task for r in archived if r.first)
        assert any(r.archived for r in core.rows(FilterSpec(text=core.folded[task.id])))
