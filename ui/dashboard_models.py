"""Read-only Qt table models over the dashboard's summary (issue 18).

One model class serves every dashboard list: it holds the summary's own objects (no per-cell
QTableWidgetItem) and turns a row into its cells only when the view asks for it, so a 5,000-product
plan costs one model reset, not 40,000 item allocations. Long lists keep a fixed row height (two text
lines, the full text in the tooltip); short ones wrap to their contents.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

KEY_ROLE = int(Qt.ItemDataRole.UserRole)   # (task_id, product_id) of the row, or None
WRAP_ROWS_UP_TO = 200           # lists longer than this keep a fixed row height instead of measuring every row

# Roles as plain ints: looking up `Qt.DisplayRole` costs ~14 µs in PySide6, more than the rest of data().
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
_FLAGS = Qt.ItemIsEnabled | Qt.ItemIsSelectable


class SummaryTableModel(QAbstractTableModel):
    """Rows are arbitrary objects; `cells(obj)` gives the displayed values (computed on demand, cached),
    `key(obj)` the (task_id, product_id) for jumping to the task, `tooltip(obj)` the tooltip,
    `bold(obj)` whether the row is a total row."""

    def __init__(self, headers: Sequence[str], cells: Callable[[object], Sequence[object]], *,
                 right: Sequence[int] = (), key: Callable[[object], object] | None = None,
                 tooltip: Callable[[object], str] | None = None, bold: Callable[[object], bool] | None = None,
                 parent=None):
        super().__init__(parent)
        self._headers = list(headers)
        self._cells = cells
        self._right = frozenset(right)
        self._key = key
        self._tooltip = tooltip
        self._bold = bold
        self._rows: list = []
        self._cache: list = []
        self._bold_font: QFont | None = None

    # -- content -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[object]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._cache = [None] * len(self._rows)
        self.endResetModel()

    def row_object(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_key(self, row: int):
        obj = self.row_object(row)
        return self._key(obj) if (obj is not None and self._key is not None) else None

    def text(self, row: int, column: int) -> str:
        """The displayed text of a cell ("" outside the table)."""
        value = self.data(self.index(row, column))
        return "" if value is None else value

    def _row_cells(self, row: int):
        cells = self._cache[row]
        if cells is None:
            cells = tuple("" if v is None else str(v) for v in self._cells(self._rows[row]))
            self._cache[row] = cells
        return cells

    # -- QAbstractTableModel -------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return _FLAGS

    def headerData(self, section: int, orientation, role=_DISPLAY):
        if role == _DISPLAY and orientation == Qt.Horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index, role=_DISPLAY):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._headers)):
            return None
        if role == _DISPLAY:
            cells = self._row_cells(row)
            return cells[column] if column < len(cells) else ""
        if role == _ALIGN:
            return _RIGHT if column in self._right else None
        if role == _TOOLTIP:
            if self._tooltip is not None:
                return self._tooltip(self._rows[row])
            cells = self._row_cells(row)
            return cells[column] if column < len(cells) and cells[column] else None
        if role == _FONT:
            if self._bold is not None and self._bold(self._rows[row]):
                if self._bold_font is None:
                    self._bold_font = QFont()
                    self._bold_font.setBold(True)
                return self._bold_font
            return None
        if role == KEY_ROLE:
            return self.row_key(row)
        return None


class SummaryTable(QTableView):
    """Fits its columns and rows (see `fit_rows`) when shown and after changes while shown, never while
    hidden behind another dashboard tab."""

    def __init__(self):
        super().__init__()
        self.fit_timer = QTimer(self)
        self.fit_timer.setSingleShot(True)
        self.fit_timer.setInterval(0)
        self.fit_timer.timeout.connect(self._fit)
        self._fit_pending = True
        self.measured_rows = False      # small tables: rows measured at the painted width (wrapped_rows)
        self.empty_label = None         # the text shown over the table while it has no rows

    def set_empty_text(self, text: str) -> None:
        """Show ``text`` in the table while it has no rows (as the report prints its «empty_text»)."""
        from PySide6.QtWidgets import QLabel
        if self.empty_label is None:
            self.empty_label = QLabel(self.viewport())
            self.empty_label.setAlignment(Qt.AlignCenter)
            self.empty_label.setWordWrap(True)
            self.empty_label.setStyleSheet("color: palette(mid); font-style: italic;")
            for signal in (self.model().modelReset, self.model().rowsInserted, self.model().rowsRemoved):
                signal.connect(self._update_empty)
        self.empty_label.setText(text)
        self._update_empty()

    def _update_empty(self, *_args) -> None:
        if self.empty_label is not None:
            self.empty_label.setGeometry(self.viewport().rect().adjusted(8, 8, -8, -8))
            self.empty_label.setVisible(self.model().rowCount() == 0 and bool(self.empty_label.text()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_empty()

    def request_fit(self) -> None:
        self._fit_pending = True
        if self.isVisible():
            self.fit_timer.start()

    def _fit(self) -> None:
        if self.isVisible() and self._fit_pending:
            self._fit_pending = False
            fit_rows(self)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_pending:
            self.fit_timer.start()


def summary_table(model: SummaryTableModel, stretch: int = 1) -> SummaryTable:
    """A read-only, row-selecting view over `model`; the first `stretch` columns share the spare width."""
    table = SummaryTable()
    table.setModel(model)
    model.setParent(table)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.Interactive)
    for column in range(stretch):
        header.setSectionResizeMode(column, QHeaderView.Stretch)
    lines = table.fontMetrics().lineSpacing()
    table.verticalHeader().setDefaultSectionSize(2 * lines + 8)   # two wrapped lines
    header.sectionResized.connect(lambda *_: table.request_fit())   # re-wrap once column widths settle
    model.modelReset.connect(table.request_fit)
    return table


def fit_rows(table: QTableView) -> None:
    """Fit the numeric columns to their contents and wrap the rows — for short lists only; long lists
    keep the fixed two-line height (measuring thousands of wrapped rows is what made the old dashboard slow)."""
    model = table.model()
    rows = model.rowCount()
    header = table.horizontalHeader()
    # a text column takes at most a fair share of the width, so the stretched first column (the product or the
    # section) keeps the most room (issue #20: «Sản phẩm» was squeezed by long deadlines and agency names)
    # (when every column fits in that budget at its natural width, none is squeezed: e.g. the many short year
    # columns of «Tiến độ giai đoạn» keep their whole header)
    budget = int(table.viewport().width() * 0.8)
    share = max(80, int(budget / max(1, model.columnCount() - 1)))
    wanted, heads = {}, {}
    for column in range(model.columnCount()):
        if header.sectionResizeMode(column) != QHeaderView.Stretch:
            width = header.sectionSizeFromContents(column).width()
            heads[column] = min(width + 8, 320)
            # the widest of the header and of the first rows (enough for counts, dates and short names)
            for row in range(min(rows, 20)):
                width = max(width, table.sizeHintForIndex(model.index(row, column)).width())
            wanted[column] = min(width + 8, 320)
    fits = sum(wanted.values()) <= budget
    # squeezed, a column still keeps its whole header («Theo phát sinh» was cut to «heo phát sin»)
    for column, width in wanted.items():
        header.resizeSection(column, width if fits else min(width, max(share, heads[column])))
    if rows <= WRAP_ROWS_UP_TO:
        if getattr(table, "measured_rows", False):
            from .wrapped_rows import fit_table_rows
            fit_table_rows(table)
        else:
            table.resizeRowsToContents()


def activated_key(index) -> object:
    """The (task_id, product_id) behind a clicked cell, or None."""
    if isinstance(index, QPersistentModelIndex):
        index = QModelIndex(index)
    return index.data(KEY_ROLE) if index.isValid() else None
