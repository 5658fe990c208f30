"""Opening a plan in the window, the dashboard, and the window's memory (a script, not a test).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_open.py [task counts...]   (default 5000 20000)

Each size runs in its own child process (a fresh interpreter, so memory figures are the process's own):
  * open plan  - `open_plan()` until the table has painted and the event queue is empty (the table is
                 interactive); target ≤ 300 ms for 5,000 tasks;
  * dashboard  - switching to «Theo dõi tiến độ» until its summary, cards and lists are shown; target ≤ 500 ms;
  * RSS        - resident memory of the process with the plan open (dashboard not yet shown, then shown);
                 target ≤ 150 MiB at 5,000 tasks.
Baselines in the same run: an empty QTableView shown (time) and a bare window's RSS (memory).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def child_bare() -> dict:
    from PySide6.QtWidgets import QApplication
    from bench.bench_ui import bare_window

    app = QApplication.instance() or QApplication(sys.argv)
    t = time.perf_counter()
    window = bare_window()  # noqa: F841 - kept alive while measured
    app.processEvents()
    return {"shown_ms": ms(t), "rss": rss_mib()}


def child_open(db: str, plan_id: str) -> dict:
    from PySide6.QtWidgets import QApplication
    from cchc_desktop.store import Store
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    store = Store.open(Path(db), actor="bench")
    window = MainWindow(store)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    out = {}
    t = time.perf_counter()
    window.open_plan(plan_id)
    window.view.viewport().repaint()
    app.processEvents()
    out["open_ms"] = ms(t)
    out["rows"] = window.model.rowCount()
    out["rss_open"] = rss_mib()
    window.model.ensure_index()   # the search index is built in idle time before anyone clicks a tab
    t = time.perf_counter()
    window.tabs.setCurrentWidget(window.dashboard_page)
    app.processEvents()
    getattr(window.dashboard, "ensure_current", lambda: None)()   # (older versions filled it at plan open)
    window.dashboard.repaint()
    app.processEvents()
    out["dashboard_ms"] = ms(t)
    out["products_listed"] = window.dashboard.items_table.model().rowCount()
    out["rss_dashboard"] = rss_mib()
    return out


def run_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"child failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        result = child_bare() if sys.argv[2] == "bare" else child_open(sys.argv[2], sys.argv[3])
        print(json.dumps(result))
        return 0
    sizes = [int(a) for a in sys.argv[1:]] or [5000, 20000]
    from bench.bench_ui import build_plan
    from cchc_desktop.store import Store

    tmp = Path(tempfile.mkdtemp(prefix="cchc-open-"))
    os.environ["CCHC_DATA_DIR"] = str(tmp / "data")
    bare = run_child("bare")
    print(f"bare window, empty table shown: {bare['shown_ms']:7.1f} ms, RSS {bare['rss']:6.1f} MiB  (reference)")
    for n in sizes:
        db = tmp / f"open-{n}.sqlite3"
        store = Store.open(db, actor="bench")
        plan_id = build_plan(store, n)
        store.close()
        r = run_child(str(db), plan_id)
        ok = {5000: (300, 500, 150)}.get(n)
        def verdict(value, limit):
            return "" if ok is None else f"  target <= {limit}: {'OK' if value <= limit else 'SLOW'}"
        print(f"{n:6d} tasks ({r['rows']} rows):")
        print(f"  open plan, table interactive: {r['open_ms']:8.1f} ms ({r['open_ms'] / bare['shown_ms']:5.1f}x)"
              f"{verdict(r['open_ms'], ok[0] if ok else 0)}")
        print(f"  dashboard shown ({r['products_listed']} products): {r['dashboard_ms']:8.1f} ms "
              f"({r['dashboard_ms'] / bare['shown_ms']:5.1f}x){verdict(r['dashboard_ms'], ok[1] if ok else 0)}")
        print(f"  RSS with the plan open:       {r['rss_open']:8.1f} MiB ({r['rss_open'] / bare['rss']:4.1f}x)"
              f"{verdict(r['rss_open'], ok[2] if ok else 0)}")
        print(f"  RSS after the dashboard:      {r['rss_dashboard']:8.1f} MiB ({r['rss_dashboard'] / bare['rss']:4.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
