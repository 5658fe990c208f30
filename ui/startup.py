"""Start-up order (issue 18): the appendix table paints first; the rest is built right after.

`build_after_first_paint(window)` holds the dashboard back while the window starts and builds it once
the table's viewport has painted for the first time (one event-loop turn later, so input is not
blocked by more than that one build)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer


class _FirstPaint(QObject):
    def __init__(self, target, callback):
        super().__init__(target)
        self._callback = callback
        target.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def after_first_paint(widget, callback) -> None:
    """Call `callback` once, on the event-loop turn after `widget` first paints."""
    _FirstPaint(widget, callback)


def build_after_first_paint(window) -> None:
    """Defer the dashboard of the plan opened at start until the table has painted."""
    window.defer_dashboard = True

    def build() -> None:
        window.defer_dashboard = False
        if window.dashboard is None and window.model.plan_id:
            window._tracking_plan_changed(window.model.plan_id)
    after_first_paint(window.view.viewport(), build)
