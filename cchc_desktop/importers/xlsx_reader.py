"""Excel (.xlsx/.xlsm) appendix reader.

The workbook is opened with ``read_only=True`` and each sheet's XML is streamed
once (cells and merged ranges from the same pass), ``data_only=True`` (cached formula results, never formulas) and
``keep_links=False`` (external links are neither kept nor followed).  Merged
cells are expanded before the rows reach :mod:`.rows`:

* a single-column vertical merge (TT or content spanning several product
  rows) is copied into every row of the range, so the core sees the same
  TT/content repeated and treats those rows as further products of one task;
* a horizontal merge keeps its text in the first cell only (section rows
  merged across the table), and the row is flagged ``merged_across`` when 3+
  columns are spanned; blocks wider than one column are not copied downwards.

The first worksheet (in workbook order) with a recognisable header is
imported; other sheets with a header are ignored with a warning.
"""
from __future__ import annotations

import datetime as _dt
import os
import warnings as _warnings

from .model import AppendixDraft, ImportFailure, ImportWarning
from .rows import (MAX_ROWS, AppendixBuilder, HeaderNotFound, RawRow, RawTable, check_file,
                   check_office_zip, find_header, no_header_failure)

MAX_COLUMNS = 40


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        if value.hour or value.minute:
            return value.strftime("%d/%m/%Y %H:%M")
        return value.strftime("%d/%m/%Y")
    if isinstance(value, _dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def sheet_to_table(ws, *, file: str) -> RawTable:
    """Rows of one worksheet as a RawTable (merged cells expanded, see module docstring).

    Only cells that hold a value are visited (a stray formatted cell at row
    1,048,576 must not make us walk a million empty rows). A read-only worksheet
    is streamed once: its cells and its merged ranges come from the same pass over
    the sheet XML (issue 18: no per-cell objects, merged ranges read once).
    """
    if hasattr(ws, "_get_source"):            # openpyxl ReadOnlyWorksheet
        cells_by_row, ranges = _stream_sheet(ws, file=file)
    else:
        cells_by_row = {}
        for (r, c), cell in getattr(ws, "_cells", {}).items():
            if c <= MAX_COLUMNS and cell.value not in (None, ""):
                cells_by_row.setdefault(r, {})[c] = (cell.value, cell)
        ranges = [(g.min_row, g.min_col, g.max_row, g.max_col) for g in ws.merged_cells.ranges]
    if len(cells_by_row) > MAX_ROWS:
        raise ImportFailure(f"trang tính có quá nhiều dòng (hơn {MAX_ROWS} dòng); không nhập.",
                            file=file, sheet=ws.title)
    max_col = max((c for row in cells_by_row.values() for c in row), default=0)
    for min_row, min_col, _max_r, max_c in ranges:
        if min_col <= MAX_COLUMNS and min_row in cells_by_row:
            max_col = max(max_col, min(max_c, MAX_COLUMNS))
    grid: dict[int, list[str]] = {}
    bold: dict[int, bool] = {}
    for r in sorted(cells_by_row):
        row = cells_by_row[r]
        texts = [""] * max_col
        for c, (value, _cell) in row.items():
            texts[c - 1] = _cell_text(value)
        if not any(t.strip() for t in texts):
            continue
        grid[r] = texts
        first = row[min(row)][1]
        bold[r] = bool(first.font is not None and first.font.b)
    merged_across: set[int] = set()
    for min_row, min_col, max_r, max_c in ranges:
        if min_col > max_col:
            continue
        if max_c - min_col + 1 >= 3:
            merged_across.add(min_row)
        top = cells_by_row.get(min_row, {}).get(min_col, (None,))[0]
        if max_c == min_col and top not in (None, ""):
            text = _cell_text(top)
            for r in range(min_row + 1, max_r + 1):
                row = grid.setdefault(r, [""] * max_col)
                row[min_col - 1] = text
    rows = [RawRow(cells=grid[r], row=r, bold=bold.get(r, False), merged_across=r in merged_across)
            for r in sorted(grid)]
    return RawTable(rows=rows, sheet=ws.title, column_count=max_col)


def _stream_sheet(ws, *, file: str):
    """One pass over a read-only sheet's XML: {row: {column: (value, cell)}} of the non-empty cells
    (cell = a ReadOnlyCell made only for the first cell of a row, for its font) and the merged ranges
    as (min_row, min_col, max_row, max_col). Cells hidden under a merged range (not its top-left) are
    dropped, as openpyxl does when it loads a workbook in full."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.worksheet.cell_range import CellRange

    wb = ws.parent
    found: dict[int, dict[int, tuple]] = {}
    with ws._get_source() as source:
        parser = WorkSheetParser(source, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for r, cells in parser.parse():
            kept = {cell["column"]: cell for cell in cells
                    if cell["column"] <= MAX_COLUMNS and cell["value"] not in (None, "")}
            if kept:
                found[r] = kept
                if len(found) > MAX_ROWS:
                    raise ImportFailure(f"trang tính có quá nhiều dòng (hơn {MAX_ROWS} dòng); không nhập.",
                                        file=file, sheet=ws.title)
    ranges = []
    for merge in (parser.merged_cells.mergeCell if parser.merged_cells else ()):
        rng = CellRange(merge.ref)
        ranges.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        for r in range(rng.min_row, rng.max_row + 1):
            row = found.get(r)
            if row:
                for c in range(rng.min_col, min(rng.max_col, MAX_COLUMNS) + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        row.pop(c, None)
    cells_by_row: dict[int, dict[int, tuple]] = {}
    for r, row in found.items():
        if not row:
            continue
        first = min(row)
        out = {c: (cell["value"], None) for c, cell in row.items()}
        cell = row[first]
        out[first] = (cell["value"], ReadOnlyCell(ws, r, first, cell["value"], cell["data_type"],
                                                  cell.get("style_id") or 0))
        cells_by_row[r] = out
    return cells_by_row, ranges


def load_xlsx(path: str | os.PathLike, *, read_only: bool = False):
    """Open an .xlsx/.xlsm safely (size and zip-bomb checks, no external links, no macros, cached
    values only). Any damage becomes ImportFailure naming the file; the caller closes the workbook.
    `read_only=True` streams the sheets (the appendix reader: `sheet_to_table` reads them in one pass)."""
    name = os.path.basename(os.fspath(path))
    check_file(path, file=name)
    check_office_zip(path, file=name, kind="Excel", required_part="xl/workbook.xml")
    try:
        import openpyxl
        # our own handle: openpyxl leaves the file open when a damaged part stops the load. A full load needs
        # nothing from the file afterwards (closed here); a read-only workbook streams from it until its
        # close(), which then closes the handle too.
        handle = open(path, "rb")
        try:
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(handle, read_only=read_only, data_only=True, keep_links=False,
                                            keep_vba=False)
        except BaseException:
            handle.close()
            raise
        if not read_only:
            handle.close()
            return wb
        close = wb.close

        def close_all() -> None:
            try:
                close()
            finally:
                handle.close()
        wb.close = close_all
        return wb
    except ImportFailure:
        raise
    except OSError as exc:
        raise ImportFailure(f"không đọc được tệp ({exc.strerror or exc}).", file=name) from None
    except Exception:
        raise ImportFailure("tệp Excel bị hỏng hoặc không đúng định dạng, không mở được.",
                            file=name) from None


def read_xlsx(path: str | os.PathLike) -> AppendixDraft:
    wb = load_xlsx(path, read_only=True)
    try:
        return _read_workbook(wb, os.path.basename(os.fspath(path)))
    finally:
        try:
            wb.close()
        except Exception:
            pass


def _read_workbook(wb, name: str) -> AppendixDraft:
    sheets = list(wb.worksheets)
    if not sheets:
        raise ImportFailure("tệp Excel không có trang tính nào.", file=name)
    first_failure: HeaderNotFound | None = None
    chosen: tuple[str, RawTable] | None = None
    others: list[str] = []
    any_data = False
    for ws in sheets:
        try:
            table = sheet_to_table(ws, file=name)
        except ImportFailure:
            raise
        except Exception:
            raise ImportFailure("không đọc được dữ liệu của trang tính.", file=name,
                                sheet=ws.title) from None
        if table.rows:
            any_data = True
        try:
            header = find_header(table, file=name)
        except HeaderNotFound as exc:
            first_failure = first_failure or exc
            continue
        if header is None:
            continue
        if chosen is None:
            chosen = (ws.title, table)
        else:
            others.append(ws.title)
    if chosen is None:
        if not any_data:
            raise ImportFailure("tệp Excel không có dữ liệu.", file=name,
                                sheet=sheets[0].title if len(sheets) == 1 else "")
        if first_failure is not None:
            raise first_failure
        if len(sheets) == 1:
            raise no_header_failure(name, sheets[0].title)
        raise no_header_failure(name, extra="Đã kiểm tra các trang tính: " + ", ".join(
            f"«{ws.title}»" for ws in sheets) + ".")
    sheet, table = chosen
    builder = AppendixBuilder(name, file=name)
    builder.add_table(table, continuation=False)
    draft = builder.finish()
    for other in others:
        draft.warnings.append(ImportWarning(
            f"Trang tính «{other}» cũng có bảng nhiệm vụ nhưng không được nhập; chỉ nhập trang "
            f"«{sheet}».", sheet=other))
    return draft
