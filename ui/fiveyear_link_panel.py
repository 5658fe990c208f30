"""«Kế hoạch giai đoạn» in the task details pane (issue #15): which task or target of the five-year plan the
selected yearly task serves, with a searchable picker (accents optional) of the parent plan's tasks and targets;
for a yearly plan not yet in a five-year plan, a button that opens «Kế hoạch giai đoạn (5 năm)…» to link it.

Every write is one core operation on the window's undo stack (``ui.operations.perform``); the panel redraws from
the one change notification (``StoreEvents.changed``), whatever made the change.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout)

from cchc_desktop.planlife import fiveyear

from . import messages
from .operations import perform
from .screen import fit_to_screen

_WATCHED = {"task_link", "plan_link", "task", "section", "target", "plan"}


class LinkPickerDialog(QDialog):
    """Pick one task or target of the five-year plan; the search box filters as you type (accents optional)."""

    def __init__(self, choices: list[fiveyear.LinkChoice], task_text: str, current: set[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(fiveyear.LINK_FIELD)
        self.choices = choices
        self.current = current
        layout = QVBoxLayout(self)
        heading = QLabel(f"Nhiệm vụ năm: «{html.escape(task_text)}»<br>phục vụ nhiệm vụ hoặc chỉ tiêu nào của "
                         "kế hoạch giai đoạn?", self)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Tìm (gõ không dấu cũng được, ví dụ «chuyen doi so»)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.fill)
        layout.addWidget(self.search)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.currentItemChanged.connect(lambda *_: self._update_ok())
        layout.addWidget(self.list, 1)
        self.count = QLabel(self)
        self.count.setStyleSheet("color: #555;")
        layout.addWidget(self.count)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton("Liên kết", QDialogButtonBox.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fill()
        fit_to_screen(self, 720, 520)

    def fill(self, _text: str = "") -> None:
        self.list.clear()
        shown = fiveyear.search(self.choices, self.search.text())
        for choice in shown:
            mark = "✓ " if choice.id in self.current else ""
            item = QListWidgetItem(mark + choice.label, self.list)
            item.setData(Qt.UserRole, choice)
            item.setToolTip(choice.label)
        if shown:
            self.list.setCurrentRow(0)
        self.count.setText(f"{len(shown)} / {len(self.choices)} mục" + (" — ✓: đang liên kết" if self.current else "")
                           + ("" if shown else " — không có mục nào chứa các từ đã gõ"))
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok.setEnabled(self.list.currentItem() is not None)

    def chosen(self) -> fiveyear.LinkChoice | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item is not None else None


class FiveYearLinkPanel(QGroupBox):
    """The selected task's link to the five-year plan (hidden for multi-year plans and for yearly plans with no
    five-year plan to belong to)."""

    def __init__(self, window):
        super().__init__("Kế hoạch giai đoạn", window)
        self.window_ = window
        self.store = window.store
        self.task_id: str | None = None
        self.picker_runner = lambda dialog: bool(dialog.exec())     # tests replace this
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        self.caption = QLabel(f"<b>{fiveyear.LINK_FIELD}:</b>", self)
        self.caption.setWordWrap(True)
        self.links = QLabel(self)
        self.links.setWordWrap(True)
        self.links.setTextFormat(Qt.RichText)
        self.links.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.links.setMinimumWidth(100)
        layout.addWidget(self.caption)
        layout.addWidget(self.links)
        row = QHBoxLayout()
        self.pick_button = QPushButton("Chọn…", self)
        self.pick_button.setToolTip("Chọn nhiệm vụ hoặc chỉ tiêu của kế hoạch giai đoạn mà nhiệm vụ này phục vụ")
        self.pick_button.clicked.connect(lambda _checked=False: self.pick())
        self.clear_button = QPushButton("Bỏ liên kết", self)
        self.clear_button.clicked.connect(lambda _checked=False: self.clear_links())
        self.plan_button = QPushButton("Gắn với kế hoạch giai đoạn…", self)
        self.plan_button.setToolTip("Chọn kế hoạch giai đoạn (ví dụ 2026–2030) mà kế hoạch năm này thực hiện")
        self.plan_button.clicked.connect(lambda _checked=False: self.link_plan())
        for button in (self.pick_button, self.clear_button, self.plan_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.setVisible(False)

    # -- following the window --------------------------------------------------------------------------
    def set_task(self, task_id: str | None) -> None:
        self.task_id = task_id or None
        self.refresh()

    def set_plan(self, _plan_id: str | None = None) -> None:
        self.task_id = None
        self.refresh()

    @property
    def plan_id(self) -> str | None:
        return getattr(getattr(self.window_, "model", None), "plan_id", None)

    def store_changed(self, result) -> None:
        if result.entities() & _WATCHED:
            self.refresh()

    def refresh(self) -> None:
        plan = self.store.get_row("plan", self.plan_id) if self.plan_id else None
        task_live = bool(self.task_id) and self.store.get_row("task", self.task_id) is not None
        if plan is None or not task_live or plan["year_start"] != plan["year_end"]:
            self.setVisible(False)
            return
        parent = fiveyear.plan_link(self.store, self.plan_id)
        writable = not getattr(self.window_, "read_only", False)
        if parent is None:
            if not fiveyear.parent_candidates(self.store, self.plan_id):
                self.setVisible(False)        # no five-year plan in this database: nothing to offer
                return
            self.links.setText(f"<i>Kế hoạch năm {plan['year_start']} chưa gắn với kế hoạch giai đoạn nào.</i>")
        else:
            labels = [c.label for c in fiveyear.task_link_choices(self.store, self.task_id)]
            self.links.setText("<br>".join(f"• {html.escape(label)}" for label in labels)
                               if labels else "<i>chưa liên kết</i>")
            self.clear_button.setEnabled(writable and bool(labels))
        self.pick_button.setVisible(parent is not None)
        self.clear_button.setVisible(parent is not None)
        self.plan_button.setVisible(parent is None)
        self.pick_button.setEnabled(writable)
        self.plan_button.setEnabled(writable)
        self.setVisible(True)

    def link_text(self) -> str:
        """The links as shown (plain text)."""
        return self.links.text().replace("<br>", "\n").replace("• ", "").replace("<i>", "").replace("</i>", "")

    # -- writing ---------------------------------------------------------------------------------------
    def _perform(self, label: str, action, *args) -> bool:
        window = self.window_
        command = perform(self.store, getattr(window, "undo_stack", None), getattr(window, "events", None), label,
                          action, *args, message=lambda text: messages.error(self, "Kế hoạch giai đoạn", text))
        return command.ok

    def pick(self) -> bool:
        if not self.task_id or not self.plan_id:
            return False
        choices = fiveyear.link_choices(self.store, self.plan_id)
        if not choices:
            messages.info(self, "Kế hoạch giai đoạn", "Kế hoạch giai đoạn chưa có nhiệm vụ hay chỉ tiêu nào.")
            return False
        task = self.store.get_row("task", self.task_id)
        current = {c.id for c in fiveyear.task_link_choices(self.store, self.task_id)}
        dialog = LinkPickerDialog(choices, task["content"], current, self)
        if not self.picker_runner(dialog) or dialog.chosen() is None:
            return False
        return self.choose(dialog.chosen())

    def choose(self, choice: fiveyear.LinkChoice) -> bool:
        what = "nhiệm vụ" if choice.kind == fiveyear.TASK else "chỉ tiêu"
        return self._perform(f"Liên kết với {what} kế hoạch giai đoạn", fiveyear.set_task_link, self.store,
                             self.task_id, choice.kind, choice.id)

    def clear_links(self) -> bool:
        if not self.task_id:
            return False
        return self._perform("Bỏ liên kết kế hoạch giai đoạn", fiveyear.link_task, self.store, self.task_id)

    def link_plan(self) -> None:
        action = getattr(self.window_, "planlife_actions", {}).get("fiveyear")
        if action is not None:
            action.trigger()


def install_task_link_panel(window) -> FiveYearLinkPanel:
    """Add the panel to the details pane, above the status panel, and let it follow the selection and changes."""
    panel = FiveYearLinkPanel(window)
    window.details.add_panel(panel, first=True)
    window.currentTaskChanged.connect(lambda task_id, _product_id: panel.set_task(task_id))
    window.planChanged.connect(panel.set_plan)
    window.events.changed.connect(panel.store_changed)
    window.task_link_panel = panel
    return panel
