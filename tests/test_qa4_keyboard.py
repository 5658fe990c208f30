"""QA pass 4, keyboard: every menu item reachable by Alt+letter (one letter per menu), and no dialog that the
menus open has two controls answering to the same Alt+letter."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import (QAbstractButton, QDialog, QFileDialog, QGroupBox, QInputDialog, QLabel,  # noqa: E402
                               QMenu, QMessageBox, QTabWidget, QWidget)


def mnemonic(text: str) -> str | None:
    """The Alt+letter of a text («&Tệp» → «t»; «&&» is a literal ampersand)."""
    plain = text.replace("&&", "")
    i = plain.find("&")
    return plain[i + 1].lower() if 0 <= i < len(plain) - 1 else None


def menu_problems(menu: QMenu, path: str) -> list[str]:
    """Items without a letter and letters used twice, in this menu and its submenus."""
    problems, seen = [], {}
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        letter = mnemonic(action.text())
        if letter is None:
            problems.append(f"{path} › {action.text()}: không có chữ tắt")
        elif letter in seen:
            problems.append(f"{path}: «{letter}» cho cả «{seen[letter]}» và «{action.text()}»")
        else:
            seen[letter] = action.text()
        if action.menu() is not None:
            problems += menu_problems(action.menu(), f"{path} › {action.text()}")
    return problems


def _active_texts(dialog: QWidget) -> list[str]:
    """The texts whose Alt+letter is live at once in a dialog: buttons, labels with a buddy, group boxes and tab
    titles of the widgets not hidden inside it (the other pages of a tab widget or a stack are)."""
    texts = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog) or widget.window() is not dialog:
            continue
        if isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return texts


def dialog_problems(dialog: QWidget) -> list[str]:
    seen, problems = {}, []
    for text in _active_texts(dialog):
        letter = mnemonic(text)
        if letter is None:
            continue
        if letter in seen and seen[letter] != text:
            problems.append(f"{dialog.windowTitle()}: «{letter}» cho cả «{seen[letter]}» và «{text}»")
        seen.setdefault(letter, text)
    return problems


def test_mnemonic_helper():
    assert mnemonic("&Tệp") == "t" and mnemonic("Tra&o đổi") == "o"
    assert mnemonic("Sửa ô đang chọn") is None and mnemonic("Lưu && đóng") is None


@pytest.fixture
def full_window(qtbot, window):
    from ui.backup_start import install_backup_menu

    install_backup_menu(window)
    return window


def test_every_menu_item_has_its_own_letter(full_window):
    """«Sửa ô đang chọn», «Đổi tên mục…», «Chuyển mục lên/xuống», «Xóa mục…» and «Cập nhật tình trạng nhiều sản
    phẩm…» had no letter: Alt+N then a letter could not reach them."""
    problems, top = [], {}
    for action in full_window.menuBar().actions():
        letter = mnemonic(action.text())
        assert letter is not None, action.text()
        assert letter not in top, (action.text(), top[letter])
        top[letter] = action.text()
        problems += menu_problems(action.menu(), action.text().replace("&", ""))
    assert not problems, "\n".join(problems)


# a menu item that leaves the app or opens something outside it, never a dialog of its own
SKIPPED = {"quit", "shortcuts", "about"}
SKIPPED_TEXTS = {"&Mở thư mục sao lưu"}


def open_menu_dialogs(window, monkeypatch) -> list[QDialog]:
    """Trigger every enabled menu item of ``window`` and return the dialogs they open (recorded, not run; message
    boxes answer No, file pickers are cancelled). Shared with test_qa6_dialog_mnemonics."""
    opened: list[QDialog] = []

    def record(dialog, *args, **kwargs):
        opened.append(dialog)
        return 0

    monkeypatch.setattr(QDialog, "exec", record)
    monkeypatch.setattr(QMessageBox, "exec", lambda box, *a, **k: QMessageBox.StandardButton.No)
    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.No)
    for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    window.dialog_runner = lambda dialog: bool(record(dialog))
    skipped = {window.actions[name] for name in SKIPPED}
    window.view.setFocus()
    window.view.setCurrentIndex(window.model.index(1, 1))     # a task row: the task actions act

    def walk(menu):
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            elif not action.isSeparator() and action.isEnabled() and action not in skipped \
                    and action.text() not in SKIPPED_TEXTS:
                action.trigger()
    for top in window.menuBar().actions():
        walk(top.menu())
    return opened


def test_no_dialog_opened_from_the_menus_has_two_controls_on_one_letter(full_window, monkeypatch):
    """Every menu item is triggered; each dialog it opens (not shown: recorded instead of run) is checked."""
    opened = open_menu_dialogs(full_window, monkeypatch)
    problems = [p for dialog in opened for p in dialog_problems(dialog)]
    assert len(opened) >= 15, [d.windowTitle() for d in opened]    # the walk did open the dialogs
    assert not problems, "\n".join(problems)


def test_tab_goes_through_the_main_window_in_reading_order(qtbot, window):
    """Tab went from the table to the filter bar above it, and reached the details pane's fields only after the
    plan picker and the toolbar; now: toolbar, sections, tabs, filter bar, table, details (also once the status
    panel is built on first use)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QToolBar

    def order():
        groups = [window.findChild(QToolBar, "main_toolbar"), window.sections, window.tabs.tabBar(),
                  window.filter_bar, window.view, window.details]
        seen, widget = [], window.nextInFocusChain()
        while widget is not window and len(seen) < 2000:
            if widget.isVisible() and widget.focusPolicy() & Qt.TabFocus and widget is not window.tabs:
                for i, group in enumerate(groups):
                    if widget is group or group.isAncestorOf(widget):
                        seen.append(i)
                        break
            widget = widget.nextInFocusChain()
        return seen

    first = order()
    assert set(first) == set(range(6)), first
    assert first == sorted(first), first
    row = next(r for r in range(window.model.rowCount()) if window.model.row_info(r).product is not None)
    window.view.setCurrentIndex(window.model.index(row, 1))
    qtbot.waitUntil(lambda: window.status_panel.isVisible(), timeout=3000)
    after = order()
    assert after == sorted(after) and len(after) > len(first), after


def test_the_table_has_the_keyboard_at_start(window):
    """With Tab in reading order the plan picker comes first; the start must still give the keys to the table."""
    assert window.focusWidget() is window.view
