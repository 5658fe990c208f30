"""Plan facts read from captions, letterheads and titles (Qt-free, tolerant of blanks).

Plans being drafted leave the number and the day blank ("Kế hoạch số: /KH-UBND ngày tháng 01 năm 2026");
signed ones fill them ("số 03/KH-UBND ngày 10/01/2026").  Every parser here returns what it could read and
leaves the rest empty / None — it never guesses a unit name or a date part that is not written.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..domain import UNIT_KINDS
from ..text import clean_cell, fold, nfc

_BLANK = r"[\s.…_·-]*"
_NUMBER_RE = re.compile(r"\bs[oố]\s*:?\s*(?P<num>\d{0,5}[a-z]?)" + _BLANK + r"/\s*(?P<sym>[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)+)",
                        re.IGNORECASE)
_DATE_RE = re.compile(
    r"ng[aà]y" + _BLANK + r"(?P<d>\d{1,2})?" + _BLANK
    + r"(?:/|th[aá]ng)" + _BLANK + r"(?P<m>\d{1,2})?" + _BLANK
    + r"(?:/|n[aă]m)" + _BLANK + r"(?P<y>(?:19|20)\d\d)?", re.IGNORECASE)
_PLACE_RE = re.compile(r"^\s*(?P<place>[^\W\d_][^,]{0,40}?)\s*,\s*ng[aà]y\b", re.IGNORECASE)
_AUTHORITY = r"(?:[ỦUỦ]y\s+ban\s+nh[aâ]n\s+d[aâ]n|UBND)"
_UNIT_AFTER_RE = re.compile(_AUTHORITY + r"\s+(?P<kind>x[aã]|ph[uư][oờ]ng|th[iị]\s+tr[aấ]n|đ[aặ]c\s+khu)\s+"
                            r"(?P<name>[^\s,;:()]+(?:\s+[^\s,;:()]+){0,4})", re.IGNORECASE)
_UNIT_IN_TEXT_RE = re.compile(r"(?<![^\W\d_])(?P<kind>x[aã]|ph[uư][oờ]ng|th[iị]\s+tr[aấ]n|đ[aặ]c\s+khu)\s+"
                              r"(?P<name>[^\s,;:()]+(?:\s+[^\s,;:()]+){0,4})")
_KIND_PREFIX_RE = re.compile(r"(x[aã]|ph[uư][oờ]ng|th[iị]\s+tr[aấ]n|đ[aặ]c\s+khu)\s+(?=\S)", re.IGNORECASE)
_PERIOD_RE = re.compile(r"giai\s+đo[aạ]n\s*((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)", re.IGNORECASE)
_YEAR_RE = re.compile(r"n[aă]m\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_ANY_YEARS_RE = re.compile(r"((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?")


@dataclass
class DocDate:
    day: int | None = None
    month: int | None = None
    year: int | None = None

    @property
    def iso(self) -> str:
        """yyyy-mm-dd when every part is known and valid, else ""."""
        if self.day and self.month and self.year:
            import datetime as _dt
            try:
                return _dt.date(self.year, self.month, self.day).isoformat()
            except ValueError:
                return ""
        return ""

    @property
    def text(self) -> str:
        """As an official document writes it, blanks kept: "ngày … tháng 01 năm 2026"."""
        if not (self.day or self.month or self.year):
            return ""
        part = lambda v, width: f"{v:0{width}d}" if v else "…"  # noqa: E731
        return f"ngày {part(self.day, 2)} tháng {part(self.month, 2)} năm {part(self.year, 4)}"


@dataclass
class PlanFacts:
    """What the document says about the plan; "" / None = not written.  ``sources`` names where each
    fact was read ("tiêu đề", "chú thích phụ lục", …) for the preview."""

    unit_kind: str = ""
    unit_name: str = ""          # without its kind: "An Tường"
    doc_number: str = ""         # "03/KH-UBND" or "/KH-UBND" when the number is blank
    date: DocDate = field(default_factory=DocDate)
    place: str = ""
    title: str = ""
    year_start: int | None = None
    year_end: int | None = None
    issuer_lines: list[str] = field(default_factory=list)   # letterhead: ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN TƯỜNG"]
    sources: dict[str, str] = field(default_factory=dict)

    def merge(self, other: "PlanFacts", source: str) -> None:
        """Fill what is still empty from ``other`` (first source wins)."""
        for name in ("unit_kind", "unit_name", "doc_number", "place", "title", "year_start", "year_end"):
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))
                self.sources.setdefault(name, other.sources.get(name, source))
        for part in ("day", "month", "year"):
            if not getattr(self.date, part) and getattr(other.date, part):
                setattr(self.date, part, getattr(other.date, part))
                self.sources.setdefault("date", other.sources.get("date", source))
        if not self.issuer_lines and other.issuer_lines:
            self.issuer_lines = list(other.issuer_lines)

    def missing(self) -> list[str]:
        """Vietnamese labels of the facts the document did not give."""
        out = []
        if not self.unit_name:
            out.append("tên đơn vị (xã/phường)")
        if not self.year_start:
            out.append("năm kế hoạch")
        if not self.title:
            out.append("tên (trích yếu) kế hoạch")
        number = self.doc_number.split("/")[0] if self.doc_number else ""
        if not number:
            out.append("số kế hoạch")
        if not self.date.iso:
            out.append("ngày ban hành" + (f" (mới có {self.date.text})" if self.date.text else ""))
        return out


def _kind(text: str) -> str:
    key = fold(text)
    for kind in UNIT_KINDS:
        if key == fold(kind):
            return kind
    return ""


def _name_words(text: str) -> str:
    """The capitalised words that make a unit name: "An Tường năm 2026" -> "An Tường"."""
    words = []
    for word in text.split():
        word = word.strip(" .,;:)(«»\"'")
        if not word:
            break
        if word[0].isdigit() and words == [] and word.isdigit():
            words.append(word)     # "Phường 3"
            break
        if not word[0].isupper():
            break
        words.append(word)
    return " ".join(words)


def split_unit(text: str) -> tuple[str, str]:
    """"phường An Tường" -> ("phường", "An Tường"); "An Tường" -> ("", "An Tường")."""
    text = " ".join(nfc(text or "").split())
    text = re.sub(r"^" + _AUTHORITY + r"\s+", "", text, flags=re.IGNORECASE)
    return _leading_kind(text)


def _leading_kind(text: str) -> tuple[str, str]:
    """Kind written at the start of a unit name and the rest (no reports import: keeps imports light)."""
    match = _KIND_PREFIX_RE.match(text)
    if match:
        return _kind(match.group(1)), text[match.end():].strip()
    return "", text.strip()


def unit_from_text(text: str, *, after_authority: bool = True) -> tuple[str, str]:
    """Kind and name of the unit named in a text ("… của Ủy ban nhân dân phường An Tường)")."""
    text = nfc(text or "")
    pattern = _UNIT_AFTER_RE if after_authority else _UNIT_IN_TEXT_RE
    for match in pattern.finditer(text):
        kind = _kind(match.group("kind"))
        words = match.group("name")
        if words.isupper() and len(words) > 2:
            name = _title_case(words)
        else:
            name = _name_words(words)
        if kind and name:
            return kind, name
    return "", ""


def _title_case(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


def unit_from_letterhead(lines: list[str]) -> tuple[str, str, list[str]]:
    """("ỦY BAN NHÂN DÂN", "PHƯỜNG AN TƯỜNG") -> ("phường", "An Tường", issuer lines)."""
    cleaned = [clean_cell(x) for x in lines if clean_cell(x)]
    for i, line in enumerate(cleaned):
        key = fold(line)
        if key.startswith("uy ban nhan dan") or key.startswith("ubnd"):
            rest = re.sub(r"^" + _AUTHORITY + r"\s*", "", line, flags=re.IGNORECASE).strip()
            candidate = rest or (cleaned[i + 1] if i + 1 < len(cleaned) else "")
            kind, bare = _leading_kind(candidate)
            if kind and bare and not fold(bare).startswith(("so", "cong hoa")):
                issuer = [line] if rest == "" else ["ỦY BAN NHÂN DÂN"]
                if rest == "":
                    issuer.append(candidate)
                else:
                    issuer.append(candidate.upper())
                return kind, _title_case(bare) if bare.isupper() else bare, issuer
    return "", "", []


def parse_number(text: str) -> str:
    match = _NUMBER_RE.search(nfc(text or ""))
    if not match:
        return ""
    num = match.group("num")
    if num.isdigit() and int(num) < 10 and len(num) == 1:
        num = f"0{num}"
    return f"{num}/{match.group('sym').upper()}"


def parse_date(text: str) -> DocDate:
    for match in _DATE_RE.finditer(nfc(text or "")):
        d, m, y = (int(g) if g else None for g in match.group("d", "m", "y"))
        if d is None and m is None and y is None:
            continue
        if (d and not 1 <= d <= 31) or (m and not 1 <= m <= 12):
            continue
        return DocDate(d, m, y)
    return DocDate()


def parse_place(text: str) -> str:
    for line in nfc(text or "").splitlines():
        match = _PLACE_RE.match(line)
        if match:
            place = match.group("place").strip()
            if not fold(place).startswith(("so", "kem theo", "(")):
                return place
    return ""


def years_of(text: str) -> tuple[int | None, int | None]:
    """"… giai đoạn 2026-2030" -> (2026, 2030); "… năm 2026" -> (2026, 2026)."""
    text = nfc(text or "")
    match = _PERIOD_RE.search(text)
    if match:
        start, end = int(match.group(1)), int(match.group(2))
        if start <= end:
            return start, end
    years = _YEAR_RE.findall(text)
    if years:
        return int(years[-1]), int(years[-1])
    found = _ANY_YEARS_RE.findall(text)
    if found:
        start, end = found[-1]
        start_i, end_i = int(start), int(end or start)
        if start_i <= end_i:
            return start_i, end_i
    return None, None


def body_year(paragraphs: list[str]) -> int | None:
    """The year a body mentions most as "năm 20xx" (used only when title and caption name none)."""
    counts = Counter(int(y) for p in paragraphs for y in _YEAR_RE.findall(nfc(p)))
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def facts_from_caption(caption: str) -> PlanFacts:
    """"(Kèm theo Kế hoạch số: /KH-UBND ngày tháng 01 năm 2026 của Ủy ban nhân dân phường An Tường)"."""
    facts = PlanFacts()
    text = clean_cell(caption).replace("\n", " ")
    if not text:
        return facts
    facts.doc_number = parse_number(text)
    facts.date = parse_date(text)
    facts.unit_kind, facts.unit_name = unit_from_text(text)
    for name in ("doc_number", "unit_name", "unit_kind"):
        if getattr(facts, name):
            facts.sources[name] = "chú thích phụ lục"
    if facts.date.text:
        facts.sources["date"] = "chú thích phụ lục"
    return facts


def facts_from_title(title: str, source: str = "tên kế hoạch") -> PlanFacts:
    """"Cải cách hành chính nhà nước xã Thiên Tân giai đoạn 2026-2030" -> unit and years."""
    facts = PlanFacts()
    text = clean_cell(title).replace("\n", " ")
    facts.year_start, facts.year_end = years_of(text)
    facts.unit_kind, facts.unit_name = unit_from_text(text)
    if not facts.unit_name:
        facts.unit_kind, facts.unit_name = unit_from_text(text, after_authority=False)
    for name in ("unit_name", "unit_kind", "year_start", "year_end"):
        if getattr(facts, name):
            facts.sources[name] = source
    return facts
