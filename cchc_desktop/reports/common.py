"""Shared pieces of the report builders: the common placeholders, status/deadline texts, evidence lookup."""
from __future__ import annotations

import datetime as _dt
import re

from ..domain import Plan
from ..text import nfc
from ..store import Store
from ..tracking import list_evidence
from ..tracking.periods import HALF, QUARTER, ReportingPeriod
from ..tracking.rollup import Counts, ProductState
from ..dates import format_date
from ..tracking.display import relevant_due
from ..tracking.timeliness import (EVENT_DRIVEN, IN_PROGRESS, NO_DEADLINE, NOT_DONE,
                                   NOT_STARTED, OVERDUE, tracking_span)
from .header_settings import HeaderSettings, lines
from .vnformat import BLANK, partial_date_words, percent, place_name, unit_kind_of, unit_with_kind, upper

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_words(period: ReportingPeriod) -> str:
    """"quý I năm 2026", "6 tháng đầu năm 2026", "năm 2026" (in-sentence form)."""
    if period.unit == QUARTER:
        return f"quý {_ROMAN[period.index]} năm {period.year}"
    if period.unit == HALF:
        return f"6 tháng {'đầu' if period.index == 1 else 'cuối'} năm {period.year}"
    return f"năm {period.year}"


def base_context(plan: Plan, header: HeaderSettings, period: ReportingPeriod, ref: _dt.date) -> dict:
    kind = unit_kind_of(plan.unit_name, plan.unit_kind)
    unit = unit_with_kind(plan.unit_name, kind)
    return {
        "loai_don_vi": kind,
        "don_vi": unit,
        "ten_don_vi": place_name(plan.unit_name),
        "ubnd": f"Ủy ban nhân dân {unit}",
        "ubnd_viet_tat": f"UBND {unit}",
        "nam": str(period.year),
        "so_ke_hoach": plan.doc_number.strip() or f"{BLANK}/KH-UBND",
        # "ngày {{ ngay_ke_hoach }}" in the templates: the ND30 words after "ngày" ("10 tháng 01 năm 2026"), blanks
        # kept for the parts the signed plan left to write by hand — the same function as the appendix caption
        "ngay_ke_hoach": partial_date_words(plan.doc_date, plan.year_start)[len("ngày "):],
        "ngay_bao_cao": format_date(ref),
        "ky_bao_cao": period_words(period),
        "ky_bao_cao_hoa": upper(period_words(period)),
        "tu_ngay": format_date(period.data_from),
        "den_ngay": format_date(period.data_to),
        "kinh_gui": "\n".join(lines(header.report_to)),
    }


def count_context(counts: Counts) -> dict:
    """so_* / ty_le_* placeholders of a Counts (percentages of the total, written "65,2%")."""
    total = counts.total

    def ratio(n: int) -> str:
        return percent(n / total) if total else percent(0)

    return {
        "so_nhiem_vu": total,
        "so_hoan_thanh": counts.completed, "ty_le_hoan_thanh": ratio(counts.completed),
        "so_dung_han": counts.done, "ty_le_dung_han": ratio(counts.done),
        "so_tre_han": counts.done_late, "ty_le_tre_han": ratio(counts.done_late),
        "so_qua_han": counts.overdue, "ty_le_qua_han": ratio(counts.overdue),
        "so_dang_thuc_hien": counts.in_progress, "ty_le_dang_thuc_hien": ratio(counts.in_progress),
        "so_chua_trien_khai": counts.not_started, "ty_le_chua_trien_khai": ratio(counts.not_started),
        "so_khong_thuc_hien": counts.not_done,
        "so_theo_phat_sinh": counts.event + counts.no_deadline,
        "so_sap_den_han": counts.due_soon,
    }


def ratio_text(part: int, total: int):
    """The share as a :class:`~cchc_desktop.reports.document.Ratio` (prints "65,2%", a number in .xlsx); "" when
    there is no total."""
    from .document import Ratio

    return Ratio(part / total) if total else ""


_PAREN_RE = re.compile(r"\([^)]*\)")


def sentence_case(title: str) -> str:
    """An all-caps section title for use inside a sentence or a cell: "CẢI CÁCH THỦ TỤC HÀNH CHÍNH (TTHC)" ->
    "Cải cách thủ tục hành chính (TTHC)" (parenthesised abbreviations kept); mixed-case text is kept."""
    title = nfc(title).strip()
    letters = [ch for ch in title if ch.isalpha()]
    if not letters or any(ch.islower() for ch in letters):
        return title
    kept = {m.start(): m.group(0) for m in _PAREN_RE.finditer(title)}
    lowered = title.lower()
    for start, text in kept.items():
        lowered = lowered[:start] + text + lowered[start + len(text):]
    return lowered[:1].upper() + lowered[1:]


def overdue_entry(item: ProductState) -> dict:
    return {"noi_dung": item.task_content, "san_pham": item.description, "co_quan": item.lead_names,
            "thoi_han": item.deadline_text, "han": format_date(relevant_due(item)), "so_ngay": item.days_overdue}


def due_soon_entry(item: ProductState) -> dict:
    due = relevant_due(item)
    return {"noi_dung": item.task_content, "san_pham": item.description, "co_quan": item.lead_names,
            "thoi_han": item.deadline_text, "han": format_date(due),
            "con_lai": item.days_left if item.days_left is not None else ""}


def task_and_product(item: ProductState) -> str:
    """Nhiệm vụ + sản phẩm in one cell (portrait tables)."""
    product = item.description.strip()
    task = item.task_content.strip()
    if not product or product == task:
        return task
    return f"{task}\nSản phẩm: {product}"


def evidence_for(store: Store, item: ProductState, period: ReportingPeriod,
                 recorded: dict[str, list[dict]] | None = None) -> list[dict]:
    """Evidence rows of a product recorded for tracking periods that overlap the reporting period.
    ``recorded``: the plan's rows read once (:func:`tracking.plan_evidence`) instead of one query per product."""
    rows = []
    found = list_evidence(store, item.product_id) if recorded is None else recorded.get(item.product_id, [])
    for row in found:
        try:
            start, end = tracking_span(row["period_key"])
        except ValueError:
            continue
        if start <= period.end and end >= period.start:
            rows.append(row)
    return rows


def evidence_text(rows: list[dict]) -> str:
    out = []
    for row in rows:
        kind = (row.get("doc_type") or "").strip()
        number = (row.get("doc_number") or "").strip()
        head = " ".join(p for p in (kind, f"số {number}" if number else "") if p)
        if row.get("issued_on"):
            head += f" ngày {format_date(row['issued_on'])}"
        summary = (row.get("summary") or "").strip()
        text = f"{head}: {summary}" if head and summary else (head or summary or row.get("file_name", ""))
        if text:
            out.append(f"- {text}" if len(rows) > 1 else text)
    return "\n".join(out)


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    from ..text import fold

    return _SLUG_RE.sub("-", fold(text).lower()).strip("-")[:60] or "bao-cao"


UNFINISHED = (OVERDUE, IN_PROGRESS, NOT_STARTED)
OTHER = (NOT_DONE, EVENT_DRIVEN, NO_DEADLINE)
