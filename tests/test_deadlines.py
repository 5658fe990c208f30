"""Table-driven tests for the Vietnamese deadline parser (cchc_desktop.deadlines)."""
from __future__ import annotations

import dataclasses
import time
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_desktop.deadlines import (
    CONTINUOUS, EMPTY, EVENT, FIXED_DATE, KINDS, MAX_TEXT_LENGTH, PERIOD_END, RECURRING,
    UNKNOWN, YEAR_END, Deadline, Period, due_dates_in, final_due, next_due, parse_deadline,
)

D = date
Q1, Q2, Q3, Q4 = D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)
MONTH_ENDS_2026 = (D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30),
                   D(2026, 5, 31), D(2026, 6, 30), D(2026, 7, 31), D(2026, 8, 31),
                   D(2026, 9, 30), D(2026, 10, 31), D(2026, 11, 30), D(2026, 12, 31))
NO_DATES: tuple[date, ...] = ()

SEED = Path(__file__).resolve().parents[1] / "resources" / "demo" / \
    "phu-luc-nhiem-vu-cchc-2026-xa-xuan-truong.txt"

# Every deadline phrase of the seed appendix, with kind and due dates for plan year 2026.
SEED_CASES = [
    ("Trước ngày 15/01/2026", FIXED_DATE, (D(2026, 1, 15),)),
    ("Định kỳ hằng quý, 6 tháng, 1 năm", RECURRING, (Q1, Q2, Q3, Q4)),
    ("Quý II, III, IV năm 2026", PERIOD_END, (Q2, Q3, Q4)),
    ("Thường xuyên", CONTINUOUS, (Q4,)),
    ("Theo yêu cầu của Sở Nội vụ", EVENT, NO_DATES),
    ("Quý III, IV/2025", PERIOD_END, (D(2025, 9, 30), D(2025, 12, 31))),
    ("Quý I,II, III, IV/2026", PERIOD_END, (Q1, Q2, Q3, Q4)),
    ("Theo các quyết định công bố của Trung ương, của tỉnh", EVENT, NO_DATES),
    ("Định kỳ hằng tháng, quý, năm", RECURRING, MONTH_ENDS_2026),
    ("Quý III, IV/2026", PERIOD_END, (Q3, Q4)),
    ("Khi có hướng dẫn của cơ quan có thẩm quyền", EVENT, NO_DATES),
    ("Sau khi có Quyết định giao biên chế của sở Nội vụ", EVENT, NO_DATES),
    ("Sau khi có hướng dẫn của tỉnh", EVENT, NO_DATES),
    ("Quý I/2026", PERIOD_END, (Q1,)),
    ("Quý IV/2025", PERIOD_END, (D(2025, 12, 31),)),
    ("Quý I, IV/2026", PERIOD_END, (Q1, Q4)),
    ("Quý IV/2026", PERIOD_END, (Q4,)),
    ("Khi có phát sinh", EVENT, NO_DATES),
    ("Quý I, II/2026", PERIOD_END, (Q1, Q2)),
    ("Quý I, III/2026", PERIOD_END, (Q1, Q3)),
    ("Tháng 01/2026", PERIOD_END, (D(2026, 1, 31),)),
]

