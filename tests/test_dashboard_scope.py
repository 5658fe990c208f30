"""The dashboard shows lũy kế (every product of the plan year) by default, the period's slice as a choice."""
from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("pytestqt")

from ui.dashboard import DashboardWidget  # noqa: E402


def test_cumulative_by_default_and_slice_on_request(qtbot, store):
    from cchc_desktop.demo import create_demo_plan

    plan_id = create_demo_plan(store)
    products = store.db.query_one("SELECT COUNT(*) FROM product")[0]
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 5, 20))
    qtbot.addWidget(w)
    w.set_period("2026-Q2")
    assert w.summary.cumulative and w.summary.totals.total == products
    w.scope_combo.setCurrentIndex(1)
    assert not w.summary.cumulative and 0 < w.summary.totals.total < products


def test_report_dialog_says_what_is_wrong_before_saving(qtbot, store):
    from cchc_desktop.demo import create_demo_plan
    from ui.header_settings_dialog import HeaderSettingsDialog
    from ui.report_dialog import ReportDialog

    plan_id = create_demo_plan(store)
    dlg = ReportDialog(store, plan_id, kind="periodic", ref_date=date(2026, 5, 20))
    qtbot.addWidget(dlg)
    dlg.period_combo.setCurrentIndex(dlg.period_combo.findData("2026-Q2"))
    dlg.refresh()
    status = dlg.status.text()
    assert "trước ngày chốt số liệu (14/06/2026)" in status and "Chưa có họ tên người ký" in status
    header = HeaderSettingsDialog(store, plan_id)
    qtbot.addWidget(header)
    header.blank_signer.setChecked(True)
    assert "(để trống, ký tay)" in header.signer_preview.text()
    header.accept()
    dlg.refresh()
    assert "người ký" not in dlg.status.text() and "ngày chốt" in dlg.status.text()
