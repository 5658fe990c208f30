"""ui/busy.py: the wait cursor is always restored; the progress dialog follows the steps and never blocks."""
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from ui import busy as busy_module
from ui.busy import busy


def _no_override_cursor() -> bool:
    return QGuiApplication.overrideCursor() is None


def test_cursor_restored_after_exception(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    assert _no_override_cursor()
    with pytest.raises(RuntimeError):
        with busy(parent, "Đang xử lý…", total=3) as job:
            assert QGuiApplication.overrideCursor().shape() == Qt.WaitCursor
            job.step(1)
            raise RuntimeError("hỏng")
    assert _no_override_cursor()
    assert job.dialog is None   # closed as well


def test_progress_dialog_reaches_total(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    with busy(parent, "Đang xuất tệp…", total=4) as job:
        dialog = job.dialog
        assert dialog is not None and dialog.isVisible() and dialog.windowModality() != Qt.NonModal
        assert dialog.labelText() == "Đang xuất tệp…"
        for n in range(1, 5):
            job.step(n, f"Tệp {n}/4")
        assert (dialog.value(), dialog.maximum()) == (4, 4)
        assert dialog.labelText() == "Tệp 4/4"
    assert job.dialog is None and _no_override_cursor()


def test_core_progress_callback_and_late_dialog(qtbot, monkeypatch):
    monkeypatch.setattr(busy_module, "SHOW_AFTER", 0.0)
    with busy(None, "Đang đọc…") as job:
        assert job.dialog is None          # no total: cursor only until the job has lasted a while
        time.sleep(0.01)
        job.progress(1, 2)
        assert job.dialog is not None and job.dialog.maximum() == 2
        job.progress(2, 2)
        assert job.dialog.value() == 2
    assert _no_override_cursor()


def test_no_cancel_button_unless_cancellable(qtbot):
    from PySide6.QtWidgets import QPushButton

    with busy(None, "Đang chép…", total=1) as job:
        assert not [b for b in job.dialog.findChildren(QPushButton) if b.isVisible()]
        assert not job.cancelled
    with busy(None, "Đang chép…", total=1, cancellable=True) as job:
        job.dialog.cancel()
        assert job.cancelled
    assert _no_override_cursor()


def test_paused_gives_the_normal_cursor_back_for_a_message(qtbot):
    from ui.busy import paused

    with busy(None, "Đang ghi…", total=2) as job:
        with busy(None, "Đang ghi tiếp…"):
            with paused():
                assert _no_override_cursor() and not job.dialog.isVisible()
            assert QGuiApplication.overrideCursor().shape() == Qt.WaitCursor
        assert job.dialog.isVisible()
    assert _no_override_cursor()
