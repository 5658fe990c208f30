"""Qt table model over one plan of the store, laid out like the printed appendix.

Rows, in order: a section row ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", spanned across the table by the
view), then for each task one row per product ("Hoạt động/Sản phẩm"); STT and "Nội dung/Nhiệm vụ"
belong to the task and are shown once, on the first product row of the group (the view spans them
down over the group). A task without products has one row.

The model keeps the loaded `Plan`, the visible rows, the roles and the brushes. Everything else is the
core's (`cchc_desktop.appendix_index.AppendixIndex`): each product's state at the reference date and the
words of its "Hạn xử lý"/"Trạng thái" cells (the one formatter, cchc_desktop.tracking.display), the search
text, the filter keys and the rows a filter keeps. States are computed for the rows on screen first and for
the rest in idle time (`ensure_index` forces everything); filtering then works on the precomputed keys.

With «Hiện nhiệm vụ đã bỏ» (`set_show_archived`) the rows an amendment dropped are shown, greyed and struck
through, at their original place, read-only.

Edits never write directly: `setData` runs a core operation (cchc_desktop.ops) as one undo step
(ui.operations); the model, like every other view, refreshes from the one change notification
`StoreEvents.changed(OpResult)` (`on_store_changed`), whatever made the change: it asks the core for the
states of the changed products.
"""
from __future__ import annotations

import json
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from cchc_desktop.appendix_index import (ARCHIVED, AppendixIndex, ProductInfo, no_gc_pauses, settle_objects,
                                         unsettle_objects)
from cchc_desktop.deadlines import UNKNOWN
from cchc_desktop.domain import ROLE_LEAD, Plan, Section, Task
from cchc_desktop.errors import UserError
from cchc_desktop.tracking import display
from cchc_desktop.ops import appendix as app_ops
from cchc_desktop.tracking.status import get_settings
from cchc_desktop.tracking.timeliness import DONE, DONE_LATE, NO_DEADLINE, NOT_DONE, OVERDUE

from cchc_desktop.appendix_rows import FilterSpec, Row  # noqa: F401

from .clipboard import rows_to_tsv
from .columns import (AGENCY_ROLES, COL_CONTENT, COL_COORD, COL_DEADLINE, COL_DUE, COL_LEAD,  # noqa: F401
                      COL_PRODUCT, COL_STATUS, COL_STT, COLUMN_COUNT, EDITABLE_COLUMNS, HEADERS, KIND_PRODUCT,
                      KIND_SECTION, KIND_TASK, MIME_TASKS, PRODUCT_FIELDS)

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
                 DONE: "#1b5e20", DONE_LATE: "#5d4037", NOT_DONE: "#6d4c41", ARCHIVED: "#8a8a8a"}

SECTION_BACKGROUND = QColor("#e8eef7")
CONTINUATION_TOOLTIP = "Sản phẩm tiếp theo của nhiệm vụ {number}"
ARCHIVED_REFUSAL = ("«{label}»: dòng này đã bỏ khỏi kế hoạch theo điều chỉnh, chỉ để xem lại; không sửa, "
                    "chuyển hay xóa được. Tắt «Xem → Hiện nhiệm vụ đã bỏ» để chỉ thấy các dòng đang thực hiện.")

_DISPLAY, _EDIT, _ALIGN, _FONT, _BACKGROUND, _FOREGROUND, _TOOLTIP = (
    int(Qt.DisplayRole), int(Qt.EditRole), int(Qt.TextAlignmentRole), int(Qt.FontRole),
    int(Qt.BackgroundRole), int(Qt.ForegroundRole), int(Qt.ToolTipRole))
_ROW_KIND, _ENTITY_ID, _TASK_ID, _STATUS_KEY = (int(RowKindRole), int(EntityIdRole), int(TaskIdRole),
                                                int(StatusKeyRole))
