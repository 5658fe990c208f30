"""Import returned update workbooks: find the data by its hidden id column (any sheet name, any row
order, copied into another workbook, saved by LibreOffice), validate every value again, preview
old → new per field with conflicts, then apply accepted fields in one transaction through the
tracking module (which logs every change, so previous values stay in history)."""
from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl.utils import get_column_letter

from .. import changelog
from ..backup import REASON_IMPORT, backup_before_change
from ..safe_write import sha256_file
from ..store import Store
from ..importers.model import ImportFailure
from ..importers.xlsx_reader import load_xlsx
from ..text import clean_cell, shorten
from ..xlsx_safety import read_cell_text
from ..xlsx_safety import is_overflow_text
from ..tracking.evidence import EvidenceError, add_evidence, list_evidence, update_evidence
from ..tracking.status import StatusError, get_status, normalise, product_context, set_status
from ..tracking.timeliness import STATUS_LABELS, due_for
from .errors import ExchangeError
from .target_io import target_error_message
from .workbook_common import (EDITABLE, FIELD_LABELS, ID_MARKER, META_SHEET, PAR_DOCUMENT, READ_ONLY_CHECKED,
                              header_key, newer_format, parse_date, parse_percent, parse_status, split_row_id)

STATUS_KEYS = ("status", "percent", "completed_on", "result", "reason", "notes")
EVIDENCE_KEYS = ("ev_number", "ev_date", "ev_summary")
_EVIDENCE_FIELD = {"ev_number": "doc_number", "ev_date": "issued_on", "ev_summary": "summary"}
MAX_ROWS = 20_000


@dataclass
class Issue:
    level: str              # "error" (row/file not imported) or "warning"
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""        # letter
    header: str = ""
    reason: str = ""        # row skipped: added, duplicate, bad_value, foreign, conflict

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"trang «{self.sheet}»")
        if self.row:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}" + (f" ({self.header})" if self.header else ""))
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


PREVIEW_LIMIT = 300     # characters of a changed value shown in a preview line


@dataclass
class FieldDiff:
    field: str
    old: object
    new: object
    conflict: bool = False      # the master changed this field after the export, the agency too
    accepted: bool = True
    base: object = None         # value at export time (None when unknown)

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def old_text(self) -> str:
        return display(self.field, self.old)

    @property
    def new_text(self) -> str:
        return display(self.field, self.new)

    def short(self, text: str, limit: int = PREVIEW_LIMIT) -> str:
        """``old_text`` / ``new_text`` for a preview line: one line, a long text (up to 32 767 characters in a cell)
        cut with its length named, instead of flooding the console or a tooltip."""
        if len(text) <= limit:
            return " ".join(text.split())
        return f"{shorten(text, limit)} ({len(text):,} ký tự)".replace(",", ".")


@dataclass
class RowPreview:
    row_id: str
    product_id: str
    key: str
    sheet: str
    excel_row: int
    label: str
    diffs: list[FieldDiff] = field(default_factory=list)
    evidence_id: str | None = None
    errors: list[Issue] = field(default_factory=list)
    par: object = None          # a row of the PAR sheet (par.chase_import.ChaseRow): a document to record

    @property
    def accepted(self) -> list[FieldDiff]:
        return [d for d in self.diffs if d.accepted] if not self.errors else []

    @property
    def outcome(self) -> str:
        """applied, partly (some fields in conflict), conflict, skipped (bad value) or unchanged."""
        if self.errors:
            return "skipped"
        if not self.diffs:
            return "unchanged"
        accepted = self.accepted
        if len(accepted) == len(self.diffs):
            return "applied"
        return "partly" if accepted else "conflict"

    @property
    def outcome_text(self) -> str:
        held = ", ".join(d.label for d in self.diffs if not d.accepted)
        return {"applied": "áp dụng", "unchanged": "không thay đổi",
                "skipped": "bỏ qua — giá trị không hợp lệ: " + "; ".join(e.message for e in self.errors),
                "partly": f"áp dụng, trừ ô xung đột: {held}",
                "conflict": f"bỏ qua — xung đột: {held}"}[self.outcome]


