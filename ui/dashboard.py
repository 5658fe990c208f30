"""Dashboard tab: where the plan stands at a reference date in a reporting period.

Reads everything through `cchc_desktop.tracking.plan_summary` (the same API the reports use). The summary
is computed when the dashboard is visible (or when `summary` is read), never for a hidden tab: `refresh()`
on a hidden dashboard only marks it stale (issue 18). Its lists are Qt models over the summary
(`ui.dashboard_models`).
Charts are drawn with QPainter using grey levels *and* hatch patterns plus numeric labels, so they
stay readable printed in black and white.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QSpinBox, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from .date_edit import DateEdit
from cchc_desktop.dates import format_date
from cchc_desktop.domain import stt_mark
from cchc_desktop.numbers import percent
from cchc_desktop.planlife import fiveyear
from cchc_desktop.tracking import display
from cchc_desktop.tracking import (STATE_LABELS, Summary, default_period, get_settings, make_period, next_report,
                                   plan_periods, plan_summary, target_results)
from cchc_desktop.tracking.timeliness import (DONE, DONE_LATE, EVENT_DRIVEN, IN_PROGRESS, NO_DEADLINE,
                                              NOT_DONE, NOT_STARTED, OVERDUE)

from .dashboard_models import SummaryTableModel, activated_key, summary_table
from .targets_dialog import TargetsEditor

# Drawing order of the states in the stacked bars, and their fill: (background, pattern colour, pattern).
STATE_ORDER = (DONE, DONE_LATE, IN_PROGRESS, NOT_STARTED, OVERDUE, NOT_DONE, EVENT_DRIVEN, NO_DEADLINE)
STATE_STYLE = {
    DONE: ("#3b3b3b", None, Qt.SolidPattern),                   # dark solid
    DONE_LATE: ("#8a8a8a", "#202020", Qt.BDiagPattern),          # mid grey, diagonal hatch
    IN_PROGRESS: ("#bdbdbd", None, Qt.SolidPattern),             # light solid
    NOT_STARTED: ("#ffffff", "#606060", Qt.Dense6Pattern),        # white, dotted
    OVERDUE: ("#ffffff", "#000000", Qt.DiagCrossPattern),         # white, black cross-hatch
    NOT_DONE: ("#ffffff", "#000000", Qt.HorPattern),             # white, horizontal lines
    EVENT_DRIVEN: ("#e6e6e6", "#505050", Qt.VerPattern),          # pale, vertical lines
    NO_DEADLINE: ("#f5f5f5", "#909090", Qt.FDiagPattern),         # very pale, fine diagonal
}
_COUNT_ATTR = {EVENT_DRIVEN: "event", NO_DEADLINE: "no_deadline"}


def state_count(counts, state: str) -> int:
    return getattr(counts, _COUNT_ATTR.get(state, state))


def paint_swatch(painter: QPainter, rect: QRectF, state: str) -> None:
    background, pattern_colour, pattern = STATE_STYLE[state]
    painter.fillRect(rect, QColor(background))
    if pattern_colour:
        painter.fillRect(rect, QBrush(QColor(pattern_colour), pattern))
    painter.setPen(QPen(QColor("#000000"), 0.8))
    painter.drawRect(rect)


def _pct(part: int, total: int) -> str:
    """The share written like the reports ("4,3%": `cchc_desktop.numbers.percent`, one decimal)."""
    return percent(part / total) if total else "—"


class _ChartBase(QWidget):
    """Common: title, legend and a white background (prints like on paper)."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = title
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumHeight(220)

    def _draw_frame(self, p: QPainter) -> QRectF:
        p.fillRect(self.rect(), QColor("#ffffff"))
        p.setPen(QColor("#000000"))
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(8, 4, self.width() - 16, 22), Qt.AlignLeft | Qt.AlignVCenter, self.title)
        p.setFont(self.font())
        return QRectF(8, 30, self.width() - 16, self.height() - 34)

    def _draw_legend(self, p: QPainter, area: QRectF, states, top: float | None = None) -> float:
        """Legend wrapped at the bottom of `area` (or at `top`); returns its height."""
        fm = p.fontMetrics()
        x, y, row_h = area.left(), 0.0, fm.height() + 6
        lines = [[]]
        width = 0.0
        for state in states:
            w = 18 + fm.horizontalAdvance(STATE_LABELS[state]) + 16
            if width + w > area.width() and lines[-1]:
                lines.append([])
                width = 0.0
            lines[-1].append((state, w))
            width += w
        if top is None:
            top = area.bottom() - row_h * len(lines)
        for i, line in enumerate(lines):
            x = area.left()
            y = top + i * row_h
            for state, w in line:
                paint_swatch(p, QRectF(x, y + 3, 14, fm.height() - 2), state)
                p.setPen(QColor("#000000"))
                p.drawText(QRectF(x + 18, y, w - 18, row_h), Qt.AlignLeft | Qt.AlignVCenter, STATE_LABELS[state])
                x += w
        return row_h * len(lines) + 4


