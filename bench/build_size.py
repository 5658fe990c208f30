"""Size of a PyInstaller bundle folder, its biggest parts, and start time (frozen vs source).

    .venv/bin/python bench/build_size.py dist/CCHC-Desktop            # size + top 15 files
    .venv/bin/python bench/build_size.py dist/CCHC-Desktop --startup  # + self-test start-up times

Baseline measured in the same run: the source app (`python main.py --self-test`) started from the same
machine; the frozen figure is comparable only to that. Target: bundle <= 150 MB.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 150


def folder_size(folder: Path) -> tuple[int, list[tuple[int, Path]]]:
    files = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            files.append((path.stat().st_size, path))
    files.sort(reverse=True)
    return sum(size for size, _ in files), files


def timed(cmd: list[str], runs: int = 3) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT / "dist" / "CCHC-Desktop"
    if not folder.is_dir():
        print(f"no bundle at {folder}; run scripts/build.sh first")
        return 1
    total, files = folder_size(folder)
    print(f"bundle: {folder} — {total / 1e6:.1f} MB in {len(files)} files (limit {LIMIT_MB} MB)")
    for size, path in files[:15]:
        print(f"  {size / 1e6:7.1f} MB  {path.relative_to(folder)}")
    if "--startup" in argv:
        exe = folder / ("CCHC-Desktop.exe" if sys.platform.startswith("win") else "CCHC-Desktop")
        frozen = timed([str(exe), "--self-test"])
        source = timed([sys.executable, str(ROOT / "main.py"), "--self-test"])
        print(f"self-test wall time (best of 3): frozen {frozen:.2f} s, source {source:.2f} s "
              f"(ratio {frozen / source:.2f})")
    return 0 if total <= LIMIT_MB * 1e6 else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
