"""Reading back the per-agency list of criteria lacking evidence (the .xlsx from ``outputs.chase_report``): each
agency writes the number, date and summary of its documents in the last three columns and sends the file back.

``read_chase_files`` previews every filled row (to add / already there / refused and why, naming file, sheet and
row); ``apply_chase`` adds the new documents to their criteria in one transaction and returns their ids (run as
one operation, ``ops.par.import_chase``, so the import is one undo step). Rows left empty are not rows the agency
answered and are passed over."""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import DateTextError, parse_user_date
from ..importers.model import ImportFailure
from ..importers.xlsx_reader import load_xlsx
from ..store import Store
from ..text import clean_cell, fold
from ..xlsx_safety import read_cell_text
from .mapping import add_document, criterion_documents

NUMBER_HEADER = "Số, ký hiệu văn bản (cơ quan ghi)"
DATE_HEADER = "Ngày ban hành (cơ quan ghi)"
SUMMARY_HEADER = "Trích yếu (cơ quan ghi)"
ADD, PRESENT, REFUSED = "add", "present", "refused"
STATUS_LABELS = {ADD: "sẽ thêm", PRESENT: "đã có, bỏ qua", REFUSED: "không nhận"}


@dataclass
class ChaseRow:
    file: str
    sheet: str
    row: int
    code: str
    doc_number: str
    issued_on: _dt.date | None
    summary: str
    status: str
    why: str = ""
    criterion_id: str = ""
    cell: str = ""            # the cell a refusal is about, e.g. "F12"

    @property
    def where(self) -> str:
        return f"tệp «{self.file}», trang «{self.sheet}», dòng {self.row}" + (f", ô {self.cell}" if self.cell else "")

    @property
    def document_text(self) -> str:
        """"15/BC-UBND – 20/03/2026 – Báo cáo kết quả" (the parts given)."""
        date = self.issued_on.strftime("%d/%m/%Y") if self.issued_on else ""
        return " – ".join(x for x in (self.doc_number, date, self.summary) if x)


@dataclass
class ChasePreview:
    rows: list[ChaseRow] = field(default_factory=list)

    @property
    def to_add(self) -> list[ChaseRow]:
        return [r for r in self.rows if r.status == ADD]


def _date(value) -> _dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return parse_user_date(str(value))


def _header(ws) -> tuple[int, dict[str, int]] | None:
    wanted = {fold("Mã"): "code", fold(NUMBER_HEADER): "number", fold(DATE_HEADER): "date",
              fold(SUMMARY_HEADER): "summary"}
    for row in ws.iter_rows(min_row=1, max_row=15):
        found = {}
        for cell in row:
            key = wanted.get(fold(clean_cell(cell.value))) if isinstance(cell.value, str) else None
            if key:
                found[key] = cell.column - 1
        if len(found) == 4:
            return row[0].row, found
    return None


@dataclass
class ChaseIndex:
    """What a filled row is checked against: the catalogue's codes, its leaves, the documents already there."""

    codes: dict[str, str]                 # code -> criterion id
    leaves: set[str]
    have: set[tuple[str, str]]            # (criterion id, folded document number)

    @classmethod
    def load(cls, store: Store, plan_id: str, catalog_id: str) -> "ChaseIndex":
        codes = {r["code"]: r["id"] for r in store.db.query(
            "SELECT id, code FROM par_criterion WHERE catalog_id = ?", (catalog_id,))}
        leaves = {r["id"] for r in store.db.query(
            "SELECT id FROM par_criterion c WHERE catalog_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM par_criterion k WHERE k.parent_id = c.id)", (catalog_id,))}
        have = {(cid, document_key(d.doc_number, d.summary))
                for cid, docs in criterion_documents(store, plan_id, catalog_id).items() for d in docs}
        return cls(codes, leaves, have)


def document_key(number: str, summary: str) -> str:
    """What makes two documents of a criterion the same: the number, or the summary of one without a number."""
    return fold(number) if clean_cell(number) else "~" + fold(summary)


