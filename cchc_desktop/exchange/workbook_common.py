"""Layout shared by the update-workbook writer and reader: columns, markers, date/percent parsing."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..text import clean_cell, fold
from ..tracking.timeliness import STATUS_LABELS, STATUSES

ID_MARKER = "CCHC_ROW_ID"
META_MARKER = "CCHC_EXPORT"
FORMAT_NAME = "cchc-update-workbook"
FORMAT_VERSION = 1
FORMAT_TAG = f"{FORMAT_NAME}/{FORMAT_VERSION}"
META_SHEET = "_cchc"       # hidden sheet: format, fingerprint, plan, period, agency (key in A, value in B)


def newer_format(tag) -> int | None:
    """The format version of a workbook written by a newer app («cchc-update-workbook/2»), else None (ours, an
    older one, or no tag: a hand-made copy is judged by its columns)."""
    text = str(tag or "").strip()
    if not text.startswith(FORMAT_NAME + "/"):
        return None
    try:
        version = int(text.split("/", 1)[1])
    except ValueError:
        return None
    return version if version > FORMAT_VERSION else None
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    editable: bool = False
    hidden: bool = False
    kind: str = "text"      # text, date, percent, status, id, meta


# Widths (units of the default font, Times New Roman 12) chosen for the printed page as much as the screen: the
# 14 visible columns add up to ~1.45 landscape A4 widths, so fitted to the page width they print at ~70 % (text
# ≥ 8 pt); the text columns keep three to four words a line, dates and the percentage just their values.
COLUMNS = (
    Column("stt", "STT", 5),
    Column("task", "Nhiệm vụ", 22),
    Column("product", "Sản phẩm", 20),
    Column("deadline", "Thời hạn", 11),
    Column("lead", "Cơ quan chủ trì", 12),
    Column("status", "Tình trạng thực hiện", 12, True, kind="status"),
    Column("percent", "Tỷ lệ hoàn thành (%)", 8, True, kind="percent"),
    Column("completed_on", "Ngày hoàn thành (dd/mm/yyyy)", 12.5, True, kind="date"),
    Column("result", "Kết quả thực hiện", 20, True),
    Column("reason", "Lý do (nếu không thực hiện)", 12, True),
    Column("ev_number", "Minh chứng: Số/ký hiệu", 10, True),
    Column("ev_date", "Minh chứng: Ngày ban hành", 10, True, kind="date"),
    Column("ev_summary", "Minh chứng: Trích yếu", 14, True),
    Column("notes", "Ghi chú", 11, True),
    Column("row_id", f"Mã dòng ({ID_MARKER})", 40, hidden=True, kind="id"),
    Column("meta", f"Mã xuất ({META_MARKER})", 40, hidden=True, kind="meta"),
)
BY_KEY = {c.key: c for c in COLUMNS}
EDITABLE = tuple(c.key for c in COLUMNS if c.editable)
READ_ONLY_CHECKED = ("task", "product", "deadline")
FIELD_LABELS = {c.key: c.header.replace(" (dd/mm/yyyy)", "") for c in COLUMNS}
PAR_DOCUMENT = "par_document"          # a document an agency wrote on the PAR sheet (par.chase_import)
FIELD_LABELS[PAR_DOCUMENT] = "Tài liệu kiểm chứng Chỉ số CCHC"

STATUS_BY_FOLD = {fold(label): code for code, label in STATUS_LABELS.items()}
STATUS_BY_FOLD.update({code: code for code in STATUSES})
STATUS_BY_FOLD.update({"dang trien khai": "in_progress", "chua thuc hien": "not_started",
                       "hoan thanh dung han": "done", "qua han": "done_late"})


def header_key(text) -> str | None:
    """Which column a header cell is (accent/case-insensitive, tolerant of edited spacing)."""
    folded = fold(clean_cell(text))
    if not folded:
        return None
    if ID_MARKER.lower() in folded:
        return "row_id"
    if META_MARKER.lower() in folded:
        return "meta"
    for column in COLUMNS:
        if fold(column.header) == folded or fold(column.header.split(" (")[0]) == folded:
            return column.key
    return None


def row_id(product_id: str, key: str) -> str:
    return f"{product_id}@{key}"


def split_row_id(value) -> tuple[str, str] | None:
    text = clean_cell(value)
    match = re.fullmatch(r"([0-9a-fA-F-]{36})@(\d{4}(?:-(?:Q[1-4]|H[12]))?)", text)
    return (match.group(1).lower(), match.group(2)) if match else None


_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def parse_date(value) -> date | None:
    """Real date cells, Excel serial numbers and text typed as 15/3/2026, 15-03-2026, 15.3.2026,
    2026-03-15. Raises ValueError for anything else. Empty -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return (datetime(1899, 12, 30) + timedelta(days=int(value))).date()
        raise ValueError(value)
    text = clean_cell(value)
    match = _DATE_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
        return date(year, month, day)
    match = _ISO_RE.match(text)
    if match:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    raise ValueError(text)


def parse_percent(value, number_format: str = "") -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = float(value) * (100 if "%" in (number_format or "") else 1)
    else:
        text = clean_cell(value).replace("%", "").replace(",", ".").strip()
        number = float(text)
    if abs(number - round(number)) > 1e-6 or not 0 <= number <= 100:
        raise ValueError(value)
    return int(round(number))


def parse_status(value) -> str | None:
    text = clean_cell(value)
    if not text:
        return None
    code = STATUS_BY_FOLD.get(fold(text))
    if code is None:
        raise ValueError(text)
    return code


def slug(text: str, width: int = 40) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return out[:width].strip("-") or "tat-ca"
