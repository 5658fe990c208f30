"""Tab-separated text: clipboard data pasted from Excel/Word, and .txt/.tsv/.csv files.

Excel puts a range on the clipboard as TSV, quoting a cell that holds a tab,
a line break or a double quote ("a""b", multi-line cells inside quotes); the
csv module with ``delimiter="\\t"`` reads that.  The seed appendix .txt is the
same format with a few markdown-ish lines (title, caption) above the table.
Files may be UTF-8 or UTF-16 (each with or without BOM; Excel's "Unicode text" is
UTF-16), Windows-1258 (Excel's "CSV (Comma delimited)" on Vietnamese Windows) or
Windows-1252; the encoding used is recorded on the draft (``encoding``) and named
in a warning when it is not UTF-8.  A .csv file without any
tab is read with "," or ";" as delimiter, whichever is more frequent.
"""
from __future__ import annotations

import csv
import io
import os
import re
import unicodedata

from .model import AppendixDraft, ImportFailure, ImportWarning
from .rows import MAX_ROWS, RawRow, RawTable, build_appendix, check_file

PASTE_SOURCE_NAME = "Dữ liệu dán"


def parse_tsv_rows(text: str, *, file: str, delimiter: str = "\t", progress=None) -> list[RawRow]:
    """Split text into rows; RawRow.row is the 1-based line where the record starts. `progress` (a RowProgress)
    is told the lines read."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        strict=False)
    rows: list[RawRow] = []
    line = 1
    try:
        for record in reader:
            rows.append(RawRow(cells=list(record), row=line))
            line = reader.line_num + 1
            if progress is not None:
                progress.at(line - 1)
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
                       csv_file: bool = False, progress=None) -> AppendixDraft:
    """Import tab-separated text (clipboard from Excel/Word, or the seed .txt format)."""
    if not text or not text.strip():
        raise ImportFailure("không có dữ liệu (nội dung trống).", file=source_name)
    from . import rows as _rows
    if len(text) > _rows.MAX_FILE_BYTES:
        raise ImportFailure("dữ liệu quá lớn; chỉ nhập được tối đa "
                            f"{_rows.MAX_FILE_BYTES // 1024 // 1024} MB.", file=source_name)
    if "\x00" in text:
        raise ImportFailure("dữ liệu không phải là văn bản.", file=source_name)
    if progress is not None:
        progress.add_total(text.count("\n") + 1)
        progress.start()
    rows = parse_tsv_rows(text, file=source_name,
                          delimiter=_pick_delimiter(text, csv_file=csv_file), progress=progress)
    return build_appendix([RawTable(rows=rows)], source_name, file=source_name)


ENCODING_LABELS = {"utf-8-sig": "UTF-8 (có BOM)", "utf-8": "UTF-8", "utf-16": "UTF-16 (có BOM)",
                   "utf-16-le": "UTF-16 LE (không BOM)", "utf-16-be": "UTF-16 BE (không BOM)",
                   "cp1258": "Windows-1258 (tiếng Việt)", "cp1252": "Windows-1252 (Tây Âu)"}
# letters only Vietnamese text has (after NFC): ă â đ ê ô ơ ư and the toned vowels U+1EA0–U+1EF9
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: most characters of Vietnamese/ASCII text have one zero byte."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    half = len(sample) // 2
    odd = sum(1 for b in sample[1::2] if b == 0)
    even = sum(1 for b in sample[0::2] if b == 0)
    if odd >= half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even >= half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


def detect_text_encoding(data: bytes) -> tuple[str, str]:
    """(text, codec) for the encodings Vietnamese offices produce: UTF-8 with/without BOM, UTF-16 with/without
    BOM, Windows-1258 (Excel's «CSV (Comma delimited)» on Vietnamese Windows) and Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    codec = _utf16_without_bom(data)
    if codec:
        return data.decode(codec), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for codec in ("cp1258", "cp1252"):
        try:
            text = unicodedata.normalize("NFC", data.decode(codec))
        except UnicodeDecodeError:
            continue
        candidates.append((len(_VIETNAMESE.findall(text)), codec == "cp1252", text, codec))
    if not candidates:
        raise UnicodeError("unknown encoding")
    _score, _tie, text, codec = max(candidates)  # the reading with more Vietnamese letters; a tie: cp1252
    return text, codec


def decode_text_bytes(data: bytes, *, file: str) -> str:
    return decode_text_file(data, file=file)[0]


def decode_text_file(data: bytes, *, file: str) -> tuple[str, str]:
    """Decode a text file; returns (text, codec). Refused with a clear message when no encoding fits."""
    try:
        return detect_text_encoding(data)
    except UnicodeError:
        raise ImportFailure("không nhận ra bảng mã của tệp văn bản (đã thử UTF-8, UTF-16, Windows-1258, "
                            "Windows-1252). Hãy mở tệp bằng Excel và lưu lại dạng «CSV UTF-8» hoặc «Unicode Text» "
                            "rồi nhập lại.", file=file) from None


def _load_text(path: str | os.PathLike) -> tuple[str, str, str]:
    """(file name, decoded text, codec); ImportFailure when unreadable or empty."""
    name = os.path.basename(os.fspath(path))
    check_file(path, file=name)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ImportFailure(f"không đọc được tệp ({exc.strerror or exc}).", file=name) from None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) \
            and _utf16_without_bom(data) is None:
        raise ImportFailure("tệp không phải là tệp văn bản.", file=name)
    text, codec = decode_text_file(data, file=name)
    if not text.strip():
        raise ImportFailure("tệp không có dữ liệu.", file=name)
    return name, text, codec


def load_text_file(path: str | os.PathLike) -> tuple[str, str]:
    """(file name, decoded text) of a text file in any of the encodings offices produce (see
    ``detect_text_encoding``); ImportFailure when unreadable or empty."""
    name, text, _codec = _load_text(path)
    return name, text


def read_text_file(path: str | os.PathLike, progress=None) -> AppendixDraft:
    """Import a .txt/.tsv/.csv file (tab- or comma-separated); the draft names the encoding it was read in."""
    name, text, codec = _load_text(path)
    draft = read_appendix_text(text, name, csv_file=name.lower().endswith(".csv"), progress=progress)
    draft.encoding = ENCODING_LABELS.get(codec, codec)
    if codec not in ("utf-8", "utf-8-sig"):
        draft.warnings.insert(0, ImportWarning(f"Tệp được đọc theo bảng mã {draft.encoding}."))
    return draft
