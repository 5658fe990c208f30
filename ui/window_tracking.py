"""The main window's progress tracking and reports: status panel, dashboard tab, bulk status update,
targets, report settings, report dialogs, reference date."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea

from . import messages


class TrackingMixin:
    """MainWindow's tracking and report actions (their menu entries are in ui/actions.py)."""

    # -- progress tracking (issue #4: ui/dashboard.py, ui/status_panel.py, ui/bulk_update.py) -----
    def _install_tracking(self) -> None:
        self.dashboard = None
        self.dashboard_page = None
        self._status_panel = None   # hidden until a product is selected: built on first use (issue 18)
        self.currentTaskChanged.connect(self._tracking_product_changed)
        self.planChanged.connect(self._tracking_plan_changed)
        self.tabs.currentChanged.connect(self._tracking_tab_changed)

    @property
    def status_panel(self):
        """The status/evidence panel under the task details (built on first use)."""
        if self._status_panel is None:
            from .status_panel import StatusPanel

            panel = StatusPanel(self.store, self, undo_stack=self.undo_stack)
            from datetime import date

            ref = self.model.ref_date
            panel.ref = None if ref == date.today() else ref   # (None: today, as set_ref_date leaves it)
            self.details.add_panel(panel)
            from .panes import set_tab_order
            set_tab_order(self)   # the panel's fields after the details, not after the toolbar
            panel.setVisible(False)
            if getattr(self, "read_only", False):
                panel.read_only = True
                panel.setEnabled(False)
            self._status_panel = panel
        return self._status_panel

    # -- reports (issue #5: ui/report_dialog.py, ui/header_settings_dialog.py) ----------------------
    def open_reports(self) -> None:
        from .report_dialog import ReportDialog

        if not self.model.plan_id:
            self.show_error("Hãy mở một kế hoạch trước khi lập báo cáo.")
            return
        self.dialog_runner(ReportDialog(self.store, self.model.plan_id, self))

    def open_plan_tool(self, which: str) -> None:
        """«Đánh số lại nhiệm vụ…» / «Gộp tên cơ quan viết khác nhau…» (ui/plan_tools_dialog.py)."""
        from .plan_tools_dialog import AgencyMergeDialog, RenumberDialog

        if not self.model.plan_id:
            self.show_error("Hãy mở một kế hoạch trước.")
            return
        dialog = (RenumberDialog if which == "renumber" else AgencyMergeDialog)(self.store, self.model.plan_id, self)
        self.dialog_runner(dialog)

    def open_par(self) -> None:
        from .par_dialog import ParDialog

        if not self.model.plan_id:
            self.show_error("Hãy mở một kế hoạch trước khi tự đánh giá Chỉ số CCHC.")
            return
        self.dialog_runner(ParDialog(self.store, self.model.plan_id, self))

    def open_issued_reports(self) -> None:
        from .issued_reports_dialog import IssuedReportsDialog

        if not self.model.plan_id:
            self.show_error("Hãy mở một kế hoạch trước.")
            return
        self.dialog_runner(IssuedReportsDialog(self.store, self.model.plan_id, self))

    def edit_report_header(self) -> None:
        from .header_settings_dialog import HeaderSettingsDialog

        if self.model.plan_id:
            self.dialog_runner(HeaderSettingsDialog(self.store, self.model.plan_id, self))

    def _tracking_plan_changed(self, plan_id: str) -> None:
        if self._status_panel is not None:
            self._status_panel.set_product(None)
        if not plan_id or (self.dashboard is None and getattr(self, "defer_until_painted", False)):
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
                               self.dashboard.period_key() if self.dashboard else None)
        self.dialog_runner(dialog)
        return dialog

    def edit_report_settings(self) -> bool:
        """«Cài đặt kỳ báo cáo…»: the plan's report due days (one undo step)."""
        from .report_settings_dialog import edit_report_settings

        if not self.model.plan_id:
            return False
        return edit_report_settings(self.store, self.model.plan_id, self, self.undo_stack, self.dialog_runner,
                                    message=self.show_message)

    def show_message(self, title: str, text: str) -> None:
        messages.error(self, title, text)

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
        dialog = BulkUpdateDialog(self.store, ids, period, self.undo_stack, self, ref=self.model.ref_date)
        self.dialog_runner(dialog)

    def _tracking_product_changed(self, _task_id: str, product_id: str) -> None:
        if not product_id and self._status_panel is None:
            return
        if (product_id or None) != self.status_panel.product_id or not product_id:
            self.status_panel.set_product(product_id or None, ref=self.model.ref_date)
        self.status_panel.setVisible(bool(product_id))   # no empty grey form when nothing is selected

    def _tracking_tab_changed(self, index: int) -> None:
        if self.dashboard is not None and self.tabs.widget(index) is self.dashboard_page:
            self.dashboard.refresh()
