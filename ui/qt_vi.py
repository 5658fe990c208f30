"""Vietnamese for Qt's own texts (standard buttons, text-field context menus, calendar).

Qt ships no Vietnamese translation (there is no qtbase_vi.qm), so without this the message boxes say
"OK", "Yes", "No", "Close", right-click in a text field shows "Cut / Copy / Paste", and the calendar of
a date field is in English. `install()` adds a small in-memory translator for those texts and makes
Vietnamese the default locale (month and weekday names of the calendar popups).
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

_EDIT_MENU = {
    "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "&Cắt", "&Copy": "&Sao chép", "&Paste": "&Dán",
    "Delete": "Xóa", "Select All": "Chọn tất cả",
}

TEXTS: dict[str, dict[str, str]] = {
    "QPlatformTheme": {
        "OK": "Đồng ý", "Open": "Mở", "Save": "Lưu", "Cancel": "Hủy", "Close": "Đóng", "Discard": "Bỏ qua",
        "Don't Save": "Không lưu", "Apply": "Áp dụng", "Reset": "Đặt lại", "Restore Defaults": "Khôi phục mặc định",
        "Help": "Trợ giúp", "Save All": "Lưu tất cả", "&Yes": "&Có", "Yes to &All": "Có với &tất cả",
        "&No": "&Không", "N&o to All": "K&hông với tất cả", "Abort": "Dừng", "Retry": "Thử lại",
        "Ignore": "Bỏ qua",
    },
    "QMessageBox": {"Show Details...": "Xem chi tiết…", "Hide Details...": "Ẩn chi tiết…", "OK": "Đồng ý"},
    "QLineEdit": _EDIT_MENU,
    "QWidgetTextControl": _EDIT_MENU,
    "QAbstractSpinBox": {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng", "Step &down": "&Giảm"},
    "QInputDialog": {"Enter a value:": "Nhập giá trị:"},
    "QFileDialog": {
        "Look in:": "Tìm trong:", "File &name:": "&Tên tệp:", "Files of type:": "Loại tệp:",
        "&Open": "&Mở", "&Save": "&Lưu", "&Choose": "&Chọn", "Cancel": "Hủy", "Back": "Quay lại",
        "Forward": "Tiến", "Parent Directory": "Thư mục cha", "Create New Folder": "Tạo thư mục mới",
        "New Folder": "Thư mục mới", "List View": "Dạng danh sách", "Detail View": "Dạng chi tiết",
        "All Files (*)": "Mọi tệp (*)", "Directory:": "Thư mục:", "Open": "Mở", "Save As": "Lưu thành",
        "Find Directory": "Chọn thư mục", "&Delete": "&Xóa", "&Rename": "Đổi &tên",
        "Show &hidden files": "Hiện tệp ẩn", "My Computer": "Máy tính", "Recent Places": "Gần đây",
        "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nGhi đè lên tệp này?",
        # the texts Qt 6's own dialog asks for (traced with a recording translator)
        "&Look in:": "&Tìm trong:", "Files of &type:": "&Loại tệp:", "&New Folder": "Thư mục &mới",
        "Files": "Tệp", "Go back": "Quay lại", "Go forward": "Tiến", "Go to the parent directory": "Lên thư mục cha",
        "Change to detail view mode": "Xem dạng chi tiết", "Change to list view mode": "Xem dạng danh sách",
        "Create a New Folder": "Tạo thư mục mới", "List of places and bookmarks": "Các nơi thường dùng",
        "Sidebar": "Thanh bên",
    },
    "QAbstractFileIconProvider": {"Folder": "Thư mục", "Drive": "Ổ đĩa", "File": "Tệp"},
    "QFileSystemModel": {"Name": "Tên", "Size": "Kích thước", "Type": "Loại", "Date Modified": "Ngày sửa",
                         "My Computer": "Máy tính", "Computer": "Máy tính"},
    "QCalendarWidget": {"Previous Month": "Tháng trước", "Next Month": "Tháng sau", "Week": "Tuần"},
    # key names as printed on the keyboards in use (menus, tooltips, the F1 list): Qt writes "Ins", "Del",
    # "Return", "PgUp"
    "QShortcut": {"Ins": "Insert", "Del": "Delete", "Return": "Enter", "PgUp": "Page Up", "PgDown": "Page Down",
                  "Up": "↑", "Down": "↓", "Left": "←", "Right": "→", "Backspace": "Backspace"},
}


class VietnameseQtTranslator(QTranslator):
    """Answers only the texts in TEXTS; everything else stays as Qt wrote it (null answer)."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 - Qt override
        # None = a null QString = "no translation here": Qt then keeps its own text. An empty string
        # would count as a translation and blank every other Qt text (page size names too, which
        # made printed PDF pages 0×0).
        return TEXTS.get(context or "", {}).get(source_text or "")

    def isEmpty(self) -> bool:
        return False


def install(app: QCoreApplication | None = None) -> VietnameseQtTranslator | None:
    """Install the translator on the running application (idempotent) and use the Vietnamese locale."""
    app = app or QCoreApplication.instance()
    if app is None:
        return None
    existing = getattr(app, "_cchc_vi_translator", None)
    if existing is not None:
        return existing
    QLocale.setDefault(QLocale(QLocale.Vietnamese, QLocale.Vietnam))
    translator = VietnameseQtTranslator(app)
    app.installTranslator(translator)
    app._cchc_vi_translator = translator
    return translator


__all__ = ["TEXTS", "VietnameseQtTranslator", "install"]
