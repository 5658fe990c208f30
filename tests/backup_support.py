"""Shared helpers of the backup / data-safety tests (not a test module)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path


def demo_database(tmp_path: Path) -> Path:
    """The demo plan in `<tmp>/data/cchc.sqlite3`, with no backup yet."""
    from cchc_desktop.backup import backups_dir
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.store import Store

    path = tmp_path / "data" / "cchc.sqlite3"
    path.parent.mkdir()
    store = Store.open(path, actor="tester")
    create_demo_plan(store)
    store.close()
    shutil.rmtree(backups_dir(path), ignore_errors=True)  # no import safety backup under test here
    return path


def task_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM task").fetchone()[0]
    finally:
        conn.close()


def corrupt(path: Path) -> None:
    """Overwrite the middle of the file (b-tree pages) with garbage."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 3)
        handle.write(b"\xde\xad\xbe\xef" * (size // 12))
