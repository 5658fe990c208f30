"""Appendix importers (Qt-free): Excel, Word and tab-separated text -> AppendixDraft.

Public API::

    read_appendix(path, progress=None) -> AppendixDraft   # dispatch on the file extension; progress(done, total)
                                                          # now and then (see .progress), False stops the read
    read_appendix_text(text, source_name="Dữ liệu dán") -> AppendixDraft   # clipboard TSV

Both raise :class:`ImportFailure` (Vietnamese message naming file/sheet/row)
for anything that cannot be imported; library exceptions never leak.  The
layout rules (header synonyms, sections, continuation rows, merged cells,
inheritance of agencies/deadline) are documented in :mod:`.rows`.
"""
from __future__ import annotations

import os

from .model import (AppendixDraft, ImportCancelled, ImportFailure, ImportWarning, ProductDraft, SectionDraft,
                    TaskDraft)
from .rows import split_agencies
from .text_reader import PASTE_SOURCE_NAME, read_appendix_text, read_text_file

XLSX_EXTENSIONS = (".xlsx", ".xlsm")
DOCX_EXTENSIONS = (".docx",)
TEXT_EXTENSIONS = (".txt", ".tsv", ".csv")
SUPPORTED_EXTENSIONS = XLSX_EXTENSIONS + DOCX_EXTENSIONS + TEXT_EXTENSIONS

_OLD_FORMATS = {
    ".xls": "Excel 97–2003 (.xls); hãy mở bằng Excel và lưu lại thành .xlsx",
    ".doc": "Word 97–2003 (.doc); hãy mở bằng Word và lưu lại thành .docx",
    ".pdf": "PDF; hãy dùng tệp Word (.docx) hoặc Excel (.xlsx) gốc của phụ lục",
    ".odt": "OpenDocument (.odt); hãy lưu lại thành .docx",
    ".ods": "OpenDocument (.ods); hãy lưu lại thành .xlsx",
}


def read_appendix(path: str | os.PathLike, progress=None) -> AppendixDraft:
    """Read an appendix file (.xlsx/.xlsm, .docx, .txt/.tsv/.csv) into a draft. `progress(done, total)` is told
    the rows read (total None when unknown), at most every ~200 rows, last with done == total; returning False
    stops the read with ImportCancelled (nothing is written while reading)."""
    from .progress import row_progress

    name = os.path.basename(os.fspath(path))
    ext = os.path.splitext(name)[1].lower()
    if os.path.isdir(path):
        raise ImportFailure("đây là một thư mục, không phải tệp. Hãy chọn tệp phụ lục (.xlsx, .docx, .txt) "
                            "trong thư mục.", file=name)
    if ext in XLSX_EXTENSIONS:
        from .xlsx_reader import read_xlsx
        rows = row_progress(progress, file=name)
        return _guard(lambda p: read_xlsx(p, progress=rows), path, name, rows)
    if ext in DOCX_EXTENSIONS:
        from .docx_reader import read_docx
        rows = row_progress(progress, file=name)
        return _guard(lambda p: read_docx(p, progress=rows), path, name, rows)
    if ext in TEXT_EXTENSIONS:
        rows = row_progress(progress, file=name)
        return _guard(lambda p: read_text_file(p, progress=rows), path, name, rows)
    hint = _OLD_FORMATS.get(ext)
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    if hint:
        raise ImportFailure(f"chưa hỗ trợ định dạng {hint}. Các định dạng nhập được: {supported}.",
                            file=name)
    raise ImportFailure(f"định dạng tệp «{ext or 'không có phần mở rộng'}» không được hỗ trợ. "
                        f"Các định dạng nhập được: {supported}.", file=name)


def _guard(reader, path, name: str, progress=None) -> AppendixDraft:
    """reader(path) with library exceptions turned into ImportFailure; `progress` (a RowProgress) is told the
    end of the read."""
    from ..gc_pauses import no_gc_pauses
    from ..text import remembered_cleaning

    try:
        with remembered_cleaning(), no_gc_pauses():
            draft = reader(path)
        if progress is not None:
            progress.finish()
        return draft
    except ImportFailure:                  # ImportCancelled included
        raise
    except MemoryError:
        raise ImportFailure("tệp quá lớn, không đủ bộ nhớ để nhập.", file=name) from None
    except Exception as exc:  # last line of defence: never leak library exceptions
        raise ImportFailure(f"không đọc được tệp ({type(exc).__name__}).", file=name) from None


__all__ = [
    "AppendixDraft", "ImportCancelled", "ImportFailure", "ImportWarning", "ProductDraft", "SectionDraft",
    "TaskDraft", "PASTE_SOURCE_NAME", "SUPPORTED_EXTENSIONS", "read_appendix",
    "read_appendix_text", "split_agencies",
]
