"""The main window's actions in one declarative table: name, text, slot, shortcut(s), where it acts, tip.

The table builds the QActions (`window.actions[name]`), the menus (`MENUS`: which actions, in which order),
the toolbar (`TOOLBAR`) and the F1 shortcut help (every action with a shortcut, in table order). Feature
modules that bring their own menu (USB exchange, backups) add it with ui/menus.insert_menu.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QToolBar, QToolButton
from shiboken6 import isValid

from .menus import insert_menu

UNDO, REDO = "undo", "redo"     # made by the undo stack, listed here for the menus and the help


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    slot: Callable | None            # slot(window); None: the undo stack's own action
    keys: tuple = ()                 # QKeySequence.StandardKey or "Ctrl+…" texts
    table_only: bool = False         # Del, Insert, Ctrl+C/V…: on the table only, never while typing a search
    tip: str = ""
    checkable: bool = False          # an on/off view option (unchecked at start)


A = ActionSpec
ACTIONS: tuple[ActionSpec, ...] = (
    A("new_plan", "&Tạo kế hoạch mới…", lambda w: w.new_plan(), (QKeySequence.New,),
      tip="Tạo một kế hoạch CCHC mới (đơn vị, năm, số và ngày ban hành)"),
    A("open_plan", "&Mở kế hoạch…", lambda w: w.open_plan_dialog(), (QKeySequence.Open,),
      tip="Chọn một kế hoạch đã có để mở"),
    A("duplicate_plan", "&Nhân bản kế hoạch…", lambda w: w.duplicate_plan(),
      tip="Tạo bản sao của kế hoạch đang mở"),
    A("plan_properties", "T&huộc tính kế hoạch…", lambda w: w.edit_plan_properties(), ("Alt+Return",),
      tip="Sửa tên đơn vị, năm, số, ngày ban hành, trạng thái của kế hoạch"),
    A("import", "Nhậ&p phụ lục từ tệp (Excel, Word, văn bản)…", lambda w: w.import_file_dialog(), ("Ctrl+I",),
      tip="Nhập phụ lục nhiệm vụ từ tệp Excel, Word hoặc văn bản (xem trước rồi mới ghi)"),
    A("reports", "&Lập báo cáo, xem trước, in, xuất Excel…", lambda w: w.open_reports(), ("Ctrl+Shift+P",),
      tip="Lập báo cáo, xem trước trang in, lưu PDF, in, xuất Excel hoặc Word"),
    A("report_header", "&Tiêu đề và người ký văn bản…", lambda w: w.edit_report_header(),
      tip="Đặt cơ quan ban hành, địa danh, nơi nhận và người ký in trên văn bản"),
    A("par_self", "Tự đánh giá, chấm điểm &Chỉ số CCHC…", lambda w: w.open_par(),
      tip="Tự đánh giá, chấm điểm các tiêu chí Chỉ số CCHC cuối năm, lập hồ sơ kiểm chứng"),
    A("issued_reports", "&Sổ báo cáo định kỳ đã ban hành…", lambda w: w.open_issued_reports(),
      tip="Ghi số, ngày các báo cáo định kỳ đã ban hành (để chấm điểm báo cáo đúng hạn)"),
    A("quit", "Th&oát", lambda w: w.close(), (QKeySequence.Quit,),
      tip="Đóng chương trình (mọi thay đổi đã được lưu)"),
    A(UNDO, "&Hoàn tác", None, ("Ctrl+Z",),
      tip="Hoàn tác thao tác vừa làm"),
    A(REDO, "&Làm lại", None, ("Ctrl+Y", "Ctrl+Shift+Z"),
      tip="Làm lại thao tác vừa hoàn tác"),
    A("find", "&Tìm và lọc", lambda w: w.filter_bar.focus_search(), (QKeySequence.Find,),
      tip="Tìm nhiệm vụ theo nội dung (gõ không dấu cũng được) và lọc bảng"),
    A("clear_filter", "&Bỏ lọc", lambda w: w.filter_bar.clear(), ("Ctrl+Shift+F",),
      tip="Bỏ mọi điều kiện lọc, hiện lại toàn bộ bảng"),
    A("copy", "&Sao chép", lambda w: w.copy_selection(), (QKeySequence.Copy,), True,
      tip="Sao chép các ô đang chọn (dán được vào Excel, Word)"),
    A("paste", "&Dán vào các ô", lambda w: w.paste(), (QKeySequence.Paste,), True,
      tip="Dán nội dung từ Excel, Word vào các ô đang chọn"),
    A("paste_tasks", "Dán thành &nhiệm vụ mới…", lambda w: w.paste_as_tasks(), ("Ctrl+Shift+V",), True,
      tip="Dán các dòng từ Excel, Word thành nhiệm vụ mới (xem trước rồi mới ghi)"),
    A("insert_task", "&Chèn nhiệm vụ phía trên", lambda w: w.insert_task(), ("Insert",), True,
      tip="Chèn một nhiệm vụ mới phía trên dòng đang chọn"),
    A("add_task", "&Thêm nhiệm vụ vào cuối mục", lambda w: w.add_task(), ("Ctrl+Return",), True,
      tip="Thêm một nhiệm vụ mới vào cuối mục đang chọn"),
    A("duplicate_task", "&Nhân bản nhiệm vụ", lambda w: w.duplicate_task(), ("Ctrl+D",), True,
      tip="Tạo bản sao của nhiệm vụ đang chọn, ngay bên dưới"),
    A("add_product", "Thêm &hoạt động/sản phẩm", lambda w: w.add_product(), ("Ctrl+Shift+Return",), True,
      tip="Thêm một hoạt động/sản phẩm vào nhiệm vụ đang chọn"),
    A("delete", "&Xóa dòng đang chọn", lambda w: w.delete_selection(), (QKeySequence.Delete,), True,
      tip="Xóa các dòng đang chọn (hoàn tác được bằng Ctrl+Z)"),
    A("edit_cell", "Sửa ô đang &chọn", lambda w: w.edit_current(), ("F2",), True,
      tip="Sửa nội dung ô đang chọn"),
    A("move_up", "Chuyển &lên", lambda w: w.move_current(-1), ("Ctrl+Up",), True,
      tip="Chuyển dòng đang chọn lên trên một bậc"),
    A("move_down", "Chuyển xuốn&g", lambda w: w.move_current(1), ("Ctrl+Down",), True,
      tip="Chuyển dòng đang chọn xuống dưới một bậc"),
    A("move_to_section", "Chuyển &sang mục…", lambda w: w.move_to_section(), ("Ctrl+M",), True,
      "Chuyển các nhiệm vụ đang chọn xuống cuối một mục khác"),
    A("renumber", "Đánh số lại nhiệm &vụ…", lambda w: w.open_plan_tool("renumber"),
      tip="Đánh số lại STT của các nhiệm vụ (liên tục, theo mục …); hoàn tác được"),
    A("merge_agencies", "Gộp tên cơ &quan viết khác nhau…", lambda w: w.open_plan_tool("merge_agencies"),
      tip="Tìm các tên cơ quan viết khác nhau của cùng một cơ quan và gộp lại (hoàn tác được)"),
    A("add_section", "Thêm &mục", lambda w: w.add_section(),
      tip="Thêm một mục mới vào cuối phụ lục"),
    A("rename_section", "Đổ&i tên mục…", lambda w: w.rename_section(),
      tip="Đổi tên mục đang chọn"),
    A("section_up", "Ch&uyển mục lên", lambda w: w.move_section(-1),
      tip="Chuyển mục đang chọn lên trước mục phía trên"),
    A("section_down", "Chu&yển mục xuống", lambda w: w.move_section(1),
      tip="Chuyển mục đang chọn xuống sau mục phía dưới"),
    A("delete_section", "Xó&a mục…", lambda w: w.delete_section(),
      tip="Xóa mục đang chọn cùng các nhiệm vụ của mục"),
    A("bulk_status", "Cập nhật tình t&rạng nhiều sản phẩm…", lambda w: w.bulk_update_selection(),
      tip="Ghi cùng một tình trạng cho nhiều sản phẩm đang chọn"),
    A("show_dashboard", "&Bảng theo dõi tiến độ", lambda w: w.show_dashboard(),
      tip="Mở bảng theo dõi tiến độ: số liệu theo mục, cơ quan, nhiệm vụ quá hạn, sắp đến hạn"),
    A("show_archived", "&Hiện nhiệm vụ đã bỏ",
      lambda w: w.model.set_show_archived(w.actions["show_archived"].isChecked()),
      tip="Hiện cả nhiệm vụ, sản phẩm đã bỏ theo kế hoạch điều chỉnh (chữ xám, gạch ngang, chỉ để xem)",
      checkable=True),
    A("targets", "&Chỉ tiêu của kế hoạch…", lambda w: w.edit_targets(),
      tip="Xem, thêm, sửa các chỉ tiêu của kế hoạch"),
    A("report_settings", "Cài đặt &kỳ báo cáo…", lambda w: w.edit_report_settings(),
      tip="Đặt hạn gửi báo cáo quý, 6 tháng, năm và số ngày báo trước «sắp đến hạn»"),
    A("shortcuts", "&Phím tắt", lambda w: w.show_shortcuts(), (QKeySequence.HelpContents,),
      tip="Xem danh sách phím tắt"),
    A("about", "&Giới thiệu", lambda w: w.show_about(),
      tip="Phiên bản và thông tin về chương trình"),
)
SPECS = {spec.name: spec for spec in ACTIONS}
# what changes data: switched off while the database is open read-only (issue #12); reading, searching,
# copying, reports and exports stay available
WRITES = ("new_plan", "duplicate_plan", "plan_properties", "import", "report_header", UNDO, REDO, "paste",
          "paste_tasks", "insert_task", "add_task", "duplicate_task", "add_product", "delete", "edit_cell",
          "move_up", "move_down", "move_to_section", "add_section", "rename_section", "section_up",
          "section_down", "delete_section", "bulk_status", "targets", "report_settings", "renumber", "merge_agencies")


def set_read_only(window) -> None:
    """Every write action off, the table and the details pane not editable: a read-only database (a file or
    folder without write permission, a locked USB stick) opens for reading only."""
    from PySide6.QtWidgets import QAbstractItemView

    actions = window.actions if isinstance(getattr(window, "actions", None), dict) else {}
    for name in WRITES:
        action = actions.get(name)
        if action is not None:
            action.setEnabled(False)
    stack = getattr(window, "undo_stack", None)
    if stack is not None:
        stack.setActive(False)
        for action in (actions.get(UNDO), actions.get(REDO)):
            if action is not None:
                stack.canUndoChanged.connect(lambda _on, a=action: a.setEnabled(False))
                stack.canRedoChanged.connect(lambda _on, a=action: a.setEnabled(False))
    view = getattr(window, "view", None)
    if view is not None:
        view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        view.setDragEnabled(False)
    panel = getattr(window, "status_panel", None)
    if panel is not None:
        panel.read_only = True           # shows the status and history, changes nothing
        panel.setEnabled(False)
    for action in getattr(window, "exchange_actions", []):
        if "Nhập" in action.text() or "đồng bộ" in action.text():
            action.setEnabled(False)
    window.read_only = True

# menu title -> action names (None: a separator); the first block is built before the feature menus,
# LATE_MENUS after them (just before «Trợ giúp»)
MENUS = {
    "&Tệp": ["new_plan", "open_plan", "duplicate_plan", "plan_properties", None, "report_settings", "import",
             None, "quit"],
    "&Sửa": [UNDO, REDO, None, "copy", "paste", "paste_tasks", None, "edit_cell", None, "find", "clear_filter"],
    "&Xem": ["show_archived", None],
    "&Nhiệm vụ": ["add_task", "insert_task", "duplicate_task", "add_product", None, "move_up", "move_down",
                  "move_to_section", "delete", None, "add_section", "rename_section", "section_up", "section_down",
                  "delete_section", None, "renumber", "merge_agencies", None, "bulk_status"],
    "T&rợ giúp": ["shortcuts", "about"],
}
LATE_MENUS = {
    "Th&eo dõi": ["show_dashboard", "bulk_status", "targets", "report_settings"],
    "&Báo cáo": ["reports", "report_header", "issued_reports", "par_self"],
}
TOOLBAR = (("new_plan", "Tạo mới"), ("plan_properties", "Thuộc tính"), ("import", "Nhập tệp"), None,
           ("add_task", "+ Nhiệm vụ"), ("add_product", "+ Sản phẩm"), ("delete", "Xóa"), None,
           (UNDO, "Hoàn tác"), (REDO, "Làm lại"))


def _keys(spec: ActionSpec) -> list[QKeySequence]:
    return [QKeySequence(k) for k in spec.keys]


def undo_label(base: str, step: str) -> str:
    """"&Hoàn tác" + "Sửa ô" -> "&Hoàn tác: Sửa ô"; no step: the bare "&Hoàn tác"."""
    return f"{base}: {step}" if step else base


def _undo_text(action: QAction, base: str, step: str, stack=None, tip: str = "") -> None:
    """The undo/redo action's text after each step; a step to undo whose command carries its own `undo_text`
    ("menu line\nwhole sentence": ui.operations.OpCommand, e.g. a package merge, which the next exchange sends
    back) reads that instead: the line in the menu, the sentence in the status bar and the toolbar's tooltip."""
    if not isValid(action):
        return
    note = None
    if stack is not None and isValid(stack) and step and stack.index() > 0:
        note = getattr(stack.command(stack.index() - 1), "undo_text", None)
    line, _, sentence = (note or "").partition("\n")
    action.setText(f"&{line}" if note else undo_label(base, step))
    if stack is not None:
        action.setStatusTip(sentence or line or tip)
        action.setToolTip(sentence or line or action.text().replace("&", ""))


