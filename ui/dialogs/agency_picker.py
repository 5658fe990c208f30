"""Pick several agencies from the catalogue (checkable list with an accent-insensitive filter)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout)

from cchc_desktop.text import fold, sort_key


class AgencyPickerDialog(QDialog):
    def __init__(self, names: list[str], selected: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Chọn cơ quan")
        self.resize(420, 480)
        chosen = {fold(n) for n in selected}
        self._order = list(selected)
        layout = QVBoxLayout(self)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Lọc danh mục (không cần dấu)…")
        self.filter.textChanged.connect(self._apply_filter)
        layout.addWidget(self.filter)
        self.list = QListWidget(self)
        known = {fold(n) for n in names}
        for name in sorted(set(names) | {n for n in selected if fold(n) not in known}, key=sort_key):
            item = QListWidgetItem(name, self.list)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if fold(name) in chosen else Qt.Unchecked)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_name = QLineEdit(self)
        self.new_name.setPlaceholderText("Tên cơ quan mới…")
        add = QPushButton("Thêm", self)
        add.setAutoDefault(False)
        add.clicked.connect(self._add_new)
        # Enter in the new-name field adds the name (it used to press «Chọn» and lose what was typed)
        self.new_name.installEventFilter(self)
        row.addWidget(self.new_name, 1)
        row.addWidget(add)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Chọn")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.new_name and event.type() == QEvent.KeyPress
                and event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.new_name.text().strip()):
            self._add_new()
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        if self.new_name.text().strip():   # typed but «Thêm» not pressed: keep it
            self._add_new()
        super().accept()

    def _apply_filter(self, text: str) -> None:
        key = fold(text)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(key) and key not in fold(item.text()))

    def _add_new(self) -> None:
        name = " ".join(self.new_name.text().split())
        if not name:
            return
        for i in range(self.list.count()):
            if fold(self.list.item(i).text()) == fold(name):
                self.list.item(i).setCheckState(Qt.Checked)
                break
        else:
            item = QListWidgetItem(name, self.list)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked)
        self.new_name.clear()

    def selected_names(self) -> list[str]:
        checked = [self.list.item(i).text() for i in range(self.list.count())
                   if self.list.item(i).checkState() == Qt.Checked]
        keys = {fold(n) for n in checked}
        # keep the order the names had in the cell, new ones after
        ordered = [n for n in self._order if fold(n) in keys]
        seen = {fold(n) for n in ordered}
        return ordered + [n for n in checked if fold(n) not in seen]
