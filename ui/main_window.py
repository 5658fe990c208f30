"""The main window: plan picker, sections pane, appendix table (in a tab widget), details pane.

Other modules add tabs with one line: ``window.add_tab(widget, "Tổng quan")`` and extend the
details pane with ``window.details.add_panel(widget)``; they can follow the selection through
``window.currentTaskChanged(task_id, product_id)``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from cchc_desktop import APP_NAME, APP_VERSION
from cchc_desktop.db import LOCAL, NETWORK

from . import actions, messages, settings
from .appendix_model import AppendixModel
from .appendix_view import AppendixView
from .delegates import AppendixDelegate
from .plan_labels import plan_labels, unit_label
from .editing import EditingMixin
from .filter_bar import FilterBar
from .import_flow import ImportMixin
from .operations import events_for
from .panes import DemoPlanBanner, DetailsPane, SectionPane, UnnamedUnitBanner, set_tab_order
from .paste import PasteMixin
from .screen import fit_to_screen
from .window_tracking import TrackingMixin


class MainWindow(EditingMixin, PasteMixin, ImportMixin, TrackingMixin, QMainWindow):
    """Wiring only: widgets, the one change notification, selection, plan loading; the actions live in
    ui/actions.py (table), ui/editing.py, ui/paste.py, ui/import_flow.py and ui/window_tracking.py."""

    currentTaskChanged = Signal(str, str)  # task id ("" for none), product id ("" for none)
    planChanged = Signal(str)

    def __init__(self, store, parent=None, *, starting: bool = False):
        super().__init__(parent)
        self.store = store
        # starting (ui/app.py): what the table's first paint does not need waits for it (ui/startup.py)
        self.defer_until_painted = starting
        self.undo_stack = QUndoStack(self)
        self.events = events_for(self.undo_stack)   # the one change notification (ui/operations.py)
        self.events.message = self.show_error
        self.model = AppendixModel(store, self, undo_stack=self.undo_stack)
        self.dialog_runner = lambda dialog: bool(dialog.exec())  # tests replace this
        self._agency_cache: list[str] | None = None
        self.actions: dict[str, QAction] = {}
        self._build_widgets()
        actions.build_actions(self)
        actions.build_menus(self)
        self._build_view_menu()
        from .exchange_menu import install_exchange_menu  # «Trao đổi» menu (USB exchange, #6); dialogs load on use
        install_exchange_menu(self)
        from .planlife_menu import install_planlife_menu  # «Kế hoạch» menu: amend, roll over, 5-year (#15)
        install_planlife_menu(self)
        actions.build_late_menus(self)                       # «Theo dõi», «Báo cáo»
        self.plan_combo = QComboBox(self)
        self.plan_combo.setMinimumContentsLength(50)      # «Phường An Tường — năm 2026 — KH số 12/KH-UBND» whole
        self.plan_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.plan_combo.activated.connect(self._plan_combo_activated)
        actions.build_toolbar(self)
        self._build_status_bar()
        self.model.countsChanged.connect(self._counts_changed)
        self.model.planLoaded.connect(self._plan_loaded)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        self.events.selectRequested.connect(self.view.select_entity)
        self.events.changed.connect(self._store_changed)
        self._install_tracking()
        fit_to_screen(self, 1366, 768)   # the whole window, status bar included, on a 1366×768 screen
        set_tab_order(self)              # reading order, not creation order

    def _store_changed(self, result) -> None:
        """The one change notification (after the model has updated itself): agency catalogue, section
        list, details pane; a selected row that no longer exists or is filtered out clears the panes."""
        if getattr(self, "_closed", False):
            return
        if result.entities() & {"agency", "agency_alias", "product_agency"}:
            self._invalidate_agencies()
        if "plan" in result.entities():
            self.unnamed_banner.show_for(self.model.plan)
        self.sections.refresh(self.model)
        self._sync_current()

    def _remember_current(self) -> None:
        row = self.current_row()
        self._kept = (None if row is None else ("product", row.product.id) if row.product is not None
                      else ("task", row.task.id) if row.task is not None else ("section", row.section.id))

    def _restore_current(self) -> None:
        """After a filter or a reload: the same row again when it is still shown, else empty panes."""
        kept, self._kept = getattr(self, "_kept", None), None
        if kept is not None and self.model.find_row(*kept) >= 0:
            self.view.select_entity(*kept)
        self._sync_current()

    def _sync_current(self) -> None:
        """Show the current row in the panes again (after a change, a filter, a reload); nothing
        selected or the row gone/hidden: the panes are cleared and the status panel disabled."""
        index = self.view.currentIndex()
        self._current_changed(index, index)

    # -- construction ----------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.view = AppendixView(self)
        self.view.setModel(self.model)
        self.delegate = AppendixDelegate(self.view, self.agency_names)
        self.view.setItemDelegate(self.delegate)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.doubleClicked.connect(lambda index: self.refuse_archived_edit([index.row()], index.column()))
        self.filter_bar = FilterBar(self)
        self.filter_bar.filterChanged.connect(self.model.set_filter)
        appendix_page = QWidget(self)
        page_layout = QVBoxLayout(appendix_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        self.unnamed_banner = UnnamedUnitBanner(lambda: self.edit_plan_properties(), self)
        page_layout.addWidget(self.unnamed_banner)
        self.demo_banner = DemoPlanBanner(lambda: self.import_file_dialog(), self)   # first start: says it is a demo
        page_layout.addWidget(self.demo_banner)
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

    def _build_view_menu(self) -> None:
        view_menu = self.menus["Xem"]
        for title, widget, name, tip in (
                ("Bảng các &mục", self.sections, "toggle_sections", "Hiện hoặc ẩn danh sách các mục bên trái"),
                ("&Chi tiết nhiệm vụ", self.details, "toggle_details",
                 "Hiện hoặc ẩn khung chi tiết nhiệm vụ bên phải")):
            toggle = QAction(title, self)
            toggle.setStatusTip(tip)
            toggle.setCheckable(True)
            toggle.setChecked(True)
            toggle.toggled.connect(widget.setVisible)
            view_menu.addAction(toggle)
            self.actions[name] = toggle
        view_menu.addSeparator()
        view_menu.addAction(self.actions["find"])
        view_menu.addAction(self.actions["clear_filter"])

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.task_label = QLabel(self)
        self.overdue_label = QLabel(self)
        self.db_label = QLabel(self)
        self.db_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        status.addPermanentWidget(self.task_label)
        status.addPermanentWidget(self.overdue_label)
        status.addPermanentWidget(self.db_label, 1)
        storage = self.store.storage
        where = f"Cơ sở dữ liệu: {self.store.path}"
        if storage == NETWORK:
            where += " — ⚠ thư mục mạng: chỉ một người mở tại một thời điểm"
        elif storage != LOCAL:
            where += " — ổ di động"
        self.db_label.setText(where)
        self.db_label.setToolTip(str(self.store.path))

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
        plans = self.store.list_plans()
        for plan, label in zip(plans, plan_labels(plans)):
            self.plan_combo.addItem(label, plan["id"])
        self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(self.model.plan_id)))
        self.plan_combo.setToolTip(self.plan_combo.currentText())    # the whole label (the box shows its start)
        self.plan_combo.blockSignals(False)

    def _plan_combo_activated(self, index: int) -> None:
        plan_id = self.plan_combo.itemData(index)
        if plan_id and plan_id != self.model.plan_id:
            self.open_plan(plan_id)

    def _plan_loaded(self) -> None:
        plan = self.model.plan
        self.unnamed_banner.show_for(plan)
        self.demo_banner.show_for(self.store, plan)
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
            own = self.model.core.agency_names()     # each plan its own list (#13), from the loaded plan
            agencies = [a for a in self.store.agencies() if a.name in own]
            self._agency_cache = [a.name for a in agencies]
            self.filter_bar.set_agencies(self.model.core.lead_choices())   # leads only; group phrases as one choice
        return self._agency_cache

    def _invalidate_agencies(self) -> None:
        self._agency_cache = None
        if not getattr(self, "defer_until_painted", False):   # at start: after the first paint (ui/startup.py)
            self.agency_names()

    # -- messages ------------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        messages.error(self, APP_NAME, message)

    def show_shortcuts(self) -> None:
        messages.info(self, "Phím tắt", actions.shortcut_help(self))

    def show_about(self) -> None:
        messages.about(self, f"Giới thiệu {APP_NAME}",
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
        settings.save_window(self)   # layout, column widths (and whether they follow the window), last plan
        super().closeEvent(event)
        self._closed = event.isAccepted()
