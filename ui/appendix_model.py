"""Qt table model over one plan of the store, laid out like the printed appendix.

Rows, in order: a section row ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", spanned across the table by the
view), then for each task one row per product ("Hoạt động/Sản phẩm"); STT and "Nội dung/Nhiệm vụ"
belong to the task and are shown once, on the first product row of the group (the view spans them
down over the group). A task without products has one row.

The model keeps the loaded `Plan` (domain objects) and a flat list of visible rows. Filtering is
done here, not in a proxy: every task carries a folded (accent/case-insensitive) search string
computed once, so a filter is one Python pass plus a model reset.

"Trạng thái" and "Hạn xử lý" come from the recorded statuses (product_status) classified at the
reference date (`ref_date`, default today) by the tracking core, exactly as the dashboard does:
`cchc_desktop.tracking.rollup.classify` — the per-product function of `plan_summary` — over the
plan's whole span (for a one-year plan: the "Năm" reporting period). So the status bar's overdue
count equals the dashboard's for the same date and the yearly period. States are computed lazily
for the rows on screen and for the rest in idle time (`ensure_index` forces everything).

Edits never write directly: `setData` runs a core operation (cchc_desktop.ops) as one undo step
(ui.operations); the model, like every other view, refreshes from the one change notification
`StoreEvents.changed(OpResult)` (`on_store_changed`), whatever made the change.
"""
from __future__ import annotations

import gc
import json
import re
import time
from contextlib import contextmanager
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from cchc_desktop.deadlines import UNKNOWN, format_date, parse_deadline
from cchc_desktop.domain import ROLE_LEAD, Plan, Product, Section, Task
from cchc_desktop.tracking import display
from cchc_desktop.tracking.periods import make_period
from cchc_desktop.tracking.rollup import classify
from cchc_desktop.ops import appendix as app_ops
from cchc_desktop.tracking.status import get_settings, status_rows
from cchc_desktop.tracking.timeliness import (DONE, DONE_LATE, IN_PROGRESS, NO_DEADLINE, NOT_DONE, NOT_STARTED,
                                              OVERDUE)
from cchc_desktop.tracking.timeliness import STATUS_LABELS as STORED_STATUS_LABELS
from cchc_desktop.tracking.timeliness import tracking_keys, tracking_span

from cchc_desktop.appendix_rows import (FilterSpec, Row, all_rows, filtered_rows, passing_by_state,  # noqa: F401
                                        state_checks)

from .clipboard import rows_to_tsv
from .columns import (AGENCY_ROLES, COL_CONTENT, COL_COORD, COL_DEADLINE, COL_DUE, COL_LEAD,  # noqa: F401
                      COL_PRODUCT, COL_STATUS, COL_STT, COLUMN_COUNT, EDITABLE_COLUMNS, HEADERS, KIND_PRODUCT,
                      KIND_SECTION, KIND_TASK, MIME_TASKS, PRODUCT_FIELDS)

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fast_fold(value: str) -> str:
    """Search key: accent/case-insensitive like `cchc_desktop.text.fold`, punctuation as spaces.

    After NFD and đ→d every Vietnamese letter is ASCII plus combining marks, so dropping the
    non-ASCII code points removes exactly the accents (other symbols such as "–" are dropped too,
    on both the query and the searched text, so matching is unaffected)."""
    value = value.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFD", value).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()


# Custom roles
RowKindRole = Qt.UserRole + 1
EntityIdRole = Qt.UserRole + 2
TaskIdRole = Qt.UserRole + 3
StatusKeyRole = Qt.UserRole + 4

# Status keys: the tracking core's states (timeliness.STATES) plus "soon" for the filter
# (unfinished and due within the plan's "sắp đến hạn" window).
STATUS_OVERDUE = OVERDUE
STATUS_SOON = display.SOON
STATUS_LABELS = display.STATE_TEXT
STATUS_COLORS = {OVERDUE: "#b3261e", STATUS_SOON: "#9a6700", NO_DEADLINE: "#8a4b00",
                 DONE: "#1b5e20", DONE_LATE: "#5d4037", NOT_DONE: "#6d4c41"}

SECTION_BACKGROUND = QColor("#e8eef7")
CONTINUATION_TOOLTIP = "Sản phẩm tiếp theo của nhiệm vụ {number}"

