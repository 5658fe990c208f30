"""Writing user text into .xlsx cells safely: never as a formula, never as an ambiguous date string,
never a character Excel cannot store, never silently cut.

Every openpyxl write of user text goes through `set_text` / `set_value` (data sheets, hidden sheets such
as the update workbooks' `_cchc`, help sheets) and every defined name through `safe_name_value`.

Text starting with = + - @ (or a tab/CR) would be run as a formula by Excel/LibreOffice when the
cell is edited or the file re-saved. We store it as a plain string cell with the quotePrefix style
(Excel's own "text typed with a leading apostrophe"), so the text is kept exactly — "- Lưu: VT"
stays readable — and is never evaluated. Control characters go through `text.sanitize` (\\x0b → line
break). A text longer than Excel's 32,767-character cell limit is cut visibly: the cell ends with
`OVERFLOW_NOTE` saying how many characters did not fit (the full text stays in the database), and
`set_text` reports it so the caller can list it.
"""
from __future__ import annotations

import datetime as dt
import logging
import re

from openpyxl.cell.cell import Cell, TYPE_STRING

from .text import sanitize

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"
CELL_LIMIT = 32_767  # Excel's maximum number of characters in a cell
OVERFLOW_NOTE = "… [còn {rest} ký tự không vừa một ô Excel; xem đầy đủ trong CCHC Desktop]"

log = logging.getLogger(__name__)


_OOXML_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def read_cell_text(value):
    """A cell value as the user typed it: Excel stores a character XML cannot hold (a control character pasted
    from another program) as «_x0007_» and an underscore that would look like one as «_x005F_»; openpyxl reads
    those escapes literally (a result «Đã dự thảo_x0007_ kế hoạch»). Non-text values are returned unchanged."""
    if not isinstance(value, str) or "_x" not in value:
        return value
    return _OOXML_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), value)


def is_risky(text: str) -> bool:
    return bool(text) and text.startswith(FORMULA_TRIGGERS)


def cell_text(value) -> tuple[str, bool]:
    """The text a cell may hold for `value`: sanitised, and fitted to the cell limit with a visible
    note. Returns (text, overflowed)."""
    text = sanitize("" if value is None else str(value))
    if len(text) <= CELL_LIMIT:
        return text, False
    keep = CELL_LIMIT - len(OVERFLOW_NOTE.format(rest=len(text)))
    log.info("text of %d characters flagged as too long for one Excel cell", len(text))
    return text[:keep] + OVERFLOW_NOTE.format(rest=len(text) - keep), True


_OVERFLOW_RE = re.compile(re.escape(OVERFLOW_NOTE).replace(re.escape("{rest}"), r"\d+") + "$")


def is_overflow_text(text) -> bool:
    """True for a cell text that `cell_text` cut (an import must keep the full text it came from)."""
    return isinstance(text, str) and len(text) >= CELL_LIMIT - 200 and bool(_OVERFLOW_RE.search(text))


def set_text(cell: Cell, value) -> bool:
    """Put `value` in `cell` as inert text (None -> empty). Returns True when the text was too long
    for one cell and was cut with a visible note."""
    text, overflowed = cell_text(value)
    cell.value = text if text else None
    if text:
        cell.data_type = TYPE_STRING
        if is_risky(text):
            cell.quotePrefix = True
    return overflowed


def set_value(cell: Cell, value) -> bool:
    """Any value: text through `set_text`, numbers/dates/booleans as they are."""
    if value is None or isinstance(value, str):
        return set_text(cell, value)
    cell.value = value
    return False


def safe_name_value(text: str) -> str:
    """Text placed in a defined name or a header/footer: sanitised and never starting like a formula."""
    cleaned = sanitize(text or "").replace("\n", " ")
    return ("'" + cleaned) if is_risky(cleaned) else cleaned


SHEET_TITLE_LIMIT = 31          # Excel's limit on a worksheet name


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary (never mid-word; a single over-long word is cut),
    without a dangling comma, dash or «và»."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1]
    space = cut.rfind(" ")
    kept = cut[:space] if space > 0 else text[:limit]
    kept = re.sub(r"(?:[\s,;.\-–—]+|\s+(?:và|của|trên|các))+$", "", kept, flags=re.IGNORECASE)
    return kept.strip() or text[:limit]


def safe_sheet_title(text: str, fallback: str = "Bảng", *, taken=()) -> str:
    """A worksheet name Excel accepts: sanitised, one line, no []:*?/\\, no apostrophe at either end, ≤ 31
    characters shortened at a word boundary, and different (whatever the case) from the names in ``taken``
    (« (2)», « (3)» … added within the limit). The one place sheet names are made."""
    cleaned = re.sub(r"[\[\]:*?/\\\n\t]", "-", sanitize(text or "")).replace("\n", " ")
    cleaned = " ".join(cleaned.split()).strip("'").strip() or fallback
    base = _shorten(cleaned, SHEET_TITLE_LIMIT).strip("'").strip() or fallback
    used = {str(t).casefold() for t in taken}
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = _shorten(base, SHEET_TITLE_LIMIT - len(suffix)) + suffix
        n += 1
    return name


def set_date(cell: Cell, value: dt.date | None) -> Cell:
    """A real date cell shown dd/mm/yyyy (never a date written as a string)."""
    cell.value = value
    cell.number_format = DATE_FORMAT
    return cell
