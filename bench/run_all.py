"""Every benchmark in one run, one table: figures next to baselines measured in the same run (a script, not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/run_all.py            # full: 500 / 5,000 / 20,000 tasks
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/run_all.py --quick    # small sizes, few kills (≈ 2 min)
    .venv/bin/python bench/run_all.py --only scaling --sizes 500,2000      # just the import/export scaling
    .venv/bin/python bench/run_all.py --only start --sizes 500,5000        # just cold start and plan open

A full run (500 / 5,000 / 20,000 tasks) takes about half an hour on the 2-core machine, most of it building and
exchanging the 20,000-task plans; ``--sizes`` (every size-dependent part) and ``--only`` make it shorter.

Parts:
* the existing scripts in bench/ (bench_ui, bench_reports, bench_libreoffice_roundtrip, bench_sync, kill_test,
  build_size),
  each run as its own process; the figures are read from what it prints;
* cold start (bench_start: process start → first paint of the table → quit, median, vs a bare PySide6 window)
  at each size, and opening the plans of 5,000 tasks or more in the window (bench_open: table interactive,
  dashboard shown, RSS);
* import/export scaling at each size, on a generated plan (8 sections, 1–3 products per task, 7 agencies):
  - ``read_appendix`` of a generated .xlsx vs openpyxl's bare read-only pass over the same file (in turns, best
    of at least 3 at every size);
  - ``commit_draft`` into an empty database vs plain ``executemany`` INSERTs of the same rows;
  - ``import-package --apply`` (read, plan, apply) into an empty database vs ``export-package`` of the same plan
    (with statuses on half the products);
  - ``export-workbooks`` (one workbook per lead agency) vs openpyxl writing the same number of rows × columns in
    write-only mode.
Ratios are figure ÷ baseline of the same run, so machines of different speed compare. Times are the best of
``--repeat`` runs (1 for sizes above 1,000). Nothing here is asserted; the targets column quotes issue 18.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from plan_data import AGENCIES, DEADLINES, sentence  # noqa: E402


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
HEADER = ["TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
          "Thời gian thực hiện"]


@dataclass
class Row:
    part: str
    what: str
    size: str
    figure: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""


ROWS: list[Row] = []


def add(*args, **kwargs) -> None:
    row = Row(*args, **kwargs)
    ROWS.append(row)
    print(f"  {row.what} [{row.size}]: {row.figure}" + (f" vs {row.baseline} → {row.ratio}" if row.ratio else ""),
          flush=True)


def secs(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def ratio(value: float, base: float) -> str:
    return f"{value / base:.1f}×" if base > 0 else "–"


def best_of(repeat: int, fn, setup=None) -> float:
    times = []
    for _ in range(repeat):
        arg = setup() if setup else None
        start = time.perf_counter()
        fn(arg) if setup else fn()
        times.append(time.perf_counter() - start)
    return min(times)


def best_interleaved(rounds: int, base_fn, our_fn) -> tuple[float, float]:
    """Best seconds of a baseline and ours, run in turns (machine load on the shared box hits both alike)."""
    base, ours = [], []
    for _ in range(rounds):
        for times, fn in ((base, base_fn), (ours, our_fn)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return min(base), min(ours)


# -- generated plan ----------------------------------------------------------------------------------------
def plan_rows(tasks: int, seed: int = 7) -> list[tuple[int, str, list[tuple[str, str, str, str]]]]:
    """[(section index, task content, [(product, lead, coordinator, deadline), ...]), ...]"""
    rng = random.Random(seed)
    out = []
    for n in range(tasks):
        products = [(sentence(rng, 5, 25), rng.choice(AGENCIES), rng.choice(AGENCIES), rng.choice(DEADLINES))
                    for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        out.append((n * len(ROMAN) // tasks, sentence(rng, 8, 30), products))
    return out


def write_xlsx(path: Path, rows) -> int:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Phụ lục")
    ws.append(["NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026"])
    ws.append(["(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Thử Nghiệm)"])
    ws.append(HEADER)
    ws.append([1, 2, 3, 4, 5, 6])
    count = 4
    section = -1
    number = 0
    for sec, content, products in rows:
        if sec != section:
            section, number = sec, 0
            ws.append([ROMAN[sec], f"MỤC THỬ NGHIỆM {sec + 1}", None, None, None, None])
            count += 1
        number += 1
        for i, (product, lead, coord, deadline) in enumerate(products):
            ws.append([number if i == 0 else None, content if i == 0 else None, product, lead, coord, deadline])
            count += 1
    wb.save(path)
    return count


def draft_of(rows):
    from cchc_desktop.importers.model import AppendixDraft, ProductDraft, SectionDraft, TaskDraft

    draft = AppendixDraft(source_name="bench", title="NHIỆM VỤ CỤ THỂ NĂM 2026",
                          caption="(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Thử Nghiệm)")
    section = None
    for sec, content, products in rows:
        if section is None or section.numeral != ROMAN[sec]:
            section = SectionDraft(title=f"MỤC THỬ NGHIỆM {sec + 1}", numeral=ROMAN[sec])
            draft.sections.append(section)
        task = TaskDraft(content=content, number=str(len(section.tasks) + 1))
        for product, lead, coord, deadline in products:
            task.products.append(ProductDraft(description=product, leads=[lead], coordinators=[coord],
                                              deadline_text=deadline))
        section.tasks.append(task)
    return draft


def openpyxl_bare_read(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
    finally:
        wb.close()


def bare_inserts(path: Path, rows) -> None:
    """The floor for commit_draft: the same sections/tasks/products/agency links by executemany in one
    transaction, into the app's schema (no change log, no matching, no backup)."""
    import uuid

    from cchc_desktop.db import Database

    Database(path).close()   # schema only
    conn = sqlite3.connect(path)
    now = "2026-01-01T00:00:00"
    plan = str(uuid.uuid4())
    agencies = {name: str(uuid.uuid4()) for name in AGENCIES}
    sections, tasks, products, links = {}, [], [], []
    for sec, content, prods in rows:
        if sec not in sections:
            sections[sec] = str(uuid.uuid4())
        task = str(uuid.uuid4())
        tasks.append((task, sections[sec], len(tasks), content, now, now))
        for i, (product, lead, coord, deadline) in enumerate(prods):
            pid = str(uuid.uuid4())
            products.append((pid, task, i, product, deadline, now, now))
            links += [(pid, agencies[lead], "lead", 0), (pid, agencies[coord], "coord", 0)]
    with conn:
        conn.execute("INSERT INTO plan (id, unit_name, year_start, year_end, created_at, updated_at) "
                     "VALUES (?, 'x', 2026, 2026, ?, ?)", (plan, now, now))
        conn.executemany("INSERT INTO agency (id, name, match_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                         [(i, n, n.casefold(), now, now) for n, i in agencies.items()])
        conn.executemany("INSERT INTO section (id, plan_id, position, title, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", [(i, plan, s, f"MỤC {s}", now, now) for s, i in sections.items()])
        conn.executemany("INSERT INTO task (id, section_id, position, content, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", tasks)
        conn.executemany("INSERT INTO product (id, task_id, position, description, deadline_text, created_at, "
                         "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", products)
        conn.executemany("INSERT OR IGNORE INTO product_agency (product_id, agency_id, role, position) "
                         "VALUES (?, ?, ?, ?)", links)
    conn.close()


def openpyxl_bare_write(path: Path, rows: int, columns: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Cập nhật")
    line = [f"ô {c} của một dòng nhiệm vụ cải cách hành chính" for c in range(columns)]
    for _ in range(rows):
        ws.append(line)
    wb.save(path)


# -- scaling ---------------------------------------------------------------------------------------------
def _import_package(package: str, db_path: str, answer) -> None:
    """In a child process: read, plan and apply a package into a new database; sends the seconds it took."""
    from cchc_desktop.exchange import apply_merge, plan_merge, read_package
    from cchc_desktop.store import Store

    start = time.perf_counter()
    target = Store.open(db_path, actor="bench-import")
    try:
        apply_merge(target, plan_merge(target, read_package(package, local_schema=target.db.schema_version)))
    finally:
        target.close()
    answer.put(time.perf_counter() - start)


def import_package_in_child(package: Path, db_path: Path, limit: float) -> float | None:
    """Seconds of ``import-package --apply``, or None when it ran longer than ``limit`` (then stopped)."""
    import multiprocessing
    import queue

    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_import_package, args=(str(package), str(db_path), answer))
    child.start()
    try:
        return answer.get(timeout=limit)
    except queue.Empty:
        return None
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        answer.close()


def scaling(size: int, work: Path, repeat: int, step_limit: float) -> None:
    from datetime import date

    from cchc_desktop.exchange import export_package, export_workbooks
    from cchc_desktop.import_commit import commit_draft
    from cchc_desktop.importers import read_appendix
    from cchc_desktop.importers.rows import MAX_ROWS
    from cchc_desktop.store import Store
    from cchc_desktop.tracking import DONE, IN_PROGRESS, bulk_update

    label = f"{size:,} tasks"
    rows = plan_rows(size)
    products = sum(len(p) for _, _, p in rows)
    folder = work / f"n{size}"
    folder.mkdir()
    print(f"scaling: {label} ({products:,} products)", flush=True)

    xlsx = folder / "phu-luc.xlsx"
    sheet_rows = write_xlsx(xlsx, rows)
    if sheet_rows > MAX_ROWS:
        add("import", "read_appendix (.xlsx)", label, f"refused: {sheet_rows:,} rows > import limit {MAX_ROWS:,}",
            target="≤ 2× bare read")
        draft = draft_of(rows)
    else:
        drafts = []
        base, took = best_interleaved(max(repeat, 3), lambda: openpyxl_bare_read(xlsx),
                                      lambda: drafts.append(read_appendix(xlsx)))
        draft = drafts[-1]
        got = sum(len(t.products) for s in draft.sections for t in s.tasks)
        if got != products:
            raise RuntimeError(f"generated appendix read back {got} products, expected {products}")
        add("import", "read_appendix (.xlsx)", label, secs(took), f"openpyxl read-only pass {secs(base)}",
            ratio(took, base), "≤ 2×")

    counter = iter(range(1_000_000))

    def fresh(name):
        return lambda: folder / f"{name}-{next(counter)}.sqlite3"

    base = best_of(repeat, lambda p: bare_inserts(p, rows), fresh("bare"))
    stores = []

    def commit(path):
        store = Store.open(path, actor="bench")
        stores.append(store)
        commit_draft(store, draft, unit_name="Thử Nghiệm")

    took = best_of(repeat, commit, fresh("commit"))
    add("import", "commit_draft into an empty DB", label, secs(took), f"bare executemany {secs(base)}",
        ratio(took, base), "1,000 rows ≤ 300 ms")
    for extra in stores[:-1]:
        extra.close()
    store = stores[-1]
    plan_id = store.list_plans()[0]["id"]
    ids = [p.id for _s, _t, p in store.load_plan(plan_id).iter_products()]
    bulk_update(store, ids[0::4], "2026", ref=date(2026, 6, 30), status=DONE, completed_on=date(2026, 6, 1))
    bulk_update(store, ids[1::4], "2026", ref=date(2026, 6, 30), status=IN_PROGRESS, percent=40)

    package = folder / "goi.cchc"
    export_time = best_of(repeat, lambda: export_package(store, package))

    times = []
    for _ in range(repeat):
        took = import_package_in_child(package, fresh("import")(), step_limit)
        if took is None:
            break
        times.append(took)
    if times:
        add("exchange", "import-package --apply into an empty DB", label, secs(min(times)),
            f"export-package {secs(export_time)}", ratio(min(times), export_time), "≤ 3× export")
    else:
        add("exchange", "import-package --apply into an empty DB", label, f"> {secs(step_limit)} (stopped)",
            f"export-package {secs(export_time)}", f"> {step_limit / export_time:.0f}×", "≤ 3× export")

    out = folder / "so-lieu"
    exports = []

    def export_books():
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        exports[:] = export_workbooks(store, plan_id, "2026-Q2", out)

    took = best_of(repeat, export_books)
    book_rows = sum(e.rows for e in exports)
    base = best_of(repeat, lambda: openpyxl_bare_write(folder / "bare.xlsx", book_rows, 12))
    add("exchange", f"export-workbooks ({len(exports)} agencies, {book_rows:,} rows)", label,
        f"{secs(took)} ({took / size * 1000:.2f} ms/task)", f"openpyxl write-only, same rows×12 {secs(base)}",
        ratio(took, base), "5,000 tasks ≤ 3 s")
    store.close()


# -- the existing scripts --------------------------------------------------------------------------------
def run_script(name: str, *args: str, timeout: int = 1800) -> tuple[int, str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "CCHC_BENCH_NO_INSTALL": "1"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BENCH / name), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)
    took = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        print(proc.stdout[-2000:], proc.stderr[-2000:])
    return proc.returncode, proc.stdout, took


