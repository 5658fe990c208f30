"""Exchange benchmark (a script, not a test): export-package, import-package --apply into an empty
database, export-workbooks (7 agencies) and re-import of edited workbooks, at one or more plan sizes.

Run: .venv/bin/python bench/bench_exchange.py [tasks ...]      (default: 500 5000)
Targets (issue 18): import-package of 5,000 tasks <= 3x its export-package (ratio measured in the same
run); export-workbooks of 5,000 tasks <= 3 s.
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

from bench_ui import DEADLINES, AGENCIES, sentence  # noqa: E402


def build(store, tasks: int) -> str:
    """A plan of `tasks` tasks (1-3 products each, lead + coordinating agency) with a status per product."""
    from cchc_desktop.tracking import set_status

    rng = random.Random(11)
    with store.transaction():
        plan_id = store.create_plan("Thử nghiệm", 2026)
        sections = [store.add_section(plan_id, f"MỤC THỬ NGHIỆM {i + 1}") for i in range(8)]
        products = []
        for n in range(tasks):
            task_id = store.add_task(sections[n * len(sections) // tasks], sentence(rng, 8, 30))
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                products.append(store.add_product(task_id, sentence(rng, 5, 25), rng.choice(DEADLINES),
                                                  [rng.choice(AGENCIES)], [rng.choice(AGENCIES)]))
        for pid in products:
            set_status(store, pid, "2026-Q2", status="in_progress", percent=rng.randrange(0, 90),
                       result=sentence(rng, 3, 12))
    return plan_id


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run(tasks: int, tmp: Path) -> dict:
    from openpyxl import load_workbook

    from cchc_desktop.exchange import (apply_workbook_import, export_package, export_workbooks, import_package,
                                       read_workbooks)
    from cchc_desktop.exchange.workbook_common import COLUMNS, ID_MARKER
    from cchc_desktop.store import Store

    folder = tmp / str(tasks)
    folder.mkdir()
    source = Store.open(folder / "a.sqlite3", actor="bench")
    plan_id = build(source, tasks)
    figures = {}
    figures["export-package"], _ = timed(lambda: export_package(source, folder / "a.cchc"))
    target = Store.open(folder / "b.sqlite3", actor="bench")
    figures["import-package --apply"], result = timed(lambda: import_package(target, folder / "a.cchc"))
    assert result.inserted > tasks, result
    usb = folder / "usb"
    figures["export-workbooks"], exports = timed(lambda: export_workbooks(source, plan_id, "2026-Q2", usb))
    col = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
    edited = 0
    for export in exports:          # every agency edits the percent of every row (not timed)
        wb = load_workbook(export.path)
        ws = wb.worksheets[0]
        id_col = next(c.column for row in ws.iter_rows(max_row=10) for c in row
                      if isinstance(c.value, str) and ID_MARKER in c.value)
        for r in range(1, ws.max_row + 1):
            if "@" in str(ws.cell(r, id_col).value or ""):
                ws.cell(r, col["percent"], 95)
                edited += 1
        wb.save(export.path)

    def reimport():
        previews = read_workbooks(source, usb)
        return apply_workbook_import(source, previews)

    figures["re-import edited workbooks"], applied = timed(reimport)
    assert applied.rows == edited, (applied.rows, edited)
    source.close()
    target.close()
    return figures


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [500, 5000]
    tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-exchange-"))
    os.environ["CCHC_DATA_DIR"] = str(tmp / "appdata")
    print(f"{'tasks':>7} | {'export-package':>14} | {'import --apply':>14} | {'ratio':>6} | "
          f"{'export-workbooks':>16} | {'re-import':>9}")
    for tasks in sizes:
        f = run(tasks, tmp)
        ratio = f["import-package --apply"] / f["export-package"]
        print(f"{tasks:>7} | {f['export-package']:>12.2f} s | {f['import-package --apply']:>12.2f} s | "
              f"{ratio:>5.2f}x | {f['export-workbooks']:>14.2f} s | {f['re-import edited workbooks']:>7.2f} s",
              flush=True)
    print("targets: import <= 3x export (same run); export-workbooks of 5,000 tasks <= 3 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
