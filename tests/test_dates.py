"""Typed dates (issue #20, item 1): day first, every common way of typing, impossible dates named."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.dates import DateTextError, describe, parse_user_date


@pytest.mark.parametrize("text", ["10/01/2026", "10/1/2026", "10-01-2026", "10.01.2026", "10012026", "100126",
                                  " 10 / 01 / 2026 ", "10/01/26"])
def test_the_ways_officers_type_a_date(text):
    assert parse_user_date(text) == dt.date(2026, 1, 10)


def test_single_digits_day_first():
    assert parse_user_date("1/2/2026") == dt.date(2026, 2, 1)


@pytest.mark.parametrize("text, message", [("31/06/2026", "Ngày 31/06/2026 không tồn tại"),
                                           ("29022026", "Ngày 29/02/2026 không tồn tại"),
                                           ("10/13/2026", "Ngày 10/13/2026 không tồn tại"),
                                           ("hôm qua", "không phải là ngày"), ("", "không phải là ngày"),
                                           ("1/1/0026", "Năm 26 không hợp lệ")])
def test_bad_dates_are_refused_by_name(text, message):
    with pytest.raises(DateTextError, match=message):
        parse_user_date(text)


def test_describe_names_the_weekday():
    assert describe(dt.date(2026, 1, 10)) == "Thứ bảy, 10/01/2026"
