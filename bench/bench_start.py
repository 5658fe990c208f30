"""Cold-start benchmark (a script, not a test): process start -> first paint of the table -> quit.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_start.py [runs] [task counts...]
     e.g.  bench/bench_start.py 5 500 5000

Each figure is the median wall time of a whole child process (interpreter start, imports, opening the
database, the window, the first paint of the appendix table's viewport, quit, exit). The baseline, in
the same run, is a bare PySide6 QMainWindow with an empty QTableView and the same quit trigger.
Targets (issue 18): ≤ 2× the bare window with a 500-task plan, ≤ 3× with 5,000 tasks. Children run with
bytecode caching on (PYTHONDONTWRITEBYTECODE dropped, caches under a temp PYTHONPYCACHEPREFIX) like an
installed copy; the first, discarded run of each kind fills the cache.
`--importtime` prints the 25 slowest imports of the real app's start (python -X importtime).
`--changed` makes one logged change before each real start (so the start-up backup copies the database, as after
a working session) and prints the time to the first paint next to the whole process (which waits for the backup
when quitting).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

def first_paint_quit(delay_ms: int = 0) -> str:
    """Child-process code: quit the app `delay_ms` after the first Paint of a QTableView's viewport
    (the quit trigger shared by both children here and by tests/test_startup_imports.py)."""
    return r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QTableView
app = QApplication.instance() or QApplication(sys.argv)
class _FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint and isinstance(obj.parent(), QTableView) and obj is obj.parent().viewport():
            app.removeEventFilter(self)
            print("first-paint", time.time(), flush=True)
            QTimer.singleShot(%d, app.quit)
        return False
_filter = _FirstPaint()
app.installEventFilter(_filter)
""" % delay_ms


_TRIGGER = first_paint_quit()

BARE = _TRIGGER + r"""
sys.path.insert(0, {root!r})
from bench.bench_ui import bare_window
window = bare_window()
sys.exit(app.exec())
"""

REAL = _TRIGGER + r"""
sys.path.insert(0, {root!r})
import main
sys.exit(main.main(["--db", {db!r}]))
"""


def make_plan_db(folder: Path, tasks: int) -> Path:
    """A database holding one generated plan of `tasks` tasks (bench_ui's generator)."""
    from bench.bench_ui import build_plan
    from cchc_desktop.store import Store

    path = folder / f"start-{tasks}.sqlite3"
    store = Store.open(path, actor="bench")
    build_plan(store, tasks)
    store.close()
    return path


PAINTS: list[float] = []     # seconds from the child's start to its first paint, per run_child call


def run_child(code: str, env: dict) -> float:
    start, wall = time.perf_counter(), time.time()
    done = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"child failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    for line in done.stdout.decode(errors="replace").splitlines():
        if line.startswith("first-paint "):
            PAINTS.append(float(line.split()[1]) - wall)
    return elapsed


def change_once(db: Path, n: int) -> None:
    """One logged change (an empty section), as a working session leaves: the next start copies the database."""
    from cchc_desktop.store import Store

    store = Store.open(db, actor="bench")
    store.add_section(store.db.query_one("SELECT id FROM plan")[0], f"Mục thêm {n}")
    store.close()


def importtime(code: str, env: dict, top: int = 25) -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, timeout=120)
    rows = []
    for line in done.stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    for cumulative, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative / 1000:8.1f} ms  {name}")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 5
    sizes = [int(a) for a in args[1:]] or [500, 5000]
    tmp = Path(tempfile.mkdtemp(prefix="cchc-start-"))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               CCHC_DATA_DIR=str(tmp / "data"), CCHC_BACKUP_KEEP="2",
               PYTHONPYCACHEPREFIX=str(tmp / "pycache"))   # bytecode cached (as installed), outside the repo
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    dbs = {n: make_plan_db(tmp, n) for n in sizes}
    for db in dbs.values():           # first start takes the start-up backup: not a cold start
        run_child(REAL.format(root=str(ROOT), db=str(db)), env)
    run_child(BARE.format(root=str(ROOT)), env)
    changed = "--changed" in sys.argv
    bare_times, real_times = [], {n: [] for n in sizes}
    bare_paints, real_paints = [], {n: [] for n in sizes}
    for run in range(runs):             # interleaved, so machine load hits both alike
        bare_times.append(run_child(BARE.format(root=str(ROOT)), env))
        bare_paints.append(PAINTS[-1])
        for n, db in dbs.items():
            if changed:
                change_once(db, run)
            real_times[n].append(run_child(REAL.format(root=str(ROOT), db=str(db)), env))
            real_paints[n].append(PAINTS[-1])
    bare = statistics.median(bare_times)
    if changed:
        bare_paint = statistics.median(bare_paints)
        print(f"after a change (start-up backup copies), median of {runs}: process start -> first paint")
        print(f"bare PySide6 window, empty table:  {bare_paint * 1000:8.0f} ms  (1.0x)")
        for n in sizes:
            value = statistics.median(real_paints[n])
            print(f"CCHC Desktop, {n:6d}-task plan:    {value * 1000:8.0f} ms  ({value / bare_paint:4.1f}x)  "
                  f"whole process {statistics.median(real_times[n]) * 1000:.0f} ms")
    print(f"cold start, median of {runs} (process start -> first paint of the table -> quit)")
    print(f"bare PySide6 window, empty table:  {bare * 1000:8.0f} ms  (1.0x)")
    targets = {500: 2.0, 5000: 3.0}
    for n in sizes:
        value = statistics.median(real_times[n])
        target = targets.get(n)
        verdict = "" if target is None else f"  target <= {target:.0f}x: {'OK' if value / bare <= target else 'SLOW'}"
        print(f"CCHC Desktop, {n:6d}-task plan:    {value * 1000:8.0f} ms  ({value / bare:4.1f}x){verdict}")
    if "--importtime" in sys.argv:
        print(f"slowest imports at start ({sizes[0]}-task plan, cumulative):")
        importtime(REAL.format(root=str(ROOT), db=str(dbs[sizes[0]])), env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