def build_actions(window) -> None:
    """window.actions[name] for every row of the table (undo/redo from window.undo_stack)."""
    for spec in ACTIONS:
        if spec.slot is None:
            stack = window.undo_stack
            make, text_changed = ((stack.createUndoAction, stack.undoTextChanged) if spec.name == UNDO
                                  else (stack.createRedoAction, stack.redoTextChanged))
            action = make(window, spec.text)
            # «Hoàn tác: Sửa hoạt động/sản phẩm» (Qt writes the prefix and the step's text with a bare space);
            # connected after Qt's own slot, so this text is the one shown
            text_changed.connect(lambda text, a=action, base=spec.text, s=stack if spec.name == UNDO else None,
                                 tip=spec.tip: _undo_text(a, base, text, s, tip))
        else:
            action = QAction(spec.text, window)
            action.triggered.connect(lambda _checked=False, f=spec.slot: f(window))
        if spec.checkable:
            action.setCheckable(True)
        if spec.keys:
            action.setShortcuts(_keys(spec))
        if spec.tip:
            action.setStatusTip(spec.tip)
        if spec.table_only:
            action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            window.view.addAction(action)
        else:
            window.addAction(action)
        window.actions[spec.name] = action


def _fill(window, menu, names) -> None:
    for name in names:
        if name is None:
            menu.addSeparator()
        else:
            menu.addAction(window.actions[name])


