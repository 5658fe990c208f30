"""Statuses, tracking periods and timeliness of product rows (pure functions, no database).

Tracking granularity (how many status rows a product has):

* one-off products — deadline kinds fixed, period_end, year_end, event, unknown, empty — have ONE
  status row keyed by the plan's first year (``one_off_key``), standing for the whole plan;
* recurring products ("Định kỳ hằng tháng/quý…") have one row per tracking period: quarterly
  for monthly or quarterly recurrence, per half-year ("2026-H1") for 6-monthly only, per year
  for yearly only;
* continuous products ("Thường xuyên", "Cả năm") are tracked per quarter (each quarterly report
  states their result), but they are never late before the end of their year: each quarter row is
  due on 31/12 of its year;
* multi-occurrence products — an explicit list of dates or periods falling in two or more quarters of the plan
  years ("Quý II, III, IV năm 2026", "30/6 và 31/12/2026", "Tháng 3, tháng 6/2026") — have one row per listed
  quarter ("2026-Q2", "2026-Q3", "2026-Q4"), due on the last date listed in that quarter. Exactly like a
  recurring product, an occurrence whose due date has passed without a finished status of its own is overdue.
  A status recorded before such products were tracked per occurrence (the one-off row, key "2026") stands for
  every occurrence that has no row of its own (``legacy_key``).

A recurring tracking period's due date is its last day. A one-off product's due date is the last date its
deadline names (``final_due``); "Trước ngày 15/01" counts 15/01 as on time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..deadlines import (CONTINUOUS, EMPTY, EVENT, FIXED_DATE, HALF_YEARLY, MONTHLY, PERIOD_END, QUARTERLY,
                         RECURRING, UNKNOWN, Deadline, final_due, next_due)
from .periods import HALF, QUARTER, YEAR, make_period, parse_period_key, period_key

# -- stored statuses -------------------------------------------------------------------------
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
DONE_LATE = "done_late"
NOT_DONE = "not_done"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, DONE_LATE, NOT_DONE)
STATUS_LABELS = {
    NOT_STARTED: "Chưa triển khai",
    IN_PROGRESS: "Đang thực hiện",
    DONE: "Hoàn thành",
    DONE_LATE: "Hoàn thành quá hạn",
    NOT_DONE: "Không thực hiện",
}
FINISHED = (DONE, DONE_LATE, NOT_DONE)

# -- computed states (mutually exclusive buckets of the dashboard) --------------------------
OVERDUE = "overdue"
EVENT_DRIVEN = "event"
NO_DEADLINE = "no_deadline"
STATES = (DONE, DONE_LATE, OVERDUE, IN_PROGRESS, NOT_STARTED, NOT_DONE, EVENT_DRIVEN, NO_DEADLINE)
STATE_LABELS = {
    DONE: "Hoàn thành đúng hạn",
    DONE_LATE: "Hoàn thành quá hạn",
    OVERDUE: "Quá hạn",
    IN_PROGRESS: "Đang thực hiện",
    NOT_STARTED: "Chưa triển khai",
    NOT_DONE: "Không thực hiện",
    EVENT_DRIVEN: "Theo phát sinh",
    NO_DEADLINE: "Chưa rõ thời hạn",
}


def occurrence_keys(deadline: Deadline) -> tuple[str, ...]:
    """The quarters ("2026-Q2", …) of a multi-occurrence deadline: an explicit list of dates or periods
    (fixed dates, period ends) within the plan years that falls in two or more quarters; () for any other."""
    if deadline.kind not in (FIXED_DATE, PERIOD_END) or len(deadline.due_dates) < 2:
        return ()
    first, last = deadline.plan_year, deadline.plan_year_end or deadline.plan_year
    keys = tuple(dict.fromkeys(period_key(d.year, QUARTER, (d.month - 1) // 3 + 1)
                               for d in deadline.due_dates if first <= d.year <= last))
    return keys if len(keys) > 1 else ()


def is_periodic(deadline: Deadline) -> bool:
    """True when the product gets one status row per tracking period (recurring, continuous, multi-occurrence)."""
    return tracking_unit(deadline) is not None


def legacy_key(deadline: Deadline, plan_year_start: int) -> str | None:
    """The one-off row key whose status stands for the occurrences of a multi-occurrence product that have no
    row of their own (a status recorded when the product had a single row); None for other products."""
    return one_off_key(plan_year_start) if occurrence_keys(deadline) else None


def stored_row(rows: dict, deadline: Deadline, key: str, plan_year_start: int) -> dict | None:
    """The status row of ``key`` from {period key: row}: its own, else (multi-occurrence products) a copy of the
    legacy one-off row under ``key``, else None."""
    if key in rows:
        return rows[key]
    legacy = legacy_key(deadline, plan_year_start)
    if legacy and legacy in rows:
        return {**rows[legacy], "period_key": key}
    return None


def tracking_unit(deadline: Deadline) -> str | None:
    """QUARTER / HALF / YEAR for periodic products, None for one-off products."""
    if deadline.kind == CONTINUOUS or occurrence_keys(deadline):
        return QUARTER
    if deadline.kind != RECURRING:
        return None
    rec = set(deadline.recurrence)
    if rec & {MONTHLY, QUARTERLY}:
        return QUARTER
    if HALF_YEARLY in rec:
        return HALF
    return YEAR


def one_off_key(plan_year_start: int) -> str:
    return str(plan_year_start)


def _unit_keys(year: int, unit: str) -> list[str]:
    if unit == QUARTER:
        return [period_key(year, QUARTER, i) for i in range(1, 5)]
    if unit == HALF:
        return [period_key(year, HALF, i) for i in (1, 2)]
    return [str(year)]


def tracking_keys(deadline: Deadline, plan_year_start: int, plan_year_end: int | None = None) -> list[str]:
    """All status-row keys of a product, in time order."""
    plan_year_end = plan_year_start if plan_year_end is None else plan_year_end
    unit = tracking_unit(deadline)
    if unit is None:
        return [one_off_key(plan_year_start)]
    occurrences = occurrence_keys(deadline)
    if occurrences:
        return [k for k in occurrences if plan_year_start <= int(k[:4]) <= plan_year_end] or list(occurrences)
    years = [y for y in deadline.years if plan_year_start <= y <= plan_year_end] \
        or list(range(plan_year_start, plan_year_end + 1))
    return [key for year in years for key in _unit_keys(year, unit)]


def key_for(deadline: Deadline, plan_year_start: int, plan_year_end: int | None, reporting_key: str,
            ref: date | None = None) -> str:
    """The status-row key a reporting period (e.g. "2026-Q3" or "2026") maps to for this product.

    One-off products: always the one-off key. Periodic products: the tracking period that contains
    ``ref`` clamped into the reporting period (without ``ref``: its last day).
    """
    unit = tracking_unit(deadline)
    if unit is None:
        return one_off_key(plan_year_start)
    period = make_period(reporting_key)
    day = period.end if ref is None else min(max(ref, period.start), period.end)
    occurrences = tracking_keys(deadline, plan_year_start, plan_year_end) if occurrence_keys(deadline) else ()
    if occurrences:   # the occurrence containing the day, else the next one, else the last one
        inside = [k for k in occurrences if tracking_span(k)[0] <= day <= tracking_span(k)[1]]
        later = [k for k in occurrences if tracking_span(k)[0] > day]
        return (inside or later or [occurrences[-1]])[0]
    if unit == QUARTER:
        return period_key(day.year, QUARTER, (day.month - 1) // 3 + 1)
    if unit == HALF:
        return period_key(day.year, HALF, 1 if day.month <= 6 else 2)
    return str(day.year)


def due_for(deadline: Deadline, key: str) -> date | None:
    """Due date of one status row: the tracking period's end, or the one-off final due date."""
    if tracking_unit(deadline) is None:
        return final_due(deadline)
    year, unit, index = parse_period_key(key)
    if deadline.kind == CONTINUOUS:
        return date(year, 12, 31)
    period = make_period(period_key(year, unit, index))
    inside = [d for d in deadline.due_dates if period.start <= d <= period.end]
    return max(inside) if inside else period.end   # "trước ngày 10 của tháng cuối quý" -> 10/03


