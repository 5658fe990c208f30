"""The words of a product's due date and state: ONE formatter for every view (table, dashboard, reports, exports).

Two forms of the same facts, each from one function:
* the short form of the table's cells (also the dashboard's lists and the portfolio):
  «Hạn xử lý» `due_text` ("30/06/2026 (quá 20 ngày)", "Xong 01/07/2026", "Kỳ tới 15/09/2026", "Thường xuyên"…)
  and «Trạng thái» `state_text` ("Đang thực hiện (40%) · sắp đến hạn");
* the sentence form of the printed reports: «Thời hạn» `deadline_phrase` (the deadline as written in the plan,
  plus "(hạn 30/06/2026)" when the computed date adds something) and «Tình trạng» `state_phrase`
  ("Quá hạn 20 ngày", "Hoàn thành đúng hạn (01/07/2026)", "Chưa triển khai (còn 5 ngày)").

`due_cell`, `state_cell`, `deadline_phrase`, `state_phrase` and `relevant_due` take any classified product with the
attributes deadline, deadline_text, state, due, next_due, days_left, due_soon, percent, completed_on, periodic
(the table's ProductInfo and the reports' rollup.ProductState both do). A task or product dropped by a plan
amendment reads `archived_text` ("Đã bỏ theo điều chỉnh số 41/KH-UBND ngày 15/07/2026"). Qt-free.
"""
from __future__ import annotations

from datetime import date

from ..dates import format_date
from ..deadlines import CONTINUOUS, EMPTY, EVENT, RECURRING, UNKNOWN
from .timeliness import (DONE, DONE_LATE, EVENT_DRIVEN, IN_PROGRESS, NO_DEADLINE, NOT_DONE, NOT_STARTED,
                         OVERDUE, STATE_LABELS)

SOON = "soon"     # a display state: due within the plan's "sắp đến hạn" window
ARCHIVED = "archived"   # a display state: dropped by a plan amendment (shown only on request, never counted)
STATE_TEXT = {**STATE_LABELS, SOON: "Sắp đến hạn"}   # the filter's choices: the tracking states plus "soon"


def late_date_text(due: date | None, days_late: int = 0) -> str:
    """"30/06/2026 (quá 20 ngày)": a due date and, when it has passed, by how many days."""
    text = format_date(due)
    return f"{text} (quá {days_late} ngày)" if days_late else text


# -- the short form (table cells) -------------------------------------------------------------------------------
def due_text(deadline, state: str, *, due: date | None = None, next_due: date | None = None,
             days_left: int | None = None, completed_on: str = "", periodic: bool = False) -> str:
    """The «Hạn xử lý» text: the relevant due date given the recorded status."""
    if deadline.kind == EMPTY and state not in (DONE, DONE_LATE):
        return ""
    repeating = periodic and deadline.kind in (RECURRING, CONTINUOUS)   # per period without end, not a listed date
    if state in (DONE, DONE_LATE) and not repeating and next_due is None:
        return f"Xong {format_date(completed_on)}" if completed_on else "Đã xong"
    if state == NOT_DONE and not repeating:
        return "—"
    if state == OVERDUE:
        return late_date_text(due, -days_left if days_left else 0)
    if state == NO_DEADLINE or deadline.kind == UNKNOWN:
        return "⚠ Không rõ"
    if state == EVENT_DRIVEN or deadline.kind == EVENT:
        return "Theo sự kiện"
    if deadline.kind == CONTINUOUS:
        return "Thường xuyên"
    if deadline.kind == RECURRING:
        return f"Kỳ tới {format_date(next_due)}" if next_due else "Đã hết kỳ"
    if next_due is None:
        return format_date(due)
    later = sum(1 for d in deadline.due_dates if d > next_due)
    return format_date(next_due) + (f" (+{later} hạn)" if later else "")


def state_text(state: str, percent: int = 0, due_soon: bool = False) -> str:
    """The «Trạng thái» text."""
    label = STATE_TEXT.get(state, state)
    if state == IN_PROGRESS and percent:
        label += f" ({percent}%)"
    if due_soon:
        label += " · sắp đến hạn"
    return label


def due_cell(item) -> str:
    """`due_text` of a classified product."""
    return due_text(item.deadline, item.state, due=item.due, next_due=item.next_due, days_left=item.days_left,
                    completed_on=item.completed_on, periodic=item.periodic)


def state_cell(item) -> str:
    """`state_text` of a classified product."""
    return state_text(item.state, item.percent, item.due_soon)


def period_due_text(deadline, due: date | None, days_overdue: int = 0) -> str:
    """The due date of one tracking period (the status pane): "hạn 30/06/2026 (quá 20 ngày)"; the deadline's own
    description when the period has no date."""
    if due:
        return f"hạn {late_date_text(due, days_overdue)}"
    return deadline.describe() + (f" (quá {days_overdue} ngày)" if days_overdue else "")


def relevant_due(item) -> date | None:
    """The date a product is judged against: its missed due date when overdue, else the next (or last) one."""
    return item.due if item.state == OVERDUE else (item.next_due or item.due)


def archived_text(doc_number: str = "", doc_date: str = "", *, known: bool = True) -> str:
    """"Đã bỏ theo điều chỉnh số 41/KH-UBND ngày 15/07/2026" (the state of a row an amendment dropped)."""
    if not known:
        return "Đã bỏ theo điều chỉnh"
    number = f" số {doc_number.strip()}" if doc_number and doc_number.strip() else ""
    when = f" ngày {format_date(doc_date)}" if doc_date else ""
    return f"Đã bỏ theo điều chỉnh{number}{when}"


# -- the sentence form (printed reports) ------------------------------------------------------------------------
def deadline_phrase(item) -> str:
    """«Thời hạn» of a report: the deadline as printed in the plan, plus the computed due date when it adds
    information ("Quý II/2026 (hạn 30/06/2026)")."""
    text = item.deadline_text.strip()
    if item.deadline.kind == CONTINUOUS:
        return text
    due = relevant_due(item)
    if due is not None and format_date(due) not in text:
        return f"{text} (hạn {format_date(due)})" if text else f"Hạn {format_date(due)}"
    return text


def state_phrase(item) -> str:
    """«Tình trạng» of a report: the state with its one telling figure ("Quá hạn 20 ngày", "Hoàn thành đúng hạn
    (01/07/2026)", "Đang thực hiện (40%)", "Chưa triển khai (còn 5 ngày)")."""
    label = STATE_TEXT[item.state]
    if item.state == OVERDUE and item.days_left:
        return f"{label} {-item.days_left} ngày"
    if item.state in (DONE, DONE_LATE) and item.completed_on:
        return f"{label} ({format_date(item.completed_on)})"
    if item.state == IN_PROGRESS and 0 < item.percent < 100:
        return f"{label} ({item.percent}%)"
    if item.state == NOT_STARTED and item.days_left is not None and item.due_soon:
        return f"{label} (còn {item.days_left} ngày)"
    return label
