"""Update workbooks (.xlsx) sent to agencies: one per lead agency (or one for all) for a reporting
period, filled in plain Excel or LibreOffice and imported back with workbook_import.

Sheets: "Cập nhật" (data: read-only task/product/deadline, editable status … notes, hidden row ids and
export fingerprint in columns), "Hướng dẫn" (instructions), "DanhMuc" (hidden list of statuses for the
drop-down), "_cchc" (hidden metadata). The data sheet is protected WITHOUT a password (Review →
Unprotect Sheet) so read-only columns are not edited by accident; sorting and filtering stay allowed.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from xml.sax.saxutils import escape as xml_escape
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..agency_groups import is_group
from .. import APP_NAME, APP_VERSION, changelog
from ..domain import ROLE_LEAD
from ..store import Store
from ..text import fold, nfc
from ..tracking.periods import make_period
from ..deadlines import parse_deadline
from ..tracking.status import ProductContext, empty_status
from ..tracking.timeliness import STATUS_LABELS, STATUSES, stored_row
from ..xlsx_print import (NARROW_MARGINS, fit_row_heights, fit_widths, print_setup, printable_sheet,
                          printable_width, use_report_font, wrapped_height)
from ..xlsx_print import font as print_font
from ..xlsx_safety import cell_text, is_risky, safe_name_value, set_text
from .target_io import TargetWriteError, ensure_folder, write_target_bytes
from .workbook_common import (BY_KEY, COLUMNS, DATE_FORMAT, FORMAT_TAG, ID_MARKER, META_MARKER, META_SHEET,
                              row_id, slug)

DATA_SHEET = "Cập nhật"
PAR_SHEET = "Tài liệu kiểm chứng CCHC"
PAR_MORE_TITLE = "VĂN BẢN KIỂM CHỨNG KHÁC — tiêu chí có nhiều văn bản: mỗi văn bản một dòng, chọn mã tiêu chí ở cột A"


def par_more_rows(criteria: int) -> int:
    """Blank rows at the bottom of the PAR sheet for further documents (the agency chooses the code): three per
    criterion listed, at least 10, at most 90."""
    return max(10, min(90, 3 * criteria))
HELP_SHEET = "Hướng dẫn"
LIST_SHEET = "DanhMuc"
HEADER_ROW = 5
NO_LEAD = ""   # agency key of products without a lead agency (in the "all agencies" workbook only)

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_EDIT_FILL = PatternFill("solid", fgColor="FFF9E5")
_LOCK_FILL = PatternFill("solid", fgColor="F2F2F2")


@dataclass
class WorkbookRow:
    row_id: str
    product_id: str
    key: str
    values: dict            # column key -> value (dates as date, percent int)
    evidence_id: str | None = None


@dataclass
class WorkbookExport:
    path: Path
    agency_id: str | None
    agency_name: str
    fingerprint: str
    rows: int
    sha256: str = ""


@dataclass
class _Scope:
    agency_id: str | None
    agency_name: str
    rows: list[WorkbookRow] = field(default_factory=list)
    par_rows: list[list[str]] = field(default_factory=list)   # PAR criteria lacking evidence (par.outputs)
    par_year: int | None = None


def collect_rows(store: Store, plan_id: str, period_key: str, agency_id: str | None = None, *,
                 plan=None, _all: list | None = None) -> list[WorkbookRow]:
    """Rows of the workbook: products led by `agency_id` (None: every product), one per status row
    the reporting period maps to (tracking module decides the key)."""
    plan = plan or store.load_plan(plan_id)
    every = _all if _all is not None else _plan_rows(store, plan, period_key)
    rows = []
    for leads, row in every:
        if agency_id is not None and agency_id not in leads:
            continue
        row = WorkbookRow(row.row_id, row.product_id, row.key, {**row.values, "stt": len(rows) + 1},
                          row.evidence_id)
        rows.append(row)
    return rows


def _plan_rows(store: Store, plan, period_key: str) -> list[tuple[set, WorkbookRow]]:
    """(lead agency ids, row) for every product of the plan: statuses and evidence read in one query each."""
    statuses: dict[str, dict[str, dict]] = {}
    evidence: dict[tuple, list[dict]] = {}
    scope = ("FROM {t} x JOIN product p ON p.id = x.product_id JOIN task t ON t.id = p.task_id "
             "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?")
    for r in store.db.query("SELECT x.* " + scope.format(t="product_status"), (plan.id,)):
        statuses.setdefault(r["product_id"], {})[r["period_key"]] = dict(r)
    for r in store.db.query("SELECT x.* " + scope.format(t="evidence") +
                            " ORDER BY x.period_key, x.position, x.created_at", (plan.id,)):
        evidence.setdefault((r["product_id"], r["period_key"]), []).append(dict(r))
    out = []
    for _section, task, product in plan.iter_products():
        ctx = ProductContext(product.id, plan.id, plan.year_start, plan.year_end,
                             parse_deadline(product.deadline_text, plan.year_start, plan.year_end))
        key = ctx.key_for(period_key)
        status = stored_row(statuses.get(product.id, {}), ctx.deadline, key, plan.year_start) \
            or empty_status(product.id, key)
        found = evidence.get((product.id, key))
        first = found[0] if found else None
        values = {
            "task": task.content, "product": product.description,
            "deadline": product.deadline_text, "lead": product.lead_names,
            "status": STATUS_LABELS[status["status"]], "percent": status["percent"],
            "completed_on": _to_date(status["completed_on"]), "result": status["result"],
            "reason": status["reason"], "notes": status["notes"],
            "ev_number": first["doc_number"] if first else "",
            "ev_date": _to_date(first["issued_on"]) if first else None,
            "ev_summary": first["summary"] if first else "",
        }
        out.append(({a.id for a in product.leads},
                     WorkbookRow(row_id(product.id, key), product.id, key, values, first["id"] if first else None)))
    return out


def _to_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def baseline_of(rows: list[WorkbookRow]) -> dict:
    """What was exported, per row id (stored in exchange_export to find conflicts on import)."""
    out = {}
    for row in rows:
        values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.values.items() if k != "stt"}
        out[row.row_id] = {**values, "evidence_id": row.evidence_id}
    return out


def unit_heading(unit_kind: str, unit_name: str) -> str:
    """"Xã Xuân Trường" from ("xã", "xã Xuân Trường") or ("xã", "Xuân Trường") – never "xã xã …"."""
    kind, name = nfc(unit_kind or "").strip(), " ".join(nfc(unit_name or "").split())
    if kind and not (fold(name) == fold(kind) or fold(name).startswith(fold(kind) + " ")):
        name = f"{kind} {name}".strip()
    return name[:1].upper() + name[1:]


def plan_heading(doc_number: str | None, period_label: str) -> str:
    """"Kế hoạch số 03/KH-UBND năm 2026" ("Kế hoạch năm 2026" without a number)."""
    number = (doc_number or "").strip()
    return f"Kế hoạch số {number} năm {period_label}" if number else f"Kế hoạch năm {period_label}"


def _write_book(path_tmp, plan, period_label: str, scope: _Scope, period_key: str, fingerprint: str) -> None:
    wb = Workbook()
    use_report_font(wb)             # Times New Roman 12: column units and printed rows as computed (xlsx_print)
    ws = wb.active
    ws.title = DATA_SHEET
    set_text(ws["A1"], f"CẬP NHẬT TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH — {period_label.upper()}")
    ws["A1"].font = print_font(bold=True, size=13)     # the workbook's font: widths and heights as computed
    set_text(ws["A2"], f"Đơn vị: {unit_heading(plan.unit_kind, plan.unit_name)} — "
                       f"{plan_heading(plan.doc_number, plan.period_label)}")
    set_text(ws["A3"], f"Cơ quan cập nhật: {scope.agency_name or 'Tất cả cơ quan'}")
    set_text(ws["A4"], "Chỉ nhập vào các cột nền vàng. Không xóa, không thêm dòng; có thể sắp xếp lại. "
                "Xem trang «Hướng dẫn».")
    ws["A4"].font = print_font(italic=True, color="C00000")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, index)
        set_text(cell, column.header)
        cell.font = print_font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.hidden:
            ws.column_dimensions[letter].hidden = True
    ws.row_dimensions[HEADER_ROW].height = 45
    meta_value = f"{fingerprint}|{plan.id}|{period_key}"
    first = HEADER_ROW + 1
    # Data rows are not built as openpyxl cells (35 µs each): one style per column (and a quote-prefixed
    # twin for text a spreadsheet would run as a formula) is registered here, and the rows are streamed
    # into the sheet's XML after saving (_stream_rows).
    column_styles = []
    for index, column in enumerate(COLUMNS, start=1):
        proto = Cell(ws, row=first, column=index)      # detached: only registers its style
        proto.border = _BORDER
        proto.alignment = Alignment(wrap_text=True, vertical="top")
        if column.kind == "date":
            proto.number_format = DATE_FORMAT
        elif column.kind == "percent":
            proto.number_format = "0"
        if column.editable:
            proto.protection = Protection(locked=False)
            proto.fill = _EDIT_FILL
        else:
            proto.fill = _LOCK_FILL
        plain = proto.style_id
        proto.quotePrefix = True
        column_styles.append((plain, proto.style_id))
    data_rows = [[row.row_id if c.key == "row_id" else meta_value if c.key == "meta" else row.values.get(c.key)
                  for c in COLUMNS] for row in scope.rows]
    last_row = first + max(len(scope.rows), 1) - 1
    # Drop-down of statuses from a range on the hidden list sheet (never an inline list).
    lists = wb.create_sheet(LIST_SHEET)
    for i, code in enumerate(STATUSES, start=1):
        set_text(lists.cell(i, 1), STATUS_LABELS[code])
    lists.sheet_state = "hidden"
    col = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    status_dv = DataValidation(type="list", formula1=f"{LIST_SHEET}!$A$1:$A${len(STATUSES)}", allow_blank=True,
                               showErrorMessage=True, errorTitle="Tình trạng không hợp lệ",
                               error="Hãy chọn một tình trạng trong danh sách.")
    status_dv.add(f"{col['status']}{first}:{col['status']}{last_row}")
    percent_dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                                showErrorMessage=True, errorTitle="Tỷ lệ không hợp lệ",
                                error="Tỷ lệ hoàn thành là số nguyên từ 0 đến 100.")
    percent_dv.add(f"{col['percent']}{first}:{col['percent']}{last_row}")
    date_dv = DataValidation(type="date", operator="between", formula1="36526", formula2="73050", allow_blank=True,
                             showErrorMessage=True, errorStyle="warning", errorTitle="Ngày không hợp lệ",
                             error="Nhập ngày dạng ngày/tháng/năm, ví dụ 15/03/2026.")
    date_dv.add(f"{col['completed_on']}{first}:{col['completed_on']}{last_row}")
    date_dv.add(f"{col['ev_date']}{first}:{col['ev_date']}{last_row}")
    for dv in (status_dv, percent_dv, date_dv):
        ws.add_data_validation(dv)
    ws.freeze_panes = f"{get_column_letter(BY_KEY_INDEX['status'])}{HEADER_ROW + 1}"   # no cell created
    ws.auto_filter.ref = f"A{HEADER_ROW}:{col['notes']}{last_row}"
    ws.print_area = f"A1:{col['notes']}{last_row}"     # the hidden technical columns come after «Ghi chú»
    # landscape A4 fitted to the page width only (the column widths keep the text ≥ 8 pt), the header row on every
    # page, «Trang x/y»
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", margins=NARROW_MARGINS)
    fit_row_heights(ws, HEADER_ROW, HEADER_ROW)       # the header's wrapped words, bold, in the narrower columns
    # Protected without a password: Review → Unprotect Sheet. Sorting/filtering/resizing allowed.
    ws.protection.sheet = True
    ws.protection.sort = False
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False

    if scope.par_rows:
        _write_par_sheet(wb, scope)

    help_ws = wb.create_sheet(HELP_SHEET)
    for i, line in enumerate(_instructions(scope, period_label), start=1):
        cell = help_ws.cell(i, 1)
        set_text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = print_font(bold=i == 1, size=13 if i == 1 else 12)
    # portrait A4: one column as wide as the page, each instruction's row as tall as its wrapped lines
    printable_sheet(help_ws, [printable_width(landscape=False)], landscape=False)

    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate((("format", FORMAT_TAG), ("fingerprint", fingerprint), ("plan_id", plan.id),
                                ("period_key", period_key), ("agency_id", scope.agency_id or ""),
                                ("agency_name", scope.agency_name), ("app", f"{APP_NAME} {APP_VERSION}"),
                                ("id_column", ID_MARKER), ("meta_column", META_MARKER)), start=1):
        set_text(meta.cell(i, 1), k)
        set_text(meta.cell(i, 2), v)  # an agency name such as "=cmd|'/c calc'!A1" stays inert text
    meta.sheet_state = "hidden"
    wb.active = 0
    wb.properties.creator = APP_NAME
    wb.properties.title = safe_name_value(f"Cập nhật tiến độ CCHC — {period_label}")
    saved = io.BytesIO()
    wb.save(saved)
    # rows as tall as their wrapped text (visible columns; programs do not grow rows on opening, printed rows
    # overlapped): the same measure as every printed sheet (xlsx_print.wrapped_height)
    visible = [(i, c.width) for i, c in enumerate(COLUMNS) if not c.hidden and c.kind not in ("date", "percent")]
    heights = [max((wrapped_height(values[i], width) for i, width in visible
                    if isinstance(values[i], str) and values[i]), default=None) for values in data_rows]
    path_tmp.write(_stream_rows(saved.getvalue(), first, data_rows, column_styles, heights))


def _write_par_sheet(wb, scope: _Scope) -> None:
    """Sheet «Tài liệu kiểm chứng CCHC»: the agency's PAR criteria still lacking evidence, with three yellow columns
    for the number, date and summary of its documents, then a block of blank rows «Văn bản kiểm chứng khác» where
    the agency chooses the criterion code (a list of the codes above) for each further document — so a criterion
    can take several documents in one round. Both parts are read back by par.chase_import (the same reader as the
    chase list; a blank or unknown code is refused with its cell). Protected like the data sheet; only the yellow
    cells are open."""
    from ..par.chase_import import DATE_HEADER, NUMBER_HEADER, SUMMARY_HEADER

    ws = wb.create_sheet(PAR_SHEET, 1)
    set_text(ws["A1"], f"TÀI LIỆU KIỂM CHỨNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {scope.par_year}")
    ws["A1"].font = Font(bold=True, size=13)
    set_text(ws["A2"], f"Cơ quan: {scope.agency_name or 'Tất cả cơ quan'} — các tiêu chí, tiêu chí thành phần còn "
                       "thiếu tài liệu kiểm chứng")
    set_text(ws["A3"], "Ghi số, ký hiệu, ngày ban hành (ngày/tháng/năm) và trích yếu của văn bản kiểm chứng vào các "
                       "ô nền vàng, mỗi dòng một văn bản; tiêu chí có nhiều văn bản: ghi thêm ở phần «Văn bản kiểm "
                       "chứng khác» cuối trang, chọn mã tiêu chí ở cột A. Gửi kèm bản sao văn bản.")
    ws["A3"].font = Font(italic=True, color="C00000")
    ws.merge_cells("A3:G3")                 # the instruction wraps within the table's width
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    headers = ["Mã", "Tiêu chí", "Tài liệu kiểm chứng cần có", "Hiện có", NUMBER_HEADER, DATE_HEADER,
               SUMMARY_HEADER]
    widths = [9, 42, 34, 34, 18, 15, 36]
    for index, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(HEADER_ROW, index)
        set_text(cell, text)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
    ws.row_dimensions[HEADER_ROW].height = 45
    first = HEADER_ROW + 1
    for offset, values in enumerate(scope.par_rows):
        r = first + offset
        for index in range(1, len(headers) + 1):
            cell = ws.cell(r, index)
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index <= 4:
                set_text(cell, values[index - 1])
                cell.fill = _LOCK_FILL
            else:
                cell.protection = Protection(locked=False)
                cell.fill = _EDIT_FILL
                if index == 6:
                    cell.number_format = DATE_FORMAT
    last = first + len(scope.par_rows) - 1
    # -- further documents: the agency chooses the code --------------------------------------------------
    title_row = last + 2
    ws.merge_cells(start_row=title_row, start_column=1, end_row=title_row, end_column=len(headers))
    set_text(ws.cell(title_row, 1), PAR_MORE_TITLE)
    ws.cell(title_row, 1).font = Font(bold=True)
    ws.cell(title_row, 1).fill = _HEAD_FILL
    ws.row_dimensions[title_row].height = 20
    more_first = title_row + 1
    more_last = more_first + par_more_rows(len(scope.par_rows)) - 1
    for r in range(more_first, more_last + 1):
        for index in range(1, len(headers) + 1):
            cell = ws.cell(r, index)
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if 2 <= index <= 4:
                cell.fill = _LOCK_FILL
                continue
            cell.protection = Protection(locked=False)
            cell.fill = _EDIT_FILL
            if index == 1:
                cell.number_format = "@"          # "3.10" stays text, never the number 3.1
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif index == 6:
                cell.number_format = DATE_FORMAT
    code_dv = DataValidation(type="list", formula1=f"$A${first}:$A${last}", allow_blank=True, showErrorMessage=True,
                             errorStyle="warning", errorTitle="Mã tiêu chí",
                             error="Chọn mã tiêu chí trong danh sách phía trên (mã của Bộ chỉ số).")
    code_dv.add(f"A{more_first}:A{more_last}")
    ws.add_data_validation(code_dv)
    date_dv = DataValidation(type="date", operator="between", formula1="36526", formula2="73050", allow_blank=True,
                             showErrorMessage=True, errorStyle="warning", errorTitle="Ngày không hợp lệ",
                             error="Nhập ngày dạng ngày/tháng/năm, ví dụ 15/03/2026.")
    date_dv.add(f"F{first}:F{last}")
    date_dv.add(f"F{more_first}:F{more_last}")
    ws.add_data_validation(date_dv)
    ws.freeze_panes = f"A{first}"
    # landscape A4: columns fitted to the page, rows grown for their wrapped text (a spreadsheet opened without
    # recalculating layout keeps 15 pt rows), the header row on every page
    fit_widths(ws, widths, landscape=True)
    fit_row_heights(ws, 3, HEADER_ROW)
    fit_row_heights(ws, first, last, minimum=30)     # at least two lines to write in
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = date(1899, 12, 30)


def _cell_xml(ref: str, value, styles: tuple[int, int]) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{styles[0]}"/>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{styles[0]}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" s="{styles[0]}"><v>{value}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{styles[0]}"><v>{(value - _EPOCH).days}</v></c>'
    text, _cut = cell_text(value)          # one sanitiser and the cell limit, as for every other cell
    if not text.isprintable():
        text = _ILLEGAL_XML.sub("", text)
    risky = is_risky(text)
    return (f'<c r="{ref}" s="{styles[1] if risky else styles[0]}" t="inlineStr"><is><t xml:space="preserve">'
            f'{xml_escape(text)}</t></is></c>')


def _stream_rows(book: bytes, first: int, rows: list[list], styles: list[tuple[int, int]],
                 heights: list[float | None] | None = None) -> bytes:
    """Insert the data rows into the first worksheet of a saved workbook (inline strings: always text,
    never a formula) and return the new file. ``heights``: each row's height in points (its wrapped text)."""
    letters = [get_column_letter(i) for i in range(1, len(styles) + 1)]
    parts = []
    for offset, values in enumerate(rows):
        r = first + offset
        height = heights[offset] if heights else None
        parts.append(f'<row r="{r}" ht="{height}" customHeight="1">' if height else f'<row r="{r}">')
        parts.extend(_cell_xml(f"{letters[i]}{r}", v, styles[i]) for i, v in enumerate(values))
        parts.append("</row>")
    body = "".join(parts).encode("utf-8")
    sheet = "xl/worksheets/sheet1.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == sheet:
                last = first + len(rows) - 1 if rows else first - 1
                data = re.sub(rb'<dimension ref="[^"]*"/>',
                              f'<dimension ref="A1:{letters[-1]}{max(last, 1)}"/>'.encode(), data, count=1)
                data = data.replace(b"</sheetData>", body + b"</sheetData>", 1)
            target.writestr(info.filename, data)
    return out.getvalue()


