"""A plan whose unit has no name yet (issue #20 item 7): a banner above the table offers to set it, and printed
documents leave the name blank — never «Chưa đặt tên»."""
from __future__ import annotations

import datetime as dt

import pytest

from cchc_desktop.domain import UNNAMED
from cchc_desktop.reports.vnformat import BLANK, place_name, unit_with_kind


def test_an_unnamed_unit_is_printed_as_a_blank():
    assert unit_with_kind(UNNAMED, "phường") == f"phường {BLANK * 2}"
    assert unit_with_kind("", "xã") == f"xã {BLANK * 2}"
    assert unit_with_kind("xã Chưa đặt tên", "xã") == f"xã {BLANK * 2}"
    assert place_name(UNNAMED) == BLANK * 2
    assert unit_with_kind("Xuân Trường", "xã") == "xã Xuân Trường"


def test_reports_of_an_unnamed_plan_never_print_the_placeholder(store):
    from cchc_desktop.reports.catalog import ReportRequest, build_report

    plan_id = store.create_plan(UNNAMED, 2026)
    section = store.add_section(plan_id, "Công tác chỉ đạo, điều hành")
    task = store.add_task(section, "Ban hành Kế hoạch CCHC")
    store.add_product(task, "Kế hoạch", "Quý I/2026", leads=["Văn phòng HĐND và UBND"])
    report = build_report(store, ReportRequest("periodic", plan_id, "2026-Q2", dt.date(2026, 6, 20)))
    texts = [report.header.issuer_name, report.body, report.header.place, report.author]
    assert not any(UNNAMED.lower() in t.lower() for t in texts)
    assert "ỦY BAN NHÂN DÂN" in report.header.issuer_name


@pytest.mark.gui
def test_banner_shows_until_the_unit_is_named(qtbot, store):
    from ui.main_window import MainWindow

    plan_id = store.create_plan(UNNAMED, 2026)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.open_plan(plan_id)
    assert window.unnamed_banner.isVisibleTo(window)
    opened = []
    window.edit_plan_properties = lambda: opened.append(True)
    window.unnamed_banner.button.click()
    assert opened == [True]
    from cchc_desktop import ops

    window.events.publish(ops.run(store, "Đặt tên", store.update, "plan", plan_id, unit_name="phường An Tường",
                                  unit_kind="phường"))
    assert not window.unnamed_banner.isVisibleTo(window)