def grab(pattern: str, text: str, group: int = 1) -> str | None:
    match = re.search(pattern, text, re.M)
    return match.group(group) if match else None


def existing(quick: bool) -> None:
    tasks = "500" if quick else "5000"
    print(f"bench_ui.py {tasks}", flush=True)
    code, out, _ = run_script("bench_ui.py", tasks)
    empty = grab(r"empty QTableView shown:\s+([\d.]+) ms", out)
    load = grab(r"model load \((\d+) tasks, (\d+) rows\):\s+([\d.]+) ms", out, 3)
    size = f"{int(tasks):,} tasks"
    if empty and load:
        add("ui", "model load", size, f"{float(load):.0f} ms", f"empty QTableView {float(empty):.0f} ms",
            ratio(float(load), float(empty)), "≤ 300 ms")
        filters = [float(v) for v in re.findall(r"^(?:filter|clear filter).*?\s([\d.]+) ms", out, re.M)]
        add("ui", f"filters ({len(filters)}), slowest", size, f"{max(filters):.0f} ms", "", "", "≤ 50 ms")
        scroll = re.search(r"full scroll \((\d+) pages\):\s+([\d.]+) ms", out)
        if scroll:
            add("ui", "full scroll", size, f"{float(scroll.group(2)) / max(1, int(scroll.group(1))):.1f} ms/page")
        stat = re.search(r"with statuses: model load\s+([\d.]+) ms.*filter overdue\s+([\d.]+) ms", out)
        if stat:
            add("ui", "with statuses: model load / overdue filter", size,
                f"{float(stat.group(1)):.0f} ms / {float(stat.group(2)):.0f} ms", "", "", "≤ 300 / ≤ 50 ms")
    else:
        add("ui", "bench_ui.py", size, f"no figures (exit {code})")

    report_tasks, runs = ("50", "1") if quick else ("200", "3")
    print(f"bench_reports.py --tasks {report_tasks}", flush=True)
    code, out, _ = run_script("bench_reports.py", "--tasks", report_tasks, "--runs", runs)
    ours = grab(r"periodic report, (\d+) pages: .*best of \d+ ([\d.]+) s", out, 2)
    pages = grab(r"periodic report, (\d+) pages", out)
    lo = grab(r"LibreOffice headless: same report .*best of \d+ ([\d.]+) s", out)
    lo_appendix = grab(r"LibreOffice headless: appendix table only .*best of \d+ ([\d.]+) s", out)
    size = f"{int(report_tasks):,} tasks"
    if ours:
        # the same report converted (the app's .docx export of it); the appendix table alone was the baseline
        # before 2026-12-01 and has less content than the report
        baseline = (f"LibreOffice .docx→PDF, same report {secs(float(lo))} (appendix table only "
                    f"{secs(float(lo_appendix))})" if lo and lo_appendix else "LibreOffice not available")
        add("reports", f"periodic report PDF ({pages} pages)", size, secs(float(ours)), baseline,
            f"{float(lo) / float(ours):.1f}× faster ({float(lo_appendix) / float(ours):.1f}×)"
            if lo and lo_appendix else "", "≤ 1 s, ≥ 10× faster")
    else:
        add("reports", "bench_reports.py", size, f"no figures (exit {code})")

    if shutil.which("soffice") or shutil.which("libreoffice"):
        print("bench_libreoffice_roundtrip.py", flush=True)
        code, out, took = run_script("bench_libreoffice_roundtrip.py")
        verdict = "every edited row imported, second import changes nothing" if code == 0 else f"FAILED (exit {code})"
        add("exchange", "update workbook → LibreOffice Calc → import", "demo plan", f"{verdict}; {took:.0f} s")
    else:
        add("exchange", "update workbook → LibreOffice Calc → import", "demo plan", "skipped: LibreOffice not installed")

    sync_tasks = "500" if quick else "5000"
    print(f"bench_sync.py {sync_tasks}", flush=True)
    code, out, _ = run_script("bench_sync.py", sync_tasks, "--repeat", "1" if quick else "3")
    full = re.search(r"^full snapshot\s+\|\s+(\d+) KB \|\s+([\d,]+) \|\s+([\d.]+) s", out, re.M)
    delta = re.search(r"^delta\s+\|\s+(\d+) KB \|\s+([\d,]+) \|\s+([\d.]+) s", out, re.M)
    size = f"{int(sync_tasks):,} tasks"
    if full and delta:
        add("sync", "sync folder: package after one edit (delta)", size, f"{delta.group(1)} KB",
            f"full snapshot {full.group(1)} KB", f"{float(delta.group(1)) / max(1.0, float(full.group(1))):.3f}×")
        add("sync", "sync folder: round with one edit (writer + reader)", size, secs(float(delta.group(3))),
            f"full snapshots {secs(float(full.group(3)))}", ratio(float(delta.group(3)), float(full.group(3))))
    else:
        add("sync", "bench_sync.py", size, f"no figures (exit {code})")

    kills = "6" if quick else "60"
    print(f"kill_test.py --kills {kills}", flush=True)
    code, out, took = run_script("kill_test.py", "--kills", kills)
    acked = grab(r"acknowledged(?: edits)?: (\d+)", out)
    missing = grab(r"missing after kills: (\d+)", out)
    integrity = grab(r"integrity_check after every kill: (\d+/\d+) ok", out)
    add("reliability", f"kill test ({kills} SIGKILLs)", "demo plan",
        f"{missing} of {acked} acknowledged steps lost; integrity {integrity} ok; {took:.0f} s"
        if acked else f"no figures (exit {code})", "", "", "0 lost")

    bundle = ROOT / "dist" / "CCHC-Desktop"
    if bundle.is_dir():
        print("build_size.py", flush=True)
        code, out, _ = run_script("build_size.py")
        size_mb = grab(r"— ([\d.]+) MB in", out)
        start = re.search(r"frozen ([\d.]+) s, source ([\d.]+) s", out)
        add("build", "bundle size", "", f"{size_mb} MB", "", "", "≤ 150 MB")
        if start:
            add("build", "self-test wall time, frozen", "", f"{start.group(1)} s", f"source {start.group(2)} s",
                ratio(float(start.group(1)), float(start.group(2))))
    else:
        add("build", "bundle size / frozen start", "", "skipped: no dist/CCHC-Desktop (run scripts/build.sh)")


