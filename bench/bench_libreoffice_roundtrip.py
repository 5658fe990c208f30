"""Prove that an update workbook survives LibreOffice: export → fill in (as an agency would) →
LibreOffice headless converts .xlsx → .ods → .xlsx → the app imports it with the expected changes.

Installs LibreOffice Calc with apt-get only when `soffice` is missing (Debian/Ubuntu, root).
Prints the outcome and the time of each step; exit code 0 when the import matches.

    .venv/bin/python bench/bench_libreoffice_roundtrip.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from cchc_desktop.demo import create_demo_plan  # noqa: E402
from cchc_desktop.exchange import apply_workbook_import, export_workbook, read_workbook  # noqa: E402
from cchc_desktop.exchange.workbook_common import COLUMNS, ID_MARKER  # noqa: E402
from cchc_desktop.store import Store  # noqa: E402
from cchc_desktop.tracking import get_status  # noqa: E402

COL = {c.key: i for i, c in enumerate(COLUMNS, start=1)}


def _has_calc(soffice: str | None) -> bool:
    """soffice may be there with Writer only (libreoffice-core): Calc is libsclo in program/."""
    if not soffice:
        return False
    program = Path(os.path.realpath(soffice)).parent
    return any(program.glob("libsclo*")) or shutil.which("localc") is not None and any(
        Path("/usr/lib/libreoffice/program").glob("libsclo*"))


def ensure_soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if _has_calc(found):
        return found
    print("LibreOffice Calc không có sẵn: cài libreoffice-calc bằng apt-get …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "libreoffice-calc"], check=True, env=env)
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not _has_calc(found):
        raise SystemExit("Không cài được LibreOffice Calc.")
    return found


def convert(soffice: str, source: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(outdir), str(source)],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180)
    result = outdir / (source.stem + "." + fmt.split(":")[0])
    if not result.exists():
        raise SystemExit(f"LibreOffice không tạo ra {result.name}")
    return result


def main() -> int:
    soffice = ensure_soffice()
    work = Path(tempfile.mkdtemp(prefix="cchc-lo-"))
    store = Store.open(work / "bench.sqlite3", actor="bench")
    plan_id = create_demo_plan(store)
    t0 = time.perf_counter()
    exported = export_workbook(store, plan_id, "2026-Q2", work)
    t_export = time.perf_counter() - t0

    wb = load_workbook(exported.path)
    ws = wb.worksheets[0]
    id_col = next(c.column for row in ws.iter_rows(max_row=10) for c in row
                  if isinstance(c.value, str) and ID_MARKER in c.value)
    rows = [r for r in range(1, ws.max_row + 1) if "@" in str(ws.cell(r, id_col).value or "")]
    edits = {}
    for n, r in enumerate(rows[:6]):
        product_id, key = str(ws.cell(r, id_col).value).split("@")
        if n % 2 == 0:
            ws.cell(r, COL["status"], "Đang thực hiện")
            ws.cell(r, COL["percent"], 10 * (n + 1))
            edits[(product_id, key)] = ("in_progress", 10 * (n + 1))
        else:
            ws.cell(r, COL["status"], "Hoàn thành")
            ws.cell(r, COL["completed_on"], "15/1/2026")
            edits[(product_id, key)] = (None, 100)
        ws.cell(r, COL["result"], f"Kết quả dòng {n + 1} — đã lưu qua LibreOffice")
    filled = work / "da-dien.xlsx"
    wb.save(filled)

    profile = work / "lo-profile"
    t0 = time.perf_counter()
    ods = convert(soffice, filled, "ods", work / "ods", profile)
    back = convert(soffice, ods, "xlsx:Calc MS Excel 2007 XML", work / "back", profile)
    t_convert = time.perf_counter() - t0

    t0 = time.perf_counter()
    preview = read_workbook(store, back)
    t_read = time.perf_counter() - t0
    print(f"Xuất: {exported.path.name} ({exported.rows} dòng, {t_export:.2f} s)")
    print(f"LibreOffice: .xlsx → {ods.name} → {back.name} ({t_convert:.1f} s)")
    print(f"Đọc lại: {len(preview.rows)} dòng, {len(preview.changed_rows)} dòng có thay đổi, "
          f"{len(preview.errors)} lỗi ({t_read:.2f} s)")
    for issue in preview.issues:
        print("  -", issue)
    for error in preview.errors:
        print("  LỖI", error)
    result = apply_workbook_import(store, [preview])
    ok = not preview.errors and result.rows == len(edits)
    for (product_id, key), (status, percent) in edits.items():
        row = get_status(store, product_id, key)
        good = row["percent"] == percent and (status is None or row["status"] == status) \
            and row["result"].endswith("LibreOffice")
        ok = ok and good
        print(f"  {key} {row['status']:<12} {row['percent']:>3}% {'OK' if good else 'SAI'}")
    again = read_workbook(store, back)
    ok = ok and not again.changed_rows
    print(f"Nhập lần hai: {len(again.changed_rows)} thay đổi (mong đợi 0)")
    print("KẾT QUẢ:", "ĐẠT — tệp lưu bằng LibreOffice nhập được đầy đủ" if ok else "KHÔNG ĐẠT")
    store.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
