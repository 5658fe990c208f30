"""In-place editors of the appendix table.

* text cells (Nội dung, Hoạt động/Sản phẩm, section title): multi-line; Enter saves,
  Shift+Enter starts a new line, Esc cancels;
* agency cells: a line edit whose completer works on the part after the last ";" and ignores
  accents, plus a "…" button that opens the agency picker (multi-select). Names not yet in the
  catalogue are offered to be added;
* deadline cell: shows the parsed interpretation while typing and warns when it is not understood.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QCompleter, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QStyledItemDelegate, QToolButton, QVBoxLayout, QWidget)

from cchc_desktop.deadlines import parse_deadline
from cchc_desktop.text import fold

from . import messages
from .appendix_model import (AGENCY_ROLES, COL_CONTENT, COL_DEADLINE, COL_PRODUCT, KIND_SECTION,
                             RowKindRole, split_names)

FOLDED_ROLE = Qt.UserRole + 20
SEPARATOR = "; "


class MultiLineEditor(QPlainTextEdit):
    """Enter commits, Shift+Enter / Alt+Enter inserts a line break."""

    commit = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Box)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not (
                event.modifiers() & (Qt.ShiftModifier | Qt.AltModifier)):
            self.commit.emit()
            return
        super().keyPressEvent(event)


class AgencyCompleter(QCompleter):
    """Completes the last name of a "; "-separated list, accent-insensitively, by substring."""

    def __init__(self, names: list[str], parent=None):
        super().__init__(parent)
        source = QStandardItemModel(self)
        for name in names:
            item = QStandardItem(name)
            item.setData(fold(name), FOLDED_ROLE)
            source.appendRow(item)
        self.setModel(source)
        self.setCompletionRole(FOLDED_ROLE)
        self.setCaseSensitivity(Qt.CaseInsensitive)
        self.setFilterMode(Qt.MatchContains)
        self.setCompletionMode(QCompleter.PopupCompletion)
        self.setMaxVisibleItems(12)

    def splitPath(self, path):
        return [fold(path.split(";")[-1])]

    def pathFromIndex(self, index):
        name = index.data(Qt.DisplayRole)
        text = self.widget().text() if self.widget() is not None else ""
        head = [p.strip() for p in text.split(";")[:-1] if p.strip()]
        return SEPARATOR.join(head + [name])


class AgencyEditor(QWidget):
    """Line edit with completer + "…" button (agency picker)."""

    def __init__(self, names: list[str], parent=None):
        super().__init__(parent)
        self.names = names
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("Nhập tên cơ quan; nhiều cơ quan cách nhau bằng «; »")
        self.line.setCompleter(AgencyCompleter(names, self.line))
        self.pick = QToolButton(self)
        self.pick.setText("…")
        self.pick.setToolTip("Chọn từ danh mục cơ quan (chọn được nhiều cơ quan)")
        self.pick.clicked.connect(self._open_picker)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.pick)
        self.setFocusProxy(self.line)

    def text(self) -> str:
        return self.line.text()

    def setText(self, text: str) -> None:
        self.line.setText(text)

    def _open_picker(self):
        from .dialogs.agency_picker import AgencyPickerDialog
        dialog = AgencyPickerDialog(self.names, split_names(self.line.text()), self)
        if dialog.exec():
            self.line.setText(SEPARATOR.join(dialog.selected_names()))
        self.line.setFocus()


class DeadlineEditor(QWidget):
    """Line edit + a live interpretation line ("Hạn: 30/06/2026, 30/09/2026" / warning)."""

    def __init__(self, plan_year: int, plan_year_end: int, parent=None):
        super().__init__(parent)
        self.plan_year, self.plan_year_end = plan_year, plan_year_end
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.line = QLineEdit(self)
        self.line.setPlaceholderText("Ví dụ: Quý II/2026; Trước ngày 15/01/2026; Thường xuyên")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setMargin(2)
        layout.addWidget(self.line)
        layout.addWidget(self.hint)
        self.line.textChanged.connect(self._interpret)
        self.setFocusProxy(self.line)
        self._interpret("")

    def text(self) -> str:
        return self.line.text()

    def setText(self, text: str) -> None:
        self.line.setText(text)
        self._interpret(text)

    def _interpret(self, text: str) -> None:
        deadline = parse_deadline(text, self.plan_year, self.plan_year_end)
        ok = deadline.parsed_ok or not text.strip()
        prefix = "" if ok else "⚠ "
        self.hint.setText(prefix + deadline.describe())
        color = "#1b5e20" if deadline.parsed_ok else ("#555" if not text.strip() else "#b3261e")
        self.hint.setStyleSheet(f"color: {color}; background: #fffbe6; border: 1px solid #ccc;")
        self.parsed_ok = deadline.parsed_ok


class AppendixDelegate(QStyledItemDelegate):
    def __init__(self, view, agency_names, parent=None):
        super().__init__(parent or view)
        self.view = view
        self.agency_names = agency_names  # callable -> list[str], Vietnamese order
        self.confirm_new_agencies = True

    def createEditor(self, parent, option, index):
        col = index.column()
        kind = index.data(RowKindRole)
        if kind == KIND_SECTION or col in (COL_CONTENT, COL_PRODUCT):
            if kind == KIND_SECTION:
                editor = QLineEdit(parent)
                return editor
            editor = MultiLineEditor(parent)
            editor.commit.connect(lambda e=editor: self._commit_and_close(e))
            return editor
        if col in AGENCY_ROLES:
            editor = AgencyEditor(self.agency_names(), parent)
            editor.setAutoFillBackground(True)
            return editor
        if col == COL_DEADLINE:
            plan = index.model().plan
            editor = DeadlineEditor(plan.year_start, plan.year_end, parent)
            editor.line.returnPressed.connect(lambda e=editor: self._commit_and_close(e))
            return editor
        return super().createEditor(parent, option, index)

    def _commit_and_close(self, editor):
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.NoHint)

    def setEditorData(self, editor, index):
        value = index.data(Qt.EditRole) or ""
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
            cursor = editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            editor.setTextCursor(cursor)
        elif isinstance(editor, (AgencyEditor, DeadlineEditor, QLineEdit)):
            editor.setText(value)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QPlainTextEdit):
            value = editor.toPlainText()
        elif isinstance(editor, AgencyEditor):
            value = editor.text()
            if not self._accept_new_agencies(editor, split_names(value)):
                return
        elif isinstance(editor, (DeadlineEditor, QLineEdit)):
            value = editor.text()
        else:
            return super().setModelData(editor, model, index)
        if value != (index.data(Qt.EditRole) or ""):
            model.setData(index, value, Qt.EditRole)

    def _accept_new_agencies(self, editor, names: list[str]) -> bool:
        if not self.confirm_new_agencies:
            return True
        known = {fold(n) for n in self.agency_names()}
        new = [n for n in names if fold(n) not in known]
        if not new:
            return True
        listing = "\n".join(f"• {n}" for n in new)
        return messages.confirm(self.view, "Cơ quan mới",
                                f"Các cơ quan sau chưa có trong danh mục:\n{listing}\n\nThêm vào danh mục cơ quan?",
                                default_yes=True)

    def updateEditorGeometry(self, editor, option, index):
        rect = QRect(option.rect)
        if isinstance(editor, MultiLineEditor):
            rect.setHeight(max(rect.height(), 4 * option.fontMetrics.lineSpacing() + 10))
        elif isinstance(editor, DeadlineEditor):
            rect.setWidth(max(rect.width(), 260))
            rect.setHeight(option.fontMetrics.lineSpacing() * 4 + 12)
        elif isinstance(editor, AgencyEditor):
            rect.setWidth(max(rect.width(), 240))
            rect.setHeight(max(option.fontMetrics.lineSpacing() + 10, min(rect.height(), 40)))
        editor.setGeometry(rect)


__all__ = ["AppendixDelegate", "AgencyCompleter", "AgencyEditor", "DeadlineEditor", "MultiLineEditor"]