_ALIGN_SECTION = int(Qt.AlignLeft | Qt.AlignVCenter)
_ALIGN_STT = int(Qt.AlignHCenter | Qt.AlignTop)
_ALIGN_CELL = int(Qt.AlignLeft | Qt.AlignTop)
_FLAGS_DROP = Qt.ItemIsDropEnabled
_FLAGS_READ_ONLY = Qt.ItemIsEnabled | Qt.ItemIsSelectable
_FLAGS_SECTION = _FLAGS_READ_ONLY | Qt.ItemIsDropEnabled | Qt.ItemIsEditable
_FLAGS_CELL = _FLAGS_READ_ONLY | Qt.ItemIsDropEnabled | Qt.ItemIsDragEnabled
_FLAGS_EDITABLE = _FLAGS_CELL | Qt.ItemIsEditable
PAINT_FIRST_MS = 40     # after a load, the idle-time work waits this long: the table paints first


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
        self._filter = FilterSpec()
        self._rows: list[Row] = []
        self._visible_tasks: int | None = None
        self._show_archived = False
        self.core = AppendixIndex(store, None, self.today)
        self._index_timer = QTimer(self)
        self._index_timer.setSingleShot(True)
        self._index_timer.timeout.connect(self._index_some)
        self._leftover = None                # the previous plan, freed in idle time (see load)
        self._bold = QFont()
        self._bold.setBold(True)
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._section_brush = QBrush(SECTION_BACKGROUND)
        self._brushes = {key: QBrush(QColor(color)) for key, color in STATUS_COLORS.items()}
        self._grey = self._brushes[ARCHIVED]

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

    @property
    def settings(self):
        return self.core.settings

    def load(self, plan_id: str | None) -> None:
        unsettle_objects()
        self._index_timer.stop()
        self.beginResetModel()
        # the previous plan, its index and rows are let go of in the first idle turn after the table painted
        # (freeing a 20,000-task plan's objects takes ~50 ms, issue 18)
        self._leftover = (self.plan, self.core, self._rows)
        with no_gc_pauses():
            self.plan = self.store.load_plan(plan_id) if plan_id else None
            self.today = self._ref_date or date.today()
            self.core = AppendixIndex(self.store, self.plan, self.today, archived=self._show_archived)
            self._set_rows(self.core.rows(self._filter))
            # the plan and its rows stay until the next load: set aside now, or the collector's first passes
            # after the load walk every object it just made (twice: ~75 ms at 20,000 tasks, issue 18)
            settle_objects()
        self.endResetModel()
        self.planLoaded.emit()
        self.countsChanged.emit()
        if self._leftover is not None or not self.core.ready:
            self._index_timer.start(PAINT_FIRST_MS)   # counted from now: the table paints before the idle work

    def reload(self) -> None:
        self.load(self.plan_id)

    # -- dropped rows ------------------------------------------------------------------------------
    @property
    def show_archived(self) -> bool:
        return self._show_archived

    def set_show_archived(self, on: bool) -> None:
        """Show (or hide) the tasks and products plan amendments dropped, at their original place."""
        on = bool(on)
        if on == self._show_archived:
            return
        self._show_archived = on
        if self.plan is None:
            return
        self.beginResetModel()
        self.core.show_archived(on)
        self._set_rows(self.core.rows(self._filter))
        self.endResetModel()
        self.countsChanged.emit()

    def is_archived_row(self, row: int) -> bool:
        found = self.row_info(row)
        return found is not None and found.archived

    def refuse_archived(self, rows, column: int | None = None) -> None:
        """Raise the Vietnamese refusal when any of `rows` (row numbers; in `column` when given) shows a dropped
        task or product."""
        for number in rows:
            row = self.row_info(number)
            if row is not None and row.archived and (column is None or self._archived_cell(row, column)):
                raise UserError(ARCHIVED_REFUSAL.format(label=self._archived_label(row)))

    def _archived_label(self, row: Row) -> str:
        target = row.task.id if row.task is not None and self.core.is_archived(row.task.id) else (
            row.product.id if row.product is not None else row.task.id)
        return self.core.archived_text(target)

    # -- states (the core's) ------------------------------------------------------------------------
    @property
    def index_ready(self) -> bool:
        return self.core.ready

    def _index_some(self, budget_ms: float = 12.0) -> None:
        """Index a chunk of tasks (search text and product states) in idle time, then yield. The first turn
        after a load frees the previous plan instead."""
        if self._leftover is not None:
            self._leftover = None
            if self.plan is not None and not self.core.ready:
                self._index_timer.start(0)
            return
        if self.plan is None or self.core.ready:
            return
        if self.core.index_some(budget_ms):
            settle_objects()
            self.countsChanged.emit()
        else:
            self._index_timer.start(0)

    def ensure_index(self) -> None:
        self._leftover = None        # the previous plan's objects, when its idle turn has not come yet
        if not self.core.ready:
            self._index_timer.stop()
            self.core.ensure()
            settle_objects()
            self.countsChanged.emit()

    def _pinfo(self, product) -> ProductInfo:
        return self.core.state_of(product)

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
        self.core.set_ref(self.today)
        self._states_changed(None)

    def refresh_statuses(self, product_ids=None) -> None:
        """Ask the core for the states of the changed products (None: every product) after a status save, a bulk
        update, their undo or new tracking settings."""
        if self.plan is None:
            return
        changed = self.core.reclassify(product_ids, get_settings(self.store, self.plan.id))
        self._states_changed(changed)

    def _states_changed(self, changed: set[str] | None) -> None:
        if changed is None:
            self._index_timer.start(0)
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
        if spec.uses_status() or spec.text.strip():
            self.ensure_index()       # the state keys and search texts, before the reset
        self.beginResetModel()
        self._filter = spec
        self._set_rows(self.core.rows(spec) if self.plan else [])
        self.endResetModel()
        self.countsChanged.emit()

    # -- counts for the status bar and the section pane ----------------------------------------
    def task_count(self) -> int:
        return sum(len(s.tasks) for s in self.plan.sections) if self.plan else 0

    def _set_rows(self, rows: list[Row]) -> None:
        self._rows = rows
        self._visible_tasks = None

    def visible_task_count(self) -> int:
        if self._visible_tasks is None:
            self._visible_tasks = self.core.visible_tasks(self._rows)
        return self._visible_tasks

    def spans(self) -> tuple[list[int], list[int]]:
        """The spanned rows and their group lengths (0: a section row across the table), from the core."""
        return self.core.spans(self._rows)

    def overdue_count(self) -> int:
        """Products overdue at the reference date (in the whole plan, not only the visible rows)."""
        if self.plan is None:
            return 0
        self.ensure_index()
        return self.core.count(OVERDUE)

    def section_counts(self) -> list[tuple[Section, int]]:
        return [(s, len(s.tasks)) for s in self.plan.sections] if self.plan else []

    def product_info(self, product_id: str) -> ProductInfo | None:
        product = self.core.product(product_id)
        return self.core.state_of(product) if product is not None else None

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
            row = self._rows[index.row()]
            col = index.column()
            if row.archived and self._archived_cell(row, col):
                return self._grey
            if col < COL_DEADLINE:
                return None
            product = row.product
            if product is None:
                return None
            info = self._pinfo(product)
            tone = info.tone
            if col == COL_STATUS:
                return self._brushes.get(tone) if tone else None
            if col == COL_DUE and info.state in (OVERDUE, DONE, DONE_LATE):
                return self._brushes.get(tone) if tone else None
            if info.state == NO_DEADLINE and info.deadline.kind == UNKNOWN:
                return self._brushes[NO_DEADLINE]
            return None
        if role == _FONT or role == _BACKGROUND:
            row = self._rows[index.row()]
            if row.kind != KIND_SECTION:
                if role == _FONT and row.archived and self._archived_cell(row, index.column()):
                    return self._struck
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
            return self._archived_label(row) if row.archived and col == COL_STATUS else None
        if col == COL_PRODUCT:
            return product.description
        if col == COL_LEAD:
            return product.lead_names
        if col == COL_COORD:
            return product.coordinator_names
        if col == COL_DEADLINE:
            return product.deadline_text
        info = self._pinfo(product)
        if row.archived and col == COL_STATUS:
            return self._archived_label(row)
        if col == COL_DUE:
            return info.due_label
        if col == COL_STATUS:
            return info.status_label
        return None

    def _archived_cell(self, row: Row, col: int) -> bool:
        """Whether a cell of a row with something dropped shows the dropped thing: STT and content belong to the
        task (struck only when the task itself was dropped), the other cells to the product."""
        if col <= COL_CONTENT:
            return row.task is not None and self.core.is_archived(row.task.id)
        return True

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
        # Called for every painted cell: flag values combined once (_FLAGS_*), no enum arithmetic per call.
        if not index.isValid():
            return _FLAGS_DROP
        row = self._rows[index.row()]
        if row.kind == KIND_SECTION:
            return _FLAGS_SECTION
        col = index.column()
        if row.archived and self._archived_cell(row, col):
            return _FLAGS_READ_ONLY     # dropped by an amendment: read-only
        if col == COL_CONTENT and row.first:
            return _FLAGS_EDITABLE
        if col in EDITABLE_COLUMNS and col != COL_CONTENT and row.product is not None:
            return _FLAGS_EDITABLE
        return _FLAGS_CELL

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
            self.core.fold_task(task)
            changed_rows = [i for i, r in enumerate(self._rows) if r.task is task]
        elif entity == "product":
            found = self.core.products.get(row_id)
            if found is None:
                return
            _section, _task, product = found
            for key, value in fields.items():
                setattr(product, key, value)
            self.core.product_changed(product, "deadline_text" in fields)   # the state depends on the deadline
            changed_rows = [i for i, r in enumerate(self._rows) if r.product is product]
        self._emit_rows_changed(changed_rows)

    def apply_agencies(self, product_id: str, role: str) -> None:
        if not self.plan:
            return
        found = self.core.products.get(product_id)
        if found is None:
            return
        _section, task, product = found
        links = self.store.agency_links(product_id, role)
        if role == ROLE_LEAD:
            product.leads = links
        else:
            product.coordinators = links
        self.core.forget_leads()
        self.core.fold_task(task)
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
        if target.task not in target.section.tasks:   # a dropped task shown in its old place
            return target.section.id, min(target.task.position, len(target.section.tasks))
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
