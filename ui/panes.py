"""The main window's side panes: the section list (left) and the details of the selected row (right)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QScrollArea,
                               QToolButton, QVBoxLayout, QWidget)

from cchc_desktop.text import shorten

from .appendix_model import KIND_SECTION, AppendixModel


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
        """The sections and their counts; the same sections keep their items (texts updated in place), so a
        refresh (after a filter, when the idle-time index completes) never takes an item from under the mouse."""
        counts = model.section_counts()
        if [s.id for s, _ in counts] == [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())]:
            for i, (section, count) in enumerate(counts):
                item = self.list.item(i)
                text = f"{section.numeral}. {section.title}  ({count})"
                if item.text() != text:
                    item.setText(text)
                    item.setToolTip(f"{section.label}\n{count} nhiệm vụ")
            return
        current = self.current_section_id()
        self.list.clear()
        for section, count in counts:
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

    def add_panel(self, widget: QWidget, first: bool = False) -> None:
        """Add a widget (e.g. the status/evidence panel) under the task details (``first``: above the others)."""
        if first:
            self.extra.insertWidget(0, widget)
        else:
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
                text = shorten(text, 90)
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


class UnnamedUnitBanner(QFrame):
    """Above the table while the plan's unit has no name (issue #20): says so, with a button to set it. Printed
    documents leave the name blank meanwhile (never «Chưa đặt tên»)."""

    def __init__(self, on_click, parent=None):
        super().__init__(parent)
        self.setStyleSheet("UnnamedUnitBanner { background: #fff4d6; border: 1px solid #e0b84a; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel("Kế hoạch chưa có tên đơn vị (xã / phường / thị trấn): các văn bản in ra sẽ để trống "
                            "tên đơn vị.", self)
        self.label.setWordWrap(True)
        self.button = QPushButton("Đặt tên đơn vị…", self)
        self.button.clicked.connect(lambda _checked=False: on_click())
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.setVisible(False)

    def show_for(self, plan) -> None:
        from cchc_desktop.domain import is_unnamed

        self.setVisible(plan is not None and is_unnamed(plan.unit_name))


class DemoPlanBanner(QFrame):
    """Above the table while the demo plan (made at the first start, cchc_desktop/demo.py) is shown: a first-time
    user is told it is an example and how to start with the unit's own plan."""

    def __init__(self, on_import, parent=None):
        super().__init__(parent)
        self.setStyleSheet("DemoPlanBanner { background: #e8f1fb; border: 1px solid #8fb3de; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.button = QPushButton("Nhập &phụ lục của đơn vị…", self)
        self.button.setToolTip("Nhập phụ lục kế hoạch CCHC của đơn vị từ tệp Excel, Word (Ctrl+I)")
        self.button.clicked.connect(lambda _checked=False: on_import())
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.setVisible(False)

    def show_for(self, store, plan) -> None:
        from cchc_desktop.demo import demo_plan_id
        from .plan_labels import unit_label

        demo = plan is not None and demo_plan_id(store) == plan.id
        if demo:
            unit = unit_label(plan.unit_kind, plan.unit_name)
            self.label.setText(f"Đây là <b>kế hoạch mẫu</b> (phụ lục của {unit[:1].lower() + unit[1:]})"
                               " để làm quen với phần mềm. Để theo dõi kế hoạch của đơn vị: nhập phụ lục từ tệp "
                               "Excel, Word (Ctrl+I) hoặc tạo kế hoạch mới (Ctrl+N).")
        self.setVisible(demo)


def set_tab_order(window) -> None:
    """Tab goes through the main window in reading order: plan picker and toolbar, the sections pane, the banners,
    the filter bar, the table, then the details pane (status, evidence). Qt's default follows creation order —
    the table first, the details pane's fields last after the toolbar — and panels built later (the status panel,
    on first use) join at the end; call again after adding one."""
    from PySide6.QtWidgets import QToolBar

    groups = [window.findChild(QToolBar, "main_toolbar"), window.sections, window.tabs.tabBar(),
              window.unnamed_banner, window.demo_banner, window.filter_bar, window.view, window.details]
    groups = [g for g in groups if g is not None]

    def group_of(widget) -> int | None:
        if widget is window.tabs:     # (its pages are groups of their own)
            return groups.index(window.tabs.tabBar())
        for i, group in enumerate(groups):
            if widget is group or group.isAncestorOf(widget):
                return i
        return None

    chain, widget = [], window.nextInFocusChain()
    while widget is not window and len(chain) < 5000:
        if widget.focusPolicy() & Qt.TabFocus and widget.focusProxy() is None and group_of(widget) is not None:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    ordered = sorted(chain, key=group_of)   # stable: each group keeps its own order
    for first, second in zip(ordered, ordered[1:]):
        QWidget.setTabOrder(first, second)
    if window.focusWidget() is None:
        window.view.setFocus()   # at start the keys (arrows, Del, Ctrl+M…) act on the table, not the plan picker
