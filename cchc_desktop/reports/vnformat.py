"""Vietnamese number, date and name formatting for printed documents (pure functions, no reportlab).

Dates follow Nghị định 30/2020/NĐ-CP: in "ngày 05 tháng 01 năm 2026" a day below 10 and the months 1 and 2
take a leading zero ("tháng 3", "tháng 12" do not). Numeric dates ("05/01/2026") are always zero-padded.
"""
from __future__ import annotations

import datetime as _dt

from ..dates import format_date
from ..domain import UNIT_KINDS, UNNAMED, is_unnamed, split_unit_kind  # noqa: F401 - re-exported
from ..numbers import decimal, integer, percent, thousands  # noqa: F401 - re-exported
from ..text import nfc

NBSP = "\u00a0"
# Blank left for a hand-written day/month/number: five no-break spaces (printing keeps them, wrapping does not
# swallow them).
BLANK = NBSP * 5




def _as_date(value: _dt.date | str | None) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value).strip()[:10])


def nd30_day(day: int) -> str:
    return f"{day:02d}"


def nd30_month(month: int) -> str:
    return f"{month:02d}" if month in (1, 2) else str(month)


def date_words(value: _dt.date | str | None, year: int | None = None) -> str:
    """"ngày 05 tháng 01 năm 2026"; an unset date leaves blanks to fill by hand: "ngày      tháng      năm 2026".

    ``year`` is printed for an unset date (blank too when None).
    """
    d = _as_date(value)
    if d is None:
        y = str(year) if year else BLANK
        return f"ngày{NBSP}{BLANK}tháng{NBSP}{BLANK}năm {y}"
    return f"ngày {nd30_day(d.day)} tháng {nd30_month(d.month)} năm {d.year}"


def _date_parts(iso: str) -> tuple[int | None, int | None, int | None]:
    """"2026-01-10" / "2026-01" / "2026" / "" -> (year, month, day) with None for the unknown parts."""
    parts = [p for p in (iso or "").strip()[:10].split("-") if p.isdigit()]
    year = int(parts[0]) if parts else None
    month = int(parts[1]) if len(parts) > 1 and 1 <= int(parts[1]) <= 12 else None
    day = int(parts[2]) if month and len(parts) > 2 and 1 <= int(parts[2]) <= 31 else None
    return year, month, day


def partial_date_words(iso: str, year: int | None = None) -> str:
    """A date of which only some parts are known ("2026-01": the day was left blank in the signed plan) ->
    "ngày      tháng 01 năm 2026": the known parts printed, blanks for the others."""
    y, m, d = _date_parts(iso)
    if y and m and d:
        return date_words(_dt.date(y, m, d))
    y = y or year
    day = f"ngày {nd30_day(d)} " if d else f"ngày{NBSP}{BLANK}"
    month = f"tháng {nd30_month(m)} " if m else f"tháng{NBSP}{BLANK}"
    return f"{day}{month}năm {y if y else BLANK}"


def partial_numeric_date(iso: str, year: int | None = None) -> str:
    """"2026-04" (the day left blank in the signed plan) -> "     /04/2026"; a whole date -> "10/01/2026"."""
    y, m, d = _date_parts(iso)
    if y and m and d:
        return format_date(_dt.date(y, m, d))
    y = y or year
    return "/".join((f"{d:02d}" if d else BLANK, f"{m:02d}" if m else BLANK, str(y) if y else BLANK))


def vn_long_date(place: str, value: _dt.date | str | None, year: int | None = None) -> str:
    """("Xuân Trường", date(2026, 1, 5)) -> "Xuân Trường, ngày 05 tháng 01 năm 2026"."""
    words = date_words(value, year)
    place = nfc(place or "").strip()
    return nfc(f"{place}, {words}" if place else words[:1].upper() + words[1:])


def document_number(number: int | str | None, symbol: str) -> str:
    """(5, "BC-UBND") -> "05/BC-UBND"; (None, "BC-UBND") -> blanks + "/BC-UBND" (number written by hand);
    a number typed with its symbol ("15/BC-UBND") is kept as typed, never "15/BC-UBND/BC-UBND"."""
    if number is None or str(number).strip() == "":
        return f"{BLANK}/{symbol}"
    text = str(number).strip()
    if symbol and text.casefold().endswith(f"/{symbol}".casefold()):
        return text
    if text.isdigit() and int(text) < 10:
        text = f"{int(text):02d}"
    return f"{text}/{symbol}"


def unit_with_kind(name: str, kind: str = "xã") -> str:
    """"Xuân Trường" + "xã" -> "xã Xuân Trường"; a name that already starts with its kind is kept."""
    found, bare = split_unit_kind(name)
    if is_unnamed(bare):          # a printed document leaves the name blank, to be written by hand
        return f"{found or kind or 'xã'} {BLANK * 2}"
    if found:
        return f"{found} {bare}"
    return f"{kind} {bare}".strip() if kind else bare


def unit_kind_of(name: str, kind: str = "xã") -> str:
    """The kind a unit is printed with: the one its name starts with ("phường An Tường"), else ``kind``."""
    return split_unit_kind(name)[0] or kind or "xã"


def place_name(name: str) -> str:
    """Địa danh for the date line: the unit name without its kind ("xã Xuân Trường" -> "Xuân Trường")."""
    bare = split_unit_kind(name)[1]
    return BLANK * 2 if is_unnamed(bare) else bare


def upper(text: str) -> str:
    """Vietnamese capitals, NFC ("ủy ban" -> "ỦY BAN")."""
    return nfc(nfc(text).upper())