def build_menus(window) -> None:
    bar = window.menuBar()
    window.menus = {}
    for title, names in MENUS.items():
        menu = bar.addMenu(title)
        window.menus[title.replace("&", "")] = menu
        _fill(window, menu, names)


def build_late_menus(window) -> None:
    for title, names in LATE_MENUS.items():
        _fill(window, insert_menu(window, title), names)


def build_toolbar(window) -> QToolBar:
    bar = QToolBar("Thanh công cụ", window)
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
    bar.addWidget(QLabel(" Kế hoạch: ", window))
    bar.addWidget(window.plan_combo)
    for entry in TOOLBAR:
        if entry is None:
            bar.addSeparator()
            continue
        name, short = entry
        button = QToolButton(window)
        button.setDefaultAction(window.actions[name])
        _short_text(window, button, name, short)
        # «Hoàn tác»/«Làm lại» change their text with every step ("Hoàn tác: Di chuyển nhiệm vụ"): the button
        # stays short (the toolbar no longer jumps), the full text is in the tooltip
        window.actions[name].changed.connect(lambda b=button, n=name, t=short: _short_text(window, b, n, t))
        bar.addWidget(button)
    window.addToolBar(bar)
    return bar


def _short_text(window, button: QToolButton, name: str, text: str) -> None:
    action = window.actions[name]
    if not (isValid(button) and isValid(action)):   # window being destroyed
        return
    button.setText(text)
    # «Hoàn tác» of a step with its own sentence (_undo_text) shows that sentence
    button.setToolTip((action.toolTip() if name == UNDO else action.text()).replace("&", "")
                      + (f" ({action.shortcut().toString(QKeySequence.NativeText)})"
                         if not action.shortcut().isEmpty() else ""))


def shortcut_help(window) -> str:
    """The F1 list: every action of the table that has a shortcut, in table order."""
    lines = []
    for spec in ACTIONS:
        action = window.actions.get(spec.name)
        if not spec.keys or action is None:
            continue
        keys = ", ".join(s.toString(QKeySequence.NativeText) for s in action.shortcuts() if not s.isEmpty())
        if not keys:             # a standard key this platform does not define (Quit on some desktops)
            continue
        text = (spec.text if spec.slot is None else action.text()).replace("&", "")
        lines.append(f"<tr><td><b>{keys}</b></td><td>{text}</td></tr>")
    return "<table cellpadding=3>" + "".join(lines) + "</table>"
