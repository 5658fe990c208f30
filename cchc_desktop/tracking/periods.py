"""Reporting periods of a plan and the period keys status rows are stored under.

Period keys (also the ``period_key`` column of product_status, evidence and target_actual):

* ``"2026"``     the whole year 2026 (the annual report period);
* ``"2026-H1"``  the first half-year ("6 tháng đầu năm"), ``"2026-H2"`` the second half;
* ``"2026-Q1"`` … ``"2026-Q4"`` the quarters.

Reporting periods offered for a plan covering year_start..year_end: for each year Quý I–IV,
6 tháng, Năm. Each has a report due date from the per-plan :class:`ReportSettings`
(defaults: quarterly report on the 15th of the last month of the quarter, 6-month report by
15/6, annual report by 15/12) and the national data cut-off window (NĐ 09/2019: Quý I from
15/12 of the previous year to 14/3; 6 tháng 15/12 → 14/6; Quý III 15/6 → 14/9; Năm 15/12 → 14/12).
"""
from __future__ import annotations

from functools import lru_cache

import calendar
import re
from dataclasses import dataclass
from datetime import date

QUARTER = "Q"
HALF = "H"
YEAR = "Y"

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_KEY_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]))?$")


@dataclass(frozen=True)
class ReportSettings:
    """Per-plan report due days (stored in table tracking_settings)."""

    quarter_report_day: int = 15      # day of the last month of the quarter
    half_report_day: int = 15
    half_report_month: int = 6
    annual_report_day: int = 15
    annual_report_month: int = 12
    due_soon_days: int = 14


DEFAULT_SETTINGS = ReportSettings()


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReportingPeriod:
    """One reporting period: key, calendar span, report due date and data cut-off window."""

    key: str
    unit: str            # QUARTER, HALF or YEAR
    year: int
    index: int | None    # 1..4 for quarters, 1..2 for halves, None for a year
    start: date          # calendar start
    end: date            # calendar end
    report_due: date     # when the periodic report is due
    data_from: date      # NĐ 09/2019 data cut-off window
    data_to: date

    @property
    def label(self) -> str:
        if self.unit == QUARTER:
            return f"Quý {_ROMAN[self.index]}/{self.year}"
        if self.unit == HALF:
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_key(year: int, unit: str = YEAR, index: int | None = None) -> str:
    if unit == YEAR:
        return str(year)
    return f"{year}-{unit}{index}"


def parse_period_key(key: str) -> tuple[int, str, int | None]:
    """"2026-Q2" -> (2026, "Q", 2); "2026" -> (2026, "Y", None). ValueError if malformed."""
    match = _KEY_RE.match(key or "")
    if not match:
        raise ValueError(f"bad period key: {key!r}")
    year = int(match.group(1))
    if not match.group(2):
        return year, YEAR, None
    return year, match.group(2)[0], int(match.group(2)[1])


@lru_cache(maxsize=4096)
def make_period(key: str, settings: ReportSettings = DEFAULT_SETTINGS) -> ReportingPeriod:
    """The reporting period for a key (cached: periods and settings are immutable)."""
    year, unit, index = parse_period_key(key)
    s = settings
    cut_prev = date(year - 1, 12, 15)
    if unit == QUARTER:
        start = date(year, 3 * index - 2, 1)
        end = _clamped(year, 3 * index, 31)
        due = _clamped(year, 3 * index, s.quarter_report_day)
        data_from = cut_prev if index == 1 else date(year, 3 * index - 3, 15)
        data_to = date(year, 3 * index, 14)
    elif unit == HALF:
        start = date(year, 1 if index == 1 else 7, 1)
        end = date(year, 6, 30) if index == 1 else date(year, 12, 31)
        if index == 1:
            due = _clamped(year, s.half_report_month, s.half_report_day)
            data_from, data_to = cut_prev, date(year, 6, 14)
        else:  # the second-half report is the annual report
            due = _clamped(year, s.annual_report_month, s.annual_report_day)
            data_from, data_to = date(year, 6, 15), date(year, 12, 14)
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
        due = _clamped(year, s.annual_report_month, s.annual_report_day)
        data_from, data_to = cut_prev, date(year, 12, 14)
    return ReportingPeriod(key, unit, year, index, start, end, due, data_from, data_to)


def plan_periods(year_start: int, year_end: int | None = None,
                 settings: ReportSettings = DEFAULT_SETTINGS) -> list[ReportingPeriod]:
    """Quý I–IV, 6 tháng (đầu năm), Năm for every year of the plan, in report order."""
    year_end = year_start if year_end is None else year_end
    result = []
    for year in range(year_start, year_end + 1):
        for key in (f"{year}-Q1", f"{year}-Q2", f"{year}-H1", f"{year}-Q3", f"{year}-Q4", str(year)):
            result.append(make_period(key, settings))
    return result


def period_containing(day: date, unit: str = QUARTER, settings: ReportSettings = DEFAULT_SETTINGS
                      ) -> ReportingPeriod:
    if unit == QUARTER:
        return make_period(period_key(day.year, QUARTER, (day.month - 1) // 3 + 1), settings)
    if unit == HALF:
        return make_period(period_key(day.year, HALF, 1 if day.month <= 6 else 2), settings)
    return make_period(str(day.year), settings)


def default_period(year_start: int, year_end: int, ref: date,
                   settings: ReportSettings = DEFAULT_SETTINGS) -> ReportingPeriod:
    """The quarter containing ``ref`` clamped into the plan years (what the dashboard opens on)."""
    if ref.year < year_start:
        return make_period(f"{year_start}-Q1", settings)
    if ref.year > year_end:
        return make_period(str(year_end), settings)
    return period_containing(ref, QUARTER, settings)


def next_report(year_start: int, year_end: int, ref: date,
                settings: ReportSettings = DEFAULT_SETTINGS) -> ReportingPeriod | None:
    """The first periodic report due on or after ``ref`` (None after the plan's last report)."""
    upcoming = [p for p in plan_periods(year_start, year_end, settings) if p.report_due >= ref]
    return min(upcoming, key=lambda p: (p.report_due, p.unit != YEAR)) if upcoming else None
