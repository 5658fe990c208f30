"""Rules the app can evaluate from its own data, written in the catalogue's column "Cách tính tự động".

* ``hoan_thanh; 100%=3; 80%=2; 50%=1`` — share of the plan's products due by the reference date that are completed
  (on time or late); the points of the highest band reached, 0 below the lowest. ``hoan_thanh muc=I,II; …`` counts
  only the products of those plan sections.
* ``chi_tieu: dung han`` — the plan target whose title contains these words (accents optional): met → the maximum
  points, not met → 0, no actual value → not computed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import fold

COMPLETION = "hoan_thanh"
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
    if key.startswith(COMPLETION):
        parts = [p.strip() for p in key.split(";")]
        head = parts[0][len(COMPLETION):].strip()
        sections: tuple[str, ...] = ()
        if head:
            match = re.fullmatch(r"muc\s*=\s*([ivxlc ,]+)", head)
            if not match:
                raise ValueError(f"không hiểu «{head}» trong quy tắc «hoan_thanh» (viết «muc=I,II»).")
            sections = tuple(s.strip().upper() for s in match.group(1).split(",") if s.strip())
        bands = []
        for part in parts[1:]:
            if not part:
                continue
            match = _BAND_RE.match(part.replace(" ", ""))
            if not match:
                raise ValueError(f"không hiểu mức «{part}» trong quy tắc «hoan_thanh» (viết «80%=2»).")
            bands.append((_num(match.group(1)), _num(match.group(2))))
        if not bands:
            raise ValueError("quy tắc «hoan_thanh» cần ít nhất một mức, ví dụ «hoan_thanh; 100%=3; 80%=2».")
        return Rule(COMPLETION, bands=tuple(sorted(bands, reverse=True)), sections=sections, text=text)
    raise ValueError(f"không hiểu quy tắc «{text}» (dùng «hoan_thanh; 100%=3; 80%=2» hoặc «chi_tieu: từ khóa»).")