class StackedBarChart(_ChartBase):
    """One horizontal 100% bar per group (section), segments per state, labelled with counts."""

    def __init__(self, title: str, parent=None):
        super().__init__(title, parent)
        self.rows: list[tuple[str, object]] = []

    def set_rows(self, rows: list[tuple[str, object]]) -> None:
        self.rows = rows
        self.setMinimumHeight(90 + 34 * max(1, len(rows)))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(560, 90 + 34 * max(1, len(self.rows)))

    def paintEvent(self, _event):
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing, False)
        area = self._draw_frame(p)
        used = [s for s in STATE_ORDER if any(state_count(c, s) for _, c in self.rows)] or [DONE]
        p.save()
        p.setOpacity(0.0)
        legend_h = self._draw_legend(p, area, used)      # measure only
        p.restore()
        fm = p.fontMetrics()
        label_w = min(area.width() * 0.42, 300)
        pct_w = fm.horizontalAdvance("100,0% HT") + 8
        bar_left = area.left() + label_w + 6
        bar_w = max(40.0, area.right() - bar_left - pct_w)
        rows_h = area.height() - legend_h - 4
        if not self.rows:
            p.drawText(area, Qt.AlignCenter, "Không có sản phẩm trong kỳ này")
            return
        row_h = min(40.0, rows_h / len(self.rows))
        for i, (label, counts) in enumerate(self.rows):
            top = area.top() + i * row_h
            text = fm.elidedText(label, Qt.ElideRight, int(label_w))
            p.setPen(QColor("#000000"))
            p.drawText(QRectF(area.left(), top, label_w, row_h), Qt.AlignLeft | Qt.AlignVCenter, text)
            bar = QRectF(bar_left, top + 5, bar_w, row_h - 10)
            x = bar.left()
            total = counts.total or 1
            for state in STATE_ORDER:
                n = state_count(counts, state)
                if not n:
                    continue
                w = bar.width() * n / total
                seg = QRectF(x, bar.top(), w, bar.height())
                paint_swatch(p, seg, state)
                label_text = str(n)
                if fm.horizontalAdvance(label_text) + 6 < w:
                    box = QRectF(seg.center().x() - fm.horizontalAdvance(label_text) / 2 - 2,
                                 seg.center().y() - fm.height() / 2, fm.horizontalAdvance(label_text) + 4,
                                 fm.height())
                    p.fillRect(box, QColor("#ffffff"))
                    p.setPen(QColor("#000000"))
                    p.drawText(box, Qt.AlignCenter, label_text)
                x += w
            p.setPen(QColor("#000000"))
            p.drawText(QRectF(bar.right() + 6, top, pct_w, row_h), Qt.AlignLeft | Qt.AlignVCenter,
                       f"{_pct(counts.completed, counts.total)} HT")
        self._draw_legend(p, area, used, area.top() + len(self.rows) * row_h + 10)
        p.end()


