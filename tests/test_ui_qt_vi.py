"""Qt's own texts (standard buttons, context menus, calendar) are Vietnamese once ui.qt_vi is installed."""
from PySide6.QtCore import QCoreApplication, QLocale
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
        assert translator.translate("QShortcut", "Ctrl") is None   # null answer: Qt keeps its own text
        assert QCoreApplication.translate("QShortcut", "Ctrl") == "Ctrl"
    finally:
        qapp.removeTranslator(translator)
        del qapp._cchc_vi_translator
        QLocale.setDefault(QLocale.c())


def test_untranslated_qt_texts_keep_their_source_and_printing_keeps_a4(qapp, tmp_path):
    """Only our texts are translated; anything else must come back unchanged (an empty answer would
    blank Qt's own strings — it made every printed PDF page 0×0)."""
    from pypdf import PdfReader
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter
    from PySide6.QtPrintSupport import QPrinter

    translator = qt_vi.install(qapp)
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
        assert QCoreApplication.translate("SomeContext", "Untranslated text") == "Untranslated text"
        printer = QPrinter(QPrinter.HighResolution)
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "a4.pdf"))
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait, QMarginsF(0, 0, 0, 0)))
        painter = QPainter()
        assert painter.begin(printer)
        painter.drawText(100, 100, "Xuân Trường")
        painter.end()
        box = PdfReader(str(tmp_path / "a4.pdf")).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    finally:
        qapp.removeTranslator(translator)
        del qapp._cchc_vi_translator
        QLocale.setDefault(QLocale.c())
