"""The words of a product's due date and state, one formatter for every view (table, dashboard, reports,
exports): «Hạn xử lý» ("30/06/2026 (quá 20 ngày)", "Xong 01/07/2026", "Kỳ tới 15/09/2026", "Thường xuyên"…)
and «Trạng thái» ("Đang thực hiện (40%) · sắp đến hạn"). Qt-free."""
from __future__ import annotations

from datetime import date

from ..deadlines import CONTINUOUS, EMPTY, EVENT, RECURRING, UNKNOWN, format_date
from .timeliness import (DONE, DONE_LATE, EVENT_DRIVEN, IN_PROGRESS, NO_DEADLINE, NOT_DONE, NOT_STARTED,
                         OVERDUE)

SOON = "soon"     # a display state: due within the plan's "sắp đến hạn" window
STATE_TEXT = {
    OVERDUE: "Quá hạn",
    SOON: "Sắp đến hạn",
    IN_PROGRESS: "Đang thực hiện",
    NOT_STARTED: "Chưa triển khai",
    DONE: "Hoàn thành đúng hạn",
    DONE_LATE: "Hoàn thành quá hạn",
    NOT_DONE: "Không thực hiện",
    EVENT_DRIVEN: "Theo phát sinh",
    NO_DEADLINE: "Chưa rõ thời hạn",
}


def dmy(iso: str) -> str:
    """ISO date text -> dd/mm/yyyy (anything else unchanged)."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso and len(iso) >= 10 else iso


def due_text(deadline, state: str, *, due: date | None = None, next_due: date | None = None,
             days_left: int | None = None, completed_on: str = "", periodic: bool = False) -> str:
    """The «Hạn xử lý» text: the relevant due date given the recorded status."""
    if deadline.kind == EMPTY and state not in (DONE, DONE_LATE):
        return ""
    if state in (DONE, DONE_LATE) and not periodic:
        return f"Xong {dmy(completed_on)}" if completed_on else "Đã xong"
    if state == NOT_DONE and not periodic:
        return "—"
    if state == OVERDUE:
        text = format_date(due) if due else ""
        return f"{text} (quá {-days_left} ngày)" if days_left else text
    if state == NO_DEADLINE or deadline.kind == UNKNOWN:
        return "⚠ Không rõ"
    if state == EVENT_DRIVEN or deadline.kind == EVENT:
        return "Theo sự kiện"
    if deadline.kind == CONTINUOUS:
        return "Thường xuyên"
    if deadline.kind == RECURRING:
        return f"Kỳ tới {format_date(next_due)}" if next_due else "Đã hết kỳ"
    if next_due is None:
        return format_date(due) if due else ""
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
