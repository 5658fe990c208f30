"""Where one product stands at a reference date in a period, from its recorded status rows (`classify`): the
per-product step of the roll-ups (`rollup.plan_summary`) and of the appendix table's states
(`appendix_index`), kept apart from the roll-ups so the table loads without them."""
from __future__ import annotations

from datetime import date

from ..deadlines import Deadline
from .periods import ReportingPeriod
from .timeliness import (DONE, DONE_LATE, EVENT_DRIVEN, FINISHED, IN_PROGRESS, NO_DEADLINE, NOT_DONE,
                         NOT_STARTED, OVERDUE, Timeliness, assess, is_periodic, one_off_key, stored_row,
                         tracking_keys, tracking_span)


def _aggregate(parts: list[tuple[dict | None, Timeliness]]) -> str:
    states = [t.state for _, t in parts]
    if OVERDUE in states:
        return OVERDUE
    if NOT_DONE in states:
        return NOT_DONE
    if all(s in (DONE, DONE_LATE) for s in states):
        return DONE_LATE if DONE_LATE in states else DONE
    if any(s in (IN_PROGRESS, DONE, DONE_LATE) for s in states):
        return IN_PROGRESS
    return states[-1] if states[-1] in (EVENT_DRIVEN, NO_DEADLINE) else NOT_STARTED


def _empty(key: str) -> dict:
    return {"status": NOT_STARTED, "percent": 0, "completed_on": "", "result": "", "updated_by": "",
            "updated_at": "", "period_key": key}


def _at(row: dict, ref: date) -> dict:
    """The status row as it stood at ``ref``: a completion dated after ``ref`` is still work in progress."""
    if row["status"] in (DONE, DONE_LATE) and row["completed_on"] and row["completed_on"][:10] > ref.isoformat():
        percent = int(row.get("percent") or 0)
        return {**row, "status": IN_PROGRESS, "completed_on": "", "percent": percent if percent < 100 else 0}
    return row


def classify(deadline: Deadline, rows: dict[str, dict], period: ReportingPeriod, ref: date,
             year_start: int, year_end: int, due_soon_days: int = 14, cumulative: bool = False) -> dict | None:
    """Classify one product in a period from its status rows ({period_key: row}); None if the product
    is outside the period (outside the period's plan year when ``cumulative``). Returns the fields of
    ProductState that depend on status and time."""
    lo, hi = (date(period.year, 1, 1), date(period.year, 12, 31)) if cumulative else (period.start, period.end)
    if is_periodic(deadline):
        keys = [k for k in tracking_keys(deadline, year_start, year_end)
                if tracking_span(k)[0] <= hi and tracking_span(k)[1] >= lo]
        if not keys:
            return None
        started = [k for k in keys if tracking_span(k)[0] <= ref] or keys[:1]
        parts = []
        for k in started:
            row = _at(stored_row(rows, deadline, k, year_start) or _empty(k), ref)
            done_on = date.fromisoformat(row["completed_on"]) if row["completed_on"] else None
            parts.append((row, assess(deadline, row["status"], done_on, ref, due_soon_days, key=k)))
        current_row, current_t = parts[-1]
        state = _aggregate(parts)
        percent = round(sum(100 if t.state in (DONE, DONE_LATE) else (r or {}).get("percent", 0)
                            for r, t in parts) / len(parts))
        overdue_t = next((t for _, t in parts if t.state == OVERDUE), None)
        shown = overdue_t or current_t
        due_in = any(period.start <= tracking_span(k)[1] <= period.end for k in keys)
        return dict(state=state, status=current_row["status"], status_key=current_row["period_key"],
                    percent=percent, completed_on=current_row["completed_on"], result=current_row["result"],
                    due=shown.due, next_due=current_t.next_due, days_left=shown.days_left,
                    due_soon=current_t.due_soon and state not in FINISHED, periodic=True, due_in_period=due_in,
                    updated_by=current_row.get("updated_by", ""), updated_at=current_row.get("updated_at", ""),
                    occurrences=len(parts),
                    occurrences_done=sum(1 for _, t in parts if t.state in (DONE, DONE_LATE)))
    key = one_off_key(year_start)
    row = _at(rows.get(key) or _empty(key), ref)
    done_on = date.fromisoformat(row["completed_on"]) if row["completed_on"] else None
    t = assess(deadline, row["status"], done_on, ref, due_soon_days)
    dates = deadline.due_dates
    if dates:
        in_period = any(period.contains(d) for d in dates)
        in_scope = any(lo <= d <= hi for d in dates)
        carried = dates[-1] < lo and t.state not in FINISHED
        before_plan = ((cumulative or period.unit == "Y") and period.year == year_start
                       and dates[-1] < date(year_start, 1, 1))
        if not (in_scope or carried or before_plan):
            return None
    else:
        in_period = False
    return dict(state=t.state, status=row["status"], status_key=key,
                percent=100 if t.state in (DONE, DONE_LATE) else int(row["percent"] or 0),
                completed_on=row["completed_on"], result=row["result"], due=t.due, next_due=t.next_due,
                days_left=t.days_left, due_soon=t.due_soon, periodic=False, due_in_period=in_period,
                updated_by=row.get("updated_by", ""), updated_at=row.get("updated_at", ""))
