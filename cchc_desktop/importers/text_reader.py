"""Tab-separated text: clipboard data pasted from Excel/Word, and .txt/.tsv/.csv files.

Excel puts a range on the clipboard as TSV, quoting a cell that holds a tab,
a line break or a double quote ("a""b", multi-line cells inside quotes); the
csv module with ``delimiter="\\t"`` reads that.  The seed appendix .txt is the
same format with a few markdown-ish lines (title, caption) above the table.
Files must be UTF-8 (with or without BOM) or UTF-16 with BOM (Excel's "Unicode
text"); anything else is refused with a clear message.  A .csv file without any
tab is read with "," or ";" as delimiter, whichever is more frequent.
"""
from __future__ import annotations

import csv
import io
import os

from .model import AppendixDraft, ImportFailure
from .rows import MAX_ROWS, RawRow, RawTable, build_appendix, check_file

PASTE_SOURCE_NAME = "Dữ liệu dán"


def parse_tsv_rows(text: str, *, file: str, delimiter: str = "\t") -> list[RawRow]:
    """Split text into rows; RawRow.row is the 1-based line where the record starts."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        strict=False)
    rows: list[RawRow] = []
    line = 1
    try:
        for record in reader:
            rows.append(RawRow(cells=list(record), row=line))
            line = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                raise ImportFailure(f"dữ liệu có quá nhiều dòng (hơn {MAX_ROWS} dòng); không "
                                    "nhập.", file=file)
    except csv.Error as exc:
        raise ImportFailure(f"không đọc được dữ liệu dạng bảng ({exc}).", file=file,
                            row=line) from None
    return rows


def _pick_delimiter(text: str, *, csv_file: bool) -> str:
    sample = text[:20_000]
    if "\t" in sample or not csv_file:
        return "\t"
    return ";" if sample.count(";") > sample.count(",") else ","


def read_appendix_text(text: str, source_name: str = PASTE_SOURCE_NAME, *,
                       csv_file: bool = False) -> AppendixDraft:
    """Import tab-separated text (clipboard from Excel/Word, or the seed .txt format)."""
    if not text or not text.strip():
        raise ImportFailure("không có dữ liệu (nội dung trống).", file=source_name)
    from . import rows as _rows
    if len(text) > _rows.MAX_FILE_BYTES:
        raise ImportFailure("dữ liệu quá lớn; chỉ nhập được tối đa "
                            f"{_rows.MAX_FILE_BYTES // 1024 // 1024} MB.", file=source_name)
    if "\x00" in text:
        raise ImportFailure("dữ liệu không phải là văn bản.", file=source_name)
    rows = parse_tsv_rows(text, file=source_name,
                          delimiter=_pick_delimiter(text, csv_file=csv_file))
    return build_appendix([RawTable(rows=rows)], source_name, file=source_name)


def decode_text_bytes(data: bytes, *, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFailure("tệp văn bản UTF-16 bị lỗi mã hóa.", file=file) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportFailure("tệp văn bản không dùng bảng mã UTF-8. Hãy lưu lại tệp với bảng mã "
                            "UTF-8 (Unicode) rồi nhập lại.", file=file, row=line) from None


def load_text_file(path: str | os.PathLike) -> tuple[str, str]:
    """(file name, decoded text) of a UTF-8 / UTF-16 text file; ImportFailure when unreadable or empty."""
    name = os.path.basename(os.fspath(path))
    check_file(path, file=name)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ImportFailure(f"không đọc được tệp ({exc.strerror or exc}).", file=name) from None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailure("tệp không phải là tệp văn bản.", file=name)
    text = decode_text_bytes(data, file=name)
    if not text.strip():
        raise ImportFailure("tệp không có dữ liệu.", file=name)
    return name, text


def read_text_file(path: str | os.PathLike) -> AppendixDraft:
    """Import a .txt/.tsv/.csv file (UTF-8, tab-separated)."""
    name, text = load_text_file(path)
    return read_appendix_text(text, name, csv_file=name.lower().endswith(".csv"))
