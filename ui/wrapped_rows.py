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
        style = self.view.style()
        margin = style.pixelMetric(QStyle.PM_FocusFrameHMargin, None, self.view) + 1
        width = self.view.header().sectionSize(index.column()) - 2 * margin
        if width <= 20:
            return size
        metrics = option.fontMetrics
        bound = metrics.lineSpacing() * self.max_lines
        rect = metrics.boundingRect(QRect(0, 0, width, bound), int(Qt.TextWordWrap | Qt.AlignLeft), str(text))
        return QSize(size.width(), max(size.height(), min(rect.height(), bound) + 2 * margin))


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
