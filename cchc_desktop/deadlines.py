"""Parser for the free-text deadline column ("Thời gian thực hiện") of a CCHC plan.

``parse_deadline(text, plan_year, plan_year_end=None)`` turns phrases such as
"Quý III, IV/2026", "Trước ngày 15/01/2026", "Định kỳ hằng quý, 6 tháng, 1 năm",
"Thường xuyên" or "Khi có phát sinh" into an immutable :class:`Deadline`.

Principles:

* Matching is done on :func:`cchc_desktop.text.fold` keys, so missing accents,
  NFD input, odd/non-breaking spaces and upper case all work.
* The grammar is strict: a phrase is either understood completely or it is
  ``UNKNOWN`` (kept verbatim and flagged) -- a date is never guessed.
* A year written in the text wins over the plan year ("Quý IV/2025" in a 2026
  plan stays 2025; see :attr:`Deadline.years_outside_plan`).
* Missing years ("Quý II", "30/6") take the year written later in the same
  phrase ("30/6 và 31/12/2026"), else an earlier one, else ``plan_year``.
* ``parse_deadline`` never raises for any input and is cached. ``strict=True``
  (used by the fuzz tests) skips the cache and re-raises an internal error
  instead of answering UNKNOWN, so a parser crash cannot hide.

Kinds (``Deadline.kind``):

``FIXED_DATE``  "fixed"      one or more explicit dates.
``PERIOD_END``  "period_end" one or more months / quarters / half-years
                             (due date = last day of each period).
``YEAR_END``    "year_end"   "Năm 2026", "Năm 2026 - 2027", "Giai đoạn 2026-2030":
                             due 31/12 of each named year.
``RECURRING``   "recurring"  "Định kỳ hằng quý…", "Hằng năm", "định kỳ 01 tháng/lần":
                             all occurrences in the covered years are generated.
``CONTINUOUS``  "continuous" "Thường xuyên", "Liên tục", "Cả năm", "Hằng ngày":
                             due 31/12 of each covered year.
``EVENT``       "event"      no date: "Khi có phát sinh", "Theo yêu cầu…", "Sau khi có…",
                             "Khi có hướng dẫn…", "Theo các quyết định…", "Đột xuất".
``UNKNOWN``     "unknown"    not understood; nothing guessed.
``EMPTY``       "empty"      blank text (only whitespace). Not ``parsed_ok``.

Periods are :class:`Period` named tuples ``(year, unit, index)`` and compare equal
to plain tuples: ``(2026, "Q", 2)`` quarter II, ``(2026, "M", 1)`` January,
``(2026, "H", 1)`` first half-year, ``(2026, "Y", None)`` the whole year.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace as _dc_replace
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from .dates import format_date
from .text import fold, strip_tags

__all__ = [
    "FIXED_DATE", "PERIOD_END", "YEAR_END", "RECURRING", "CONTINUOUS", "EVENT", "UNKNOWN",
    "EMPTY", "KINDS", "UNIT_MONTH", "UNIT_QUARTER", "UNIT_HALF", "UNIT_YEAR",
    "MONTHLY", "QUARTERLY", "HALF_YEARLY", "YEARLY", "RECURRENCES", "MAX_TEXT_LENGTH",
    "Period", "Deadline", "parse_deadline", "next_due", "due_dates_in", "final_due",
    "year_range_spans", "other_years",
]

# --- kinds -----------------------------------------------------------------
FIXED_DATE = "fixed"
PERIOD_END = "period_end"
YEAR_END = "year_end"
RECURRING = "recurring"
CONTINUOUS = "continuous"
EVENT = "event"
UNKNOWN = "unknown"
EMPTY = "empty"
KINDS = (FIXED_DATE, PERIOD_END, YEAR_END, RECURRING, CONTINUOUS, EVENT, UNKNOWN, EMPTY)

# --- period units ----------------------------------------------------------
UNIT_MONTH = "M"
UNIT_QUARTER = "Q"
UNIT_HALF = "H"
UNIT_YEAR = "Y"

# --- recurrences (canonical order) ------------------------------------------
MONTHLY = "monthly"
QUARTERLY = "quarterly"
HALF_YEARLY = "half_yearly"
YEARLY = "yearly"
RECURRENCES = (MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY)

_RECURRENCE_LABELS = {
    MONTHLY: "hằng tháng",
    QUARTERLY: "hằng quý",
    HALF_YEARLY: "6 tháng",
    YEARLY: "hằng năm",
}

#: Longer texts are not parsed at all (UNKNOWN): deadline cells are short.
MAX_TEXT_LENGTH = 500
_MIN_YEAR = 1990
_MAX_YEAR = 2100
_MAX_SPAN_YEARS = 30

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
          "ix": 9, "x": 10, "xi": 11, "xii": 12}
_ROMAN_LABEL = {v: k.upper() for k, v in _ROMAN.items()}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class Period(NamedTuple):
    """A named period: ``(year, unit, index)``; ``index`` is None for a whole year."""

    year: int
    unit: str
    index: int | None

    def end(self) -> date:
        """Last day of the period (the due date it stands for)."""
        if self.unit == UNIT_MONTH:
            return _month_end(self.year, self.index)
        if self.unit == UNIT_QUARTER:
            return _month_end(self.year, self.index * 3)
        if self.unit == UNIT_HALF:
            return _month_end(self.year, self.index * 6)
        return date(self.year, 12, 31)

    def label(self) -> str:
        """Vietnamese label: "Quý II/2026", "Tháng 01/2026", "6 tháng đầu năm 2026", "Năm 2026"."""
        if self.unit == UNIT_MONTH:
            return f"Tháng {self.index:02d}/{self.year}"
        if self.unit == UNIT_QUARTER:
            return f"Quý {_ROMAN_LABEL[self.index]}/{self.year}"
        if self.unit == UNIT_HALF:
            half = "đầu" if self.index == 1 else "cuối"
            return f"6 tháng {half} năm {self.year}"
        return f"Năm {self.year}"


@dataclass(frozen=True)
class Deadline:
    """The interpretation of one deadline text. Immutable; all collections are tuples.

    ``due_dates`` holds every due date the text implies, sorted and unique
    (recurring occurrences and continuous year ends included); it is empty for
    EVENT, UNKNOWN and EMPTY. ``years`` lists the years the deadline refers to
    (for RECURRING/CONTINUOUS: the years covered). ``recurrence`` is non-empty only
    for RECURRING. ``is_before`` is True for "Trước ngày …"/"Chậm nhất …" (due on or
    before the date; only FIXED_DATE).
    """

    raw: str
    kind: str
    due_dates: tuple[date, ...] = ()
    periods: tuple[Period, ...] = ()
    recurrence: tuple[str, ...] = ()
    is_before: bool = False
    years: tuple[int, ...] = ()
    plan_year: int = 0
    plan_year_end: int = 0

    @property
    def parsed_ok(self) -> bool:
        """True when the text was understood (every kind but UNKNOWN and EMPTY)."""
        return self.kind not in (UNKNOWN, EMPTY)

    @property
    def has_dates(self) -> bool:
        return bool(self.due_dates)

    @property
    def years_outside_plan(self) -> tuple[int, ...]:
        """Years named in the text that fall outside plan_year..plan_year_end."""
        return tuple(y for y in self.years if not self.plan_year <= y <= self.plan_year_end)

    def describe(self) -> str:
        """Vietnamese human interpretation, shown in the editor while typing."""
        text = _describe_core(self)
        outside = self.years_outside_plan
        if outside and self.parsed_ok:
            text += (f" — lưu ý: {_years_label(outside)} ngoài kỳ kế hoạch "
                     f"{_years_label(_span(self.plan_year, self.plan_year_end), bare=True)}")
        return text


# Years as written in a text ("Quý IV/2025", "năm 2026") and year ranges ("2026–2030"), read on the raw text
# so that a deadline the parser does not understand is checked too.
_TEXT_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_TEXT_RANGE_RE = re.compile(r"(?<!\d)(?:19|20)\d\d\s*[-–—]\s*(?:19|20)\d\d(?!\d)")


def year_range_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the year ranges written in the text ("giai đoạn 2026–2030")."""
    return [(m.start(), m.end()) for m in _TEXT_RANGE_RE.finditer(text or "")]


