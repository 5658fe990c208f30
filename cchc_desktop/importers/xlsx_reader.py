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


def sheet_to_table(ws, *, file: str, progress=None) -> RawTable:
    """Rows of one worksheet as a RawTable (merged cells expanded, see module docstring).

    Only cells that hold a value are visited (a stray formatted cell at row
    1,048,576 must not make us walk a million empty rows). A read-only worksheet
    is streamed once: its cells and its merged ranges come from the same pass over
    the sheet XML (issue 18: no per-cell objects, merged ranges read once); a fully
    loaded one (the PAR catalogue) gives the same rows from its cell objects.
    """
    if hasattr(ws, "_get_source"):            # openpyxl ReadOnlyWorksheet
        values_by_row, is_bold, ranges = _stream_sheet(ws, file=file, progress=progress)
    else:
        values_by_row, is_bold, ranges = _loaded_sheet(ws)
    if len(values_by_row) > MAX_ROWS:
        raise ImportFailure(f"trang tính có quá nhiều dòng (hơn {MAX_ROWS} dòng); không nhập.",
                            file=file, sheet=ws.title)
    max_col = max((max(row) for row in values_by_row.values() if row), default=0)
    for min_row, min_col, _max_r, max_c in ranges:
        if min_col <= MAX_COLUMNS and min_row in values_by_row:
            max_col = max(max_col, min(max_c, MAX_COLUMNS))
    grid: dict[int, list[str]] = {}
    bold: dict[int, bool] = {}
    cell_text = _cell_text
    for r in sorted(values_by_row):
        row = values_by_row[r]
        texts = [""] * max_col
        blank = True
        for c, value in row.items():
            text = value if type(value) is str else cell_text(value)
            texts[c - 1] = text
            if blank and text.strip():
                blank = False
        if blank:
            continue
        grid[r] = texts
        bold[r] = is_bold(r, min(row))
    merged_across: set[int] = set()
    for min_row, min_col, max_r, max_c in ranges:
        if min_col > max_col:
            continue
        if max_c - min_col + 1 >= 3:
            merged_across.add(min_row)
        if max_c != min_col or max_r == min_row:
            continue
        top = values_by_row.get(min_row)
        top = top.get(min_col) if top else None
        if top not in (None, ""):
            text = _cell_text(top)
            for r in range(min_row + 1, max_r + 1):
                row = grid.get(r)
                if row is None:
                    row = grid[r] = [""] * max_col
                row[min_col - 1] = text
    rows = [RawRow(cells=grid[r], row=r, bold=bold.get(r, False), merged_across=r in merged_across)
            for r in sorted(grid)]
    return RawTable(rows=rows, sheet=ws.title, column_count=max_col)


def _loaded_sheet(ws):
    """A fully loaded sheet as ({row: {column: value}} of the non-empty cells, is_bold(row, column), merged
    ranges as (min_row, min_col, max_row, max_col)); openpyxl already emptied the cells under a merge."""
    values_by_row: dict[int, dict[int, object]] = {}
    for (r, c), cell in getattr(ws, "_cells", {}).items():
        if c <= MAX_COLUMNS and cell.value not in (None, ""):
            values_by_row.setdefault(r, {})[c] = cell.value
    ranges = [(g.min_row, g.min_col, g.max_row, g.max_col) for g in ws.merged_cells.ranges]

    def is_bold(r: int, c: int) -> bool:
        font = ws._cells[(r, c)].font
        return bool(font is not None and font.b)
    return values_by_row, is_bold, ranges


_PARSER_CLASS = None
_READER_CLASS = None


def read_plain_string_table(source) -> list[str]:
    """openpyxl's `read_string_table` (the workbook's shared strings, formatting dropped) with one quick case: an
    entry holding only plain text (`<si><t>…</t></si>`, most of them) is read as that text instead of through a
    rich-text `Text` object joined back into the same string; others go through `Text` as in openpyxl."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    string_tag, text_tag = "{%s}si" % SHEET_MAIN_NS, "{%s}t" % SHEET_MAIN_NS
    strings = []
    for _, node in iterparse(source):
        if node.tag == string_tag:
            if len(node) == 1 and node[0].tag == text_tag:
                text = node[0].text or ""
            else:
                text = Text.from_tree(node).content
            strings.append(text.replace("x005F_", ""))
            node.clear()
    return strings


def _excel_reader():
    """openpyxl's workbook reader with the shared strings read by `read_plain_string_table` (load_workbook is this
    reader's read() and wb)."""
    global _READER_CLASS
    if _READER_CLASS is not None:
        return _READER_CLASS
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class PlainStringsReader(ExcelReader):
        def read_strings(self):
            if self.rich_text:
                return super().read_strings()
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                with self.archive.open(ct.PartName[1:]) as src:
                    self.shared_strings = read_plain_string_table(src)

    _READER_CLASS = PlainStringsReader
    return _READER_CLASS



