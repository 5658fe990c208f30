"""Build the PyInstaller bundle from build.spec and run the frozen app's `--self-test` (slow: ~30 s
to build on 2 cores). Skipped when PyInstaller is not installed (requirements-dev.txt pins it)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    pytest.importorskip("PyInstaller")
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--workpath", str(work / "build"), "--distpath", str(work / "dist"), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    folder = work / "dist" / "CCHC-Desktop"
    print(f"\nPyInstaller build: {time.perf_counter() - started:.0f} s")
    return folder


def _exe(folder: Path) -> Path:
    return folder / ("CCHC-Desktop.exe" if sys.platform.startswith("win") else "CCHC-Desktop")


def test_frozen_self_test_passes(bundle, tmp_path):
    report = tmp_path / "self-test.txt"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CCHC_DATA_DIR": str(tmp_path / "appdata")}
    started = time.perf_counter()
    result = subprocess.run([str(_exe(bundle)), "--self-test", "--self-test-report", str(report)],
                            env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    text = report.read_text(encoding="utf-8") if report.exists() else result.stdout + result.stderr
    assert result.returncode == 0, text
    assert "(frozen," in text
    for step in ("open database", "import demo appendix", "render appendix PDF", "backup + restore",
                 "Qt offscreen", "network: no socket opened"):
        assert f"OK   {step}" in text, text
    print(f"frozen self-test: {elapsed:.2f} s")


def test_bundle_contents_and_size(bundle):
    internal = bundle / "_internal"
    assert (internal / "resources" / "fonts" / "LiberationSerif-Regular.ttf").exists()
    assert (internal / "resources" / "icons" / "app.png").exists()
    assert list((internal / "db" / "migrations").glob("0001_*.sql"))
    assert list((internal / "resources" / "demo").glob("*.txt"))
    names = {p.name for p in bundle.rglob("*")}
    for unwanted in ("libQt6WebEngineCore.so.6", "Qt6WebEngineCore.dll", "libQt6Quick.so.6", "Qt6Quick.dll",
                     "libQt6Qml.so.6", "libQt6Multimedia.so.6", "libQt63DCore.so.6"):
        assert unwanted not in names
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle size: {size / 1e6:.1f} MB")
    assert size <= 150e6, f"bundle is {size / 1e6:.1f} MB (> 150 MB)"


@pytest.mark.skipif(sys.platform.startswith("win"), reason="portable marker test uses POSIX paths")
def test_portable_marker_puts_data_beside_the_executable(bundle, tmp_path):
    """A copy of the bundle with a `portable` file keeps its data in data/ beside the executable."""
    import shutil

    copy = tmp_path / "usb" / "CCHC-Desktop"
    shutil.copytree(bundle, copy, symlinks=True)
    (copy / "portable").write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CCHC_DATA_DIR"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run([str(_exe(copy)), "plans"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (copy / "data" / "cchc.sqlite3").exists()


def test_console_twin_runs_the_command_line(bundle, tmp_path):
    """The CLI twin (for Windows, where the windowed exe has no console) imports and lists a plan."""
    cli = bundle / ("CCHC-Desktop-cli.exe" if sys.platform.startswith("win") else "CCHC-Desktop-cli")
    demo = bundle / "_internal" / "resources" / "demo" / "phu-luc-nhiem-vu-cchc-2026-xa-xuan-truong.txt"
    db = tmp_path / "kh.sqlite3"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CCHC_DATA_DIR": str(tmp_path / "appdata")}
    result = subprocess.run([str(cli), "--db", str(db), "import", str(demo)], env=env, capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "39 nhiệm vụ, 46 dòng sản phẩm" in result.stdout
    result = subprocess.run([str(cli), "--db", str(db), "list"], env=env, capture_output=True, text=True,
                            encoding="utf-8", timeout=120)
    assert result.returncode == 0 and "Thường xuyên (cả năm)" in result.stdout
