"""Sync folder dialog and portfolio dialog (issue #19), offscreen."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.exchange import export_package
from cchc_desktop.store import Store
from cchc_desktop.sync.folder import get_folder

pytestmark = pytest.mark.gui


def test_main_window_sync_dialog_writes_our_package_and_refuses_the_db_folder(qtbot, tmp_path, monkeypatch):
    from ui.main_window import MainWindow
    from ui.sync_dialog import SyncDialog

    (tmp_path / "db").mkdir()
    store = Store.open(tmp_path / "db" / "cchc.sqlite3")
    create_demo_plan(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    texts = [a.text() for a in window.exchange_actions]
    assert "Thư mục đồng &bộ…" in texts and "Xem tiến độ &nhiều xã (chỉ đọc)…" in texts
    warnings = []
    monkeypatch.setattr("ui.sync_dialog.messages.error", lambda *a: warnings.append(a[2]))
    dialog = SyncDialog(window.sync_controller, window)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "db"))
    dialog.sync_now()
    assert warnings and "cơ sở dữ liệu" in warnings[0] and get_folder(store) is None
    shared = tmp_path / "dong-bo"
    shared.mkdir()
    dialog.path_edit.setText(str(shared))
    dialog.sync_now()
    assert get_folder(store) == shared
    assert [p.name for p in shared.iterdir()] and all(p.suffix == ".cchc" for p in shared.iterdir())
    assert "Đã ghi gói của máy này" in dialog.report.toPlainText()
    window.close()
    store.close()


def test_portfolio_dialog_lists_communes_read_only(qtbot, tmp_path):
    from ui.sync_dialog import PortfolioDialog

    folder = tmp_path / "goi"
    folder.mkdir()
    for i, unit in enumerate(["Xuân Trường", "An Tường"]):
        (tmp_path / str(i)).mkdir()
        store = Store.open(tmp_path / str(i) / "x.sqlite3")
        plan = create_demo_plan(store)
        store.update("plan", plan, unit_name=unit)
        export_package(store, folder / f"{i}.cchc")
        store.close()
    dialog = PortfolioDialog()
    qtbot.addWidget(dialog)
    dialog.load([folder])
    units = sorted(dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount()))
    assert units == ["An Tường", "Xuân Trường"]
    assert dialog.export_button.isEnabled()
    out = tmp_path / "ss.xlsx"
    from cchc_desktop.sync.portfolio import export_portfolio_xlsx

    export_portfolio_xlsx(dialog.portfolio, out, dt.date(2026, 6, 1))
    assert out.is_file()
    dialog.reject()
    assert dialog.portfolio is None
