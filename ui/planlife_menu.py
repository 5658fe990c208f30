"""The «Kế hoạch» menu (issue #15): amend from a revised file, roll over to next year, five-year plan. Light on
purpose: the dialogs load when an entry is first chosen (issue #18)."""
from __future__ import annotations

from PySide6.QtGui import QAction

from . import messages
from .menus import insert_menu


def install_planlife_menu(window) -> None:
    """Add the «Kế hoạch» menu: amend from a revised file, roll over to next year, five-year plan."""
    menu = insert_menu(window, "&Kế hoạch")

    def AmendDialog(*args, **kwargs):          # the dialogs (importers, reports) load when first chosen
        from .amend_dialog import AmendDialog as dialog
        return dialog(*args, **kwargs)

    def RolloverDialog(*args, **kwargs):
        from .rollover_dialog import RolloverDialog as dialog
        return dialog(*args, **kwargs)

    def FiveYearDialog(*args, **kwargs):
        from .fiveyear_dialog import FiveYearDialog as dialog
        return dialog(*args, **kwargs)

    def plan_id():
        return getattr(getattr(window, "model", None), "plan_id", None)

    def run(make, title):
        def wrapped():
            current = plan_id()
            if not current:
                messages.info(window, title, "Hãy mở một kế hoạch trước.")
                return
            dialog = make(current)
            window.dialog_runner(dialog) if hasattr(window, "dialog_runner") else dialog.exec()
            new_id = getattr(dialog, "new_plan_id", None)
            if new_id and hasattr(window, "open_plan"):
                window.open_plan(new_id)
        return wrapped

    entries = [
        ("Điều &chỉnh kế hoạch theo tệp điều chỉnh, bổ sung…", "amend",
         run(lambda pid: AmendDialog(window.store, pid, window, undo_stack=getattr(window, "undo_stack", None),
                                     model=getattr(window, "model", None)), "Điều chỉnh kế hoạch"),
         "So kế hoạch với tệp điều chỉnh, bổ sung và áp dụng các thay đổi đã chọn"),
        ("Tạo kế hoạch năm &sau…", "rollover",
         run(lambda pid: RolloverDialog(window.store, pid, window), "Tạo kế hoạch năm sau"),
         "Tạo kế hoạch năm sau từ kế hoạch này (chuyển tiếp nhiệm vụ chưa xong)"),
        ("Kế hoạch &giai đoạn (5 năm)…", "fiveyear",
         run(lambda pid: FiveYearDialog(window.store, pid, window), "Kế hoạch giai đoạn"),
         "Gắn kế hoạch năm với kế hoạch giai đoạn, xem kết quả thực hiện cả giai đoạn"),
    ]
    window.planlife_actions = {}
    for text, name, slot, tip in entries:
        action = QAction(text, window)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        window.planlife_actions[name] = action
    window.planlife_menu = menu
    # the task pane's «Phục vụ nhiệm vụ/chỉ tiêu kế hoạch giai đoạn»; at start after the first paint (ui/startup.py)
    if hasattr(window, "details") and not getattr(window, "defer_until_painted", False):
        install_link_panel(window)


def install_link_panel(window):
    """The five-year link panel in the task pane (once), following the current task."""
    panel = getattr(window, "task_link_panel", None)
    if panel is None:
        from .fiveyear_link_panel import install_task_link_panel
        panel = install_task_link_panel(window)
        row = window.current_row() if hasattr(window, "current_row") else None
        if row is not None and row.task is not None:     # a task chosen before the panel was there
            panel.set_task(row.task.id)
    return panel
