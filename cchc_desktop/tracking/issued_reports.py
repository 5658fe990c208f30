"""The register of periodic reports the People's Committee issued (sổ báo cáo định kỳ đã ban hành), table
report_issue (migration 0010): reporting period, số/ký hiệu, ngày ban hành, trích yếu, and where the entry came from —
typed by the user, confirmed after exporting the report, or taken from an evidence document of the plan.

A year has four periodic CCHC reports: Quý I, 6 tháng, Quý III and Năm (a report registered under Quý II counts as
the 6-month one, Quý IV or 6 tháng cuối năm as the annual one); each is due on the day the plan's tracking settings
give. :func:`report_checks` says, per report, whether one was issued by its due date: what the PAR rule «bao_cao»
counts. Writes are plain core functions meant to run inside an operation (``ops.run``) so they can be undone.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from ..dates import DateTextError, parse_user_date
from ..store import Store, StoreError
from ..text import clean_cell, fold
from .periods import ReportingPeriod, make_period, parse_period_key
from .status import get_settings

TABLE = "report_issue"
MANUAL, EXPORTED, FROM_EVIDENCE = "tay", "xuat", "minh_chung"
SOURCE_LABELS = {MANUAL: "nhập tay", EXPORTED: "ghi khi xuất báo cáo", FROM_EVIDENCE: "từ văn bản minh chứng"}
REQUIRED = ("Q1", "H1", "Q3", "Y")                       # the four reports of a year, in order
REPORT_LABELS = {"Q1": "Quý I", "H1": "6 tháng", "Q3": "Quý III", "Y": "Năm"}
_COUNTS_AS = {"Q1": "Q1", "Q2": "H1", "H1": "H1", "Q3": "Q3", "Q4": "Y", "H2": "Y", "Y": "Y"}
# every period a report can be registered under, in the year's order, with its own name
_OWN_LABELS = {"Q1": "Quý I", "Q2": "Quý II", "H1": "6 tháng đầu năm", "Q3": "Quý III", "Q4": "Quý IV",
               "H2": "6 tháng cuối năm", "Y": "Năm"}


def report_slot(period_key: str) -> tuple[int, str]:
    """(year, one of REQUIRED) the report of a period key counts as: "2026-Q2" -> (2026, "H1")."""
    year, unit, index = parse_period_key(period_key)
    return year, _COUNTS_AS["Y" if unit == "Y" else f"{unit}{index}"]


def slot_key(year: int, slot: str) -> str:
    return str(year) if slot == "Y" else f"{year}-{slot}"


def period_label(period_key: str) -> str:
    """The register's name of a report's own period, and which of the year's four reports it counts as when that
    is another: "2026-Q2" -> "Quý II 2026 (tính là báo cáo 6 tháng)", "2026-H1" -> "6 tháng đầu năm 2026"."""
    year, unit, index = parse_period_key(period_key)
    own = "Y" if unit == "Y" else f"{unit}{index}"
    text = f"{_OWN_LABELS[own]} {year}"
    slot = _COUNTS_AS[own]
    if slot != own:
        text += f" (tính là báo cáo {REPORT_LABELS[slot].lower()})"
    return text


def register_periods(year: int) -> list[tuple[str, str]]:
    """(period key, label) of every period a report of ``year`` can be registered under, in the year's order."""
    return [(slot_key(year, own), period_label(slot_key(year, own))) for own in _OWN_LABELS]


def _date(value) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = clean_cell(value)
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_user_date(text)
    except DateTextError as exc:
        raise StoreError(f"Ngày ban hành: {exc}") from None


