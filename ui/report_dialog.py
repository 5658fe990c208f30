"""Report dialog: choose a report (template, period, reference date, agency), see the real PDF pages, edit the
template texts, save the PDF, print it, export it to Excel.

The preview shows the bytes that "Lưu PDF" writes and "In" prints: one rendering, three uses.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog,
                               QFormLayout, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from . import file_dialogs
from .date_edit import DateEdit
from cchc_desktop.reports import catalog
from cchc_desktop.reports.agency_tasks import lead_agencies, plan_agencies
from cchc_desktop.reports.templates import (KIND_FIELDS, ReportTemplateError, check_text, delete_template,
                                            duplicate_template, get_template, list_templates, placeholder_help,
                                            save_template)
from cchc_desktop.errors import user_message
from cchc_desktop.safe_write import SafeWriteError, atomic_write_bytes
from cchc_desktop.store import StoreError
from cchc_desktop.tracking import default_period, get_settings, plan_periods

from . import messages
from .operations import perform_in
from .busy import busy
from .pdf_preview import PdfPreview, print_pages
from .screen import fit_to_screen
from .forms import link_form_labels

ALL_AGENCIES = "(Tất cả cơ quan, đơn vị)"


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


# Number and issue date of each kind of document, remembered per plan for the session: «Số 15» typed for the
# periodic report is not carried over to the reminder letter (two documents would bear one number).
_ISSUE_FIELDS: dict[tuple[str, str], tuple[str, bool, dt.date]] = {}


class ReportDialog(QDialog):
    rendered = Signal(int)  # page count after each preview

    def __init__(self, store, plan_id: str, parent: QWidget | None = None, *, kind: str = catalog.PERIODIC,
                 ref_date: dt.date | None = None):
        super().__init__(parent)
        self.store = store
        self.plan_id = plan_id
        self.plan = store.load_plan(plan_id)
        self.pdf: bytes | None = None
        self.warnings: list[str] = []
        self._loading = False
        self.setWindowTitle("Báo cáo, in và xuất Excel")
        fit_to_screen(self, 1500, 940)   # at 1366×768 the buttons below stay on screen
        self.ask_save_path = lambda title, name, filt: file_dialogs.save_file(self, file_dialogs.REPORTS, title, name,
                                                                              filt)
        self.message = lambda title, text: messages.info(self, title, text)
        self.ask_register = self._ask_register    # tests replace this: (IssueEntry) -> values dict or None

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(450)
        self.timer.timeout.connect(self.refresh)

        # -- choice ------------------------------------------------------------------------------
        self.kind_combo = QComboBox(self)
        for code, label in catalog.REPORT_KINDS.items():
            self.kind_combo.addItem(label, code)
        self.template_combo = QComboBox(self)
        self.period_combo = QComboBox(self)
        settings = get_settings(store, plan_id)
        for period in plan_periods(self.plan.year_start, self.plan.year_end, settings):
            self.period_combo.addItem(period.label, period.key)
        ref = ref_date or dt.date.today()
        self.ref_edit = DateEdit(_qdate(ref), self)
        self.ref_edit.setDisplayFormat("dd/MM/yyyy")
        self.ref_edit.setCalendarPopup(True)
        start = default_period(self.plan.year_start, self.plan.year_end, ref, settings)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(start.key)))
        self.agency_combo = QComboBox(self)
        self.number_edit = QLineEdit(self)
        self.number_edit.setPlaceholderText("để trống: ghi tay khi ban hành")
        self.date_check = QCheckBox("&Ghi ngày ban hành", self)
        self.issue_edit = DateEdit(_qdate(ref), self)
        self.issue_edit.setDisplayFormat("dd/MM/yyyy")
        self.issue_edit.setCalendarPopup(True)
        self.issue_edit.setEnabled(False)
        self.reply_edit = DateEdit(_qdate(ref + dt.timedelta(days=7)), self)
        self.reply_edit.setDisplayFormat("dd/MM/yyyy")
        self.reply_edit.setCalendarPopup(True)

        form = QFormLayout()
        form.addRow("L&oại báo cáo:", self.kind_combo)
        form.addRow("&Mẫu:", self.template_combo)
        form.addRow("&Kỳ báo cáo:", self.period_combo)
        form.addRow("Số liệu đến &ngày:", self.ref_edit)
        self.agency_label = QLabel("&Cơ quan, đơn vị:", self)
        form.addRow(self.agency_label, self.agency_combo)
        form.addRow("&Số văn bản:", self.number_edit)
        issue_row = QHBoxLayout()
        issue_row.addWidget(self.date_check)
        issue_row.addWidget(self.issue_edit, 1)
        form.addRow("Ngày &ban hành:", issue_row)
        self.reply_label = QLabel("&Hạn báo cáo lại:", self)
        form.addRow(self.reply_label, self.reply_edit)
        header_button = QPushButton("&Tiêu đề, người ký…", self)
        header_button.clicked.connect(self.edit_header)
        form.addRow("", header_button)
        choice = QWidget(self)
        choice.setLayout(form)

        # -- template texts ------------------------------------------------------------------------
        self.text_edits: dict[str, QPlainTextEdit] = {}
        self.text_labels: dict[str, QLabel] = {}
        editor = QWidget(self)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(4, 4, 4, 4)
        help_label = QLabel("Trường dữ liệu viết trong {{ … }}; «# », «## », «### » mở đầu đề mục; "
                            "bảng số liệu ({{ bang_… }}) đặt riêng một dòng. Bấm đúp vào trường để chèn.", self)
        help_label.setWordWrap(True)
        editor_layout.addWidget(help_label)
        for name in ("doc_type", "subject", "recipients_to", "caption", "body"):
            label = QLabel(self)
            edit = QPlainTextEdit(self)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(54) if name != "body" else edit.setMinimumHeight(120)
            edit.textChanged.connect(self._texts_changed)
            edit.setAccessibleName(name)
            self.text_edits[name] = edit
            self.text_labels[name] = label
            editor_layout.addWidget(label)
            editor_layout.addWidget(edit, 1 if name == "body" else 0)
        self.placeholders = QListWidget(self)
        self.placeholders.setSelectionMode(QAbstractItemView.SingleSelection)
        self.placeholders.itemDoubleClicked.connect(self._insert_placeholder)
        self.placeholders.setMaximumHeight(110)
        editor_layout.addWidget(QLabel("Trường dữ liệu:", self))
        editor_layout.addWidget(self.placeholders)
        buttons_row = QHBoxLayout()
        self.save_template_button = QPushButton("Lưu &mẫu", self)
        self.save_template_button.clicked.connect(self.save_current_template)
        self.save_as_button = QPushButton("Lưu thà&nh mẫu mới…", self)
        self.save_as_button.clicked.connect(self.save_template_as)
        self.delete_template_button = QPushButton("&Xóa mẫu", self)
        self.delete_template_button.clicked.connect(self.delete_current_template)
        for button in (self.save_template_button, self.save_as_button, self.delete_template_button):
            buttons_row.addWidget(button)
        editor_layout.addLayout(buttons_row)

        self.left_tabs = QTabWidget(self)
        self.left_tabs.addTab(choice, "Báo cáo")
        self.left_tabs.addTab(editor, "Nội dung mẫu")

        # -- preview -------------------------------------------------------------------------------
        self.preview = PdfPreview(self, dpi=72)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        zoom = QComboBox(self)
        for text, dpi in (("50%", 36), ("75%", 54), ("100%", 72), ("125%", 90), ("150%", 108)):
            zoom.addItem(text, dpi)
        zoom.setCurrentIndex(2)
        zoom.currentIndexChanged.connect(lambda _i: self.preview.set_dpi(zoom.currentData()))
        self.zoom = zoom

        self.pdf_button = QPushButton("Lưu &PDF…", self)
        self.print_button = QPushButton("&In…", self)
        self.xlsx_button = QPushButton("Xuất &Excel…", self)
        self.docx_button = QPushButton("Xuất &Word (.docx)…", self)
        refresh_button = QPushButton("&Làm mới", self)
        close_button = QPushButton("Đóng", self)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_report)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.docx_button.clicked.connect(self.export_docx)
        refresh_button.clicked.connect(self.refresh)
        close_button.clicked.connect(self.reject)
        self.print_button.setShortcut(QKeySequence.Print)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Thu phóng:", self))
        bottom.addWidget(zoom)
        bottom.addWidget(self.status, 1)
        for button in (refresh_button, self.pdf_button, self.print_button, self.xlsx_button, self.docx_button,
                       close_button):
            bottom.addWidget(button)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview, 1)
        splitter = QSplitter(Qt.Horizontal, self)
        splitter.addWidget(self.left_tabs)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 980])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.template_combo.currentIndexChanged.connect(self._template_changed)
        for signal in (self.period_combo.currentIndexChanged, self.agency_combo.currentIndexChanged,
                       self.ref_edit.dateChanged, self.issue_edit.dateChanged, self.reply_edit.dateChanged,
                       self.number_edit.textChanged):
            signal.connect(lambda *_a: self.schedule())
        self.date_check.toggled.connect(self.issue_edit.setEnabled)
        self.date_check.toggled.connect(lambda *_a: self.schedule())
        for signal in (self.number_edit.textChanged, self.date_check.toggled, self.issue_edit.dateChanged):
            signal.connect(lambda *_a: self._remember_issue())
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self._kind_changed()
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    # -- state ----------------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def schedule(self) -> None:
        if not self._loading:
            self.timer.start()

    def _remember_issue(self) -> None:
        if not self._loading:
            _ISSUE_FIELDS[(self.plan_id, self.kind)] = (self.number_edit.text(), self.date_check.isChecked(),
                                                        _pydate(self.issue_edit.date()))

    def _kind_changed(self, *_args) -> None:
        self._loading = True
        kind = self.kind
        number, dated, issued = _ISSUE_FIELDS.get((self.plan_id, kind),
                                                  ("", False, _pydate(self.ref_edit.date())))
        self.number_edit.setText(number)
        self.date_check.setChecked(dated)
        self.issue_edit.setDate(_qdate(issued))
        self.agency_combo.clear()
        if kind == catalog.REMINDER:
            for name in lead_agencies(self.plan):
                self.agency_combo.addItem(name, name)
        elif kind == catalog.AGENCY_TASKS:
            self.agency_combo.addItem(ALL_AGENCIES, "")
            for name in plan_agencies(self.plan):
                self.agency_combo.addItem(name, name)
        elif kind == catalog.PAR_LETTER:
            from cchc_desktop.par.outputs import letter_agencies

            for name in letter_agencies(self.store, self.plan_id, self.plan.year_start):
                self.agency_combo.addItem(name, name)
        needs_agency = kind in catalog.NEEDS_AGENCY
        self.agency_label.setVisible(needs_agency)
        self.agency_combo.setVisible(needs_agency)
        self.reply_label.setVisible(kind in catalog.REPLY_BY)
        self.reply_edit.setVisible(kind in catalog.REPLY_BY)
        for widget in (self.number_edit, self.date_check, self.issue_edit):
            widget.setEnabled(kind in catalog.NUMBERED and
                              (widget is not self.issue_edit or self.date_check.isChecked()))
        self._reload_templates()
        self._loading = False
        self.refresh()

    def _reload_templates(self, select: str | None = None) -> None:
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        editable = self.kind in catalog.EDITABLE
        if editable:
            for template in list_templates(self.store, self.kind):
                self.template_combo.addItem(template.name, template.id)
            if select:
                self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(select)))
        else:
            self.template_combo.addItem("Phụ lục của Kế hoạch (không chỉnh sửa nội dung)", "")
        self.template_combo.setEnabled(editable)
        self.left_tabs.setTabEnabled(1, editable)
        self.template_combo.blockSignals(False)
        self._template_changed()

    def _template_changed(self, *_args) -> None:
        was_loading = self._loading
        self._loading = True
        template_id = self.template_combo.currentData()
        fields = KIND_FIELDS.get(self.kind, {})
        template = get_template(self.store, template_id) if template_id else None
        for name, edit in self.text_edits.items():
            visible = name in fields
            edit.setVisible(visible)
            self.text_labels[name].setVisible(visible)
            self.text_labels[name].setText(fields.get(name, "") + ":")
            edit.blockSignals(True)
            edit.setPlainText(template.text(name) if (template and visible) else "")
            edit.blockSignals(False)
        builtin = template is None or template.builtin
        self.save_template_button.setEnabled(not builtin)
        self.delete_template_button.setEnabled(not builtin)
        self.save_as_button.setEnabled(template is not None)
        self.placeholders.clear()
        if self.kind in catalog.EDITABLE:
            for name, description in placeholder_help(self.kind):
                item = QListWidgetItem(f"{name} — {description}")
                item.setData(Qt.UserRole, name)
                self.placeholders.addItem(item)
        self._loading = was_loading
        self.schedule()

    def _texts_changed(self) -> None:
        self.schedule()

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        target = next((e for e in self.text_edits.values() if e.hasFocus()), self.text_edits["body"])
        target.insertPlainText("{{ " + item.data(Qt.UserRole) + " }}")
        target.setFocus()

    def edited_template(self):
        template_id = self.template_combo.currentData()
        if not template_id:
            return None
        base = get_template(self.store, template_id)
        texts = {name: edit.toPlainText() for name, edit in self.text_edits.items()
                 if name in KIND_FIELDS[self.kind]}
        return base.with_texts(**texts)

    def request(self) -> catalog.ReportRequest:
        return catalog.ReportRequest(
            kind=self.kind, plan_id=self.plan_id, period_key=self.period_combo.currentData() or "",
            ref_date=_pydate(self.ref_edit.date()), agency=self.agency_combo.currentData() or "",
            template_id=self.template_combo.currentData() or "", template=self.edited_template(),
            number=self.number_edit.text().strip(),
            issue_date=_pydate(self.issue_edit.date()) if self.date_check.isChecked() else None,
            reply_by=_pydate(self.reply_edit.date()))

    # -- rendering --------------------------------------------------------------------------------------
    def set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020; font-weight: bold;" if error else "")
        self.status.setText(text)

    def refresh(self) -> None:
        self.timer.stop()
        if self.kind in (catalog.REMINDER, catalog.PAR_LETTER) and not self.agency_combo.currentData():
            self.pdf = None
            self.preview.set_message("Kế hoạch chưa có cơ quan chủ trì nào để đôn đốc."
                                     if self.kind == catalog.REMINDER else
                                     "Không có cơ quan nào cần đề nghị cung cấp tài liệu kiểm chứng (chưa có Bộ chỉ "
                                     "số năm, hoặc các tiêu chí gắn với nhiệm vụ đã đủ tài liệu).")
            self._set_outputs(False)
            return
        try:
            # cursor only: the preview is re-rendered after every edit, a dialog each time would be noise
            with busy(self, "Đang tạo bản xem trước báo cáo…"):
                self.pdf, self.warnings = catalog.render_with_warnings(self.store, self.request())
                self.preview.set_pdf(self.pdf)
        except (ReportTemplateError, StoreError, ValueError) as exc:
            self.pdf = None
            self.set_status(str(exc), error=True)
            self.preview.set_message(str(exc))
            self._set_outputs(False)
            return
        pages = self.preview.page_count
        if self.warnings:   # cut-off, issue date, signer: said before the report is saved or printed
            self.set_status(f"{pages} trang. Lưu ý: " + " ".join(self.warnings), error=True)
        else:
            self.set_status(f"{pages} trang. Bản xem trước là đúng tệp PDF sẽ lưu và in.")
        self._set_outputs(True)
        self.rendered.emit(pages)

    def _set_outputs(self, enabled: bool) -> None:
        for button in (self.pdf_button, self.print_button, self.xlsx_button, self.docx_button):
            button.setEnabled(enabled)

    # -- outputs ----------------------------------------------------------------------------------------
    def save_pdf(self) -> str | None:
        if self.pdf is None:
            return None
        name = catalog.suggested_name(self.store, self.request()) + ".pdf"
        path = self.ask_save_path("Lưu báo cáo PDF", name, "Tệp PDF (*.pdf)")
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            with busy(self, "Đang lưu tệp PDF…", show=True):
                atomic_write_bytes(path, self.pdf)
        except (SafeWriteError, OSError) as exc:
            messages.error(self, "Chưa lưu được", user_message(exc, path))
            return None
        self.set_status(f"Đã lưu {path}")
        self.offer_register()
        return path

    def export_xlsx(self) -> str | None:
        return self._export(".xlsx", "Excel", "Sổ tính Excel (*.xlsx)", catalog.export_xlsx)

    def export_docx(self) -> str | None:
        return self._export(".docx", "Word", "Tài liệu Word (*.docx)", catalog.export_docx)

    def _export(self, ext: str, program: str, file_filter: str, export) -> str | None:
        name = catalog.suggested_name(self.store, self.request()) + ext
        path = self.ask_save_path(f"Xuất báo cáo ra {program}", name, file_filter)
        if not path:
            return None
        if not path.lower().endswith(ext):
            path += ext
        try:
            with busy(self, f"Đang xuất báo cáo ra {program}…", show=True):
                export(self.store, self.request(), path)
        except (ReportTemplateError, StoreError, SafeWriteError, OSError) as exc:
            messages.error(self, "Chưa xuất được", user_message(exc, path))
            return None
        self.set_status(f"Đã xuất {path}")
        self.offer_register()
        return path

    def print_report(self) -> bool:
        if self.pdf is None or self.preview.pages is None:
            return False
        printer = QPrinter(QPrinter.HighResolution)
        printer.setDocName(catalog.suggested_name(self.store, self.request()))
        printer.setFromTo(1, self.preview.page_count)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In báo cáo")
        if dialog.exec() != QDialog.Accepted:
            return False
        try:
            with busy(self, "Đang gửi báo cáo tới máy in…", show=True) as job:
                print_pages(self.preview.pages, printer, progress=job.progress)
        except OSError as exc:
            messages.error(self, "Chưa in được", user_message(exc))
            return False
        self.set_status("Đã gửi lệnh in.")
        self.offer_register()
        return True

    # -- the register of issued reports ------------------------------------------------------------------
    def _ask_register(self, entry) -> dict | None:
        from .issued_reports_dialog import EntryDialog

        form = EntryDialog(int(entry.period_key[:4]), self, entry)
        return form.values() if form.exec() == QDialog.Accepted else None

    def offer_register(self) -> bool:
        """After a periodic report was saved, exported or printed: «Ghi vào sổ báo cáo đã ban hành?» with the
        number and date of its header; one operation on the window's undo stack; declined: nothing written."""
        try:
            entry = catalog.issue_entry(self.store, self.request())
        except (ReportTemplateError, StoreError, ValueError):
            return False                   # (the report itself was written; nothing to offer)
        if entry is None:
            return False
        values = self.ask_register(entry)
        if not values:
            return False
        from cchc_desktop.ops.par import record_issued_report

        command = perform_in(self, "Ghi sổ báo cáo đã ban hành", record_issued_report, self.store, self.plan_id,
                             values["period_key"], values["issued_on"], doc_number=values.get("doc_number", ""),
                             summary=values.get("summary", ""),
                             message=lambda text: messages.error(self, "Chưa ghi được vào sổ", text))
        if command.ok:
            self.set_status(self.status.text() + " Đã ghi vào sổ báo cáo đã ban hành.")
        return command.ok

    # -- templates ---------------------------------------------------------------------------------------
    def _check_texts(self) -> bool:
        template = self.edited_template()
        try:
            for name in KIND_FIELDS[self.kind]:
                check_text(self.kind, name, template.text(name), template.name)
        except ReportTemplateError as exc:
            self.set_status(str(exc), error=True)
            messages.error(self, "Mẫu chưa hợp lệ", str(exc))
            return False
        return True

    def save_current_template(self) -> bool:
        template = self.edited_template()
        if template is None or template.builtin or not self._check_texts():
            return False
        command = perform_in(self, f"Lưu mẫu «{template.name}»", save_template, self.store, template,
                             message=lambda text: messages.error(self, "Chưa lưu được mẫu", text))
        if not command.ok:
            return False
        saved = command.result.value
        self.set_status(f"Đã lưu mẫu «{saved.name}».")
        return True

    def save_template_as(self, name: str | None = None) -> str | None:
        template = self.edited_template()
        if template is None or not self._check_texts():
            return None
        if not name:
            name, ok = QInputDialog.getText(self, "Lưu thành mẫu mới", "Tên mẫu mới:",
                                            text=template.name.replace(" (mẫu có sẵn)", "") + " - bản sửa")
            if not ok or not name.strip():
                return None
        def save_as():
            copy = duplicate_template(self.store, template.id, name.strip())
            return save_template(self.store, copy.with_texts(**{f: template.text(f) for f in KIND_FIELDS[self.kind]}))
        command = perform_in(self, "Lưu thành mẫu mới", save_as,
                             message=lambda text: messages.error(self, "Chưa lưu được mẫu", text))
        if not command.ok:
            return None
        saved = command.result.value
        self._loading = True
        self._reload_templates(select=saved.id)
        self._loading = False
        self.set_status(f"Đã lưu mẫu mới «{saved.name}».")
        return saved.id

    def delete_current_template(self) -> None:
        template_id = self.template_combo.currentData()
        if not template_id or template_id.startswith("builtin:"):
            return
        if not messages.confirm(self, "Xóa mẫu", f"Xóa mẫu «{self.template_combo.currentText()}»?"):
            return
        if perform_in(self, "Xóa mẫu", delete_template, self.store, template_id,
                      message=lambda text: messages.error(self, "Chưa xóa được mẫu", text)).ok:
            self._reload_templates()

    def edit_header(self) -> None:
        from .header_settings_dialog import HeaderSettingsDialog

        if HeaderSettingsDialog(self.store, self.plan_id, self).exec():
            self.refresh()
