"""Shared helpers of the fuzz tests (tests/test_fuzz_*.py): real fixture files built from the bundled
demo appendix, byte- and member-level mutation strategies, outcome counters and DB hashing."""
from __future__ import annotations

import collections
import hashlib
import io
import os
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from cchc_desktop.demo import demo_appendix_path

EXAMPLES = int(os.environ.get("CCHC_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])

# outcome counters, printed by the tests (pytest -s) and quoted in README "Reliability"
OUTCOMES: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)


def record(target: str, outcome: str) -> None:
    OUTCOMES[target][outcome] += 1


def summary(target: str) -> str:
    counts = OUTCOMES[target]
    total = sum(counts.values())
    parts = ", ".join(f"{k} {v}" for k, v in counts.most_common())
    return f"fuzz {target}: {total} inputs ({parts})"


def demo_lines() -> list[str]:
    return demo_appendix_path().read_text(encoding="utf-8").splitlines()


def demo_rows() -> list[list[str]]:
    """Title/caption lines as single cells, then the table rows."""
    rows = []
    for line in demo_lines():
        if not line.strip():
            continue
        rows.append(line.split("\t") if "\t" in line else [line.strip("*")])
    return rows


def build_xlsx(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    for r, row in enumerate(demo_rows(), start=1):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value.replace("<b>", "").replace("</b>", "") or None)
    wb.save(path)
    return path


def build_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    rows = demo_rows()
    table_rows = [r for r in rows if len(r) > 1]
    for row in rows:
        if len(row) == 1:
            document.add_paragraph(row[0])
    table = document.add_table(rows=len(table_rows), cols=6)
    for r, row in enumerate(table_rows):
        for c in range(6):
            text = row[c] if c < len(row) else ""
            table.cell(r, c).text = text.replace("<b>", "").replace("</b>", "")
    document.save(path)
    return path


@st.composite
def byte_mutations(draw, original: bytes) -> bytes:
    """1–4 edits: flip bits, truncate, insert, delete or overwrite a run of bytes. Half the edits aim at
    the last quarter of the file, where a zip keeps its central directory."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            data = bytearray(draw(st.binary(min_size=0, max_size=64)))
            continue
        tail = draw(st.booleans())
        low = (len(data) * 3) // 4 if tail else 0
        pos = draw(st.integers(low, len(data) - 1))
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "overwrite"]))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 256))]
        else:
            chunk = draw(st.binary(min_size=1, max_size=64))
            data[pos:pos + len(chunk)] = chunk
    return bytes(data)


@st.composite
def member_mutations(draw, original: bytes, members: tuple[str, ...]) -> bytes:
    """A valid zip whose XML part is damaged (broken markup, odd characters, huge numbers...)."""
    source = zipfile.ZipFile(io.BytesIO(original))
    name = draw(st.sampled_from([m for m in members if m in source.namelist()]))
    text = source.read(name)
    mutated = draw(byte_mutations(text))
    if draw(st.booleans()):
        needle = draw(st.sampled_from([b'r="', b"<c ", b"<v>", b"<t", b"<w:t", b"<row", b"<w:tc", b'ref="',
                                       b"<si>", b"gridSpan", b"vMerge", b"t=\"s\""]))
        insert = draw(st.sampled_from([b"999999999", b"-1", b"\x00", b"&#0;", b"]]>", b"A1048577",
                                       b"<x>" * 50, b'"', b"\xff\xfe", "ệ".encode() * 100]))
        at = mutated.find(needle)
        if at >= 0:
            mutated = mutated[:at + len(needle)] + insert + mutated[at + len(needle):]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, mutated if info.filename == name else source.read(info.filename))
    return out.getvalue()


def db_hash(path: Path) -> str:
    """SHA-256 over the database file and its WAL (if any): byte-identical means unchanged."""
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            digest.update(part.read_bytes())
        digest.update(b"|")
    return digest.hexdigest()