def derive_status(status: str, completed_on: date | None, due: date | None) -> str:
    """"Hoàn thành" after the due date becomes "Hoàn thành quá hạn"; raises ValueError when
    "Hoàn thành quá hạn" is claimed for a completion on or before the due date."""
    if status == DONE and due is not None and completed_on is not None and completed_on > due:
        return DONE_LATE
    if status == DONE_LATE and due is not None and completed_on is not None and completed_on <= due:
        raise ValueError("late-but-on-time")
    return status


@dataclass(frozen=True)
class Timeliness:
    """Where one status row stands at a reference date."""

    state: str                 # one of STATES
    due: date | None           # due date of the row
    next_due: date | None      # next due date on/after ref (due-soon checks)
    days_left: int | None      # due - ref (negative when overdue)
    due_soon: bool             # unfinished and next_due within the window

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.state == OVERDUE and self.days_left is not None else 0


def assess(deadline: Deadline, status: str, completed_on: date | None, ref: date,
           due_soon_days: int = 14, key: str | None = None) -> Timeliness:
    """Timeliness of a product's status row (``key`` for periodic products) at ``ref``."""
    per_row = bool(key and tracking_unit(deadline))
    due = due_for(deadline, key) if per_row else final_due(deadline)
    if per_row:
        upcoming = due if due is not None and due >= ref else None
    else:
        upcoming = next_due(deadline, ref)
    days_left = (due - ref).days if due is not None else None
    if status in (DONE, DONE_LATE):
        state = status
        if due is not None and completed_on is not None:
            state = DONE_LATE if completed_on > due else DONE
        return Timeliness(state, due, upcoming, days_left, False)
    if status == NOT_DONE:
        return Timeliness(NOT_DONE, due, upcoming, days_left, False)
    undated = deadline.kind in (EVENT, UNKNOWN, EMPTY) or due is None
    if status == IN_PROGRESS and undated:  # work has started: show it, whatever the deadline says
        return Timeliness(IN_PROGRESS, None, None, None, False)
    if deadline.kind == EVENT:
        return Timeliness(EVENT_DRIVEN, None, None, None, False)
    if due is None or deadline.kind in (UNKNOWN, EMPTY):
        return Timeliness(NO_DEADLINE, None, None, None, False)
    if ref > due:
        return Timeliness(OVERDUE, due, None, days_left, False)
    soon = upcoming is not None and (upcoming - ref).days <= due_soon_days
    state = IN_PROGRESS if status == IN_PROGRESS else NOT_STARTED
    return Timeliness(state, due, upcoming, days_left, soon)


def tracking_span(key: str) -> tuple[date, date]:
    """Calendar span of a status-row key."""
    period = make_period(key)
    return period.start, period.end


__all__ = [
    "NOT_STARTED", "IN_PROGRESS", "DONE", "DONE_LATE", "NOT_DONE", "STATUSES", "STATUS_LABELS",
    "FINISHED", "OVERDUE", "EVENT_DRIVEN", "NO_DEADLINE", "STATES", "STATE_LABELS",
    "is_periodic", "occurrence_keys", "legacy_key", "stored_row", "tracking_unit", "one_off_key", "tracking_keys", "key_for", "due_for",
    "derive_status", "Timeliness", "assess", "tracking_span", "YEAR",
]