VARIANT_CASES = [
    # missing accents, odd spacing, NFD
    ("Quy II, III/2026", PERIOD_END, (Q2, Q3)),
    ("thuong xuyen", CONTINUOUS, (Q4,)),
    ("THƯỜNG XUYÊN", CONTINUOUS, (Q4,)),
    ("truoc ngay 15/1/2026", FIXED_DATE, (D(2026, 1, 15),)),
    ("  Quý\u00a0 II ,III / 2026. ", PERIOD_END, (Q2, Q3)),
    ("Quý\tI ,  II/2026", PERIOD_END, (Q1, Q2)),
    (unicodedata.normalize("NFD", "Quý III, IV/2026"), PERIOD_END, (Q3, Q4)),
    (unicodedata.normalize("NFD", "Thường xuyên"), CONTINUOUS, (Q4,)),
    ("Quý I\nQuý III/2026", PERIOD_END, (Q1, Q3)),
    ("quy iv / 2026", PERIOD_END, (Q4,)),
    # dates
    ("Trước 15/01/2026", FIXED_DATE, (D(2026, 1, 15),)),
    ("Chậm nhất ngày 30/6/2026", FIXED_DATE, (Q2,)),
    ("15/3/2026", FIXED_DATE, (D(2026, 3, 15),)),
    ("15-3-2026", FIXED_DATE, (D(2026, 3, 15),)),
    ("ngày 15 tháng 3 năm 2026", FIXED_DATE, (D(2026, 3, 15),)),
    ("Ngày 15 tháng 3", FIXED_DATE, (D(2026, 3, 15),)),
    ("30/6 và 31/12/2026", FIXED_DATE, (Q2, Q4)),
    ("30/6; 31/12", FIXED_DATE, (Q2, Q4)),
    ("29/02/2028", FIXED_DATE, (D(2028, 2, 29),)),
    # months, quarters, half-years
    ("Tháng 3, 6, 9/2026", PERIOD_END, (Q1, Q2, Q3)),
    ("Tháng 01 năm 2026", PERIOD_END, (D(2026, 1, 31),)),
    ("Tháng 2/2026", PERIOD_END, (D(2026, 2, 28),)),
    ("03/2026", PERIOD_END, (Q1,)),
    ("Trong tháng 11/2026", PERIOD_END, (D(2026, 11, 30),)),
    ("6 tháng đầu năm 2026", PERIOD_END, (Q2,)),
    ("6 tháng cuối năm", PERIOD_END, (Q4,)),
    ("Quý 2/2026", PERIOD_END, (Q2,)),
    ("Quý II", PERIOD_END, (Q2,)),
    ("Quý I và Quý III", PERIOD_END, (Q1, Q3)),
    ("Quý IV/2025, Quý I/2026", PERIOD_END, (D(2025, 12, 31), Q1)),
    ("Hoàn thành trong Quý I/2026", PERIOD_END, (Q1,)),
    # years
    ("Năm 2026", YEAR_END, (Q4,)),
    ("Trong năm 2026", YEAR_END, (Q4,)),
    ("Cuối năm 2026", YEAR_END, (Q4,)),
    ("Năm 2026 - 2027", YEAR_END, (Q4, D(2027, 12, 31))),
    ("Giai đoạn 2026-2030", YEAR_END, tuple(D(y, 12, 31) for y in range(2026, 2031))),
    # continuous / recurring
    ("Cả năm", CONTINUOUS, (Q4,)),
    ("Thường xuyên, liên tục", CONTINUOUS, (Q4,)),
    ("Thường xuyên trong năm 2026", CONTINUOUS, (Q4,)),
    ("Hằng năm", RECURRING, (Q4,)),
    ("hàng quý", RECURRING, (Q1, Q2, Q3, Q4)),
    ("Mỗi quý", RECURRING, (Q1, Q2, Q3, Q4)),
    ("định kỳ 01 tháng/lần", RECURRING, MONTH_ENDS_2026),
    ("Định kỳ 6 tháng/lần", RECURRING, (Q2, Q4)),
    ("1 lần/quý", RECURRING, (Q1, Q2, Q3, Q4)),
    ("Định kỳ hằng quý hoặc đột xuất", RECURRING, (Q1, Q2, Q3, Q4)),
    ("Hằng năm giai đoạn 2026 - 2030", RECURRING, tuple(D(y, 12, 31) for y in range(2026, 2031))),
    ("Hằng năm 2027", RECURRING, (D(2027, 12, 31),)),
    # events
    ("Theo yêu cầu", EVENT, NO_DATES),
    ("Đột xuất", EVENT, NO_DATES),
    ("dot xuat", EVENT, NO_DATES),
    ("Khi có yêu cầu", EVENT, NO_DATES),
    # not understood / empty
    ("", EMPTY, NO_DATES),
    ("   \u00a0 ", EMPTY, NO_DATES),
    ("6", UNKNOWN, NO_DATES),
    ("Thời gian thực hiện", UNKNOWN, NO_DATES),
    ("31/02/2026", UNKNOWN, NO_DATES),
    ("30/13/2026", UNKNOWN, NO_DATES),
    ("Quý V/2026", UNKNOWN, NO_DATES),
    ("Tháng 13/2026", UNKNOWN, NO_DATES),
    ("Trước quý II/2026", UNKNOWN, NO_DATES),
    ("Giai đoạn 2030-2026", UNKNOWN, NO_DATES),
    ("Năm 3026", UNKNOWN, NO_DATES),
    ("Sớm nhất có thể", UNKNOWN, NO_DATES),
]


def _seed_phrases() -> set[str]:
    phrases = set()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if all(c.strip().isdigit() for c in cells):
            continue  # the "1 2 3 4 5 6" column-number row
        if len(cells) == 6 and cells[0].strip() != "TT" and cells[-1].strip():
            phrases.add(cells[-1].strip())
    return phrases


