"""The main window: plan picker, sections pane, appendix table (in a tab widget), details pane.

Other modules add tabs with one line: ``window.add_tab(widget, "Tổng quan")`` and extend the
details pane with ``window.details.add_panel(widget)``; they can follow the selection through
``window.currentTaskChanged(task_id, product_id)``.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QApplication, QComboBox, QFileDialog, QFrame,
                               QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem,
                               QMainWindow, QMessageBox, QScrollArea, QSplitter, QTabWidget,
                               QToolBar, QToolButton, QVBoxLayout, QWidget)
from shiboken6 import isValid

from cchc_desktop import APP_NAME, APP_VERSION
from cchc_desktop.db import LOCAL, NETWORK
from cchc_desktop.store import StoreError

from . import clipboard, settings
from .appendix_model import (COL_CONTENT, COL_COORD, COL_DEADLINE, COL_LEAD, COL_PRODUCT, COL_STT, KIND_SECTION,
                             AppendixModel, split_names)
from .appendix_view import AppendixView
from .busy import busy
from .busy import paused as busy_paused
from .commands import CreateCommand, DeleteCommand, EditFieldCommand, MoveCommand, MoveTasksCommand
from .delegates import AppendixDelegate
from .dialogs.import_preview import TARGET_CURRENT, TARGET_NEW, TARGET_SECTION, ImportPreviewDialog
from .dialogs.plan_properties import PlanPickerDialog, PlanPropertiesDialog, plan_label, unit_label
from .filter_bar import FilterBar
from .screen import fit_to_screen


# pasted columns that fill new rows (STT is numbered automatically, the last two are computed)
PASTE_FIELDS = {COL_CONTENT: "content", COL_PRODUCT: "description", COL_LEAD: "leads", COL_COORD: "coordinators",
                COL_DEADLINE: "deadline_text"}

IMPORT_FILTER = "Phụ lục CCHC (*.xlsx *.xlsm *.docx *.txt *.tsv *.csv);;Tất cả các tệp (*)"


class SectionPane(QWidget):
    """Left pane: the plan's sections with their task counts; add/rename/reorder."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 4)
        title = QLabel("<b>Các mục</b>", self)
        layout.addWidget(title)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.ElideNone)
        self.list.itemClicked.connect(self._jump)
        self.list.itemDoubleClicked.connect(lambda _i: window.rename_section())
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        for text, tip, slot in (("+", "Thêm mục", window.add_section),
                                ("Đổi tên", "Đổi tên mục", window.rename_section),
                                ("▲", "Chuyển mục lên", lambda: window.move_section(-1)),
                                ("▼", "Chuyển mục xuống", lambda: window.move_section(1))):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def refresh(self, model: AppendixModel) -> None:
        current = self.current_section_id()
        self.list.clear()
        for section, count in model.section_counts():
            item = QListWidgetItem(f"{section.numeral}. {section.title}  ({count})", self.list)
            item.setData(Qt.UserRole, section.id)
            item.setToolTip(f"{section.label}\n{count} nhiệm vụ")
            if section.id == current:
                self.list.setCurrentItem(item)

    def current_section_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item else None

    def select(self, section_id: str | None) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.UserRole) == section_id:
                self.list.setCurrentRow(i)
                return

    def _jump(self, item) -> None:
        self.window.view.select_entity("section", item.data(Qt.UserRole))


class DetailsPane(QScrollArea):
    """Right pane: the selected task and product, then added panels (status/evidence); scrolls
    vertically, never horizontally (everything wraps to the pane's width).
    Extend with `add_panel(widget)`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setMinimumWidth(240)
        body = QWidget(self)
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(8, 8, 8, 8)
        self.heading = QLabel("<b>Chi tiết nhiệm vụ</b>", body)
        self.body_layout.addWidget(self.heading)
        self.info = QLabel(body)
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.RichText)
        self.info.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.info.setMinimumWidth(100)
        self.body_layout.addWidget(self.info)
        self.extra = QVBoxLayout()
        self.body_layout.addLayout(self.extra)
        self.body_layout.addStretch(1)
        self.setWidget(body)
        self.show_nothing()

    def add_panel(self, widget: QWidget) -> None:
        """Add a widget (e.g. the status/evidence panel) under the task details."""
        self.extra.addWidget(widget)

    def show_nothing(self) -> None:
        self.info.setText("<i>Chọn một nhiệm vụ trong bảng để xem chi tiết.</i>")

    def show_row(self, model: AppendixModel, row) -> None:
        """The task, the selected product in full, the task's other products in one line each."""
        import html
        if row is None:
            self.show_nothing()
            return
        esc = html.escape
        if row.kind == KIND_SECTION:
            self.info.setText(f"<p><b>{esc(row.section.label)}</b></p>"
                              f"<p>{len(row.section.tasks)} nhiệm vụ</p>")
            return
        task = row.task
        parts = [f"<p style='color:#555'>{esc(row.section.label)}</p>",
                 f"<p><b>Nhiệm vụ {task.number}.</b> {esc(task.content)}</p>"]
        selected = row.product if row.product is not None else (task.products[0] if task.products else None)
        others = []
        for number, product in enumerate(task.products, 1):
            info = model.product_info(product.id)
            state = esc(info.status_label) if info else ""
            if product is not selected:
                text = product.description or "(trống)"
                text = text if len(text) <= 90 else text[:87] + "…"
                others.append(f"<li>{number}. {esc(text)} <span style='color:#555'>— {state}</span></li>")
                continue
            count = f" / {len(task.products)}" if len(task.products) > 1 else ""
            due = esc(info.due_label) if info else ""
            parts.append(
                f"<hr><p><b>Sản phẩm {number}{count}:</b> {esc(product.description) or '<i>(trống)</i>'}</p>"
                f"<p>Chủ trì: {esc(product.lead_names) or '—'}<br>"
                f"Phối hợp: {esc(product.coordinator_names) or '—'}<br>"
                f"Thời gian: {esc(product.deadline_text) or '—'}"
                f"<br><span style='color:#555'>{esc(info.due_tooltip) if info else ''}</span><br>"
                f"Hạn xử lý: {due or '—'}<br>Trạng thái: <b>{state}</b></p>")
        if others:
            parts.append("<p style='margin-bottom:0'>Các sản phẩm khác của nhiệm vụ:</p>"
                         f"<ul style='margin-left:-24px'>{''.join(others)}</ul>")
        self.info.setText("".join(parts))


