"""QA pass 6: every menu item says in the status bar, in Vietnamese, what it does."""
from __future__ import annotations

import re
import unicodedata

import pytest

pytest.importorskip("pytestqt")

# words without diacritics that are not Vietnamese syllables but belong in the tips (names of programs, formats)
NAMES = {"excel", "word", "pdf", "usb", "cchc", "stt", "ctrl", "xlsx", "docx", "cchc"}
_ONSET = "(?:ngh|ch|gh|gi|kh|ng|nh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
_VOWELS = "[aeiouy]{1,3}"
_CODA = "(?:ch|ng|nh|c|m|n|p|t)?"
SYLLABLE = re.compile(f"{_ONSET}{_VOWELS}{_CODA}")


def _bare(word: str) -> str:
    """«nhiệm» → «nhiem» (đ kept: it is a letter of its own)."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "\x00"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\x00", "đ")


def foreign_words(text: str) -> list[str]:
    """The words of a text that cannot be Vietnamese syllables («Open file» → ['Open', 'file'])."""
    text = re.sub(r"\b(?:Ctrl|Shift|Alt)\+\w+", " ", text)      # key names: «Ctrl+Z»
    return [w for w in re.findall(r"[^\W\d_]+", text)
            if w.lower() not in NAMES and not SYLLABLE.fullmatch(_bare(w))]


def test_foreign_word_check():
    assert foreign_words("Open the file to import") == ["Open", "file", "import"]
    assert foreign_words("Xuất status tip") == ["status"]
    assert foreign_words("Hoàn tác được bằng Ctrl+Z") == []
    assert foreign_words("Nhập phụ lục nhiệm vụ từ tệp Excel, Word (xem trước rồi mới ghi) nghiêng quyển") == []


def _menu_actions(menu, path):
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            yield from _menu_actions(action.menu(), f"{path} › {action.text()}")
        else:
            yield path, action


def test_every_menu_action_has_a_vietnamese_status_tip(qtbot, window):
    """Only three items had a status tip; hovering any other told nothing in the status bar."""
    from ui.backup_start import install_backup_menu

    install_backup_menu(window)
    problems, count = [], 0
    for top in window.menuBar().actions():
        for path, action in _menu_actions(top.menu(), top.text()):
            count += 1
            tip = action.statusTip().strip()
            if not tip:
                problems.append(f"{path} › {action.text()}: không có statusTip")
            elif foreign_words(tip):
                problems.append(f"{path} › {action.text()}: «{tip}» có từ không phải tiếng Việt {foreign_words(tip)}")
            elif tip.replace("&", "") == action.text().replace("&", "").rstrip("…"):
                problems.append(f"{path} › {action.text()}: statusTip chỉ nhắc lại tên")
    assert count >= 50, count
    assert not problems, "\n".join(problems)


def test_hovering_a_menu_item_shows_its_tip_in_the_status_bar(qtbot, window):
    """The tip reaches the status bar (a menu item sends it to the window when hovered)."""
    action = window.actions["import"]
    action.showStatusText(window)
    assert window.statusBar().currentMessage() == action.statusTip() != ""
