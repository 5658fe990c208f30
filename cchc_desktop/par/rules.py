"""Rules the app can evaluate from its own data, written in the catalogue's column "Cách tính tự động".

* ``hoan_thanh; 100%=3; 80%=2; 50%=1`` — share of the plan's products due by the reference date that are completed
  (on time or late); the points of the highest band reached, 0 below the lowest. ``hoan_thanh muc=I,II; …`` counts
  only the products of those plan sections.
* ``bao_cao; 100%=2; 75%=1,5; 50%=1`` — share of the year's periodic reports (Quý I, 6 tháng, Quý III, Năm) due by
  the reference date that were issued by their due date, from the register of issued reports
  (tracking.issued_reports); bands as for ``hoan_thanh``.
* ``chi_tieu: dung han`` — the plan target whose title contains these words (accents optional): met → the maximum
  points, not met → 0, no actual value → not computed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import fold

COMPLETION = "hoan_thanh"
REPORTS = "bao_cao"
TARGET = "chi_tieu"
_BAND_RE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%\s*=\s*(\d+(?:[.,]\d+)?)$")


@dataclass(frozen=True)
class Rule:
    kind: str
    bands: tuple[tuple[float, float], ...] = ()      # (min share %, points), highest first
    sections: tuple[str, ...] = ()                    # Roman numerals of plan sections ("" = all)
    words: str = ""                                  # folded words of the target title
    text: str = field(default="", compare=False)


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def parse_rule(text: str) -> Rule | None:
    """The rule written in a catalogue cell ("" → None). Raises ValueError with a Vietnamese message."""
    text = (text or "").strip()
    if not text:
        return None
    key = fold(text)
    if key.startswith(TARGET):
        words = key[len(TARGET):].strip(" :")
        if not words:
            raise ValueError("quy tắc «chi_tieu» cần từ khóa của chỉ tiêu, ví dụ «chi_tieu: dung han».")
        return Rule(TARGET, words=words, text=text)
    if key.startswith(REPORTS):
        parts = [p.strip() for p in key.split(";")]
        if parts[0][len(REPORTS):].strip():
            raise ValueError(f"không hiểu «{parts[0]}» trong quy tắc «bao_cao» (viết «bao_cao; 100%=2; 75%=1»).")
        bands = _bands(parts[1:], REPORTS)
        return Rule(REPORTS, bands=bands, text=text)
    if key.startswith(COMPLETION):
        parts = [p.strip() for p in key.split(";")]
        head = parts[0][len(COMPLETION):].strip()
        sections: tuple[str, ...] = ()
        if head:
            match = re.fullmatch(r"muc\s*=\s*([ivxlc ,]+)", head)
            if not match:
                raise ValueError(f"không hiểu «{head}» trong quy tắc «hoan_thanh» (viết «muc=I,II»).")
            sections = tuple(s.strip().upper() for s in match.group(1).split(",") if s.strip())
        return Rule(COMPLETION, bands=_bands(parts[1:], COMPLETION), sections=sections, text=text)
    raise ValueError(f"không hiểu quy tắc «{text}» (dùng «hoan_thanh; 100%=3; 80%=2», «bao_cao; 100%=2; 75%=1» "
                     "hoặc «chi_tieu: từ khóa»).")


def _bands(parts: list[str], kind: str) -> tuple[tuple[float, float], ...]:
    """"100%=3", "80%=2" … -> ((100, 3), (80, 2)), highest first."""
    bands = []
    for part in parts:
        if not part:
            continue
        match = _BAND_RE.match(part.replace(" ", ""))
        if not match:
            raise ValueError(f"không hiểu mức «{part}» trong quy tắc «{kind}» (viết «80%=2»).")
        bands.append((_num(match.group(1)), _num(match.group(2))))
    if not bands:
        raise ValueError(f"quy tắc «{kind}» cần ít nhất một mức, ví dụ «{kind}; 100%=3; 80%=2».")
    return tuple(sorted(bands, reverse=True))
