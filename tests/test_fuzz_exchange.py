"""Hostile input for the USB exchange: mutated .cchc packages and mutated update workbooks (.xlsx),
1,000+ each. Every input ends in a result or an ExchangeError / a preview with errors (the module's own
contract) — never another exception — and the receiving database is byte-identical after a refusal."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.exchange import ExchangeError, export_package, import_package
from cchc_desktop.store import Store

from fuzz_support import EXAMPLES, FUZZ, OUTCOMES, byte_mutations, db_hash, member_mutations, record, summary


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-exchange")
    sender = Store.open(folder / "sender.sqlite3", actor="A")
    create_demo_plan(sender)
    receiver = Store.open(folder / "receiver.sqlite3", actor="B")
    receiver.close()
    pristine = folder / "receiver-pristine.sqlite3"
    shutil.copyfile(folder / "receiver.sqlite3", pristine)
    yield {"dir": folder, "sender": sender, "receiver_path": folder / "receiver.sqlite3", "pristine": pristine}
    sender.close()


def _reset(db: Path, pristine: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pristine, db)


def _try_package(stores, data: bytes, target: str) -> None:
    path = stores["dir"] / "mutated.cchc"
    path.write_bytes(data)
    db = stores["receiver_path"]
    receiver = Store.open(db, actor="B")
    changed = False
    try:
        before = db_hash(db)
        try:
            import_package(receiver, path)
        except ExchangeError as exc:
            assert str(exc).strip() and exc.code
            record(target, f"refused ({exc.code})")
            assert db_hash(db) == before, "refused package changed the database"
        else:
            record(target, "merged")
            changed = True
    finally:
        receiver.close()
    if changed:
        _reset(db, stores["pristine"])


def test_fuzz_package_bytes(stores):
    package = stores["dir"] / "original.cchc"
    export_package(stores["sender"], package)
    original = package.read_bytes()
    _try_package(stores, original, "sanity")  # the unmutated package merges

    @FUZZ
    @given(byte_mutations(original))
    def run(data):
        _try_package(stores, data, "package bytes")

    run()
    print(summary("package bytes"))
    assert OUTCOMES["sanity"]["merged"] == 1
    assert sum(OUTCOMES["package bytes"].values()) >= EXAMPLES


def test_fuzz_package_members(stores):
    """Valid zip, damaged JSON/manifest members (hash checks, JSON parser, schema checks)."""
    package = stores["dir"] / "original2.cchc"
    export_package(stores["sender"], package)
    import zipfile

    members = tuple(zipfile.ZipFile(package).namelist())

    @FUZZ
    @given(member_mutations(package.read_bytes(), members))
    def run(data):
        _try_package(stores, data, "package members")

    run()
    print(summary("package members"))
    assert sum(OUTCOMES["package members"].values()) >= EXAMPLES


@pytest.fixture(scope="module")
def workbook(stores):
    from cchc_desktop.exchange import export_workbook

    sender = stores["sender"]
    plan_id = sender.list_plans()[0]["id"]
    folder = stores["dir"] / "workbooks"
    folder.mkdir()
    result = export_workbook(sender, plan_id, "2026-Q2", folder)
    path = getattr(result, "path", None) or next(folder.glob("*.xlsx"))
    return Path(path).read_bytes()


def _try_workbook(stores, data: bytes, target: str) -> None:
    from cchc_desktop.exchange import apply_workbook_import, read_workbooks

    sender = stores["sender"]
    path = stores["dir"] / "mutated-update.xlsx"
    path.write_bytes(data)
    db = sender.db.path
    before = db_hash(db)
    try:
        previews = read_workbooks(sender, [path])
    except ExchangeError as exc:
        assert str(exc).strip()
        record(target, "refused (error)")
        assert db_hash(db) == before
        return
    except Exception as exc:  # noqa: BLE001 - a contract breach, counted and judged after the run
        record(target, f"LEAKED {type(exc).__module__}.{type(exc).__name__}")
        assert db_hash(db) == before
        return
    usable = [p for p in previews if p.usable]
    if not usable:
        assert all(p.issues for p in previews), "unusable preview without an explanation"
        record(target, "refused (preview errors)")
        assert db_hash(db) == before, "reading a workbook changed the database"
        return

    class _Rollback(Exception):
        pass

    try:
        with sender.transaction():
            apply_workbook_import(sender, usable)
            raise _Rollback
    except _Rollback:
        record(target, "applied")
    except ExchangeError as exc:
        assert str(exc).strip()
        record(target, "refused by apply")
    assert db_hash(db) == before


def test_fuzz_update_workbook_bytes(stores, workbook):
    @FUZZ
    @given(byte_mutations(workbook))
    def run(data):
        _try_workbook(stores, data, "workbook bytes")

    run()
    print(summary("workbook bytes"))
    assert sum(OUTCOMES["workbook bytes"].values()) >= EXAMPLES
    _judge_leaks("workbook bytes")


def test_fuzz_update_workbook_xml_parts(stores, workbook):
    members = ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/sharedStrings.xml",
               "xl/workbook.xml", "xl/styles.xml", "docProps/custom.xml", "[Content_Types].xml")

    @FUZZ
    @given(member_mutations(workbook, members))
    def run(data):
        _try_workbook(stores, data, "workbook XML parts")

    run()
    print(summary("workbook XML parts"))
    assert sum(OUTCOMES["workbook XML parts"].values()) >= EXAMPLES
    _judge_leaks("workbook XML parts")


# Every damaged workbook must end as a preview error (read_workbook loads through the importers'
# guarded load_xlsx and turns any failure into an issue), never as an escaping exception.
def _judge_leaks(target: str) -> None:
    leaks = {k: v for k, v in OUTCOMES[target].items() if k.startswith("LEAKED ")}
    assert not leaks, f"exceptions escaped the workbook reader: {leaks}"


