"""Word tables as raw rows (merged cells expanded the way the appendix builder expects); shared by the appendix
reader, the whole-plan block reader and the PAR catalogue reader."""
from __future__ import annotations

from .model import ImportFailure
from .rows import MAX_ROWS, RawRow, RawTable

MAX_COLUMNS = 40


def _cell_is_bold(cell) -> bool:
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                return bool(run.bold)
    return False


def table_to_raw(table, *, label: str, progress=None) -> RawTable:
    rows: list[RawRow] = []
    prev_tcs: list[object] = []
    width = 0
    for index, row in enumerate(table.rows, start=1):
        if progress is not None:
            progress.at(index)
        before = getattr(row, "grid_cols_before", 0) or 0
        cells = [None] * before + list(row.cells)
        cells = cells[:MAX_COLUMNS]
        tcs = [c._tc if c is not None else None for c in cells]
        texts: list[str] = []
        merged_across = False
        bold = False
        first_seen = False
        for col, cell in enumerate(cells):
            if cell is None:
                texts.append("")
                continue
            tc = tcs[col]
            span = sum(1 for t in tcs if t is tc)
            if col > 0 and tcs[col - 1] is tc:
                texts.append("")  # horizontal repeat
                continue
            if span >= 3:
                merged_across = True
            vertical_copy = col < len(prev_tcs) and prev_tcs[col] is tc
            if vertical_copy and span > 1:
                texts.append("")
                continue
            text = cell.text
            texts.append(text)
            if text.strip() and not first_seen:
                first_seen = True
                bold = _cell_is_bold(cell)
        prev_tcs = tcs
        width = max(width, len(texts))
        rows.append(RawRow(cells=texts, row=index, bold=bold, merged_across=merged_across))
        if len(rows) > MAX_ROWS:
            raise ImportFailure(f"bảng có quá nhiều dòng (hơn {MAX_ROWS} dòng); không nhập.",
                                sheet=label)
    if progress is not None:
        progress.next_part(len(rows))
    return RawTable(rows=rows, sheet=label, column_count=width)
