"""Issue 12, cases 8, 9 and 10: Windows-safe attachment names, a size cap, importer limits read from the zip
directory (peak memory measured), and text files in the encodings Vietnamese offices produce."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import unicodedata
import zipfile
from pathlib import Path

import pytest

from cchc_desktop.importers import read_appendix
from cchc_desktop.importers.model import ImportFailure
from cchc_desktop.tracking.evidence import (MAX_PATH_CHARS, EvidenceError, add_evidence, safe_file_name)

ROOT = Path(__file__).resolve().parent.parent


# -- case 8: attachments ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,expected", [("CON", "_CON"), ("aux.txt", "_aux.txt"), ("NUL.pdf", "_NUL.pdf"),
                                           ("COM1.docx", "_COM1.docx"), ("lpt9", "_lpt9"), ("COM¹.pdf", "_COM¹.pdf"),
                                           ("bien ban. . .", "bien ban"), ("a<b>c?.pdf", "a_b_c_.pdf"),
                                           ("  quyết định .pdf ", "quyết định .pdf"), ("CONSOLE.pdf", "CONSOLE.pdf")])
def test_windows_safe_names(name, expected):
    assert safe_file_name(name) == expected


def _product(store) -> str:
    from cchc_desktop.demo import create_demo_plan

    create_demo_plan(store)
    return store.db.query_one("SELECT id FROM product LIMIT 1")[0]


def test_reserved_and_long_names_are_stored_safely(store, tmp_path):
    product = _product(store)
    for name in ("CON", "aux.txt", "NUL.pdf", "COM1.docx", "x" * 240 + ".pdf"):
        source = tmp_path / "src" / name
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(name.encode() * 10)
        add_evidence(store, product, "2026", doc_number=name[:20], source_file=source)
    rows = store.db.query("SELECT file_name, file_path FROM evidence ORDER BY created_at")
    names = [r["file_name"] for r in rows]
    assert names[:4] == ["_CON", "_aux.txt", "_NUL.pdf", "_COM1.docx"]
    assert names[4].endswith(".pdf") and names[4].startswith("xxxx")
    for row in rows:
        full = Path(store.db.path).resolve().parent / row["file_path"]
        assert full.is_file() and len(str(full)) <= MAX_PATH_CHARS


def test_attachment_size_cap_is_clear_and_configurable(store, tmp_path, monkeypatch):
    product = _product(store)
    big = tmp_path / "ban-scan.pdf"
    big.write_bytes(b"\0" * (3 * 1024 * 1024))
    monkeypatch.setenv("CCHC_ATTACHMENT_MAX_MB", "2")
    with pytest.raises(EvidenceError, match=r"ban-scan.pdf.*3.0 MB.*giới hạn 2 MB"):
        add_evidence(store, product, "2026", doc_number="1", source_file=big)
    assert store.db.query_one("SELECT COUNT(*) FROM evidence")[0] == 0
    assert not (Path(store.db.path).parent / "attachments").exists()
    monkeypatch.setenv("CCHC_ATTACHMENT_MAX_MB", "5")
    add_evidence(store, product, "2026", doc_number="1", source_file=big)
    assert store.db.query_one("SELECT COUNT(*) FROM evidence")[0] == 1


def test_data_folder_too_deep_for_windows_paths_is_refused(tmp_path):
    from cchc_desktop.store import Store

    deep = tmp_path.joinpath(*(["thu-muc-rat-sau"] * 8))
    deep.mkdir(parents=True)
    store = Store.open(deep / "cchc.sqlite3")
    try:
        product = _product(store)
        source = tmp_path / "a.pdf"
        source.write_bytes(b"pdf")
        with pytest.raises(EvidenceError, match="quá sâu"):
            add_evidence(store, product, "2026", doc_number="1", source_file=source)
    finally:
        store.close()


# -- case 10: a small hostile file is refused from the zip directory, before parsing ------------------------
def _bomb(path: Path, kind: str) -> Path:
    """A real .xlsx/.docx whose main XML part is replaced by 50 MB that compress to a few dozen KB."""
    plain = path.with_suffix(".plain" + path.suffix)
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        book.active["A1"] = "TT"  # the shared strings part exists and is referenced
        book.save(plain)
        part, head, unit, tail = ("xl/sharedStrings.xml",
                                  '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                                  "<si><t>" + "a" * 200 + "</t></si>", "</sst>")
    else:
        import docx

        docx.Document().save(plain)
        part, head, unit, tail = ("word/document.xml",
                                  '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                  "<w:body>", "<w:p><w:r><w:t>" + "a" * 200 + "</w:t></w:r></w:p>",
                                  "</w:body></w:document>")
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename))
        with dst.open(part, "w") as handle:
            handle.write(head.encode())
            block = (unit * 1000).encode()
            for _ in range(50 * 1024 * 1024 // len(block)):
                handle.write(block)
            handle.write(tail.encode())
    return path


_MEASURE = textwrap.dedent("""
    import resource, sys
    sys.path.insert(0, sys.argv[2])
    import openpyxl, docx  # the libraries are loaded before the baseline
    from cchc_desktop.importers import read_appendix
    from cchc_desktop.importers.model import ImportFailure
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        read_appendix(sys.argv[1])
        print("ACCEPTED")
    except ImportFailure as exc:
        print("REFUSED", exc)
    print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)
