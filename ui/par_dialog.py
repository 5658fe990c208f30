"""«Tự đánh giá Chỉ số CCHC» (issue #17): the year's criteria with their points, evidence and explanations.

Thin over cchc_desktop.par: the tree shows an Assessment. Every write (catalogue import, confirmed links, a link
removed, a score with its explanation and override reason, the computed points taken, a document added or deleted,
the agencies' documents imported) is one core operation (``cchc_desktop.ops.par``) on the main window's undo stack (``perform_in``): Ctrl+Z
here or in the window undoes it, and the dialog refreshes from the one change notification (``StoreEvents.changed``).
Link proposals are reviewed one by one before they are confirmed; «Xuất hồ sơ…» writes the report, the scoring
table and the evidence dossier.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from cchc_desktop.errors import UserError
from cchc_desktop.ops import par as par_ops
from cchc_desktop.par import catalog as par_catalog
from cchc_desktop.par import mapping, scoring
from cchc_desktop.par.scoring import EVIDENCE_LABELS, FULL, MISSING, points_text

from . import file_dialogs, messages
from .busy import busy
from .operations import events_in, perform_in, stack_in
from .forms import link_form_labels

COLUMNS = ["Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Tối đa", "Tự tính", "Tự chấm", "Tài liệu kiểm chứng"]
NOT_SCORED = -1.0            # the spin box's special value «chưa chấm»
_PROBLEM = QBrush(QColor("#9c2a00"))


class _NoWheelSpin(QDoubleSpinBox):
    """Scrolling over the form never changes the points; only a focused box takes the wheel."""

    def wheelEvent(self, event) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class ProposalDialog(QDialog):
    """The app's link proposals, each with its reason; the user keeps or unticks each before confirming."""

    def __init__(self, proposals: list[mapping.Proposal], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Đề xuất gắn tiêu chí với nhiệm vụ, văn bản")
        self.proposals = proposals
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Bỏ đánh dấu các đề xuất không đúng rồi bấm «Xác nhận»:"))
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        for p in proposals:
            item = QListWidgetItem(f"{p.code} ← {p.label}\n    ({p.reason})")
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Xác nhận")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 520)

    def chosen(self) -> list[mapping.Proposal]:
        return [p for i, p in enumerate(self.proposals) if self.list.item(i).checkState() == Qt.Checked]


class ParDialog(QDialog):
    def __init__(self, store, plan_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.plan_id = store, plan_id
        self.year = store.load_plan(plan_id).year_start
        self.assessment: scoring.Assessment | None = None
        self.link_infos: dict[str, list[mapping.LinkInfo]] = {}
        self.setWindowTitle(f"Tự đánh giá, chấm điểm Chỉ số CCHC năm {self.year}")

        self.catalog_combo = QComboBox(self)
        self.catalog_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        import_button = QPushButton("&Nhập Bộ chỉ số…", self)
        import_button.clicked.connect(self.import_catalog)
        example_button = QPushButton("Dùng bộ &ví dụ", self)
        example_button.clicked.connect(self.use_example)
        top = QHBoxLayout()
        catalog_label = QLabel("&Bộ chỉ số:", self)
        catalog_label.setBuddy(self.catalog_combo)
        top.addWidget(catalog_label)
        top.addWidget(self.catalog_combo, 1)
        top.addWidget(import_button)
        top.addWidget(example_button)
        self.example_note = QLabel("⚠ Bộ ví dụ minh họa để dùng thử — không phải Bộ Chỉ số chính thức của tỉnh. "
                                   "Hãy nhập Bộ chỉ số do tỉnh ban hành trước khi chấm điểm thật.", self)
        self.example_note.setWordWrap(True)
        self.example_note.setStyleSheet("color: #9c2a00;")

        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        for col in (0, 2, 3, 4, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        self.tree.currentItemChanged.connect(lambda *_: self._show_selected())

        # -- the form of one leaf criterion ------------------------------------------------------------
        form_box = QWidget(self)
        form = QFormLayout(form_box)
        self.title_label = QLabel(self)
        self.title_label.setWordWrap(True)
        self.guide_label = QLabel(self)
        self.guide_label.setWordWrap(True)
        self.computed_label = QLabel(self)
        self.computed_label.setWordWrap(True)
        self.points = _NoWheelSpin(self)
        self.points.setFocusPolicy(Qt.StrongFocus)
        self.points.setDecimals(2)
        self.points.setSingleStep(0.25)
        self.points.setSpecialValueText("chưa chấm")
        self.explanation = QPlainTextEdit(self)
        self.explanation.setPlaceholderText("Giải trình (bắt buộc khi chưa đủ tài liệu kiểm chứng)")
        self.explanation.setMaximumHeight(70)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("Lý do khi chấm khác điểm phần mềm tự tính")
        self.documents = QListWidget(self)
        self.documents.setMaximumHeight(90)
        self.documents.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.links = QListWidget(self)
        self.links.setMaximumHeight(70)
        self.links.currentItemChanged.connect(lambda *_: self._update_buttons())
        add_doc = QPushButton("Thêm &tài liệu kiểm chứng…", self)
        add_doc.clicked.connect(self.add_document)
        self.delete_doc_button = QPushButton("Xóa tài liệu đã t&hêm", self)
        self.delete_doc_button.setToolTip("Xóa tài liệu được thêm trực tiếp cho tiêu chí (hoàn tác bằng Ctrl+Z); "
                                          "văn bản của nhiệm vụ thì bỏ liên kết")
        self.delete_doc_button.clicked.connect(self.delete_selected_document)
        self.unlink_button = QPushButton("Bỏ liên &kết", self)
        self.unlink_button.setToolTip("Bỏ liên kết tiêu chí với nhiệm vụ, sản phẩm hoặc văn bản đã chọn "
                                      "(hoàn tác bằng Ctrl+Z)")
        self.unlink_button.clicked.connect(self.remove_selected_link)
        self.save_button = QPushButton("Lưu điể&m (Ctrl+S)", self)
        self.save_button.clicked.connect(self.save_score)
        form.addRow("Tiêu chí:", self.title_label)
        form.addRow("Hướng dẫn chấm:", self.guide_label)
        form.addRow("Phần mềm tự tính:", self.computed_label)
        form.addRow("Điểm tự &chấm:", self.points)
        form.addRow("Giải t&rình:", self.explanation)
        form.addRow("Lý &do chấm khác:", self.reason)
        form.addRow("Tài liệu kiểm chứn&g:", self.documents)
        form.addRow("&Liên kết:", self.links)
        row = QHBoxLayout()
        row.addWidget(add_doc)
        row.addWidget(self.delete_doc_button)
        row.addWidget(self.unlink_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        form.addRow(row)
        self.form_box = form_box

        split = QSplitter(Qt.Vertical, self)
        split.addWidget(self.tree)
        split.addWidget(form_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([420, 260])

        self.total_label = QLabel(self)
        font = QFont(self.total_label.font())
        font.setBold(True)
        self.total_label.setFont(font)
        self.total_label.setWordWrap(True)     # «Chưa có Bộ chỉ số năm …» must not widen the dialog past 1366 px
        propose = QPushButton("Đề x&uất liên kết…", self)
        propose.clicked.connect(self.propose_links)
        accept = QPushButton("Lấy đ&iểm tự tính", self)
        accept.setToolTip("Ghi điểm phần mềm tự tính cho các tiêu chí có cách tính tự động và chưa chấm; cập nhật "
                          "điểm đã lấy trước đây khi cách tính cho kết quả khác (giải trình tự ghi giữ nguyên)")
        accept.clicked.connect(self.accept_computed)
        answers = QPushButton("Nhập văn bản cơ &quan gửi lại…", self)
        answers.setToolTip("Đọc số, ngày, trích yếu văn bản mà các cơ quan ghi vào danh sách tiêu chí còn thiếu "
                           "tài liệu kiểm chứng")
        answers.clicked.connect(self.import_answers)
        issued = QPushButton("&Sổ báo cáo đã ban hành…", self)
        issued.setToolTip("Các báo cáo định kỳ đã ban hành (số, ngày): phần mềm tính tiêu chí báo cáo đúng hạn")
        issued.clicked.connect(self.open_issued_reports)
        export = QPushButton("&Xuất báo cáo và hồ sơ…", self)
        export.clicked.connect(self.export)
        close = QPushButton("Đóng", self)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total_label, 1)
        for button in (propose, accept, issued, answers, export, close):
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.example_note)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.Save, self, activated=self.save_score)
        QShortcut(QKeySequence.Undo, self, activated=self.undo)
        QShortcut(QKeySequence.Redo, self, activated=self.redo)
        self.resize(1200, 720)
        self._load_catalogs()
        self.events = events_in(self)
        self.events.changed.connect(self._store_changed)
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    def done(self, result: int) -> None:
        if self.events is not None:        # a closed dialog no longer follows changes
            self.events.changed.disconnect(self._store_changed)
            self.events = None
        super().done(result)

    # -- data ---------------------------------------------------------------------------------------
    def _store_changed(self, result) -> None:
        """Any committed change (here, in the window, its undo or redo) may move a score: show the data again;
        a catalogue added (or put back) is selected, one removed falls back to the year's catalogue."""
        if "par_catalog" in result.entities():
            added = [c.row_id for c in result.changes if c.entity == "par_catalog" and c.op == "insert"]
            self._load_catalogs(added[-1] if added else None)
        else:
            self.refresh()

    @property
    def catalog_id(self) -> str | None:
        return self.catalog_combo.currentData()

    def _load_catalogs(self, select: str | None = None) -> None:
        self.catalog_combo.blockSignals(True)
        self.catalog_combo.clear()
        for row in par_catalog.list_catalogs(self.store, self.year):
            self.catalog_combo.addItem(row["name"], row["id"])
            self.catalog_combo.setItemData(self.catalog_combo.count() - 1, bool(row["is_example"]), Qt.UserRole + 1)
        preferred = select or (par_catalog.catalog_for_year(self.store, self.year) or {}).get("id")
        if preferred:
            self.catalog_combo.setCurrentIndex(max(0, self.catalog_combo.findData(preferred)))
        self.catalog_combo.blockSignals(False)
        self.refresh()

    def refresh(self, keep: str | None = None) -> None:
        keep = keep or self._current_code()
        self.tree.clear()
        cid = self.catalog_id
        self.example_note.setVisible(bool(cid) and bool(self.catalog_combo.currentData(Qt.UserRole + 1)))
        if not cid:
            self.assessment = None
            self.total_label.setText(f"Chưa có Bộ chỉ số năm {self.year}: hãy nhập Bộ chỉ số của tỉnh "
                                     "hoặc dùng bộ ví dụ.")
            self.form_box.setEnabled(False)
            return
        self.assessment = a = scoring.assessment(self.store, self.plan_id, cid)
        self.link_infos = mapping.criterion_links(self.store, self.plan_id, cid)
        items: dict[str, QTreeWidgetItem] = {}
        current = None
        for r in a.results:
            parent = items.get(r.criterion.parent_id) if r.criterion.parent_id else None
            evidence = EVIDENCE_LABELS[r.evidence] + (f" ({len(r.documents)})" if r.documents else "")
            item = QTreeWidgetItem([r.code, r.criterion.title, points_text(r.criterion.max_points),
                                    points_text(r.computed.points) if r.computed else "", points_text(r.points),
                                    evidence])
            item.setData(0, Qt.UserRole, r.code)
            item.setToolTip(1, r.criterion.title)
            if r.problems:
                item.setForeground(4, _PROBLEM)
                item.setToolTip(4, "; ".join(r.problems))
            if r.criterion.level == 1:
                font = QFont(item.font(0))
                font.setBold(True)
                for col in range(len(COLUMNS)):
                    item.setFont(col, font)
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            items[r.criterion.id] = item
            if r.code == keep:
                current = item
        self.tree.expandAll()
        previous = f"; năm {a.previous_year}: {points_text(a.previous_total)}" if a.previous_year else ""
        self.total_label.setText(f"Tổng điểm tự đánh giá: {points_text(a.total)}/{points_text(a.max_total)}"
                                 f"{previous} — {len(a.problems)} việc cần xem")
        self.tree.setCurrentItem(current or self.tree.topLevelItem(0))
        self._show_selected()

    def _current_code(self) -> str | None:
        item = self.tree.currentItem() if self.tree.topLevelItemCount() else None
        return item.data(0, Qt.UserRole) if item else None

    def _current(self) -> scoring.CriterionResult | None:
        code = self._current_code()
        return self.assessment.by_code(code) if (code and self.assessment) else None

    def _show_selected(self) -> None:
        r = self._current()
        leaf = r is not None and r.criterion.is_leaf
        self.form_box.setEnabled(leaf)
        if r is None:
            return
        self.title_label.setText(f"{r.code}. {r.criterion.title} (tối đa {points_text(r.criterion.max_points)} điểm)")
        self.guide_label.setText(r.criterion.guide or "—")
        self.computed_label.setText(r.computed.how if r.computed else "— (không có cách tính tự động)")
        self.points.setRange(NOT_SCORED, r.criterion.max_points)
        self.points.setValue(NOT_SCORED if r.self_points is None else r.self_points)
        self.explanation.setPlainText(r.explanation)
        self.reason.setText(r.override_reason)
        self.documents.clear()
        for doc in r.documents:
            item = QListWidgetItem(("Văn bản của nhiệm vụ: " if doc.source == "evidence" else "") + doc.label)
            item.setData(Qt.UserRole, doc.id if doc.source == "direct" else None)
            self.documents.addItem(item)
        if r.evidence != FULL:
            text = "Chưa có tài liệu kiểm chứng" if r.evidence == MISSING else \
                f"Chưa đủ: {'; '.join(r.evidence_notes)}"
            warn = QListWidgetItem(text)
            warn.setForeground(_PROBLEM)
            self.documents.addItem(warn)
        self.links.clear()
        for link in self.link_infos.get(r.criterion.id, []):
            item = QListWidgetItem(link.label)
            item.setData(Qt.UserRole, link.id)
            item.setToolTip(link.label)
            self.links.addItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        doc = self.documents.currentItem()
        self.delete_doc_button.setEnabled(doc is not None and bool(doc.data(Qt.UserRole)))
        self.unlink_button.setEnabled(self.links.currentItem() is not None)

    # -- actions ------------------------------------------------------------------------------------
    def _error(self, text: str) -> None:
        messages.error(self, "Tự đánh giá Chỉ số CCHC", text)

    def _write(self, label: str, action, /, *args, **kwargs):
        """Run one core operation on the window's undo stack; its value, or None when refused (message shown)."""
        command = perform_in(self, label, action, *args, message=self._error, **kwargs)
        if not command.ok:
            return None
        return command.result.value if command.result.value is not None else True

    def save_score(self) -> bool:
        r = self._current()
        if r is None or not r.criterion.is_leaf:
            return False
        value = self.points.value()
        points = None if value <= NOT_SCORED else value
        return self._write(f"Chấm điểm tiêu chí {r.code}", par_ops.set_score, self.store, self.plan_id,
                           r.criterion.id, points, explanation=self.explanation.toPlainText(),
                           override_reason=self.reason.text()) is not None

    def undo(self) -> None:
        """Ctrl+Z: the window's undo stack (the dialog refreshes from the change notification)."""
        stack = stack_in(self)
        if stack is not None and stack.canUndo():
            stack.undo()

    def redo(self) -> None:
        stack = stack_in(self)
        if stack is not None and stack.canRedo():
            stack.redo()

    def accept_computed(self) -> bool:
        if not self.catalog_id:
            return False
        return self._write("Lấy điểm tự tính", par_ops.accept_computed, self.store, self.plan_id,
                           self.catalog_id) is not None

    def import_catalog(self) -> None:
        path = file_dialogs.open_file(self, file_dialogs.PAR, "Chọn tệp Bộ chỉ số của tỉnh",
                                      "Bảng tính hoặc văn bản (*.xlsx *.docx)")
        if not path:
            return
        try:
            with busy(self, "Đang đọc Bộ chỉ số…"):
                draft = par_catalog.read_catalog(path, self.year)
        except UserError as exc:
            self._error(str(exc))
            return
        answer = messages.confirm(
            self, "Nhập Bộ chỉ số",
            f"«{Path(path).name}»: {len(draft.areas)} lĩnh vực, {len(draft.criteria)} tiêu chí, tổng điểm tối đa "
            f"{points_text(draft.total_points)}. Nhập làm Bộ chỉ số năm {self.year}?")
        if not answer:
            return
        self._write(f"Nhập Bộ chỉ số «{Path(path).name}»", par_ops.import_catalog, self.store, draft)

    def use_example(self) -> None:
        self._write("Dùng Bộ chỉ số ví dụ", par_ops.import_catalog, self.store, par_catalog.example_catalog(self.year))

    def propose_links(self) -> None:
        if not self.catalog_id:
            return
        proposals = mapping.propose_links(self.store, self.plan_id, self.catalog_id)
        if not proposals:
            messages.info(self, "Đề xuất liên kết", "Không có đề xuất mới.")
            return
        dialog = ProposalDialog(proposals, self)
        if dialog.exec() == QDialog.Accepted and dialog.chosen():
            self.confirm_links(dialog.chosen())

    def confirm_links(self, chosen: list[mapping.Proposal]) -> bool:
        return self._write(f"Gắn {len(chosen)} liên kết tiêu chí", par_ops.confirm_links, self.store, self.plan_id,
                           chosen) is not None

    def add_document(self) -> None:
        r = self._current()
        if r is None:
            return
        path = file_dialogs.open_file(self, file_dialogs.EVIDENCE, "Chọn tệp tài liệu kiểm chứng")
        if not path:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Tài liệu kiểm chứng cho tiêu chí {r.code}")
        form = QFormLayout(dialog)
        number, summary = QLineEdit(dialog), QLineEdit(Path(path).stem, dialog)
        form.addRow("&Số, ký hiệu:", number)
        form.addRow("&Trích yếu:", summary)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, dialog)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.Accepted:
            return
        self.add_document_to(r.code, source_file=path, doc_number=number.text(), summary=summary.text())

    def add_document_to(self, code: str, **values) -> bool:
        """A document added directly to criterion `code` (source_file, doc_number, summary…): one operation."""
        r = self.assessment.by_code(code)
        return self._write(f"Thêm tài liệu kiểm chứng cho tiêu chí {code}", par_ops.add_document, self.store,
                           self.plan_id, r.criterion.id, **values) is not None

    def delete_selected_document(self) -> bool:
        """Delete the selected document added directly to the criterion: one operation (Ctrl+Z puts it back)."""
        r, item = self._current(), self.documents.currentItem()
        doc_id = item.data(Qt.UserRole) if item is not None else None
        if r is None or not doc_id:
            return False
        return self._write(f"Xóa tài liệu kiểm chứng của tiêu chí {r.code}", par_ops.delete_document, self.store,
                           doc_id) is not None

    def remove_selected_link(self) -> bool:
        """Remove the selected link of the criterion to a task, product or document: one operation."""
        r, item = self._current(), self.links.currentItem()
        if r is None or item is None:
            return False
        return self._write(f"Bỏ liên kết của tiêu chí {r.code}", par_ops.remove_links, self.store,
                           [item.data(Qt.UserRole)]) is not None

    def open_issued_reports(self) -> None:
        from .issued_reports_dialog import IssuedReportsDialog

        IssuedReportsDialog(self.store, self.plan_id, self).exec()    # (its writes refresh this dialog)

    def import_answers(self) -> None:
        from cchc_desktop.par.chase_import import STATUS_LABELS, read_chase_files

        if not self.catalog_id:
            return
        paths = file_dialogs.open_files(self, file_dialogs.USB, "Chọn các tệp cơ quan gửi lại", "Excel (*.xlsx)")
        if not paths:
            return
        try:
            with busy(self, "Đang đọc các tệp…"):
                preview = read_chase_files(self.store, self.plan_id, self.catalog_id, paths)
        except UserError as exc:
            self._error(str(exc))
            return
        lines = [f"• {r.code}: {r.doc_number or '—'} {r.summary} — {STATUS_LABELS[r.status]}"
                 + (f" ({r.why}; {r.where})" if r.why else "") for r in preview.rows]
        if not preview.to_add:
            messages.info(self, "Văn bản cơ quan gửi lại",
                                    "Không có văn bản mới để thêm.\n" + "\n".join(lines[:30]))
            return
        answer = messages.confirm(self, "Văn bản cơ quan gửi lại",
                                      f"Thêm {len(preview.to_add)} văn bản vào hồ sơ tài liệu kiểm chứng?\n\n"
                                      + "\n".join(lines[:30]))
        if not answer:
            return
        self._write(f"Nhập {len(preview.to_add)} văn bản cơ quan gửi lại", par_ops.import_chase, self.store,
                    self.plan_id, preview)

    def update_stale(self) -> bool:
        """Points taken from a computed rule whose computation has changed since would print a stale score and
        explanation: list them and offer to update them (one undo step, «Lấy điểm tự tính»). False: not updated,
        nothing is exported."""
        stale = self.assessment.stale if self.assessment else []
        if not stale:
            return True
        lines = "\n".join(f"• {r.stale_text}" for r in stale)
        if not messages.confirm(self, "Điểm tự tính đã thay đổi",
                                f"Điểm tự tính của {len(stale)} tiêu chí đã thay đổi từ khi lấy điểm (sổ báo cáo, "
                                f"tiến độ nhiệm vụ đã được cập nhật):\n{lines}\n\nCập nhật điểm tự tính rồi xuất? "
                                "(Giải trình do người dùng tự ghi được giữ nguyên; có thể hoàn tác bằng Ctrl+Z.)",
                                default_yes=True):
            return False
        if not self.accept_computed():
            return False
        self.refresh()
        return not self.assessment.stale

    def export(self) -> None:
        if self.assessment is None:
            return
        from cchc_desktop.par.export import export_all

        if not self.update_stale():
            return
        folder = file_dialogs.folder(self, file_dialogs.USB, "Chọn thư mục lưu (ví dụ ổ USB)")
        if not folder:
            return
        zipped = messages.confirm(self, "Hồ sơ tài liệu kiểm chứng",
                                      "Nén hồ sơ tài liệu kiểm chứng thành một tệp .zip?")
        try:
            with busy(self, "Đang xuất báo cáo và hồ sơ…", total=1) as job:
                result = export_all(self.store, self.assessment, folder, as_zip=zipped, progress=job.progress)
        except UserError as exc:
            self._error(str(exc))
            return
        missing = "".join(f"\n  • {code}: «{doc.label}» — {why}" for code, doc, why in result.dossier.missing)
        messages.info(
            self, "Đã xuất", f"Đã ghi vào «{result.folder}»:\n" + "\n".join(f"  • {n}" for n in result.written)
            + (f"\n\nTài liệu không có trong hồ sơ:{missing}" if missing else ""))


__all__ = ["ParDialog", "ProposalDialog"]
