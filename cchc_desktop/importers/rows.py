"""Layout-independent core of the appendix importers: raw rows -> AppendixDraft.

The readers (xlsx, docx, tab-separated text) only turn a file into
:class:`RawTable` objects – lists of :class:`RawRow` holding the raw cell strings
(still possibly containing "<b>" tags, nbsp, NFD accents) plus a few layout hints
(bold, merged across the row).  Everything else happens here, the same way for
every format.

Header
    The header row is searched in the first :data:`HEADER_SCAN_ROWS` rows of a
    table.  Columns are mapped BY HEADER TEXT using accent-insensitive synonyms
    (see :data:`HEADER_SYNONYMS`), never by position.  A header may span two rows
    (e.g. a merged "Cơ quan thực hiện" over "Chủ trì" | "Phối hợp"): when the row
    below a header candidate only holds header words (or copies of the cell above
    it, from a vertical merge) it is read as the second header row and its labels
    win over the upper ones.  The content column and at least one of
    product / lead / deadline are required; a header candidate without them gives
    :class:`HeaderNotFound` naming the sheet, row and the missing columns.
    Non-empty rows above the header become the draft's title/caption: the caption
    is the "(Ban hành kèm theo ...)" line, the title is made of the remaining
    upper-case lines that are not letterhead ("UBND ...", "CỘNG HÒA ...",
    "PHỤ LỤC").

Rows after the header, in order
    * empty rows are skipped;
    * a repeated header row (page break in Word/Excel) and the column-number row
      ("1 2 3 4 5 6", "(1) (2) (3)") are skipped; both also mark a *page break*;
    * a section row is a row whose only text is "<Roman numeral I..XII>[.] title"
      (bold, merged across or wrapped in "<b>" or not), or a Roman numeral alone
      in TT with the title in the content column and nothing else in the row.
      A bold / merged-across / "<b>" row whose only text is upper case is also a
      section (numeral "" or a letter "A." if it has one).  The title keeps the
      case as written;
    * a task row has a non-empty TT (normally an Arabic number, kept as written;
      a non-numeric TT is kept and warned about).  If TT and content equal the
      current task's (a vertical merge repeated by Word or expanded from Excel)
      the row is a further product of that task;
    * TT empty, content empty, product non-empty: another product of the task
      above.  When the product row's lead, coordinator AND deadline cells are all
      blank, the product INHERITS them from the product above it in the same task
      and a warning with the row number is emitted: in the real appendices such
      blanks come from vertically merged cells (or a copy of them), and a product
      with no lead and no deadline would otherwise be invisible in every report.
      If at least one of the three cells is filled, the blank ones stay blank;
    * TT empty, content non-empty: if the content equals the current task's
      content it is a further product (vertical merge).  Otherwise it is the rest
      of the previous task's text split across a page break when (a) a page break
      (repeated header / column-number row / next Word table) lies between the
      two rows, or (b) the previous row was a task row whose product, lead,
      coordinator and deadline cells were all empty, or (c) the text starts with a
      lower-case letter.  The text is appended to the task's content (joined with
      a space); the other cells are appended to the last product (description
      and deadline joined with a space; agencies joined with a space when the
      previous cell ends with "-", "," or the fragment starts in lower case, else
      as a further agency); a warning names the row.  Otherwise the row is a new
      task without a number (warned about when the table has a TT column);
    * TT, content and product empty but agencies/deadline present: the values
      are added to the last product (warning);
    * rows before any section go into a section with numeral "" and title
      :data:`DEFAULT_SECTION_TITLE` (warning); a product row before any task is
      skipped (warning).

Tasks without products
    A task row with an empty product cell gets one product with an empty
    description when the row names a lead, coordinator or deadline (so those are
    not lost), otherwise no product at all.  A later product row of the same task
    fills that empty placeholder instead of adding a second product.

Agencies
    Lead/coordinator cells are split on ";" and line breaks only – never on
    commas ("Các cơ quan, đơn vị có liên quan" is one name).  Each name goes
    through :func:`cchc_desktop.text.clean_cell`, loses list bullets and a
    trailing "." or ";", and duplicates within one cell are dropped.

Every warning carries the 1-based source row (sheet row, table row or text
line) and the sheet/table name.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..domain import is_sub_item
from ..text import clean_cell, clean_cells, fold
from .model import (AppendixDraft, ImportFailure, ImportWarning, ProductDraft, SectionDraft,
                    TaskDraft)

HEADER_SCAN_ROWS = 30
MAX_ROWS = 20_000
MAX_FILE_BYTES = 50 * 1024 * 1024
DEFAULT_SECTION_TITLE = "Nhiệm vụ chung"

NUMBER, CONTENT, PRODUCT, LEAD, COORD, DEADLINE = (
    "number", "content", "product", "lead", "coordinators", "deadline")
FIELDS = (NUMBER, CONTENT, PRODUCT, LEAD, COORD, DEADLINE)
FIELD_LABELS = {
    NUMBER: "TT",
    CONTENT: "Nội dung/Nhiệm vụ",
    PRODUCT: "Hoạt động/Sản phẩm",
    LEAD: "Cơ quan chủ trì",
    COORD: "Cơ quan phối hợp",
    DEADLINE: "Thời gian thực hiện",
}

# Folded (accent-free, lower-case) header texts.  Synonyms of 6+ characters also
# match as a prefix ("thoi gian thuc hien du kien" -> deadline).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    NUMBER: ("stt", "tt", "so tt", "so thu tu", "thu tu", "so"),
    CONTENT: ("noi dung/nhiem vu", "nhiem vu/noi dung", "noi dung", "nhiem vu", "ten nhiem vu",
              "noi dung nhiem vu", "noi dung cong viec", "nhiem vu cu the", "ten cong viec"),
    PRODUCT: ("hoat dong/san pham", "san pham", "ket qua/san pham", "san pham dau ra",
              "san pham/ket qua", "hoat dong", "ket qua", "ket qua dau ra",
              "hinh thuc san pham", "ket qua du kien"),
    LEAD: ("co quan chu tri", "don vi chu tri", "chu tri", "co quan/don vi chu tri",
           "bo phan chu tri"),
    COORD: ("co quan phoi hop", "don vi phoi hop", "phoi hop", "co quan/don vi phoi hop",
            "bo phan phoi hop"),
    DEADLINE: ("thoi gian thuc hien", "thoi gian", "thoi han", "thoi gian hoan thanh",
               "tien do", "thoi han hoan thanh", "tien do thuc hien", "thoi gian/tien do"),
}
# Upper header cells that only say "who does it"; used as the lead column when no
# second header row splits them into "Chủ trì" | "Phối hợp".
WEAK_LEAD = ("co quan thuc hien", "don vi thuc hien", "to chuc thuc hien", "phan cong thuc hien")

_ROMAN = r"XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I"
_SECTION_RE = re.compile(
    rf"^({_ROMAN})(?![A-Za-z0-9])(?:\s*[.\-–—:/)]\s*|\s+)([^\s0-9.\-–—:/)].*)$", re.S)
_ROMAN_ONLY_RE = re.compile(rf"^({_ROMAN})\s*[.)]?$")
_LETTER_SECTION_RE = re.compile(r"^([A-Z]|Đ)\s*[.)/]\s+(\S.*)$", re.S)
_LETTER_ONLY_RE = re.compile(r"^([A-Z]|Đ)\s*[.)]?$")   # "A", "B." in the STT cell: a part (Phần A, B)
_ARABIC_RE = re.compile(r"^\d{1,4}(?:\.\d{1,3})*[.)]?$")
_COLNUM_RE = re.compile(r"^\(?\s*(\d{1,2})\s*\)?$")
_PAREN_RE = re.compile(r"\([^)]*\)")
_BOLD_RE = re.compile(r"<\s*(b|strong)\b", re.I)
_MARKDOWN_EDGE_RE = re.compile(r"^[#*_\s]+|[*_\s]+$")
_AGENCY_SPLIT_RE = re.compile(r"[;\n]+")
_AGENCY_BULLET_RE = re.compile(r"^[-–—+•·*]\s*")
_KEY_LIST_RE = re.compile(r"\s*[,;]\s*")
_KEY_SLASH_RE = re.compile(r"\s*/\s*")
_KEY_SPACE_RE = re.compile(r"\s+")
_LETTERHEAD = ("uy ban nhan dan", "ubnd", "cong hoa xa hoi", "doc lap", "so:", "so ",
               "dang cong san", "hoi dong nhan dan")


class HeaderNotFound(ImportFailure):
    """No usable header row in a table (none at all, or one missing required columns)."""

    def __init__(self, message: str, *, missing: Sequence[str] = (), **where):
        self.missing = list(missing)
        super().__init__(message, **where)


@dataclass
class RawRow:
    cells: list[str]
    row: int                      # 1-based source row / line number
    bold: bool = False            # first non-empty cell is bold
    merged_across: bool = False   # a merged cell spans 3+ columns of this row


@dataclass
class RawTable:
    rows: list[RawRow]
    sheet: str = ""               # sheet name ("" for plain text); table label for docx
    column_count: int = 0

    def __post_init__(self):
        if not self.column_count:
            self.column_count = max((len(r.cells) for r in self.rows), default=0)


@dataclass
class HeaderMatch:
    columns: dict[str, int]       # field -> 0-based column index
    first_row_index: int          # index in RawTable.rows of the (upper) header row
    last_row_index: int           # index of the last header row (== first for one-row headers)


# --------------------------------------------------------------------------- helpers

def split_agencies(text: object) -> list[str]:
    """Split a lead/coordinator cell into agency names (";" and line breaks, not commas)."""
    if text is None:
        return []
    raw = str(text).replace("\r", "\n")
    names: list[str] = []
    for part in _AGENCY_SPLIT_RE.split(raw):
        name = clean_cell(part)
        name = _AGENCY_BULLET_RE.sub("", name)
        name = name.rstrip(" .;").strip()
        if name and name not in names:
            names.append(name)
    return names


def strip_markdown(text: str) -> str:
    return _MARKDOWN_EDGE_RE.sub("", text)


@functools.lru_cache(maxsize=1024)
def header_key(text: str) -> str:
    """Folded key of a header cell (remembered: every data row's cells are checked against the header's)."""
    key = fold(clean_cell(text)).replace("\n", " ")
    key = _PAREN_RE.sub(" ", key)
    key = _KEY_LIST_RE.sub("/", key)
    key = _KEY_SLASH_RE.sub("/", key)
    key = _KEY_SPACE_RE.sub(" ", key).strip(" .:*/-")
    return key


_EXACT = {syn: f for f, syns in HEADER_SYNONYMS.items() for syn in syns}
_PREFIX = sorted(((syn, f) for syn, f in _EXACT.items() if len(syn) >= 6),
                 key=lambda item: -len(item[0]))


def match_header_cell(text: str, *, exact: bool = False) -> str | None:
    """The field a header cell names, "weak_lead" for "Cơ quan thực hiện", else None.

    With ``exact`` only whole synonyms count (no "Thời gian thực hiện (dự kiến)" prefix match).
    """
    return _match_key(header_key(text), exact=exact)


def _match_key(key: str, *, exact: bool = False) -> str | None:
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    if key in WEAK_LEAD:
        return "weak_lead"
    if exact:
        return None
    for syn, fld in _PREFIX:
        if key.startswith(syn) and len(key) > len(syn) and key[len(syn)] in " /":
            return fld
    for weak in WEAK_LEAD:
        if key.startswith(weak + " "):
            return "weak_lead"
    return None


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 3:
        return False
    return sum(1 for c in letters if c.isupper()) >= 0.8 * len(letters)


def _distinct_cells(cells: Sequence[str]) -> list[tuple[int, str]]:
    """Non-empty cells, consecutive repeats (merged-cell copies) dropped."""
    out: list[tuple[int, str]] = []
    for i, text in enumerate(cells):
        if text and (not out or out[-1][1] != text):
            out.append((i, text))
    return out


def is_column_number_row(cells: Sequence[str]) -> bool:
    """"1 2 3 4 5 6" or "(1) (2) (3)": at least 3 consecutive small numbers and nothing else."""
    values = []
    for text in cells:
        if not text:
            continue
        m = _COLNUM_RE.match(text)
        if not m:
            return False
        values.append(int(m.group(1)))
    if len(values) < 3:
        return False
    return all(b == a + 1 for a, b in zip(values, values[1:]))


def _row_header_fields(cells: Sequence[str], *, exact: bool = False) -> dict[int, str]:
    found = {}
    for i, text in enumerate(cells):
        if text:
            fld = match_header_cell(text, exact=exact)
            if fld:
                found[i] = fld
    return found


def is_header_like(cells: Sequence[str], known: Iterable[str] = ()) -> bool:
    """A (repeated) header row: 2+ header labels and nothing that is not a label.

    Labels are whole synonyms or texts of the table's own header row (``known``,
    as :func:`header_key` values) – never prefixes, so a data row such as
    "Nội dung tuyên truyền …" | "Sản phẩm …" is not mistaken for a header.
    """
    return _is_header_like(_distinct_cells(cells), known)


def _is_header_like(distinct: Sequence[tuple[int, str]], known: Iterable[str]) -> bool:
    if len(distinct) < 2:
        return False
    if not isinstance(known, (set, frozenset)):
        known = set(known)
    # every cell must be a label: the shortest first (agency and deadline cells repeat and are remembered; a long
    # product text, folded for nothing, almost never needs a look)
    for text in sorted((text for _, text in distinct), key=len):
        key = header_key(text)
        if key not in known and not _match_key(key, exact=True):
            return False
    return True


def _is_second_header_row(upper: Sequence[str], lower: Sequence[str]) -> bool:
    found = False
    for i, text in enumerate(lower):
        if not text:
            continue
        if match_header_cell(text, exact=True):
            if i >= len(upper) or upper[i] != text:
                found = True
            continue
        if i < len(upper) and upper[i] == text:
            continue  # vertical-merge copy of the upper header cell
        return False
    return found


def find_header(table: RawTable, *, file: str = "",
                scan_rows: int = HEADER_SCAN_ROWS) -> HeaderMatch | None:
    """Locate and map the header in the first rows of a table.

    Returns None when no row looks like a header; raises :class:`HeaderNotFound`
    when the best header candidate lacks required columns.
    """
    cleaned = [[clean_cell(c) for c in row.cells] for row in table.rows[:scan_rows + 1]]
    best_invalid: tuple[int, HeaderMatch] | None = None
    for idx in range(min(scan_rows, len(cleaned))):
        upper = _row_header_fields(cleaned[idx])
        if len(set(upper.values())) < 2 and not (
                upper and idx + 1 < len(cleaned) and _is_second_header_row(cleaned[idx],
                                                                           cleaned[idx + 1])):
            continue
        last = idx
        combined = dict(upper)
        if idx + 1 < len(cleaned) and _is_second_header_row(cleaned[idx], cleaned[idx + 1]):
            last = idx + 1
            for col, fld in _row_header_fields(cleaned[idx + 1], exact=True).items():
                combined[col] = fld
        columns: dict[str, int] = {}
        for col in sorted(combined):
            fld = combined[col]
            if fld != "weak_lead":
                columns.setdefault(fld, col)
        if LEAD not in columns:
            weak = [c for c, f in sorted(combined.items()) if f == "weak_lead"]
            if weak:
                columns[LEAD] = weak[0]
        if len(columns) < 2:
            continue
        match = HeaderMatch(columns, idx, last)
        if CONTENT in columns and any(f in columns for f in (PRODUCT, LEAD, DEADLINE)):
            return match
        if best_invalid is None or len(columns) > len(best_invalid[1].columns):
            best_invalid = (idx, match)
    if best_invalid is not None:
        idx, match = best_invalid
        missing = []
        if CONTENT not in match.columns:
            missing.append(f"«{FIELD_LABELS[CONTENT]}»")
        if not any(f in match.columns for f in (PRODUCT, LEAD, DEADLINE)):
            missing.append("ít nhất một trong các cột "
                           f"«{FIELD_LABELS[PRODUCT]}», «{FIELD_LABELS[LEAD]}», "
                           f"«{FIELD_LABELS[DEADLINE]}»")
        raise HeaderNotFound(
            "dòng tiêu đề của bảng thiếu cột " + " và ".join(missing) + ".",
            missing=missing, file=file, sheet=table.sheet, row=table.rows[idx].row)
    return None


def no_header_failure(file: str, sheet: str = "", extra: str = "") -> HeaderNotFound:
    return HeaderNotFound(
        f"không tìm thấy dòng tiêu đề của bảng nhiệm vụ trong {HEADER_SCAN_ROWS} dòng đầu. "
        f"Bảng cần có cột «{FIELD_LABELS[CONTENT]}» và ít nhất một trong các cột "
        f"«{FIELD_LABELS[PRODUCT]}», «{FIELD_LABELS[LEAD]}», «{FIELD_LABELS[DEADLINE]}»."
        + (f" {extra}" if extra else ""),
        file=file, sheet=sheet)


def title_and_caption(lines: Iterable[str]) -> tuple[str, str]:
    """Pick the appendix title and "(Ban hành kèm theo ...)" caption from preamble lines."""
    caption = ""
    titles: list[str] = []
    fallback = ""
    for raw in lines:
        text = strip_markdown(clean_cell(raw)).strip()
        if not text:
            continue
        key = fold(text)
        if not caption and ((text.startswith("(") and text.endswith(")"))
                            or "kem theo" in key):
            caption = text
            continue
        if key.startswith(_LETTERHEAD) or re.match(r"^phu luc(\s+[ivxlc0-9]+)?\.?$", key):
            continue
        if _is_upper(text):
            titles.append(text.replace("\n", " "))
        elif not fallback:
            fallback = text.replace("\n", " ")
    title = " ".join(titles) if titles else fallback
    return title, caption


# --------------------------------------------------------------------------- builder

@dataclass
class _State:
    section: SectionDraft | None = None
    task: TaskDraft | None = None
    last_raw: dict[str, str] = field(default_factory=dict)   # cleaned cells of last product row
    page_break: bool = False
    prev_task_row_incomplete: bool = False


class AppendixBuilder:
    """Feeds raw tables into one AppendixDraft (state carries over between tables)."""

    def __init__(self, source_name: str, *, file: str = ""):
        self.file = file or source_name
        self.draft = AppendixDraft(source_name=source_name)
        self.preamble: list[str] = []
        self.columns: dict[str, int] | None = None
        self.column_count = 0
        self._st = _State()
        self._invalid_header: HeaderNotFound | None = None
        self._warned_default_section = False
        self._section_sheet: dict[int, str] = {}
        self._header_keys: set[str] = set()
        self._split_agencies: dict[str | None, tuple[str, ...]] = {}
        self.tables_used = 0

    # -- public -------------------------------------------------------------
    def add_preamble(self, lines: Iterable[str]) -> None:
        if self.columns is None:
            self.preamble.extend(line for line in lines if line and line.strip())

    def add_table(self, table: RawTable, *, continuation: bool = True) -> bool:
        """Import a table; returns False when it was skipped (no header, not a continuation).

        With ``continuation`` a table without a header that follows an imported
        table with the same number of columns continues it (Word splits tables).
        """
        if len(table.rows) > MAX_ROWS:
            raise ImportFailure(f"bảng có quá nhiều dòng ({len(table.rows)}); chỉ nhập được tối "
                                f"đa {MAX_ROWS} dòng.", file=self.file, sheet=table.sheet)
        try:
            header = find_header(table, file=self.file)
        except HeaderNotFound as exc:
            if self.columns is None and self._invalid_header is None:
                self._invalid_header = exc
            header = None
        if header is None:
            if (self.columns is None or not continuation
                    or table.column_count != self.column_count):
                if self.columns is None:
                    self.add_preamble(self._row_texts(table.rows))
                return False
            start, columns = 0, self.columns
            self._st.page_break = True
        else:
            if self.columns is None:
                self.add_preamble(self._row_texts(table.rows[:header.first_row_index]))
            elif self.tables_used:
                self._st.page_break = True
            start, columns = header.last_row_index + 1, header.columns
            for raw_row in table.rows[header.first_row_index:header.last_row_index + 1]:
                self._header_keys.update(header_key(c) for c in raw_row.cells if c)
            self.columns = columns
            self.column_count = table.column_count
        self.tables_used += 1
        for raw_row in table.rows[start:]:
            self._row(raw_row, columns, table.sheet)
        return True

    def finish(self) -> AppendixDraft:
        if self.columns is None:
            if self._invalid_header is not None:
                raise self._invalid_header
            raise no_header_failure(self.file)
        if not self.draft.task_count:
            raise ImportFailure("không tìm thấy nhiệm vụ nào sau dòng tiêu đề của bảng.",
                                file=self.file)
        self.draft.title, self.draft.caption = title_and_caption(self.preamble)
        self._drop_part_headings()
        for section in self.draft.sections:
            if not section.tasks:
                label = f"{section.numeral} {section.title}".strip()
                self._warn(f"Mục «{label}» không có nhiệm vụ nào.", section.source_row,
                           self._section_sheet.get(id(section), ""))
        return self.draft

    # -- internals ----------------------------------------------------------
    def _drop_part_headings(self) -> None:
        """A lettered part heading ("A. NHIỆM VỤ TRỌNG TÂM", "B …") with no task of its own only groups the
        sections I, II … under it. Kept as a section it would be numbered I by its place and shift every
        section's Roman number of the signed plan (I → II), and counted nowhere; so it is left out, with a
        warning naming its row. A part that holds tasks directly stays a section."""
        kept = []
        for section in self.draft.sections:
            if not section.tasks and section.numeral and not _ROMAN_ONLY_RE.match(section.numeral):
                self._warn(f"«{section.numeral}. {section.title}» là tiêu đề phần (không có nhiệm vụ riêng): "
                           "không nhập thành mục; các mục I, II, … bên dưới giữ đúng số thứ tự.",
                           section.source_row, self._section_sheet.get(id(section), ""))
                continue
            kept.append(section)
        if kept:
            self.draft.sections = kept

    @staticmethod
    def _row_texts(rows: Iterable[RawRow]) -> list[str]:
        out = []
        for row in rows:
            out.extend(text for _, text in _distinct_cells([clean_cell(c) for c in row.cells]))
        return out

    def _agencies(self, text: str | None) -> list[str]:
        """split_agencies, remembered for this file (the same few agency cells repeat on most rows)."""
        names = self._split_agencies.get(text)
        if names is None:
            names = self._split_agencies[text] = tuple(split_agencies(text))
        return list(names)

    def _warn(self, message: str, row: int | None, sheet: str) -> None:
        self.draft.warnings.append(ImportWarning(message, row=row, sheet=sheet))

    def _section_from_row(self, raw: RawRow, distinct: list[tuple[int, str]], values: dict[str, str],
                          columns: dict[str, int]) -> tuple[str, str] | None:
        if not distinct:
            return None
        if len(distinct) == 1:
            text = distinct[0][1]
            m = _SECTION_RE.match(text)
            if m and not m.group(2)[:1].islower():
                return m.group(1), m.group(2).strip()
            if _ROMAN_ONLY_RE.match(text):
                return None
            marked = raw.bold or raw.merged_across or any(
                _BOLD_RE.search(c or "") for c in raw.cells)
            col = distinct[0][0]
            in_text_column = col in (columns.get(NUMBER), columns.get(CONTENT))
            if marked and _is_upper(text) and (in_text_column or raw.merged_across) \
                    and not _ARABIC_RE.match(values.get(NUMBER, "")):
                m = _LETTER_SECTION_RE.match(text)
                if m:
                    return m.group(1), m.group(2).strip()
                return "", text
            return None
        number, content = values.get(NUMBER, ""), values.get(CONTENT, "")
        m = _ROMAN_ONLY_RE.match(number) or (_is_upper(content) and _LETTER_ONLY_RE.match(number))
        if m and content and not any(values.get(f) for f in (PRODUCT, LEAD, COORD, DEADLINE)
                                     if values.get(f) != content):
            others = [t for i, t in distinct if i not in (columns.get(NUMBER), columns.get(CONTENT))
                      and t != content]
            if not others:
                return m.group(1), content
        return None

    def _ensure_section(self, row: int, sheet: str) -> SectionDraft:
        if self._st.section is None:
            section = SectionDraft(title=DEFAULT_SECTION_TITLE, numeral="", source_row=row,
                                   source_sheet=sheet)
            self.draft.sections.append(section)
            self._section_sheet[id(section)] = sheet
            self._st.section = section
            if not self._warned_default_section:
                self._warned_default_section = True
                self._warn("Nhiệm vụ đứng trước mục đầu tiên (I, II, …) được xếp vào mục "
                           f"«{DEFAULT_SECTION_TITLE}».", row, sheet)
        return self._st.section

    def _product(self, values: dict[str, str], raw_cells: dict[str, str], row: int,
                 sheet: str = "") -> ProductDraft:
        return ProductDraft(description=values.get(PRODUCT, ""),
                            leads=self._agencies(raw_cells.get(LEAD)),
                            coordinators=self._agencies(raw_cells.get(COORD)),
                            deadline_text=values.get(DEADLINE, "").replace("\n", " "),
                            source_row=row, source_sheet=sheet)

    def _row(self, raw: RawRow, columns: dict[str, int], sheet: str) -> None:
        st = self._st
        cells = clean_cells(raw.cells)
        if not any(cells):
            return
        distinct = _distinct_cells(cells)
        if _is_header_like(distinct, self._header_keys) or is_column_number_row(cells):
            st.page_break = True
            return
        raw_cells = {f: (raw.cells[c] if c < len(raw.cells) and raw.cells[c] is not None else "")
                     for f, c in columns.items()}
        values = {f: (cells[c] if c < len(cells) else "") for f, c in columns.items()}
        section = self._section_from_row(raw, distinct, values, columns)
        if section is not None:
            numeral, title = section
            st.section = SectionDraft(title=title, numeral=numeral, source_row=raw.row, source_sheet=sheet)
            self.draft.sections.append(st.section)
            self._section_sheet[id(st.section)] = sheet
            st.task = None
            st.page_break = False
            st.prev_task_row_incomplete = False
            return
        if not any(values.values()):
            return  # text only in unmapped columns (e.g. "Ghi chú")
        number = values.get(NUMBER, "")
        content = values.get(CONTENT, "")
        product = values.get(PRODUCT, "")
        has_fields = any(values.get(f) for f in (LEAD, COORD, DEADLINE))
        page_break, st.page_break = st.page_break, False
        prev_incomplete, st.prev_task_row_incomplete = st.prev_task_row_incomplete, False

        if number or content:
            if st.task is not None and content == st.task.content and (
                    not number or number == st.task.number):
                self._add_product(values, raw_cells, raw.row, sheet)
                return
            if not number and st.task is not None and (
                    page_break or prev_incomplete or content[:1].islower()):
                self._append_split(values, raw_cells, raw.row, sheet)
                return
            self._new_task(number, content, values, raw_cells, raw.row, sheet, columns)
            st.prev_task_row_incomplete = not product and not has_fields
            return
        if product:
            self._add_product(values, raw_cells, raw.row, sheet)
            return
        # only agencies / deadline in the row
        if st.task is None or not st.task.products:
            self._warn("Dòng chỉ có cơ quan/thời gian nhưng không thuộc nhiệm vụ nào; đã bỏ qua.",
                       raw.row, sheet)
            return
        last = st.task.products[-1]
        self._merge_fields(last, values, raw_cells, separate=True)
        self._warn("Dòng chỉ có cơ quan/thời gian thực hiện; đã gộp vào sản phẩm ở dòng trên.",
                   raw.row, sheet)

    def _new_task(self, number: str, content: str, values: dict[str, str],
                  raw_cells: dict[str, str], row: int, sheet: str,
                  columns: dict[str, int]) -> None:
        st = self._st
        section = self._ensure_section(row, sheet)
        if st.task is not None and number and number == st.task.number:
            self._warn(f"Số thứ tự {number} trùng với nhiệm vụ ở dòng trên nhưng nội dung khác; "
                       "đã nhập thành nhiệm vụ mới.", row, sheet)
        elif number and not _ARABIC_RE.match(number) and not is_sub_item(number):
            self._warn(f"Số thứ tự «{number}» không phải là số; vẫn nhập thành nhiệm vụ.",
                       row, sheet)
        elif not number and NUMBER in columns:
            self._warn("Dòng có nội dung nhưng không có số thứ tự; đã nhập thành nhiệm vụ mới.",
                       row, sheet)
        if not content:
            self._warn(f"Nhiệm vụ số {number} không có nội dung.", row, sheet)
        task = TaskDraft(content=content, number=number, source_row=row, source_sheet=sheet)
        section.tasks.append(task)
        st.task = task
        st.last_raw = {}
        if values.get(PRODUCT) or any(values.get(f) for f in (LEAD, COORD, DEADLINE)):
            task.products.append(self._product(values, raw_cells, row, sheet))
            st.last_raw = dict(values)

    def _add_product(self, values: dict[str, str], raw_cells: dict[str, str], row: int,
                     sheet: str) -> None:
        st = self._st
        task = st.task
        if task is None:
            self._warn(f"Sản phẩm «{values.get(PRODUCT, '')}» đứng trước mọi nhiệm vụ; đã bỏ qua.",
                       row, sheet)
            return
        product = self._product(values, raw_cells, row, sheet)
        blank = not any(values.get(f) for f in (LEAD, COORD, DEADLINE))
        placeholder = task.products[-1] if task.products and not task.products[-1].description \
            else None
        if placeholder is not None:
            placeholder.description = product.description
            if not blank:
                placeholder.leads = product.leads
                placeholder.coordinators = product.coordinators
                placeholder.deadline_text = product.deadline_text
            st.last_raw = dict(values)
            return
        if blank and task.products:
            above = task.products[-1]
            product.leads = list(above.leads)
            product.coordinators = list(above.coordinators)
            product.deadline_text = above.deadline_text
            if above.leads or above.coordinators or above.deadline_text:
                self._warn(f"Sản phẩm «{product.description}» để trống cơ quan chủ trì, phối hợp "
                           "và thời gian; đã lấy theo sản phẩm ở dòng trên của cùng nhiệm vụ.",
                           row, sheet)
        if not product.description and blank:
            return  # a pure vertical-merge copy with nothing new
        task.products.append(product)
        st.last_raw = dict(values)

    @staticmethod
    def _join_agency_text(before: str, after: str) -> str:
        if not before:
            return after
        if before.rstrip().endswith(("-", "–", ",")) or after[:1].islower():
            return before.rstrip() + " " + after
        return before + "\n" + after

    def _merge_fields(self, product: ProductDraft, values: dict[str, str],
                      raw_cells: dict[str, str], *, separate: bool) -> None:
        for fld, attr in ((LEAD, "leads"), (COORD, "coordinators")):
            text = values.get(fld, "")
            if not text:
                continue
            if separate:
                names = getattr(product, attr)
                names.extend(n for n in self._agencies(raw_cells.get(fld)) if n not in names)
            else:
                before = self._st.last_raw.get(fld, "")
                joined = self._join_agency_text(before, text)
                self._st.last_raw[fld] = joined
                setattr(product, attr, split_agencies(joined))
        deadline = values.get(DEADLINE, "").replace("\n", " ")
        if deadline:
            product.deadline_text = (f"{product.deadline_text} {deadline}".strip()
                                     if product.deadline_text != deadline else deadline)

    def _append_split(self, values: dict[str, str], raw_cells: dict[str, str], row: int,
                      sheet: str) -> None:
        task = self._st.task
        assert task is not None
        task.content = f"{task.content} {values.get(CONTENT, '')}".strip()
        product_text = values.get(PRODUCT, "")
        has_fields = any(values.get(f) for f in (LEAD, COORD, DEADLINE))
        if task.products and (product_text or has_fields):
            last = task.products[-1]
            if product_text:
                last.description = f"{last.description} {product_text}".strip()
            self._merge_fields(last, values, raw_cells, separate=False)
        elif product_text or has_fields:
            task.products.append(self._product(values, raw_cells, row, sheet))
            self._st.last_raw = dict(values)
        target = f"nhiệm vụ số {task.number}" if task.number else "nhiệm vụ ở dòng trên"
        self._warn(f"Nội dung nhiệm vụ bị tách sang dòng này (ngắt trang); đã nối vào {target}.",
                   row, sheet)


def build_appendix(tables: Iterable[RawTable], source_name: str, *, file: str = "",
                   preamble: Sequence[str] = ()) -> AppendixDraft:
    """Turn raw tables (in document order) into an AppendixDraft; see the module docstring."""
    builder = AppendixBuilder(source_name, file=file)
    builder.add_preamble(preamble)
    for table in tables:
        builder.add_table(table)
    return builder.finish()


# --------------------------------------------------------------------------- file guards

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Limits read from the zip directory before anything is parsed. A real appendix (3,000 tasks) unzips to a few MB
# of XML; a crafted 50 KB file can declare hundreds of MB of shared strings.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024   # every part together (pictures in a .docx included)
MAX_XML_BYTES = 40 * 1024 * 1024         # the XML parts a reader parses, together
MAX_PART_RATIO = 1000                    # one part inflating more than 1000× (and over 10 MB): a zip bomb


def check_file(path, *, file: str) -> int:
    """Existence / size guard shared by the readers; returns the size in bytes."""
    import os
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise ImportFailure("không tìm thấy tệp.", file=file) from None
    except OSError as exc:
        raise ImportFailure(f"không đọc được tệp ({exc.strerror or exc}).", file=file) from None
    if os.path.isdir(path):
        raise ImportFailure("đây là một thư mục, không phải tệp.", file=file)
    if size == 0:
        raise ImportFailure("tệp rỗng (0 byte).", file=file)
    if size > MAX_FILE_BYTES:
        raise ImportFailure(f"tệp quá lớn ({size / 1024 / 1024:.0f} MB); chỉ nhập được tệp tối đa "
                            f"{MAX_FILE_BYTES // 1024 // 1024} MB.", file=file)
    return size


def check_office_zip(path, *, file: str, kind: str, required_part: str) -> None:
    """Make sure an .xlsx/.docx is a sane OOXML zip before handing it to the library.

    ``kind`` is the Vietnamese name of the format ("Excel", "Word").
    """
    import zipfile
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ImportFailure(f"không đọc được tệp ({exc.strerror or exc}).", file=file) from None
    if head.startswith(OLE_MAGIC):
        raise ImportFailure(
            f"tệp được đặt mật khẩu hoặc là định dạng {kind} cũ (97–2003). Hãy gỡ mật khẩu và "
            f"lưu lại thành tệp {kind} mới ({'.xlsx' if kind == 'Excel' else '.docx'}) rồi "
            "nhập lại.", file=file)
    if not head.startswith(ZIP_MAGIC):
        raise ImportFailure(f"tệp không phải là tệp {kind} hợp lệ (nội dung không đúng định "
                            "dạng).", file=file)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            total = sum(info.file_size for info in zf.infolist())
            xml_total = sum(info.file_size for info in zf.infolist()
                            if info.filename.lower().endswith((".xml", ".rels", ".vml")))
            bomb = next((info for info in zf.infolist() if info.file_size > 10 * 1024 * 1024
                         and info.file_size > MAX_PART_RATIO * max(info.compress_size, 1)), None)
            if any(info.flag_bits & 0x1 for info in zf.infolist()):
                raise ImportFailure("tệp được đặt mật khẩu; hãy gỡ mật khẩu rồi nhập lại.",
                                    file=file)
    except ImportFailure:
        raise
    except Exception:  # BadZipFile, truncated archive, OSError, ...
        raise ImportFailure(f"tệp {kind} bị hỏng hoặc không đầy đủ, không mở được.",
                            file=file) from None
    if required_part not in names:
        raise ImportFailure(f"tệp không phải là tệp {kind} hợp lệ (thiếu phần {required_part}).",
                            file=file)
    if total > MAX_UNZIPPED_BYTES or xml_total > MAX_XML_BYTES or bomb is not None:
        what = (f"phần «{bomb.filename}» nén {bomb.compress_size:,} byte nhưng giải nén ra {bomb.file_size:,} byte"
                if bomb is not None else f"nội dung giải nén ra {max(total, xml_total) / 1024 / 1024:.0f} MB")
        raise ImportFailure(f"tệp có dung lượng giải nén bất thường ({what}); một phụ lục thật chỉ cần vài MB "
                            f"(giới hạn {MAX_XML_BYTES // 1024 // 1024} MB dữ liệu). Không nhập; hãy mở tệp bằng "
                            f"{kind} và lưu lại rồi thử lại.", file=file)
