"""Hostile input for the deadline parser: 1,000+ generated and 1,000+ mutated texts.

`parse_deadline` promises never to raise (anything not understood is UNKNOWN); the derived helpers
(describe, next_due, due_dates_in, final_due) must not raise either, and every due date must be a real
date near the plan years. The fuzz runs call the parser with ``strict=True``: an internal exception, which
normal use turns into UNKNOWN, fails the test instead of passing as "not understood".
"""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_desktop import deadlines
from cchc_desktop.deadlines import (UNKNOWN, Deadline, due_dates_in, final_due, next_due,
                                    parse_deadline)

from fuzz_support import EXAMPLES, FUZZ, demo_lines, record, summary, OUTCOMES

REAL = sorted({line.split("\t")[5] for line in demo_lines() if line.count("\t") >= 5 and line.split("\t")[5]}
              | {"Trước ngày 15/01/2026", "Quý I, II, III, IV", "Tháng 6 và tháng 12", "Hằng tháng",
                 "Năm 2026-2030", "Trước 31/12", "Định kỳ 6 tháng", "Thường xuyên", "30/02/2026",
                 "Tuần 53/2026", "Quý V/2026", "ngày 31 tháng 4 năm 2026", "00/00/0000"})
TOKENS = ["Trước", "ngày", "tháng", "quý", "Quý", "năm", "hằng", "định kỳ", "đến", "từ", "và", ",", ";", "-",
          "–", "/", ".", "I", "II", "III", "IV", "V", "X", "0", "1", "6", "12", "13", "15", "29", "31", "32",
          "2025", "2026", "2027", "9999", "0000", "99999999999999999999", "  ", "\n", "\u00a0", "cuối",
          "đầu", "giữa", "tuần", "6 tháng", "thường xuyên", "khi có yêu cầu", "(", ")", "TRƯỚC", "QUÝ"]


def _check(text: str, year: int, year_end: int | None, target: str) -> None:
    deadline = parse_deadline(text, year, year_end, strict=True)
    assert isinstance(deadline, Deadline)
    assert isinstance(deadline.describe(), str)
    ref = date(max(1, min(9998, year)), 6, 15)
    due = next_due(deadline, ref)
    assert due is None or isinstance(due, date)
    dates = due_dates_in(deadline, date(max(1, year - 1), 1, 1), date(min(9999, year + 6), 12, 31))
    assert all(isinstance(d, date) for d in dates)
    final = final_due(deadline)
    assert final is None or isinstance(final, date)
    record(target, str(deadline.kind))


def test_fuzz_deadlines_generated():
    @FUZZ
    @given(st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join) | st.text(max_size=60),
           st.integers(1990, 2100), st.one_of(st.none(), st.integers(1900, 2200)))
    def run(text, year, year_end):
        _check(text, year, year_end, "deadlines generated")

    run()
    print(summary("deadlines generated"))
    assert sum(OUTCOMES["deadlines generated"].values()) >= EXAMPLES


@st.composite
def mutated_real(draw) -> str:
    text = list(draw(st.sampled_from(REAL)))
    for _ in range(draw(st.integers(1, 2))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "swap-digit"]))
        char = draw(st.sampled_from(list("0123456789/.-–,; IVXivxqQđĐ\u0301\u0323") + [" năm ", "tháng ", "ngày "]))
        if op == "insert" or not text:
            text.insert(pos, char)
        elif op == "delete":
            del text[min(pos, len(text) - 1)]
        elif op == "replace":
            text[min(pos, len(text) - 1)] = char
        else:
            text[min(pos, len(text) - 1)] = str(draw(st.integers(0, 9)))
    return "".join(text)


def test_fuzz_deadlines_mutated_real():
    @FUZZ
    @given(mutated_real(), st.integers(2020, 2035), st.one_of(st.none(), st.integers(2020, 2040)))
    def run(text, year, year_end):
        _check(text, year, year_end, "deadlines mutated")

    run()
    print(summary("deadlines mutated"))
    assert sum(OUTCOMES["deadlines mutated"].values()) >= EXAMPLES


def test_odd_arguments_do_not_raise():
    for args in ((None, 2026), (12345, 2026), ("Quý I", "2026"), ("Quý I", "abc"), ("Quý I", 2026, 1990),
                 ("Quý I", 2026, 99999), ("x" * 100_000, 2026)):
        assert isinstance(parse_deadline(*args), Deadline)
        assert isinstance(parse_deadline(*args, strict=True), Deadline)


def test_strict_mode_surfaces_an_internal_error(monkeypatch):
    """The guard of the fuzz runs: a crash inside the grammar is UNKNOWN for the editor but an
    exception under strict=True, even when the same text was parsed (and cached) before."""
    def broken(*args):
        raise IndexError("bug in the grammar")

    monkeypatch.setattr(deadlines, "_parse", broken)
    deadlines._parse_cached.cache_clear()
    try:
        assert parse_deadline("Quý II/2026", 2026).kind == UNKNOWN
        with pytest.raises(IndexError, match="bug in the grammar"):
            parse_deadline("Quý II/2026", 2026, strict=True)
    finally:
        deadlines._parse_cached.cache_clear()