_DISPLAY, _EDIT, _ALIGN, _FONT, _BACKGROUND, _FOREGROUND, _TOOLTIP = (
    int(Qt.DisplayRole), int(Qt.EditRole), int(Qt.TextAlignmentRole), int(Qt.FontRole),
    int(Qt.BackgroundRole), int(Qt.ForegroundRole), int(Qt.ToolTipRole))
_ROW_KIND, _ENTITY_ID, _TASK_ID, _STATUS_KEY = (int(RowKindRole), int(EntityIdRole), int(TaskIdRole),
                                                int(StatusKeyRole))
_ALIGN_SECTION = int(Qt.AlignLeft | Qt.AlignVCenter)
_ALIGN_STT = int(Qt.AlignHCenter | Qt.AlignTop)
_ALIGN_CELL = int(Qt.AlignLeft | Qt.AlignTop)


@dataclass(slots=True)
class ProductInfo:
    """State of one product row at the reference date (from its recorded statuses), with the
    display strings of the "Hạn xử lý" and "Trạng thái" cells computed once."""
    deadline: object
    due_label: str
    next_due: date | None
    status: str                # tracking state (timeliness.STATES)
    status_label: str = ""
    due: date | None = None
    days_left: int | None = None
    due_soon: bool = False
    stored_status: str = NOT_STARTED
    percent: int = 0
    completed_on: str = ""
    periodic: bool = False
    updated_by: str = ""
    color: QBrush | None = None
    # periodic products: the table's % is the average over the periods begun so far; the status panel
    # shows one period ("Quý IV/2026") — these say which, so the two figures can be told apart
    period_label: str = ""        # the current tracking period
    period_percent: int = 0       # its own %
    periods_averaged: int = 0     # how many periods the average covers

    @property
    def due_tooltip(self) -> str:
        return self.deadline.describe()

    def tooltip(self) -> str:
        lines = [f"Thời gian thực hiện: {self.deadline.describe()}"]
        if self.due is not None:
            lines.append(f"Hạn: {format_date(self.due)}" + (
                f" (quá {-self.days_left} ngày)" if self.status == OVERDUE and self.days_left else ""))
        if self.periods_averaged > 1:
            lines.append(self.average_note())
        own = self.period_percent if self.period_label else self.percent
        lines.append("Tình trạng đã ghi nhận" + (f" ({self.period_label})" if self.period_label else "")
                     + f": {STORED_STATUS_LABELS.get(self.stored_status, '')}"
                     + (f", {own}%" if self.stored_status == IN_PROGRESS and own else "")
                     + (f", hoàn thành ngày {_dmy(self.completed_on)}" if self.completed_on else ""))
        if self.updated_by:
            lines.append(f"Người cập nhật: {self.updated_by}")
        return "\n".join(lines)

    def average_note(self) -> str:
        """"Trung bình các kỳ: 12% — Quý IV/2026: 50%" (periodic products over several periods)."""
        return (f"Trung bình các kỳ: {self.percent}% — {self.period_label}: {self.period_percent}%\n"
                f"(% trong bảng là trung bình của {self.periods_averaged} kỳ đã bắt đầu; "
                f"mỗi kỳ cập nhật riêng ở «Chi tiết nhiệm vụ»)")