@dataclass
class WorkbookPreview:
    path: Path
    sha256: str = ""
    fingerprint: str = ""
    plan_id: str = ""
    period_key: str = ""
    agency_name: str = ""
    rows: list[RowPreview] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    already_imported: bool = False
    known_export: bool = False
    skipped: list[Issue] = field(default_factory=list)     # rows not imported (added, duplicated, foreign …)
    refused: bool = False                                  # the user refused the whole file

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"] + [e for r in self.rows for e in r.errors]

    @property
    def changed_rows(self) -> list[RowPreview]:
        return [r for r in self.rows if r.diffs]

    @property
    def conflicts(self) -> list[tuple[RowPreview, FieldDiff]]:
        return [(r, d) for r in self.rows for d in r.diffs if d.conflict]

    @property
    def usable(self) -> bool:
        """The file can be applied (its valid rows); row problems never make a file unusable."""
        return not self.refused and not any(i.level == "error" for i in self.issues)

    def skipped_rows(self) -> list[Issue]:
        """Every row of this file that will not be (fully) applied, with why."""
        out = list(self.skipped)
        for row in self.rows:
            if row.outcome in ("skipped", "conflict", "partly"):
                out.append(Issue("warning", row.outcome_text, row.sheet, row.excel_row,
                                 reason="bad_value" if row.outcome == "skipped" else "conflict"))
        return sorted(out, key=lambda i: (i.sheet, i.row or 0))


@dataclass
class WorkbookImportResult:
    files: int = 0
    rows: int = 0
    fields: int = 0
    evidence_added: int = 0
    evidence_updated: int = 0
    par_documents: int = 0
    skipped_files: list[tuple[str, str]] = field(default_factory=list)    # (file name, why)
    skipped_rows: list[tuple[str, Issue]] = field(default_factory=list)   # (file name, row issue)

    def summary_lines(self) -> list[str]:
        """The summary the user sees: what was written, then every skipped file and row."""
        lines = [f"Đã cập nhật {self.rows} dòng, {self.fields} trường từ {self.files} tệp; "
                 f"minh chứng: {self.evidence_added} thêm, {self.evidence_updated} sửa."]
        if self.par_documents:
            lines.append(f"Tài liệu kiểm chứng Chỉ số CCHC: {self.par_documents} văn bản được thêm vào hồ sơ.")
        if self.skipped_files:
            lines.append(f"Tệp không nhập ({len(self.skipped_files)}):")
            lines.extend(f"  – «{name}»: {why}" for name, why in self.skipped_files)
        if self.skipped_rows:
            lines.append(f"Dòng không nhập hoặc nhập một phần ({len(self.skipped_rows)}):")
            lines.extend(f"  – «{name}», {issue}" for name, issue in self.skipped_rows)
        return lines


def display(field_key: str, value) -> str:
    if value is None or value == "":
        return ""
    if field_key == "status":
        return STATUS_LABELS.get(value, str(value))
    if field_key in ("completed_on", "ev_date"):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


# -- reading ------------------------------------------------------------------------------------------
def _find_data_sheet(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 60), max_col=min(ws.max_column, 80)):
            for cell in row:
                if isinstance(cell.value, str) and ID_MARKER in cell.value:
                    return ws, cell.row
    return None, None


