"""The one way the UI changes data: a core operation (cchc_desktop.ops) wrapped in ONE QUndoCommand type,
and ONE Qt signal, `StoreEvents.changed(OpResult)`, emitted once per operation, its undo and its redo.

Everything that shows data (table model, details pane, status panel, dashboard, section list, agency
catalogue, open dialogs) subscribes to `changed` and refreshes from the result; nothing refreshes by hand.
A change made outside the undo stack (workbook import, package merge) is published the same way with
`events.publish(result)`.

Errors come in two kinds: a `UserError` (refusal with a Vietnamese message) drops the step and is shown;
anything else is a bug and goes to the crash handler. A subscriber that fails AFTER the change was
committed is a bug too: it is logged with its traceback, the undo step is kept, and the message says the
change was saved but the display could not be refreshed.
"""
from __future__ import annotations

import logging
import sys
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from cchc_desktop import ops
from cchc_desktop.errors import UserError

log = logging.getLogger(__name__)

NOT_REFRESHED = ("Đã lưu thay đổi, nhưng không làm mới được màn hình. Dữ liệu đã ghi vẫn đúng và có thể hoàn "
                 "tác (Ctrl+Z); hãy mở lại kế hoạch để xem đúng. Chi tiết lỗi đã được ghi vào nhật ký.")


class StoreEvents(QObject):
    """`changed(OpResult)`: once per committed operation, undo or redo (whatever its source)."""

    changed = Signal(object)
    selectRequested = Signal(str, str)   # entity, id: where the selection goes after a structural step

    def __init__(self, parent=None):
        super().__init__(parent)
        self.message: Callable[[str], None] | None = None   # shows refusals and "not refreshed"

    def publish(self, result: ops.OpResult) -> bool:
        """Emit `changed` once. Returns False (after logging each traceback) when a subscriber failed."""
        failures = []
        previous = sys.excepthook
        sys.excepthook = lambda kind, exc, tb: failures.append((kind, exc, tb))   # slots' exceptions land here
        try:
            self.changed.emit(result)
        finally:
            sys.excepthook = previous
        for failure in failures:
            log.error("Không làm mới được màn hình sau «%s» (đã lưu)", result.label, exc_info=failure)
        if failures:
            self.tell(NOT_REFRESHED)
        return not failures

    def tell(self, text: str) -> None:
        if self.message is not None:
            self.message(text)
        else:
            from . import messages
            messages.error(None, "", text)


def events_for(undo_stack, parent=None) -> StoreEvents:
    """The StoreEvents of an undo stack (one per stack, made on first use); without a stack a new one."""
    if undo_stack is None:
        return StoreEvents(parent)
    events = getattr(undo_stack, "_store_events", None)
    if events is None:
        events = StoreEvents(undo_stack)
        undo_stack._store_events = events
    return events