@contextmanager
def no_gc_pauses():
    """Bulk object creation (loading 5,000 tasks, rebuilding rows) without cyclic-GC passes over
    the whole plan in the middle of it; the collector runs again afterwards as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_dmy = display.dmy


def tracking_period(plan: Plan, settings):
    """The period the table classifies in: the plan's first-year reporting period ("Năm 2026",
    what the dashboard shows for the year) stretched to the end of the plan, open-ended so one-off
    products dated after the plan still get a state."""
    return replace(make_period(str(plan.year_start), settings), end=date.max)


def due_text(info: ProductInfo, ref: date | None = None) -> str:
    """The "Hạn xử lý" cell (the core's formatter, cchc_desktop.tracking.display)."""
    return display.due_text(info.deadline, info.status, due=info.due, next_due=info.next_due,
                            days_left=info.days_left, completed_on=info.completed_on, periodic=info.periodic)


def status_text(info: ProductInfo) -> str:
    return display.state_text(info.status, info.percent, info.due_soon)


class AppendixModel(QAbstractTableModel):
    """The appendix table of the current plan."""

    planLoaded = Signal()
    countsChanged = Signal()

    def __init__(self, store, parent=None, undo_stack=None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = None
        self.events = None
        self.plan: Plan | None = None
        self._ref_date: date | None = None     # None: today (re-read on each reclassification)
        self.today = date.today()              # the effective reference date
        self.settings = None
        self._period = None
        self._filter = FilterSpec()
        self._rows: list[Row] = []
        self._all_rows: list[Row] | None = None   # the unfiltered rows, cached per load
        self._info: dict[str, ProductInfo] = {}
        self._statuses: dict[str, dict[str, dict]] = {}
        self._shared_infos: dict[str, ProductInfo] = {}
        self._products_map: dict[str, tuple[Section, Task, Product]] | None = None
        self._leads_map: dict[str, set[str]] | None = None    # lead agency id -> product ids
        self._task_folded: dict[str, str] = {}
        self._pending: list = []
        self._index_ready = True
        self._index_timer = QTimer(self)
        self._index_timer.setSingleShot(True)
        self._index_timer.setInterval(40)   # let the table paint first
        self._index_timer.timeout.connect(self._index_some)
        self._bold = QFont()
        self._bold.setBold(True)
        self._section_brush = QBrush(SECTION_BACKGROUND)
        self._brushes = {key: QBrush(QColor(color)) for key, color in STATUS_COLORS.items()}

        self.attach(undo_stack)

    def attach(self, undo_stack) -> None:
        """Edits go on `undo_stack`; the model follows the stack's change notification."""
        from .operations import events_for
        if self.events is not None:
            self.events.changed.disconnect(self.on_store_changed)
        self.undo_stack = undo_stack
        self.events = events_for(undo_stack, self)
        self.events.changed.connect(self.on_store_changed)

    # -- loading --------------------------------------------------------------------------------
    @property
    def plan_id(self) -> str | None:
        return self.plan.id if self.plan else None

    def load(self, plan_id: str | None) -> None:
        self.beginResetModel()
        with no_gc_pauses():
            self.plan = self.store.load_plan(plan_id) if plan_id else None
            self._index_plan()
            self._rows = self._build_rows()
        self.endResetModel()
        self.planLoaded.emit()
        self.countsChanged.emit()

    def reload(self) -> None:
        self.load(self.plan_id)

    def _index_plan(self) -> None:
        """Forget derived data; product states are computed on first use (rows on screen), the
        rest and the search index in idle-time chunks, or on demand (`ensure_index`)."""
        self._info = {}
        self._shared_infos = {}
        self._task_folded = {}
        self._all_rows = None
        self._products_map = None
        self._leads_map = None
        plan = self.plan
        self._index_ready = plan is None
        self._pending = None if plan is not None else []   # None: every task, listed on first use
        self._statuses = {}
        if plan is None:
            return
        self.today = self._ref_date or date.today()
        self.settings = get_settings(self.store, plan.id)
        self._period = tracking_period(plan, self.settings)
        self._statuses = self._read_statuses()
        self._index_timer.start()

    @property
    def _products(self) -> dict[str, tuple[Section, Task, Product]]:
        """product id -> (section, task, product), built on first use."""
        if self._products_map is None:
            found = {}
            for section in self.plan.sections if self.plan else ():
                for task in section.tasks:
                    for product in task.products:
                        found[product.id] = (section, task, product)
            self._products_map = found
        return self._products_map

    def _lead_products(self, agency_id: str) -> set[str]:
        """Ids of the products led by an agency (index built on first use)."""
        if self._leads_map is None:
            leads: dict[str, set[str]] = {}
            for section in self.plan.sections:
                for task in section.tasks:
                    for product in task.products:
                        for agency in product.leads:
                            leads.setdefault(agency.id, set()).add(product.id)
            self._leads_map = leads
        return self._leads_map.get(agency_id, set())

    def _read_statuses(self, product_ids=None) -> dict[str, dict[str, dict]]:
        """Status rows of the plan (or of some products): {product id: {period key: row}}."""
        return status_rows(self.store, self.plan.id, product_ids)

    @property
    def index_ready(self) -> bool:
        return self._index_ready

    def _index_some(self, budget_ms: float = 12.0) -> None:
        """Index tasks (search text and product states) for about `budget_ms`, then yield."""
        if self._pending is None:
            self._pending = list(self.plan.iter_tasks()) if self.plan else []
        pending = self._pending
        deadline = time.perf_counter() + budget_ms / 1000.0
        done = 0
        task_folded, infos = self._task_folded, self._info
        for section, task in pending:
            done += 1
            if task.id not in task_folded:
                self._index_task(section, task)
            for product in task.products:
                if product.id not in infos:
                    infos[product.id] = self._product_info(product)
            if done % 50 == 0 and time.perf_counter() > deadline:
                break
        del pending[:done]
        if pending:
            self._index_timer.start(0)
        elif not self._index_ready:
            self._index_ready = True
            if self._leads_map is None and self.plan is not None:
                self._lead_products("")          # the lead-agency filter's index, while idle
            self.countsChanged.emit()

    def ensure_index(self) -> None:
        if not self._index_ready:
            self._index_timer.stop()
            self._index_some(float("inf"))

    def _index_task(self, section: Section, task: Task) -> None:
        parts = [task.content, str(task.number)]
        for product in task.products:
            parts.extend((product.description, product.lead_names, product.coordinator_names,
                          product.deadline_text))
        self._task_folded[task.id] = fast_fold(" ".join(parts))

    def _pinfo(self, product: Product) -> ProductInfo:
        info = self._info.get(product.id)
        if info is None:
            info = self._info[product.id] = self._product_info(product)
        return info

    def _product_info(self, product: Product) -> ProductInfo:
        """Classify one product with the tracking core (same function as plan_summary). Products
        without any recorded status share one (read-only) result per deadline text."""
        rows = self._statuses.get(product.id)
        if rows is None:
            shared = self._shared_infos.get(product.deadline_text)
            if shared is None:
                shared = self._shared_infos[product.deadline_text] = self._classify(product, {})
            return shared
        return self._classify(product, rows)

    def _classify(self, product: Product, rows: dict) -> ProductInfo:
        plan = self.plan
        deadline = parse_deadline(product.deadline_text, plan.year_start, plan.year_end)
        found = classify(deadline, rows, self._period, self.today,
                         plan.year_start, plan.year_end, self.settings.due_soon_days)
        if found is None:  # not reached with an open-ended period; kept for safety
            info = ProductInfo(deadline, "", None, NO_DEADLINE)
        else:
            info = ProductInfo(deadline, "", found["next_due"], found["state"], due=found["due"],
                               days_left=found["days_left"], due_soon=found["due_soon"],
                               stored_status=found["status"], percent=found["percent"],
                               completed_on=found["completed_on"], periodic=found["periodic"],
                               updated_by=found["updated_by"])
        if info.periodic and found is not None:
            self._period_detail(info, deadline, rows, found)
        info.due_label = due_text(info, self.today)
        info.status_label = status_text(info)
        info.color = self._brushes.get(STATUS_SOON if info.due_soon else info.status)
        return info

    def _period_detail(self, info: ProductInfo, deadline, rows: dict, found: dict) -> None:
        """The current period's own % and how many periods classify() averaged (same selection:
        the periods inside the tracking period that have begun at the reference date)."""
        plan, period, ref = self.plan, self._period, self.today
        keys = [k for k in tracking_keys(deadline, plan.year_start, plan.year_end)
                if tracking_span(k)[0] <= period.end and tracking_span(k)[1] >= period.start]
        started = [k for k in keys if tracking_span(k)[0] <= ref] or keys[:1]
        key = found.get("status_key") or (started[-1] if started else "")
        row = rows.get(key) or {}
        status = row.get("status") or NOT_STARTED
        info.period_label = make_period(key).label if key else ""
        info.period_percent = 100 if status in (DONE, DONE_LATE) else int(row.get("percent") or 0)
        info.periods_averaged = len(started)

    # -- reference date and recorded statuses ------------------------------------------------------
    @property
    def ref_date(self) -> date:
        return self.today

    def set_ref_date(self, value: date | None) -> None:
        """Classify at `value` (None: today). Recomputes every state; keeps rows unless a status
        filter is active."""
        self._ref_date = value
        if (value or date.today()) == self.today or self.plan is None:
            self.today = value or date.today()
            return
        self.today = value or date.today()
        self._reclassify(None)

    def refresh_statuses(self, product_ids=None) -> None:
        """Re-read recorded statuses (after a status save, bulk update or their undo)."""
        if self.plan is None:
            return
        settings = get_settings(self.store, self.plan.id)
        if settings != self.settings:    # e.g. the "sắp đến hạn" window: every state again
            self.settings, product_ids = settings, None
            self._period = tracking_period(self.plan, settings)
        self._reclassify(product_ids)

    def _reclassify(self, product_ids) -> None:
        if product_ids is None:
            self._statuses = self._read_statuses()
            self._info = {}
            self._shared_infos = {}
            self._index_ready = False          # states again (the search index is kept)
            self._pending = list(self.plan.iter_tasks())
            self._index_timer.start(0)
            changed = None
        else:
            products = self._products
            ids = [i for i in dict.fromkeys(product_ids) if i in products]
            fresh = self._read_statuses(ids)
            for product_id in ids:
                self._statuses.pop(product_id, None)
                if product_id in fresh:
                    self._statuses[product_id] = fresh[product_id]
                self._info[product_id] = self._product_info(self._products[product_id][2])
            changed = set(ids)
        if self._filter.uses_status():
            self.set_filter(self._filter)
            return
        if changed is None:
            if self._rows:
                self.dataChanged.emit(self.index(0, COL_DUE), self.index(len(self._rows) - 1, COL_STATUS))
        else:
            rows = [i for i, r in enumerate(self._rows) if r.product is not None and r.product.id in changed]
            if rows:
                self.dataChanged.emit(self.index(min(rows), COL_DUE), self.index(max(rows), COL_STATUS))
        self.countsChanged.emit()

    # -- filtering ------------------------------------------------------------------------------
    @property
    def filter_spec(self) -> FilterSpec:
        return self._filter

    def set_filter(self, spec: FilterSpec) -> None:
        self.beginResetModel()
        self._filter = spec
        self._rows = self._build_rows()
        self.endResetModel()
        self.countsChanged.emit()

    def _passing_products(self, spec: FilterSpec) -> set[str] | None:
        """Ids of the products that pass the product-level filters (None: no such filter). One
        pass over the precomputed states and a lookup in the lead-agency index, no per-row work."""
        passing: set[str] | None = None
        if spec.lead_agency_id:
            passing = self._lead_products(spec.lead_agency_id)
        checks = state_checks(spec, self.today)
        if checks:
            self.ensure_index()   # every state computed
            states = passing_by_state(self._info.items(), checks)
            passing = states if passing is None else passing & states
        return passing

    def _unfiltered_rows(self) -> list[Row]:
        if self._all_rows is None:
            self._all_rows = self._all_rows_now()
        return self._all_rows

    def _all_rows_now(self) -> list[Row]:
        with no_gc_pauses():
            return all_rows(self.plan)

    def _build_rows(self) -> list[Row]:
        if not self.plan:
            return []
        spec = self._filter
        phrase = fast_fold(spec.text) if spec.text.strip() else ""
        # the query as a phrase: "chuyen doi so" ≠ "chuyên… đổi… số"
        if not phrase and not spec.section_id and not (spec.lead_agency_id or spec.uses_status()):
            return self._unfiltered_rows()
        passing = self._passing_products(spec)
        if phrase:
            self.ensure_index()
        products = self._products
        with no_gc_pauses():
            return filtered_rows(self.plan, spec, phrase, self._task_folded, passing,
                                 lambda pid: products[pid][1].id)

    # -- counts for the status bar and the section pane ----------------------------------------
    def task_count(self) -> int:
        return sum(len(s.tasks) for s in self.plan.sections) if self.plan else 0

    def visible_task_count(self) -> int:
        return sum(1 for r in self._rows if r.kind != KIND_SECTION and r.first)

    def overdue_count(self) -> int:
        """Products overdue at the reference date (in the whole plan, not only the visible rows)."""
        self.ensure_index()
        return sum(1 for info in self._info.values() if info.status == OVERDUE)

    def section_counts(self) -> list[tuple[Section, int]]:
        return [(s, len(s.tasks)) for s in self.plan.sections] if self.plan else []

    def product_info(self, product_id: str) -> ProductInfo | None:
        found = self._products.get(product_id)
        return self._pinfo(found[2]) if found else None

    # -- row lookup -------------------------------------------------------------------------------
    def row_info(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[Row]:
        return self._rows

    def find_row(self, entity: str, row_id: str) -> int:
        for number, row in enumerate(self._rows):
            if entity == "section" and row.kind == KIND_SECTION and row.section.id == row_id:
                return number
            if entity == "task" and row.task is not None and row.task.id == row_id:
                return number
            if entity == "product" and row.product is not None and row.product.id == row_id:
                return number
        return -1

    def find_section(self, section_id: str) -> Section | None:
        if self.plan:
            for section in self.plan.sections:
                if section.id == section_id:
                    return section
        return None

    def find_task(self, task_id: str) -> tuple[Section, Task] | tuple[None, None]:
        if self.plan:
            for section, task in self.plan.iter_tasks():
                if task.id == task_id:
                    return section, task
        return None, None

    # -- Qt model interface -----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal:
            if role == _DISPLAY:
                return HEADERS[section]
            if role == _FONT:
                return self._bold
            if role == _TOOLTIP and section >= COL_DUE:
                return ("Tính từ «Thời gian thực hiện» và tình trạng đã ghi nhận, "
                        f"tại ngày {self.today:%d/%m/%Y}")
        return None

    def data(self, index, role=_DISPLAY):
        # Hot path: called for every visible cell and role on each paint; plain ints, no enums.
        if role == _DISPLAY:
            row = self._rows[index.row()]
            return self._display(row, index.column())
        if role == _ALIGN:
            row = self._rows[index.row()]
            if row.kind == KIND_SECTION:
                return _ALIGN_SECTION
            return _ALIGN_STT if index.column() == COL_STT else _ALIGN_CELL
        if role == _FOREGROUND:
            col = index.column()
            if col < COL_DEADLINE:
                return None
            product = self._rows[index.row()].product
            if product is None:
                return None
            info = self._pinfo(product)
            if col == COL_STATUS:
                return info.color
            if col == COL_DUE and info.status in (OVERDUE, DONE, DONE_LATE):
                return info.color
            if info.status == NO_DEADLINE and info.deadline.kind == UNKNOWN:
                return self._brushes[NO_DEADLINE]
            return None
        if role == _FONT or role == _BACKGROUND:
            if self._rows[index.row()].kind != KIND_SECTION:
                return None
            return self._bold if role == _FONT else self._section_brush
        if role == _EDIT:
            return self._edit_value(self._rows[index.row()], index.column())
        if role == _TOOLTIP:
            return self._tooltip(self._rows[index.row()], index.column())
        if role == _ROW_KIND:
            return self._rows[index.row()].kind
        if role == _ENTITY_ID:
            row = self._rows[index.row()]
            if row.kind == KIND_SECTION:
                return row.section.id
            return row.product.id if row.product is not None else row.task.id
        if role == _TASK_ID:
            row = self._rows[index.row()]
            return row.task.id if row.task is not None else None
        if role == _STATUS_KEY:
            row = self._rows[index.row()]
            return self._pinfo(row.product).status if row.product is not None else None
        return None

    def _display(self, row: Row, col: int):
        if row.kind == KIND_SECTION:
            return row.section.label if col == COL_STT else None
        if col <= COL_CONTENT:
            if not row.first:
                return None
            return str(row.task.number) if col == COL_STT else row.task.content
        product = row.product
        if product is None:
            return None
        if col == COL_PRODUCT:
            return product.description
        if col == COL_LEAD:
            return product.lead_names
        if col == COL_COORD:
            return product.coordinator_names
        if col == COL_DEADLINE:
            return product.deadline_text
        info = self._pinfo(product)
        if col == COL_DUE:
            return info.due_label
        if col == COL_STATUS:
            return info.status_label
        return None

    def display_text(self, row: int, col: int):
        """DisplayRole of a cell without building a QModelIndex (row height fitting)."""
        return self._display(self._rows[row], col)

    def _edit_value(self, row: Row, col: int):
        if row.kind == KIND_SECTION:
            return row.section.title
        if col == COL_CONTENT:
            return row.task.content
        if row.product is None:
            return ""
        return self._display(row, col) or ""

    def _tooltip(self, row: Row, col: int):
        if row.kind == KIND_SECTION:
            return f"{row.section.label} — {len(row.section.tasks)} nhiệm vụ"
        if row.product is not None and col in (COL_DEADLINE, COL_DUE, COL_STATUS):
            return self._pinfo(row.product).tooltip()
        if not row.first and col in (COL_STT, COL_CONTENT):
            return CONTINUATION_TOOLTIP.format(number=row.task.number)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemIsDropEnabled
        row = self._rows[index.row()]
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsDropEnabled
        if row.kind == KIND_SECTION:
            return base | Qt.ItemIsEditable
        base |= Qt.ItemIsDragEnabled
        col = index.column()
        if col == COL_CONTENT and row.first:
            return base | Qt.ItemIsEditable
        if col in EDITABLE_COLUMNS and col != COL_CONTENT and row.product is not None:
            return base | Qt.ItemIsEditable
        return base

    def is_editable(self, row: int, col: int) -> bool:
        return bool(self.flags(self.index(row, col)) & Qt.ItemIsEditable)

    # -- edits (through undo commands) --------------------------------------------------------------
    def edit_target(self, row: int, col: int, value) -> tuple | None:
        """(entity, id, field-or-role, new value, old value) for an edit of one cell, or None."""
        info = self.row_info(row)
        if info is None or not self.is_editable(row, col):
            return None
        value = "" if value is None else str(value)
        if info.kind == KIND_SECTION:
            value = value.strip()
            if not value:
                return None
            return ("section", info.section.id, "title", value, info.section.title)
        if col == COL_CONTENT:
            return ("task", info.task.id, "content", value.strip(), info.task.content)
        product = info.product
        if col in PRODUCT_FIELDS:
            name = PRODUCT_FIELDS[col]
            return ("product", product.id, name, value.strip(), getattr(product, name))
        if col in AGENCY_ROLES:
            role = AGENCY_ROLES[col]
            names = split_names(value)
            old = [a.name for a in (product.leads if role == ROLE_LEAD else product.coordinators)]
            return ("agencies", product.id, role, names, old)
        return None

    def edit_of(self, row: int, col: int, value) -> tuple | None:
        """(entity, id, field-or-role, new value) of a cell edit that changes something, else None
        (entity "agencies": the agencies of a role)."""
        target = self.edit_target(row, col, value)
        if target is None or target[3] == target[4]:
            return None
        return target[:4]

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid():
            return False
        edit = self.edit_of(index.row(), index.column(), value)
        if edit is None:
            return False
        from .operations import perform
        entity, row_id, name, new = edit
        if entity == "agencies":
            command = perform(self.store, self.undo_stack, self.events,
                              f"Sửa {app_ops.FIELD_LABELS[(name, None)]}", app_ops.set_agencies,
                              self.store, row_id, name, new)
        else:
            command = perform(self.store, self.undo_stack, self.events, app_ops.edit_label(entity, [name]),
                              app_ops.edit_fields, self.store, entity, row_id, {name: new})
        return command.ok

    # -- the one change notification ------------------------------------------------------------------
    def on_store_changed(self, result) -> None:
        """Refresh from what an operation (or its undo/redo, an import, a merge) changed: rebuild the
        rows when the plan's structure changed, else update the changed rows in place (keeps scroll
        and selection) and re-read the states of the products concerned."""
        if self.plan is None:
            return
        entities = result.entities()
        if result.structural() or "plan" in entities:
            self.reload()
            return
        for change in result.changes:
            if change.op != "update" or change.entity not in ("section", "task", "product"):
                continue
            row = self.store.row(change.entity, change.row_id)
            if row is not None:
                self.apply_field(change.entity, change.row_id, {change.field: row[change.field]})
        for product_id, role in {(c.row_id, c.field) for c in result.changes if c.entity == "product_agency"}:
            self.apply_agencies(product_id, role)
        if "tracking_settings" in entities:
            self.refresh_statuses(None)
        elif entities & {"product_status", "product"} and result.products:
            self.refresh_statuses(result.products)

    def apply_field(self, entity: str, row_id: str, fields: dict) -> None:
        """Update the in-memory plan after an edit without a reset (keeps scroll and selection)."""
        if not self.plan:
            return
        if entity == "plan":
            for key, value in fields.items():
                setattr(self.plan, key, value)
            self.reload()
            return
        changed_rows = []
        if entity == "section":
            section = self.find_section(row_id)
            if section is None:
                return
            section.title = fields.get("title", section.title)
            changed_rows = [self.find_row("section", row_id)]
        elif entity == "task":
            section, task = self.find_task(row_id)
            if task is None:
                return
            task.content = fields.get("content", task.content)
            self._index_task(section, task)
            changed_rows = [i for i, r in enumerate(self._rows) if r.task is task]
        elif entity == "product":
            found = self._products.get(row_id)
            if found is None:
                return
            section, task, product = found
            for key, value in fields.items():
                setattr(product, key, value)
            self._index_task(section, task)
            if "deadline_text" in fields:   # the state depends on the deadline
                self._info[product.id] = self._product_info(product)
            changed_rows = [i for i, r in enumerate(self._rows) if r.product is product]
        self._emit_rows_changed(changed_rows)

    def apply_agencies(self, product_id: str, role: str) -> None:
        if not self.plan:
            return
        found = self._products.get(product_id)
        if found is None:
            return
        section, task, product = found
        links = self.store.agency_links(product_id, role)
        if role == ROLE_LEAD:
            product.leads = links
            self._leads_map = None
        else:
            product.coordinators = links
        self._index_task(section, task)
        self._emit_rows_changed([i for i, r in enumerate(self._rows) if r.product is product])

    def _emit_rows_changed(self, rows: list[int]) -> None:
        rows = [r for r in rows if r >= 0]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), COLUMN_COUNT - 1))
        self.countsChanged.emit()

    # -- drag and drop --------------------------------------------------------------------------------
    def supportedDropActions(self):
        return Qt.MoveAction

    def supportedDragActions(self):
        return Qt.MoveAction

    def mimeTypes(self):
        return [MIME_TASKS, "text/plain"]

    def mimeData(self, indexes):
        task_ids = []
        for index in indexes:
            row = self._rows[index.row()]
            if row.task is not None and row.task.id not in task_ids:
                task_ids.append(row.task.id)
        mime = QMimeData()
        mime.setData(MIME_TASKS, json.dumps(task_ids).encode("utf-8"))
        mime.setText(rows_to_tsv(self, sorted({i.row() for i in indexes})))
        return mime

    def canDropMimeData(self, data, action, row, column, parent):
        return data.hasFormat(MIME_TASKS) and self.plan is not None

    def drop_target(self, row: int, parent: QModelIndex) -> tuple[str, int] | None:
        """(section id, position) where tasks dropped at (row, parent) go."""
        if parent.isValid():  # dropped onto an item
            row = parent.row()
        if row < 0 or row >= len(self._rows):
            if not self.plan or not self.plan.sections:
                return None
            last = self.plan.sections[-1] if not self._rows else self._rows[-1].section
            return last.id, len(last.tasks)
        target = self._rows[row]
        if target.kind == KIND_SECTION:
            if parent.isValid():
                return target.section.id, len(target.section.tasks)  # onto a section: append
            previous = self.row_info(row - 1)  # between rows, just above a section row
            if previous is not None:
                return previous.section.id, len(previous.section.tasks)
            return target.section.id, 0
        return target.section.id, target.section.tasks.index(target.task)

    def dropMimeData(self, data, action, row, column, parent):
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        if action == Qt.IgnoreAction:
            return True
        try:
            task_ids = json.loads(bytes(data.data(MIME_TASKS)).decode("utf-8"))
        except ValueError:
            return False
        target = self.drop_target(row, parent)
        if target is None or not task_ids:
            return False
        section_id, position = target
        if not app_ops.tasks_would_move(self.store, task_ids, section_id, position):
            return False
        from .operations import perform
        label = "Di chuyển nhiệm vụ" if len(task_ids) == 1 else f"Di chuyển {len(task_ids)} nhiệm vụ"
        command = perform(self.store, self.undo_stack, self.events, label, app_ops.move_tasks,
                          self.store, task_ids, section_id, position,
                          select_after_do=("task", task_ids[0]), select_after_undo=("task", task_ids[0]))
        # The operation did the move and the notification reloaded; removeRows is not implemented, so a
        # view that "removes the source rows" after a successful move drop does nothing.
        return command.ok


def split_names(value: str) -> list[str]:
    """Agency cell text -> names (separated by ";" or new lines; commas stay inside names)."""
    out: list[str] = []
    for part in value.replace("\n", ";").split(";"):
        part = " ".join(part.split())
        if part and part not in out:
            out.append(part)
    return out