class StateBarChart(_ChartBase):
    """One horizontal bar per state with count and percentage (status breakdown)."""

    def __init__(self, title: str, parent=None):
        super().__init__(title, parent)
        self.counts = None

    def set_counts(self, counts) -> None:
        self.counts = counts
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 300)

    def paintEvent(self, _event):
        p = QPainter(self)
        area = self._draw_frame(p)
        if self.counts is None or not self.counts.total:
            p.drawText(area, Qt.AlignCenter, "Không có sản phẩm trong kỳ này")
            return
        fm = p.fontMetrics()
        states = list(STATE_ORDER)
        label_w = max(fm.horizontalAdvance(STATE_LABELS[s]) for s in states) + 16
        value_w = fm.horizontalAdvance("999 (100,0%)") + 10
        row_h = min(30.0, area.height() / len(states))
        top_max = max(state_count(self.counts, s) for s in states) or 1
        bar_left = area.left() + label_w
        bar_max = max(30.0, area.right() - bar_left - value_w)
        for i, state in enumerate(states):
            n = state_count(self.counts, state)
            top = area.top() + i * row_h
            p.setPen(QColor("#000000"))
            p.drawText(QRectF(area.left(), top, label_w - 8, row_h), Qt.AlignRight | Qt.AlignVCenter,
                       STATE_LABELS[state])
            w = bar_max * n / top_max
            if n:
                paint_swatch(p, QRectF(bar_left, top + 4, max(w, 2), row_h - 8), state)
            p.setPen(QColor("#000000"))
            p.drawText(QRectF(bar_left + w + 6, top, value_w, row_h), Qt.AlignLeft | Qt.AlignVCenter,
                       f"{n} ({_pct(n, self.counts.total)})")
        p.end()


class _Card(QFrame):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(title)
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #444;")
        for w in (self.caption, self.value, self.detail):
            w.setWordWrap(True)
            w.setMinimumWidth(0)
            layout.addWidget(w)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setMinimumWidth(90)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


GROUP_HEADERS = ["", "Tổng", "Hoàn thành", "Tỷ lệ HT", "Đúng hạn", "Quá hạn HT", "Đang TH", "Chưa TK",
                 "Quá hạn", "Không TH", "Theo phát sinh"]
TOTAL_LABEL = "Tổng cộng"
PERIOD_TAB = "Giai đoạn"   # «Tiến độ giai đoạn» of a multi-year plan (short: every tab fits at 1366×768)


def _group_cells(row):
    label, c = row
    return (label, c.total, c.completed, _pct(c.completed, c.total), c.done, c.done_late, c.in_progress,
            c.not_started, c.overdue, c.not_done, c.event + c.no_deadline)


def _item_key(it):
    return (it.task_id, it.product_id)


def _item_tooltip(it) -> str:
    return f"{it.deadline_text}\n{it.deadline.describe()}"


def group_model(first_header: str) -> SummaryTableModel:
    """Counts per section / lead agency: rows are (label, Counts); the «Tổng cộng» row is bold."""
    return SummaryTableModel([first_header, *GROUP_HEADERS[1:]], _group_cells, right=range(1, len(GROUP_HEADERS)),
                             bold=lambda row: row[0] == TOTAL_LABEL)


def due_model(ref_date, overdue: bool) -> SummaryTableModel:
    """Overdue (days late) or due-soon (days left) products: rows are ProductState."""
    def cells(it):
        due = display.relevant_due(it)
        days = it.days_overdue if overdue else ((due - ref_date()).days if due else "")
        return (it.description or "(chưa có mô tả)",
                f"{it.section_label.split('.')[0]}.{stt_mark(it.citation)} {it.task_content}",
                it.lead_names or "—", display.due_cell(it), days)
    last = "Số ngày quá hạn" if overdue else "Còn (ngày)"
    return SummaryTableModel(["Sản phẩm", "Nhiệm vụ", "Cơ quan chủ trì", "Hạn xử lý", last], cells, right=(4,),
                             key=_item_key, tooltip=_item_tooltip)