def test_every_seed_phrase_is_in_the_table():
    seeds = _seed_phrases()
    assert seeds, "seed appendix not found or empty"
    assert seeds <= {text for text, _, _ in SEED_CASES}


@pytest.mark.parametrize("text, kind, dues", SEED_CASES + VARIANT_CASES)
def test_kind_and_due_dates(text, kind, dues):
    d = parse_deadline(text, 2026)
    assert d.raw == text
    assert d.kind == kind
    assert d.due_dates == dues
    assert d.parsed_ok == (kind not in (UNKNOWN, EMPTY))
    assert list(d.due_dates) == sorted(set(d.due_dates))
    assert final_due(d) == (dues[-1] if dues else None)


@pytest.mark.parametrize("text, periods", [
    ("Quý II, III, IV năm 2026", ((2026, "Q", 2), (2026, "Q", 3), (2026, "Q", 4))),
    ("Quý III, IV/2025", ((2025, "Q", 3), (2025, "Q", 4))),
    ("Tháng 01/2026", ((2026, "M", 1),)),
    ("6 tháng đầu năm 2026", ((2026, "H", 1),)),
    ("6 tháng cuối năm 2026", ((2026, "H", 2),)),
    ("Năm 2026", ((2026, "Y", None),)),
    ("Năm 2026 - 2027", ((2026, "Y", None), (2027, "Y", None))),
    ("Tháng 2/2028", ((2028, "M", 2),)),
    ("15/3/2026", ()),
    ("Thường xuyên", ()),
])
def test_periods(text, periods):
    assert parse_deadline(text, 2026).periods == periods


@pytest.mark.parametrize("text, recurrence", [
    ("Định kỳ hằng quý, 6 tháng, 1 năm", ("quarterly", "half_yearly", "yearly")),
    ("Định kỳ hằng tháng, quý, năm", ("monthly", "quarterly", "yearly")),
    ("Hằng năm", ("yearly",)),
    ("hàng quý", ("quarterly",)),
    ("định kỳ 01 tháng/lần", ("monthly",)),
    ("Hằng năm, hằng quý", ("quarterly", "yearly")),
    ("Quý I/2026", ()),
])
def test_recurrence(text, recurrence):
    assert parse_deadline(text, 2026).recurrence == recurrence


@pytest.mark.parametrize("text, is_before", [
    ("Trước ngày 15/01/2026", True),
    ("truoc ngay 15/1/2026", True),
    ("Trước 15/01/2026", True),
    ("Chậm nhất ngày 30/6/2026", True),
    ("15/3/2026", False),
    ("Quý I/2026", False),
])
def test_is_before(text, is_before):
    assert parse_deadline(text, 2026).is_before is is_before


@pytest.mark.parametrize("text, plan_year, expected", [
    ("Trước ngày 15/01/2026", 2026, "Hạn: trước ngày 15/01/2026"),
    ("Quý I, II/2026", 2026, "Hạn: 31/03/2026, 30/06/2026"),
    ("Định kỳ hằng quý, 6 tháng, 1 năm", 2026, "Định kỳ: hằng quý, 6 tháng, hằng năm"),
    ("Thường xuyên", 2026, "Thường xuyên (cả năm)"),
    ("Khi có phát sinh", 2026, "Theo sự kiện — không có ngày cố định"),
    ("abc xyz", 2026, "Không hiểu được thời hạn — giữ nguyên văn bản"),
    ("", 2026, "Chưa có thời hạn"),
    ("Quý IV/2025", 2026, "Hạn: 31/12/2025 — lưu ý: năm 2025 ngoài kỳ kế hoạch 2026"),
])
def test_describe(text, plan_year, expected):
    described = parse_deadline(text, plan_year).describe()
    assert described == expected
    assert unicodedata.is_normalized("NFC", described)


def test_describe_multi_year():
    assert parse_deadline("Thường xuyên", 2026, 2030).describe() == \
        "Thường xuyên (cả giai đoạn 2026–2030)"
    assert parse_deadline("Hằng quý", 2026, 2030).describe() == \
        "Định kỳ: hằng quý (giai đoạn 2026–2030)"
    assert parse_deadline("Giai đoạn 2026-2030", 2026, 2030).describe() == \
        "Hạn: 31/12 hằng năm, giai đoạn 2026–2030"


