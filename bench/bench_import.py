"""Import benchmark (a script, not a test): read a generated appendix .xlsx and commit it.

Run: .venv/bin/python bench/bench_import.py [rows]          (default 1000 product rows)

The workbook looks like a real appendix: title and caption merged across, header, column numbers, bold
section rows merged across the table, tasks whose TT and content cells are merged down over their product
rows. Figures (best of 7, interleaved; wall clock and this process's CPU time) next to baselines measured in the same
run:
  * read_appendix(.xlsx)  vs openpyxl's bare read-only pass over the same file (load + iterate every row);
    target ≤ 2×; then the same for the workbook opened and saved again by LibreOffice (texts as shared strings,
    as Excel writes them; openpyxl writes them into the cells), when soffice is installed;
  * commit_draft of the draft into an empty database (one transaction, change log written); target ≤ 300 ms
    for 1,000 rows; baseline: the same number of plain INSERTs of the product rows into a scratch table;
  * read_appendix(.docx) of the same appendix as a Word table (section rows merged across, TT and content merged
    down) vs python-docx's own pass over it (open, every row's cells, each cell's text); target ≤ 3×
    (nothing quadratic: python-docx's `table.cell()`/`cell.merge()` look up the whole grid per call).
"""
from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_appendix_xlsx(path: Path, product_rows: int, seed: int = 3) -> Path:
    import openpyxl
    from openpyxl.styles import Font

    from bench.bench_ui import AGENCIES, DEADLINES, sentence

    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws["A1"] = "UBND XÃ THỬ NGHIỆM"
    ws["A2"] = "PHỤ LỤC"
    ws.merge_cells("A2:F2")
    ws["A3"] = "NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    ws.merge_cells("A3:F3")
    ws["A4"] = "(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Thử Nghiệm)"
    ws.merge_cells("A4:F4")
    for c, text in enumerate(["TT", "Nội dung/ Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì",
                              "Cơ quan phối hợp", "Thời gian thực hiện"], 1):
        ws.cell(row=6, column=c, value=text)
        ws.cell(row=7, column=c, value=c)
    r = 8
    done = 0
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    per_section = max(1, product_rows // len(numerals))
    for numeral in numerals:
        ws.cell(row=r, column=1, value=f"{numeral}. MỤC THỬ NGHIỆM {numeral}").font = Font(bold=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        r += 1
        task = 0
        section_done = 0
        while section_done < per_section and done < product_rows:
            task += 1
            products = min(rng.choice((1, 1, 2, 3)), product_rows - done)
            first = r
            for p in range(products):
                if p == 0:
                    ws.cell(row=r, column=1, value=task)
                    ws.cell(row=r, column=2, value=sentence(rng, 8, 30))
                ws.cell(row=r, column=3, value=sentence(rng, 5, 25))
                ws.cell(row=r, column=4, value=rng.choice(AGENCIES))
                ws.cell(row=r, column=5, value=rng.choice(AGENCIES))
                ws.cell(row=r, column=6, value=rng.choice(DEADLINES))
                r += 1
            if products > 1:
                ws.merge_cells(start_row=first, start_column=1, end_row=r - 1, end_column=1)
                ws.merge_cells(start_row=first, start_column=2, end_row=r - 1, end_column=2)
            done += products
            section_done += products
    wb.save(path)
    return path


def build_appendix_docx(path: Path, product_rows: int, seed: int = 3) -> Path:
    """The same appendix as `build_appendix_xlsx` as a Word table: letterhead and title paragraphs, header, column
    numbers, section rows merged across (bold), TT and content merged down over a task's product rows."""
    from docx import Document

    from bench.bench_ui import AGENCIES, DEADLINES, sentence

    rng = random.Random(seed)
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    per_section = max(1, product_rows // len(numerals))
    layout: list[tuple] = []          # ("section", title) | ("task", number, content, [(product, lead, coord, deadline)])
    done = 0
    for numeral in numerals:
        layout.append(("section", f"{numeral}. MỤC THỬ NGHIỆM {numeral}"))
        task = section_done = 0
        while section_done < per_section and done < product_rows:
            task += 1
            count = min(rng.choice((1, 1, 2, 3)), product_rows - done)
            content = sentence(rng, 8, 30)
            products = [(sentence(rng, 5, 25), rng.choice(AGENCIES), rng.choice(AGENCIES), rng.choice(DEADLINES))
                        for _ in range(count)]
            layout.append(("task", str(task), content, products))
            done += count
            section_done += count
    doc = Document()
    doc.add_paragraph("UBND XÃ THỬ NGHIỆM")
    doc.add_paragraph("PHỤ LỤC")
    doc.add_paragraph().add_run("NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026").bold = True
    doc.add_paragraph("(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 của UBND xã Thử Nghiệm)")
    rows = 2 + sum(1 if item[0] == "section" else len(item[3]) for item in layout)
    table = doc.add_table(rows=rows, cols=6)
    trs = list(table.rows)       # indexing table.rows lists every row each time
    for c, text in enumerate(["TT", "Nội dung/ Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì",
                              "Cơ quan phối hợp", "Thời gian thực hiện"]):
        trs[0].cells[c].text = text
        trs[1].cells[c].text = str(c + 1)
    r = 2
    merges = []
    for item in layout:
        cells = trs[r].cells
        if item[0] == "section":
            cells[0].paragraphs[0].add_run(item[1]).bold = True
            merges.append((r, 0, r, 5))
            r += 1
            continue
        _, number, content, products = item
        cells[0].text, cells[1].text = number, content
        for i, (product, lead, coord, deadline) in enumerate(products):
            cells = trs[r + i].cells
            cells[2].text, cells[3].text, cells[4].text, cells[5].text = product, lead, coord, deadline
        if len(products) > 1:
            merges += [(r, 0, r + len(products) - 1, 0), (r, 1, r + len(products) - 1, 1)]
        r += len(products)
    # merged as Word writes them (python-docx's cell.merge looks up the whole grid each time: minutes for 1,000 rows)
    for top, left, bottom, right in merges:
        if top == bottom:                                  # across: one cell spanning the row
            tcs = trs[top]._tr.tc_lst
            tcs[left].grid_span = right - left + 1
            for tc in tcs[left + 1:right + 1]:
                tc.getparent().remove(tc)
        else:                                              # down: first cell "restart", the ones below "continue"
            for row in range(top, bottom + 1):
                tc = trs[row]._tr.tc_lst[left]
                tc.vMerge = "restart" if row == top else "continue"
                if row > top:
                    tc.clear_content()
                    tc.add_p()
    doc.save(path)
    return path


def bare_docx_pass(path: Path) -> int:
    """python-docx's own pass over the appendix table: open the document, every cell's text of every row."""
    from docx import Document

    table = Document(str(path)).tables[0]
    return sum(len(cell.text) for row in table.rows for cell in row.cells)


def interleaved(base_fn, our_fn, rounds: int = 7):
    """((wall ms, CPU ms, result) of the baseline, the same of ours): the best of `rounds`, run in turns so machine
    load hits both alike; CPU time (this process) is the steadier figure on a shared machine."""
    times = {"base": ([], [], [None]), "ours": ([], [], [None])}
    for _ in range(rounds):
        for key, fn in (("base", base_fn), ("ours", our_fn)):
            wall, cpu = time.perf_counter(), time.process_time()
            result = fn()
            times[key][0].append((time.perf_counter() - wall) * 1000)
            times[key][1].append((time.process_time() - cpu) * 1000)
            times[key][2][0] = result
    return tuple((min(w), min(c), r[0]) for w, c, r in times.values())


def saved_by_libreoffice(path: Path, folder: Path) -> Path | None:
    """The workbook opened and saved again by LibreOffice Calc (texts as shared strings, as Excel and Calc write
    them; openpyxl writes each text into its cell), or None without soffice."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder / 'profile'}", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder / "out"), str(path)],
                   check=True, capture_output=True, timeout=300)
    return folder / "out" / path.name


def best(fn, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), result


def bare_read_only(path: Path) -> int:
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _row in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return count


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tmp = Path(tempfile.mkdtemp(prefix="cchc-import-"))
    os.environ["CCHC_DATA_DIR"] = str(tmp / "data")
    from cchc_desktop.import_commit import commit_draft
    from cchc_desktop.importers import read_appendix
    from cchc_desktop.store import Store

    path = build_appendix_xlsx(tmp / "phu-luc.xlsx", rows)
    (base, base_cpu, count), (ours, ours_cpu, draft) = interleaved(lambda: bare_read_only(path),
                                                                   lambda: read_appendix(path))
    print(f"{rows} product rows, {draft.task_count} tasks, {draft.product_count} products ({count} sheet rows)")
    print(f"openpyxl read-only pass (baseline): {base:7.1f} ms (CPU {base_cpu:.1f})")
    print(f"read_appendix(.xlsx):               {ours:7.1f} ms (CPU {ours_cpu:.1f})  ({ours / base:4.2f}x, "
          f"CPU {ours_cpu / base_cpu:4.2f}x)  target <= 2x: {'OK' if ours / base <= 2 else 'SLOW'}")
    saved = saved_by_libreoffice(path, tmp / "lo")
    if saved is None:
        print("the same workbook saved by LibreOffice: skipped (no soffice)")
    else:
        (base, base_cpu, _), (ours, ours_cpu, again) = interleaved(lambda: bare_read_only(saved),
                                                                   lambda: read_appendix(saved))
        if (again.task_count, again.product_count) != (draft.task_count, draft.product_count):
            raise RuntimeError("the workbook saved by LibreOffice read back other tasks/products")
        print(f"saved by LibreOffice (shared strings, as Excel writes them): baseline {base:7.1f} ms, "
              f"read_appendix {ours:7.1f} ms ({ours / base:4.2f}x, CPU {ours_cpu / base_cpu:4.2f}x)")

    n = [0]

    def commit():
        n[0] += 1
        store = Store.open(tmp / f"commit-{n[0]}.sqlite3", actor="bench")
        try:
            start = time.perf_counter()
            commit_draft(store, draft)
            return (time.perf_counter() - start) * 1000
        finally:
            store.close()

    def plain_inserts():
        n[0] += 1
        conn = sqlite3.connect(tmp / f"plain-{n[0]}.sqlite3")
        conn.execute("PRAGMA journal_mode = wal")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, task TEXT, description TEXT, deadline TEXT)")
        start = time.perf_counter()
        with conn:
            conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                             [(f"{i}", t.content, p.description, p.deadline_text)
                              for i, (t, p) in enumerate((t, p) for s in draft.sections for t in s.tasks
                                                         for p in t.products)])
        elapsed = (time.perf_counter() - start) * 1000
        conn.close()
        return elapsed

    commit_ms = min(commit() for _ in range(5))
    plain_ms = min(plain_inserts() for _ in range(5))
    print(f"plain executemany of the rows (baseline): {plain_ms:7.1f} ms")
    print(f"commit_draft into an empty database:      {commit_ms:7.1f} ms  ({commit_ms / plain_ms:4.1f}x)  "
          f"target <= 300 ms: {'OK' if commit_ms <= 300 else 'SLOW'}")

    docx_path = build_appendix_docx(tmp / "phu-luc.docx", rows)
    (base, base_cpu, _chars), (ours, ours_cpu, docx_draft) = interleaved(lambda: bare_docx_pass(docx_path),
                                                                         lambda: read_appendix(docx_path), 5)
    if (docx_draft.task_count, docx_draft.product_count) != (draft.task_count, draft.product_count):
        raise RuntimeError("the .docx appendix read back other tasks/products than the .xlsx one")
    print(f"python-docx pass over every cell's text (baseline): {base:7.1f} ms")
    print(f"read_appendix(.docx):                               {ours:7.1f} ms  ({ours / base:4.2f}x, "
          f"CPU {ours_cpu / base_cpu:4.2f}x)  "
          f"target <= 3x: {'OK' if ours / base <= 3 else 'SLOW'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
