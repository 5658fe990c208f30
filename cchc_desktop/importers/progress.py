"""Progress of a long read (a 5,000-row appendix): the readers count rows and call back now and then.

    read_appendix(path, progress=callback)      # callback(done, total): rows read so far, total or None

The callback is called at the start (0, total), at most once every `REPORT_EVERY` rows while reading (counts
never go back), and once at the end with done == total. It may return False (or raise ImportCancelled) to stop
the read: the reader then raises `ImportCancelled`. Qt-free; the GUI shows the counts in its busy dialog.
"""
from __future__ import annotations

from typing import Callable

from .model import ImportCancelled

REPORT_EVERY = 200          # rows between two calls: a 5,000-row file makes ~25 calls, nothing measurable

ProgressCallback = Callable[[int, "int | None"], object]


class RowProgress:
    """Rows read across the parts of one file (sheets, tables): `add_total`, then `at(row)` per row of the part
    being read (cheap: one comparison until the next report is due), `next_part()` between parts, `finish()`."""

    __slots__ = ("callback", "file", "total", "base", "done", "due", "_started")

    def __init__(self, callback: ProgressCallback, *, file: str = ""):
        self.callback, self.file = callback, file
        self.total: int | None = 0
        self.base = 0            # rows of the parts already read
        self.done = 0            # the last count reported
        self.due = REPORT_EVERY  # the part's row at which the next report is due
        self._started = False

    def add_total(self, rows: int | None) -> None:
        """One more part of `rows` rows (None: unknown, so the file's total is unknown)."""
        self.total = None if rows is None or self.total is None else self.total + rows

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._report(0)

    def at(self, row: int) -> None:
        """The reader has reached row `row` (1-based) of the current part."""
        if row >= self.due:
            self._report(self.base + row)
            self.due = row + REPORT_EVERY

    def next_part(self, rows: int) -> None:
        """The current part had `rows` rows; counting goes on after them."""
        self.base += rows
        self.due = REPORT_EVERY

    def finish(self) -> None:
        end = max(self.done, self.base, self.total or 0)
        self.total = end
        self._report(end)

    def _report(self, done: int) -> None:
        done = max(done, self.done)
        self.done = done
        total = self.total
        if total is not None and total < done:      # a part longer than announced: the total grows
            total = self.total = done
        if self.callback(done, total) is False:
            raise ImportCancelled(file=self.file)


def row_progress(callback: ProgressCallback | None, *, file: str = "") -> RowProgress | None:
    return RowProgress(callback, file=file) if callback is not None else None


__all__ = ["REPORT_EVERY", "RowProgress", "row_progress", "ImportCancelled"]