def all_items_model() -> SummaryTableModel:
    """Every product of the period: rows are ProductState."""
    def cells(it):
        return (it.description, it.section_label.split(".")[0], it.lead_names or "—", it.deadline_text,
                display.state_cell(it), it.percent, it.updated_by)
    return SummaryTableModel(["Sản phẩm", "Lĩnh vực", "Cơ quan chủ trì", "Thời gian thực hiện", "Trạng thái", "%",
                              "Cập nhật bởi"], cells, key=_item_key)


class PeriodProgressBox(QWidget):
    """«Tiến độ giai đoạn» (a multi-year plan only): each target's value per year from the linked yearly plans,
    the cumulative (or latest) value, the end value and the % reached; below, the products completed per year of
    the yearly tasks linked to each five-year task. Models over ``planlife.fiveyear.target_progress`` /
    ``task_progress`` — the figures of the report «Kết quả thực hiện Kế hoạch giai đoạn»."""

    def __init__(self, on_activate, parent=None):
        super().__init__(parent)
        self.on_activate = on_activate          # a five-year task clicked: show it in the appendix
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.splitter = QSplitter(Qt.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        self.years: list[int] = []
        self.targets_table = self.tasks_table = None

    def set_years(self, years: list[int]) -> None:
        """(Re)build the two tables for the plan's years (their columns)."""
        if years == self.years:
            return
        self.years = years
        for table in (self.targets_table, self.tasks_table):
            if table is not None:
                table.setParent(None)
                table.deleteLater()
        targets = SummaryTableModel(fiveyear.progress_headers(years, two_lines=True), fiveyear.progress_cells,
                                    right=range(2, len(years) + 5),
                                    tooltip=lambda t: f"{t.title}\nCách tổng hợp: {fiveyear.MODE_LABELS[t.mode]}")
        tasks = SummaryTableModel(["Nhiệm vụ giai đoạn", *(str(y) for y in years)],
                                  lambda t: (f"{t.where}. {t.content}",
                                             *(f"{t.yearly[y][0]}/{t.yearly[y][1]}" if y in t.yearly else "—"
                                               for y in years)),
                                  right=range(1, len(years) + 1), key=lambda t: (t.task_id, ""))
        self.targets_table = summary_table(targets)
        self.tasks_table = summary_table(tasks)
        self.tasks_table.setToolTip("Số sản phẩm hoàn thành / tổng số sản phẩm của các nhiệm vụ năm được liên kết")
        self.targets_table.measured_rows = True     # 3–4 line targets: no last line cut off
        self.targets_table.set_empty_text("Kế hoạch giai đoạn chưa có chỉ tiêu.")
        self.tasks_table.clicked.connect(self.on_activate)
        self.tasks_table.activated.connect(self.on_activate)
        self.splitter.addWidget(self.targets_table)
        self.splitter.addWidget(self.tasks_table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 100])

    def set_progress(self, note: str, targets: list, tasks: list) -> None:
        self.note.setText(note)
        self.targets_table.model().set_rows(targets)
        linked = [t for t in tasks if t.yearly]
        self.tasks_table.model().set_rows(linked)
        # the same words as the report when the plan has no task (fiveyear.build_period_report)
        self.tasks_table.set_empty_text("Kế hoạch giai đoạn chưa có nhiệm vụ." if not tasks else
                                        "Chưa có nhiệm vụ nào được liên kết với nhiệm vụ của kế hoạch năm "
                                        "(chọn nhiệm vụ trong kế hoạch năm, mục «Thuộc kế hoạch giai đoạn»).")