def _code_text(value) -> str:
    """A criterion code as written: "3.4", "3.4." or a number the spreadsheet kept as 3.4 -> "3.4"; an integer kept
    as 3.0 -> "3"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_cell(value).rstrip(".").upper()


def find_chase_header(ws) -> tuple[int, dict[str, int]] | None:
    """(header row, {code/number/date/summary: 0-based column}) of a sheet listing criteria lacking evidence."""
    return _header(ws)


def read_chase_sheet(ws, file_name: str, index: ChaseIndex, found: tuple[int, dict[str, int]]) -> list[ChaseRow]:
    """The rows an agency filled in on one sheet (the chase list, or the sheet of an update workbook), each to add,
    already there, or refused with why (the cell named)."""
    from openpyxl.utils import get_column_letter

    start, cols = found
    out = []
    for cells in ws.iter_rows(min_row=start + 1):
        values = {k: read_cell_text(cells[i].value) if i < len(cells) else None for k, i in cols.items()}
        number, summary = clean_cell(values["number"]), clean_cell(values["summary"])
        code = _code_text(values["code"])
        if not (number or summary or values["date"] not in (None, "")) or code == "5":
            continue                              # not answered (or the column-number row)
        row = ChaseRow(file_name, ws.title, cells[0].row, code, number, None, summary, ADD)
        try:
            row.issued_on = _date(values["date"])
        except DateTextError as exc:            # «ngày 31/02/2026 không tồn tại», worded like the other reasons
            text = str(exc).strip().rstrip(".")
            row.status, row.why = REFUSED, text[:1].lower() + text[1:]
            row.cell = f"{get_column_letter(cols['date'] + 1)}{row.row}"
        except (TypeError, ValueError, OverflowError):
            row.status, row.why = REFUSED, (f"ngày ban hành «{clean_cell(values['date'])}» không hợp lệ (cần dạng "
                                            "ngày/tháng/năm, ví dụ 15/03/2026)")
            row.cell = f"{get_column_letter(cols['date'] + 1)}{row.row}"
        if row.status == ADD and not code:
            row.status, row.why = REFUSED, "chưa ghi mã tiêu chí của văn bản"
            row.cell = f"{get_column_letter(cols['code'] + 1)}{row.row}"
        elif row.status == ADD and code not in index.codes:
            row.status, row.why = REFUSED, f"Bộ chỉ số không có tiêu chí mã «{code}»"
            row.cell = f"{get_column_letter(cols['code'] + 1)}{row.row}"
        elif row.status == ADD and index.codes[code] not in index.leaves:
            row.status, row.why = REFUSED, f"tiêu chí {code} có tiêu chí thành phần; ghi vào từng mục con"
            row.cell = f"{get_column_letter(cols['code'] + 1)}{row.row}"
        elif row.status == ADD and not (number or summary):
            row.status, row.why = REFUSED, "cần số, ký hiệu hoặc trích yếu của văn bản"
            row.cell = f"{get_column_letter(cols['number'] + 1)}{row.row}"
        if row.status == ADD:
            row.criterion_id = index.codes[code]
            key = (row.criterion_id, document_key(number, summary))
            if key in index.have:
                row.status, row.why = PRESENT, "văn bản này đã có trong hồ sơ của tiêu chí"
            else:
                index.have.add(key)
        out.append(row)
    return out


def read_chase_files(store: Store, plan_id: str, catalog_id: str, paths: list[str | os.PathLike]) -> ChasePreview:
    index = ChaseIndex.load(store, plan_id, catalog_id)
    preview = ChasePreview()
    for path in paths:
        name = Path(path).name
        wb = load_xlsx(path)
        try:
            sheets = 0
            for ws in wb.worksheets:
                found = _header(ws)
                if found is None:
                    continue
                sheets += 1
                preview.rows.extend(read_chase_sheet(ws, name, index, found))
            if sheets == 0:
                raise ImportFailure("không phải danh sách tiêu chí còn thiếu tài liệu kiểm chứng (không thấy cột "
                                    f"«{NUMBER_HEADER}»).", file=name)
        finally:
            wb.close()
    return preview


def add_chase_row(store: Store, plan_id: str, row: ChaseRow) -> str:
    """Record one answered row as a document of its criterion (inside the caller's transaction)."""
    return add_document(store, plan_id, row.criterion_id, doc_number=row.doc_number, summary=row.summary,
                        issued_on=row.issued_on or "")


def apply_chase(store: Store, plan_id: str, preview: ChasePreview) -> list[str]:
    """Add every row marked ADD, in one transaction; returns the new par_document ids."""
    with store.transaction():
        return [add_chase_row(store, plan_id, r) for r in preview.to_add]