BY_KEY_INDEX = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
assert BY_KEY["status"].editable


def _instructions(scope: _Scope, period_label: str) -> list[str]:
    labels = ", ".join(f"«{STATUS_LABELS[c]}»" for c in STATUSES)
    return [
        "HƯỚNG DẪN CẬP NHẬT TIẾN ĐỘ",
        f"Kỳ báo cáo: {period_label}. Cơ quan: {scope.agency_name or 'Tất cả cơ quan'}.",
        "1. Mở trang «Cập nhật». Chỉ nhập vào các cột có nền vàng; các cột nền xám (nhiệm vụ, sản phẩm, thời hạn) "
        "chỉ để đọc — nếu sửa, phần mềm sẽ bỏ qua.",
        f"2. Cột «Tình trạng thực hiện»: chọn trong danh sách: {labels}.",
        "3. «Tỷ lệ hoàn thành (%)»: số nguyên từ 0 đến 100. Khi chọn «Hoàn thành», phần mềm tự ghi 100%.",
        "4. Ngày nhập theo dạng ngày/tháng/năm, ví dụ 15/03/2026. «Hoàn thành» và «Hoàn thành quá hạn» bắt buộc "
        "có ngày hoàn thành; «Không thực hiện» bắt buộc ghi lý do.",
        "5. Minh chứng: ghi số/ký hiệu, ngày ban hành và trích yếu của văn bản chứng minh kết quả (một văn bản "
        "mỗi dòng; văn bản khác ghi thêm vào cột Ghi chú).",
        "6. Không thêm, không xóa dòng; không sửa các cột ẩn (mã dòng). Có thể sắp xếp, lọc, đổi tên trang tính, "
        "chỉnh độ rộng cột, lưu bằng Excel hoặc LibreOffice (định dạng .xlsx).",
        "7. Trang tính được khóa KHÔNG có mật khẩu chỉ để tránh sửa nhầm (Review/Xem lại → Unprotect Sheet/Bỏ bảo vệ "
        "trang tính nếu cần).",
        "8. Lưu tệp và gửi lại cho bộ phận đầu mối (qua USB hoặc thư điện tử). Không cần đổi tên tệp.",
    ] + ([f"9. Trang «{PAR_SHEET}»: các tiêu chí Chỉ số CCHC năm {scope.par_year} còn thiếu tài liệu kiểm chứng "
          "mà cơ quan chủ trì nhiệm vụ liên quan. Ghi số, ký hiệu, ngày ban hành và trích yếu văn bản vào ba cột nền "
          "vàng, mỗi dòng một văn bản; tiêu chí có nhiều văn bản thì ghi các văn bản sau ở phần «Văn bản kiểm chứng "
          "khác» cuối trang (chọn mã tiêu chí ở cột A). Phần mềm ghi các văn bản này vào hồ sơ tài liệu kiểm chứng "
          "khi nhập tệp."] if scope.par_rows else [])


