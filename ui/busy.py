"""One place that tells the user a long job is running (old office PCs can take seconds).

    with busy(self, "Đang đọc tệp…") as job:              # wait cursor only, dialog after ~0.4 s of steps
        ...
    with busy(self, "Đang xuất tệp…", total=len(items)) as job:   # modal progress dialog at once
        for n, item in enumerate(items, 1):
            work(item)
            job.step(n, f"Đang xuất «{item}»…")
    export_workbooks(..., progress=job.progress)          # core callbacks: progress(done, total)

The wait cursor is always restored and the dialog always closed, also when the job raises. The dialog is
modal but only shown (never exec()), so it cannot block tests; it has no cancel button unless
``cancellable=True`` (then check ``job.cancelled``). Jobs run in the GUI thread, so the dialog appears
and repaints only at ``step()``/``progress()`` calls — or at once with ``show=True`` for a single long call.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

SHOW_AFTER = 0.4   # seconds: a job still running after this gets the progress dialog at its next step
TITLE = "Vui lòng chờ"
_active: list["BusyJob"] = []   # running jobs, innermost last (each holds one override cursor)


class _ProgressDialog(QProgressDialog):
    """A QProgressDialog the user cannot close unless the job can be cancelled."""

    def __init__(self, parent, cancellable: bool):
        super().__init__(parent)
        self.cancellable = cancellable

    def keyPressEvent(self, event) -> None:   # Esc would cancel (and hide) the dialog
        if event.key() == Qt.Key_Escape and not self.cancellable:
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        if not self.cancellable:
            event.ignore()
            return
        super().closeEvent(event)


class BusyJob:
    """Handle given by ``busy()``: ``step(n, text)``, ``progress(done, total)``, ``cancelled``."""

    def __init__(self, parent: QWidget | None, text: str, total: int | None = None, *,
                 cancellable: bool = False, show: bool = False):
        self.parent, self.text, self.total = parent, text, total
        self.cancellable = cancellable
        self.dialog: _ProgressDialog | None = None
        self.value = 0
        self.started = time.monotonic()
        if total is not None or show:
            self._show()

    # -- dialog -------------------------------------------------------------------------------------
    def _show(self) -> None:
        if self.dialog is not None:
            return
        dialog = _ProgressDialog(self.parent, self.cancellable)
        dialog.setWindowTitle(TITLE)
        dialog.setWindowFlag(Qt.WindowCloseButtonHint, self.cancellable)
        dialog.setWindowFlag(Qt.WindowContextHelpButtonHint, False)
        dialog.setWindowModality(Qt.WindowModal if self.parent is not None else Qt.ApplicationModal)
        dialog.setLabelText(self.text)
        if not self.cancellable:
            dialog.setCancelButton(None)
        else:
            dialog.setCancelButtonText("Hủy")
        dialog.setAutoReset(False)    # reaching the total must not reset the bar or hide the dialog
        dialog.setAutoClose(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(380)
        self.dialog = dialog
        self._set_range()
        if self.total is not None:
            dialog.setValue(min(self.value, dialog.maximum()))
        dialog.show()
        self._pump()

    def _set_range(self) -> None:
        if self.dialog is not None:   # unknown total: a "busy" bar (range 0..0)
            self.dialog.setRange(0, max(self.total, 1) if self.total is not None else 0)

    def _pump(self) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            QApplication.processEvents()   # the modal dialog keeps clicks away from the other windows
        else:
            QApplication.processEvents(QEventLoop.ExcludeUserInputEvents)

    # -- API ------------------------------------------------------------------------------------------
    def step(self, n: int | None = None, text: str | None = None) -> None:
        """Progress is now `n` (of `total`; None: one more); optionally a new label. Repaints."""
        self.value = self.value + 1 if n is None else n
        if text is not None:
            self.text = text
        if self.dialog is None and time.monotonic() - self.started >= SHOW_AFTER:
            self._show()
        if self.dialog is not None:
            if text is not None:
                self.dialog.setLabelText(text)
            if self.total is not None:
                self.dialog.setValue(min(self.value, self.dialog.maximum()))
        self._pump()

    def progress(self, done: int, total: int, text: str | None = None) -> None:
        """Callback in the core's style (``progress(done, total)``), optionally with a new label."""
        if total != self.total:
            self.total = total
            self._set_range()
        self.step(done, text)

    def set_total(self, total: int | None) -> None:
        self.total = total
        self._set_range()

    @property
    def cancelled(self) -> bool:
        return bool(self.cancellable and self.dialog is not None and self.dialog.wasCanceled())

    def close(self) -> None:
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.cancellable = True   # let it close
            dialog.hide()
            dialog.deleteLater()


@contextmanager
def busy(parent: QWidget | None, text: str, total: int | None = None, *, cancellable: bool = False,
         show: bool = False):
    """Wait cursor for the whole block; a modal progress dialog when `total` is given, `show` is set, or
    the job is still stepping after ~0.4 s. Both are undone on exit, exceptions included."""
    QGuiApplication.setOverrideCursor(Qt.WaitCursor)
    job = None
    try:
        job = BusyJob(parent, text, total, cancellable=cancellable, show=show)
        _active.append(job)
        if job.dialog is None:
            QApplication.processEvents(QEventLoop.ExcludeUserInputEvents)   # let the cursor change show
        yield job
    finally:
        try:
            if job is not None:
                if job in _active:
                    _active.remove(job)
                job.close()
        finally:
            QGuiApplication.restoreOverrideCursor()


@contextmanager
def paused():
    """Around a message box shown in the middle of a job (e.g. an error reported by an undo command):
    normal cursor and progress dialogs hidden, both back afterwards. Does nothing when no job runs."""
    jobs = list(_active)
    hidden = [job.dialog for job in jobs if job.dialog is not None and job.dialog.isVisible()]
    for _ in jobs:
        QGuiApplication.restoreOverrideCursor()
    for dialog in hidden:
        dialog.hide()
    try:
        yield
    finally:
        for _ in jobs:
            QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        for dialog in hidden:
            dialog.show()


__all__ = ["BusyJob", "busy", "paused", "SHOW_AFTER"]