def test_year_in_text_wins_and_is_reported():
    d = parse_deadline("Quý III, IV/2025", 2026)
    assert d.years == (2025,)
    assert d.years_outside_plan == (2025,)
    assert parse_deadline("Quý III, IV/2026", 2026).years_outside_plan == ()
    assert parse_deadline("Năm 2027", 2026, 2030).years_outside_plan == ()


def test_missing_year_uses_plan_year():
    assert parse_deadline("Quý II", 2027).due_dates == (D(2027, 6, 30),)
    assert parse_deadline("30/6", 2027).due_dates == (D(2027, 6, 30),)
    assert parse_deadline("Quý I/2026, II, III", 2030).due_dates == (Q1, Q2, Q3)


def test_multi_year_plan():
    d = parse_deadline("Hằng quý", 2026, 2030)
    assert d.years == (2026, 2027, 2028, 2029, 2030)
    assert len(d.due_dates) == 20
    assert final_due(d) == D(2030, 12, 31)
    c = parse_deadline("Thường xuyên", 2026, 2027)
    assert c.due_dates == (Q4, D(2027, 12, 31))
    # a nonsensical plan range falls back to the single plan year
    assert parse_deadline("Thường xuyên", 2026, 2020).due_dates == (Q4,)


@pytest.mark.parametrize("text, plan, ref, expected", [
    ("Quý I, III/2026", (2026,), D(2026, 1, 1), Q1),
    ("Quý I, III/2026", (2026,), D(2026, 3, 31), Q1),           # due day itself
    ("Quý I, III/2026", (2026,), D(2026, 4, 1), Q3),
    ("Quý I, III/2026", (2026,), D(2026, 10, 1), None),
    ("Định kỳ hằng quý, 6 tháng, 1 năm", (2026,), D(2026, 12, 31), Q4),
    ("Định kỳ hằng quý, 6 tháng, 1 năm", (2026,), D(2027, 1, 1), None),
    ("Hằng quý", (2026, 2027), D(2026, 12, 31), Q4),             # year boundary
    ("Hằng quý", (2026, 2027), D(2027, 1, 1), D(2027, 3, 31)),
    ("Hằng tháng", (2028,), D(2028, 2, 1), D(2028, 2, 29)),      # leap year
    ("Hằng tháng", (2027,), D(2027, 2, 1), D(2027, 2, 28)),
    ("Tháng 2/2028", (2028,), D(2028, 2, 29), D(2028, 2, 29)),
    ("Thường xuyên", (2026,), D(2026, 6, 1), Q4),
    ("Thường xuyên", (2026, 2027), D(2027, 1, 1), D(2027, 12, 31)),
    ("Quý III, IV/2025", (2026,), D(2026, 1, 1), None),
    ("Khi có phát sinh", (2026,), D(2026, 1, 1), None),
    ("???", (2026,), D(2026, 1, 1), None),
])
def test_next_due(text, plan, ref, expected):
    assert next_due(parse_deadline(text, *plan), ref) == expected


@pytest.mark.parametrize("text, plan, start, end, expected", [
    ("Hằng tháng", (2026,), D(2026, 1, 1), D(2026, 3, 31),
     [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)]),
    ("Hằng tháng", (2028,), D(2028, 2, 1), D(2028, 3, 1), [D(2028, 2, 29)]),
    ("Hằng quý", (2026, 2027), D(2026, 10, 1), D(2027, 6, 30), [Q4, D(2027, 3, 31), D(2027, 6, 30)]),
    ("6 tháng/lần", (2026, 2027), D(2026, 1, 1), D(2027, 12, 31),
     [Q2, Q4, D(2027, 6, 30), D(2027, 12, 31)]),
    ("Hằng năm", (2026, 2028), D(2027, 1, 1), D(2030, 1, 1), [D(2027, 12, 31), D(2028, 12, 31)]),
    ("Thường xuyên", (2026,), D(2026, 1, 1), D(2026, 12, 31), [Q4]),
    ("Thường xuyên", (2026,), D(2026, 1, 1), D(2026, 12, 30), []),
    ("Quý I, IV/2026", (2026,), D(2026, 1, 1), D(2026, 6, 30), [Q1]),
    ("30/6 và 31/12/2026", (2026,), D(2026, 6, 30), D(2026, 12, 31), [Q2, Q4]),
    ("Sau khi có hướng dẫn của tỉnh", (2026,), D(2000, 1, 1), D(2100, 1, 1), []),
])
def test_due_dates_in(text, plan, start, end, expected):
    assert due_dates_in(parse_deadline(text, *plan), start, end) == expected


