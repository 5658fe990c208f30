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

from .docx_tables import MAX_COLUMNS, table_to_raw  # noqa: F401 - re-exported (PAR catalogue, plan blocks)


def read_docx(path: str | os.PathLike, progress=None) -> AppendixDraft:
    from .plan_blocks import TableBlock, read_docx_blocks
    name = os.path.basename(os.fspath(path))
    blocks = read_docx_blocks(path, progress=progress)
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
