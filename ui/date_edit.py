"""One date field for the whole app (issue #20): type "10/01/2026", "1/1/2026" or "10012026", or pick from a calendar.

QDateEdit edits a date section by section, so selecting everything and typing "10/01/2026" gave 01/01/2026. This
field is a line edit read as a whole by ``cchc_desktop.dates.parse_user_date``; next to it a hint says what was
understood ("Thứ bảy, 10/01/2026") or why the text is not a date ("Ngày 31/06/2026 không tồn tại", in red). A text
that is not a date is never turned into another date: the field keeps the text, ``isValid()`` is False, and
``date()`` still answers the last valid value, which the hint names.

It offers the part of QDateEdit's interface the app uses (``date``, ``setDate``, ``dateChanged``,
``setMinimumDate`` + ``setSpecialValueText`` for an optional date), so dialogs swap one class for the other.
"""
from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (QCalendarWidget, QHBoxLayout, QLabel, QLineEdit, QMenu, QToolButton, QWidget,
                               QWidgetAction)

from cchc_desktop.dates import DateTextError, describe, format_date, parse_user_date

_ERROR_STYLE = "QLineEdit { border: 1px solid #b00020; }"


def _py(value: QDate) -> _dt.date | None:
    return _dt.date(value.year(), value.month(), value.day()) if value.isValid() else None


class DateEdit(QWidget):
    dateChanged = Signal(QDate)
    editingFinished = Signal()       # the user left the field or picked a day (a form saves the field then)

    def __init__(self, date: QDate | _dt.date | QWidget | None = None, parent: QWidget | None = None, *,
                 compact: bool = False):
        """``compact``: no hint beside the field (a crowded toolbar row); the hint then shows as its tooltip and a
        text that is not a date still turns the field red."""
        if isinstance(date, QWidget):                    # DateEdit(parent), like QDateEdit(parent)
            date, parent = None, date
        super().__init__(parent)
        self.compact = compact
        self._value: QDate = QDate.currentDate()
        self._empty_date: QDate | None = None        # set by setMinimumDate + setSpecialValueText (optional date)
        self._empty_text = ""
        self._valid = True
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("dd/mm/yyyy")
        self.edit.setMaxLength(12)
        self.edit.setToolTip("Gõ ngày/tháng/năm (10/01/2026, 1/1/2026, 10012026) hoặc chọn trên lịch")
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setToolTip("Chọn trên lịch")
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.button.setMenu(menu)
        self.button.setPopupMode(QToolButton.InstantPopup)
        menu.aboutToShow.connect(lambda: self.calendar.setSelectedDate(self._value))
        self.calendar.clicked.connect(lambda d: (self.setDate(d), menu.close(), self.editingFinished.emit()))
        self.hint = QLabel(self)
        self.hint.setStyleSheet("color: #555;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        layout.addWidget(self.hint)
        self.hint.setVisible(not compact)
        self.hint_text = ""
        self.edit.textEdited.connect(self._preview)
        self.edit.editingFinished.connect(self._commit)
        self.setFocusProxy(self.edit)
        self.setDate(date if date is not None else QDate.currentDate())

    # -- QDateEdit-like interface ----------------------------------------------------------------------
    def setCalendarPopup(self, _on: bool) -> None:       # always has one
        pass

    def setDisplayFormat(self, _fmt: str) -> None:       # always dd/mm/yyyy
        pass

    def setMinimumDate(self, value: QDate) -> None:
        self._empty_date = value

    def minimumDate(self) -> QDate:
        return self._empty_date or QDate(1900, 1, 1)

    def setSpecialValueText(self, text: str) -> None:
        self._empty_text = text
        self.edit.setPlaceholderText(text or "dd/mm/yyyy")
        if self._value == self._empty_date:
            self._show()

    def date(self) -> QDate:
        return QDate(self._value)

    def isValid(self) -> bool:
        return self._valid

    def setDate(self, value: QDate | _dt.date | None) -> None:
        if isinstance(value, _dt.date):
            value = QDate(value.year, value.month, value.day)
        if value is None or not value.isValid():
            value = self._empty_date or QDate.currentDate()
        changed = value != self._value
        self._value = QDate(value)
        self._valid = True
        self._show()
        if changed:
            self.dateChanged.emit(QDate(self._value))

    def text(self) -> str:
        return self.edit.text()

    # -- internals -------------------------------------------------------------------------------------
    def _hint(self, text: str) -> None:
        self.hint.setText(text)
        if self.compact:
            self.edit.setToolTip(text or "Gõ ngày/tháng/năm (10/01/2026, 1/1/2026, 10012026) hoặc chọn trên lịch")

    def _is_empty_value(self, value: QDate) -> bool:
        return self._empty_date is not None and value == self._empty_date

    def _show(self) -> None:
        self.edit.setStyleSheet("")
        if self._is_empty_value(self._value):
            self.edit.setText("")
            self._hint("")
            return
        self.edit.setText(format_date(_py(self._value)))
        self.hint.setStyleSheet("color: #555;")
        self._hint(describe(_py(self._value)).split(",")[0])

    def _parse(self, text: str) -> _dt.date | None:
        """The typed date; None for an empty optional field. Raises DateTextError."""
        if not text.strip() and self._empty_date is not None:
            return None
        return parse_user_date(text)

    def _preview(self, text: str) -> None:
        try:
            value = self._parse(text)
        except DateTextError as exc:
            self.hint.setStyleSheet("color: #b00020;")
            self._hint("?" if len(text.strip()) < 6 else str(exc))
            return
        self.hint.setStyleSheet("color: #555;")
        self._hint(self._empty_text if value is None else f"→ {describe(value)}")

    def _commit(self) -> None:
        text = self.edit.text()
        try:
            value = self._parse(text)
        except DateTextError as exc:
            self._valid = False
            self.edit.setStyleSheet(_ERROR_STYLE)
            self.hint.setStyleSheet("color: #b00020;")
            kept = "" if self._is_empty_value(self._value) else f" — vẫn giữ {format_date(_py(self._value))}"
            self._hint(f"{exc}{kept}")
            return
        self.setDate(self._empty_date if value is None else QDate(value.year, value.month, value.day))
        self.editingFinished.emit()
