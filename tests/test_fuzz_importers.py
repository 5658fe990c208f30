"""Hostile input for the appendix importers: 1,000+ generated or mutated inputs per test.

Every input must end in a draft or an ImportFailure (Vietnamese message) — never another exception —
and a refused input must leave the database byte-identical (hash of the file + WAL before/after),
whether refused by the reader, by import_commit or by the CLI.
"""
from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_desktop import cli
from cchc_desktop.import_commit import commit_draft
from cchc_desktop.importers import ImportFailure, read_appendix, read_appendix_text
from cchc_desktop.store import Store, StoreError

from fuzz_support import (EXAMPLES, FUZZ, build_docx, build_xlsx, byte_mutations, db_hash, demo_lines,
                          member_mutations, record, summary)

VIETNAMESE = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-importers")
    return {
        "dir": folder,
        "xlsx": build_xlsx(folder / "phu-luc.xlsx").read_bytes(),
        "docx": build_docx(folder / "phu-luc.docx").read_bytes(),
        "txt": "\n".join(demo_lines()).encode("utf-8"),
    }


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("fuzz-db") / "fuzz.sqlite3", actor="fuzz")
    yield store
    store.close()


def _check_failure(exc: ImportFailure) -> None:
    message = str(exc)
    assert message.strip(), "empty error message"
    assert "Traceback" not in message


class _Rollback(Exception):
    pass


def _import_and_commit(target: str, store: Store, reader) -> None:
    """Read; on success commit (inside an outer transaction rolled back afterwards, so the database stays
    small and every example starts from the same bytes); a refusal at any step must not change it."""
    path = store.db.path
    before = db_hash(path)
    try:
        draft = reader()
    except ImportFailure as exc:
        _check_failure(exc)
        record(target, "refused by reader")
        assert db_hash(path) == before
        return
    try:
        with store.transaction():
            # half the drafts get an explicit year, so both the "no year" refusal and real commits run
            year = 2026 if draft.task_count % 2 else None
            result = commit_draft(store, draft, year=year)
            assert store.load_plan(result.plan_id) is not None
            raise _Rollback
    except _Rollback:
        record(target, "imported")
    except (ValueError, StoreError) as exc:
        assert str(exc)
        record(target, "refused by import_commit")
    assert db_hash(path) == before, "the database changed"


def _text_cells():
    lines = [line for line in demo_lines() if line.strip()]
    fragments = st.sampled_from([cell for line in lines for cell in line.split("\t")] + ["", '"', '""', "\r"])
    noise = st.text(alphabet=st.sampled_from(list(VIETNAMESE + "IVX0123456789.,;:-/()\"'\t \u00a0\u200b\ufeff")
                                             + ["\x00", "\ud7ff", "\U0001f600"]), max_size=40)
    return st.one_of(fragments, noise, st.text(max_size=20))


@st.composite
def generated_tables(draw) -> str:
    """Appendix-like TSV: sometimes the real header, random rows of real and random cells."""
    rows = []
    if draw(st.booleans()):
        rows.append("NHIỆM VỤ CỤ THỂ TRIỂN KHAI CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM "
                    + str(draw(st.integers(1900, 2200))))
    if draw(st.integers(0, 4)):
        rows.append(demo_lines()[6] if draw(st.booleans()) else "TT\tNội dung\tSản phẩm\tChủ trì\tPhối hợp\tThời gian")
    for _ in range(draw(st.integers(0, 14))):
        cells = draw(st.lists(_text_cells(), min_size=0, max_size=7))
        rows.append("\t".join(cells))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(rows)


def test_fuzz_text_generated(fuzz_store):
    @FUZZ
    @given(generated_tables())
    def run(text):
        _import_and_commit("text generated", fuzz_store, lambda: read_appendix_text(text))

    run()
    print(summary("text generated"))
    assert sum(_outcomes("text generated").values()) >= EXAMPLES


def test_fuzz_txt_file_mutated(work, fuzz_store):
    path = work["dir"] / "mutated.txt"

    @FUZZ
    @given(byte_mutations(work["txt"]))
    def run(data):
        path.write_bytes(data)
        _import_and_commit("txt mutated", fuzz_store, lambda: read_appendix(path))

    run()
    print(summary("txt mutated"))
    assert sum(_outcomes("txt mutated").values()) >= EXAMPLES


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_fuzz_office_file_bytes_through_cli(kind, work, tmp_path):
    """Flipped/truncated/inserted bytes in a real .xlsx/.docx, imported with `main.py import`."""
    target = f"{kind} bytes (CLI)"
    db = tmp_path / "cli.sqlite3"
    Store.open(db).close()
    pristine = tmp_path / "pristine.sqlite3"
    shutil.copyfile(db, pristine)
    path = work["dir"] / f"mutated-cli.{kind}"

    @FUZZ
    @given(byte_mutations(work[kind]))
    def run(data):
        path.write_bytes(data)
        before = db_hash(db)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["--db", str(db), "import", str(path)])
        if code == 0:
            record(target, "imported")
            for suffix in ("-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(pristine, db)
        else:
            assert code == 2, f"unexpected exit code {code}"
            assert err.getvalue().startswith("Lỗi: ") and len(err.getvalue()) > 10
            assert db_hash(db) == before, "refused import changed the database"
            record(target, "refused")

    run()
    print(summary(target))
    assert sum(_outcomes(target).values()) >= EXAMPLES


@pytest.mark.parametrize("kind,members", [
    ("xlsx", ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml",
              "[Content_Types].xml")),
    ("docx", ("word/document.xml", "word/styles.xml", "[Content_Types].xml", "word/_rels/document.xml.rels")),
])
def test_fuzz_office_file_xml_parts(kind, members, work, fuzz_store):
    """A valid zip with a damaged XML part (the parser paths rather than the zip checks)."""
    target = f"{kind} XML parts"
    path = work["dir"] / f"mutated-member.{kind}"

    @FUZZ
    @given(member_mutations(work[kind], members))
    def run(data):
        path.write_bytes(data)
        _import_and_commit(target, fuzz_store, lambda: read_appendix(path))

    run()
    print(summary(target))
    assert sum(_outcomes(target).values()) >= EXAMPLES


def _outcomes(target):
    from fuzz_support import OUTCOMES

    return OUTCOMES[target]
