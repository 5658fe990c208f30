"""Guard against the PySide6 6.12 / Python 3.11 bug that over-releases None on every void call
(the app aborted with "none_dealloc" after a few thousand setColumnWidth/setSpan calls)."""
import sys

from PySide6.QtWidgets import QTableView


def test_void_qt_calls_do_not_leak_none_references(qtbot):
    view = QTableView()
    qtbot.addWidget(view)
    before = sys.getrefcount(None)
    for _ in range(5000):
        view.setColumnWidth(0, 10)
    assert abs(sys.getrefcount(None) - before) < 100
