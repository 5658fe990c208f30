"""Writing user text into .xlsx cells safely: never as a formula, never as an ambiguous date string.

Text starting with = + - @ (or a tab/CR) would be run as a formula by Excel/LibreOffice when the
cell is edited or the file re-saved. We store it as a plain string cell with the quotePrefix style
(Excel's own "text typed with a leading apostrophe"), so the text is kept exactly — "- Lưu: VT"
stays readable — and is never evaluated.
"""
from __future__ import annotations

import datetime as dt

from openpyxl.cell.cell import Cell, TYPE_STRING

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"


def is_risky(text: str) -> bool:
    return bool(text) and text.startswith(FORMULA_TRIGGERS)


def set_text(cell: Cell, value) -> Cell:
    """Put `value` in `cell` as inert text (None -> empty)."""
    text = "" if value is None else str(value)
    cell.value = text if text else None
    if text:
        cell.data_type = TYPE_STRING
        if is_risky(text):
            cell.quotePrefix = True
    return cell


def set_date(cell: Cell, value: dt.date | None) -> Cell:
    """A real date cell shown dd/mm/yyyy (never a date written as a string)."""
    cell.value = value
    cell.number_format = DATE_FORMAT
    return cell
