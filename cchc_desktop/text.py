"""Text normalisation shared by importers, search and sorting.

One place for: the boundary sanitiser (control characters), NFC normalisation, HTML remnant
stripping, whitespace folding, accent-insensitive matching keys and the Vietnamese collation key.
"""
from __future__ import annotations

import contextlib
import html
import re
import unicodedata

_TAG_RE = re.compile(r"</?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2007\u202f\u200b\ufeff]+")
_MULTI_NL_RE = re.compile(r"\s*\n\s*")


# Line-breaking controls become "\n" (Word's Shift+Enter is \x0b, a page break \x0c); CR/CRLF too.
_LINE_BREAKS_RE = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Every other C0/C1 control (tab and newline excepted) and DEL: Excel cannot store them
# (openpyxl raises IllegalCharacterError), printers show boxes; they carry no meaning in plan text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# Either of the two above (one scan decides whether they have anything to do: most texts hold neither).
_ANY_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Whitespace that _SPACE_RE would change: an odd space character or two in a row (a lone " " stays).
_ODD_SPACE_RE = re.compile(r"[\t\u00a0\u2007\u202f\u200b\ufeff]| {2}")


def sanitize(value: str) -> str:
    r"""The one boundary sanitiser for user text, applied on import and on every write: line-breaking
    control characters become "\n", other control characters (except tab/newline) are dropped, NFC."""
    if not value:
        return value
    text = value
    if _ANY_CONTROL_RE.search(text):
        text = _LINE_BREAKS_RE.sub("\n", text)
        text = _CONTROL_RE.sub("", text)
    return unicodedata.normalize("NFC", text)


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def strip_tags(value: str) -> str:
    """Remove leftover HTML tags such as "<b>" and decode entities."""
    return html.unescape(_TAG_RE.sub("", value))


_CLEANED: dict[str, str] | None = None   # clean_cell's results while a file is read (remembered_cleaning)
_CLEANING_DEPTH = 0


@contextlib.contextmanager
def remembered_cleaning():
    """While reading one file: clean_cell remembers its results (agency names, deadlines and already cleaned
    texts repeat a lot: an appendix of 5,000 rows cleans ~50,000 cells); forgotten afterwards."""
    global _CLEANED, _CLEANING_DEPTH
    if _CLEANING_DEPTH == 0:
        _CLEANED = {}
    _CLEANING_DEPTH += 1
    try:
        yield
    finally:
        _CLEANING_DEPTH -= 1
        if _CLEANING_DEPTH == 0:
            _CLEANED = None


def clean_cell(value: object) -> str:
    """Normalise one imported cell: NFC, no tags, single spaces, trimmed lines."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    memo = _CLEANED
    if memo is not None:
        done = memo.get(text)
        if done is not None:
            return done
    # each step is skipped when a quick look shows it would give its input back (same result, fewer scans)
    cleaned = strip_tags(text) if "<" in text or "&" in text else text
    cleaned = sanitize(cleaned)
    if _ODD_SPACE_RE.search(cleaned):
        cleaned = _SPACE_RE.sub(" ", cleaned)
    if "\n" in cleaned:
        cleaned = _MULTI_NL_RE.sub("\n", cleaned)
    cleaned = cleaned.strip()
    if memo is not None:
        memo[text] = cleaned
        if "&" not in cleaned and "<" not in cleaned:
            memo[cleaned] = cleaned  # without entities or tags left, cleaning it again gives it back
    return cleaned


def clean_cells(values) -> list[str]:
    """clean_cell of every value of a row (while a file is read, remembered texts are looked up right here)."""
    memo = _CLEANED
    if memo is None:
        return [clean_cell(v) for v in values]
    get = memo.get
    return [done if v.__class__ is str and (done := get(v)) is not None else clean_cell(v) for v in values]


def single_line(value: object) -> str:
    return clean_cell(value).replace("\n", " ")


def shorten(value: object, limit: int = 70) -> str:
    """One line of at most ``limit`` characters; a longer text is cut and ends with "…" (the one shortening
    helper for previews, lists and messages)."""
    text = " ".join(str(value or "").split())
    if len(text) <= limit:
        return text
    return text[:max(limit - 1, 0)].rstrip() + "…"


def fold(value: str) -> str:
    """Accent- and case-insensitive key: "Chuyển đổi SỐ" -> "chuyen doi so"."""
    text = nfc(value).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACE_RE.sub(" ", stripped.casefold()).strip()


# Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
_BASE_ORDER = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_BASE_RANK = {ch: i for i, ch in enumerate(_BASE_ORDER)}
# Tone order: ngang, huyền, hỏi, ngã, sắc, nặng
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def _letter_key(ch: str) -> tuple[int, int, int]:
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    marks = decomposed[1:]
    tone = 0
    shaped = base
    for mark in marks:
        if mark in _TONE_RANK:
            tone = _TONE_RANK[mark]
        elif mark in _SHAPE_MARKS:
            shaped = unicodedata.normalize("NFC", shaped + mark)
    if shaped in _BASE_RANK:
        return (0, _BASE_RANK[shaped] * 10, tone)
    if shaped.isdigit():
        return (-1, ord(shaped), 0)
    return (1, ord(shaped), tone)


def sort_key(value: str) -> tuple:
    """Collation key for Vietnamese: letters first by base letter (đ after d), then tones."""
    text = nfc(value).casefold()
    primary = tuple(_letter_key(ch)[:2] for ch in text)
    tones = tuple(_letter_key(ch)[2] for ch in text)
    return (primary, tones)
