"""Agency names: matching keys that treat common abbreviations and spellings as the same agency."""
from __future__ import annotations

import re

from .text import fold, single_line

# Abbreviations seen in commune plans, folded form -> folded expansion.
_ABBREVIATIONS = {
    "pv": "phuc vu",
    "hcc": "hanh chinh cong",
    "tthc": "thu tuc hanh chinh",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "vh": "van hoa",
    "xh": "xa hoi",
    "vhxh": "van hoa xa hoi",
    "vh-xh": "van hoa xa hoi",
    "tt": "trung tam",
    "cq": "co quan",
    "dv": "don vi",
    "ktxh": "kinh te xa hoi",
    "hanh chanh": "hanh chinh",
}
_PUNCT_RE = re.compile(r"[\s\-–—&,./()]+")


def clean_name(name: str) -> str:
    return single_line(name).strip(" .;,")


def match_key(name: str) -> str:
    """"Trung tâm PV hành chính công" and "Trung tâm Phục vụ hành chính công" share one key."""
    words = _PUNCT_RE.split(fold(clean_name(name)))
    expanded = [_ABBREVIATIONS.get(w, w) for w in words if w]
    joined = " ".join(expanded)
    for short, long in _ABBREVIATIONS.items():
        if " " in short:
            joined = joined.replace(short, long)
    return joined


def split_agencies(cell: str) -> list[str]:
    """Split a lead/coordinator cell on ';' and new lines (never on commas: names contain them)."""
    parts = re.split(r"[;\n]+", cell or "")
    names = []
    for part in parts:
        name = clean_name(part)
        if name and name not in names:
            names.append(name)
    return names


def preferred_name(current: str, candidate: str) -> str:
    """Of two spellings of one agency, keep the more complete one (fewer abbreviations)."""
    return candidate if len(candidate) > len(current) else current
