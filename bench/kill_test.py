"""Crash-safety bench: edit a database in a child process and SIGKILL it at random moments.

    .venv/bin/python bench/kill_test.py                       # 60 kills (half WAL, half DELETE journal)
    .venv/bin/python bench/kill_test.py --kills 10 --seed 7
    .venv/bin/python bench/kill_test.py --mode clock          # the PC clock jumps backwards between kills
    .venv/bin/python bench/kill_test.py --mode backup-restore # kills during backups and restores

Each child opens the database through the app's one open path (instance lock, integrity check, backup before
migrating) and loops: add a task, change a product deadline, every 7th step import the demo appendix as a whole
plan (one transaction), every 11th step (every 5th in clock mode) take a backup. After each committed step it
prints `ACK <kind> <tag>` and flushes. The parent kills it with SIGKILL after a random delay — counted from the
child's first acknowledged step in half the rounds (so every such round has something to lose, however slow the
machine), from the start in one round in eight (kills during start-up and migrations), else after READY — checks
`PRAGMA integrity_check`, and starts the next child on the same file (the stale lock must be taken over). Half
the rounds run the database in DELETE-journal mode, as on a USB stick.
At the end every acknowledged edit must be present and every imported plan complete (39 tasks).

Clock mode: each child runs with the PC clock (`backup._now`) 37 days earlier than the one before. The newest
acknowledged backup must never be pruned, and the newest good backup found must be the one with the highest
sequence number.
Backup-restore mode: the child alternates backups (with an evidence file attached), task edits and restores of
the newest backup; after every kill the database passes integrity_check, every evidence file it references is
there with its SHA-256, and every backup left passes integrity_check.
Prints the counts; exit code 0 when nothing was lost.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# -- child ---------------------------------------------------------------------------------------
def child(db_path: str, start: int, journal: str, mode: str = "edits", clock: str = "") -> None:
    if journal == "delete":
        from cchc_desktop import db as db_module

        db_module.storage_kind = lambda path: db_module.REMOVABLE  # behave as on a USB stick
    from datetime import datetime

    from cchc_desktop import backup
    from cchc_desktop.demo import demo_appendix_path
    from cchc_desktop.import_commit import commit_draft
    from cchc_desktop.importers import read_appendix
    from cchc_desktop.open_path import open_database
    from cchc_desktop.store import Store

    if clock:
        backup._now = lambda: datetime.fromisoformat(clock)  # this PC's (wrong) clock
    opened = open_database(db_path, actor=f"kill-{start}")
    store = opened.store
    print(f"READY {store.db.journal_mode}", flush=True)
    section_id = store.db.query_one("SELECT id FROM section ORDER BY created_at LIMIT 1")[0]
    product_ids = [r[0] for r in store.db.query("SELECT id FROM product ORDER BY created_at LIMIT 20")]
    draft = read_appendix(demo_appendix_path())
    n = start
    while True:
        n += 1
        tag = f"k{n}"
        if mode == "backup-restore":
            if n % 3 == 0:
                made = backup.make_backup(db_path, "thu-cong", keep=4, dedupe=False)
                print(f"ACK backup {tag} {backup.validate_backup(made).seq}", flush=True)
            elif n % 3 == 1:
                store.add_task(section_id, f"kill-edit-{tag}")
                print(f"ACK task {tag}", flush=True)
            else:
                newest = backup.find_good_backup(db_path)
                if newest is None:
                    continue
                store.close()
                backup.restore_backup(db_path, newest.path, keep=4)
                store = Store.open(db_path, actor=f"kill-{start}")
                section_id = store.db.query_one("SELECT id FROM section ORDER BY created_at LIMIT 1")[0]
                print(f"ACK restore {tag} {newest.seq}", flush=True)
            continue
        if n % 7 == 0:
            commit_draft(store, draft, unit_name=f"kill-import-{tag}")
            print(f"ACK import {tag}", flush=True)
        elif n % (5 if mode == "clock" else 11) == 0:
            made = backup.make_backup(db_path, "thu-cong", keep=5)
            print(f"ACK backup {tag} {backup.validate_backup(made).seq}", flush=True)
        elif n % 2 == 0:
            store.add_task(section_id, f"kill-edit-{tag}")
            print(f"ACK task {tag}", flush=True)
        else:
            store.update("product", product_ids[n % len(product_ids)], deadline_text=f"kill-deadline-{tag}")
            print(f"ACK deadline {tag} {product_ids[n % len(product_ids)]}", flush=True)


# -- parent --------------------------------------------------------------------------------------
def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
    finally:
        conn.close()


def find_lost(db_path: Path, acked: list[tuple[str, ...]], demo_tasks: int) -> tuple[list, dict[str, int]]:
    """The acknowledged steps the database no longer shows, and {imported plan name: task count}.

    A task must exist, an import must be a complete plan, and a product's deadline must carry the
    latest acknowledged value or a later one (committed just before a kill, not yet acknowledged)."""
    conn = sqlite3.connect(db_path)
    try:
        tasks = {r[0] for r in conn.execute("SELECT content FROM task WHERE content LIKE 'kill-edit-%'")}
        deadlines = {r[0]: r[1] for r in conn.execute("SELECT id, deadline_text FROM product")}
        plans = {r[0]: r[1] for r in conn.execute(
            "SELECT p.unit_name, (SELECT COUNT(*) FROM task t JOIN section s ON s.id = t.section_id "
            "WHERE s.plan_id = p.id) FROM plan p WHERE p.unit_name LIKE 'kill-import-%'")}
    finally:
        conn.close()
    missing: list[tuple[str, ...]] = []
    last_deadline: dict[str, int] = {}
    for ack in acked:
        kind, tag = ack[0], ack[1]
        if kind == "task" and f"kill-edit-{tag}" not in tasks:
            missing.append(ack)
        elif kind == "import" and plans.get(f"kill-import-{tag}") != demo_tasks:
            missing.append(ack)
        elif kind == "deadline":
            last_deadline[ack[2]] = max(last_deadline.get(ack[2], 0), int(tag[1:]))
    for product_id, number in last_deadline.items():
        value = deadlines.get(product_id) or ""
        found = int(value.rsplit("-k", 1)[1]) if value.startswith("kill-deadline-k") else -1
        if found < number:
            missing.append(("deadline", f"k{number}", product_id))
    return missing, plans


ACK_WAIT_LIMIT = 60.0


def _wait_ready(lines: list[str], proc, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if any(line.startswith("READY") for line in lines):
            return
        time.sleep(0.01)


def _setup(db_path: Path, mode: str) -> int:
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.store import Store

    store = Store.open(db_path, actor="setup")
    create_demo_plan(store)
    demo_tasks = store.list_plans()[0]["task_count"]
    if mode == "backup-restore":  # an evidence file, so backups and restores carry attachments
        from cchc_desktop.tracking import add_evidence

        scan = db_path.parent / "scan.pdf"
        scan.write_bytes(b"%PDF-1.4 " + os.urandom(200_000))
        product = store.db.query_one("SELECT id FROM product LIMIT 1")[0]
        add_evidence(store, product, "2026", doc_number="1/QĐ", source_file=scan)
    store.close()
    return demo_tasks


def _after_kill_checks(db_path: Path, mode: str) -> list[str]:
    """Backup-restore mode: evidence files complete and every backup left usable."""
    if mode != "backup-restore":
        return []
    from cchc_desktop.backup import list_backups
    from cchc_desktop.evidence_files import check_files

    problems = [p.describe() for p in check_files(db_path)]
    problems += [f"{i.path.name}: {i.problem}" for i in list_backups(db_path, check=True) if not i.ok]
    return problems


def run(kills: int = 60, seed: int = 1, folder: Path | None = None, verbose: bool = True,
        mode: str = "edits") -> dict:
    from datetime import datetime, timedelta

    rng = random.Random(seed)
    own_tmp = None
    if folder is None:
        own_tmp = tempfile.TemporaryDirectory(prefix="cchc-kill-")
        folder = Path(own_tmp.name)
    db_path = folder / "kill.sqlite3"
    env = {**os.environ, "CCHC_DATA_DIR": str(folder / "appdata")}
    demo_tasks = _setup(db_path, mode)

    acked: list[tuple[str, ...]] = []
    counts = {"kills": 0, "wal_rounds": 0, "delete_rounds": 0, "killed_before_ready": 0, "integrity_failures": 0,
              "after_kill_problems": 0, "rounds_killed_after_an_ack": 0}
    next_start = 0
    clock = datetime(2026, 11, 3, 9, 0)
    started = time.perf_counter()
    for round_no in range(kills):
        journal = "delete" if round_no % 2 else "wal"
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(db_path), "--start",
                   str(next_start), "--journal", journal, "--mode", mode]
        if mode == "clock":
            command += ["--clock", (clock - timedelta(days=37 * round_no)).isoformat()]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                cwd=ROOT)
        lines: list[str] = []
        first_ack = threading.Event()

        def read(out=proc.stdout, lines=lines, first_ack=first_ack):
            for line in out:
                lines.append(line)
                if line.startswith("ACK "):
                    first_ack.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        # a quarter of the rounds: kill at any moment (start-up, migrations); half: only after the child's first
        # acknowledged step (so every such round has something to lose, however slow the machine); the rest:
        # once it is working
        after_ack = (round_no // 2) % 2 == 1
        if after_ack:
            # a limit, not a timing assertion: a child that acknowledges nothing in a minute is broken
            round_started = time.perf_counter()
            while not first_ack.wait(0.05):
                if proc.poll() is not None or time.perf_counter() - round_started > ACK_WAIT_LIMIT:
                    break
        elif round_no % 4 != 3:
            _wait_ready(lines, proc)
        time.sleep(rng.uniform(0.05, 0.8))
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join(5)
        stderr = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        if not alive:
            raise RuntimeError(f"child exited by itself before the kill:\n{stderr}")
        if after_ack and not first_ack.is_set():
            raise RuntimeError(f"child acknowledged nothing within {ACK_WAIT_LIMIT} s:\n{stderr}")
        counts["kills"] += 1
        counts["rounds_killed_after_an_ack"] += after_ack
        counts[f"{journal}_rounds"] += 1
        if not any(line.startswith("READY") for line in lines):
            counts["killed_before_ready"] += 1
        round_acks = [tuple(line.split()[1:]) for line in lines if line.startswith("ACK ")]
        acked.extend(round_acks)
        if round_acks:
            next_start = max(int(a[1][1:]) for a in round_acks)
        next_start += 1_000  # unacknowledged tags of a killed child are never reused
        result = _integrity(db_path)
        if result != "ok":
            counts["integrity_failures"] += 1
            print(f"round {round_no}: integrity_check: {result}")
        problems = _after_kill_checks(db_path, mode)
        if problems:
            counts["after_kill_problems"] += 1
            print(f"round {round_no}: {problems[:3]}")
    elapsed = time.perf_counter() - started

    # a restore legitimately goes back in time: nothing acknowledged before it can be asked for afterwards
    missing, plans = find_lost(db_path, acked if mode != "backup-restore" else [], demo_tasks)
    partial_imports = [name for name, n in plans.items() if n != demo_tasks]
    backups_dir = db_path.parent / "backups"
    leftovers = [p.name for p in backups_dir.glob(".*.tmp")] if backups_dir.is_dir() else []
    sequence = _sequence_checks(db_path, acked)
    summary = {
        **counts,
        "acknowledged": len(acked),
        "acknowledged_by_kind": {k: sum(1 for a in acked if a[0] == k)
                                 for k in ("task", "deadline", "import", "backup", "restore")},
        "missing": len(missing),
        "missing_items": missing[:10],
        "partial_imports": len(partial_imports),
        "final_integrity": _integrity(db_path),
        "leftover_backup_temp_files": len(leftovers),
        **sequence,
        "seconds": round(elapsed, 1),
    }
    if verbose:
        print(f"kill test ({mode}): {summary['kills']} SIGKILLs ({counts['wal_rounds']} WAL, "
              f"{counts['delete_rounds']} DELETE journal; {counts['killed_before_ready']} during start-up) "
              f"in {summary['seconds']} s")
        print(f"  acknowledged: {summary['acknowledged']} {summary['acknowledged_by_kind']}")
        print(f"  missing after kills: {summary['missing']}; partial imports: {summary['partial_imports']}; "
              f"integrity_check after every kill: {counts['kills'] - counts['integrity_failures']}/{counts['kills']} ok; "
              f"final: {summary['final_integrity']}")
        print(f"  backups: sequence out of order {sequence['sequence_errors']}, newest acknowledged backup pruned "
              f"{sequence['newest_backup_pruned']}, newest good backup not the highest number "
              f"{sequence['newest_good_not_highest']}; rounds with missing evidence files or a damaged backup: "
              f"{counts['after_kill_problems']}")
        print(f"  temp files left in backups/ by killed backups (removed at the next backup): {len(leftovers)}")
        if missing:
            print(f"  MISSING: {missing[:10]}")
    if own_tmp is not None:
        own_tmp.cleanup()
    return summary


def _sequence_checks(db_path: Path, acked: list[tuple[str, ...]]) -> dict:
    """Backup numbers acknowledged in order must increase; the newest acknowledged must still exist (or a newer
    one); the newest good backup found must carry the highest number on disk."""
    from cchc_desktop.backup import find_good_backup, list_backups

    seqs = [int(a[2]) for a in acked if a[0] == "backup"]
    errors = sum(1 for a, b in zip(seqs, seqs[1:]) if b <= a)
    on_disk = [i.seq for i in list_backups(db_path)]
    pruned = int(bool(seqs) and not any(s >= seqs[-1] for s in on_disk))
    good = find_good_backup(db_path)
    not_highest = int(bool(on_disk) and (good is None or good.seq != max(on_disk)))
    return {"backups_acknowledged": len(seqs), "sequence_errors": errors, "newest_backup_pruned": pruned,
            "newest_good_not_highest": not_highest}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--journal", default="wal")
    parser.add_argument("--mode", default="edits", choices=("edits", "clock", "backup-restore"))
    parser.add_argument("--clock", default="")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.start, args.journal, args.mode, args.clock)
        return 0
    summary = run(args.kills, args.seed, mode=args.mode)
    ok = summary["missing"] == 0 and summary["integrity_failures"] == 0 and summary["partial_imports"] == 0 \
        and summary["final_integrity"] == "ok" and summary["after_kill_problems"] == 0 \
        and summary["sequence_errors"] == 0 and summary["newest_backup_pruned"] == 0 \
        and summary["newest_good_not_highest"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
