"""`main.py --self-test`: a headless smoke test of an installed or frozen build.

In a temporary folder it creates a database (migrations), takes the instance lock, imports the bundled
demo appendix, parses every deadline, renders the appendix PDF, backs the database up, restores the
backup and checks the counts — all with sockets forbidden: any attempt to open a network socket fails
the test. Exit code 0 when every step passed, 1 otherwise. Output is plain text on stdout (when there
is one: a windowed Windows build has none) and, with `--self-test-report FILE`, in that file.

Extra checks (the Qt smoke check from ui/crash_handler.py) can be passed in by the caller, so this
module stays Qt-free.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, Iterable

from . import APP_NAME, APP_VERSION


class NetworkAttempt(AssertionError):
    """Raised inside the app when something tries to open a socket during the self-test."""


@contextlib.contextmanager
def no_network(attempts: list[str] | None = None):
    """Forbid sockets: socket.socket(), create_connection, getaddrinfo and socketpair raise
    NetworkAttempt and are recorded in `attempts`."""
    attempts = attempts if attempts is not None else []
    saved = {name: getattr(socket, name) for name in ("socket", "create_connection", "getaddrinfo",
                                                      "socketpair", "fromfd")}

    def refuse(name):
        def _refused(*args, **kwargs):
            attempts.append(f"{name}{args[:2]!r}")
            raise NetworkAttempt(f"network access attempted: socket.{name}{args[:2]!r}")
        return _refused

    class _NoSocket(saved["socket"]):  # keeps isinstance() checks of other libraries working
        def __init__(self, *args, **kwargs):
            attempts.append(f"socket{args[:2]!r}")
            raise NetworkAttempt(f"network access attempted: socket.socket{args[:2]!r}")

    try:
        socket.socket = _NoSocket  # type: ignore[misc]
        for name in ("create_connection", "getaddrinfo", "socketpair", "fromfd"):
            setattr(socket, name, refuse(name))
        yield attempts
    finally:
        for name, value in saved.items():
            setattr(socket, name, value)


class _Report:
    def __init__(self, stream, report_path: Path | None):
        self.lines: list[str] = []
        self.stream = stream
        self.report_path = report_path

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if self.stream is not None:
            with contextlib.suppress(Exception):
                print(line, file=self.stream, flush=True)

    def save(self) -> None:
        if self.report_path is not None:
            from .safe_write import atomic_write_bytes

            atomic_write_bytes(self.report_path, ("\n".join(self.lines) + "\n").encode("utf-8"))


def _steps(work: Path) -> tuple[list[tuple[str, Callable[[], str]]], Callable[[], None]]:
    """(name, function) pairs, run in order (each returns a short detail or raises), and a clean-up."""
    from .backup import list_backups, make_backup, open_or_recover, restore_backup
    from .deadlines import parse_deadline
    from .demo import demo_appendix_path
    from .import_commit import commit_draft
    from .importers import read_appendix
    from .instance_lock import AlreadyRunning, InstanceLock
    from .logging_setup import setup_logging

    db_path = work / "self-test.sqlite3"
    state: dict = {}

    def logging_step():
        path = setup_logging(folder=work / "logs")
        import logging

        logging.getLogger("cchc.self_test").info("self-test log line")
        return str(path)

    def open_db():
        store, recovery = open_or_recover(db_path, actor="self-test")
        state["store"] = store
        assert recovery is None
        return f"schema {store.db.schema_version}, journal {store.db.journal_mode}"

    def lock():
        state["lock"] = InstanceLock(db_path).acquire()
        try:
            InstanceLock(db_path).acquire()
        except AlreadyRunning:
            return "second instance refused"
        raise AssertionError("a second lock on the same database was granted")

    def import_demo():
        draft = read_appendix(demo_appendix_path())
        result = commit_draft(state["store"], draft)
        state["plan_id"] = result.plan_id
        assert result.tasks > 0, "demo appendix produced no task"
        return f"{result.sections} mục, {result.tasks} nhiệm vụ, {result.products} sản phẩm"

    def deadlines():
        plan = state["store"].load_plan(state["plan_id"])
        state["plan"] = plan
        count = 0
        for section in plan.sections:
            for task in section.tasks:
                for product in task.products:
                    parse_deadline(product.deadline_text, plan.year_start, plan.year_end)
                    count += 1
        return f"{count} thời hạn"

    def pdf():
        target = work / "phu-luc.pdf"
        from .reports.appendix_pdf import render_plan_appendix

        render_plan_appendix(state["plan"], target)
        data = target.read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], "not a complete PDF"
        return f"{len(data) // 1024} KB"

    def backup_restore():
        store = state["store"]
        tasks_before = store.list_plans()[0]["task_count"]
        backup = make_backup(db_path, "thu-cong")
        infos = list_backups(db_path, check=True)
        assert infos and infos[0].task_count == tasks_before, "backup count mismatch"
        store.delete("plan", state["plan_id"])
        store.close()
        restore_backup(db_path, backup)
        store, _ = open_or_recover(db_path, actor="self-test")
        state["store"] = store
        plans = store.list_plans()
        assert plans and plans[0]["task_count"] == tasks_before, "restore lost data"
        return f"{backup.name} → {tasks_before} nhiệm vụ"

    def cleanup():
        store = state.pop("store", None)
        if store is not None:
            store.close()
        if state.get("lock") is not None:
            state.pop("lock").release()

    return [("log file", logging_step), ("open database", open_db), ("instance lock", lock),
            ("import demo appendix", import_demo), ("parse deadlines", deadlines),
            ("render appendix PDF", pdf), ("backup + restore", backup_restore)], cleanup


def run(extra_checks: Iterable[tuple[str, Callable[[], str]]] = (), *, stream=None,
        report_path: Path | None = None, keep: bool = False) -> int:
    """Run every step with the network forbidden; 0 when all passed."""
    say = _Report(stream if stream is not None else sys.stdout, report_path)
    say(f"{APP_NAME} {APP_VERSION} self-test ({'frozen' if getattr(sys, 'frozen', False) else 'source'}, "
        f"python {sys.version.split()[0]}, {sys.platform})")
    work = Path(tempfile.mkdtemp(prefix="cchc-self-test-"))
    saved_env = os.environ.get("CCHC_DATA_DIR")
    os.environ["CCHC_DATA_DIR"] = str(work / "appdata")  # never touch the real data folder
    failures = 0
    attempts: list[str] = []
    started = time.perf_counter()
    try:
        with no_network(attempts):
            steps, cleanup = _steps(work)
            for name, step in [*steps, *extra_checks]:
                t0 = time.perf_counter()
                try:
                    detail = step()
                    say(f"OK   {name}: {detail} ({(time.perf_counter() - t0) * 1000:.0f} ms)")
                except Exception as exc:  # noqa: BLE001 - report every failure
                    failures += 1
                    say(f"FAIL {name}: {type(exc).__name__}: {exc}")
                    for line in traceback.format_exc().rstrip().splitlines():
                        say(f"     {line}")
            cleanup()
    except Exception as exc:  # noqa: BLE001 - e.g. a module missing from the bundle
        failures += 1
        say(f"FAIL setup: {type(exc).__name__}: {exc}")
        for line in traceback.format_exc().rstrip().splitlines():
            say(f"     {line}")
    finally:
        if saved_env is None:
            os.environ.pop("CCHC_DATA_DIR", None)
        else:
            os.environ["CCHC_DATA_DIR"] = saved_env
        with contextlib.suppress(Exception):
            from .logging_setup import shutdown_logging

            shutdown_logging()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    if attempts:
        failures += 1
        say(f"FAIL network: {len(attempts)} socket attempt(s): {', '.join(attempts[:5])}")
    else:
        say("OK   network: no socket opened")
    say(f"{'PASSED' if not failures else 'FAILED'} in {time.perf_counter() - started:.2f} s "
        f"({failures} failure(s))")
    with contextlib.suppress(Exception):
        say.save()
    return 0 if failures == 0 else 1


def main(argv: list[str] | None = None,
         extra_checks: Iterable[tuple[str, Callable[[], str]]] = ()) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    report = None
    if "--self-test-report" in argv:
        index = argv.index("--self-test-report")
        if index + 1 < len(argv):
            report = Path(argv[index + 1])
    return run(extra_checks, report_path=report, keep="--self-test-keep" in argv)
