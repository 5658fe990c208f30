"""Find and filter bar above the appendix table."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QStyle,
                               QStyleOptionComboBox, QStylePainter, QToolButton, QWidget)

from cchc_desktop.text import sort_key

from .appendix_model import STATUS_LABELS, FilterSpec

ALL_SECTIONS = "Mục: tất cả"
ALL_LEADS = "Cơ quan chủ trì: tất cả"
ALL_STATUSES = "Trạng thái: tất cả"
POPUP_MAX_WIDTH = 520      # popups wider than their combo, long names elided beyond this

DUE_CHOICES = [("Thời hạn: tất cả", None), ("Quá hạn", "overdue"), ("Đến hạn trong 7 ngày", 7),
               ("Đến hạn trong 15 ngày", 15), ("Đến hạn trong 30 ngày", 30)]


class ElidedComboBox(QComboBox):
    """A combo sized to a chosen text (not to its longest item): a longer current item is shown
    elided with «…» (full text in the tooltip), and the popup list is wider than the combo."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.view().setTextElideMode(Qt.ElideRight)
        self._fit_text = ""
        self.currentIndexChanged.connect(self._update_tooltip)

    def fit_to(self, text: str) -> None:
        """Size the combo so `text` shows in full."""
        self._fit_text = text
        self.updateGeometry()

    def _width_for(self, text: str) -> int:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        content = QSize(self.fontMetrics().horizontalAdvance(text) + 4, self.fontMetrics().height())
        return self.style().sizeFromContents(QStyle.CT_ComboBox, option, content, self).width()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self._width_for(self._fit_text), hint.height()) if self._fit_text else hint

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def update_popup_width(self) -> None:
        widest = max((self.fontMetrics().horizontalAdvance(self.itemText(i)) for i in range(self.count())),
                     default=0)
        self.view().setMinimumWidth(min(POPUP_MAX_WIDTH, widest + 40))

    def _update_tooltip(self, _index: int = 0) -> None:
        text = self.currentText()
        self.setToolTip(text if self.fontMetrics().horizontalAdvance(text) > self._text_width() else "")

    def _text_width(self) -> int:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return self.style().subControlRect(QStyle.CC_ComboBox, option, QStyle.SC_ComboBoxEditField,
                                           self).width()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, _event) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.CC_ComboBox, option)
        option.currentText = self.fontMetrics().elidedText(option.currentText, Qt.ElideRight,
                                                           max(0, self._text_width() - 2))
        painter.drawControl(QStyle.CE_ComboBoxLabel, option)


class FilterBar(QWidget):
    filterChanged = Signal(object)  # FilterSpec

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Tìm (không dấu)")
        self.search.setToolTip("Tìm trong nội dung, sản phẩm, cơ quan (Ctrl+F); gõ không dấu cũng được, "
                               "ví dụ «chuyen doi so»")
        self.search.setClearButtonEnabled(True)
        # wide enough for its placeholder next to the clear button (it was cut to «Tìm (không cần dấu): ch…»)
        metrics = self.search.fontMetrics()
        self.search.setMinimumWidth(max(150, metrics.horizontalAdvance(self.search.placeholderText())
                                        + 4 * metrics.averageCharWidth() + 24))
        # Each combo is as wide as its «…: tất cả» entry; longer items are elided in the combo and
        # shown in a wider popup (the bar fits beside both side panes on a 1366-px screen).
        self.section = ElidedComboBox(self)
        self.section.fit_to(ALL_SECTIONS)
        self.lead = ElidedComboBox(self)
        self.lead.fit_to(ALL_LEADS)
        self.status = ElidedComboBox(self)
        self.status.addItem(ALL_STATUSES, None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.due = ElidedComboBox(self)
        for label, value in DUE_CHOICES:
            self.due.addItem(label, value)
        for combo in (self.status, self.due):
            combo.fit_to(combo.itemText(0))
            combo.update_popup_width()
        for combo, what in ((self.section, "Lọc theo mục"), (self.lead, "Lọc theo cơ quan chủ trì"),
                            (self.status, "Lọc theo trạng thái"), (self.due, "Lọc theo thời hạn")):
            combo.setAccessibleName(what)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Bỏ lọc")
        self.clear_button.clicked.connect(self.clear)
        self.count_label = QLabel(self)
        self.count_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        layout.addWidget(QLabel("Tìm:", self))
        layout.addWidget(self.search, 3)
        layout.addWidget(self.section)
        layout.addWidget(self.lead)
        layout.addWidget(self.status)
        layout.addWidget(self.due)
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
        self._refill(self.section, ALL_SECTIONS, sections)

    def set_agencies(self, agencies) -> None:
        """agencies: [(id, name)] — shown in Vietnamese alphabetical order; a choice that is not an agency (id
        "@…": the products a group phrase leads) comes last."""
        ordered = sorted(agencies, key=lambda a: (str(a[0]).startswith("@"), sort_key(a[1])))
        self._refill(self.lead, ALL_LEADS, ordered)

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
        combo.update_popup_width()
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
