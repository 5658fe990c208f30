"""Dates typed by a user: "10/01/2026", "1/1/2026", "10-01-2026", "10.01.2026", "10012026", "100126", "1/1/26".

Day first, always (Vietnamese order). A date that does not exist is refused with a message that names it
("Ngày 31/06/2026 không tồn tại"); nothing is ever guessed into another date.
"""
from __future__ import annotations

import datetime as _dt
import re

_SEP_RE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")
_DIGITS_RE = re.compile(r"^\s*(\d{2})(\d{2})(\d{2}|\d{4})\s*$")
FORMAT_HINT = "ngày/tháng/năm, ví dụ 10/01/2026 hoặc 10012026"


class DateTextError(ValueError):
    """Text that is not a date (Vietnamese message)."""


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_user_date(text: str) -> _dt.date:
    """The date the text names. Raises DateTextError (Vietnamese) for anything else, an impossible date included."""
    match = _SEP_RE.match(text or "") or _DIGITS_RE.match(text or "")
    if not match:
        raise DateTextError(f"«{(text or '').strip()}» không phải là ngày ({FORMAT_HINT}).")
    day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
    if not 1900 <= year <= 2200:
        raise DateTextError(f"Năm {year} không hợp lệ.")
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise DateTextError(f"Ngày {day:02d}/{month:02d}/{year} không tồn tại.") from None


def format_date(value: _dt.date | str | None) -> str:
    """THE dd/mm/yyyy formatter of the app (tables, dashboard, reports, exports): a date, a datetime or an ISO date
    text ("2026-01-05…") -> "05/01/2026"; None or "" -> ""; any other text is returned unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value.strip()
        if len(text) < 10 or text[4] != "-" or text[7] != "-":
            return value
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


def describe(value: _dt.date) -> str:
    """What a typed date was understood as: "Thứ bảy, 10/01/2026"."""
    return f"{_WEEKDAYS[value.weekday()]}, {format_date(value)}"


def local_time(iso: str) -> str:
    """A stored ISO time stamp in this PC's time zone, «dd/mm/yyyy HH:MM:SS» (the text itself when it does not
    parse)."""
    try:
        return _dt.datetime.fromisoformat(iso).astimezone().strftime("%d/%m/%Y %H:%M:%S")
    except (TypeError, ValueError):
        return iso or ""
