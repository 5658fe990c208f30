"""The appendix table view: spans like the printed appendix, lazily fitted row heights, drag and drop.

Row heights are computed only for the rows on screen (and cached until the data or a column
width changes), so a 5,000-task plan loads and scrolls without measuring every cell up front.
Spans likewise: after a reset (a load, a filter) the rows around the screen get theirs at once, on every
scroll too, and the rest in idle-time chunks, so a filter over 20,000 tasks does not wait for ~30,000
`setSpan` calls before the table repaints.
"""
from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from .appendix_model import (COL_CONTENT, COL_DEADLINE, COL_DUE, COL_LEAD, COL_COORD, COL_PRODUCT,
                             COL_STATUS, COL_STT, COLUMN_COUNT, KIND_SECTION)

DEFAULT_WIDTHS = {COL_STT: 44, COL_CONTENT: 250, COL_PRODUCT: 250, COL_LEAD: 130, COL_COORD: 130,
                  COL_DEADLINE: 125, COL_DUE: 100, COL_STATUS: 95}
CELL_PADDING_X = 10   # left+right text margins of QStyledItemDelegate plus grid
CELL_PADDING_Y = 8
_WRAP_LEFT = int(Qt.TextWordWrap | Qt.AlignLeft)
SPAN_MARGIN_ROWS = 200     # rows above and below the screen spanned at once (keyboard moves stay inside spans)
SPAN_CHUNK = 4000          # spans set per idle-time step


def empty_hint(model) -> str:
    """What an empty table tells the user to do next ("" while it shows tasks): no plan yet, a plan without
    tasks, or a filter that leaves nothing."""
    if getattr(model, "plan", None) is None:
        return ("Chưa có kế hoạch nào.\nTạo kế hoạch mới (Ctrl+N) hoặc nhập phụ lục kế hoạch từ tệp Excel, "
                "Word (Ctrl+I).")
    if model.visible_task_count():
        return ""
    if model.task_count() == 0:
        return ("Kế hoạch chưa có nhiệm vụ nào.\nNhập phụ lục từ tệp Excel, Word (Ctrl+I), dán các dòng chép từ "
                "Excel (Ctrl+Shift+V) hoặc thêm nhiệm vụ (Ctrl+Enter).")
    if not model.filter_spec.is_empty():
        return "Không có nhiệm vụ nào khớp điều kiện lọc.\nSửa điều kiện hoặc bấm «Bỏ lọc» (Ctrl+Shift+F)."
    return ""