class DashboardWidget(QWidget):
    """Dashboard for one plan. Emits taskActivated(task_id, product_id) when an item is clicked."""

    taskActivated = Signal(str, str)
    refDateChanged = Signal(object)   # datetime.date chosen in "Ngày tham chiếu"

    def __init__(self, store, plan_id: str, parent=None, ref_date: date | None = None):
        super().__init__(parent)
        self.store = store
        self.plan_id = plan_id
        self.whole_plan_overdue = None   # optional callable -> int: overdue in the whole plan (status bar)
        plan = store.row("plan", plan_id)
        self.year_start, self.year_end = plan["year_start"], plan["year_end"]
        ref = ref_date or date.today()

        # -- controls -------------------------------------------------------------------------
        self.ref_edit = DateEdit(compact=True)     # (a crowded row: what was understood shows as the tooltip)
        self.ref_edit.setCalendarPopup(True)
        self.ref_edit.setDisplayFormat("dd/MM/yyyy")
        self.ref_edit.setDate(QDate(ref.year, ref.month, ref.day))
        self.period_combo = QComboBox()
        self._fill_periods()
        default = default_period(self.year_start, self.year_end, ref)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(default.key)))
        self.scope_combo = QComboBox()   # lũy kế (whole plan year) by default, the period's slice on request
        self.scope_combo.addItem("Lũy kế đến ngày tham chiếu", True)
        self.scope_combo.addItem("Chỉ nhiệm vụ có hạn trong kỳ", False)
        self.soon_spin = QSpinBox()
        self.soon_spin.setRange(1, 120)
        self.soon_spin.setSuffix(" ngày")
        self.soon_spin.setValue(get_settings(store, plan_id).due_soon_days)
        today_btn = QPushButton("Hôm nay")
        today_btn.clicked.connect(self._to_today)
        refresh_btn = QPushButton("Làm mới")
        refresh_btn.clicked.connect(self.refresh)
        self.report_label = QLabel()
        self.report_label.setWordWrap(True)
        self.report_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.report_label.setStyleSheet("color: #333;")
        # two rows, so the tab fits beside the details pane at 1366 px (the report line shares the second)
        controls = QHBoxLayout()
        for widget in (QLabel("Ngày tham chiếu:"), self.ref_edit, today_btn, QLabel("Kỳ báo cáo:"),
                       self.period_combo, self.scope_combo):
            controls.addWidget(widget)
        controls.addStretch(1)
        second = QHBoxLayout()
        for widget in (QLabel("Sắp đến hạn trong:"), self.soon_spin, refresh_btn):
            second.addWidget(widget)
        second.addSpacing(12)
        second.addWidget(self.report_label, 1)

        # -- cards --------------------------------------------------------------------------------
        self.cards = {key: _Card(title) for key, title in (
            ("total", "Tổng số sản phẩm"), ("completed", "Đã hoàn thành"), ("overdue", "Quá hạn"),
            ("in_progress", "Đang thực hiện"), ("not_started", "Chưa triển khai"),
            ("event", "Theo phát sinh / chưa rõ hạn"), ("due_soon", "Sắp đến hạn"), ("targets", "Chỉ tiêu đạt"))}
        cards = QHBoxLayout()
        for card in self.cards.values():
            cards.addWidget(card)

        # -- charts --------------------------------------------------------------------------------
        self.section_chart = StackedBarChart("Tiến độ theo lĩnh vực (số sản phẩm theo tình trạng)")
        self.state_chart = StateBarChart("Cơ cấu tình trạng thực hiện")
        chart_box = QSplitter(Qt.Horizontal)      # side by side: the tab is wide and not tall
        chart_box.addWidget(self.section_chart)
        chart_box.addWidget(self.state_chart)
        chart_box.setStretchFactor(0, 3)
        chart_box.setStretchFactor(1, 2)
        chart_box.setChildrenCollapsible(False)

        # -- tables --------------------------------------------------------------------------------
        self.overdue_table = summary_table(due_model(self.ref_date, overdue=True), 3)
        self.soon_table = summary_table(due_model(self.ref_date, overdue=False), 3)
        self.section_table = summary_table(group_model("Lĩnh vực"))
        self.agency_table = summary_table(group_model("Cơ quan chủ trì"))
        self.items_table = summary_table(all_items_model(), 1)
        # targets: add / edit / delete / actual values, each an undo step (ui.targets_dialog)
        self.targets_editor = TargetsEditor(store, plan_id, self.period_key, None, self)
        self.targets_editor.changed.connect(self.refresh)
        self.targets_table = self.targets_editor.table
        targets_box = self.targets_editor

        for table in (self.overdue_table, self.soon_table, self.items_table):
            table.clicked.connect(self._activate)
            table.activated.connect(self._activate)

        # Charts and lists share one tab widget so each gets the full width and height of the
        # dashboard (at 1366×768 the tab is about 890×560 px).
        self.tabs = QTabWidget()
        # every tab stays visible (no scroll arrows hiding «Tất cả sản phẩm»): short titles, the full ones in the
        # tooltips; on a narrower window the titles are elided rather than scrolled away
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.ElideRight)
        self.tabs.addTab(chart_box, "Biểu đồ")
        self.tabs.addTab(self.overdue_table, "Quá hạn")
        self.tabs.addTab(self.soon_table, "Sắp đến hạn")
        self.tabs.addTab(self.section_table, "Theo lĩnh vực")
        self.tabs.addTab(self.agency_table, "Theo cơ quan")
        self.tabs.setTabToolTip(self.tabs.indexOf(self.agency_table), "Theo cơ quan chủ trì (mỗi sản phẩm tính ở cơ "
                                "quan chủ trì nêu đầu tiên)")
        self.tabs.addTab(targets_box, "Chỉ tiêu")
        self.tabs.addTab(self.items_table, "Tất cả sản phẩm")
        self.targets_box = targets_box
        self.period_box = PeriodProgressBox(self._activate)   # a multi-year plan: «Tiến độ giai đoạn» (issue #15)
        self._update_period_tab()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addLayout(second)
        layout.addLayout(cards)
        layout.addWidget(self.tabs, 1)

        self._auto_period = True     # the period follows the reference date until one is chosen
        self.period_combo.activated.connect(self._period_chosen)
        self.ref_edit.dateChanged.connect(self._ref_changed)
        self.period_combo.currentIndexChanged.connect(self.refresh)
        self.soon_spin.valueChanged.connect(self.refresh)
        self.scope_combo.currentIndexChanged.connect(self.refresh)
        self._summary: Summary | None = None
        self._stale = True
        self.refresh()

    # -- state ---------------------------------------------------------------------------------------
    def _fill_periods(self) -> None:
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for period in plan_periods(self.year_start, self.year_end):
            self.period_combo.addItem(period.label, period.key)
        self.period_combo.blockSignals(False)

    def ref_date(self) -> date:
        d = self.ref_edit.date()
        return date(d.year(), d.month(), d.day())

    def set_ref_date(self, value: date) -> None:
        self.ref_edit.setDate(QDate(value.year, value.month, value.day))

    def period_key(self) -> str:
        return self.period_combo.currentData()

    def _period_chosen(self, _index: int) -> None:
        self._auto_period = False

    def _ref_changed(self, _date) -> None:
        ref = self.ref_date()
        if self._auto_period:   # e.g. 20/07 -> Quý III
            index = self.period_combo.findData(default_period(self.year_start, self.year_end, ref).key)
            if index >= 0:
                self.period_combo.blockSignals(True)
                self.period_combo.setCurrentIndex(index)
                self.period_combo.blockSignals(False)
        self.refDateChanged.emit(ref)     # listeners (the table) first: the cards read them
        self.refresh()

    def set_period(self, key: str) -> None:
        """Show reporting period `key` (it then stays when the reference date changes)."""
        self._auto_period = False
        index = self.period_combo.findData(key)
        if index >= 0:
            self.period_combo.setCurrentIndex(index)

    def set_plan(self, plan_id: str) -> None:
        self.plan_id = plan_id
        plan = self.store.row("plan", plan_id)
        self.year_start, self.year_end = plan["year_start"], plan["year_end"]
        self._fill_periods()
        self.soon_spin.blockSignals(True)
        self.soon_spin.setValue(get_settings(self.store, plan_id).due_soon_days)
        self.soon_spin.blockSignals(False)
        self.set_period(default_period(self.year_start, self.year_end, self.ref_date()).key)
        self._auto_period = True
        self._update_period_tab()
        self.refresh()

    def reload_settings(self) -> None:
        """The plan's report settings changed: take its "sắp đến hạn" window (refreshes)."""
        days = get_settings(self.store, self.plan_id).due_soon_days
        if self.soon_spin.value() != days:
            self.soon_spin.setValue(days)   # refreshes
        else:
            self.refresh()

    def _update_period_tab(self) -> None:
        """«Tiến độ giai đoạn» is a tab of multi-year plans only (next to «Chỉ tiêu»)."""
        index = self.tabs.indexOf(self.period_box)
        if self.year_start == self.year_end:
            if index >= 0:
                self.tabs.removeTab(index)
            return
        self.period_box.set_years(list(range(self.year_start, self.year_end + 1)))
        if index < 0:
            index = self.tabs.insertTab(self.tabs.indexOf(self.targets_box) + 1, self.period_box, PERIOD_TAB)
            self.tabs.setTabToolTip(index, "Tiến độ thực hiện kế hoạch giai đoạn theo từng năm")

    def card_text(self, key: str) -> str:
        self.ensure_current()
        return self.cards[key].value.text()

    def _to_today(self) -> None:
        self.set_ref_date(date.today())

    # -- refresh -------------------------------------------------------------------------------------
    @property
    def summary(self) -> Summary | None:
        """The summary shown (computed now when the dashboard was refreshed while hidden)."""
        self.ensure_current()
        return self._summary

    def refresh(self) -> None:
        """The plan's data, the reference date, the period or the window changed. Visible: recompute now.
        Hidden: only the report-due line and the targets (a few rows) follow; the summary waits for
        `showEvent` (or a read of `summary`)."""
        if self.store.row("plan", self.plan_id) is None:
            return
        self._stale = True
        if self.isVisible():
            self.ensure_current()
            return
        settings = get_settings(self.store, self.plan_id)
        period = make_period(self.period_key(), settings)
        self._show_report_due(period, settings)
        self.targets_editor.plan_id = self.plan_id
        self.targets_editor.fill(target_results(self.store, self.plan_id, period.key), period.key)

    def ensure_current(self) -> None:
        """Compute and show the summary if it is stale."""
        if self._stale and self.store.row("plan", self.plan_id) is not None:
            self._stale = False
            self._compute()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:   # paint the tab first, then fill it (a refresh() on the way wins)
            QTimer.singleShot(0, self.ensure_current)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if not event.spontaneous():   # another tab: the table may change meanwhile (a minimised window does not)
            self._stale = True

    def _show_report_due(self, period, settings) -> None:
        report = next_report(self.year_start, self.year_end, self.ref_date(), settings)
        period_due = f"Hạn báo cáo {period.label}: {format_date(period.report_due)}"
        if report is not None and report.key != period.key:
            period_due += f" · báo cáo tiếp theo: {report.label} ({format_date(report.report_due)})"
        self.report_label.setText(period_due)

    def _compute(self) -> None:
        ref = self.ref_date()
        s = plan_summary(self.store, self.plan_id, ref, self.period_key(), self.soon_spin.value(),
                         cumulative=bool(self.scope_combo.currentData()))
        self._summary = s
        t = s.totals
        self.cards["total"].set(str(t.total), f"lũy kế năm {s.period.year}" if s.cumulative
                                else f"trong kỳ {s.period.label}")
        self.cards["completed"].set(f"{t.completed}", f"{_pct(t.completed, t.total)} · quá hạn: {t.done_late}")
        overdue_detail = _pct(t.overdue, t.total)
        whole = self.whole_plan_overdue() if self.whole_plan_overdue is not None else t.overdue
        if whole != t.overdue:   # the status bar counts the whole plan (e.g. missed earlier quarters)
            overdue_detail += f" · cả kế hoạch: {whole}"
        self.cards["overdue"].set(str(t.overdue), overdue_detail)
        self.cards["overdue"].setToolTip("Quá hạn trong kỳ báo cáo đã chọn; «cả kế hoạch» là số ở thanh "
                                         "trạng thái (tính cả các kỳ trước chưa hoàn thành)")
        self.cards["in_progress"].set(str(t.in_progress), _pct(t.in_progress, t.total))
        self.cards["not_started"].set(str(t.not_started), f"không thực hiện: {t.not_done}")
        self.cards["event"].set(f"{t.event + t.no_deadline}", f"chưa rõ hạn: {t.no_deadline}")
        self.cards["due_soon"].set(str(len(s.due_soon)), f"trong {self.soon_spin.value()} ngày tới")
        self.cards["targets"].set(f"{s.targets_met}/{len(s.targets)}",
                                  f"có số liệu: {s.targets_measured}" if s.targets else "chưa khai báo")
        self._show_report_due(s.period, s.settings)

        self.section_chart.set_rows([(g.label, g.counts) for g in s.by_section])
        self.state_chart.set_counts(t)
        self.section_table.model().set_rows(
            [(g.label, g.counts) for g in s.by_section if g.counts.total] + [(TOTAL_LABEL, t)])
        self.agency_table.model().set_rows(   # each product once (its first lead): the rows add up to the total
            [(g.label, g.counts) for g in s.by_agency if g.counts.total] + [(TOTAL_LABEL, t)])
        self.overdue_table.model().set_rows(s.overdue)
        self.soon_table.model().set_rows(s.due_soon)
        self.items_table.model().set_rows(s.items)
        self._fill_targets(s)
        if self.year_start != self.year_end:
            self.period_box.set_progress(fiveyear.linked_text(self.store, self.plan_id),
                                         fiveyear.target_progress(self.store, self.plan_id),
                                         fiveyear.task_progress(self.store, self.plan_id))
        self.tabs.setTabText(self.tabs.indexOf(self.overdue_table), f"Quá hạn ({len(s.overdue)})")
        self.tabs.setTabText(self.tabs.indexOf(self.soon_table), f"Sắp đến hạn ({len(s.due_soon)})")
        self.tabs.setTabToolTip(self.tabs.indexOf(self.soon_table),
                                f"Đến hạn trong {self.soon_spin.value()} ngày tới")

    def _fill_targets(self, s: Summary) -> None:
        self.targets_editor.plan_id = self.plan_id
        self.targets_editor.fill(s.targets, s.period.key)

    @property
    def undo_stack(self):
        return self.targets_editor.undo_stack

    @undo_stack.setter
    def undo_stack(self, stack) -> None:
        """Target edits go on `stack`; the dashboard follows the stack's change notification."""
        if getattr(self, "_events", None) is not None:
            self._events.changed.disconnect(self._store_changed)
        self.targets_editor.undo_stack = stack
        self._events = self.targets_editor.events
        self.targets_editor.events.changed.connect(self._store_changed)

    def _store_changed(self, result) -> None:
        """After any change: the report settings' "sắp đến hạn" window, else the figures (when shown;
        a hidden dashboard is refreshed when its tab is opened)."""
        if self.plan_id is None or self.store.row("plan", self.plan_id) is None:
            return
        if "tracking_settings" in result.entities():
            self.reload_settings()
        elif self.window() is self or self.isVisibleTo(self.window()):   # its tab is the current one
            self.refresh()

    # -- actions -------------------------------------------------------------------------------------
    def _activate(self, index) -> None:
        data = activated_key(index)
        if data:
            self.taskActivated.emit(data[0], data[1])

    def _add_default_targets(self) -> None:
        self.tabs.setCurrentWidget(self.targets_box)
        self.targets_editor.add_defaults()
