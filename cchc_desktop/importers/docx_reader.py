"""Word (.docx) appendix reader.

Every top-level table of the document body is read in document order;
paragraphs (and header-less tables such as the letterhead) before the first
table with a recognisable header feed the title/caption.  A later table without
a header but with the same number of columns continues the previous one (Word
splits a table at a page break when someone presses Enter between rows);
tables that fit neither (signature block) are ignored.

python-docx returns the same cell repeatedly for merged cells:

* a horizontal repeat (same ``<w:tc>`` as the previous grid column) is blanked,
  and the row is flagged ``merged_across`` when 3+ columns are spanned;
* a vertical repeat (same ``<w:tc>`` as the row above) keeps its text when the
  merge is one column wide (TT/content merged over several product rows – the
  core treats a row repeating TT and content as a further product) and is
  blanked for wider blocks.

Row numbers in warnings are the 1-based table row; when the document has more
than one table the sheet field is "Bảng <n>".
"""
from __future__ import annotations

import os

from .model import AppendixDraft, ImportFailure
from .rows import MAX_ROWS, AppendixBuilder, RawRow, RawTable

MAX_COLUMNS = 40


def _cell_is_bold(cell) -> bool:
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                return bool(run.bold)
    return False


def table_to_raw(table, *, label: str) -> RawTable:
    rows: list[RawRow] = []
    prev_tcs: list[object] = []
    width = 0
    for index, row in enumerate(table.rows, start=1):
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
    return RawTable(rows=rows, sheet=label, column_count=width)


def read_docx(path: str | os.PathLike) -> AppendixDraft:
    from .plan_blocks import TableBlock, read_docx_blocks
    name = os.path.basename(os.fspath(path))
    blocks = read_docx_blocks(path)
    if blocks.table_count == 0:
        raise ImportFailure("tài liệu Word không có bảng nào; phụ lục nhiệm vụ phải ở dạng bảng.",
                            file=name)
    builder = AppendixBuilder(name, file=name)
    for block in blocks.blocks:
        if isinstance(block, TableBlock):
            builder.add_table(block.raw)
        else:
            builder.add_preamble([block.text])
    return builder.finish()
