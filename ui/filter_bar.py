"""Find and filter bar above the appendix table."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from cchc_desktop.text import sort_key

from .appendix_model import STATUS_LABELS, FilterSpec

DUE_CHOICES = [("Mọi thời hạn", None), ("Quá hạn", "overdue"), ("Đến hạn trong 7 ngày", 7),
               ("Đến hạn trong 15 ngày", 15), ("Đến hạn trong 30 ngày", 30)]


class FilterBar(QWidget):
    filterChanged = Signal(object)  # FilterSpec

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Tìm (không cần dấu): chuyen doi so…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(150)
        self.section = QComboBox(self)
        self.section.setMinimumContentsLength(8)
        self.section.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.lead = QComboBox(self)
        self.lead.setMinimumContentsLength(9)
        self.lead.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.status = QComboBox(self)
        self.status.addItem("Mọi trạng thái", None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.due = QComboBox(self)
        for label, value in DUE_CHOICES:
            self.due.addItem(label, value)
        for combo in (self.status, self.due):
            combo.setMinimumContentsLength(9)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Bỏ lọc")
        self.clear_button.clicked.connect(self.clear)
        self.count_label = QLabel(self)
        self.count_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        layout.addWidget(QLabel("Tìm:", self))
        layout.addWidget(self.search, 3)
        layout.addWidget(self.section, 2)
        layout.addWidget(self.lead, 2)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.due, 1)
        layout.addWidget(self.clear_button)
        layout.addWidget(self.count_label)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.section, self.lead, self.status, self.due):
            combo.currentIndexChanged.connect(self._emit)
        self._quiet = False
        self.set_sections([])
        self.set_agencies([])

    def set_sections(self, sections) -> None:
        """sections: [(id, label)]"""
        self._refill(self.section, "Mọi mục", sections)

    def set_agencies(self, agencies) -> None:
        """agencies: [(id, name)] — shown in Vietnamese alphabetical order."""
        ordered = sorted(agencies, key=lambda a: sort_key(a[1]))
        self._refill(self.lead, "Mọi cơ quan chủ trì", ordered)

    def _refill(self, combo: QComboBox, all_label: str, items) -> None:
        current = combo.currentData()
        self._quiet = True
        combo.clear()
        combo.addItem(all_label, None)
        for item_id, label in items:
            combo.addItem(label, item_id)
            combo.setItemData(combo.count() - 1, label, Qt.ToolTipRole)
        found = combo.findData(current) if current else 0
        combo.setCurrentIndex(max(0, found))
        self._quiet = False

    def spec(self) -> FilterSpec:
        due = self.due.currentData()
        return FilterSpec(text=self.search.text(), section_id=self.section.currentData(),
                          lead_agency_id=self.lead.currentData(), status=self.status.currentData(),
                          overdue_only=due == "overdue",
                          due_within_days=due if isinstance(due, int) else None)

    def _emit(self, *_args):
        if not self._quiet:
            self._debounce.stop()
            self.filterChanged.emit(self.spec())

    def apply_now(self) -> None:
        """Apply the search text immediately (Enter, tests)."""
        self._emit()

    def clear(self) -> None:
        self._quiet = True
        self.search.clear()
        for combo in (self.section, self.lead, self.status, self.due):
            combo.setCurrentIndex(0)
        self._quiet = False
        self._emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.ShortcutFocusReason)
        self.search.selectAll()

    def set_count(self, shown: int, total: int) -> None:
        self.count_label.setText(f"{shown}/{total} nhiệm vụ" if shown != total else f"{total} nhiệm vụ")
