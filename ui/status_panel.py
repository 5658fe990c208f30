"""Edit the progress of one product row: status, percent, completion date, result, evidence, notes.

Like the table, the pane has no Save button: each field the user commits (a status picked, a percent or
date left, a text box left) is saved at once as one undoable operation (ui/operations.py), and whatever is
still being typed is saved before another product is shown. The pane refreshes from the one change
notification, whatever made the change; a product that is deleted clears and disables it. The wheel never
changes a field that does not have the focus (scrolling the pane is safe).
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog,
                               QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPlainTextEdit, QPushButton, QSizePolicy, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from .date_edit import DateEdit
from cchc_desktop.store import StoreError
from cchc_desktop.tracking import (DONE, DONE_LATE, NOT_DONE, STATUS_LABELS, STATUSES, add_evidence,
                                   bulk_update, delete_evidence, evidence_file, get_status, list_evidence,
                                   update_evidence, product_context, verify_evidence_file)
from cchc_desktop.dates import format_date, local_time
from cchc_desktop.tracking import display
from cchc_desktop.tracking.periods import make_period
from cchc_desktop.tracking.timeliness import assess, due_for

from . import messages
from .evidence_form import EvidenceFields, qdate as _qdate
from .history_dialog import HistoryDialog
from .operations import events_for, perform


class WheelGuard(QObject):
    """Event filter: a wheel over a spin box, date box or combo box that does not have the focus scrolls
    the pane instead of changing the value."""

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Wheel and not watched.hasFocus():
            event.ignore()
            return True
        return False


def guard_wheel(owner, *widgets) -> None:
    guard = getattr(owner, "_wheel_guard", None) or WheelGuard(owner)
    owner._wheel_guard = guard
    for widget in widgets:
        widget.setFocusPolicy(Qt.StrongFocus)      # (no focus from the wheel either)
        widget.installEventFilter(guard)


class EvidenceDialog(QDialog):
    """Enter one evidence document (loại, số/ký hiệu, ngày ban hành, trích yếu, tệp)."""

    def __init__(self, parent=None, evidence: dict | None = None, *, default_date=None):
        super().__init__(parent)
        self.setWindowTitle("Sửa văn bản minh chứng" if evidence else "Thêm văn bản minh chứng")
        self.setMinimumWidth(480)
        form = QFormLayout(self)
        self.fields = EvidenceFields(form, self, default_date=default_date)
        f = self.fields
        self.doc_type, self.doc_number, self.issued_on, self.summary, self.file = (
            f.doc_type, f.doc_number, f.issued_on, f.summary, f.file)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu" if evidence else "Thêm")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if evidence:
            self.fields.load(evidence)

    def values(self) -> dict:
        return self.fields.values()


class TextBox(QPlainTextEdit):
    """A few-line plain-text field (wraps in the narrow details pane) with QLineEdit-style
    `text()` / `setText()`; `committed` when the user leaves it."""

    committed = Signal()

    def __init__(self, lines: int = 2, placeholder: str = "", parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(placeholder)
        metrics = self.fontMetrics()
        self.setFixedHeight(metrics.lineSpacing() * lines + 2 * self.frameWidth()
                            + int(self.document().documentMargin() * 2) + 4)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text or "")

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.committed.emit()


class StatusPanel(QGroupBox):
    """Progress of the selected product row. Call `set_product(product_id)`; emits statusSaved.

    Laid out for the narrow details pane: every label above its field, fields as wide as the pane."""

    statusSaved = Signal(str)   # product id

    def __init__(self, store, parent=None, undo_stack=None):
        super().__init__("Tình hình thực hiện", parent)
        self.store = store
        self.undo_stack = undo_stack
        self.events = events_for(undo_stack, self)
        self.events.changed.connect(self._store_changed)
        self.product_id: str | None = None
        self.ctx = None
        self.ref: date | None = None
        self._loaded: dict | None = None      # the form as loaded: anything else is an unsaved edit
        self.dialog_runner = lambda dialog: bool(dialog.exec())   # tests replace this
        self.message = lambda title, text: messages.error(self, title, text)
        self.confirm = lambda title, text: messages.confirm(self, title, text)
        self.setMinimumWidth(200)

        self.period = QComboBox()
        self.status = QComboBox()
        for code in STATUSES:
            self.status.addItem(STATUS_LABELS[code], code)
        for combo in (self.period, self.status):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.percent = QSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        self.completed = DateEdit()
        self.completed.setCalendarPopup(True)
        self.completed.setDisplayFormat("dd/MM/yyyy")
        self.completed.setDate(QDate.currentDate())
        self.reason = TextBox(3, "Bắt buộc ghi rõ lý do")
        self.reason_label = QLabel("Lý do không thực hiện:")
        self.result = TextBox(4, "Kết quả thực hiện, số liệu đạt được…")
        self.notes = TextBox(2, "Ghi chú thêm (không bắt buộc)")
        self.timing = QLabel()
        self.timing.setWordWrap(True)
        self.updated = QLabel()
        self.updated.setStyleSheet("color: #555;")
        self.updated.setWordWrap(True)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.WrapAllRows)     # labels above fields: readable when narrow
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(2)
        form.addRow("Kỳ theo dõi:", self.period)
        form.addRow("Trạng thái:", self.status)
        # one row each: side by side, the date field and its weekday hint were cut off in the 270 px pane
        form.addRow("Tỷ lệ hoàn thành:", self.percent)
        form.addRow("Ngày hoàn thành:", self.completed)
        form.addRow(self.reason_label, self.reason)
        form.addRow("Kết quả thực hiện:", self.result)
        form.addRow("Ghi chú:", self.notes)

        self.evidence = QTableWidget(0, 2)
        self.evidence.setHorizontalHeaderLabels(["Văn bản", "Trích yếu / tệp"])
        self.evidence.verticalHeader().setVisible(False)
        self.evidence.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.evidence.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.evidence.setSelectionMode(QAbstractItemView.SingleSelection)
        self.evidence.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.evidence.setWordWrap(True)
        self.evidence.setMinimumHeight(80)
        self.evidence.setMaximumHeight(220)
        self.evidence.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        rewrap = QTimer(self.evidence)          # rows as tall as their wrapped text
        rewrap.setSingleShot(True)
        rewrap.setInterval(0)
        rewrap.timeout.connect(self.evidence.resizeRowsToContents)
        self.evidence.horizontalHeader().sectionResized.connect(lambda *_: rewrap.start())
        self._rewrap_evidence = rewrap
        self.evidence.cellDoubleClicked.connect(self._open_evidence)
        add_ev = QPushButton("Thêm…")
        add_ev.setToolTip("Thêm văn bản minh chứng (có thể đính kèm tệp)")
        add_ev.clicked.connect(self.add_evidence_dialog)
        edit_ev = QPushButton("Sửa…")
        edit_ev.setToolTip("Sửa văn bản minh chứng đã chọn (có thể thay tệp đính kèm)")
        edit_ev.clicked.connect(self.edit_selected_evidence)
        del_ev = QPushButton("Xóa")
        del_ev.setToolTip("Xóa văn bản minh chứng đã chọn")
        del_ev.clicked.connect(self.delete_selected_evidence)
        ev_buttons = QHBoxLayout()
        for button in (add_ev, edit_ev, del_ev):
            ev_buttons.addWidget(button)
        ev_buttons.addStretch(1)

        self.hint = QLabel("Mỗi thay đổi được lưu ngay khi rời ô (có thể hoàn tác bằng Ctrl+Z).")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        history = QPushButton("Lịch sử…")
        history.clicked.connect(self.show_history)
        buttons = QHBoxLayout()
        buttons.addWidget(history)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.timing)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addSpacing(6)
        layout.addWidget(QLabel("<b>Văn bản minh chứng</b>"))
        layout.addWidget(self.evidence)
        layout.addLayout(ev_buttons)
        layout.addWidget(self.updated)

        self.status.currentIndexChanged.connect(self._status_changed)
        self.period.currentIndexChanged.connect(self._period_changed)
        # each field the user commits is saved at once (programmatic changes are not)
        self.status.activated.connect(lambda _i: self._commit_field())
        self.percent.editingFinished.connect(self._commit_field)
        self.completed.editingFinished.connect(self._commit_field)
        for box in (self.reason, self.result, self.notes):
            box.committed.connect(self._commit_field)
        guard_wheel(self, self.period, self.status, self.percent, self.completed)
        self.set_product(None)

    # -- loading -----------------------------------------------------------------------------------
    def set_product(self, product_id: str | None, period_key: str | None = None, ref: date | None = None) -> None:
        """Show a product (None: nothing, the pane cleared and disabled). `period_key`: a reporting or
        tracking key to open on. What the user changed on the product shown before is saved first."""
        self.commit_pending()
        self._show(product_id, period_key, ref)

    def _show(self, product_id: str | None, period_key: str | None = None, ref: date | None = None) -> None:
        self.product_id = product_id or None
        self._loaded = None
        self.ref = ref
        self.setEnabled(self.product_id is not None and not getattr(self, "read_only", False))
        if not self.product_id:
            self.ctx = None
            self.period.blockSignals(True)
            self.period.clear()
            self.period.blockSignals(False)
            self.timing.setText("<i>Chọn một sản phẩm để cập nhật tình hình thực hiện.</i>")
            for box in (self.reason, self.result, self.notes):
                box.setText("")
            self.evidence.setRowCount(0)
            self.updated.setText("")
            return
        try:
            self.ctx = product_context(self.store, self.product_id)
        except StoreError:
            self._show(None)
            return
        keys = self.ctx.keys()
        current = self.ctx.key_for(period_key, ref or date.today())
        self.period.blockSignals(True)
        self.period.clear()
        for key in keys:
            label = make_period(key).label if len(keys) > 1 else "Cả kỳ kế hoạch"
            self.period.addItem(label, key)
        self.period.setCurrentIndex(max(0, self.period.findData(current)))
        self.period.setEnabled(len(keys) > 1)
        self.period.blockSignals(False)
        self._load()

    def current_key(self) -> str | None:
        return self.period.currentData()

    def _period_changed(self, _index: int) -> None:
        if self.ctx:
            if self._loaded is not None and self.form_fields() != self._loaded:
                self._save_key(self._loaded_key)    # what was typed belongs to the period shown before
            self._load()

    def _store_changed(self, result) -> None:
        """The one change notification: show the product again when its data, deadline, status or
        evidence changed (from anywhere), or clear the pane when it was deleted."""
        if not self.product_id:
            return
        if self.product_id not in result.products and not (result.entities() & {"tracking_settings", "plan"}):
            return
        if self.store.row("product", self.product_id) is None:
            self._show(None)
            return
        self._show(self.product_id, self.current_key(), self.ref)

    def _load(self) -> None:
        key = self.current_key()
        row = get_status(self.store, self.product_id, key, self.ctx)
        self.status.setCurrentIndex(max(0, self.status.findData(row["status"])))
        self.percent.setValue(int(row["percent"] or 0))
        if row["completed_on"]:
            self.completed.setDate(_qdate(date.fromisoformat(row["completed_on"])))
        else:
            self.completed.setDate(QDate.currentDate())
        self.reason.setText(row["reason"])
        self.result.setPlainText(row["result"])
        self.notes.setText(row["notes"])
        deadline = self.ctx.deadline
        ref = self.ref or date.today()
        done_on = date.fromisoformat(row["completed_on"]) if row["completed_on"] else None
        t = assess(deadline, row["status"], done_on, ref, key=key)
        due = due_for(deadline, key)
        self.timing.setText(f"<b>{t.label}</b> — {display.period_due_text(deadline, due, t.days_overdue)}")
        self.updated.setText(_updated_text(row))
        self._fill_evidence()
        self._status_changed()
        self._loaded, self._loaded_key = self.form_fields(), key

    def _fill_evidence(self) -> None:
        rows = list_evidence(self.store, self.product_id, self.current_key())
        self.evidence.setRowCount(len(rows))
        for r, ev in enumerate(rows):
            issued = ev["issued_on"]
            issued = f"{issued[8:10]}/{issued[5:7]}/{issued[:4]}" if issued else ""
            extra = ev["summary"]
            if ev["file_name"]:
                ok = verify_evidence_file(self.store, ev)
                extra += f" [{ev['file_name']}{'' if ok else ' — tệp bị thiếu hoặc đã bị thay đổi'}]"
            doc = " ".join(x for x in (ev["doc_type"], ev["doc_number"]) if x)
            doc += f", ngày {issued}" if issued else ""
            for c, value in enumerate((doc, extra)):
                item = QTableWidgetItem(value)
                item.setData(Qt.UserRole, ev["id"])
                item.setToolTip(value)
                self.evidence.setItem(r, c, item)
        self.evidence.resizeRowsToContents()

    def _status_changed(self, *_args) -> None:
        code = self.status.currentData()
        done = code in (DONE, DONE_LATE)
        self.completed.setEnabled(done)
        self.percent.setEnabled(not done and code != NOT_DONE)
        if done:
            self.percent.setValue(100)
        self.reason.setVisible(code == NOT_DONE)
        self.reason_label.setVisible(code == NOT_DONE)

    # -- saving --------------------------------------------------------------------------------------
    def form_fields(self) -> dict:
        code = self.status.currentData()
        fields = {"status": code, "percent": self.percent.value(), "result": self.result.toPlainText(),
                  "notes": self.notes.text(), "reason": self.reason.text() if code == NOT_DONE else "",
                  "completed_on": self.completed.date().toPython() if code in (DONE, DONE_LATE) else ""}
        return fields

    def is_dirty(self) -> bool:
        return bool(self.product_id) and self._loaded is not None and self.form_fields() != self._loaded

    def _commit_field(self) -> None:
        """A field the user left: save it now (a «Không thực hiện» waits for its reason)."""
        if not self.is_dirty():
            return
        if self.status.currentData() == NOT_DONE and not self.reason.text().strip():
            self.timing.setText("<b>Hãy ghi lý do không thực hiện</b> — tình trạng sẽ được lưu khi có lý do.")
            return
        self.save()

    def commit_pending(self) -> bool:
        """Save what the user changed and has not committed yet (before another product is shown).
        False when it was refused (the message says why and the change is not kept)."""
        if not self.is_dirty():
            return True
        return self.save()

    def save(self) -> bool:
        """Save the form of the period shown as one undoable operation."""
        if not self.product_id:
            return False
        return self._save_key(self.current_key())

    def _save_key(self, key: str) -> bool:
        product_id, fields = self.product_id, self.form_fields()
        command = perform(self.store, self.undo_stack, self.events, "Cập nhật tình trạng sản phẩm", bulk_update,
                          self.store, [product_id], key, **fields,
                          message=lambda text: self.message("Không lưu được", text))
        if command.ok:
            self._loaded = fields if key == self.current_key() else self._loaded
            self.statusSaved.emit(product_id)
        return command.ok

    # -- evidence --------------------------------------------------------------------------------------
    def _run(self, title: str, label: str, action, /, *args, **kwargs) -> bool:
        command = perform(self.store, self.undo_stack, self.events, label, action, *args,
                          message=lambda text: self.message(title, text), **kwargs)
        if command.ok:
            self.statusSaved.emit(self.product_id or "")
        return command.ok

    def add_evidence_dialog(self) -> bool:
        if not self.product_id:
            return False
        done = self.status.currentData() in (DONE, DONE_LATE)
        dialog = EvidenceDialog(self, default_date=self.completed.date() if done else None)
        if not self.dialog_runner(dialog):
            return False
        values = dialog.values()
        source = values.pop("source_file", None)
        return self._run("Không thêm được minh chứng", "Thêm văn bản minh chứng", add_evidence, self.store,
                         self.product_id, self.current_key(), source_file=source, **values)

    def selected_evidence_id(self) -> str | None:
        row = self.evidence.currentRow()
        item = self.evidence.item(row, 0) if row >= 0 else None
        return item.data(Qt.UserRole) if item else None

    def edit_selected_evidence(self) -> bool:
        evidence_id = self.selected_evidence_id()
        current = next((e for e in list_evidence(self.store, self.product_id) if e["id"] == evidence_id), None) \
            if evidence_id else None
        if current is None:
            self.message("Minh chứng", "Hãy chọn một văn bản minh chứng trong danh sách.")
            return False
        dialog = EvidenceDialog(self, current)
        if not self.dialog_runner(dialog):
            return False
        values = dialog.values()
        source = values.pop("source_file")
        changed = {k: v for k, v in values.items()
                   if (v.isoformat() if hasattr(v, "isoformat") else (v or "").strip()) != current[k]}
        if not changed and not source:
            return False
        return self._run("Không sửa được minh chứng", "Sửa văn bản minh chứng", update_evidence, self.store,
                         evidence_id, source_file=source, **changed)

    def delete_selected_evidence(self) -> bool:
        evidence_id = self.selected_evidence_id()
        if evidence_id is None:
            return False
        if not self.confirm("Xóa minh chứng", "Xóa văn bản minh chứng đã chọn? (Có thể hoàn tác bằng Ctrl+Z; "
                            "tệp đính kèm vẫn được giữ lại.)"):
            return False
        return self._run("Không xóa được minh chứng", "Xóa văn bản minh chứng", delete_evidence, self.store,
                         evidence_id)

    def _open_evidence(self, row: int, col: int) -> None:
        """Double-click: open the attached file (column «Trích yếu / tệp»), else edit the document."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices
        ev = next((e for e in list_evidence(self.store, self.product_id)
                   if e["id"] == self.evidence.item(row, 0).data(Qt.UserRole)), None)
        path = evidence_file(self.store, ev) if ev else None
        if col == 1 and path and path.exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        else:
            self.evidence.selectRow(row)
            self.edit_selected_evidence()

    def show_history(self) -> None:
        if self.product_id:
            self.dialog_runner(HistoryDialog(self.store, self.product_id, self))


def _updated_text(row: dict) -> str:
    """Who last updated the period's status — or, for an occurrence without a row of its own that takes the
    values recorded once for the whole year (tracking.get_status), that the values come from there."""
    if row["id"]:
        return f"Cập nhật lần cuối: {row['updated_by'] or '—'}, {local_time(row['updated_at'])}"
    if row.get("inherited_from"):
        values = STATUS_LABELS[row["status"]] + (f" {row['percent']}%" if row["percent"] else "")
        if row["completed_on"]:
            values += f", hoàn thành ngày {format_date(row['completed_on'])}"
        return (f"Theo tình trạng ghi chung cho cả năm {row['inherited_from']}: {values} "
                f"(cập nhật: {row['updated_by'] or '—'}, {local_time(row['inherited_updated_at'])}). "
                "Sửa ở đây để ghi riêng cho kỳ này.")
    return "Chưa cập nhật tình trạng cho kỳ này."
