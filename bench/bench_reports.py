"""Benchmark: the periodic report PDF for a generated 200-task plan vs LibreOffice converting the same table.

    .venv/bin/python bench/bench_reports.py            # 200 tasks, 3 runs each
    .venv/bin/python bench/bench_reports.py --tasks 400 --runs 5

Ours: plan_summary + template rendering + reportlab layout of the whole periodic report (portrait body, the
landscape results appendix), best of N runs after one warm-up (and the cold first run printed too).
Baseline, measured in the same run on the same machine: the same appendix table (same rows and columns) written
to a .docx with python-docx, then converted to PDF by LibreOffice headless (``soffice --convert-to pdf``; start-up
included, as a user would pay it). When ``soffice`` is missing the script installs ``libreoffice-writer`` with
apt-get (root only). Target: ours <= 1 s and >= 10x faster than LibreOffice.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cchc_desktop.store import Store  # noqa: E402
from cchc_desktop.tracking import plan_summary, set_status  # noqa: E402

SECTIONS = ["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "CẢI CÁCH THỂ CHẾ", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
            "CẢI CÁCH TỔ CHỨC BỘ MÁY", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "CẢI CÁCH TÀI CHÍNH CÔNG",
            "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"]
LEADS = ["Phòng Văn hóa - Xã hội", "Văn phòng HĐND-UBND", "Trung tâm Phục vụ hành chính công", "Phòng Kinh tế"]
DEADLINES = ["Quý I/2026", "Trước ngày 15/02/2026", "Thường xuyên", "Định kỳ hằng quý", "Quý II, III/2026",
             "Tháng 3/2026", "Theo yêu cầu của Sở Nội vụ"]
REF = dt.date(2026, 4, 20)
PERIOD = "2026-Q1"


def generate_plan(store: Store, n_tasks: int) -> str:
    plan_id = store.create_plan("xã Xuân Trường", 2026, doc_number="03/KH-UBND", doc_date="2026-01-10")
    sections = [store.add_section(plan_id, title) for title in SECTIONS]
    products = []
    for k in range(n_tasks):
        task = store.add_task(sections[k % len(sections)],
                              f"Nhiệm vụ {k + 1}: tiếp tục đẩy mạnh cải cách thủ tục hành chính, số hóa hồ sơ và nâng "
                              f"cao chất lượng phục vụ người dân, doanh nghiệp trên địa bàn xã.")
        for j in range(2 if k % 4 == 0 else 1):
            products.append(store.add_product(
                task, f"Sản phẩm {k + 1}.{j + 1}: báo cáo kết quả thực hiện; quyết định công bố danh mục thủ tục",
                DEADLINES[(k + j) % len(DEADLINES)], leads=[LEADS[(k + j) % len(LEADS)]],
                coordinators=["Các cơ quan, đơn vị có liên quan"]))
    for n, product in enumerate(products):
        if n % 3 == 0:
            set_status(store, product, PERIOD, ref=REF, status="in_progress", percent=50,
                       result="Đang triển khai, đã dự thảo văn bản.")
    return plan_id


def ours(store: Store, plan_id: str, out: Path, runs: int) -> tuple[float, float, int]:
    from cchc_desktop.reports.periodic_report import build_periodic_report
    from cchc_desktop.reports.document import render_pdf

    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        report = build_periodic_report(store, plan_id, PERIOD, REF, number="5", issue_date=dt.date(2026, 3, 10))
        render_pdf(report, out)
        times.append(time.perf_counter() - start)
    from pypdf import PdfReader

    return times[0], min(times[1:]), len(PdfReader(out).pages)


def reportlab_version() -> str:
    """reportlab's version and whether its C accelerator (rl_accel, pinned in requirements.txt) is in use."""
    import reportlab
    from reportlab.lib import rl_accel

    accelerated = not getattr(rl_accel.fp_str, "__name__", "").startswith("_py_")
    return f"{reportlab.Version} with {'rl_accel' if accelerated else 'pure-Python helpers (no rl_accel)'}"


def appendix_docx(store: Store, plan_id: str, path: Path) -> int:
    """The periodic report's appendix table (same rows/columns) as a landscape A4 .docx."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    from cchc_desktop.reports.periodic_report import build_periodic_report

    report = build_periodic_report(store, plan_id, PERIOD, REF)
    appendix = report.appendices[0]
    table_data = appendix.table
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin = section.bottom_margin = Mm(20)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    doc.add_paragraph(appendix.label)
    doc.add_paragraph(appendix.title)
    doc.add_paragraph(appendix.caption)
    ncol = len(table_data.headers)
    table = doc.add_table(rows=1, cols=ncol)
    table.style = "Table Grid"
    for c, text in enumerate(table_data.headers):
        table.rows[0].cells[c].text = text
    for row in table_data.rows:
        cells = table.add_row().cells
        if len(row) == 1:
            merged = cells[0].merge(cells[-1])
            merged.text = str(row[0])
            continue
        for c in range(ncol):
            cells[c].text = "" if row[c] is None else str(row[c])
    doc.save(path)
    return len(table_data.rows)


def ensure_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CCHC_BENCH_NO_INSTALL"):   # bench/run_all.py: never install from inside a run
        return None
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("soffice not found: installing libreoffice-writer with apt-get …", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libreoffice-writer"],
                       check=False, env=env)
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice(soffice: str, docx: Path, out_dir: Path, runs: int) -> tuple[float, float]:
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    times = []
    try:
        for _ in range(runs + 1):
            start = time.perf_counter()
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                            "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
            times.append(time.perf_counter() - start)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return times[0], min(times[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    os.environ.setdefault("CCHC_DATA_DIR", str(work / "appdata"))
    store = Store.open(work / "bench.sqlite3", actor="bench")
    try:
        plan_id = generate_plan(store, args.tasks)
        products = plan_summary(store, plan_id, REF, PERIOD).totals.total
        cold, best, pages = ours(store, plan_id, work / "bao-cao.pdf", args.runs)
        print(f"plan: {args.tasks} tasks, {products} products in {PERIOD}; reportlab {reportlab_version()}")
        print(f"ours (reportlab): periodic report, {pages} pages: first run {cold:.3f} s, best of {args.runs} "
              f"{best:.3f} s")
        docx = work / "phu-luc.docx"
        rows = appendix_docx(store, plan_id, docx)
        soffice = ensure_soffice()
        if soffice is None:
            print("LibreOffice: not available (soffice missing and could not be installed): no ratio")
            return 0 if best <= 1.0 else 1
        lo_cold, lo_best = libreoffice(soffice, docx, work, args.runs)
        from pypdf import PdfReader

        lo_pages = len(PdfReader(work / "phu-luc.pdf").pages)
        print(f"LibreOffice headless: appendix table only ({rows} rows, {lo_pages} pages) .docx -> PDF: "
              f"first run {lo_cold:.3f} s, best of {args.runs} {lo_best:.3f} s")
        ratio = lo_best / best
        print(f"ratio (LibreOffice best / ours best): {ratio:.1f}x  "
              f"[target: ours <= 1 s: {'OK' if best <= 1.0 else 'MISSED'}, >= 10x: {'OK' if ratio >= 10 else 'MISSED'}]")
        return 0 if best <= 1.0 and ratio >= 10 else 1
    finally:
        store.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
