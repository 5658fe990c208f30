"""Portfolio of many communes (issue #19): time to open N packages of M tasks each, against the baseline of merely
reading and checking the same packages (read_package) in the same run. Target: 50 communes × 50 tasks ≤ 5 s.

    .venv/bin/python bench/bench_portfolio.py [--communes 50] [--tasks 50]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cchc_desktop.exchange import export_package, read_package  # noqa: E402
from cchc_desktop.store import Store  # noqa: E402
from cchc_desktop.sync.portfolio import open_portfolio  # noqa: E402


def make_packages(folder: Path, communes: int, tasks: int) -> None:
    for i in range(communes):
        work = folder / f"db{i}"
        work.mkdir()
        store = Store.open(work / "x.sqlite3")
        plan = store.create_plan(f"Xã số {i + 1}", 2026)
        section = store.add_section(plan, "Công tác chỉ đạo, điều hành")
        for t in range(tasks):
            task = store.add_task(section, f"Nhiệm vụ {t + 1} của xã {i + 1}")
            store.add_product(task, f"Sản phẩm {t + 1}", "Quý II/2026", leads=["Văn phòng HĐND và UBND"])
        export_package(store, folder / f"xa-{i:03d}.cchc")
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_packages(folder, args.communes, args.tasks)
        files = sorted(folder.glob("*.cchc"))
        start = time.perf_counter()
        for f in files:
            read_package(f)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        portfolio = open_portfolio([folder], dt.date(2026, 6, 1))
        elapsed = time.perf_counter() - start
        rows = len(portfolio.rows)
        portfolio.close()
    print(f"{args.communes} xã × {args.tasks} nhiệm vụ: portfolio {elapsed:.2f} s ({rows} kế hoạch); "
          f"chỉ đọc + kiểm tra gói {baseline:.2f} s → {elapsed / baseline:.1f}× (mục tiêu ≤ 5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
