"""Start-up order (issue 18): the appendix table paints first; the rest is built right after.

`build_after_first_paint(window)` holds the dashboard, the sync folder's watcher, the task pane's five-year
links, the filter bar's agency list and the (hidden) status panel back while the window starts (the window is made
with `MainWindow(store, starting=True)`) and builds them once the table's viewport has painted for the first time,
one per event-loop turn (so input is never blocked by more than one of them)."""
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


def in_turns(steps) -> None:
    """Run the callables one per event-loop turn, so input and paints queued meanwhile go first."""
    steps = list(steps)

    def next_step() -> None:
        if steps:
            steps.pop(0)()
            if steps:
                QTimer.singleShot(0, next_step)
    next_step()


def _open(window) -> bool:
    """False once the window was closed (quit right after the first paint): nothing more to build."""
    return not getattr(window, "_closed", False)


def build_after_first_paint(window) -> None:
    """Defer the dashboard, the filter bar's agency list and the status panel until the table has
    painted; then build them one per event-loop turn."""
    window.defer_until_painted = True

    def dashboard() -> None:
        window.defer_until_painted = False
        if _open(window) and window.dashboard is None and window.model.plan_id:
            window._tracking_plan_changed(window.model.plan_id)

    def late_parts() -> None:
        if _open(window):
            from .exchange_menu import start_sync
            from .planlife_menu import install_link_panel
            start_sync(window)                 # the sync folder's watcher (#19)
            install_link_panel(window)         # the task pane's five-year links (#15)

    def agencies() -> None:
        if _open(window) and window._agency_cache is None:
            window.agency_names()

    def status_panel() -> None:
        if _open(window):
            window.status_panel   # noqa: B018 - built on first use; now, so the first click is quick
    after_first_paint(window.view.viewport(), lambda: in_turns([dashboard, late_parts, agencies, status_panel]))