def test_result_is_immutable_and_cached():
    d = parse_deadline("Quý I, II/2026", 2026)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.kind = UNKNOWN  # type: ignore[misc]
    assert isinstance(d.due_dates, tuple) and isinstance(d.periods, tuple)
    assert all(isinstance(p, Period) for p in d.periods)
    assert parse_deadline("Quý I, II/2026", 2026) is d
    assert parse_deadline("Quý I, II/2026", 2027) is not d


def test_period_helpers():
    assert Period(2028, "M", 2).end() == D(2028, 2, 29)
    assert Period(2026, "Q", 2).label() == "Quý II/2026"
    assert Period(2026, "H", 1).label() == "6 tháng đầu năm 2026"
    assert Period(2026, "M", 1).label() == "Tháng 01/2026"
    assert Period(2026, "Y", None).end() == Q4


GARBAGE = [
    "x" * (MAX_TEXT_LENGTH + 1),
    "Quý I/2026 " * 100_000,
    "1/" * 50_000,
    "Quý " + "I, " * 10_000 + "/2026",
    "\x00\x01\x02",
    "🙂🙂🙂",
    "Quý 99999999999999999999/2026",
    "99/99/99999",
    "0/0/0000",
    "Năm 0000",
    "////,,,,----",
    "(((((((",
    "Tháng",
    "Quý /2026",
    "<b></b>",
    "\ud800",  # lone surrogate
    "Quý" + "\u0301" * 1000,
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_unknown_without_raising(text):
    d = parse_deadline(text, 2026)
    assert d.kind in (UNKNOWN, EMPTY)
    assert d.raw == text
    assert d.due_dates == ()
    assert isinstance(d.describe(), str)
    assert next_due(d, D(2026, 1, 1)) is None


def test_huge_input_is_fast():
    start = time.perf_counter()
    parse_deadline("Quý I, II/2026 " * 1_000_000, 2026)
    parse_deadline("a" * MAX_TEXT_LENGTH, 2026)
    parse_deadline("1/" * (MAX_TEXT_LENGTH // 2), 2026)
    parse_deadline(", " * (MAX_TEXT_LENGTH // 2), 2026)
    assert time.perf_counter() - start < 1.0


def test_odd_arguments_do_not_raise():
    assert parse_deadline(None, 2026).kind == EMPTY  # type: ignore[arg-type]
    assert parse_deadline("Quý I", "2026").due_dates == (Q1,)  # type: ignore[arg-type]
    assert parse_deadline("Quý I", 2026, None).due_dates == (Q1,)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_never_raises(text):
    d = parse_deadline(text, 2026)
    assert isinstance(d, Deadline)
    assert d.kind in KINDS
    assert list(d.due_dates) == sorted(set(d.due_dates))
    d.describe()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    ["quý", "tháng", "năm", "I", "IV", "2026", "/", ",", " ", "và", "trước", "ngày", "15",
     "31", "02", "-", "hằng", "định kỳ", "6", "đầu", "cuối", "giai đoạn", "2030"]),
    max_size=12))
def test_token_soup_never_raises(tokens):
    d = parse_deadline(" ".join(tokens), 2026, 2030)
    assert d.kind in KINDS
    d.describe()


def test_core_module_has_no_qt():
    import cchc_desktop.deadlines

    source = Path(cchc_desktop.deadlines.__file__).read_text(encoding="utf-8")
    assert "PySide6" not in source


# The seeds' reporting rule ("báo cáo quý ... trước ngày 10 của tháng cuối quý") as a deadline text.
@pytest.mark.parametrize("text, recurrence, first_dues, next_after_11_march, label", [
    ("Trước ngày 10 của tháng cuối quý", ("quarterly",), (D(2026, 3, 10), D(2026, 6, 10)), D(2026, 6, 10),
     "Định kỳ: hằng quý, trước ngày 10 của tháng cuối quý"),
    ("Định kỳ hằng quý, trước ngày 05 tháng cuối quý", ("quarterly",), (D(2026, 3, 5), D(2026, 6, 5)),
     D(2026, 6, 5), "Định kỳ: hằng quý, trước ngày 05 của tháng cuối quý"),
    ("truoc ngay 15 cua thang cuoi quy", ("quarterly",), (D(2026, 3, 15), D(2026, 6, 15)), D(2026, 3, 15),
     "Định kỳ: hằng quý, trước ngày 15 của tháng cuối quý"),
    ("Trước ngày 25 hằng tháng", ("monthly",), (D(2026, 1, 25), D(2026, 2, 25)), D(2026, 3, 25),
     "Định kỳ: trước ngày 25 hằng tháng"),
])
def test_day_of_period_rules(text, recurrence, first_dues, next_after_11_march, label):
    d = parse_deadline(text, 2026)
    assert (d.kind, d.recurrence, d.is_before) == (RECURRING, recurrence, True)
    assert d.due_dates[:2] == first_dues and d.describe() == label
    assert next_due(d, D(2026, 3, 11)) == next_after_11_march


@pytest.mark.parametrize("text", ["Trước ngày 31 của tháng cuối quý", "Trước ngày 30 hằng tháng",
                                  "Trước ngày 0 của tháng cuối quý"])
def test_day_of_period_without_that_day_every_period_is_unknown(text):
    assert parse_deadline(text, 2026).kind == UNKNOWN


def test_quarterly_day_rule_is_due_on_that_day_in_tracking():
    from cchc_desktop.tracking.timeliness import due_for

    d = parse_deadline("Trước ngày 10 của tháng cuối quý", 2026)
    assert due_for(d, "2026-Q2") == D(2026, 6, 10)
    assert due_for(parse_deadline("Định kỳ hằng quý", 2026), "2026-Q2") == D(2026, 6, 30)


@pytest.mark.parametrize("text, message", [
    ("Trước ngày 31/6/2026", "Ngày 31/06/2026 không tồn tại — giữ nguyên văn bản"),
    ("29/02/2027", "Ngày 29/02/2027 không tồn tại — giữ nguyên văn bản"),
    ("lúc nào rảnh", "Không hiểu được thời hạn — giữ nguyên văn bản"),
])
def test_unknown_explains_an_impossible_date(text, message):
    d = parse_deadline(text, 2026)
    assert d.kind == UNKNOWN and d.describe() == message


@pytest.mark.parametrize("text, due, period", [
    ("Từ tháng 3 đến tháng 6/2026", Q2, Period(2026, "M", 6)),
    ("Tháng 6 - 9/2026", Q3, Period(2026, "M", 9)),
    ("Tháng 3 đến tháng 6 năm 2026", Q2, Period(2026, "M", 6)),
    ("Quý II-III/2026", Q3, Period(2026, "Q", 3)),
    ("Từ Quý II đến hết Quý III năm 2026", Q3, Period(2026, "Q", 3)),
    ("Từ tháng 10/2026 đến tháng 3/2027", D(2027, 3, 31), Period(2027, "M", 3)),
])
def test_a_span_of_months_or_quarters_is_due_when_it_ends(text, due, period):
    """Spans as plans write them used to be «không hiểu được thời hạn»: never overdue, never due, counted under
    «chưa rõ hạn» on the dashboard and in the reports."""
    d = parse_deadline(text, 2026)
    assert (d.kind, d.due_dates, d.periods) == (PERIOD_END, (due,), (period,))
    assert not d.is_before


@pytest.mark.parametrize("text", ["Tháng 9 - 6/2026", "Quý III - I/2026", "Tháng 3 - 13/2026"])
def test_a_backward_or_impossible_span_stays_unknown(text):
    assert parse_deadline(text, 2026).kind == UNKNOWN


def test_a_day_every_year_is_due_that_day_of_each_plan_year():
    assert parse_deadline("Trước ngày 30/6 hằng năm", 2026).due_dates == (Q2,)
    five = parse_deadline("Trước ngày 30/6 hằng năm", 2026, 2030)
    assert five.kind == FIXED_DATE and five.is_before
    assert five.due_dates == tuple(D(y, 6, 30) for y in range(2026, 2031))
    assert parse_deadline("30/02 hằng năm", 2026).kind == UNKNOWN


def test_a_span_counts_overdue_in_the_summary_not_as_unknown(store):
    from cchc_desktop.tracking import plan_summary
    from cchc_desktop.tracking.timeliness import OVERDUE

    plan_id = store.create_plan("xã Thử", 2026)
    section = store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    task = store.add_task(section, "Kiểm tra công tác cải cách hành chính")
    product = store.add_product(task, "Báo cáo kết quả kiểm tra", deadline_text="Từ tháng 3 đến tháng 6/2026")
    summary = plan_summary(store, plan_id, D(2026, 7, 20), "2026", cumulative=True)
    assert [(i.product_id, i.state) for i in summary.items] == [(product, OVERDUE)]
    assert (summary.totals.overdue, summary.totals.no_deadline) == (1, 0)
