"""QA pass at 1366×768: texts not cut off, menus reachable by keyboard, messages naming the real controls."""
from datetime import date

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QHeaderView  # noqa: E402

from ui.dashboard import DashboardWidget  # noqa: E402
from ui.status_panel import StatusPanel  # noqa: E402


def _mnemonic(text: str) -> str | None:
    i = text.replace("&&", "").find("&")
    return text.replace("&&", "")[i + 1].lower() if i >= 0 else None


def test_feature_menus_have_unique_mnemonics(qtbot, store, demo):
    """Alt+letter reaches every item of «Xem», «Trao đổi», «Kế hoạch», «Sao lưu» (they had none), one letter each."""
    from ui.app import build_main_window
    from ui.backup_start import install_backup_menu

    window = build_main_window(store)
    qtbot.addWidget(window)
    install_backup_menu(window)
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions() if a.menu() is not None}
    for title in ("Xem", "Trao đổi", "Kế hoạch", "Sao lưu"):
        texts = [a.text() for a in menus[title].actions() if not a.isSeparator()]
        letters = [_mnemonic(t) for t in texts]
        assert None not in letters, (title, texts)
        assert len(set(letters)) == len(letters), (title, texts)


def test_group_tables_keep_whole_headers(qtbot, store, demo):
    """The last column «Theo phát sinh» of the per-section / per-agency tables was cut to «heo phát sin»."""
    plan_id, _products = demo
    w = DashboardWidget(store, plan_id, ref_date=date(2026, 9, 14))
    qtbot.addWidget(w)
    w.resize(900, 620)
    w.show()
    for index, table in ((3, w.section_table), (4, w.agency_table)):
        w.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda t=table: not t._fit_pending)
        header = table.horizontalHeader()
        for column in range(table.model().columnCount()):
            if header.sectionResizeMode(column) == QHeaderView.Stretch:
                continue
            needed = header.sectionSizeFromContents(column).width()     # what Qt needs to draw it whole
            assert header.sectionSize(column) >= needed, table.model().headerData(column, Qt.Horizontal)


def test_completion_date_field_is_not_cut_off_in_the_details_pane(qtbot, store, demo):
    """At the pane's default 270 px the date field (and its weekday) shared half a row with the percent."""
    _plan_id, products = demo
    panel = StatusPanel(store)
    qtbot.addWidget(panel)
    panel.set_product(products[0].id)
    panel.resize(250, 900)
    panel.show()
    qtbot.waitExposed(panel)
    field = panel.completed
    assert field.width() >= field.sizeHint().width()
    assert field.hint.width() >= field.hint.sizeHint().width()


def test_signer_warning_names_the_real_menu_item_and_tick_box(qtbot, store, demo):
    from cchc_desktop.reports.header_settings import HeaderSettings
    from ui.actions import SPECS
    from ui.header_settings_dialog import HeaderSettingsDialog

    plan_id, _products = demo
    warning = HeaderSettings().signer_warning
    assert SPECS["report_header"].text.replace("&", "") in warning
    dialog = HeaderSettingsDialog(store, plan_id)
    qtbot.addWidget(dialog)
    assert f"«{dialog.blank_signer.text().replace('&', '')}»" in warning