_NOT_READ = object()


def export_workbook(store: Store, plan_id: str, period_key: str, folder: str | os.PathLike, *,
                    agency_id: str | None = None, agency_name: str | None = None,
                    file_name: str | None = None, plan=None, _all: list | None = None,
                    _chase=_NOT_READ) -> WorkbookExport:
    """Write one update workbook atomically into `folder`; registers its fingerprint and baseline. When the plan's
    year has a PAR catalogue, the workbook also lists the agency's criteria still lacking evidence."""
    plan = plan or store.load_plan(plan_id)
    period = make_period(period_key)
    if agency_id is not None and agency_name is None:
        row = store.row("agency", agency_id)
        agency_name = row["name"] if row else ""
    scope = _Scope(agency_id, agency_name or "", collect_rows(store, plan_id, period_key, agency_id, plan=plan,
                                                             _all=_all))
    chase = workbook_chase(store, plan_id) if _chase is _NOT_READ else _chase
    if chase is not None:
        scope.par_rows, scope.par_year = chase.rows_for(scope.agency_name if agency_id is not None else None), chase.year
    fingerprint = changelog.new_id()
    target = Path(folder) / (file_name or workbook_file_name(period_key, scope.agency_name))
    buffer = io.BytesIO()       # built in memory: a full stick never leaves openpyxl's zip half-written
    _write_book(buffer, plan, period.label, scope, period_key, fingerprint)
    data = buffer.getvalue()
    write_target_bytes(target, data)
    digest = hashlib.sha256(data).hexdigest()
    with store.transaction():
        store.db.conn.execute(
            "INSERT INTO exchange_export(fingerprint, kind, plan_id, period_key, agency_id, file_name, sha256, "
            "lamport, baseline, created_at) VALUES (?, 'workbook', ?, ?, ?, ?, ?, ?, ?, ?)",
            (fingerprint, plan_id, period_key, agency_id or "", target.name, digest,
             int((store.db.query_one("SELECT value FROM meta WHERE key = 'lamport'") or [0])[0]),
             json.dumps(baseline_of(scope.rows), ensure_ascii=False), changelog.now_iso()))
    return WorkbookExport(target, agency_id, scope.agency_name, fingerprint, len(scope.rows), digest)


