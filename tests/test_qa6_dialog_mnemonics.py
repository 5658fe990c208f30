"""QA pass 6, keyboard in dialogs: every push button, check box, radio button and form label of every dialog has
an Alt+letter, no letter twice in one dialog (on every page of its tabs), and every field of a form (line edit,
combo box, date and number boxes) has a label with a letter that moves the cursor to it. The standard buttons
(«Đồng ý», «Hủy», «Đóng»: Enter and Esc) keep Qt's texts."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QDialog,  # noqa: E402
                               QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QTabWidget, QToolButton,
                               QWidget)

from test_qa4_keyboard import dialog_problems, mnemonic, open_menu_dialogs  # noqa: E402

STANDARD_TEXTS = {"Đồng ý", "Hủy", "Đóng"}
FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox)


def _own(dialog: QWidget, widget: QWidget) -> bool:
    """A control of this dialog itself (not of a sub-window, not an editor inside a table or a combo box)."""
    if widget.window() is not dialog:
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, (QAbstractItemView, QComboBox, QAbstractSpinBox)):
            return False
        parent = parent.parentWidget()
    return True


def _form_fields(dialog: QWidget) -> list[QWidget]:
    """The first input field of each row of every QFormLayout (alone, in a row of widgets or in a container; a
    second box of the same row — day + month — is reached with Tab from the first)."""
    out = []

    def fields_of(item):
        if item is None:
            return []
        widget = item.widget()
        if widget is not None:
            return [widget] if isinstance(widget, FIELDS) else [w for w in widget.findChildren(QWidget)
                                                                if isinstance(w, FIELDS) and _own(dialog, w)]
        layout = item.layout()
        return [w for i in range(layout.count()) for w in fields_of(layout.itemAt(i))] if layout else []

    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            found = fields_of(form.itemAt(row, QFormLayout.FieldRole))
            if found:
                out.append(found[0])
    return out


def mnemonic_gaps(dialog: QWidget) -> list[str]:
    """Controls of a dialog without their Alt+letter, and form fields without a label pointing to them."""
    title, gaps = dialog.windowTitle(), []
    for widget in dialog.findChildren(QWidget):
        if not _own(dialog, widget):
            continue
        if isinstance(widget, QAbstractButton) and not isinstance(widget, QToolButton):
            box = widget.parentWidget()
            standard = isinstance(box, QDialogButtonBox) and box.standardButton(widget) != QDialogButtonBox.NoButton
            if widget.text() and not standard and widget.text() not in STANDARD_TEXTS and mnemonic(widget.text()) is None:
                gaps.append(f"{title}: nút «{widget.text()}» không có chữ tắt")
        elif isinstance(widget, QLabel) and widget.buddy() is not None \
                and widget.buddy().focusPolicy() != Qt.NoFocus and mnemonic(widget.text()) is None:
            gaps.append(f"{title}: nhãn «{widget.text()}» không có chữ tắt")
    labels = {label.buddy(): label for label in dialog.findChildren(QLabel) if label.buddy() is not None}
    for field in _form_fields(dialog):
        if _own(dialog, field) and field not in labels:
            gaps.append(f"{title}: ô {type(field).__name__} «{getattr(field, 'text', lambda: '')()}» trong biểu mẫu "
                        "không có nhãn (setBuddy)")
    return gaps


def clashes_on_every_page(dialog: QWidget) -> list[str]:
    """dialog_problems with each page of each tab widget shown in turn."""
    problems = list(dialog_problems(dialog))
    for tabs in dialog.findChildren(QTabWidget):
        current = tabs.currentIndex()
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            problems += [p for p in dialog_problems(dialog) if p not in problems]
        tabs.setCurrentIndex(current)
    return problems


def test_the_gap_finder_finds_gaps(qtbot):
    from PySide6.QtWidgets import QCheckBox, QPushButton, QVBoxLayout

    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setWindowTitle("Thử")
    form = QFormLayout()
    form.addRow("Tên:", QLineEdit())
    form.addRow("&Số:", QLineEdit())
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(QPushButton("Chọn…"))
    layout.addWidget(QCheckBox("&Sao lưu"))
    layout.addWidget(box)
    gaps = mnemonic_gaps(dialog)
    assert gaps == ["Thử: nhãn «Tên:» không có chữ tắt", "Thử: nút «Chọn…» không có chữ tắt"] or sorted(gaps) == sorted(
        ["Thử: nhãn «Tên:» không có chữ tắt", "Thử: nút «Chọn…» không có chữ tắt"]), gaps
    assert clashes_on_every_page(dialog) and "«s»" in clashes_on_every_page(dialog)[0]
    lone = QLineEdit()
    form.addRow(lone)
    assert any("QLineEdit" in g for g in mnemonic_gaps(dialog))


@pytest.fixture
def menu_dialogs(qtbot, window, monkeypatch):
    """Every dialog the menus open (recorded instead of run), as in test_qa4_keyboard."""
    from ui.backup_start import install_backup_menu

    install_backup_menu(window)
    opened = open_menu_dialogs(window, monkeypatch)
    assert len(opened) >= 20, [d.windowTitle() for d in opened]
    return opened


def test_every_dialog_of_the_menus_has_letters_for_its_controls(menu_dialogs):
    """The report dialog, plan properties, exchange, amendment, roll-over, PAR, five-year, settings… had buttons
    and labels without Alt+letter (only the menus had them)."""
    problems = []
    for dialog in menu_dialogs:
        problems += [p for p in mnemonic_gaps(dialog) + clashes_on_every_page(dialog) if p not in problems]
    assert not problems, "\n".join(problems)


def test_the_import_preview_has_letters_for_its_controls(qtbot):
    import test_plan_import
    from cchc_desktop.importers.plan_builder import read_plan
    from ui.dialogs.import_preview import ImportPreviewDialog

    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as folder:
        draft = read_plan(test_plan_import._ward_docx(Path(folder)))
    for kwargs in ({}, {"current_plan_label": "xã A 2026", "section_label": "I. Mục"}):
        dialog = ImportPreviewDialog(draft, **kwargs)
        qtbot.addWidget(dialog)
        problems = mnemonic_gaps(dialog) + clashes_on_every_page(dialog)
        assert not problems, "\n".join(problems)