class AppendixView(QTableView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.ElideNone)
        self.setAlternatingRowColors(False)
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed)
        self.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDrop)
        self.setDefaultDropAction(Qt.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setCornerButtonEnabled(False)
        self.setStyleSheet("QTableView { gridline-color: #9aa3ad; }"
                           "QHeaderView::section { background: #f1f3f6; border: 1px solid #9aa3ad;"
                           " padding: 4px; }")
        vheader = self.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.Interactive)
        vheader.setMinimumSectionSize(8)
        hheader = self.horizontalHeader()
        hheader.setDefaultAlignment(Qt.AlignCenter | Qt.TextWordWrap)
        hheader.setHighlightSections(False)
        hheader.setStretchLastSection(True)
        hheader.setMinimumSectionSize(36)
        hheader.setFixedHeight(2 * self.fontMetrics().lineSpacing() + 12)
        hheader.sectionResized.connect(self._column_resized)
        # Columns follow the table's width (e.g. when the splitter moves) until the user drags a
        # column border or remembered widths are restored.
        self.auto_fit_columns = True
        self._fitting_columns = False
        self._columns_timer = QTimer(self)
        self._columns_timer.setSingleShot(True)
        self._columns_timer.setInterval(0)
        self._columns_timer.timeout.connect(self._auto_fit)
        self._fitted: set[int] = set()
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_visible_rows)
        self.verticalScrollBar().valueChanged.connect(self._schedule_fit)
        self.verticalScrollBar().valueChanged.connect(self._span_window)
        self._span_rows: list[int] = []              # the model's spanned rows, in order
        self._span_lengths: list[int] = []           # their group lengths (0 = across the table)
        self._span_next = 0                          # spans before this index are set (idle-time progress)
        self._span_timer = QTimer(self)
        self._span_timer.setSingleShot(True)
        self._span_timer.timeout.connect(self._span_some)
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._metrics = self.fontMetrics()
        self._heights: dict[tuple, int] = {}

    def paintEvent(self, event):
        super().paintEvent(event)
        model = self.model()
        hint = empty_hint(model) if model is not None else ""
        if hint:   # below the rows shown (a section row stays visible above it)
            top = self.verticalHeader().length() - self.verticalOffset() + 24
            area = self.viewport().rect().adjusted(24, max(top, 24), -24, -24)
            painter = QPainter(self.viewport())
            painter.setPen(QColor("#555d66"))
            painter.drawText(area, int(Qt.AlignHCenter | Qt.AlignTop | Qt.TextWordWrap), hint)
            painter.end()

    # -- model hookup ------------------------------------------------------------------------------
    def setModel(self, model):
        super().setModel(model)
        model.modelReset.connect(self._after_reset)
        model.dataChanged.connect(self._data_changed)
        for col, width in DEFAULT_WIDTHS.items():
            self.setColumnWidth(col, width)
        self._after_reset()

    def fit_columns(self, width: int | None = None) -> None:
        """Share `width` (default: the viewport) between the columns: fixed widths for the short
        columns, the rest split between "Nội dung/Nhiệm vụ" and "Hoạt động/Sản phẩm"."""
        width = width or self.viewport().width()
        fixed = {COL_STT: 40, COL_LEAD: 108, COL_COORD: 108, COL_DEADLINE: 108, COL_DUE: 96,
                 COL_STATUS: 100}
        if width > 1300:
            fixed = {c: int(w * 1.2) for c, w in fixed.items()}
        elif width - sum(fixed.values()) < 0.42 * width:
            # narrow (e.g. 1366 px screen with both side panes): the two text columns keep at
            # least 42% of the width, the short ones shrink (word wrap makes them taller)
            factor = 0.58 * width / sum(fixed.values())
            fixed = {c: max(36 if c == COL_STT else 80, int(w * factor)) for c, w in fixed.items()}
        rest = max(300, width - sum(fixed.values()) - 2)
        widths = dict(fixed)
        widths[COL_CONTENT] = rest * 47 // 100
        widths[COL_PRODUCT] = rest - widths[COL_CONTENT]
        self._fitting_columns = True
        try:
            for col, w in widths.items():
                if self.columnWidth(col) != w:
                    self.setColumnWidth(col, w)
        finally:
            self._fitting_columns = False

    def _auto_fit(self) -> None:
        if self.auto_fit_columns and self.viewport().width() > 100:
            self.fit_columns()

    def _after_reset(self):
        self.apply_spans()
        self._fitted.clear()
        self.scrollToTop()   # the old scroll offset may be past the new rows (filter, other plan)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + CELL_PADDING_Y)
        self.fit_visible_rows()

    def apply_spans(self):
        """Section rows across the table; STT and content merged down over their product rows: the rows around
        the screen now, the others in idle time (`ensure_spans` sets them all at once)."""
        self.clearSpans()
        model = self.model()
        # precomputed by the core with the rows: the spanned rows and their lengths
        self._span_rows, self._span_lengths = model.spans() if model is not None else ([], [])
        self._span_next = 0
        self._span_window()
        if self._span_rows:
            self._span_timer.start(40)          # let the table paint first

    def _set_spans(self, first: int, last: int) -> None:
        """The spans of the spanned rows number first..last-1."""
        set_span = self.setSpan
        for number, length in zip(self._span_rows[first:last], self._span_lengths[first:last]):
            if length == 0:
                set_span(number, 0, 1, COLUMN_COUNT)
            else:
                set_span(number, COL_STT, length, 1)
                set_span(number, COL_CONTENT, length, 1)

    def _span_window(self, *_args) -> None:
        """Spans of the rows on screen and SPAN_MARGIN_ROWS either side (setting a span twice changes nothing)."""
        if self._span_next >= len(self._span_rows):
            return
        top = self.rowAt(0)
        top = 0 if top < 0 else top
        bottom = self.rowAt(self.viewport().height() - 1)
        bottom = top + 100 if bottom < 0 else bottom
        first = bisect_left(self._span_rows, top - SPAN_MARGIN_ROWS)
        last = bisect_left(self._span_rows, bottom + SPAN_MARGIN_ROWS)
        self._set_spans(max(first, self._span_next), last)

    def _span_some(self) -> None:
        start = self._span_next
        self._span_next = min(len(self._span_rows), start + SPAN_CHUNK)
        self._set_spans(start, self._span_next)
        if self._span_next < len(self._span_rows):
            self._span_timer.start(0)

    def ensure_spans(self) -> None:
        """Every span now (before grabbing or printing the whole table; tests)."""
        self._span_timer.stop()
        self._set_spans(self._span_next, len(self._span_rows))
        self._span_next = len(self._span_rows)

    def _data_changed(self, top_left, bottom_right, roles=()):
        for row in range(top_left.row(), bottom_right.row() + 1):
            self._fitted.discard(self._group_start(row))
        self._schedule_fit()

    def _column_resized(self, *_args):
        from PySide6.QtWidgets import QApplication
        if not self._fitting_columns and QApplication.mouseButtons() & Qt.LeftButton:
            self.auto_fit_columns = False      # the user sized a column: keep their widths
        self._fitted.clear()
        self._schedule_fit()

    def _schedule_fit(self, *_args):
        self._fit_timer.start()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self.auto_fit_columns and event.size().width() != event.oldSize().width():
            self._columns_timer.start()
        self._schedule_fit()

    def showEvent(self, event):
        super().showEvent(event)
        self._schedule_fit()

    # -- row heights -----------------------------------------------------------------------------
    def _group_start(self, row: int) -> int:
        model = self.model()
        while row > 0:
            info = model.row_info(row)
            if info is None or info.kind == KIND_SECTION or info.first:
                break
            row -= 1
        return row

    def _text_height(self, metrics: QFontMetrics, text, width: int) -> int:
        """Wrapped height of `text` in a column `width` wide; cached per (text, width, font): agency
        names, deadlines and status labels repeat a lot."""
        if not text:
            return 0
        key = (text, width, metrics is self._metrics)
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 50000:
                self._heights.clear()
            height = metrics.boundingRect(QRect(0, 0, max(10, width - CELL_PADDING_X), 100000),
                                          _WRAP_LEFT, str(text)).height()
            self._heights[key] = height
        return height

    def fit_group(self, start: int) -> None:
        model = self.model()
        info = model.row_info(start)
        if info is None:
            return
        metrics = self._metrics = self.fontMetrics()
        base = metrics.lineSpacing() + CELL_PADDING_Y
        if info.kind == KIND_SECTION:
            width = sum(self.columnWidth(c) for c in range(COLUMN_COUNT))
            bold = QFontMetrics(self._bold)
            text = model.data(model.index(start, 0))
            self.setRowHeight(start, max(base + 4, self._text_height(bold, text, width) + CELL_PADDING_Y + 4))
            self._fitted.add(start)
            return
        length = max(1, info.group_len)
        display = model.display_text      # no QModelIndex per cell
        heights = []
        for row in range(start, start + length):
            tallest = 0
            for col in range(COL_PRODUCT, COLUMN_COUNT):
                if self.isColumnHidden(col):
                    continue
                text = display(row, col)
                tallest = max(tallest, self._text_height(metrics, text, self.columnWidth(col)))
            heights.append(max(base, tallest + CELL_PADDING_Y))
        task_height = 0
        for col in (COL_STT, COL_CONTENT):
            if not self.isColumnHidden(col):
                text = display(start, col)
                task_height = max(task_height, self._text_height(metrics, text, self.columnWidth(col)))
        task_height += CELL_PADDING_Y
        if task_height > sum(heights):
            heights[-1] += task_height - sum(heights)
        for offset, height in enumerate(heights):
            if self.rowHeight(start + offset) != height:
                self.setRowHeight(start + offset, height)
        self._fitted.add(start)

    def fit_visible_rows(self) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        viewport_height = self.viewport().height()
        row = self.rowAt(0)
        if row < 0:
            row = 0
        row = self._group_start(row)
        count = model.rowCount()
        budget = 400          # groups per call: a bound even if positions are momentarily stale
        while row < count and budget > 0:
            position = self.rowViewportPosition(row)
            if position > viewport_height:
                break
            info = model.row_info(row)
            step = max(1, info.group_len if info.kind != KIND_SECTION else 1)
            if row not in self._fitted and position + self.rowHeight(row) * step >= 0:
                self.fit_group(row)
                budget -= 1
            row += step
        self._span_window()      # new heights may have brought more rows on screen

    def fit_all_rows(self) -> None:
        """Measure every row (used before printing/exporting a screenshot of everything)."""
        self.ensure_spans()
        model = self.model()
        row = 0
        while row < model.rowCount():
            info = model.row_info(row)
            self.fit_group(row)
            row += max(1, info.group_len if info.kind != KIND_SECTION else 1)

    # -- helpers for the window -------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        rows = {index.row() for index in self.selectionModel().selectedIndexes()}
        current = self.currentIndex()
        if not rows and current.isValid():
            rows.add(current.row())
        # a selected spanned cell covers its whole group
        model = self.model()
        for row in list(rows):
            info = model.row_info(row)
            if info is not None and info.kind != KIND_SECTION and info.first and info.group_len > 1:
                rows.update(range(row, row + info.group_len))
        return sorted(rows)

    def select_entity(self, entity: str, row_id: str) -> None:
        model = self.model()
        row = model.find_row(entity, row_id)
        if row < 0:
            return
        info = model.row_info(row)
        col = COL_STT if info.kind == KIND_SECTION else (COL_CONTENT if entity == "task" else COL_PRODUCT)
        index = model.index(row, col)
        self.setCurrentIndex(index)
        if info.kind == KIND_SECTION:
            # a section heading goes to the top of the table. Rows get their heights lazily, when they come
            # into view, and that moves what lies below them: fit what is in view and place the heading again
            # until nothing changes (near the end of the table the rows above the heading are in view too)
            for _ in range(8):
                self.updateGeometries()          # the scroll range follows new row heights only later
                self.scrollTo(index, QAbstractItemView.PositionAtTop)
                before = len(self._fitted)
                self.fit_visible_rows()
                if len(self._fitted) == before:
                    break
            self.updateGeometries()
            self.scrollTo(index, QAbstractItemView.PositionAtTop)
        else:
            self.scrollTo(index, QAbstractItemView.EnsureVisible)
        self._schedule_fit()