def workbook_chase(store: Store, plan_id: str):
    """The PAR criteria lacking evidence per agency (par.outputs.WorkbookChase), None without a catalogue."""
    if store.db.query_one("SELECT 1 FROM par_catalog LIMIT 1") is None:
        return None                             # no self-assessment at all: nothing heavy is imported
    from ..par.outputs import workbook_chase as chase

    return chase(store, plan_id)


def workbook_file_name(period_key: str, agency_name: str | None) -> str:
    return f"CapNhat_CCHC_{period_key}_{slug(agency_name or 'tat ca co quan')}.xlsx"


class WorkbookSetError(TargetWriteError):
    """A set of workbooks written in part: which files are on the target, which one failed, which are missing."""

    def __init__(self, message: str, path: Path, written: list, failed: str, not_written: list[str]):
        super().__init__(message, path)
        self.written, self.failed, self.not_written = written, failed, not_written


def lead_agencies(store: Store, plan_id: str) -> list[tuple[str, str]]:
    """(agency id, name) of every lead agency of the plan, in Vietnamese order; group phrases ("Các cơ quan,
    đơn vị") are not agencies and get no workbook (the same :func:`is_group` as the reminder letters)."""
    from ..text import sort_key

    rows = store.db.query(
        "SELECT DISTINCT a.id, a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
        "JOIN product p ON p.id = pa.product_id JOIN task t ON t.id = p.task_id "
        "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? AND pa.role = ?", (plan_id, ROLE_LEAD))
    return sorted(((r[0], r[1]) for r in rows if not is_group(r[1])), key=lambda r: sort_key(r[1]))


