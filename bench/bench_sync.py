"""Sync folder benchmark (a script, not a test): package size and sync-round time for a plan of N tasks, one edit
per round, with full snapshots (how packages were written before deltas; ``sync_once(deltas=False)``) against
deltas over the peers' acknowledgements, measured in the same run on the same two installations.

Run: .venv/bin/python bench/bench_sync.py [tasks]      (default: 5000)
A round = the editing installation's sync_once (reads the other's package, writes its own) + the other
installation's sync_once (merges the edit, writes its own). Best of --repeat rounds per mode.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_exchange import build  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tasks", nargs="?", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-sync-"))
    os.environ["CCHC_DATA_DIR"] = str(tmp / "appdata")
    from cchc_desktop.store import Store
    from cchc_desktop.sync.folder import set_folder, sync_once
    from cchc_desktop.tracking import set_status

    folder = tmp / "dong-bo"
    folder.mkdir()
    stores = {}
    for name in "AB":
        (tmp / name).mkdir()
        stores[name] = Store.open(tmp / name / "cchc.sqlite3", actor=name)
        set_folder(stores[name], folder)
    a, b = stores["A"], stores["B"]
    build(a, args.tasks)
    products = [r[0] for r in a.db.query("SELECT id FROM product ORDER BY id")]
    start = time.perf_counter()
    for _ in range(2):                       # B receives the plan; both learn each other's acknowledgements
        for store in (a, b):
            sync_once(store, folder)
    print(f"{args.tasks:,} tasks, {len(products):,} products, {a.db.query_one('SELECT COUNT(*) FROM change_log')[0]:,} "
          f"logged changes; first exchange {time.perf_counter() - start:.1f} s", flush=True)
    figures = {}
    edit = 0
    for deltas in (False, True):
        best = None
        for _ in range(args.repeat):
            edit += 1
            set_status(a, products[edit * 7 % len(products)], "2026-Q2", percent=edit % 90, result=f"sửa {edit}")
            t0 = time.perf_counter()
            ra = sync_once(a, folder, deltas=deltas)
            t1 = time.perf_counter()
            rb = sync_once(b, folder, deltas=deltas)
            t2 = time.perf_counter()
            assert [f.status for f in rb.files] == ["merged"], rb.files
            size = (folder / ra.published).stat().st_size
            for store in (a, b):             # acknowledgements travel (not timed)
                sync_once(store, folder, deltas=deltas)
            row = (t2 - t0, t1 - t0, t2 - t1, size, ra.published_changes)
            best = row if best is None or row[0] < best[0] else best
        figures[deltas] = best
    print(f"{'mode':<16} | {'package':>10} | {'changes':>8} | {'round':>8} | {'writer':>8} | {'reader':>8}")
    for deltas, label in ((False, "full snapshot"), (True, "delta")):
        total, writer, reader, size, changes = figures[deltas]
        print(f"{label:<16} | {size / 1024:>7.0f} KB | {changes:>8,} | {total:>6.2f} s | {writer:>6.2f} s | "
              f"{reader:>6.2f} s")
    full, delta = figures[False], figures[True]
    print(f"delta vs full: package {delta[3] / full[3]:.3f}×, round {delta[0] / full[0]:.2f}×")
    for store in stores.values():
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
