"""«Chuyển sang mục…»: pick the section the selected task(s) move to (appended at its end)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout


class MoveToSectionDialog(QDialog):
    """Lists the plan's sections; `section_id()` is the chosen one (None when nothing is chosen)."""

    def __init__(self, sections, current_id: str | None, task_count: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Chuyển sang mục")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        what = "nhiệm vụ đang chọn" if task_count == 1 else f"{task_count} nhiệm vụ đang chọn"
        intro = QLabel(f"Chuyển {what} xuống cuối mục:", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.ElideNone)
        for section in sections:
            text = section.label + ("  (mục hiện tại)" if section.id == current_id else "")
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.UserRole, section.id)
            item.setToolTip(f"{section.label}\n{len(section.tasks)} nhiệm vụ")
            if section.id == current_id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton("&Chuyển", QDialogButtonBox.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.setFocus()

    def select_section(self, section_id: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.UserRole) == section_id:
                self.list.setCurrentRow(i)
                return

    def section_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item is not None else None