class MainWindow(QMainWindow):
    currentTaskChanged = Signal(str, str)  # task id ("" for none), product id ("" for none)
    planChanged = Signal(str)

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)
        self.model = AppendixModel(store, self)
        self.model.undo_stack = self.undo_stack
        self.dialog_runner = lambda dialog: bool(dialog.exec())  # tests replace this
        self._agency_cache: list[str] | None = None
        self.actions: dict[str, QAction] = {}
        self._build_widgets()
        self._build_actions()
        self._build_menus()
        from .exchange_menu import install_exchange_menu  # «Trao đổi» menu (USB exchange, #6); dialogs load on use
        install_exchange_menu(self)
        self._build_toolbar()
        self._build_status_bar()
        self.model.countsChanged.connect(self._counts_changed)
        self.model.planLoaded.connect(self._plan_loaded)
        self.model.selectRequested.connect(self.view.select_entity)
        self.model.errorRaised.connect(self.show_error)
        # (not after close: the stack's destructor clears it, by then the store may be closed)
        self.undo_stack.indexChanged.connect(
            lambda _i: None if getattr(self, "_closed", False) else self._invalidate_agencies())
        self._install_tracking()
        self._install_reports()
        fit_to_screen(self, 1366, 768)   # the whole window, status bar included, on a 1366×768 screen

    # -- progress tracking (issue #4: ui/dashboard.py, ui/status_panel.py, ui/bulk_update.py) -----
    def _install_tracking(self) -> None:
        from .status_panel import StatusPanel

        self.dashboard = None
        self.dashboard_page = None
        self.status_panel = StatusPanel(self.store, self, undo_stack=self.undo_stack)
        self.details.add_panel(self.status_panel)
        self.status_panel.setVisible(False)
        self.currentTaskChanged.connect(self._tracking_product_changed)
        self.status_panel.statusSaved.connect(self._tracking_refresh)
        self.planChanged.connect(self._tracking_plan_changed)
        self.tabs.currentChanged.connect(self._tracking_tab_changed)
        bulk = QAction("Cập nhật tình trạng nhiều sản phẩm…", self)
        bulk.triggered.connect(self.bulk_update_selection)
        self.actions["bulk_status"] = bulk
        self.menus["Nhiệm vụ"].addSeparator()
        self.menus["Nhiệm vụ"].addAction(bulk)
        # «Theo dõi» menu: dashboard, targets, report settings
        from PySide6.QtWidgets import QMenu
        menu = QMenu("Th&eo dõi", self)
        for name, text, slot in (("show_dashboard", "&Bảng theo dõi tiến độ", self.show_dashboard),
                                 ("bulk_status", None, None),
                                 ("targets", "&Chỉ tiêu của kế hoạch…", self.edit_targets),
                                 ("report_settings", "Cài đặt &kỳ báo cáo…", self.edit_report_settings)):
            if text is None:
                menu.addAction(self.actions[name])
                continue
            action = QAction(text, self)
            action.triggered.connect(lambda _checked=False, f=slot: f())
            self.actions[name] = action
            menu.addAction(action)
        self.menuBar().insertMenu(self.menus["Trợ giúp"].menuAction(), menu)
        self.menus["Theo dõi"] = menu
        self.menus["Tệp"].insertAction(self.actions["import"], self.actions["report_settings"])

    # -- reports (issue #5: ui/report_dialog.py, ui/header_settings_dialog.py) ----------------------
    def _install_reports(self) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu("&Báo cáo", self)
        entries = (("reports", "&Lập báo cáo, xem trước, in, xuất Excel…", self.open_reports, "Ctrl+Shift+P"),
                   ("report_header", "&Tiêu đề và người ký văn bản…", self.edit_report_header, None))
        for name, text, slot, shortcut in entries:
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, f=slot: f())
            self.addAction(action)
            self.actions[name] = action
            menu.addAction(action)
        self.menuBar().insertMenu(self.menus["Trợ giúp"].menuAction(), menu)
        self.menus["Báo cáo"] = menu

    def open_reports(self) -> None:
        from .report_dialog import ReportDialog

        if not self.model.plan_id:
            self.show_error("Hãy mở một kế hoạch trước khi lập báo cáo.")
            return
        self.dialog_runner(ReportDialog(self.store, self.model.plan_id, self))

    def edit_report_header(self) -> None:
        from .header_settings_dialog import HeaderSettingsDialog

        if self.model.plan_id:
            self.dialog_runner(HeaderSettingsDialog(self.store, self.model.plan_id, self))

    def _tracking_plan_changed(self, plan_id: str) -> None:
        self.status_panel.set_product(None)
        if not plan_id or (self.dashboard is None and getattr(self, "defer_dashboard", False)):
            return   # (at start: built after the table's first paint, ui/startup.py)
        if self.dashboard is None:
            from .dashboard import DashboardWidget

            self.dashboard = DashboardWidget(self.store, plan_id, self, ref_date=self.model.ref_date)
            self.dashboard.taskActivated.connect(self._tracking_jump)
            self.dashboard.refDateChanged.connect(self.set_ref_date)
            self.dashboard.whole_plan_overdue = self.model.overdue_count
            self.dashboard.undo_stack = self.undo_stack
            # Big tab contents scroll instead of forcing the window taller than a 1366×768 screen.
            self.dashboard_page = QScrollArea(self)
            self.dashboard_page.setWidgetResizable(True)
            self.dashboard_page.setFrameShape(QFrame.NoFrame)
            self.dashboard_page.setWidget(self.dashboard)
            self.add_tab(self.dashboard_page, "Theo dõi tiến độ")
        else:
            self.dashboard.set_plan(plan_id)

    def show_dashboard(self) -> None:
        if self.dashboard_page is not None:
            self.tabs.setCurrentWidget(self.dashboard_page)

    def edit_targets(self):
        """«Chỉ tiêu của kế hoạch…»: add, edit, delete targets; enter actual values (undoable)."""
        from .targets_dialog import TargetsDialog

        if not self.model.plan_id:
            return None
        dialog = TargetsDialog(self.store, self.model.plan_id, self, self.undo_stack,
                               self.dashboard.period_key() if self.dashboard else None,
                               on_change=lambda: self._tracking_refresh([]))
        self.dialog_runner(dialog)
        return dialog

    def edit_report_settings(self) -> bool:
        """«Cài đặt kỳ báo cáo…»: the plan's report due days (one undo step)."""
        from .report_settings_dialog import edit_report_settings

        if not self.model.plan_id:
            return False
        return edit_report_settings(self.store, self.model.plan_id, self, self.undo_stack, self.dialog_runner,
                                    on_change=self._settings_changed, message=self.show_message)

    def _settings_changed(self) -> None:
        if self.dashboard is not None:
            self.dashboard.reload_settings()
        self._tracking_refresh()

    def show_message(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def _tracking_jump(self, task_id: str, product_id: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.view.select_entity("product" if product_id else "task", product_id or task_id)

    def set_ref_date(self, value) -> None:
        """The reference date of the table's "Trạng thái"/"Hạn xử lý", the overdue filter and count,
        the status panel and the dashboard (default today)."""
        from datetime import date
        value = value or date.today()
        self.model.set_ref_date(None if value == date.today() else value)
        if self.dashboard is not None and self.dashboard.ref_date() != value:
            self.dashboard.set_ref_date(value)
        if self.status_panel.product_id:   # the tracking period containing the new date
            self.status_panel.set_product(self.status_panel.product_id, ref=value)
        self.status_panel.ref = value
        self._counts_changed()

    def bulk_update_selection(self) -> None:
        from .bulk_update import BulkUpdateDialog

        indexes = self.view.selectionModel().selectedIndexes() or [self.view.currentIndex()]
        ids = []
        for index in (i for i in indexes if i.isValid()):
            row = self.model.row_info(index.row())
            products = [row.product] if row.product is not None else (row.task.products if row.task else [])
            ids.extend(p.id for p in products if p.id not in ids)
        if not ids:
            self.show_error("Hãy chọn các sản phẩm cần cập nhật tình trạng trong bảng.")
            return
        period = self.dashboard.period_key() if self.dashboard else str(self.model.plan.year_start)
        dialog = BulkUpdateDialog(self.store, ids, period, self.undo_stack, self,
                                  ref=self.model.ref_date, on_change=lambda: self._tracking_refresh(ids))
        self.dialog_runner(dialog)

    def _tracking_product_changed(self, _task_id: str, product_id: str) -> None:
        self.status_panel.set_product(product_id or None, ref=self.model.ref_date)
        self.status_panel.setVisible(bool(product_id))   # no empty grey form when nothing is selected

    def _tracking_tab_changed(self, index: int) -> None:
        if self.dashboard is not None and self.tabs.widget(index) is self.dashboard_page:
            self.dashboard.refresh()

    def _tracking_refresh(self, product_ids=None) -> None:
        """Recorded statuses changed (status panel, bulk update, their undo/redo, settings):
        refresh the table's states, the overdue count, the dashboard and the status panel."""
        if isinstance(product_ids, str):
            product_ids = [product_ids]
        self.model.refresh_statuses(product_ids)
        if self.dashboard is not None:
            if self.tabs.currentWidget() is self.dashboard_page:   # else: refreshed when shown
                self.dashboard.refresh()
        if self.status_panel.product_id and self.status_panel.ctx:
            self.status_panel._load()

    # -- construction ----------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.view = AppendixView(self)
        self.view.setModel(self.model)
        self.delegate = AppendixDelegate(self.view, self.agency_names)
        self.view.setItemDelegate(self.delegate)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.filter_bar = FilterBar(self)
        self.filter_bar.filterChanged.connect(self.model.set_filter)
        appendix_page = QWidget(self)
        page_layout = QVBoxLayout(appendix_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self.filter_bar)
        page_layout.addWidget(self.view, 1)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(appendix_page, "Phụ lục nhiệm vụ")
        self.sections = SectionPane(self)
        self.details = DetailsPane(self)
        self.splitter = QSplitter(Qt.Horizontal, self)
        self.splitter.addWidget(self.sections)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)     # extra width goes to the table
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([165, 931, 270])  # at 1366 px: the table gets about two thirds
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab next to the appendix (e.g. "Tổng quan")."""
        return self.tabs.addTab(widget, title)

    def _action(self, name: str, text: str, slot, shortcut=None, *, table_only: bool = False,
                tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        if table_only:
            # Del, Insert, Ctrl+C/V… act on the table only, never while typing in the search box.
            action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.view.addAction(action)
        else:
            self.addAction(action)
        self.actions[name] = action
        return action

    def _build_actions(self) -> None:
        a = self._action
        a("new_plan", "&Tạo kế hoạch mới…", self.new_plan, QKeySequence.New)
        a("open_plan", "&Mở kế hoạch…", self.open_plan_dialog, QKeySequence.Open)
        a("duplicate_plan", "&Nhân bản kế hoạch…", self.duplicate_plan)
        a("plan_properties", "T&huộc tính kế hoạch…", self.edit_plan_properties, "Alt+Return")
        a("import", "Nhậ&p phụ lục từ tệp (Excel, Word, văn bản)…", self.import_file_dialog, "Ctrl+I")
        a("quit", "Th&oát", self.close, QKeySequence.Quit)
        undo = self.undo_stack.createUndoAction(self, "&Hoàn tác")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = self.undo_stack.createRedoAction(self, "&Làm lại")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        for name, action in (("undo", undo), ("redo", redo)):
            self.addAction(action)
            self.actions[name] = action
        a("copy", "&Sao chép", self.copy_selection, QKeySequence.Copy, table_only=True)
        a("paste", "&Dán vào các ô", self.paste, QKeySequence.Paste, table_only=True)
        a("paste_tasks", "Dán thành &nhiệm vụ mới…", self.paste_as_tasks, "Ctrl+Shift+V", table_only=True)
        a("edit_cell", "Sửa ô đang chọn", self.edit_current, "F2", table_only=True)
        a("find", "&Tìm và lọc", self.filter_bar.focus_search, QKeySequence.Find)
        a("clear_filter", "&Bỏ lọc", self.filter_bar.clear, "Ctrl+Shift+F")
        a("add_task", "&Thêm nhiệm vụ vào cuối mục", self.add_task, "Ctrl+Return", table_only=True)
        a("insert_task", "&Chèn nhiệm vụ phía trên", self.insert_task, "Insert", table_only=True)
        a("duplicate_task", "&Nhân bản nhiệm vụ", self.duplicate_task, "Ctrl+D", table_only=True)
        a("add_product", "Thêm &hoạt động/sản phẩm", self.add_product, "Ctrl+Shift+Return", table_only=True)
        a("delete", "&Xóa dòng đang chọn", self.delete_selection, QKeySequence.Delete, table_only=True)
        a("move_up", "Chuyển &lên", lambda: self.move_current(-1), "Ctrl+Up", table_only=True)
        a("move_down", "Chuyển xuốn&g", lambda: self.move_current(1), "Ctrl+Down", table_only=True)
        a("move_to_section", "Chuyển &sang mục…", self.move_to_section, "Ctrl+M", table_only=True,
          tip="Chuyển các nhiệm vụ đang chọn xuống cuối một mục khác")
        a("add_section", "Thêm &mục", self.add_section)
        a("rename_section", "Đổi tên mục…", self.rename_section)
        a("section_up", "Chuyển mục lên", lambda: self.move_section(-1))
        a("section_down", "Chuyển mục xuống", lambda: self.move_section(1))
        a("delete_section", "Xóa mục…", self.delete_section)
        a("shortcuts", "&Phím tắt", self.show_shortcuts, QKeySequence.HelpContents)
        a("about", "&Giới thiệu", self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        act = self.actions
        menus = {
            "&Tệp": ["new_plan", "open_plan", "duplicate_plan", "plan_properties", None, "import", None,
                     "quit"],
            "&Sửa": ["undo", "redo", None, "copy", "paste", "paste_tasks", None, "edit_cell", None, "find",
                     "clear_filter"],
            "&Xem": [],
            "&Nhiệm vụ": ["add_task", "insert_task", "duplicate_task", "add_product", None, "move_up",
                          "move_down", "move_to_section", "delete", None, "add_section", "rename_section",
                          "section_up", "section_down", "delete_section"],
            "T&rợ giúp": ["shortcuts", "about"],
        }
        self.menus = {}
        for title, names in menus.items():
            menu = bar.addMenu(title)
            self.menus[title.replace("&", "")] = menu
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(act[name])
        view_menu = self.menus["Xem"]
        for title, widget in (("Bảng các mục", self.sections), ("Chi tiết nhiệm vụ", self.details)):
            toggle = QAction(title, self)
            toggle.setCheckable(True)
            toggle.setChecked(True)
            toggle.toggled.connect(widget.setVisible)
            view_menu.addAction(toggle)
            self.actions["toggle_" + ("sections" if widget is self.sections else "details")] = toggle
        view_menu.addSeparator()
        view_menu.addAction(act["find"])
        view_menu.addAction(act["clear_filter"])

    def _build_toolbar(self) -> None:
        bar = QToolBar("Thanh công cụ", self)
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        bar.addWidget(QLabel(" Kế hoạch: ", self))
        self.plan_combo = QComboBox(self)
        self.plan_combo.setMinimumContentsLength(36)
        self.plan_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.plan_combo.activated.connect(self._plan_combo_activated)
        bar.addWidget(self.plan_combo)
        short = {"new_plan": "Tạo mới", "plan_properties": "Thuộc tính", "import": "Nhập tệp",
                 "add_task": "+ Nhiệm vụ", "add_product": "+ Sản phẩm", "delete": "Xóa",
                 "undo": "Hoàn tác", "redo": "Làm lại"}
        for name in ("new_plan", "plan_properties", "import", None, "add_task", "add_product", "delete",
                     None, "undo", "redo"):
            if name is None:
                bar.addSeparator()
                continue
            button = QToolButton(self)
            button.setDefaultAction(self.actions[name])
            self._short_button_text(button, name, short[name])
            # «Hoàn tác»/«Làm lại» change their text with every command ("Hoàn tác Di chuyển nhiệm vụ"):
            # keep the button short (the toolbar no longer jumps), the full text is in the tooltip
            self.actions[name].changed.connect(
                lambda b=button, n=name: self._short_button_text(b, n, short[n]))
            bar.addWidget(button)
        self.addToolBar(bar)

    def _short_button_text(self, button: QToolButton, name: str, text: str) -> None:
        action = self.actions[name]
        if not (isValid(button) and isValid(action)):   # window being destroyed
            return
        button.setText(text)
        button.setToolTip(action.text().replace("&", "")
                          + (f" ({action.shortcut().toString(QKeySequence.NativeText)})"
                             if not action.shortcut().isEmpty() else ""))

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.task_label = QLabel(self)
        self.overdue_label = QLabel(self)
        self.db_label = QLabel(self)
        self.db_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        status.addPermanentWidget(self.task_label)
        status.addPermanentWidget(self.overdue_label)
        status.addPermanentWidget(self.db_label, 1)
        storage = getattr(self.store.db, "storage", LOCAL)
        where = f"Cơ sở dữ liệu: {self.store.db.path}"
        if storage == NETWORK:
            where += " — ⚠ thư mục mạng: chỉ một người mở tại một thời điểm"
        elif storage != LOCAL:
            where += " — ổ di động"
        self.db_label.setText(where)
        self.db_label.setToolTip(str(self.store.db.path))

    # -- plans -----------------------------------------------------------------------------------
    def open_plan(self, plan_id: str | None) -> None:
        if self.view.state() == AppendixView.EditingState:
            self.view.setFocus()
        self.undo_stack.clear()
        self.model.load(plan_id)
        self.planChanged.emit(plan_id or "")

    def open_initial_plan(self) -> None:
        plans = self.store.list_plans()
        wanted = settings.last_plan_id()
        ids = [p["id"] for p in plans]
        self.open_plan(wanted if wanted in ids else (ids[0] if ids else None))

    def _refresh_plan_combo(self) -> None:
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in self.store.list_plans():
            self.plan_combo.addItem(plan_label(plan), plan["id"])
        self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(self.model.plan_id)))
        self.plan_combo.blockSignals(False)

    def _plan_combo_activated(self, index: int) -> None:
        plan_id = self.plan_combo.itemData(index)
        if plan_id and plan_id != self.model.plan_id:
            self.open_plan(plan_id)

    def _plan_loaded(self) -> None:
        plan = self.model.plan
        if plan:
            unit = unit_label(plan.unit_kind, plan.unit_name)
            self.setWindowTitle(f"Kế hoạch CCHC năm {plan.period_label} — {unit} — {APP_NAME}")
            self.filter_bar.set_sections([(s.id, s.label) for s in plan.sections])
        else:
            self.setWindowTitle(APP_NAME)
            self.filter_bar.set_sections([])
        self._invalidate_agencies()
        self._refresh_plan_combo()
        self.sections.refresh(self.model)

    def new_plan(self) -> None:
        dialog = PlanPropertiesDialog(None, self)
        if not self.dialog_runner(dialog):
            return
        values = dialog.values()
        try:
            plan_id = self.store.create_plan(**values)
            self.store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
        except (StoreError, ValueError) as exc:
            self.show_error(str(exc))
            return
        self.open_plan(plan_id)

    def open_plan_dialog(self) -> None:
        dialog = PlanPickerDialog(self.store.list_plans(), self.model.plan_id, self)
        if self.dialog_runner(dialog) and dialog.selected_plan_id():
            self.open_plan(dialog.selected_plan_id())

    def duplicate_plan(self) -> None:
        plan = self.model.plan
        if plan is None:
            return
        dialog = PlanPropertiesDialog(plan, self, title="Nhân bản kế hoạch")
        dialog.year_start.setValue(plan.year_start + 1)
        dialog.year_end.setValue(plan.year_end + 1)
        dialog.doc_number.clear()
        dialog.has_date.setChecked(False)
        if not self.dialog_runner(dialog):
            return
        values = dialog.values()
        values["status"] = "draft"
        try:
            new_id = self.store.duplicate_plan(plan.id, **values)
        except (StoreError, ValueError) as exc:
            self.show_error(str(exc))
            return
        self.open_plan(new_id)
        self.statusBar().showMessage("Đã nhân bản kế hoạch.", 5000)

    def edit_plan_properties(self) -> None:
        plan = self.model.plan
        if plan is None:
            return
        dialog = PlanPropertiesDialog(plan, self)
        if not self.dialog_runner(dialog):
            return
        new = dialog.values()
        old = {k: getattr(plan, k) for k in new}
        changed = {k: v for k, v in new.items() if old[k] != v}
        if changed:
            self.undo_stack.push(EditFieldCommand(self.model, "plan", plan.id, changed,
                                                  {k: old[k] for k in changed}, "Sửa thuộc tính kế hoạch"))

    # -- selection ---------------------------------------------------------------------------------
    def current_row(self):
        index = self.view.currentIndex()
        return self.model.row_info(index.row()) if index.isValid() else None

    def _current_changed(self, current, _previous) -> None:
        row = self.model.row_info(current.row()) if current.isValid() else None
        self.details.show_row(self.model, row)
        if row is not None:
            self.sections.select(row.section.id)
        task_id = row.task.id if row is not None and row.task is not None else ""
        product_id = row.product.id if row is not None and row.product is not None else ""
        self.currentTaskChanged.emit(task_id, product_id)

    def _counts_changed(self) -> None:
        total = self.model.task_count()
        shown = self.model.visible_task_count()
        self.task_label.setText(f"{total} nhiệm vụ" + (f" (đang hiện {shown})" if shown != total else ""))
        if self.model.index_ready:  # else: updated when the idle-time index is complete
            from datetime import date
            overdue = self.model.overdue_count()
            ref = self.model.ref_date
            when = f" (tính đến {ref:%d/%m/%Y})" if ref != date.today() else ""
            self.overdue_label.setText(f"<span style='color:#b3261e'>{overdue} sản phẩm quá hạn{when}</span>"
                                       if overdue else f"Không có sản phẩm quá hạn{when}")
            self.overdue_label.setToolTip("Theo tình trạng đã ghi nhận, như thẻ «Quá hạn» của "
                                          "«Theo dõi tiến độ» với kỳ báo cáo cả năm")
        else:
            self.overdue_label.setText("Đang tính hạn…")
        self.filter_bar.set_count(shown, total)
        self.sections.refresh(self.model)
        current = self.view.currentIndex()
        self.details.show_row(self.model, self.model.row_info(current.row()) if current.isValid() else None)

    # -- agency catalogue --------------------------------------------------------------------------
    def agency_names(self) -> list[str]:
        if self._agency_cache is None:
            agencies = self.store.agencies()
            self._agency_cache = [a.name for a in agencies]
            self.filter_bar.set_agencies([(a.id, a.name) for a in agencies])
        return self._agency_cache

    def _invalidate_agencies(self) -> None:
        self._agency_cache = None
        self.agency_names()

    # -- editing helpers ---------------------------------------------------------------------------
    def _push(self, command) -> bool:
        self.undo_stack.push(command)
        return command.ok

    def edit_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.edit(index)

    def _target_section(self):
        row = self.current_row()
        if row is not None:
            return row.section
        section_id = self.sections.current_section_id()
        if section_id:
            return self.model.find_section(section_id)
        plan = self.model.plan
        return plan.sections[-1] if plan and plan.sections else None

    def _new_task(self, section_id: str, position: int | None, content: str = "", products=None):
        def create():
            task_id = self.store.add_task(section_id, content, position)
            for product in (products if products is not None else [None]):
                if product is None:
                    self.store.add_product(task_id)
                else:
                    self.store.add_product(task_id, product.description, product.deadline_text,
                                           [a.name for a in product.leads],
                                           [a.name for a in product.coordinators])
            return [("task", task_id)]
        return create

    def add_task(self) -> None:
        section = self._target_section()
        if section is None:
            self.add_section()
            section = self._target_section()
            if section is None:
                return
        if self._push(CreateCommand(self.model, "Thêm nhiệm vụ", self._new_task(section.id, None))):
            self._edit_selected_content()

    def insert_task(self) -> None:
        row = self.current_row()
        if row is None or row.task is None:
            return self.add_task()
        position = row.section.tasks.index(row.task)
        if self._push(CreateCommand(self.model, "Chèn nhiệm vụ", self._new_task(row.section.id, position))):
            self._edit_selected_content()

    def _edit_selected_content(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.isVisible():
            self.view.edit(self.model.index(index.row(), COL_CONTENT))

    def duplicate_task(self) -> None:
        row = self.current_row()
        if row is None or row.task is None:
            return
        position = row.section.tasks.index(row.task) + 1
        self._push(CreateCommand(self.model, "Nhân bản nhiệm vụ",
                                 self._new_task(row.section.id, position, row.task.content,
                                                row.task.products)))

    def add_product(self) -> None:
        row = self.current_row()
        if row is None or row.task is None:
            return
        task_id = row.task.id
        position = row.task.products.index(row.product) + 1 if row.product is not None else None

        def create():
            return [("product", self.store.add_product(task_id, position=position))]
        if self._push(CreateCommand(self.model, "Thêm hoạt động/sản phẩm", create)):
            index = self.view.currentIndex()
            if index.isValid() and self.isVisible():
                self.view.edit(self.model.index(index.row(), COL_PRODUCT))

    def delete_selection(self) -> None:
        indexes = self.view.selectionModel().selectedIndexes() or [self.view.currentIndex()]
        indexes = [i for i in indexes if i.isValid()]
        if not indexes:
            return
        tasks, products, sections = [], [], []
        for index in indexes:
            row = self.model.row_info(index.row())
            if row.kind == KIND_SECTION:
                sections.append(row.section)
            elif index.column() in (COL_STT, COL_CONTENT) or row.product is None:
                if row.task not in tasks:
                    tasks.append(row.task)
            elif row.product not in products:
                products.append(row.product)
        if sections and not tasks and not products:
            return self.delete_section(sections[0])
        # a product whose task is deleted anyway, or all products of a task selected -> the task
        by_task: dict[str, list] = {}
        for product in products:
            by_task.setdefault(product.task_id, []).append(product)
        targets = [("task", t.id) for t in tasks]
        for task_id, chosen in by_task.items():
            if any(t.id == task_id for t in tasks):
                continue
            _section, task = self.model.find_task(task_id)
            if task is not None and len(chosen) == len(task.products):
                targets.append(("task", task_id))
            else:
                targets.extend(("product", p.id) for p in chosen)
        if not targets:
            return
        n_tasks = sum(1 for e, _ in targets if e == "task")
        n_products = len(targets) - n_tasks
        what = ", ".join(x for x in (f"{n_tasks} nhiệm vụ" if n_tasks else "",
                                     f"{n_products} sản phẩm" if n_products else "") if x)
        self._push(DeleteCommand(self.model, f"Xóa {what}", targets))
        self.statusBar().showMessage(f"Đã xóa {what}. Nhấn Ctrl+Z để hoàn tác.", 6000)

    def move_current(self, step: int) -> None:
        row = self.current_row()
        if row is None:
            return
        if row.kind == KIND_SECTION:
            return self.move_section(step, row.section)
        index = self.view.currentIndex()
        task = row.task
        if row.product is not None and len(task.products) > 1 and index.column() >= COL_PRODUCT:
            position = task.products.index(row.product) + step
            if 0 <= position < len(task.products):
                self._push(MoveCommand(self.model, "Di chuyển sản phẩm", "product", row.product.id, position))
                self.view.select_entity("product", row.product.id)
            return
        sections = self.model.plan.sections
        position = row.section.tasks.index(task) + step
        section = row.section
        if position < 0 or position >= len(section.tasks):
            # across the section boundary: end of the previous / start of the next section
            neighbour = sections.index(section) + step
            if not 0 <= neighbour < len(sections):
                return
            section = sections[neighbour]
            position = len(section.tasks) if step < 0 else 0
        command = MoveCommand(self.model, "Di chuyển nhiệm vụ", "task", task.id, position, section.id)
        if command.changes:
            self._push(command)

    def selected_tasks(self) -> list:
        """The tasks of the selected rows (or of the current row), in table order."""
        tasks = []
        for row in self.view.selected_rows():
            info = self.model.row_info(row)
            if info is not None and info.task is not None and info.task not in tasks:
                tasks.append(info.task)
        return tasks

    def move_to_section(self, section_id: str | None = None) -> bool:
        """«Chuyển sang mục…»: the selected tasks go to the end of a chosen section, in their order,
        as one undoable step (the command drag-and-drop uses); the selection follows them."""
        from .dialogs.move_to_section import MoveToSectionDialog

        plan = self.model.plan
        tasks = self.selected_tasks()
        if plan is None or not tasks:
            self.statusBar().showMessage("Hãy chọn nhiệm vụ cần chuyển sang mục khác.", 5000)
            return False
        if section_id is None:
            row = self.current_row()
            current = row.section.id if row is not None else None
            dialog = MoveToSectionDialog(plan.sections, current, len(tasks), self)
            if not self.dialog_runner(dialog):
                return False
            section_id = dialog.section_id()
        section = self.model.find_section(section_id) if section_id else None
        if section is None:
            return False
        task_ids = [t.id for t in tasks]
        command = MoveTasksCommand(self.model, task_ids, section.id, len(section.tasks))
        if not command.changes:
            self.statusBar().showMessage("Nhiệm vụ đã ở cuối mục này.", 5000)
            return False
        if not self._push(command):
            return False
        self._select_tasks(task_ids)
        what = "nhiệm vụ" if len(task_ids) == 1 else f"{len(task_ids)} nhiệm vụ"
        self.statusBar().showMessage(f"Đã chuyển {what} sang mục {section.numeral}. Nhấn Ctrl+Z để hoàn tác.",
                                     6000)
        return True

    def _select_tasks(self, task_ids: list[str]) -> None:
        """Select the rows of these tasks, the first one current."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        rows = [self.model.find_row("task", task_id) for task_id in task_ids]
        rows = [r for r in rows if r >= 0]
        if not rows:
            return
        self.view.select_entity("task", task_ids[0])
        if len(rows) > 1:
            selection = QItemSelection()
            last_col = self.model.columnCount() - 1
            for row in rows:
                info = self.model.row_info(row)
                end = row + max(1, info.group_len) - 1
                selection.select(self.model.index(row, 0), self.model.index(end, last_col))
            self.view.selectionModel().select(selection, QItemSelectionModel.ClearAndSelect)

    # -- sections ----------------------------------------------------------------------------------
    def add_section(self) -> None:
        plan = self.model.plan
        if plan is None:
            return
        title, ok = QInputDialog.getText(self, "Thêm mục", "Tên mục (ví dụ: CẢI CÁCH THỂ CHẾ):")
        title = " ".join(title.split())
        if not ok or not title:
            return
        current = self._target_section()
        position = plan.sections.index(current) + 1 if current in plan.sections else None
        plan_id = plan.id

        def create():
            return [("section", self.store.add_section(plan_id, title, position))]
        self._push(CreateCommand(self.model, "Thêm mục", create))

    def rename_section(self) -> None:
        section = self._target_section()
        if section is None:
            return
        title, ok = QInputDialog.getText(self, "Đổi tên mục", f"Tên mới của mục {section.numeral}:",
                                         text=section.title)
        title = " ".join(title.split())
        if ok and title and title != section.title:
            self._push(EditFieldCommand(self.model, "section", section.id, {"title": title},
                                        {"title": section.title}, "Đổi tên mục"))

    def move_section(self, step: int, section=None) -> None:
        section = section or self._target_section()
        plan = self.model.plan
        if section is None or plan is None:
            return
        position = plan.sections.index(section) + step
        if 0 <= position < len(plan.sections):
            self._push(MoveCommand(self.model, "Di chuyển mục", "section", section.id, position))

    def delete_section(self, section=None) -> None:
        section = section or self._target_section()
        if section is None:
            return
        if section.tasks:
            answer = QMessageBox.question(
                self, "Xóa mục", f"Xóa mục «{section.label}» cùng {len(section.tasks)} nhiệm vụ?\n"
                "(Có thể hoàn tác bằng Ctrl+Z.)", QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            if answer != QMessageBox.Yes:
                return
        self._push(DeleteCommand(self.model, "Xóa mục", [("section", section.id)]))

    # -- clipboard ---------------------------------------------------------------------------------
    def copy_selection(self) -> None:
        indexes = self.view.selectionModel().selectedIndexes()
        if not indexes:
            return
        rows = self.view.selected_rows()
        columns = sorted({i.column() for i in indexes})
        whole = len(columns) == self.model.columnCount() or columns == [COL_STT] or (
            len(rows) > 1 and set(columns) >= {COL_STT, COL_CONTENT})
        mime = clipboard.make_mime(self.model, rows, None if whole else columns)
        QApplication.clipboard().setMimeData(mime)
        self.statusBar().showMessage(f"Đã sao chép {len(rows)} dòng.", 3000)

    def paste(self, mime=None) -> int:
        """Paste a block into the cells from the current cell; block rows past the last row of the
        section become new rows there (a row with "Nội dung/Nhiệm vụ" a new task, else a new product
        of the task above). One undo step. Returns the number of cells changed or created."""
        mime = mime or QApplication.clipboard().mimeData()
        block = clipboard.block_from_mime(mime)
        if not block:
            return 0
        start = self.view.currentIndex()
        selected = self.view.selectionModel().selectedIndexes()
        if not start.isValid():
            return 0
        commands = []
        extra: list[list[str]] = []      # block rows past the end of the section
        left = start.column()
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            targets = [(i.row(), i.column(), block[0][0]) for i in selected]
        else:
            top = min((i.row() for i in selected), default=start.row())
            left = min((i.column() for i in selected), default=start.column())
            section = self.model.row_info(top).section
            targets = []
            for r, cells in enumerate(block):
                info = self.model.row_info(top + r)
                if extra or info is None or (r > 0 and info.kind == KIND_SECTION) or info.section is not section:
                    extra.append(cells)       # never spill into the next section's rows
                    continue
                targets.extend((top + r, left + c, value) for c, value in enumerate(cells))
        for row, col, value in targets:
            if row >= self.model.rowCount() or col >= self.model.columnCount():
                continue
            command = self.model.make_edit_command(row, col, value)
            if command is not None:
                commands.append(command)
        create = self._paste_rows_creator(extra, left, top) if extra else None
        if not commands and create is None:
            self.statusBar().showMessage("Không có ô nào thay đổi (các ô tính tự động không dán được).", 5000)
            return 0
        created_cells = sum(1 for cells in extra for c, v in enumerate(cells)
                            if v.strip() and left + c in PASTE_FIELDS) if extra else 0
        total = len(commands) + created_cells
        what = f"Dán {len(commands)} ô" + (f", thêm {len(extra)} dòng" if extra else "")
        self.undo_stack.beginMacro(what)
        for command in commands:
            self.undo_stack.push(command)
        if create is not None:
            self.undo_stack.push(CreateCommand(self.model, f"Thêm {len(extra)} dòng khi dán", create))
        self.undo_stack.endMacro()
        self.statusBar().showMessage(f"Đã dán {total} ô" + (f", thêm {len(extra)} dòng mới" if extra else "")
                                     + ". Nhấn Ctrl+Z để hoàn tác.", 5000)
        return total

    def _paste_rows_creator(self, rows: list[list[str]], left: int, top: int):
        """create() for CreateCommand: new tasks/products in the section of row `top`, after the
        last task the paste reached."""
        section = self.model.row_info(top).section
        reached = [r.task for r in self.model.rows()[top:] if r.section is section and r.task is not None]
        last_task = reached[-1] if reached else (section.tasks[-1] if section.tasks else None)
        position = section.tasks.index(last_task) + 1 if last_task in section.tasks else len(section.tasks)
        task_id = last_task.id if last_task is not None else None
        has_content = left <= COL_CONTENT < left + max(len(r) for r in rows)
        specs = []
        for cells in rows:
            values = {PASTE_FIELDS[left + c]: value for c, value in enumerate(cells) if left + c in PASTE_FIELDS}
            if not any(v.strip() for v in values.values()):
                continue
            new_task = has_content and values.get("content", "").strip() or task_id is None
            specs.append((bool(new_task), values))
            if new_task:
                task_id = "new"
        if not specs:
            return None
        store, section_id, first_task_id = self.store, section.id, last_task.id if last_task else None

        def create():
            created = []
            at, current, current_is_new = position, first_task_id, False
            for new_task, values in specs:
                if new_task:
                    current = store.add_task(section_id, values.get("content", "").strip(), at)
                    at += 1
                    current_is_new = True
                    created.append(("task", current))
                product = store.add_product(current, values.get("description", "").strip(),
                                            values.get("deadline_text", "").strip(),
                                            split_names(values.get("leads", "")),
                                            split_names(values.get("coordinators", "")))
                if not current_is_new:     # (products of a new task come and go with it)
                    created.append(("product", product))
            return created
        return create

    def paste_as_tasks(self, mime=None) -> bool:
        """Paste rows copied from Excel/Word as new tasks, through the importer's preview."""
        mime = mime or QApplication.clipboard().mimeData()
        block = clipboard.block_from_mime(mime)
        if not block:
            self.show_error("Bộ nhớ tạm không có bảng để dán.")
            return False
        from cchc_desktop.importers import ImportFailure, read_appendix_text
        try:
            with busy(self, "Đang đọc dữ liệu dán…"):
                draft = read_appendix_text(clipboard.block_to_import_text(block))
        except ImportFailure as exc:
            self.show_error(f"Không đọc được dữ liệu dán:\n{exc}")
            return False
        return self._preview_and_commit(draft, allow_section=True)

    # -- import ------------------------------------------------------------------------------------
    def import_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Nhập phụ lục nhiệm vụ CCHC", str(Path.home()),
                                              IMPORT_FILTER)
        if path:
            self.import_file(path)

    def import_file(self, path) -> bool:
        from cchc_desktop.importers import ImportFailure, read_appendix
        name = Path(path).name
        try:
            with busy(self, f"Đang đọc tệp «{name}»…", show=True):
                draft = read_appendix(path)
        except ImportFailure as exc:
            QMessageBox.critical(self, "Không nhập được tệp", f"Không nhập được tệp «{name}».\n\n{exc}")
            return False
        except OSError as exc:
            QMessageBox.critical(self, "Không nhập được tệp", f"Không mở được tệp «{name}»: {exc.strerror}")
            return False
        return self._preview_and_commit(draft, allow_section=False)

    def _preview_and_commit(self, draft, allow_section: bool) -> bool:
        from cchc_desktop.import_commit import commit_draft   # loaded on first import, not at start (#18)

        plan = self.model.plan
        row = self.current_row()
        section = row.section if (allow_section and row is not None) else None
        if allow_section and section is None:
            section = self._target_section()
        dialog = ImportPreviewDialog(
            draft, self, current_plan_label=(f"{unit_label(plan.unit_kind, plan.unit_name)} {plan.period_label}"
                                             if plan else None),
            section_label=section.label if section is not None else None,
            title="Dán thành nhiệm vụ mới" if allow_section else None,
            current_plan_empty=plan is not None and self.model.task_count() == 0)
        if not self.dialog_runner(dialog):
            return False
        target = dialog.target
        try:
            with busy(self, "Đang ghi các nhiệm vụ vào kế hoạch…", show=True):
                if target == TARGET_NEW or plan is None:
                    result = commit_draft(self.store, draft)
                    self.open_plan(result.plan_id)
                    self.statusBar().showMessage(
                        f"Đã nhập {result.tasks} nhiệm vụ, {result.products} sản phẩm vào kế hoạch mới.", 6000)
                    return True
                if target == TARGET_SECTION and section is not None:
                    position = (section.tasks.index(row.task) + 1
                                if row is not None and row.task is not None and row.section is section else None)
                    self._push(CreateCommand(self.model, "Dán nhiệm vụ mới",
                                             self._draft_into_section(draft, section.id, position)))
                    return True
                if target == TARGET_CURRENT:
                    plan_id = plan.id

                    def create():
                        before = {s.id for s in self.store.load_plan(plan_id).sections}
                        commit_draft(self.store, draft, plan_id)
                        return [("section", s.id) for s in self.store.load_plan(plan_id).sections
                                if s.id not in before]
                    self._push(CreateCommand(self.model, f"Nhập {draft.source_name}", create))
                    return True
        except (StoreError, ValueError) as exc:
            self.show_error(str(exc))
        return False

    def _draft_into_section(self, draft, section_id: str, position: int | None):
        def create():
            created = []
            at = position
            for s in draft.sections:
                for task in s.tasks:
                    task_id = self.store.add_task(section_id, task.content, at)
                    for product in task.products:
                        self.store.add_product(task_id, product.description, product.deadline_text,
                                               product.leads, product.coordinators)
                    created.append(("task", task_id))
                    if at is not None:
                        at += 1
            return created
        return create

    # -- messages ------------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        with busy_paused():   # an undo command may report an error in the middle of a long job
            QMessageBox.warning(self, APP_NAME, message)

    def show_shortcuts(self) -> None:
        lines = []
        for name in ("new_plan", "open_plan", "plan_properties", "import", "reports", "find", "clear_filter",
                     "copy", "paste", "paste_tasks", "undo", "redo", "insert_task", "add_task", "duplicate_task",
                     "add_product", "delete", "edit_cell", "move_up", "move_down",
                     "move_to_section"):
            action = self.actions.get(name)
            if action is None or action.shortcut().isEmpty():
                continue
            keys = ", ".join(s.toString(QKeySequence.NativeText) for s in action.shortcuts())
            lines.append(f"<tr><td><b>{keys}</b></td><td>{action.text().replace('&', '')}</td></tr>")
        QMessageBox.information(self, "Phím tắt", "<table cellpadding=3>" + "".join(lines) + "</table>")

    def show_about(self) -> None:
        QMessageBox.about(self, f"Giới thiệu {APP_NAME}",
                          f"<b>{APP_NAME}</b> {APP_VERSION}<br>Theo dõi kế hoạch cải cách hành chính "
                          "hằng năm của UBND xã, phường.<br>Dữ liệu lưu tại máy, không cần Internet.")

    # -- window state --------------------------------------------------------------------------------
    def restore_layout(self) -> bool:
        self._layout_restored = settings.restore_window(self)
        if self._layout_restored:   # widths the user set by hand win; else they follow the window
            auto = str(settings.app_settings().value("table/auto_fit", "false")).lower() == "true"
            self.view.auto_fit_columns = auto
        return self._layout_restored

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._closed = False
        if not getattr(self, "_columns_fitted", False):
            self._columns_fitted = True
            if not getattr(self, "_layout_restored", False):
                self.view.fit_columns()

    def closeEvent(self, event) -> None:
        if self.view.state() == AppendixView.EditingState:
            focused = QApplication.focusWidget()
            if focused is not None:
                focused.clearFocus()  # commits the open editor
        settings.save_window(self)
        prefs = settings.app_settings()
        prefs.setValue("table/auto_fit", "true" if self.view.auto_fit_columns else "false")
        prefs.sync()
        super().closeEvent(event)
        self._closed = event.isAccepted()

