"""Qt table model over one plan of the store, laid out like the printed appendix.

Rows, in order: a section row ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", spanned across the table by the
view), then for each task one row per product ("Hoạt động/Sản phẩm"); STT and "Nội dung/Nhiệm vụ"
belong to the task and are shown once, on the first product row of the group (the view spans them
down over the group). A task without products has one row.

The model keeps the loaded `Plan` (domain objects) and a flat list of visible rows. Filtering is
done here, not in a proxy: every task carries a folded (accent/case-insensitive) search string
computed once, so a filter is one Python pass plus a model reset.

Edits never write directly: `setData` builds an undo command (ui.commands) and pushes it on the
undo stack; the command writes to the store (one transaction) and then calls `apply_field` /
`reload` here.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from cchc_desktop.deadlines import (CONTINUOUS, EMPTY, EVENT, RECURRING, UNKNOWN, final_due,
                                    format_date, next_due, parse_deadline)
from cchc_desktop.domain import ROLE_COORD, ROLE_LEAD, Plan, Product, Section, Task
from cchc_desktop.text import fold

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fast_fold(value: str) -> str:
    """Search key: accent/case-insensitive like `cchc_desktop.text.fold`, punctuation as spaces.

    After NFD and đ→d every Vietnamese letter is ASCII plus combining marks, so dropping the
    non-ASCII code points removes exactly the accents (other symbols such as "–" are dropped too,
    on both the query and the searched text, so matching is unaffected)."""
    value = value.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFD", value).encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()

COL_STT, COL_CONTENT, COL_PRODUCT, COL_LEAD, COL_COORD, COL_DEADLINE, COL_DUE, COL_STATUS = range(8)
HEADERS = ["STT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
           "Thời gian thực hiện", "Hạn xử lý", "Trạng thái"]
COLUMN_COUNT = len(HEADERS)
EDITABLE_COLUMNS = {COL_CONTENT, COL_PRODUCT, COL_LEAD, COL_COORD, COL_DEADLINE}
PRODUCT_FIELDS = {COL_PRODUCT: "description", COL_DEADLINE: "deadline_text"}
AGENCY_ROLES = {COL_LEAD: ROLE_LEAD, COL_COORD: ROLE_COORD}

KIND_SECTION, KIND_PRODUCT, KIND_TASK = "section", "product", "task"
MIME_TASKS = "application/x-cchc-task-ids"

# Custom roles
RowKindRole = Qt.UserRole + 1
EntityIdRole = Qt.UserRole + 2
TaskIdRole = Qt.UserRole + 3
StatusKeyRole = Qt.UserRole + 4

STATUS_OVERDUE = "overdue"
STATUS_SOON = "soon"
STATUS_PENDING = "pending"
STATUS_EVENT = "event"
STATUS_UNKNOWN = "unknown"
STATUS_LABELS = {
    STATUS_OVERDUE: "Quá hạn",
    STATUS_SOON: "Sắp đến hạn",
    STATUS_PENDING: "Chưa đến hạn",
    STATUS_EVENT: "Theo sự kiện",
    STATUS_UNKNOWN: "Chưa rõ thời hạn",
}
STATUS_COLORS = {STATUS_OVERDUE: "#b3261e", STATUS_SOON: "#9a6700", STATUS_UNKNOWN: "#8a4b00"}
SOON_DAYS = 7

SECTION_BACKGROUND = QColor("#e8eef7")
CONTINUATION_TOOLTIP = "Sản phẩm tiếp theo của nhiệm vụ {number}"


@dataclass
class FilterSpec:
    text: str = ""
    section_id: str | None = None
    lead_agency_id: str | None = None
    status: str | None = None      # one of STATUS_* keys
    overdue_only: bool = False
    due_within_days: int | None = None

    def is_empty(self) -> bool:
        return not (self.text.strip() or self.section_id or self.lead_agency_id or self.status
                    or self.overdue_only or self.due_within_days is not None)


@dataclass(slots=True)
class Row:
    kind: str
    section: Section
    task: Task | None = None
    product: Product | None = None
    first: bool = True        # first visible row of its task group
    group_len: int = 1        # rows in the group (set on the first row)


@dataclass(slots=True)
class ProductInfo:
    """Deadline interpretation and status of one product row, computed on load."""
    deadline: object
    due_label: str
    next_due: date | None
    status: str
    folded: str = ""

    @property
    def due_tooltip(self) -> str:
        return self.deadline.describe()


@dataclass
class _TaskIndex:
    folded: str = ""
    products: dict = field(default_factory=dict)


def default_status(deadline, today: date) -> tuple[str, date | None]:
    """Status from the deadline alone (until a tracking module provides real progress)."""
    if deadline.kind in (UNKNOWN, EMPTY):
        return STATUS_UNKNOWN, None
    if deadline.kind == EVENT or not deadline.due_dates:
        return STATUS_EVENT, None
    upcoming = next_due(deadline, today)
    if upcoming is None:
        return STATUS_OVERDUE, final_due(deadline)
    if upcoming - today <= timedelta(days=SOON_DAYS):
        return STATUS_SOON, upcoming
    return STATUS_PENDING, upcoming


def due_label(deadline, today: date) -> str:
    if deadline.kind == EMPTY:
        return ""
    if deadline.kind == UNKNOWN:
        return "⚠ Không rõ"
    if deadline.kind == EVENT:
        return "Theo sự kiện"
    upcoming = next_due(deadline, today)
    if deadline.kind == CONTINUOUS:
        return "Thường xuyên"
    if deadline.kind == RECURRING:
        return f"Kỳ tới {format_date(upcoming)}" if upcoming else "Đã hết kỳ"
    dates = deadline.due_dates
    if len(dates) <= 2:
        return ", ".join(format_date(d) for d in dates)
    return f"{format_date(upcoming or dates[-1])} (+{len(dates) - 1} hạn)"


class AppendixModel(QAbstractTableModel):
    """The appendix table of the current plan."""

    planLoaded = Signal()
    countsChanged = Signal()
    selectRequested = Signal(str, str)  # entity, id — after a structural change
    errorRaised = Signal(str)

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = None
        self.plan: Plan | None = None
        self.today = date.today()
        self.status_provider = None   # optional callable(product, deadline, today) -> (key, label)
        self._filter = FilterSpec()
        self._rows: list[Row] = []
        self._info: dict[str, ProductInfo] = {}
        self._task_folded: dict[str, str] = {}
        self._pending: list = []
        self._index_ready = True
        self._index_timer = QTimer(self)
        self._index_timer.setSingleShot(True)
        self._index_timer.setInterval(0)
        self._index_timer.timeout.connect(self._index_some)
        self._bold = QFont()
        self._bold.setBold(True)
        self._section_brush = QBrush(SECTION_BACKGROUND)

    # -- loading --------------------------------------------------------------------------------
    @property
    def plan_id(self) -> str | None:
        return self.plan.id if self.plan else None

    def load(self, plan_id: str | None) -> None:
        self.beginResetModel()
        self.plan = self.store.load_plan(plan_id) if plan_id else None
        self._index_plan()
        self._rows = self._build_rows()
        self.endResetModel()
        self.planLoaded.emit()
        self.countsChanged.emit()

    def reload(self) -> None:
        self.load(self.plan_id)

    def _index_plan(self) -> None:
        """Forget derived data; product infos are computed on first use, the search index in
        idle-time chunks (so the table shows at once) or on demand by a text filter."""
        self._info = {}
        self._task_folded = {}
        self._index_ready = self.plan is None
        self._pending = [(s, t) for s, t in self.plan.iter_tasks()] if self.plan else []
        self._index_timer.start()

    @property
    def index_ready(self) -> bool:
        return self._index_ready

    def _index_some(self, budget: int = 700) -> None:
        pending = self._pending
        chunk, self._pending = pending[:budget], pending[budget:]
        for section, task in chunk:
            if task.id not in self._task_folded:
                self._index_task(section, task)
        if self._pending:
            self._index_timer.start()
        elif not self._index_ready:
            self._index_ready = True
            self.countsChanged.emit()

    def ensure_index(self) -> None:
        if not self._index_ready:
            self._index_timer.stop()
            self._index_some(len(self._pending) or 1)

    def _index_task(self, section: Section, task: Task) -> None:
        parts = [task.content, str(task.number)]
        for product in task.products:
            info = self._product_info(product)
            self._info[product.id] = info
            parts.append(info.folded)
        self._task_folded[task.id] = fast_fold(" ".join(parts[:2])) + " " + " ".join(parts[2:])

    def _pinfo(self, product: Product) -> ProductInfo:
        info = self._info.get(product.id)
        if info is None:
            info = self._product_info(product, with_fold=False)
            self._info[product.id] = info
        return info

    def _product_info(self, product: Product, with_fold: bool = True) -> ProductInfo:
        plan = self.plan
        deadline = parse_deadline(product.deadline_text, plan.year_start, plan.year_end)
        if self.status_provider is not None:
            status, upcoming = self.status_provider(product, deadline, self.today)
        else:
            status, upcoming = default_status(deadline, self.today)
        label = due_label(deadline, self.today)
        folded = fast_fold(" ".join((product.description, product.lead_names, product.coordinator_names,
                                     product.deadline_text, label, STATUS_LABELS.get(status, "")))) \
            if with_fold else ""
        return ProductInfo(deadline, label, upcoming, status, folded)

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

    def _product_passes(self, product: Product, spec: FilterSpec, horizon: date | None) -> bool:
        info = self._pinfo(product)
        if spec.lead_agency_id and not any(a.id == spec.lead_agency_id for a in product.leads):
            return False
        if spec.status and info.status != spec.status:
            return False
        if spec.overdue_only and info.status != STATUS_OVERDUE:
            return False
        if horizon is not None:
            if info.next_due is None or not (self.today <= info.next_due <= horizon) \
                    or info.status == STATUS_OVERDUE:
                return False
        return True

    def _build_rows(self) -> list[Row]:
        rows: list[Row] = []
        if not self.plan:
            return rows
        spec = self._filter
        phrase = fast_fold(spec.text) if spec.text.strip() else ""
        words = [phrase] if phrase else []  # the query as a phrase: "chuyen doi so" ≠ "chuyên… đổi… số"
        product_filter = bool(spec.lead_agency_id or spec.status or spec.overdue_only
                              or spec.due_within_days is not None)
        horizon = self.today + timedelta(days=spec.due_within_days) \
            if spec.due_within_days is not None else None
        filtering = bool(words) or product_filter or bool(spec.section_id)
        if words:
            self.ensure_index()
        task_folded = self._task_folded
        for section in self.plan.sections:
            if spec.section_id and section.id != spec.section_id:
                continue
            section_row = Row(KIND_SECTION, section)
            rows.append(section_row)
            shown = 0
            for task in section.tasks:
                if words:
                    haystack = task_folded[task.id]
                    if not all(w in haystack for w in words):
                        continue
                products = task.products
                if product_filter:
                    products = [p for p in products if self._product_passes(p, spec, horizon)]
                    if not products:
                        continue
                shown += 1
                if not products:
                    rows.append(Row(KIND_TASK, section, task, None, True, 1))
                    continue
                count = len(products)
                first = True
                for product in products:
                    rows.append(Row(KIND_PRODUCT, section, task, product, first, count if first else 1))
                    first = False
            if filtering and not shown and (spec.section_id != section.id):
                rows.pop()  # hide a section with no matching task
        return rows

    # -- counts for the status bar and the section pane ----------------------------------------
    def task_count(self) -> int:
        return sum(len(s.tasks) for s in self.plan.sections) if self.plan else 0

    def visible_task_count(self) -> int:
        return sum(1 for r in self._rows if r.kind != KIND_SECTION and r.first)

    def overdue_count(self) -> int:
        """Products overdue (in the whole plan, not only the visible rows)."""
        self.ensure_index()
        return sum(1 for info in self._info.values() if info.status == STATUS_OVERDUE)

    def section_counts(self) -> list[tuple[Section, int]]:
        return [(s, len(s.tasks)) for s in self.plan.sections] if self.plan else []

    def product_info(self, product_id: str) -> ProductInfo | None:
        for _section, task in (self.plan.iter_tasks() if self.plan else ()):
            for product in task.products:
                if product.id == product_id:
                    return self._pinfo(product)
        return None

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
            if role == Qt.DisplayRole:
                return HEADERS[section]
            if role == Qt.FontRole:
                return self._bold
            if role == Qt.ToolTipRole and section >= COL_DUE:
                return "Cột tính tự động từ «Thời gian thực hiện»"
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.DisplayRole:
            return self._display(row, col)
        if role == Qt.EditRole:
            return self._edit_value(row, col)
        if role == Qt.TextAlignmentRole:
            if row.kind == KIND_SECTION:
                return int(Qt.AlignLeft | Qt.AlignVCenter)
            if col == COL_STT:
                return int(Qt.AlignHCenter | Qt.AlignTop)
            return int(Qt.AlignLeft | Qt.AlignTop)
        if role == Qt.FontRole:
            if row.kind == KIND_SECTION:
                return self._bold
            return None
        if role == Qt.BackgroundRole:
            if row.kind == KIND_SECTION:
                return self._section_brush
            return None
        if role == Qt.ForegroundRole and row.product is not None:
            info = self._pinfo(row.product)
            if col == COL_STATUS or (col == COL_DUE and info.status == STATUS_OVERDUE):
                color = STATUS_COLORS.get(info.status)
                return QBrush(QColor(color)) if color else None
            if col in (COL_DEADLINE, COL_DUE) and info.status == STATUS_UNKNOWN and \
                    info.deadline.kind == UNKNOWN:
                return QBrush(QColor(STATUS_COLORS[STATUS_UNKNOWN]))
            return None
        if role == Qt.ToolTipRole:
            return self._tooltip(row, col)
        if role == RowKindRole:
            return row.kind
        if role == EntityIdRole:
            if row.kind == KIND_SECTION:
                return row.section.id
            return row.product.id if row.product is not None else row.task.id
        if role == TaskIdRole:
            return row.task.id if row.task is not None else None
        if role == StatusKeyRole and row.product is not None:
            return self._pinfo(row.product).status
        return None

    def _display(self, row: Row, col: int):
        if row.kind == KIND_SECTION:
            if col == COL_STT:
                return row.section.label
            return None
        task = row.task
        if col == COL_STT:
            return str(task.number) if row.first else None
        if col == COL_CONTENT:
            return task.content if row.first else None
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
            return STATUS_LABELS.get(info.status, info.status)
        return None

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
            return self._pinfo(row.product).due_tooltip
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

    def make_edit_command(self, row: int, col: int, value):
        from .commands import EditFieldCommand, SetAgenciesCommand
        target = self.edit_target(row, col, value)
        if target is None:
            return None
        entity, row_id, name, new, old = target
        if new == old:
            return None
        if entity == "agencies":
            return SetAgenciesCommand(self, row_id, name, old, new)
        return EditFieldCommand(self, entity, row_id, {name: new}, {name: old})

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid():
            return False
        command = self.make_edit_command(index.row(), index.column(), value)
        if command is None:
            return False
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()
        return command.ok

    # -- called by commands after the store has been written -----------------------------------
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
            for section, task in self.plan.iter_tasks():
                for product in task.products:
                    if product.id == row_id:
                        for key, value in fields.items():
                            setattr(product, key, value)
                        self._index_task(section, task)
                        changed_rows = [i for i, r in enumerate(self._rows) if r.product is product]
        self._emit_rows_changed(changed_rows)

    def apply_agencies(self, product_id: str, role: str) -> None:
        if not self.plan:
            return
        from cchc_desktop.domain import Agency
        for section, task in self.plan.iter_tasks():
            for product in task.products:
                if product.id == product_id:
                    links = [Agency(r[0], r[1]) for r in self.store.db.query(
                        "SELECT a.id, a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
                        "WHERE pa.product_id = ? AND pa.role = ? ORDER BY pa.position", (product_id, role))]
                    if role == ROLE_LEAD:
                        product.leads = links
                    else:
                        product.coordinators = links
                    self._index_task(section, task)
                    self._emit_rows_changed([i for i, r in enumerate(self._rows) if r.product is product])
                    return

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
        from .clipboard import rows_to_tsv
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
        from .commands import MoveTasksCommand
        command = MoveTasksCommand(self, task_ids, section_id, position)
        if not command.changes:
            return False
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()
        # The command did the move and reloaded; removeRows is not implemented, so a view that
        # "removes the source rows" after a successful move drop does nothing.
        return command.ok


def split_names(value: str) -> list[str]:
    """Agency cell text -> names (separated by ";" or new lines; commas stay inside names)."""
    out: list[str] = []
    for part in value.replace("\n", ";").split(";"):
        part = " ".join(part.split())
        if part and part not in out:
            out.append(part)
    return out