# -- cold start and plan open (bench_start.py, bench_open.py) -------------------------------------------------
START_TARGETS = {500: "≤ 2×", 5000: "≤ 3×"}


def start_and_open(sizes: list[int], runs: int) -> None:
    """Cold start of main.py with a plan of each size (medians of `runs`, vs a bare PySide6 window in the same
    run), then opening each plan of 5,000 tasks or more in the window: table interactive, dashboard shown,
    process RSS (vs an empty table shown and a bare window's RSS)."""
    print(f"bench_start.py {runs} {' '.join(map(str, sizes))}", flush=True)
    code, out, _ = run_script("bench_start.py", str(runs), *map(str, sizes))
    bare = grab(r"bare PySide6 window, empty table:\s+(\d+) ms", out)
    found = re.findall(r"CCHC Desktop,\s+(\d+)-task plan:\s+(\d+) ms\s+\(\s*([\d.]+)x\)", out)
    for n, took, times in found:
        add("start", f"cold start → first paint of the table → quit (median of {runs})", f"{int(n):,} tasks",
            f"{int(took)} ms", f"bare PySide6 window, empty table {bare} ms", f"{float(times):.1f}×",
            START_TARGETS.get(int(n), ""))
    if not found:
        add("start", "bench_start.py", "", f"no figures (exit {code})")
    open_sizes = [n for n in sizes if n >= 5000] or sizes[-1:]
    print(f"bench_open.py {' '.join(map(str, open_sizes))}", flush=True)
    code, out, _ = run_script("bench_open.py", *map(str, open_sizes))
    base = re.search(r"bare window, empty table shown:\s+([\d.]+) ms, RSS\s+([\d.]+) MiB", out)
    blocks = re.findall(r"^\s*(\d+) tasks \((\d+) rows\):\n\s+open plan, table interactive:\s+([\d.]+) ms.*\n"
                        r"\s+dashboard shown \((\d+) products\):\s+([\d.]+) ms.*\n"
                        r"\s+RSS with the plan open:\s+([\d.]+) MiB.*\n\s+RSS after the dashboard:\s+([\d.]+) MiB",
                        out, re.M)
    for n, rows, open_ms, products, dash_ms, rss_open, rss_dash in blocks:
        n = int(n)
        size = f"{n:,} tasks"
        shown, bare_rss = (float(base.group(1)), float(base.group(2))) if base else (0.0, 0.0)
        five = n == 5000
        add("open", f"open_plan until the table is interactive ({int(rows):,} rows)", size, secs(float(open_ms) / 1000),
            f"empty QTableView shown {shown:.0f} ms", ratio(float(open_ms), shown), "≤ 300 ms" if five else "")
        add("open", f"«Theo dõi tiến độ» shown ({int(products):,} products)", size, secs(float(dash_ms) / 1000),
            "", "", "≤ 500 ms" if five else "")
        add("open", "window RSS, plan open / after the dashboard", size, f"{float(rss_open):.0f} / {float(rss_dash):.0f} MiB",
            f"bare window {bare_rss:.0f} MiB", ratio(float(rss_open), bare_rss), "≤ 150 MiB" if five else "")
    if not blocks:
        add("open", "bench_open.py", "", f"no figures (exit {code})")