def _merged_values(ws) -> dict[tuple[int, int], object]:
    """A merged range means 'the same value for every cell in it' (top-left value)."""
    filled = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                filled[(r, c)] = value
    return filled


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _formula_cells_without_value(path: Path) -> dict[str, set[tuple[int, int]]]:
    """{sheet title: {(row, column)}} of formula cells the file stores without a computed value (written
    by a program that does not calculate): read with cached values they would look empty."""
    import io
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    from openpyxl.utils.cell import coordinate_to_tuple

    found: dict[str, set[tuple[int, int]]] = {}
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as zf:
            rels = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(
                zf.read("xl/_rels/workbook.xml.rels")).iter() if r.get("Id")}
            for sheet in ElementTree.fromstring(zf.read("xl/workbook.xml")).iter(f"{main}sheet"):
                target = rels.get(sheet.get(f"{rel_ns}id"), "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                if part not in zf.namelist():
                    continue
                data = zf.read(part)
                if not _FORMULA_TAG.search(data):     # no <f> element at all (<formula1> is not one)
                    continue
                cells = set()
                for _event, element in ElementTree.iterparse(io.BytesIO(data)):
                    if element.tag == f"{main}c":
                        formula = element.find(f"{main}f")
                        value = element.find(f"{main}v")
                        if formula is not None and (value is None or value.text in (None, "")):
                            cells.add(coordinate_to_tuple(element.get("r")))
                        element.clear()
                if cells:
                    found[sheet.get("name")] = cells
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return found        # the regular reader reports a damaged file
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return clean_cell(value)


def _norm(key: str, value) -> object:
    """A value as the import compares it: what the agency sees and types, cleaned the same way on both sides
    (the exported value and the returned one), so untouched cells never count as changed."""
    if key == "status":
        if value in STATUS_LABELS:
            return value
        try:
            return parse_status(value)
        except ValueError:
            return clean_cell(value)
    if key == "percent":
        try:
            return parse_percent(value)
        except (ValueError, TypeError):
            return clean_cell(value)
    if key in ("completed_on", "ev_date"):
        try:
            parsed = parse_date(value)
        except (ValueError, TypeError, OverflowError):
            return clean_cell(value)
        return parsed.isoformat() if parsed else ""
    return _text(value)


def _current(store: Store, product_id: str, key: str, evidence_id: str | None) -> tuple[dict, str | None]:
    status = get_status(store, product_id, key)
    values = {k: status[k] for k in STATUS_KEYS}
    evidence = list_evidence(store, product_id, key)
    chosen = next((e for e in evidence if e["id"] == evidence_id), None) or (evidence[0] if evidence else None)
    values.update(ev_number=chosen["doc_number"] if chosen else "",
                  ev_date=chosen["issued_on"] if chosen else "",
                  ev_summary=chosen["summary"] if chosen else "")
    return values, (chosen["id"] if chosen else None)


def _base_value(key: str, base: dict) -> object:
    value = base.get(key)
    if key == "status":
        from .workbook_common import STATUS_BY_FOLD
        from ..text import fold
        return STATUS_BY_FOLD.get(fold(value or ""), value)
    if key == "ev_date" or key == "completed_on":
        return value or ""
    if key == "percent":
        return value
    return value if value is not None else ""


def _newer_format(wb) -> int | None:
    """The format version when the hidden sheet says a newer app wrote the workbook (its columns may mean other
    things), else None."""
    if META_SHEET not in wb.sheetnames:
        return None
    ws = wb[META_SHEET]
    for r in range(1, min(ws.max_row, 20) + 1):
        if str(ws.cell(r, 1).value or "").strip() == "format":
            return newer_format(ws.cell(r, 2).value)
    return None


def read_workbook(store: Store, path: str | os.PathLike) -> WorkbookPreview:
    """Read and check one returned workbook. Never writes; problems become issues."""
    path = Path(path)
    preview = WorkbookPreview(path)
    try:
        preview.sha256 = sha256_file(path)
        wb = load_xlsx(path)
    except OSError as exc:
        preview.issues.append(Issue("error", target_error_message(exc, path, reading=True)))
        return preview
    except ImportFailure as exc:
        preview.issues.append(Issue("error", exc.detail))
        return preview
    try:
        return _read_loaded(store, preview, wb)
    except Exception as exc:  # noqa: BLE001 - a damaged part must become a message, never a crash
        logging.getLogger(__name__).exception("unreadable workbook %s", path)
        preview.issues.append(Issue("error", f"Tệp Excel bị hỏng hoặc có nội dung không đọc được: {exc}"))
        return preview
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001
            pass


def _read_loaded(store: Store, preview: "WorkbookPreview", wb) -> "WorkbookPreview":
    preview.already_imported = store.db.query_one(
        "SELECT 1 FROM exchange_import WHERE sha256 = ? AND state = 'applied'", (preview.sha256,)) is not None
    version = _newer_format(wb)
    if version is not None:
        preview.issues.append(Issue("error", f"Tệp được xuất từ phiên bản mới hơn của CCHC Desktop (định dạng tệp "
                                             f"cập nhật phiên bản {version}); hãy cập nhật ứng dụng rồi nhập lại. "
                                             f"Chưa ghi gì."))
        return preview
    ws, header_row = _find_data_sheet(wb)
    if ws is None:
        preview.issues.append(Issue("error", "Không tìm thấy bảng cập nhật (cột mã dòng ẩn) trong tệp này; "
                                             "đây không phải tệp cập nhật do CCHC Desktop xuất ra."))
        return preview
    sheet = ws.title
    columns: dict[str, int] = {}
    for cell in ws[header_row]:
        key = header_key(cell.value)
        if key and key not in columns:
            columns[key] = cell.column
    for key in EDITABLE:
        if key not in columns:
            preview.issues.append(Issue("warning", f"Không thấy cột «{FIELD_LABELS[key]}»; cột này sẽ không được "
                                                   f"cập nhật.", sheet))
    merged = _merged_values(ws)
    if ws.max_row - header_row > MAX_ROWS:
        preview.issues.append(Issue("error", "Tệp có quá nhiều dòng.", sheet))
        return preview

    def value_at(r: int, key: str):
        c = columns.get(key)
        if c is None:
            return None
        return read_cell_text(merged.get((r, c), ws.cell(r, c).value))

    raw_rows = []
    metas = Counter()
    for r in range(header_row + 1, ws.max_row + 1):
        ident = value_at(r, "row_id")
        meta = _text(value_at(r, "meta"))
        if meta:
            metas[meta] += 1
        raw_rows.append((r, ident, meta))
    if not metas:
        preview.issues.append(Issue("error", "Tệp không có mã xuất (cột ẩn đã bị xóa?); không nhập được.", sheet))
        return preview
    meta_value = metas.most_common(1)[0][0]
    parts = meta_value.split("|")
    if len(parts) != 3:
        preview.issues.append(Issue("error", "Mã xuất trong tệp bị sửa; không nhập được.", sheet))
        return preview
    preview.fingerprint, preview.plan_id, preview.period_key = parts
    plan = store.row("plan", preview.plan_id)
    if plan is None:
        preview.issues.append(Issue("error", "Tệp thuộc một kế hoạch không có trên máy này.", sheet))
        return preview
    export = store.db.query_one("SELECT * FROM exchange_export WHERE fingerprint = ? AND kind = 'workbook'",
                                (preview.fingerprint,))
    baseline: dict = {}
    if export is None:
        preview.issues.append(Issue("warning", "Không tìm thấy lần xuất tệp này trên máy (có thể xuất từ máy khác); "
                                               "không phát hiện được xung đột với các sửa đổi sau khi xuất.", sheet))
    else:
        preview.known_export = True
        baseline = json.loads(export["baseline"])
        agency = store.row("agency", export["agency_id"]) if export["agency_id"] else None
        preview.agency_name = agency["name"] if agency else "Tất cả cơ quan"
    if len(metas) > 1:
        preview.issues.append(Issue("warning", "Tệp chứa dòng của nhiều lần xuất khác nhau; dùng mã xuất chính.",
                                    sheet))

    seen: dict[str, int] = {}
    no_cache = _formula_cells_without_value(preview.path).get(sheet, set())
    for r, ident, meta in raw_rows:
        editable_values = {k: value_at(r, k) for k in EDITABLE}
        has_content = any(_text(v) for v in editable_values.values()) or any(
            _text(value_at(r, k)) for k in READ_ONLY_CHECKED)
        if ident is None or _text(ident) == "":
            if has_content:
                preview.skipped.append(Issue("warning", "Dòng được thêm vào (không có mã dòng); phần mềm không nhập "
                                                        "dòng mới — hãy báo cho bộ phận đầu mối.", sheet, r,
                                             reason="added"))
            continue
        parsed = split_row_id(ident)
        col_letter = get_column_letter(columns["row_id"])
        if parsed is None:
            preview.skipped.append(Issue("warning", "Mã dòng bị sửa hoặc không hợp lệ; dòng này không được nhập.",
                                         sheet, r, col_letter, reason="bad_id"))
            continue
        product_id, key = parsed
        rid = f"{product_id}@{key}"
        if rid in seen:
            preview.skipped.append(Issue("warning", f"Dòng bị trùng (sao chép dòng {seen[rid]}) — chỉ nhập dòng đầu "
                                                    f"tiên.", sheet, r, reason="duplicate"))
            continue
        seen[rid] = r
        owner = store.db.query_one(
            "SELECT s.plan_id, p.description FROM product p JOIN task t ON t.id = p.task_id "
            "JOIN section s ON s.id = t.section_id WHERE p.id = ?", (product_id,))
        if owner is None or owner[0] != preview.plan_id:
            preview.skipped.append(Issue("warning", "Dòng không thuộc kế hoạch này (hoặc sản phẩm đã bị xóa).",
                                         sheet, r, reason="foreign"))
            continue
        ctx = product_context(store, product_id)
        if key not in ctx.keys():
            preview.skipped.append(Issue("warning", f"Kỳ «{key}» của dòng không khớp với sản phẩm.", sheet, r,
                                         reason="foreign"))
            continue
        base = baseline.get(rid)
        row = RowPreview(rid, product_id, key, sheet, r, _short(owner[1]),
                         evidence_id=(base or {}).get("evidence_id"))
        current, row.evidence_id = _current(store, product_id, key, row.evidence_id)
        new: dict = {}
        for k in EDITABLE:
            if k not in columns:
                continue
            raw = editable_values[k]
            letter = get_column_letter(columns[k])
            if (r, columns[k]) in no_cache:
                row.errors.append(Issue("error", "Ô có công thức nhưng tệp không lưu kết quả tính; phần mềm không "
                                                 "đọc ô này là trống. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại "
                                                 "rồi nhập lại (hoặc gõ giá trị thay cho công thức).",
                                        sheet, r, letter, FIELD_LABELS[k]))
                continue
            # like with like: the returned cell against the exported one (or, for a file exported
            # elsewhere, against the master), both cleaned the same way; untouched cells change nothing
            reference = base.get(k) if base is not None else current[k]
            if _norm(k, raw) == _norm(k, reference):
                continue
            try:
                if k == "status":
                    value = parse_status(raw)
                elif k == "percent":
                    value = parse_percent(raw, ws.cell(r, columns[k]).number_format)
                elif k in ("completed_on", "ev_date"):
                    parsed_date = parse_date(raw)
                    value = parsed_date.isoformat() if parsed_date else ""
                else:
                    value = _text(raw)
                    if is_overflow_text(value):  # cut to fit one Excel cell on export: keep the full text
                        continue
            except (ValueError, TypeError, OverflowError):
                message = {"status": "Tình trạng không có trong danh sách",
                           "percent": "Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100",
                           }.get(k, "Ngày không hợp lệ (cần dạng ngày/tháng/năm, ví dụ 15/03/2026)")
                row.errors.append(Issue("error", f"{message}: «{_text(raw)}».", sheet, r, letter, FIELD_LABELS[k]))
                continue
            if value is None:       # empty status / percent: keep what we have
                continue
            new[k] = value
        # read-only columns edited by the agency: ignored, reported
        for k in READ_ONLY_CHECKED:
            if k in columns and base is not None and _text(value_at(r, k)) != clean_cell(base.get(k)):
                preview.issues.append(Issue("warning", "Nội dung cột chỉ đọc đã bị sửa trong tệp; phần mềm bỏ qua "
                                                       "thay đổi này.", sheet, r, get_column_letter(columns[k]),
                                            FIELD_LABELS[k]))
        if row.errors:
            preview.rows.append(row)
            continue
        # the row as the tracking module would store it (derives "quá hạn", 100 % when done, …)
        status_new = {k: v for k, v in new.items() if k in STATUS_KEYS}
        try:
            stored = normalise({**{k: current[k] for k in STATUS_KEYS}, **status_new}, due_for(ctx.deadline, key))
        except StatusError as exc:
            row.errors.append(Issue("error", str(exc), sheet, r))
            preview.rows.append(row)
            continue
        candidates = {k: stored[k] for k in STATUS_KEYS if k in new or stored[k] != current[k]}
        candidates.update({k: v for k, v in new.items() if k in EVIDENCE_KEYS})
        for k, value in candidates.items():
            old = current[k]
            if value == old:
                continue
            base_value = _base_value(k, base) if base is not None else old
            if old == base_value:
                row.diffs.append(FieldDiff(k, old, value, base=base_value))
            elif value == base_value:
                continue             # only the master changed it since the export: keep the master
            else:
                row.diffs.append(FieldDiff(k, old, value, conflict=True, accepted=False, base=base_value))
        if row.diffs:
            _validate(store, ctx, row, current, sheet)
        preview.rows.append(row)
    _read_par_sheets(store, preview, wb, ws)
    missing = [rid for rid in baseline if rid not in seen]
    if missing:
        preview.issues.append(Issue("warning", f"{len(missing)} dòng đã xuất nhưng không còn trong tệp (bị xóa?); "
                                               f"dữ liệu các dòng đó được giữ nguyên.", sheet))
    return preview


def _read_par_sheets(store: Store, preview: "WorkbookPreview", wb, data_ws) -> None:
    """The sheet «Tài liệu kiểm chứng CCHC» (when the export added it): each filled row becomes a row of the preview
    whose one change is the document to record, read by par.chase_import (the chase list's own reader)."""
    from ..par.catalog import catalog_for_year
    from ..par.chase_import import ADD, REFUSED, ChaseIndex, find_chase_header, read_chase_sheet
    from ..text import fold

    sheets = [(w, found) for w in wb.worksheets if w is not data_ws for found in [find_chase_header(w)] if found]
    if not sheets:
        return
    year = store.load_plan(preview.plan_id).year_start
    catalog = catalog_for_year(store, year)
    if catalog is None:
        preview.issues.append(Issue("warning", f"Máy này chưa có Bộ chỉ số năm {year}: không nhập được tài liệu "
                                               "kiểm chứng cơ quan ghi trong tệp.", sheets[0][0].title))
        return
    index = ChaseIndex.load(store, preview.plan_id, catalog["id"])
    for ws, found in sheets:
        headers = {get_column_letter(i + 1): clean_cell(ws.cell(found[0], i + 1).value) for i in found[1].values()}
        for chase in read_chase_sheet(ws, preview.path.name, index, found):
            key = fold(chase.doc_number) or "~" + fold(chase.summary)
            label = (f"Tiêu chí {chase.code}: " if chase.code else "Chưa ghi mã tiêu chí: ") + chase.document_text
            row = RowPreview(f"par:{chase.criterion_id or chase.code}:{key}", "", "", ws.title, chase.row, label,
                             par=chase)
            if chase.status == REFUSED:
                letter = chase.cell.rstrip("0123456789")
                row.errors.append(Issue("error", f"{chase.why[:1].upper()}{chase.why[1:]}.", ws.title, chase.row,
                                        letter, headers.get(letter, "")))
            elif chase.status == ADD:
                row.diffs.append(FieldDiff(PAR_DOCUMENT, "", chase.document_text))
            preview.rows.append(row)


def _validate(store: Store, ctx, row: RowPreview, current: dict, sheet: str) -> None:
    """Check the row as it would be stored (tracking rules: reason, completion date …)."""
    merged = {k: current[k] for k in STATUS_KEYS}
    merged.update({d.field: d.new for d in row.diffs if d.field in STATUS_KEYS and d.accepted})
    try:
        normalise(merged, due_for(ctx.deadline, row.key))
    except StatusError as exc:
        row.errors.append(Issue("error", str(exc), sheet, row.excel_row))


def _short(text, width: int = 90) -> str:
    return shorten(text, width)


def workbook_files(paths) -> list[Path]:
    """Expand folders (e.g. a USB stick) into .xlsx files, skipping Office lock/temp files."""
    found: list[Path] = []
    for item in ([paths] if isinstance(paths, (str, os.PathLike)) else paths):
        item = Path(item)
        if item.is_dir():
            found.extend(sorted(p for p in item.iterdir() if p.suffix.lower() == ".xlsx"
                                and not p.name.startswith(("~$", ".~lock", "."))))
        else:
            found.append(item)
    return found


def read_workbooks(store: Store, paths, *, progress=None) -> list[WorkbookPreview]:
    """Read several files/folders. A row updated differently by two files is marked as a conflict.
    ``progress(done, total)`` is called after each file, as in export_workbooks."""
    files = workbook_files(paths)
    previews = []
    for done, path in enumerate(files, 1):
        previews.append(read_workbook(store, path))
        if progress:
            progress(done, len(files))
    first_value: dict[tuple, object] = {}
    for preview in previews:
        for row in preview.rows:
            for diff in list(row.diffs):
                slot = (row.row_id, diff.field)
                if row.par is not None and slot in first_value:     # the same document sent in two files
                    row.diffs.remove(diff)
                    preview.issues.append(Issue("warning", "Văn bản này đã có trong tệp khác đã chọn; chỉ ghi một lần.",
                                                row.sheet, row.excel_row))
                    continue
                if slot in first_value and first_value[slot] != diff.new:
                    diff.conflict, diff.accepted = True, False
                    preview.issues.append(Issue("warning", f"«{diff.label}» của dòng này khác với tệp khác đã chọn.",
                                                row.sheet, row.excel_row))
                first_value.setdefault(slot, diff.new)
    return previews


# -- applying --------------------------------------------------------------------------------------------
def apply_workbook_import(store: Store, previews: list[WorkbookPreview], *,
                          refused=()) -> WorkbookImportResult:
    """Write the valid rows of every usable file in ONE transaction (all or nothing).

    A file with row problems (added or duplicated rows, bad values, conflicts) still gives its valid
    rows; only file-level errors or the user's refusal (``refused``: paths, or ``preview.refused``)
    skip a whole file. The result lists every skipped file and row."""
    result = WorkbookImportResult()
    refused_paths = {Path(p) for p in refused}
    now = changelog.now_iso()
    backup_before_change(store, REASON_IMPORT)
    with store.transaction():
        for preview in previews:
            name = preview.path.name
            if preview.refused or preview.path in refused_paths:
                result.skipped_files.append((name, "người dùng không nhập tệp này"))
                continue
            if not preview.usable:
                result.skipped_files.append((name, "; ".join(i.message for i in preview.issues
                                                             if i.level == "error")))
                continue
            result.skipped_rows.extend((name, issue) for issue in preview.skipped_rows())
            touched = False
            for row in preview.rows:
                accepted = row.accepted
                if not accepted:
                    continue
                if row.par is not None:          # a document written on the PAR sheet
                    from ..par.chase_import import add_chase_row

                    add_chase_row(store, preview.plan_id, row.par)
                    result.par_documents += 1
                    result.rows += 1
                    result.fields += 1
                    touched = True
                    continue
                status_fields = {d.field: d.new for d in accepted if d.field in STATUS_KEYS}
                evidence_fields = {_EVIDENCE_FIELD[d.field]: d.new for d in accepted if d.field in EVIDENCE_KEYS}
                try:
                    if status_fields:
                        set_status(store, row.product_id, row.key, **status_fields)
                    if evidence_fields:
                        if row.evidence_id and store.db.query_one("SELECT 1 FROM evidence WHERE id = ?",
                                                                  (row.evidence_id,)):
                            update_evidence(store, row.evidence_id, **evidence_fields)
                            result.evidence_updated += 1
                        elif any(evidence_fields.values()):
                            add_evidence(store, row.product_id, row.key, **evidence_fields)
                            result.evidence_added += 1
                except (StatusError, EvidenceError) as exc:
                    raise ExchangeError(f"Tệp «{preview.path.name}», trang «{row.sheet}», dòng {row.excel_row}: "
                                        f"{exc} Không có dữ liệu nào được ghi.", code="invalid") from exc
                result.rows += 1
                result.fields += len(accepted)
                touched = True
            # undoing the import's operation marks it undone (ops.undo), so the file no longer reads as imported
            store.db.conn.execute(
                "INSERT OR REPLACE INTO exchange_import(sha256, kind, fingerprint, file_name, summary, imported_at, "
                "state, op_id, prior_state) VALUES (?, 'workbook', ?, ?, ?, ?, 'applied', ?, 'undone')",
                (preview.sha256, preview.fingerprint, preview.path.name,
                 f"{sum(len(r.accepted) for r in preview.rows)} trường", now,
                 getattr(store.db, "current_op", None) or ""))
            result.files += 1 if touched or preview.rows else 0
    return result