def add_issued(store: Store, plan_id: str, period_key: str, issued_on, *, doc_number: str = "", summary: str = "",
               source: str = MANUAL, evidence_id: str = "") -> dict:
    """Register one issued report (inside the caller's transaction or operation). Refuses a period outside the
    plan, a date before the period began, and the same number registered twice for the period."""
    if source not in SOURCE_LABELS:
        raise ValueError(source)
    plan = store.load_plan(plan_id)
    try:
        year, _slot = report_slot(period_key)
    except (ValueError, KeyError):
        raise StoreError(f"Kỳ báo cáo «{period_key}» không hợp lệ (ví dụ 2026-Q1, 2026-H1, 2026).") from None
    if not plan.year_start <= year <= plan.year_end:
        raise StoreError(f"Kỳ báo cáo «{period_key}» không thuộc kế hoạch ({plan.period_label}).")
    day = _date(issued_on)
    period = make_period(period_key, get_settings(store, plan_id))
    if day < period.start:
        raise StoreError(f"Báo cáo {period.label} không thể ban hành ngày {day:%d/%m/%Y}, trước khi kỳ báo cáo bắt "
                         f"đầu ({period.start:%d/%m/%Y}).")
    number, summary = clean_cell(doc_number), clean_cell(summary)
    if number and any(fold(r["doc_number"]) == fold(number) for r in store.db.query(
            f"SELECT doc_number FROM {TABLE} WHERE plan_id = ? AND period_key = ?", (plan_id, period_key))):
        raise StoreError(f"Báo cáo số «{number}» của {period.label} đã có trong sổ.")
    with store.transaction():
        return store.insert_row(TABLE, {"plan_id": plan_id, "period_key": period_key, "doc_number": number,
                                        "issued_on": day.isoformat(), "summary": summary, "source": source,
                                        "evidence_id": evidence_id})


def delete_issued(store: Store, row_id: str) -> dict:
    with store.transaction():
        row = store.delete_row(TABLE, row_id)
    if row is None:
        raise StoreError("Dòng sổ báo cáo không còn (có thể đã bị xóa).")
    return row


def list_issued(store: Store, plan_id: str, year: int | None = None) -> list[dict]:
    rows = [dict(r) for r in store.db.query(f"SELECT * FROM {TABLE} WHERE plan_id = ? ORDER BY issued_on, "
                                            "period_key, doc_number", (plan_id,))]
    return [r for r in rows if year is None or report_slot(r["period_key"])[0] == year]


# --------------------------------------------------------------------------------------------- on time

@dataclass(frozen=True)
class ReportCheck:
    """One of the year's four reports: its period (due date), the first issued entry, and the verdict."""

    slot: str
    period: ReportingPeriod
    entry: dict | None            # the earliest registered issue of this report
    due_by_ref: bool              # its due date is on or before the reference date

    @property
    def label(self) -> str:
        return REPORT_LABELS[self.slot]

    @property
    def issued_on(self) -> _dt.date | None:
        return _dt.date.fromisoformat(self.entry["issued_on"]) if self.entry else None

    @property
    def counted(self) -> bool:
        """In the denominator: due by the reference date, or issued already."""
        return self.due_by_ref or self.entry is not None

    @property
    def on_time(self) -> bool:
        return self.entry is not None and self.issued_on <= self.period.report_due

    @property
    def text(self) -> str:
        """"Quý I 12/03 (hạn 15/03)", "6 tháng 20/06 (hạn 15/06, trễ hạn)", "Quý III chưa ghi sổ (hạn 15/09)"."""
        due = f"{self.period.report_due:%d/%m}"
        if self.entry is None:
            return f"{self.label} {'chưa ghi sổ' if self.due_by_ref else 'chưa đến hạn'} (hạn {due})"
        late = "" if self.on_time else ", trễ hạn"
        return f"{self.label} {self.issued_on:%d/%m} (hạn {due}{late})"


def report_checks(store: Store, plan_id: str, year: int, ref: _dt.date) -> list[ReportCheck]:
    """The year's four periodic reports, each with its earliest registered issue and due date."""
    settings = get_settings(store, plan_id)
    earliest: dict[str, dict] = {}
    for row in list_issued(store, plan_id, year):
        slot = report_slot(row["period_key"])[1]
        if slot not in earliest or row["issued_on"] < earliest[slot]["issued_on"]:
            earliest[slot] = row
    out = []
    for slot in REQUIRED:
        period = make_period(slot_key(year, slot), settings)
        out.append(ReportCheck(slot, period, earliest.get(slot), period.report_due <= ref))
    return out


