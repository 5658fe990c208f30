"""Qt's own texts (standard buttons, context menus, calendar) are Vietnamese once ui.qt_vi is installed."""
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox

from ui import qt_vi


def test_standard_buttons_and_context_menu_are_vietnamese(qapp):
    translator = qt_vi.install(qapp)
    try:
        assert qt_vi.install(qapp) is translator            # idempotent
        box = QMessageBox(QMessageBox.Question, "t", "x", QMessageBox.Yes | QMessageBox.No | QMessageBox.Ok)
        assert sorted(b.text() for b in box.buttons()) == sorted(["&Có", "&Không", "Đồng ý"])
        buttons = QDialogButtonBox(QDialogButtonBox.Close | QDialogButtonBox.Cancel)
        assert sorted(b.text() for b in buttons.buttons()) == ["Hủy", "Đóng"]
        edit = QLineEdit()
        menu = edit.createStandardContextMenu()
        texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
        assert "&Sao chép" in texts and "&Dán" in texts and "Chọn tất cả" in texts
        assert QLocale().language() == QLocale.Vietnamese
        # texts it does not know stay as they are (e.g. the "Ctrl" of shortcuts)
        assert translator.translate("QShortcut", "Ctrl") == ""
    finally:
        qapp.removeTranslator(translator)
        del qapp._cchc_vi_translator
        QLocale.setDefault(QLocale.c())