@dataclass
class LeftOut:
    """What the per-agency workbooks leave out: the group phrases written as lead, and the products whose
    lead is only a group phrase (or nobody) — they are in no agency's workbook, only in the common one."""
    groups: list[str] = field(default_factory=list)
    products: list[tuple[str, str]] = field(default_factory=list)     # (STT "I.6", product description)

    def note(self) -> str:
        """The note shown in the export dialog and printed by the CLI ("" when nothing is left out)."""
        if not self.groups and not self.products:
            return ""
        lines = []
        if self.groups:
            lines.append("Không có tệp riêng cho " + ", ".join(f"«{g}»" for g in self.groups)
                         + " (cụm từ chỉ nhiều cơ quan, không phải một cơ quan).")
        if self.products:
            stts = ", ".join(dict.fromkeys(stt for stt, _d in self.products))
            lines.append(f"{len(self.products)} sản phẩm có cơ quan chủ trì chỉ ghi bằng cụm từ trên hoặc để trống "
                         f"(STT {stts}) không nằm trong tệp của cơ quan nào: chọn «Một tệp chung cho tất cả cơ quan» hoặc cập nhật trực tiếp trong "
                         "ứng dụng.")
        return "\n".join(lines)


def left_out_of_agency_workbooks(store: Store, plan_id: str) -> LeftOut:
    """Group phrases among the plan's leads, and the products no real agency leads (see :class:`LeftOut`)."""
    from ..text import sort_key

    plan = store.load_plan(plan_id)
    groups: set[str] = set()
    out = LeftOut()
    cite = plan.citations()
    for section, task, product in plan.iter_products():
        names = [a.name for a in product.leads]
        groups.update(n for n in names if is_group(n))
        if all(is_group(n) for n in names):
            out.products.append((cite[task.id], product.description))
    out.groups = sorted(groups, key=sort_key)
    return out