def other_years(text: str, year_start: int, year_end: int | None = None) -> list[int]:
    """The years written in the text, outside year ranges, that are not plan years (``year_start`` ..
    ``year_end``): "Quý III, IV/2025" in a 2026 plan -> [2025]. The one check behind «năm khác năm kế hoạch»
    (import preview, amendment preview, roll-over); the text itself is kept as written."""
    text = text or ""
    end = year_end if year_end is not None else year_start
    ranges = year_range_spans(text)
    return sorted({int(m.group(0)) for m in _TEXT_YEAR_RE.finditer(text)
                   if not any(a <= m.start() < b for a, b in ranges)
                   and not year_start <= int(m.group(0)) <= end})


def _span(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


def _years_label(years: tuple[int, ...], bare: bool = False) -> str:
    if len(years) == 1:
        return str(years[0]) if bare else f"năm {years[0]}"
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}" if bare else f"giai đoạn {years[0]}–{years[-1]}"
    joined = ", ".join(str(y) for y in years)
    return joined if bare else f"các năm {joined}"


def _impossible_date(raw: str) -> str | None:
    """The first dd/mm/yyyy in the text that is not a calendar date ("31/6/2026"), shown dd/mm/yyyy."""
    for day, month, year in re.findall(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", raw or ""):
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            return f"{int(day):02d}/{int(month):02d}/{year}"
    return None


def _describe_core(d: Deadline) -> str:
    plan_years = _span(d.plan_year, d.plan_year_end)
    if d.kind == EMPTY:
        return "Chưa có thời hạn"
    if d.kind == UNKNOWN:
        impossible = _impossible_date(d.raw)
        if impossible:
            return f"Ngày {impossible} không tồn tại — giữ nguyên văn bản"
        return "Không hiểu được thời hạn — giữ nguyên văn bản"
    if d.kind == EVENT:
        return "Theo sự kiện — không có ngày cố định"
    if d.kind == CONTINUOUS:
        if d.years == (d.plan_year,) and len(plan_years) == 1:
            return "Thường xuyên (cả năm)"
        if len(d.years) == 1:
            return f"Thường xuyên (cả năm {d.years[0]})"
        return f"Thường xuyên (cả {_years_label(d.years)})"
    if d.kind == RECURRING:
        text = "Định kỳ: " + ", ".join(_RECURRENCE_LABELS[r] for r in d.recurrence)
        if d.is_before and d.due_dates:
            day = d.due_dates[0].day
            text = (f"Định kỳ: hằng quý, trước ngày {day:02d} của tháng cuối quý" if d.recurrence == (QUARTERLY,)
                    else f"Định kỳ: trước ngày {day:02d} hằng tháng")
        if d.years != plan_years or len(d.years) > 1:
            text += f" ({_years_label(d.years)})"
        return text
    if d.kind == YEAR_END and len(d.due_dates) > 3:
        return f"Hạn: 31/12 hằng năm, {_years_label(d.years)}"
    dates = ", ".join(format_date(x) for x in d.due_dates)
    if d.is_before:
        return f"Hạn: trước ngày {dates}"
    return f"Hạn: {dates}"


# --- public helpers -----------------------------------------------------------

def next_due(deadline: Deadline, ref: date) -> date | None:
    """First due date on or after ``ref``; None if none is left or there are no dates."""
    for due in deadline.due_dates:
        if due >= ref:
            return due
    return None


def due_dates_in(deadline: Deadline, start: date, end: date) -> list[date]:
    """Due dates within ``start``..``end`` (both inclusive), sorted."""
    return [due for due in deadline.due_dates if start <= due <= end]


def final_due(deadline: Deadline) -> date | None:
    """The last due date, or None when the deadline has no dates."""
    return deadline.due_dates[-1] if deadline.due_dates else None


def parse_deadline(text: str, plan_year: int, plan_year_end: int | None = None, *,
                   strict: bool = False) -> Deadline:
    """Interpret one deadline text for a plan covering plan_year..plan_year_end.

    Never raises: anything not understood becomes UNKNOWN (blank text: EMPTY). With ``strict=True``
    an exception inside the parser (a bug, never a verdict on the text) propagates instead of
    becoming UNKNOWN, and the cache is bypassed so an earlier graceful answer cannot mask it.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    try:
        plan_year = int(plan_year)
        end = plan_year if plan_year_end is None else int(plan_year_end)
    except (TypeError, ValueError):
        plan_year, end = date.today().year, None
    if end is None or end < plan_year or end - plan_year > _MAX_SPAN_YEARS:
        end = plan_year
    if strict:
        return _parse_text(text, plan_year, end, strict=True)
    return _parse_cached(text, plan_year, end)


@lru_cache(maxsize=4096)
def _parse_cached(text: str, plan_year: int, plan_year_end: int) -> Deadline:
    return _parse_text(text, plan_year, plan_year_end, strict=False)


def _parse_text(text: str, plan_year: int, plan_year_end: int, strict: bool) -> Deadline:
    base = Deadline(raw=text, kind=UNKNOWN, plan_year=plan_year, plan_year_end=plan_year_end)
    if not text.strip():
        return _replace(base, kind=EMPTY)
    if len(text) > MAX_TEXT_LENGTH:
        return base
    try:
        result = _parse(_normalise(text), plan_year, plan_year_end)
    except Exception:  # the parser must never break the editor or an import
        if strict:
            raise
        return base
    if result is None:
        return base
    return _replace(base, **result)


def _replace(d: Deadline, **changes) -> Deadline:
    return _dc_replace(d, **changes)


# --- normalisation ----------------------------------------------------------------

_DASH_DATE_RE = re.compile(r"\b(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})\b")


def _normalise(text: str) -> str:
    """Folded, canonically spaced key: "Quý I,II/ 2026." -> "quy i, ii/2026"."""
    s = strip_tags(text).replace("\r", "\n").replace("\n", ", ")
    s = fold(s)
    s = s.replace(":", " ")
    s = re.sub(r"\s+", " ", s)
    s = _DASH_DATE_RE.sub(r"\1/\2/\3", s)           # 15-3-2026, 15.3.2026 -> 15/3/2026
    s = re.sub(r"\s*[-\u2010-\u2015\u2212]+\s*", " - ", s)
    s = re.sub(r"\s*/\s*", "/", s)
    s = re.sub(r"\s*[,;]\s*", ", ", s)
    s = re.sub(r"\s*&\s*", ", ", s)
    s = re.sub(r" va ", ", ", s)
    s = re.sub(r"(, )+", ", ", s)
    s = s.strip(" ,.:-*•+")
    return s


# --- grammar ------------------------------------------------------------------------

_EVENT_RE = re.compile(
    r"^(?:thoi gian )?(?:"
    r"khi |sau khi |ngay khi |ngay sau khi |"
    r"theo yeu cau|theo de nghi|theo cac quyet dinh|theo quyet dinh|theo chi dao|"
    r"theo huong dan|theo thong bao|theo quy dinh|theo lo trinh|theo ke hoach cua|"
    r"dot xuat|phat sinh"
    r")"
)

_CONTINUOUS_WORDS = {"thuong xuyen", "lien tuc", "ca nam", "hang ngay", "thuong xuyen lien tuc",
                     "trong ca nam", "quanh nam"}

# Year specification at the end of a recurring/continuous phrase:
# "nam 2026", "/2026", "giai doan 2026 - 2030", "tu nam 2026 den nam 2030".
_YEAR_SUFFIX_RE = re.compile(
    r"^(?P<rest>.*?)(?:,? (?:trong |cua )?(?:giai doan |tu nam |(?P<nam>nam )|tu )?|/)"
    r"(?P<y1>\d{4})(?: (?:-|den) (?:nam )?(?P<y2>\d{4}))?$"
)
_EXTRAS_RE = re.compile(r"(?:,| hoac) (?:dot xuat|khi co yeu cau|theo yeu cau|khi can thiet)(?=,| |$)")
_RECURRING_START_RE = re.compile(r"^(?:bao cao )?(?:dinh ky|hang|moi)\b|/lan\b| lan/")
_RECURRING_ITEM_RE = re.compile(
    r"(?:(?:dinh ky|hang|moi) )?(?:(?P<n>\d{1,2}|mot|ba|sau|muoi hai) )?"
    r"(?P<unit>thang|quy|nam)(?:/lan| (?:1|01|mot) lan)?"
)
_RECURRING_PER_RE = re.compile(r"(?:1|01|mot) lan/(?P<unit>thang|quy|nam)")
_RECURRING_HALF_RE = re.compile(r"(?:(?:dinh ky|hang|moi) )?nua nam(?:/lan)?")
_WORD_NUMBERS = {"mot": 1, "ba": 3, "sau": 6, "muoi hai": 12}

_PREFIX_RE = re.compile(
    r"^(?:(?:hoan thanh|thuc hien|han|thoi han)(?: xong)? )?"
    r"(?:(?P<before>truoc|cham nhat|khong qua|khong muon hon)(?: (?:vao|trong))?(?: ngay)? )?"
    r"(?:(?:trong|vao|cuoi|den het|het) )?"
)
_DATE_RE = re.compile(r"(?:ngay )?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?")
_DATE_WORDS_RE = re.compile(r"(?:ngay )?(\d{1,2}) thang (\d{1,2})(?:(?: nam |/)(\d{4}))?")
_HALF_RE = re.compile(r"(?:(?:6|06|sau) thang|nua) (dau|cuoi) nam(?:(?: |/)(\d{4}))?")
_YEAR_RANGE_RE = re.compile(r"(?:giai doan |tu nam |tu |nam |cac nam )?(\d{4}) (?:-|den) (?:nam )?(\d{4})")
_YEAR_RE = re.compile(r"(?:nam )?(\d{4})")
_PERIOD_RE = re.compile(r"(?:(quy|thang) )?([ivx]+|\d{1,2})(?:(?:/| nam | )(\d{4}))?")


def _valid_year(year: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR


def _year_range(first: int, last: int) -> tuple[int, ...] | None:
    if not (_valid_year(first) and _valid_year(last)) or last < first:
        return None
    if last - first > _MAX_SPAN_YEARS:
        return None
    return _span(first, last)


def _split_year_suffix(s: str) -> list[tuple[str, tuple[int, ...] | None]]:
    """Candidate (rest, years) splits of a trailing year specification.

    "hang nam giai doan 2026 - 2030" -> [("hang nam", (2026, ..., 2030))];
    "hang nam 2026" -> [("hang", (2026,)), ("hang nam", (2026,))] since "nam" may be
    part of the phrase ("hằng năm") or the year marker. [] = the years are invalid.
    """
    m = _YEAR_SUFFIX_RE.match(s)
    if not m:
        return [(s, None)]
    y1 = int(m.group("y1"))
    y2 = int(m.group("y2")) if m.group("y2") else y1
    years = _year_range(y1, y2)
    if years is None:
        return []
    rest = m.group("rest").strip(" ,")
    candidates = [(rest, years)]
    if m.group("nam"):
        candidates.append((f"{rest} nam".strip(), years))
    return candidates


def _parse(s: str, plan_year: int, plan_year_end: int) -> dict | None:
    if not s:
        return None
    plan_years = _span(plan_year, plan_year_end)

    if _EVENT_RE.match(s):
        return {"kind": EVENT}

    continuous = _parse_continuous(s, plan_years)
    if continuous is not None:
        return continuous

    day_of_period = _parse_day_of_period(s, plan_years)
    if day_of_period is not None:
        return day_of_period

    span = _parse_span(s, plan_year) or _parse_yearly_day(s, plan_years)
    if span is not None:
        return span

    if _RECURRING_START_RE.search(s):
        return _parse_recurring(s, plan_years)

    return _parse_items(s, plan_year)


# "Từ tháng 3 đến tháng 6/2026", "Tháng 6 - 9/2026", "Quý II - III/2026", "Từ Quý II đến hết Quý III năm 2026":
# one piece of work spread over months or quarters, due when the last one ends (not one product per period).
_SPAN_RE = re.compile(
    r"^(?:(?:hoan thanh|thuc hien|trien khai) )?(?:trong )?(?:tu )?(?P<unit>thang|quy) (?P<a>[ivx]+|\d{1,2})"
    r"(?:/(?P<ya>\d{4}))? (?:-|den) (?:het )?(?:(?P=unit) )?(?P<b>[ivx]+|\d{1,2})(?:(?:/| nam )(?P<yb>\d{4}))?$")


def _parse_span(s: str, plan_year: int) -> dict | None:
    m = _SPAN_RE.match(s)
    if not m:
        return None
    unit = UNIT_QUARTER if m.group("unit") == "quy" else UNIT_MONTH
    first, last = _index(m.group("a")), _index(m.group("b"))
    limit = 4 if unit == UNIT_QUARTER else 12
    if first is None or last is None or not (1 <= first <= limit and 1 <= last <= limit):
        return None
    end_year = int(m.group("yb") or m.group("ya") or plan_year)
    start_year = int(m.group("ya") or end_year)
    if not (_valid_year(start_year) and _valid_year(end_year)) or (start_year, first) >= (end_year, last) \
            or end_year - start_year > 1:
        return None
    period = Period(end_year, unit, last)
    return {"kind": PERIOD_END, "due_dates": (period.end(),), "periods": (period,), "is_before": False,
            "years": tuple(sorted({start_year, end_year}))}


# "Trước ngày 30/6 hằng năm": that day of every plan year.
_YEARLY_DAY_RE = re.compile(
    r"^(?:(?P<before>truoc|cham nhat|khong qua)(?: ngay)? )?(?:ngay )?(?P<d>\d{1,2})/(?P<m>\d{1,2}) "
    r"(?:hang|moi|cac) nam$")


def _parse_yearly_day(s: str, plan_years: tuple[int, ...]) -> dict | None:
    m = _YEARLY_DAY_RE.match(s)
    if not m:
        return None
    try:
        dates = tuple(date(y, int(m.group("m")), int(m.group("d"))) for y in plan_years)
    except ValueError:
        return None
    return {"kind": FIXED_DATE, "due_dates": dates, "is_before": bool(m.group("before")), "years": plan_years}


# "Trước ngày 10 của tháng cuối quý" (the seeds' reporting rule), "định kỳ hằng quý, trước ngày 05 tháng
# cuối quý", "trước ngày 25 hằng tháng": recurring, due on that day of the period's (last) month.
_DAY_OF_PERIOD_RE = re.compile(
    r"^(?:(?:bao cao|dinh ky|hang quy|moi quy|hang thang|moi thang),? )*"
    r"(?:truoc|cham nhat|khong qua) (?:ngay )?(?P<day>\d{1,2}) (?:cua )?"
    r"(?P<period>(?:cac |moi )?thang cuoi (?:cua )?(?:moi |hang )?quy|hang thang|moi thang)$")


def _parse_day_of_period(s: str, plan_years: tuple[int, ...]) -> dict | None:
    m = _DAY_OF_PERIOD_RE.match(s)
    if not m:
        return None
    day = int(m.group("day"))
    quarterly = "quy" in m.group("period")
    if not 1 <= day <= (30 if quarterly else 28):   # a day every month of the rule has
        return None
    months = (3, 6, 9, 12) if quarterly else range(1, 13)
    return {"kind": RECURRING, "recurrence": (QUARTERLY if quarterly else MONTHLY,), "years": plan_years,
            "is_before": True, "due_dates": tuple(date(y, mo, day) for y in plan_years for mo in months)}


def _parse_continuous(s: str, plan_years: tuple[int, ...]) -> dict | None:
    for rest, years in _split_year_suffix(s):
        parts = [p.strip() for p in rest.split(",")]
        if parts and all(p in _CONTINUOUS_WORDS for p in parts):
            years = years or plan_years
            return {"kind": CONTINUOUS, "years": years,
                    "due_dates": tuple(date(y, 12, 31) for y in years)}
    return None


def _parse_recurring(s: str, plan_years: tuple[int, ...]) -> dict | None:
    s = _EXTRAS_RE.sub("", s)
    s = re.sub(r"^bao cao ", "", s)
    s = re.sub(r"^dinh ky,? ", "", s)
    for rest, years in _split_year_suffix(s):
        recurrences = [_recurrence_of(item.strip()) for item in rest.split(",")]
        if not recurrences or None in recurrences:
            continue
        recurrence = tuple(r for r in RECURRENCES if r in recurrences)
        years = years or plan_years
        return {"kind": RECURRING, "recurrence": recurrence, "years": years,
                "due_dates": _occurrences(recurrence, years)}
    return None


def _recurrence_of(item: str) -> str | None:
    if _RECURRING_HALF_RE.fullmatch(item):
        return HALF_YEARLY
    m = _RECURRING_PER_RE.fullmatch(item)
    if m:
        return {"thang": MONTHLY, "quy": QUARTERLY, "nam": YEARLY}[m.group("unit")]
    m = _RECURRING_ITEM_RE.fullmatch(item)
    if not m:
        return None
    raw_n = m.group("n")
    n = 1 if raw_n is None else _WORD_NUMBERS.get(raw_n) or int(raw_n)
    months = {"thang": n, "quy": 3 * n, "nam": 12 * n}[m.group("unit")]
    return {1: MONTHLY, 3: QUARTERLY, 6: HALF_YEARLY, 12: YEARLY}.get(months)


def _occurrences(recurrence: tuple[str, ...], years: tuple[int, ...]) -> tuple[date, ...]:
    months: set[int] = set()
    for r in recurrence:
        months.update({MONTHLY: range(1, 13), QUARTERLY: (3, 6, 9, 12),
                       HALF_YEARLY: (6, 12), YEARLY: (12,)}[r])
    return tuple(_month_end(y, m) for y in years for m in sorted(months))


def _parse_items(s: str, plan_year: int) -> dict | None:
    """A comma-separated list of dates / months / quarters / half-years / years."""
    items: list[list] = []          # [unit, year | None, index, day]; unit "D" = date
    unit: str | None = None         # carried over: "Quý III, IV" -> IV is a quarter
    is_before = False
    for segment in s.split(","):
        segment = segment.strip()
        m = _PREFIX_RE.match(segment)
        if m and m.group(0):
            is_before = is_before or bool(m.group("before"))
            segment = segment[m.end():]
        if not segment:
            return None
        parsed = _parse_segment(segment, unit)
        if parsed is None:
            return None
        unit, new_items = parsed
        items.extend(new_items)
    if not items:
        return None

    # Years: a missing year takes the next written one, else the previous one, else plan_year.
    known = [it[1] for it in items]
    for i, it in enumerate(items):
        if it[1] is None:
            later = next((y for y in known[i + 1:] if y is not None), None)
            earlier = next((y for y in reversed(known[:i]) if y is not None), None)
            it[1] = later or earlier or plan_year
        if not _valid_year(it[1]):
            return None

    dates: set[date] = set()
    periods: set[Period] = set()
    for kind, year, index, day in items:
        if kind == "D":
            try:
                dates.add(date(year, index, day))
            except ValueError:          # "31/02": not a calendar date -> UNKNOWN, never guessed
                return None
        else:
            period = Period(year, kind, None if kind == UNIT_YEAR else index)
            periods.add(period)
            dates.add(period.end())
    units = {it[0] for it in items}
    if units == {"D"}:
        kind = FIXED_DATE
    elif units == {UNIT_YEAR}:
        kind = YEAR_END
    else:
        kind = PERIOD_END
    if is_before and kind != FIXED_DATE:
        return None       # "Trước quý II" is ambiguous: do not guess
    return {
        "kind": kind,
        "due_dates": tuple(sorted(dates)),
        "periods": tuple(sorted(periods, key=lambda p: (p.end(), p.unit))),
        "is_before": is_before,
        "years": tuple(sorted({it[1] for it in items})),
    }


def _index(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return _ROMAN.get(token)


def _parse_segment(seg: str, unit: str | None) -> tuple[str | None, list[list]] | None:
    """One list element -> (unit to carry on, items) or None if not understood."""
    m = _DATE_RE.fullmatch(seg) or _DATE_WORDS_RE.fullmatch(seg)
    if m:
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3)) if m.group(3) else None
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return "D", [["D", year, month, day]]

    m = _HALF_RE.fullmatch(seg)
    if m:
        year = int(m.group(2)) if m.group(2) else None
        return UNIT_HALF, [[UNIT_HALF, year, 1 if m.group(1) == "dau" else 2, None]]

    m = _YEAR_RANGE_RE.fullmatch(seg)
    if m:
        years = _year_range(int(m.group(1)), int(m.group(2)))
        if years is None:
            return None
        return UNIT_YEAR, [[UNIT_YEAR, y, None, None] for y in years]

    m = _YEAR_RE.fullmatch(seg)
    if m and (seg.startswith("nam ") or unit in (None, UNIT_YEAR)):
        return UNIT_YEAR, [[UNIT_YEAR, int(m.group(1)), None, None]]

    m = _PERIOD_RE.fullmatch(seg)
    if m:
        word = m.group(1)
        this_unit = {"quy": UNIT_QUARTER, "thang": UNIT_MONTH}.get(word) if word else unit
        if this_unit is None and m.group(3) and "/" in seg:
            this_unit = UNIT_MONTH          # bare "03/2026" is a month
        if this_unit not in (UNIT_QUARTER, UNIT_MONTH):
            return None
        index = _index(m.group(2))
        limit = 4 if this_unit == UNIT_QUARTER else 12
        if index is None or not 1 <= index <= limit:
            return None
        year = int(m.group(3)) if m.group(3) else None
        return this_unit, [[this_unit, year, index, None]]
    return None