def table() -> str:
    head = ["part", "what", "size", "figure", "baseline (same run)", "ratio", "target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in ROWS:
        lines.append("| " + " | ".join([r.part, r.what, r.size, r.figure, r.baseline, r.ratio, r.target]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (100 / 500 tasks), few kills, 1 run")
    parser.add_argument("--sizes", help="comma-separated task counts for the scaling part")
    parser.add_argument("--only", choices=("existing", "start", "scaling"), help="run one part")
    parser.add_argument("--start-runs", type=int, help="cold starts per size (median; default 7, --quick 3)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for sizes up to 1,000 tasks")
    parser.add_argument("--step-limit", type=float, default=600,
                        help="seconds after which import-package is stopped and reported as slower")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([100, 500] if args.quick
                                                                          else [500, 5000, 20000])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cchc-run-all-") as tmp:
        work = Path(tmp)
        os.environ["CCHC_DATA_DIR"] = str(work / "appdata")
        if args.only in (None, "existing"):
            existing(args.quick)
        if args.only in (None, "start"):
            start_and_open(sizes, args.start_runs or (3 if args.quick else 7))
        if args.only in (None, "scaling"):
            for size in sizes:
                scaling(size, work, args.repeat if size <= 1000 and not args.quick else 1, args.step_limit)
    print()
    print(f"bench/run_all.py{' --quick' if args.quick else ''}: {time.perf_counter() - started:.0f} s, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
