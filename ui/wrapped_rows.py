"""Rows that grow to show wrapped text in a tree/list view (import previews): the delegate measures the text at the
column's current width, so a long «Giá trị mới» or «Ghi chú» is read in full instead of being cut with «…».

The view asks only for the rows it lays out (scroll per item), so a preview of thousands of rows is not measured
all at once (unlike ``resizeRowsToContents``).
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QTreeView


class WrappedTextDelegate(QStyledItemDelegate):
    """Height hint from the text wrapped at the column width (for the given columns of ``view``)."""

    def __init__(self, view: QTreeView, columns: tuple[int, ...], max_lines: int = 12):
        super().__init__(view)
        self.view, self.columns, self.max_lines = view, set(columns), max_lines

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        text = index.data(Qt.DisplayRole)
        if index.column() not in self.columns or not text:
            return size
        margin = text_margin(self.view)
        width = self.view.header().sectionSize(index.column()) - 2 * margin
        if width <= 20:
            return size
        height = wrapped_height(option.fontMetrics, str(text), width, self.max_lines)
        return QSize(size.width(), max(size.height(), height + 2 * margin))


def text_margin(view) -> int:
    """The horizontal margin the style leaves on each side of a cell's text."""
    return view.style().pixelMetric(QStyle.PM_FocusFrameHMargin, None, view) + 1


def wrapped_height(metrics, text: str, width: int, max_lines: int | None = None) -> int:
    """Height of ``text`` word-wrapped at ``width`` pixels (at most ``max_lines`` lines)."""
    bound = metrics.lineSpacing() * (max_lines or 1000)
    rect = metrics.boundingRect(QRect(0, 0, max(width, 1), bound), int(Qt.TextWordWrap | Qt.AlignLeft), text)
    return min(rect.height(), bound)


def fit_table_rows(table, padding: int = 6) -> None:
    """Each row of a SMALL table as high as its tallest wrapped cell, measured at the width the cell is painted
    at (column width less the grid line and the text margins; ``resizeRowsToContents`` measures at the full
    column width, so a text that just fits there wraps once more when painted and its last line is cut)."""
    model = table.model()
    metrics = table.fontMetrics()
    margin = 2 * text_margin(table) + (1 if table.showGrid() else 0)
    for row in range(model.rowCount()):
        height = metrics.lineSpacing()
        for column in range(model.columnCount()):
            if table.isColumnHidden(column):
                continue
            text = model.index(row, column).data(Qt.DisplayRole)
            if text not in (None, ""):
                height = max(height, wrapped_height(metrics, str(text), table.columnWidth(column) - margin))
        table.setRowHeight(row, height + padding)


def wrap_rows(view: QTreeView, columns: tuple[int, ...]) -> WrappedTextDelegate:
    """Let ``view``'s rows grow to the wrapped text of ``columns``; re-measured when a column is resized."""
    view.setWordWrap(True)
    view.setUniformRowHeights(False)
    delegate = WrappedTextDelegate(view, columns)
    for column in columns:
        view.setItemDelegateForColumn(column, delegate)
    view.header().sectionResized.connect(lambda column, _old, _new: view.doItemsLayout() if column in
                                         delegate.columns else None)
    return delegate
