"""Template 3: Công văn đôn đốc one agency ("Số: 12/UBND-VP", "V/v đôn đốc thực hiện nhiệm vụ CCHC …",
"Kính gửi: <cơ quan>") listing its overdue and upcoming tasks (from plan_summary, filtered by lead agency)."""
from __future__ import annotations

import datetime as _dt
import os
from typing import BinaryIO

from ..agency_groups import is_group
from ..store import Store, StoreError
from ..tracking import plan_summary
from ..tracking.rollup import ProductState, Summary
from ..tracking.timeliness import OVERDUE
from ..tracking.display import deadline_phrase, state_phrase
from .common import (base_context, count_context, due_soon_entry, overdue_entry, slug,
                     task_and_product)
from .document import ReportData, TableData, render_pdf
from .header_settings import HeaderSettings, get_header
from .layout import LayoutSettings
from .templates import REMINDER, ReportTemplate, builtin_template, render_template, table_marker
from ..dates import format_date
from .vnformat import unit_with_kind
from ..text import fold
from ..tracking.rollup import Counts

HEADERS = ["TT", "Nhiệm vụ, sản phẩm", "Thời hạn", "Tình trạng"]
SHARES = [0.07, 0.55, 0.19, 0.19]
ALIGN = ["CENTER", "LEFT", "LEFT", "LEFT"]


def agency_items(summary: Summary, agency: str) -> list[ProductState]:
    key = fold(agency)
    return [i for i in summary.items if any(fold(name) == key for name in i.leads)]


def _table(key: str, title: str, items: list[ProductState], empty: str) -> TableData:
    rows = [[str(n), task_and_product(i), deadline_phrase(i), state_phrase(i)] for n, i in enumerate(items, 1)]
    return TableData(key, title, HEADERS, rows, SHARES, ALIGN, empty_text=empty, font_size=12)


def build_reminder_letter(store: Store, plan_id: str, agency: str, period_key: str, ref_date: _dt.date, *,
                          template: ReportTemplate | None = None, number: str | int | None = None,
                          issue_date: _dt.date | None = None, reply_by: _dt.date | None = None,
                          header: HeaderSettings | None = None, summary: Summary | None = None) -> ReportData:
    if not agency or not agency.strip():
        raise StoreError("Hãy chọn cơ quan, đơn vị cần đôn đốc.")
    if is_group(agency):
        raise StoreError(f"«{agency.strip()}» là cụm từ chỉ chung nhiều cơ quan, không phải một cơ quan: "
                         "hãy chọn một cơ quan cụ thể để đôn đốc.")
    template = template or builtin_template(REMINDER)
    plan = store.load_plan(plan_id)
    header = header or get_header(store, plan_id)
    summary = summary or plan_summary(store, plan_id, ref_date, period_key)
    items = agency_items(summary, agency)
    counts = Counts()
    for item in items:
        counts.add(item)
    ids = {i.product_id for i in items}
    overdue = [i for i in summary.overdue if i.product_id in ids]
    # due soon and not already overdue (a periodic product can be both): the letter's counts add up to its table
    soon = [i for i in summary.due_soon if i.product_id in ids and i.state != OVERDUE]
    combined = overdue + soon
    tables = {
        "bang_nhiem_vu": _table("bang_nhiem_vu", "Nhiệm vụ cần đôn đốc", combined,
                                "Không có nhiệm vụ quá hạn hoặc sắp đến hạn."),
        "bang_qua_han": _table("bang_qua_han", "Quá hạn", overdue, "Không có nhiệm vụ quá hạn."),
        "bang_sap_den_han": _table("bang_sap_den_han", "Sắp đến hạn", soon, "Không có nhiệm vụ sắp đến hạn."),
    }
    ctx = base_context(plan, header, summary.period, ref_date)
    ctx.update(count_context(counts))
    ctx.update({
        "so_qua_han": len(overdue), "so_sap_den_han": len(soon),
        "co_quan": agency.strip(),
        "han_bao_cao": format_date(reply_by or ref_date + _dt.timedelta(days=7)),
        "qua_han": [overdue_entry(i) for i in overdue],
        "sap_den_han": [due_soon_entry(i) for i in soon],
    })
    ctx.update({name: table_marker(name) for name in tables})
    texts = render_template(template, ctx)
    unit = unit_with_kind(plan.unit_name, plan.unit_kind or "xã")
    doc_header = header.document_header(number=number, date=issue_date, year=ref_date.year, subject=texts.subject,
                                        recipients_to=texts.recipients_to, letter=True)
    return ReportData(kind=REMINDER, title=texts.subject, header=doc_header, signer=header.signer(letter=True),
                      body=texts.body, tables=tables, context=ctx, author=f"Ủy ban nhân dân {unit}",
                      file_stem=f"cong-van-don-doc-{slug(agency)}",
                      warnings=[header.signer_warning] if header.signer_warning else [])


def render_reminder_letter(store: Store, plan_id: str, agency: str, period_key: str, ref_date: _dt.date,
                           target: str | os.PathLike | BinaryIO | None = None, *,
                           settings: LayoutSettings | None = None, **kwargs) -> bytes | None:
    return render_pdf(build_reminder_letter(store, plan_id, agency, period_key, ref_date, **kwargs), target,
                      settings=settings)
