"""Form labels that take the keyboard: Alt+letter of a form row's label moves to the row's first input field."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QAbstractSpinBox, QComboBox, QFormLayout, QLabel,
                               QLayout, QLineEdit, QPlainTextEdit, QTextEdit, QWidget)

# what a form label can move to (buttons, check boxes have their own Alt+letter)
INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView)


def _first_input(item) -> QWidget | None:
    """The first input field of a form row's field item: the widget itself, or the first one inside the layout
    or the container widget (a date field made of a line edit and a calendar button: its line edit)."""
    if item is None:
        return None
    widget = item.widget()
    if widget is not None:
        if isinstance(widget, INPUTS):
            return widget
        inside = [w for w in widget.findChildren(QWidget) if isinstance(w, INPUTS)]
        return inside[0] if inside else None
    layout: QLayout | None = item.layout()
    if layout is not None:
        for i in range(layout.count()):
            found = _first_input(layout.itemAt(i))
            if found is not None:
                return found
    return None


def link_form_labels(root: QWidget) -> None:
    """In every QFormLayout under `root`, each row's label points (setBuddy) at the row's first input field. Qt
    points it at the field only when the field is one widget — at a container or a read-only text too, which
    cannot take the keyboard; a row without an input field then has a label that points nowhere."""
    for form in root.findChildren(QFormLayout) + ([root.layout()] if isinstance(root.layout(), QFormLayout) else []):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.LabelRole)
            label = label_item.widget() if label_item is not None else None
            if not isinstance(label, QLabel):
                continue
            field = _first_input(form.itemAt(row, QFormLayout.FieldRole))
            label.setBuddy(field) if field is not None else label.setBuddy(None)


__all__ = ["link_form_labels"]


def with_mnemonic(text: str, letter: str) -> str:
    """«Chỉ tiêu (6)», "c" → «&Chỉ tiêu (6)»: the Alt+letter put before the first word starting with `letter`
    (else its first occurrence); an ampersand of the text itself is kept as a character."""
    text = text.replace("&", "&&")
    lowered = text.lower()
    at = next((i for i, ch in enumerate(lowered) if ch == letter and (i == 0 or not lowered[i - 1].isalnum())),
              lowered.find(letter))
    return text if at < 0 else f"{text[:at]}&{text[at:]}"