class OpCommand(QUndoCommand):
    """The only QUndoCommand: first redo runs `action()` (a core op returning an OpResult); undo is
    `ops.undo`, later redos `ops.redo`: each one transaction, logged, published once."""

    def __init__(self, store, events: StoreEvents, label: str, action: Callable[[], ops.OpResult],
                 select_after_do: tuple[str, str] | None = None, select_after_undo: tuple[str, str] | None = None,
                 message: Callable[[str], None] | None = None, undo_text: str | None = None):
        super().__init__(label)
        # what undoing this step does, when the bare label does not say enough: "menu line\nwhole sentence" (the
        # Edit menu's «Hoàn tác» shows the line, the status bar and the toolbar's tooltip the sentence: ui.actions)
        self.undo_text = undo_text
        self.message = message    # shows a refusal of the first run (the widget that asked); later: events
        self.store, self.events, self.action = store, events, action
        self.result: ops.OpResult | None = None   # the op now in effect (the first run or the last redo)
        self.undone: ops.OpResult | None = None
        self.error: str | None = None
        self.select_after_do, self.select_after_undo = select_after_do, select_after_undo

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None

    def _step(self, action) -> ops.OpResult | None:
        try:
            result = action()
        except UserError as exc:
            self.error = str(exc)
            self.setObsolete(True)
            if self.result is None and self.message is not None:
                self.message(self.error)       # the widget that asked shows the refusal
            else:
                self.events.tell(self.error)
            return None
        except BaseException:
            self.error = "lỗi chương trình"
            self.setObsolete(True)       # nothing was written (the transaction rolled back); a bug:
            raise                        # the crash handler logs it and says so
        self.error = None
        return result

    def redo(self):
        if self.result is None:
            result = self._step(self.action)
            if result is None:
                return
            if not result.changes:       # nothing changed: no undo step
                self.result = result
                self.setObsolete(True)
                return
        else:
            result = self._step(lambda: ops.redo(self.store, self.undone.op_id, self.text()))
            if result is None:
                return
            result.value = self.result.value      # (what the first run returned, e.g. a new row's id)
        self.result = result
        self.events.publish(result)
        target = self.select_after_do(result) if callable(self.select_after_do) else self.select_after_do
        if target:
            self.events.selectRequested.emit(*target)

    def undo(self):
        undone = self._step(lambda: ops.undo(self.store, self.result.op_id, self.text()))
        if undone is None:
            return
        self.undone = undone
        self.events.publish(undone)
        if self.select_after_undo:
            self.events.selectRequested.emit(*self.select_after_undo)


def perform(store, undo_stack, events: StoreEvents | None, label: str, action: Callable, /, *args,
            select_after_do=None, select_after_undo=None, message=None, undo_text=None, **kwargs) -> OpCommand:
    """Run `action(*args, **kwargs)` (a core op returning an OpResult, or any core write function, run as
    an op) as one undo step on `undo_stack` (without a stack: applied and published, not undoable).
    `undo_text`: the Edit menu's «Hoàn tác» text for this step when «Hoàn tác: <label>» does not say enough
    ("menu line\nwhole sentence for the status bar")."""
    events = events or events_for(undo_stack)

    def do() -> ops.OpResult:
        if getattr(action, "is_op", False):          # a core op function: runs its own operation
            result = action(*args, **kwargs)
            result.label = label
            return result
        result = ops.run(store, label, action, *args, **kwargs)   # an op called inside joins this one
        if isinstance(result.value, ops.OpResult):
            result.value = result.value.value
        return result
    command = OpCommand(store, events, label, do, select_after_do, select_after_undo, message, undo_text)
    if undo_stack is not None:
        undo_stack.push(command)
    else:
        command.redo()
    return command


def _window_of(widget):
    """The widget's window that holds the undo stack (a dialog opened from the main window: its parent chain)."""
    owner = widget
    while owner is not None and getattr(owner, "undo_stack", None) is None:
        owner = owner.parent()
    return owner


def stack_in(widget):
    """The undo stack of the window `widget` belongs to, or None."""
    return getattr(_window_of(widget), "undo_stack", None)


def events_in(widget) -> StoreEvents:
    """The change notification `perform_in(widget, …)` publishes on: the window's (one per undo stack), or,
    without a window stack, one kept by the widget's own window (so a lone dialog still hears its changes)."""
    owner = _window_of(widget)
    if owner is not None:
        return getattr(owner, "events", None) or events_for(owner.undo_stack)
    top = widget.window()
    events = getattr(top, "_store_events", None)
    if events is None:
        events = top._store_events = StoreEvents(top)
    return events


def perform_in(widget, label: str, action: Callable, /, *args, message=None, undo_text=None, **kwargs) -> OpCommand:
    """`perform` on the undo stack of the window that `widget` belongs to (a dialog opened from the main
    window: its parent chain), or without a stack when there is none."""
    owner = _window_of(widget)
    return perform(getattr(owner, "store", None) or widget.store, stack_in(widget), events_in(widget), label,
                   action, *args, message=message, undo_text=undo_text, **kwargs)