def _cell_parser():
    """openpyxl's sheet parser with one quick case: a cell holding plain inline text (`<is><t>…</t></is>`, how openpyxl
    itself, and so our own exported appendices, write every text) is read as that text instead of through a rich-text
    `Text` object built only to be joined back into the same string (a third of the parse). Every other cell (shared
    strings, numbers, dates, booleans, errors, formulas, inline text in runs) goes through openpyxl's own
    `parse_cell`; tests compare both parsers cell by cell."""
    global _PARSER_CLASS
    if _PARSER_CLASS is not None:
        return _PARSER_CLASS
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    text_tag = "{%s}t" % SHEET_MAIN_NS

    class InlineTextParser(WorkSheetParser):
        def parse_cell(self, element):
            if element.get("t") == "inlineStr" and not self.rich_text:
                child = element.find(INLINE_STRING)
                if child is not None and len(child) == 1 and child[0].tag == text_tag and (
                        self.data_only or element.find(FORMULA_TAG) is None):
                    # as WorkSheetParser.parse_cell: position from "r" or counted on, style id as int
                    coordinate = element.get("r")
                    if coordinate:
                        row, column = coordinate_to_tuple(coordinate)
                        self.col_counter = column
                    else:
                        self.col_counter += 1
                        row, column = self.row_counter, self.col_counter
                    style_id = element.get("s", 0)
                    if style_id:
                        style_id = int(style_id)
                    return {"row": row, "column": column, "value": child[0].text or "", "data_type": "s",
                            "style_id": style_id}
            return super().parse_cell(element)

    _PARSER_CLASS = InlineTextParser
    return _PARSER_CLASS


def _stream_sheet(ws, *, file: str, progress=None):
    """One pass over a read-only sheet's XML, the same three things as `_loaded_sheet`. Cells hidden under a
    merged range (not its top-left) are dropped, as openpyxl does when it loads a workbook in full. No cell
    objects: the parser's own dicts are kept per row, and a row's font is looked up from the style of its
    first cell only (as a ReadOnlyCell's `font` does: the workbook's font of the cell style's fontId)."""
    wb = ws.parent
    values_by_row: dict[int, dict[int, object]] = {}
    parsed: dict[int, list[dict]] = {}
    with ws._get_source() as source:
        parser = _cell_parser()(source, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for r, cells in parser.parse():
            if progress is not None:
                progress.at(r)
            kept = {cell["column"]: value for cell in cells
                    if (value := cell["value"]) is not None and value != "" and cell["column"] <= MAX_COLUMNS}
            if kept:
                values_by_row[r] = kept
                parsed[r] = cells
                if len(values_by_row) > MAX_ROWS:
                    raise ImportFailure(f"trang tính có quá nhiều dòng (hơn {MAX_ROWS} dòng); không nhập.",
                                        file=file, sheet=ws.title)
    ranges = []
    for merge in (parser.merged_cells.mergeCell if parser.merged_cells else ()):
        # a MergeCell is a CellRange: its bounds were parsed from its ref when the parser read it
        min_row, min_col, max_row, max_col = merge.min_row, merge.min_col, merge.max_row, merge.max_col
        ranges.append((min_row, min_col, max_row, max_col))
        last_col = min(max_col, MAX_COLUMNS)
        for r in range(min_row, max_row + 1):
            row = values_by_row.get(r)
            if row:
                for c in range(min_col + 1 if r == min_row else min_col, last_col + 1):
                    row.pop(c, None)
    for r in [r for r, row in values_by_row.items() if not row]:
        del values_by_row[r]
    fonts, cell_styles = wb._fonts, wb._cell_styles
    bold_of_style: dict[object, bool] = {}

    def is_bold(r: int, c: int) -> bool:
        style_id = 0
        for cell in reversed(parsed[r]):          # the last <c> of that column, as the dict above kept
            if cell["column"] == c:
                style_id = cell.get("style_id") or 0
                break
        known = bold_of_style.get(style_id)
        if known is None:
            font = fonts[cell_styles[style_id].fontId]
            known = bold_of_style[style_id] = bool(font is not None and font.b)
        return known
    return values_by_row, is_bold, ranges


def load_xlsx(path: str | os.PathLike, *, read_only: bool = False):
    """Open an .xlsx/.xlsm safely (size and zip-bomb checks, no external links, no macros, cached
    values only). Any damage becomes ImportFailure naming the file; the caller closes the workbook.
    `read_only=True` streams the sheets (the appendix reader: `sheet_to_table` reads them in one pass)."""
    name = os.path.basename(os.fspath(path))
    check_file(path, file=name)
    check_office_zip(path, file=name, kind="Excel", required_part="xl/workbook.xml")
    try:
        # our own handle: openpyxl leaves the file open when a damaged part stops the load. A full load needs
        # nothing from the file afterwards (closed here); a read-only workbook streams from it until its
        # close(), which then closes the handle too.
        handle = open(path, "rb")
        try:
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore")
                # = openpyxl.load_workbook(handle, read_only=read_only, data_only=True, keep_links=False,
                #                          keep_vba=False), shared strings read by read_plain_string_table
                reader = _excel_reader()(handle, read_only=read_only, keep_vba=False, data_only=True,
                                         keep_links=False, rich_text=False)
                reader.read()
                wb = reader.wb
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


def read_xlsx(path: str | os.PathLike, progress=None) -> AppendixDraft:
    """`progress`: a RowProgress told the rows read of every sheet (the sheets' declared sizes are the total)."""
    wb = load_xlsx(path, read_only=True)
    try:
        return _read_workbook(wb, os.path.basename(os.fspath(path)), progress)
    finally:
        try:
            wb.close()
        except Exception:
            pass


def _read_workbook(wb, name: str, progress=None) -> AppendixDraft:
    sheets = list(wb.worksheets)
    if not sheets:
        raise ImportFailure("tệp Excel không có trang tính nào.", file=name)
    if progress is not None:
        for ws in sheets:                     # the <dimension> each sheet declares (None when it has none)
            progress.add_total(getattr(ws, "_max_row", None))
        progress.start()
    first_failure: HeaderNotFound | None = None
    chosen: tuple[str, RawTable] | None = None
    others: list[str] = []
    any_data = False
    for ws in sheets:
        try:
            table = sheet_to_table(ws, file=name, progress=progress)
            if progress is not None:
                progress.next_part(getattr(ws, "_max_row", None) or (table.rows[-1].row if table.rows else 0))
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