def export_workbooks(store: Store, plan_id: str, period_key: str, folder: str | os.PathLike, *,
                     agency_ids: list[str] | None = None, all_in_one: bool = False,
                     progress=None) -> list[WorkbookExport]:
    """One workbook per lead agency (or `agency_ids`), or a single one for all (`all_in_one`).

    Raises TargetWriteError (folder unusable) or WorkbookSetError naming, file by file, what is already
    on the target, the file that failed and the files not written."""
    folder = ensure_folder(folder)
    if all_in_one:
        result = [export_workbook(store, plan_id, period_key, folder)]
        if progress:
            progress(1, 1)
        return result
    agencies = [a for a in lead_agencies(store, plan_id) if not is_group(a[1])]   # groups get no workbook
    if agency_ids is not None:
        agencies = [a for a in agencies if a[0] in set(agency_ids)]
    plan = store.load_plan(plan_id)             # read once for every workbook
    chase = workbook_chase(store, plan_id)
    by_agency: dict[str, list] = {}
    for item in _plan_rows(store, plan, period_key):
        for lead in item[0]:
            by_agency.setdefault(lead, []).append(item)
    results = []
    for done, (agency_id, name) in enumerate(agencies, start=1):
        try:
            results.append(export_workbook(store, plan_id, period_key, folder, agency_id=agency_id,
                                           agency_name=name, plan=plan, _all=by_agency.get(agency_id, []),
                                           _chase=chase))
        except TargetWriteError as exc:
            if not results:
                raise
            failed = workbook_file_name(period_key, name)
            rest = [workbook_file_name(period_key, n) for _a, n in agencies[done:]]
            lines = [f"Chỉ ghi được {len(results)}/{len(agencies)} tệp vào «{folder}».",
                     "Đã ghi xong (dùng được bình thường):"]
            lines += [f"  – «{r.path.name}» ({r.agency_name}, {r.rows} dòng)" for r in results]
            lines.append(f"Không ghi được «{failed}»: {exc.message}")
            if rest:
                lines.append("Chưa ghi: " + ", ".join(f"«{n}»" for n in rest) + ".")
            lines.append("Hãy khắc phục rồi xuất lại các tệp còn thiếu.")
            raise WorkbookSetError("\n".join(lines), exc.path, results, failed, rest) from exc
        if progress:
            progress(done, len(agencies))
    return results
