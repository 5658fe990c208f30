"""Preview of an importer's draft (sections, tasks, products, agencies, warnings) before commit."""
from __future__ import annotations


from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget,
                               QRadioButton, QTabWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from cchc_desktop.text import sort_key

TARGET_CURRENT = "current"
TARGET_NEW = "new"
TARGET_SECTION = "section"


class ImportPreviewDialog(QDialog):
    """Shows what will be written; the caller commits on accept (see `target`)."""

    def __init__(self, draft, parent=None, *, current_plan_label: str | None = None,
                 section_label: str | None = None, title: str | None = None, current_plan_empty: bool = False):
        super().__init__(parent)
        self.draft = draft
        self.setWindowTitle(title or f"Nhập phụ lục — {draft.source_name}")
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        summary = QLabel(self)
        summary.setWordWrap(True)
        agencies = draft.agency_names()
        summary.setText(
            f"<b>{draft.source_name}</b>: {len(draft.sections)} mục, {draft.task_count} nhiệm vụ, "
            f"{draft.product_count} hoạt động/sản phẩm, {len(agencies)} cơ quan; "
            f"{len(draft.warnings)} cảnh báo."
            + (f"<br>{draft.title}" if draft.title else "")
            + (f"<br><i>{draft.caption}</i>" if draft.caption else ""))
        layout.addWidget(summary)
        tabs = QTabWidget(self)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["STT", "Nội dung / Hoạt động, sản phẩm", "Cơ quan chủ trì",
                                   "Cơ quan phối hợp", "Thời gian thực hiện", "Dòng"])
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        for section in draft.sections:
            label = f"{section.numeral}. {section.title}" if section.numeral else section.title
            # a spanned row shows column 0 only: the section title goes there
            s_item = QTreeWidgetItem(self.tree, [label, "", "", "", "", _row(section.source_row)])
            s_item.setFirstColumnSpanned(True)
            font = s_item.font(0)
            font.setBold(True)
            s_item.setFont(0, font)
            for task in section.tasks:
                t_item = QTreeWidgetItem(s_item, [task.number, task.content, "", "", "",
                                                  _row(task.source_row)])
                for product in task.products:
                    QTreeWidgetItem(t_item, ["", product.description, "; ".join(product.leads),
                                             "; ".join(product.coordinators), product.deadline_text,
                                             _row(product.source_row)])
            s_item.setExpanded(True)
        self.tree.expandAll()
        for col, width in enumerate((44, 360, 140, 140, 125, 45)):
            self.tree.setColumnWidth(col, width)
        tabs.addTab(self.tree, f"Nhiệm vụ ({draft.task_count})")
        self.agency_list = QListWidget(self)
        self.agency_list.addItems(sorted(agencies, key=sort_key))
        tabs.addTab(self.agency_list, f"Cơ quan ({len(agencies)})")
        self.warning_list = QListWidget(self)
        self.warning_list.addItems([str(w) for w in draft.warnings])
        tabs.addTab(self.warning_list, f"Cảnh báo ({len(draft.warnings)})")
        if draft.warnings:
            tabs.setCurrentIndex(0)
        layout.addWidget(tabs, 1)
        target_box = QWidget(self)
        target_layout = QHBoxLayout(target_box)
        target_layout.setContentsMargins(0, 0, 0, 0)
        target_layout.addWidget(QLabel("Ghi vào:", self))
        self.radio_section = QRadioButton(f"Mục đang chọn ({section_label})" if section_label else "", self)
        self.radio_current = QRadioButton(
            f"Kế hoạch đang mở ({current_plan_label})" if current_plan_label else "Kế hoạch đang mở", self)
        self.radio_new = QRadioButton("Kế hoạch mới", self)
        if section_label:
            target_layout.addWidget(self.radio_section)
            self.radio_section.setChecked(True)
        else:
            self.radio_section.hide()
        if current_plan_label is not None:
            target_layout.addWidget(self.radio_current)
            # a file goes into the open plan only when that plan is still empty (made with «Tạo mới»);
            # else a new plan, so another unit's appendix never mixes into the open one by default
            if not section_label:
                (self.radio_current if current_plan_empty else self.radio_new).setChecked(True)
        else:
            self.radio_current.hide()
            self.radio_new.setChecked(True)
        target_layout.addWidget(self.radio_new)
        target_layout.addStretch(1)
        layout.addWidget(target_box)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Nhập")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


    @property
    def target(self) -> str:
        if self.radio_section.isChecked():
            return TARGET_SECTION
        if self.radio_current.isChecked():
            return TARGET_CURRENT
        return TARGET_NEW

    def set_target(self, target: str) -> None:
        {TARGET_SECTION: self.radio_section, TARGET_CURRENT: self.radio_current,
         TARGET_NEW: self.radio_new}[target].setChecked(True)


def _row(number) -> str:
    return "" if number is None else str(number)



