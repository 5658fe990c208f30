"""Template 4: what each agency must do this year — a landscape list per agency (chủ trì and phối hợp), with the
current state of each product from plan_summary. One agency, or every agency of the plan (each numbered on its
own, one after the other)."""
from __future__ import annotations

import datetime as _dt
import os
from typing import BinaryIO

from ..domain import Plan
from ..agency_groups import is_group
from ..store import Store, StoreError
from ..text import fold, sort_key
from ..tracking import plan_summary
from ..tracking.rollup import Summary
from ..tracking.timeliness import DONE, DONE_LATE, OVERDUE
from ..tracking.display import state_phrase
from .common import base_context, slug
from .document import AppendixData, ReportData, TableData, render_pdf
from .header_settings import HeaderSettings, get_header
from .layout import LayoutSettings
from .templates import AGENCY_TASKS, ReportTemplate, builtin_template, render_template
from .vnformat import unit_with_kind, upper

HEADERS = ["TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Vai trò", "Cơ quan chủ trì/phối hợp khác",
           "Thời gian thực hiện", "Tình trạng"]
SHARES = [0.05, 0.26, 0.26, 0.08, 0.13, 0.11, 0.11]
ALIGN = ["CENTER", "LEFT", "LEFT", "CENTER", "LEFT", "LEFT", "LEFT"]
ALL = ""


def plan_agencies(plan: Plan) -> list[str]:
    """Agencies named as lead or coordinator in the plan, in Vietnamese order (group phrases such as «Các cơ
    quan, đơn vị có liên quan» are not agencies: they get no section of their own)."""
    names: dict[str, str] = {}
    for _s, _t, product in plan.iter_products():
        for agency in product.leads + product.coordinators:
            if not is_group(agency.name):
                names.setdefault(fold(agency.name), agency.name)
    return sorted(names.values(), key=sort_key)


def lead_agencies(plan: Plan) -> list[str]:
    names: dict[str, str] = {}
    for _s, _t, product in plan.iter_products():
        for agency in product.leads:
            if not is_group(agency.name):
                names.setdefault(fold(agency.name), agency.name)
    return sorted(names.values(), key=sort_key)


def _agency_table(plan: Plan, summary: Summary, agency: str, in_year: set[str] | None) -> tuple[TableData, dict]:
    key = fold(agency)
    states = {i.product_id: i for i in summary.items}
    rows: list[list[object]] = []
    sections: list[int] = []
    groups: list[tuple[int, int]] = []
    stats = {"so_chu_tri": 0, "so_phoi_hop": 0, "so_hoan_thanh": 0, "so_qua_han": 0}
    for section in plan.sections:
        section_row = None
        for task in section.tasks:
            first = None
            for product in task.products:
                if in_year is not None and product.id not in in_year:
                    continue
                lead = any(fold(a.name) == key for a in product.leads)
                coord = any(fold(a.name) == key for a in product.coordinators)
                if not (lead or coord):
                    continue
                if section_row is None:
                    section_row = len(rows)
                    sections.append(section_row)
                    rows.append([f"{section.numeral}. {upper(section.title)}"])
                others = [a.name for a in (product.coordinators if lead else product.leads) if fold(a.name) != key]
                state = states.get(product.id)
                if lead:
                    stats["so_chu_tri"] += 1
                    if state is not None and state.state in (DONE, DONE_LATE):
                        stats["so_hoan_thanh"] += 1
                    if state is not None and state.state == OVERDUE:
                        stats["so_qua_han"] += 1
                else:
                    stats["so_phoi_hop"] += 1
                new_task = first is None
                if new_task:
                    first = len(rows)
                rows.append([str(task.number) if new_task else "", task.content if new_task else "",
                             product.description, "Chủ trì" if lead else "Phối hợp",
                             ("Phối hợp: " if lead else "Chủ trì: ") + "; ".join(others) if others else "",
                             product.deadline_text, state_phrase(state) if state is not None else ""])
            if first is not None and len(rows) - 1 > first:
                groups.append((first, len(rows) - 1))
    table = TableData("bang_nhiem_vu", agency, HEADERS, rows, SHARES, ALIGN, section_rows=sections,
                      groups=groups, number_row=True, landscape=True, font_size=12,
                      empty_text="Cơ quan không có nhiệm vụ trong kế hoạch.")
    return table, stats


def build_agency_tasks(store: Store, plan_id: str, agency: str, ref_date: _dt.date, *, year: int | None = None,
                       template: ReportTemplate | None = None, header: HeaderSettings | None = None,
                       summary: Summary | None = None) -> ReportData:
    """``agency`` "" (ALL) lists every agency of the plan, one appendix each."""
    template = template or builtin_template(AGENCY_TASKS)
    plan = store.load_plan(plan_id)
    header = header or get_header(store, plan_id)
    year = year or min(max(ref_date.year, plan.year_start), plan.year_end)
    summary = summary or plan_summary(store, plan_id, ref_date, str(year))
    in_year = None if plan.year_start == plan.year_end else {i.product_id for i in summary.items}
    agencies = [agency.strip()] if agency and agency.strip() else plan_agencies(plan)
    if not agencies:
        raise StoreError("Kế hoạch chưa giao nhiệm vụ cho cơ quan, đơn vị nào.")
    base = base_context(plan, header, summary.period, ref_date)
    appendices = []
    contexts = []
    for name in agencies:
        table, stats = _agency_table(plan, summary, name, in_year)
        ctx = {**base, **stats, "co_quan": name}
        texts = render_template(template, ctx)
        appendices.append(AppendixData(texts.doc_type, texts.subject, texts.caption, table, notes=texts.body))
        contexts.append(ctx)
    unit = unit_with_kind(plan.unit_name, plan.unit_kind or "xã")
    title = appendices[0].title if len(appendices) == 1 else f"Nhiệm vụ cải cách hành chính năm {year} của các cơ quan"
    return ReportData(kind=AGENCY_TASKS, title=title, header=None, signer=None, appendices=appendices,
                      landscape_first=True, context=contexts[0], author=f"Ủy ban nhân dân {unit}",
                      file_stem=f"nhiem-vu-cchc-{year}-{slug(agency) if agency else 'cac-co-quan'}")


def render_agency_tasks(store: Store, plan_id: str, agency: str, ref_date: _dt.date,
                        target: str | os.PathLike | BinaryIO | None = None, *,
                        settings: LayoutSettings | None = None, **kwargs) -> bytes | None:
    return render_pdf(build_agency_tasks(store, plan_id, agency, ref_date, **kwargs), target, settings=settings)
