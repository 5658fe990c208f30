"""Helpers shared by the exchange tests (not a test module)."""
from __future__ import annotations

from pathlib import Path

import pytest

from cchc_desktop.exchange import export_package, import_package
from cchc_desktop.store import Store


def make_plan(store: Store) -> dict:
    """Two tasks, one product each, lead (and coordinating) agencies."""
    plan = store.create_plan("xã Xuân Trường", 2026)
    s1 = store.add_section(plan, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    t1 = store.add_task(s1, "Ban hành kế hoạch CCHC năm 2026")
    p1 = store.add_product(t1, "Kế hoạch CCHC", "Trước ngày 31/01/2026", ["Văn phòng HĐND và UBND"],
                           ["Phòng Văn hóa - Xã hội"])
    t2 = store.add_task(s1, "Kiểm tra công tác CCHC")
    p2 = store.add_product(t2, "Báo cáo kiểm tra", "Quý III/2026", ["Phòng Kinh tế"])
    return {"plan": plan, "s1": s1, "t1": t1, "t2": t2, "p1": p1, "p2": p2}


def open_pair(tmp_path: Path) -> tuple[Store, Store]:
    """Two installations (PC A and PC B) in their own folders."""
    stores = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        stores.append(Store.open(tmp_path / name / f"{name}.sqlite3", actor=name.upper()))
    return stores[0], stores[1]


@pytest.fixture
def pair(tmp_path):
    """PC A and PC B (import this fixture into the test module)."""
    a, b = open_pair(tmp_path)
    yield a, b
    a.close()
    b.close()


def send(src: Store, dst: Store, path: Path, **kw):
    """Export a package on `src` and import it on `dst` (keyword arguments: import_package's)."""
    export_package(src, path)
    return import_package(dst, path, **kw)
