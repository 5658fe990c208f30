"""Preview of an import before anything is written: what was read, part by part, each part tickable.

Takes an appendix draft (Excel, pasted rows) or a whole-plan draft (Word/text plan: facts, appendix,
targets, Nơi nhận + signer, report due days).  The appendix tab shows the STT as written, the full
texts wrapped (never cut with "…"), how each deadline is understood and where each row came from
("Bảng 3, dòng 2", "Trang «Phụ lục», dòng 50"), with counts per section.  Targets can be unticked
and edited.  :meth:`ImportPreviewDialog.commit` writes the ticked parts in one transaction.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QListWidget, QRadioButton,
                               QStyledItemDelegate, QTableWidget, QTableWidgetItem, QTabWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from cchc_desktop.deadlines import parse_deadline
from cchc_desktop.importers.model import AppendixDraft, source_location
from cchc_desktop.importers.plan_builder import (PART_APPENDIX, PART_FACTS, PART_HEADER, PART_LABELS,
                                                 PART_REPORT, PART_TARGETS, plan_from_appendix)
from cchc_desktop.text import sort_key

from ..forms import link_form_labels, with_mnemonic
from cchc_desktop.tracking.targets import COMPARISON_LABELS, format_value

TARGET_CURRENT = "current"
TARGET_NEW = "new"
TARGET_SECTION = "section"
TREE_COLUMNS = ["STT", "Nội dung / Hoạt động, sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
                "Thời gian thực hiện", "Cách hiểu thời hạn", "Vị trí trong tệp"]
TARGET_COLUMNS = ["Ghi", "Chỉ tiêu", "So sánh", "Giá trị", "Đơn vị", "Thuộc mục", "Câu trong kế hoạch"]


def deadline_meaning(text: str, year_start: int, year_end: int) -> str:
    """"Hạn: 30/06/2026, 30/09/2026", "Thường xuyên (cả năm)", "Không hiểu được thời hạn — giữ nguyên …"."""
    return parse_deadline(text, year_start, year_end).describe()


PART_LETTERS = {PART_FACTS: "t", PART_APPENDIX: "p", PART_TARGETS: "c", PART_HEADER: "n", PART_REPORT: "h"}


class ImportPreviewDialog(QDialog):
    """Shows what will be written; the caller commits on accept (see `target`, `parts`, `commit`)."""

    def __init__(self, draft, parent=None, *, current_plan_label: str | None = None,
                 section_label: str | None = None, title: str | None = None, current_plan_empty: bool = False,
                 plan_years: tuple[int, int] | None = None):
        super().__init__(parent)
        plan = plan_from_appendix(draft) if isinstance(draft, AppendixDraft) else draft
        self.plan_draft = plan
        self._current_plan_empty = current_plan_empty
        self.draft = plan.appendix            # the appendix (None when the file has none)
        facts = plan.facts
        if facts.year_start:
            self.years = (facts.year_start, facts.year_end or facts.year_start)
        else:
            self.years = plan_years or (date.today().year, date.today().year)
        # deadlines naming another year than the plan's ("Quý IV/2025" in a 2026 plan): kept, but warned
        self.year_warnings = self.draft.year_warnings(*self.years) if self.draft else []
        kind = "kế hoạch" if plan.body_paragraphs else "phụ lục"
        self.setWindowTitle(title or f"Nhập {kind} — {plan.source_name}")
        self.resize(1100, 700)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setText(self._summary_html())
        layout.addWidget(self.summary)
        self.part_boxes: dict[str, QCheckBox] = {}
        parts_row = QHBoxLayout()
        parts_row.addWidget(QLabel("Ghi các phần:", self))
        available = plan.available()
        for part in (PART_FACTS, PART_APPENDIX, PART_TARGETS, PART_HEADER, PART_REPORT):
            if part not in available:
                continue
            box = QCheckBox(with_mnemonic(self._part_label(part), PART_LETTERS[part]), self)
            box.setChecked(True)
            self.part_boxes[part] = box
            parts_row.addWidget(box)
        parts_row.addStretch(1)
        layout.addLayout(parts_row)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._facts_tab(), "Thông tin kế hoạch")
        self.tree = self._appendix_tree()
        self.tabs.addTab(self.tree, f"Nhiệm vụ ({self.draft.task_count if self.draft else 0})")
        self.targets_table = self._targets_table()
        self.tabs.addTab(self.targets_table, f"Chỉ tiêu ({len(plan.targets)})")
        self.tabs.addTab(self._signer_tab(), "Nơi nhận, người ký, báo cáo")
        agencies = self.draft.agency_names() if self.draft else []
        self.agency_list = QListWidget(self)
        self.agency_list.addItems(sorted(agencies, key=sort_key))
        self.tabs.addTab(self.agency_list, f"Cơ quan ({len(agencies)})")
        warnings = [str(w) for w in (self.draft.warnings if self.draft else []) + self.year_warnings] + plan.notes
        self.warning_list = QListWidget(self)
        self.warning_list.setWordWrap(True)
        self.warning_list.addItems(warnings)
        self.tabs.addTab(self.warning_list, f"Cảnh báo ({len(warnings)})")
        self.tabs.setCurrentIndex(1 if self.draft is not None and not plan.body_paragraphs else 0)
        layout.addWidget(self.tabs, 1)
        target_box = QWidget(self)
        target_layout = QHBoxLayout(target_box)
        target_layout.setContentsMargins(0, 0, 0, 0)
        target_layout.addWidget(QLabel("Ghi vào:", self))
        self.radio_section = QRadioButton(
            "Mục đan&g chọn (" + section_label.replace("&", "&&") + ")" if section_label else "", self)
        self.radio_current = QRadioButton(with_mnemonic(
            f"Kế hoạch đang mở ({current_plan_label})" if current_plan_label else "Kế hoạch đang mở", "k"), self)
        self.radio_new = QRadioButton("Kế hoạch &mới", self)
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
        for radio in (self.radio_section, self.radio_current, self.radio_new):
            radio.toggled.connect(self._target_changed)
        self._target_changed()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Nhập")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    # -- building ------------------------------------------------------------------------------
    def _part_label(self, part: str) -> str:
        plan = self.plan_draft
        if part == PART_APPENDIX:
            return f"{PART_LABELS[part]} ({self.draft.task_count} nhiệm vụ)"
        if part == PART_TARGETS:
            return f"{PART_LABELS[part]} ({len(plan.targets)})"
        return PART_LABELS[part]

    def _summary_html(self) -> str:
        plan, draft = self.plan_draft, self.draft
        parts = [f"<b>{plan.source_name}</b>"]
        if plan.body_paragraphs and plan.facts.title:
            parts[0] += f" — Kế hoạch {plan.facts.title}"
        if draft is not None:
            parts.append(f"{len(draft.sections)} mục, {draft.task_count} nhiệm vụ, {draft.product_count} "
                         f"hoạt động/sản phẩm, {len(draft.agency_names())} cơ quan; "
                         f"{len(draft.warnings) + len(self.year_warnings)} cảnh báo")
        else:
            parts.append("không có bảng phụ lục nhiệm vụ")
        if plan.targets:
            parts.append(f"{len(plan.targets)} chỉ tiêu")
        text = "; ".join(parts) + "."
        if draft is not None and draft.title:
            text += f"<br>{draft.title}"
        if draft is not None and draft.caption:
            text += f"<br><i>{draft.caption}</i>"
        if self.year_warnings:
            stts = ", ".join(w.stt or str(w.row) for w in self.year_warnings)
            text += (f"<br><span style='color:#a00'>{len(self.year_warnings)} thời hạn ghi năm khác năm của kế "
                     f"hoạch (STT {stts}): vẫn nhập như trong tệp, hãy kiểm tra lại (xem thẻ Cảnh báo).</span>")
        missing = plan.missing()
        if missing:
            text += "<br><span style='color:#a00'>Còn thiếu: " + "; ".join(missing) + "</span>"
        return text

    def _facts_tab(self) -> QWidget:
        f = self.plan_draft.facts
        widget = QWidget(self)
        form = QFormLayout(widget)
        src = f.sources

        def row(label: str, value: str, key: str) -> None:
            shown = value or "— (chưa có trong tệp)"
            if value and key in src:
                shown += f"   [{src[key]}]"
            item = QLabel(shown, widget)
            item.setWordWrap(True)
            item.setTextInteractionFlags(Qt.TextSelectableByMouse)
            form.addRow(label, item)
        row("Đơn vị:", f"{f.unit_kind} {f.unit_name}".strip() if f.unit_name else "", "unit_name")
        years = "" if not f.year_start else (str(f.year_start) if f.year_start == f.year_end
                                             else f"giai đoạn {f.year_start}–{f.year_end}")
        row("Năm kế hoạch:", years, "year_start")
        row("Tên kế hoạch:", f.title, "title")
        row("Số:", f.doc_number, "doc_number")
        row("Ngày ban hành:", f.date.text, "date")
        row("Địa danh:", f.place, "place")
        note = QLabel("Sau khi nhập vào kế hoạch mới, hộp «Thuộc tính kế hoạch» mở ra để xác nhận.", widget)
        note.setWordWrap(True)
        form.addRow("", note)
        return widget

    def _appendix_tree(self) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setHeaderLabels(TREE_COLUMNS)
        tree.setWordWrap(True)
        tree.setTextElideMode(Qt.ElideNone)
        tree.setUniformRowHeights(False)
        tree.setAlternatingRowColors(True)
        tree.setRootIsDecorated(False)      # every row shown expanded; STT column stays readable
        tree.setItemsExpandable(False)
        tree.setIndentation(6)
        tree.setItemDelegate(WrapDelegate(tree))
        tree.header().sectionResized.connect(lambda *_: tree.scheduleDelayedItemsLayout())
        start, end = self.years
        for section in (self.draft.sections if self.draft else []):
            label = f"{section.numeral}. {section.title}" if section.numeral else section.title
            products = sum(len(t.products) for t in section.tasks)
            label += f" — {len(section.tasks)} nhiệm vụ, {products} sản phẩm"
            # a spanned row shows column 0 only: the section title goes there
            s_item = QTreeWidgetItem(tree, [label] + [""] * (len(TREE_COLUMNS) - 1))
            s_item.setFirstColumnSpanned(True)
            font = s_item.font(0)
            font.setBold(True)
            s_item.setFont(0, font)
            for task in section.tasks:
                t_item = QTreeWidgetItem(s_item, [task.number, task.content, "", "", "", "",
                                                  source_location(task.source_sheet, task.source_row)])
                for product in task.products:
                    QTreeWidgetItem(t_item, [
                        "", product.description, "; ".join(product.leads), "; ".join(product.coordinators),
                        product.deadline_text, deadline_meaning(product.deadline_text, start, end),
                        source_location(product.source_sheet, product.source_row)])
        tree.expandAll()
        for col, width in enumerate((48, 330, 130, 130, 120, 150, 110)):
            tree.setColumnWidth(col, width)
        tree.header().setStretchLastSection(False)
        return tree

    def _targets_table(self) -> QTableWidget:
        targets = self.plan_draft.targets
        table = QTableWidget(len(targets), len(TARGET_COLUMNS), self)
        table.setHorizontalHeaderLabels(TARGET_COLUMNS)
        table.setWordWrap(True)
        table.setTextElideMode(Qt.ElideNone)
        table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                              | QAbstractItemView.AnyKeyPressed)
        for row, target in enumerate(targets):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled | Qt.ItemIsSelectable)
            tick.setCheckState(Qt.Checked if target.accepted else Qt.Unchecked)
            table.setItem(row, 0, tick)
            table.setItem(row, 1, QTableWidgetItem(target.title))
            fixed = [(2, COMPARISON_LABELS[target.comparison]), (4, target.unit),
                     (5, target.section), (6, f"{target.sentence}  [{target.location}]")]
            value = QTableWidgetItem(format_value(target.value))
            table.setItem(row, 3, value)
            for col, text in fixed:
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                table.setItem(row, col, item)
        for col, width in enumerate((36, 300, 60, 60, 60, 200, 380)):
            table.setColumnWidth(col, width)
        table.horizontalHeader().setSectionResizeMode(6, QHeaderView.Stretch)
        table.resizeRowsToContents()
        return table

    def _signer_tab(self) -> QWidget:
        s, report = self.plan_draft.signer, self.plan_draft.report
        widget = QWidget(self)
        layout = QVBoxLayout(widget)
        box = QGroupBox("Nơi nhận và người ký (lưu vào «Tiêu đề, người ký» của báo cáo)", widget)
        form = QFormLayout(box)
        form.addRow("Nơi nhận:", _label("\n".join(f"- {r};" for r in s.recipients) + (f"\n- {s.archive}"
                                                                                       if s.archive else ""), box))
        form.addRow("Thẩm quyền ký:", _label("\n".join(s.authority_lines), box))
        form.addRow("Người ký:", _label(s.signer_name, box))
        if s.issuer_name:
            form.addRow("Cơ quan ban hành:", _label(s.issuer_name, box))
        layout.addWidget(box)
        box2 = QGroupBox("Hạn nộp báo cáo định kỳ", widget)
        form2 = QFormLayout(box2)
        form2.addRow("Kế hoạch quy định:", _label("\n".join(report.describe()), box2))
        form2.addRow("Câu trong kế hoạch:", _label("\n".join(report.sentences), box2))
        layout.addWidget(box2)
        layout.addStretch(1)
        return widget

    # -- state -------------------------------------------------------------------------------------
    def _target_changed(self) -> None:
        box = self.part_boxes.get(PART_FACTS)
        if box is not None:
            new = self.radio_new.isChecked()
            # a new plan always takes the facts; an open plan that already has tasks keeps its own
            # unless the user ticks them (another unit's file must not rename it)
            box.setChecked(new or (self.radio_current.isChecked() and self._current_plan_empty))
            box.setEnabled(not new and not self.radio_section.isChecked())
        for part in (PART_TARGETS, PART_HEADER, PART_REPORT, PART_FACTS):
            if part in self.part_boxes and self.radio_section.isChecked():
                self.part_boxes[part].setChecked(False)
                self.part_boxes[part].setEnabled(False)

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

    @property
    def parts(self) -> list[str]:
        return [part for part, box in self.part_boxes.items() if box.isChecked()]

    def set_part(self, part: str, on: bool) -> None:
        self.part_boxes[part].setChecked(on)

    def _sync_targets(self) -> None:
        """Ticks and edits of the targets table back into the draft."""
        table = self.targets_table
        for row, target in enumerate(self.plan_draft.targets):
            target.accepted = table.item(row, 0).checkState() == Qt.Checked
            title = " ".join(table.item(row, 1).text().split())
            if title:
                target.title = title
            try:
                target.value = float(table.item(row, 3).text().replace(",", "."))
            except ValueError:
                pass   # an unreadable edit keeps the value read from the document

    def commit(self, store, plan_id: str | None = None):
        """Write the ticked parts (one transaction); returns the commit result (plan_id, counts)."""
        from cchc_desktop.import_commit import commit_plan
        self._sync_targets()
        return commit_plan(store, self.plan_draft, plan_id, parts=self.parts)


class WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the column's current width (a plain tree keeps one line
    per row and cuts the rest with "…")."""

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        view = self.parent()
        text = index.data(Qt.DisplayRole) or ""
        if not text or view.isFirstColumnSpanned(index.row(), index.parent()):
            return size
        width = max(20, view.columnWidth(index.column()) - 14)
        rect = QFontMetrics(option.font).boundingRect(QRect(0, 0, width, 100_000),
                                                      int(Qt.TextWordWrap), text)
        return QSize(size.width(), max(size.height(), rect.height() + 6))


def _label(text: str, parent) -> QLabel:
    label = QLabel(text or "— (chưa có trong tệp)", parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label
