"""The «Trao đổi» menu of the main window. Light on purpose: the dialogs (and through them the exchange
core and openpyxl) are imported when an entry is first chosen, not while the window starts (issue 18).
Imports and merges tell the open views through the one change notification (ui/operations.py)."""
from __future__ import annotations

from PySide6.QtGui import QAction

from . import messages
from .menus import insert_menu


def dialogs():
    """ui.exchange_dialogs, imported on first use."""
    from . import exchange_dialogs
    return exchange_dialogs


# -- main window hook -------------------------------------------------------------------------------------------
def install_exchange_menu(window) -> None:
    """Add the «Trao đổi» menu to the main window (needs window.store and window.model.plan_id)."""
    menu = insert_menu(window, "Tra&o đổi")

    def plan_id():
        model = getattr(window, "model", None)
        return getattr(model, "plan_id", None)

    def need_plan(run):
        def wrapped():
            current = plan_id()
            if not current:
                messages.info(window, "Trao đổi", "Hãy mở một kế hoạch trước.")
                return
            run(current)
        return wrapped

    entries = [
        ("&Xuất tệp cập nhật cho các cơ quan (.xlsx)…",
         need_plan(lambda pid: dialogs().WorkbookExportDialog(window.store, pid, window).exec()),
         "Xuất cho mỗi cơ quan một tệp Excel để ghi kết quả thực hiện nhiệm vụ"),
        ("Nhập &tệp cập nhật từ các cơ quan…", lambda: dialogs().WorkbookImportDialog(window.store, window).exec(),
         "Nhập các tệp Excel cơ quan gửi lại (xem trước cũ → mới rồi mới ghi)"),
        None,
        ("Xuất &gói dữ liệu sang máy khác (.cchc)…",
         lambda: dialogs().PackageExportDialog(window.store, plan_id(), window).exec(),
         "Ghi toàn bộ dữ liệu thành một gói .cchc để chép sang máy khác"),
        ("Nhập gói &dữ liệu từ máy khác…", lambda: dialogs().PackageImportDialog(window.store, window).exec(),
         "Hợp nhất gói .cchc từ máy khác (xem trước các thay đổi và xung đột)"),
        ("X&ung đột đã ghi nhận…", lambda: dialogs().ConflictsDialog(window.store, window).exec(),
         "Xem các xung đột khi hợp nhất và khôi phục giá trị kia nếu cần"),
    ]
    window.exchange_actions = []
    for entry in entries:
        if entry is None:
            menu.addSeparator()
            continue
        action = QAction(entry[0], window)
        action.setStatusTip(entry[2])
        action.triggered.connect(entry[1])
        menu.addAction(action)
        window.exchange_actions.append(action)
    window.exchange_menu = menu
    _install_sync_entries(window, menu)
    if not getattr(window, "defer_until_painted", False):   # at start: after the first paint (ui/startup.py)
        start_sync(window)


def start_sync(window):
    """The controller that watches the sync folder (#19; ui/sync_controller.py), made once."""
    controller = getattr(window, "sync_controller", None)
    if controller is None:
        from .sync_controller import SyncController
        controller = window.sync_controller = SyncController(window)
    return controller


def _install_sync_entries(window, menu) -> None:
    """«Thư mục đồng bộ…» and «Xem nhiều xã…»; the dialogs (ui/sync_dialog.py) load when first chosen."""
    def dialogs():
        from . import sync_dialog
        return sync_dialog

    menu.addSeparator()
    for text, slot, tip in (
            ("Thư mục đồng &bộ…", lambda: dialogs().SyncDialog(start_sync(window), window).exec(),
             "Chọn thư mục dùng chung để tự động đồng bộ dữ liệu giữa các máy của xã"),
            ("Xem tiến độ &nhiều xã (chỉ đọc)…", lambda: dialogs().PortfolioDialog(window).exec(),
             "So sánh tiến độ của nhiều xã từ các gói .cchc, không gộp vào dữ liệu của mình")):
        action = QAction(text, window)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        window.exchange_actions.append(action)
