"""«Điều chỉnh kế hoạch theo tệp…»: read a revised appendix (.xlsx/.docx/.txt or pasted), show the diff with a
check box per change, re-pair a wrong match, apply as ONE undoable command (cchc_desktop.planlife.amend).

Entry point for the main window: ``install_planlife_menu(window)`` (in ui/planlife_menu.py) adds the menu.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QInputDialog, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from cchc_desktop.errors import UserError
from cchc_desktop.importers import SUPPORTED_EXTENSIONS, read_appendix, read_appendix_text
from cchc_desktop.planlife import amend
from cchc_desktop.dates import format_date
from cchc_desktop.text import shorten

from . import file_dialogs, messages
from .busy import busy
from .operations import perform_in
from .screen import fit_to_screen
from .forms import link_form_labels

KIND_BRUSHES = {amend.ADDED: QBrush(QColor("#dcf2dc")), amend.DROPPED: QBrush(QColor("#f8d0d0")),
                amend.MOVED: QBrush(QColor("#dde6f8")), amend.PRODUCT_MOVED: QBrush(QColor("#e4dcf4")),
                amend.CHANGED: QBrush(QColor("#fff3c4"))}
COLUMNS = ["Áp dụng", "Loại", "Vị trí", "Nhiệm vụ", "Nội dung", "Cũ", "Mới"]


class AmendDialog(QDialog):
    def __init__(self, store, plan_id: str, parent=None, *, undo_stack=None, model=None):
        super().__init__(parent)
        self.setWindowTitle("Điều chỉnh kế hoạch theo tệp điều chỉnh, bổ sung")
        self.store, self.plan_id, self.undo_stack, self.model = store, plan_id, undo_stack, model
        self.diff: amend.AmendmentDiff | None = None
        self.applied: amend.AmendUndo | None = None
        self._filling = False

        layout = QVBoxLayout(self)
        source = QHBoxLayout()
        self.source_label = QLabel("Chưa chọn tệp điều chỉnh.", self)
        self.source_label.setWordWrap(True)
        pick = QPushButton("Chọn &tệp…", self)
        pick.clicked.connect(self.pick_file)
        paste = QPushButton("&Dán từ Excel/Word", self)
        paste.setToolTip("Dán bảng phụ lục đã sao chép (Ctrl+C) từ Excel hoặc Word")
        paste.clicked.connect(self.paste)
        source.addWidget(self.source_label, 1)
        source.addWidget(pick)
        source.addWidget(paste)
        layout.addLayout(source)

        form = QFormLayout()
        self.number_edit = QLineEdit(self)
        self.number_edit.setPlaceholderText("ví dụ 41/KH-UBND")
        self.date_edit = QLineEdit(self)
        self.date_edit.setPlaceholderText("ngày/tháng/năm, ví dụ 15/07/2026")
        self.note_edit = QLineEdit(self)
        form.addRow("&Số kế hoạch điều chỉnh:", self.number_edit)
        form.addRow("&Ngày ban hành:", self.date_edit)
        form.addRow("&Ghi chú:", self.note_edit)
        layout.addLayout(form)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget(self)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(QHeaderView.Interactive)
        for column, width in enumerate((60, 125, 55, 200, 150, 220, 220)):
            self.tree.setColumnWidth(column, width)
        from .wrapped_rows import wrap_rows
        wrap_rows(self.tree, (3, 4, 5, 6))   # task, content, old, new: read in full, not cut with «…»
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.tabs.addTab(self.tree, "Các thay đổi")
        self.tabs.addTab(self.text, "Dạng văn bản")
        self.history = QPlainTextEdit(self)
        self.history.setReadOnly(True)
        self.history.setPlainText(amend.history_text(store, plan_id))
        self.tabs.addTab(self.history, "Các lần điều chỉnh trước")
        layout.addWidget(self.tabs, 1)

        row = QHBoxLayout()
        self.repair_button = QPushButton("Ghép &lại với nhiệm vụ khác…", self)
        self.repair_button.clicked.connect(self.repair_selected)
        self.all_button = QPushButton("Á&p dụng tất cả", self)
        self.all_button.clicked.connect(lambda: self._set_all(True))
        self.none_button = QPushButton("&Bỏ chọn tất cả", self)
        self.none_button.clicked.connect(lambda: self._set_all(False))
        for button in (self.repair_button, self.all_button, self.none_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton("Áp dụng điều &chỉnh", QDialogButtonBox.AcceptRole)
        self.buttons.addButton("Đóng", QDialogButtonBox.RejectRole)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_buttons()
        fit_to_screen(self, 1100, 720)
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    # -- reading ------------------------------------------------------------------------------------
    def pick_file(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in SUPPORTED_EXTENSIONS)
        path = file_dialogs.open_file(self, file_dialogs.IMPORTS, "Chọn tệp kế hoạch điều chỉnh",
                                              f"Phụ lục nhiệm vụ ({patterns})")
        if path:
            self.load_file(Path(path))

    def paste(self) -> None:
        text = QApplication.clipboard().text()
        self._load(lambda: read_appendix_text(text))

    def load_file(self, path: Path) -> None:
        self._load(lambda: read_appendix(path))

    def _load(self, read) -> None:
        try:
            with busy(self, "Đang đọc và đối chiếu tệp điều chỉnh…"):
                draft = read()
                diff = amend.prepare_amendment(self.store, self.plan_id, draft)
        except UserError as exc:
            messages.error(self, "Điều chỉnh kế hoạch", str(exc))
            return
        self.diff = diff
        self.source_label.setText(f"Tệp điều chỉnh: «{draft.source_name}» — {len(draft.sections)} mục, "
                                  f"{draft.task_count} nhiệm vụ.")
        self.number_edit.setText(diff.doc_number)
        self.date_edit.setText(format_date(diff.doc_date))
        self.refresh()

    # -- the diff -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._filling = True
        self.tree.clear()
        diff = self.diff
        if diff is not None:
            for change in diff.changes:
                item = QTreeWidgetItem(["", amend.KIND_LABELS[change.kind], change.where, change.task_text,
                                        change.content_text, change.old, change.new])
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
                item.setCheckState(0, Qt.Checked if change.accepted else Qt.Unchecked)
                item.setData(0, Qt.UserRole, change.key)
                for column in range(1, len(COLUMNS)):
                    item.setBackground(column, KIND_BRUSHES[change.kind])
                    item.setToolTip(column, item.text(column))
                self.tree.addTopLevelItem(item)
            self.text.setPlainText(amend.preview_text(diff))
            summary = " ".join([amend.preview_text(diff).splitlines()[1].strip()] + diff.notices)
            if diff.year_warnings:
                summary += (f" {len(diff.year_warnings)} thời hạn ghi năm khác năm của kế hoạch — xem «Lưu ý» "
                            "trong phần xem trước và kiểm tra lại.")
            self.summary.setText(summary)
        self._filling = False
        self._update_buttons()

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0 or self.diff is None:
            return
        self.diff.change(item.data(0, Qt.UserRole)).accepted = item.checkState(0) == Qt.Checked
        self.text.setPlainText(amend.preview_text(self.diff))

    def _set_all(self, accepted: bool) -> None:
        if self.diff is None:
            return
        for change in self.diff.changes:
            change.accepted = accepted
        self.refresh()

    def _selected_change(self) -> amend.Change | None:
        item = self.tree.currentItem()
        if item is None or self.diff is None:
            return None
        return self.diff.change(item.data(0, Qt.UserRole))

    def _update_buttons(self) -> None:
        change = self._selected_change()
        self.repair_button.setEnabled(change is not None and amend.revised_index(change) is not None)
        has = self.diff is not None
        self.all_button.setEnabled(has)
        self.none_button.setEnabled(has)
        self.apply_button.setEnabled(has and self.applied is None)

    def repair_selected(self) -> None:
        change = self._selected_change()
        index = amend.revised_index(change) if change is not None else None
        if index is None:
            return
        choices = amend.task_choices(self.diff)
        labels = ["— Nhiệm vụ mới (không ghép) —"] + [label for _i, label in choices]
        current = self.diff.pairing.tasks.get(index)
        position = next((n + 1 for n, (i, _l) in enumerate(choices) if i == current), 0)
        revised = self.diff.new.tasks[index]
        label, ok = QInputDialog.getItem(self, "Ghép lại nhiệm vụ",
                                         f"Nhiệm vụ trong tệp điều chỉnh:\n«{shorten(revised.content, 150)}»\n\n"
                                         "là nhiệm vụ nào của kế hoạch hiện tại?", labels, position, False)
        if not ok:
            return
        chosen = labels.index(label)
        self.repair(index, choices[chosen - 1][0] if chosen else None)

    def repair(self, new_index: int, old_index: int | None) -> None:
        amend.repair(self.diff, new_index, old_index)
        self.refresh()

    # -- applying -----------------------------------------------------------------------------------
    def apply(self) -> None:
        if self.diff is None:
            return
        try:
            meta = {"doc_number": self.number_edit.text().strip(),
                    "doc_date": amend.parse_date(self.date_edit.text()), "note": self.note_edit.text().strip()}
            from cchc_desktop.backup import REASON_IMPORT, backup_before_change
            backup_before_change(self.store, REASON_IMPORT)      # before the operation's transaction
        except UserError as exc:
            messages.error(self, "Điều chỉnh kế hoạch", str(exc))
            return
        # one core operation: one undo step (undone by the core), and every view is told (ui/operations.py)
        with busy(self, "Đang điều chỉnh kế hoạch…"):
            command = perform_in(self, f"Điều chỉnh kế hoạch theo «{self.diff.draft.source_name}»",
                                 amend.apply_amendment, self.store, self.diff, **meta,
                                 message=lambda text: messages.error(self, "Điều chỉnh kế hoạch", text))
        if not command.ok:
            return
        if command.result.value is None:
            messages.info(self, "Điều chỉnh kế hoạch", "Kế hoạch đã đúng như tệp điều chỉnh: không có gì thay đổi.")
            return
        self.applied = command.result.value
        self.accept()

