"""UI benchmark (a script, not a test): 5,000-task plan -> load, filter, full scroll.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui.py [tasks]   (5,000 by default; 20,000 for
issue 18's size targets; CCHC_BENCH_CACHE=<folder> reuses the generated database between runs,
CCHC_BENCH_NO_SCROLL=1 skips the full scroll)
Targets: model load <= 300 ms, filter <= 50 ms for 5,000 tasks; load <= 600 ms and every filter <= 50 ms for
20,000 tasks. Figures are printed next to the
time to show an empty QTableView in the same run, so slow machines can be compared by ratio.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QModelIndex  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from bench.plan_data import AGENCIES, DEADLINES, sentence  # noqa: E402  (run as a script or imported by tests)


def build_plan(store, tasks: int) -> str:
    """The benchmark plan: 8 sections, `tasks` tasks of 8–30 words with 1–3 products each (random deadlines and
    agencies, seed 7). Written in one batch (cchc_desktop.import_batch, the rows and log entries add_task /
    add_product would write one by one), so 20,000 tasks take seconds rather than many minutes."""
    from types import SimpleNamespace as NS

    from cchc_desktop.import_batch import write_sections

    rng = random.Random(7)
    sections = [NS(title=f"MỤC THỬ NGHIỆM {i + 1}", tasks=[]) for i in range(8)]
    for n in range(tasks):
        task = NS(content=sentence(rng, 8, 30), products=[])
        sections[n * len(sections) // tasks].tasks.append(task)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            task.products.append(NS(description=sentence(rng, 5, 25), deadline_text=rng.choice(DEADLINES),
                                    leads=[rng.choice(AGENCIES)], coordinators=[rng.choice(AGENCIES)]))
    with store.transaction():
        plan_id = store.create_plan("Thử nghiệm", 2026)
        write_sections(store, plan_id, sections)
    return plan_id


class Empty(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):
        return 0

    def columnCount(self, parent=QModelIndex()):
        return 8

    def data(self, index, role=0):
        return None


def bare_window():
    """The baseline window of the start and open benchmarks: a QMainWindow around an empty QTableView."""
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    view = QTableView(window)
    view.setModel(Empty(view))
    window.setCentralWidget(view)
    window.resize(1366, 768)
    window.show()
    return window


def generated_store(path: Path, tasks: int):
    """The generated plan in a fresh database at `path`. Generating 20,000 tasks takes minutes: with
    CCHC_BENCH_CACHE=<folder> the first run keeps a copy of the generated database there and later runs (e.g. the
    before/after runs of a change) start from that copy, so both measure the same plan."""
    import shutil

    from cchc_desktop.store import Store

    cache_dir = os.environ.get("CCHC_BENCH_CACHE")
    cached = Path(cache_dir) / f"bench_ui_{tasks}.sqlite3" if cache_dir else None
    if cached is not None and cached.exists():
        shutil.copyfile(cached, path)
        store = Store.open(path, actor="bench")
        plan_id = store.db.query_one("SELECT id FROM plan")[0]
        print(f"generated {tasks} tasks: copied from {cached}")
        return store, plan_id
    store = Store.open(path, actor="bench")
    t = time.perf_counter()
    plan_id = build_plan(store, tasks)
    print(f"generate {tasks} tasks in SQLite: {ms(t):8.1f} ms")
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(path, cached)
    return store, plan_id


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> int:
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    target = 300 if tasks <= 5000 else 600     # model load (issue 18: 600 ms at 20,000 tasks)
    app = QApplication.instance() or QApplication(sys.argv)
    from ui.appendix_model import FilterSpec
    from ui.main_window import MainWindow

    tmp = tempfile.mkdtemp(prefix="cchc-bench-")
    os.environ["CCHC_DATA_DIR"] = tmp
    store, plan_id = generated_store(Path(tmp) / "bench.sqlite3", tasks)

    t = time.perf_counter()
    empty_view = QTableView()
    empty_view.setModel(Empty())
    empty_view.resize(1366, 768)
    empty_view.show()
    app.processEvents()
    empty = ms(t)

    window = MainWindow(store)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    t = time.perf_counter()
    window.model.load(plan_id)
    app.processEvents()
    load = ms(t)
    rows = window.model.rowCount()
    t = time.perf_counter()
    window.model.ensure_index()  # normally built in idle-time chunks right after the table shows
    index = ms(t)

    timings = {}
    for label, spec in (("filter text 'chuyen doi so'", FilterSpec(text="chuyen doi so")),
                        ("filter text, rare word", FilterSpec(text="lien thong mot cua so hoa")),
                        ("filter lead agency", FilterSpec(lead_agency_id=store.find_agency("Phòng Kinh tế"))),
                        ("filter overdue", FilterSpec(overdue_only=True)),
                        ("clear filter", FilterSpec())):
        t = time.perf_counter()
        window.model.set_filter(spec)
        app.processEvents()
        timings[label] = (ms(t), window.model.visible_task_count())

    view = window.view
    bar = view.verticalScrollBar()
    t = time.perf_counter()
    steps = 0
    value = bar.maximum() if os.environ.get("CCHC_BENCH_NO_SCROLL") else 0   # the full scroll takes minutes at 20,000
    while value < bar.maximum():
        value = min(bar.maximum(), value + view.viewport().height())
        bar.setValue(value)
        app.processEvents()
        steps += 1
    scroll = ms(t)

    print(f"empty QTableView shown:         {empty:8.1f} ms  (reference = 1.0)")
    print(f"model load ({tasks} tasks, {rows} rows): {load:8.1f} ms  ({load / empty:5.1f}x)  "
          f"target <= {target} ms: {'OK' if load <= target else 'SLOW'}")
    print(f"search index (idle time):       {index:8.1f} ms  ({index / empty:5.1f}x)")
    for label, (value_ms, shown) in timings.items():
        print(f"{label:31s} {value_ms:8.1f} ms  ({value_ms / empty:5.1f}x)  {shown} tasks shown  "
              f"target <= 50 ms: {'OK' if value_ms <= 50 else 'SLOW'}")
    print(f"full scroll ({steps} pages):        {scroll:8.1f} ms  ({scroll / max(1, steps):.1f} ms/page)")

    # Recorded statuses change the work: products with status rows are classified one by one.
    from datetime import date
    from cchc_desktop.tracking import DONE, IN_PROGRESS, bulk_update
    products = [p.id for _s, _t, p in store.load_plan(plan_id).iter_products()]
    t = time.perf_counter()
    bulk_update(store, products[0::4], "2026", ref=date(2026, 6, 30), status=DONE, completed_on=date(2026, 6, 1))
    bulk_update(store, products[1::4], "2026", ref=date(2026, 6, 30), status=IN_PROGRESS, percent=40)
    print(f"record statuses of {len(products[0::4]) + len(products[1::4])} products: {ms(t):8.1f} ms")
    window.model.set_filter(FilterSpec())
    t = time.perf_counter()
    window.model.load(plan_id)
    app.processEvents()
    load = ms(t)
    t = time.perf_counter()
    window.model.ensure_index()
    index = ms(t)
    t = time.perf_counter()
    window.model.set_filter(FilterSpec(overdue_only=True))
    app.processEvents()
    overdue = ms(t)
    print(f"with statuses: model load {load:8.1f} ms  target <= {target} ms: {'OK' if load <= target else 'SLOW'};  "
          f"states (idle time) {index:6.1f} ms;  filter overdue {overdue:6.1f} ms "
          f"({window.model.visible_task_count()} tasks)  target <= 50 ms: {'OK' if overdue <= 50 else 'SLOW'}")
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
