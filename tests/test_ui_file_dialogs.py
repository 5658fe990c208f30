"""Where file dialogs start (issue #20, items 4–5): last folder used per kind, a plugged-in USB stick for the
exchange, the Documents folder otherwise — never the program folder; Qt's own dialog speaks Vietnamese."""
from __future__ import annotations

from pathlib import Path

import pytest

from cchc_desktop.paths import executable_dir, removable_drives
from ui import file_dialogs

pytestmark = pytest.mark.gui

MOUNTS = """/dev/sda1 / ext4 rw 0 0
/dev/sdb1 /media/canbo/USB\\040CCHC vfat rw 0 0
/dev/sdc1 /run/media/canbo/THE-NHO exfat rw 0 0
/dev/sdd1 /srv/data ntfs3 rw 0 0
tmpfs /run tmpfs rw 0 0
"""


def test_removable_drives_from_mounts_and_windows_drive_types():
    assert removable_drives(MOUNTS) == [Path("/media/canbo/USB CCHC"), Path("/run/media/canbo/THE-NHO")]
    drives = [("A:\\", 2), ("C:\\", 3), ("E:\\", 2), ("Z:\\", 4)]
    assert removable_drives(windows_drives=drives) == [Path("E:\\")]


def test_start_folder_is_documents_then_stick_then_last_used(qapp, tmp_path, monkeypatch):
    docs = tmp_path / "Documents"
    docs.mkdir()
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(file_dialogs, "documents_dir", lambda: docs)
    monkeypatch.setattr(file_dialogs, "removable_drives", lambda: [])
    assert file_dialogs.start_dir(file_dialogs.REPORTS) == docs != executable_dir()
    assert file_dialogs.start_dir(file_dialogs.USB) == docs
    monkeypatch.setattr(file_dialogs, "removable_drives", lambda: [stick])
    assert file_dialogs.start_dir(file_dialogs.USB) == stick
    assert file_dialogs.start_dir(file_dialogs.REPORTS) == docs          # reports do not go to the stick
    reports = tmp_path / "bao-cao"
    reports.mkdir()
    file_dialogs.remember(file_dialogs.REPORTS, str(reports / "bao-cao-quy-2.pdf"))
    assert file_dialogs.start_dir(file_dialogs.REPORTS) == reports
    assert file_dialogs.start_dir(file_dialogs.USB) == stick             # remembered per kind


def test_save_dialog_gets_the_start_folder(qapp, tmp_path, monkeypatch):
    docs = tmp_path / "Documents"
    docs.mkdir()
    monkeypatch.setattr(file_dialogs, "documents_dir", lambda: docs)
    seen = {}

    def fake(parent, caption, start, filters, options=None):
        seen["start"] = start
        return str(docs / "x.pdf"), filters

    monkeypatch.setattr(file_dialogs.QFileDialog, "getSaveFileName", fake)
    assert file_dialogs.save_file(None, file_dialogs.REPORTS, "Lưu", "bao-cao.pdf", "PDF (*.pdf)") == str(docs / "x.pdf")
    assert seen["start"] == str(docs / "bao-cao.pdf")


def test_qt_file_dialog_texts_are_vietnamese(qapp):
    from PySide6.QtWidgets import QFileDialog, QLabel

    from ui import qt_vi

    qt_vi.install(qapp)
    dialog = QFileDialog(None, "Lưu", "", "PDF (*.pdf)")
    dialog.setOption(QFileDialog.DontUseNativeDialog, True)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Tìm trong:", "&Tên tệp:", "&Loại tệp:"} <= labels
    assert not {"&Look in:", "Files of type:", "Files of &type:"} & labels
    dialog.deleteLater()


def test_search_placeholder_fits_the_box_at_1366(qtbot, store):
    from cchc_desktop.demo import create_demo_plan
    from ui.main_window import MainWindow

    create_demo_plan(store)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    search = window.filter_bar.search
    text = search.placeholderText()
    room = search.width() - 2 * search.fontMetrics().averageCharWidth() - 24      # margins + clear button
    assert search.fontMetrics().horizontalAdvance(text) <= room, (text, room)
    assert "chuyen doi so" in search.toolTip()