def on_time_summary(checks: list[ReportCheck], ref: _dt.date) -> tuple[int, int, str]:
    """(on time, counted, text) — the one wording of the register's verdict, for the register dialog, the CLI and
    the PAR rule «bao_cao»: «1/4 báo cáo đúng hạn (tính các báo cáo đến hạn đến 31/12/2026 hoặc đã ghi sổ): Quý I
    12/03 (hạn 15/03); …». The denominator counts the reports due by ``ref`` plus those already issued."""
    counted = [c for c in checks if c.counted]
    on_time = sum(c.on_time for c in counted)
    return on_time, len(counted), (f"{on_time}/{len(counted)} báo cáo đúng hạn (tính các báo cáo đến hạn đến "
                                   f"{ref:%d/%m/%Y} hoặc đã ghi sổ): " + "; ".join(c.text for c in checks))


# ---------------------------------------------------------------------------------- from evidence documents

@dataclass(frozen=True)
class Proposal:
    period_key: str
    doc_number: str
    issued_on: str                # ISO
    summary: str
    evidence_id: str

    @property
    def label(self) -> str:
        day = _dt.date.fromisoformat(self.issued_on)
        return f"{period_label(self.period_key)}: {self.doc_number or '(không số)'} ngày {day:%d/%m/%Y} – {self.summary}"


_QUARTER_RE = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def period_named(text: str, year: int) -> str | None:
    """The period a report's summary names: "Báo cáo kết quả CCHC quý I năm 2026" -> "2026-Q1"; "6 tháng đầu
    năm" -> H1; "năm 2026" (no quarter) -> the year; None when the text is not a CCHC report of that year."""
    key = fold(text)
    if "bao cao" not in key or ("cai cach hanh chinh" not in key and "cchc" not in key):
        return None
    years = re.findall(r"\b(20\d\d)\b", key)
    if years and str(year) not in years:
        return None
    match = _QUARTER_RE.search(key)
    if match:
        return f"{year}-Q{_ROMAN[match.group(1)]}"
    if re.search(r"\b6 thang\b|\bsau thang\b", key):
        return f"{year}-H1" if "cuoi" not in key else str(year)
    return str(year) if years or "nam" in key else None


def evidence_proposals(store: Store, plan_id: str, year: int) -> list[Proposal]:
    """Evidence documents of the plan that look like its periodic CCHC reports (a summary naming the report and
    its period, an issue date), not registered yet: proposed, for the user to confirm one by one."""
    registered = {r["evidence_id"] for r in list_issued(store, plan_id) if r["evidence_id"]}
    numbers = {(r["period_key"], fold(r["doc_number"])) for r in list_issued(store, plan_id) if r["doc_number"]}
    rows = store.db.query(
        "SELECT e.id, e.doc_number, e.issued_on, e.summary FROM evidence e JOIN product p ON p.id = e.product_id "
        "JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
        "AND e.issued_on != '' ORDER BY e.issued_on", (plan_id,))
    out, seen = [], set()
    for r in rows:
        key = period_named(f"{r['summary']} {r['doc_number']}", year)
        if key is None or r["id"] in registered or (key, fold(r["doc_number"])) in numbers:
            continue
        if r["doc_number"] and (key, fold(r["doc_number"])) in seen:
            continue
        seen.add((key, fold(r["doc_number"])))
        out.append(Proposal(key, r["doc_number"], r["issued_on"], r["summary"], r["id"]))
    return out


def add_proposals(store: Store, plan_id: str, proposals: list[Proposal]) -> list[str]:
    """Register the confirmed proposals (inside the caller's operation); returns the new row ids."""
    with store.transaction():
        return [add_issued(store, plan_id, p.period_key, p.issued_on, doc_number=p.doc_number, summary=p.summary,
                           source=FROM_EVIDENCE, evidence_id=p.evidence_id)["id"] for p in proposals]