""")


@pytest.mark.skipif(sys.platform.startswith("win"), reason="resource.getrusage")
@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_inflating_office_file_is_refused_with_bounded_memory(tmp_path, kind):
    bomb = _bomb(tmp_path / f"phu-luc.{kind}", kind)
    assert bomb.stat().st_size < 300 * 1024
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(bomb), str(ROOT)], capture_output=True, text=True,
                            timeout=120)
    lines = result.stdout.splitlines()
    assert lines and lines[0].startswith("REFUSED"), result.stdout + result.stderr
    assert "giải nén" in lines[0] and f"phu-luc.{kind}" in lines[0]
    peak_kb = int(lines[-1].split()[1])
    assert peak_kb < 20 * 1024, f"peak memory grew by {peak_kb} KB before the refusal"


# -- case 9: text files in the encodings of Vietnamese offices ----------------------------------------------
HEADER = "TT\tNội dung\tSản phẩm\tChủ trì\tPhối hợp\tThời gian"
BODY = "I\tCÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\t\t\t\t\n1\tBan hành kế hoạch ứng dụng\tQuyết định\tVăn phòng HĐND và UBND\t\tQuý I/2026"
TEXT = HEADER + "\r\n" + BODY + "\r\n"
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """What Excel's «CSV (Comma delimited)» writes on Vietnamese Windows: base letters + combining tone marks."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


@pytest.mark.parametrize("label,data", [
    ("UTF-8", TEXT.encode("utf-8")), ("UTF-8 (có BOM)", b"\xef\xbb\xbf" + TEXT.encode("utf-8")),
    ("UTF-16 (có BOM)", TEXT.encode("utf-16")), ("UTF-16 LE (không BOM)", TEXT.encode("utf-16-le")),
    ("UTF-16 BE (không BOM)", TEXT.encode("utf-16-be")), ("Windows-1258 (tiếng Việt)", _cp1258(TEXT))])
def test_text_file_encodings_are_detected_and_named(tmp_path, label, data):
    path = tmp_path / "phu-luc.txt"
    path.write_bytes(data)
    draft = read_appendix(path)
    assert draft.encoding == label
    assert draft.sections[0].title == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"
    task = draft.sections[0].tasks[0]
    assert task.content == "Ban hành kế hoạch ứng dụng"
    assert task.products[0].leads == ["Văn phòng HĐND và UBND"]
    if not label.startswith("UTF-8"):
        assert any(label in str(w) for w in draft.warnings)


def test_vietnamese_excel_csv_with_commas(tmp_path):
    csv_text = TEXT.replace("\t", ",").replace("CHỈ ĐẠO, ĐIỀU HÀNH", '"CHỈ ĐẠO, ĐIỀU HÀNH"')
    csv_text = csv_text.replace("CÔNG TÁC \"CHỈ", "\"CÔNG TÁC CHỈ").replace("HÀNH\"\"", "HÀNH\"")
    path = tmp_path / "phu-luc.csv"
    path.write_bytes(_cp1258(csv_text.replace('CÔNG TÁC "CHỈ ĐẠO, ĐIỀU HÀNH"', '"CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"')))
    draft = read_appendix(path)
    assert draft.encoding == "Windows-1258 (tiếng Việt)"
    assert draft.sections[0].tasks[0].content == "Ban hành kế hoạch ứng dụng"


def test_western_cp1252_text_is_told_apart_from_vietnamese_1258():
    from cchc_desktop.importers.text_reader import detect_text_encoding

    assert detect_text_encoding("Résumé du café, crème brûlée".encode("cp1252")) == (
        "Résumé du café, crème brûlée", "cp1252")
    text = "Kế hoạch cải cách hành chính, ứng dụng công nghệ"
    assert detect_text_encoding(_cp1258(text)) == (text, "cp1258")
