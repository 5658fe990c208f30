"""USB exchange dialogs: update workbooks for agencies (export / import with preview) and full
packages between two copies of the app (export / import with conflicts and deletions to confirm).

The «Trao đổi» menu that opens them: ``ui.exchange_menu.install_exchange_menu(window)``.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton,
                               QRadioButton, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from cchc_desktop.exchange import (PACKAGE_SUFFIX, ExchangeError, export_package, export_workbooks, lead_agencies,
                                   left_out_of_agency_workbooks, list_conflicts, plan_merge, read_package,
                                   read_workbooks, workbook_files)
from cchc_desktop.ops import exchange as exchange_ops
from cchc_desktop.exchange.merge import FIELD_LABELS as MERGE_FIELD_LABELS
from cchc_desktop.exchange.merge import REAPPLY, TABLE_LABELS, value_text
from cchc_desktop.tracking.periods import default_period, plan_periods

from . import file_dialogs
from .busy import busy
from cchc_desktop.dates import local_time
from .screen import fit_to_screen
from .forms import link_form_labels

CONFLICT_BRUSH = QBrush(QColor("#fde2c4"))
ERROR_BRUSH = QBrush(QColor("#f8d0d0"))


def _folder_row(parent: QWidget, edit: QLineEdit, caption: str, *, file_filter: str | None = None,
                save_name: str = "") -> QHBoxLayout:
    """A path field with «Chọn…»; an empty field starts in the last folder used or a plugged-in USB stick."""
    if not edit.text():
        start = file_dialogs.start_dir(file_dialogs.USB)
        edit.setText(str(start / save_name) if file_filter else str(start))
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    button = QPushButton("&Chọn…", parent)

    def pick() -> None:
        if file_filter:
            path = file_dialogs.save_file(parent, file_dialogs.USB, caption, edit.text() or save_name, file_filter)
        else:
            path = file_dialogs.folder(parent, file_dialogs.USB, caption, edit.text())
        if path:
            edit.setText(path)
    button.clicked.connect(pick)
    row.addWidget(button)
    return row


def _reading_label(files, done: int) -> str:
    if done >= len(files):
        return f"Đã đọc {len(files)} tệp, đang đối chiếu…"
    return f"Đang đọc tệp {done + 1}/{len(files)}: «{files[done].name}»…"


# -- update workbooks ---------------------------------------------------------------------------------------
class _Stopped(Exception):
    """The user pressed «Hủy» on the progress dialog of a job that can stop between two files."""

    def __init__(self, done: int, count: int):
        super().__init__(done, count)
        self.done, self.count = done, count


class WorkbookExportDialog(QDialog):
    """Period, agencies, target folder (e.g. a USB stick), progress."""

    def __init__(self, store, plan_id: str, parent=None):
        super().__init__(parent)
        self.store, self.plan_id = store, plan_id
        self.setWindowTitle("Xuất tệp cập nhật cho các cơ quan")
        self.resize(560, 520)
        plan = store.row("plan", plan_id)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.period = QComboBox(self)
        from datetime import date
        current = default_period(plan["year_start"], plan["year_end"], date.today()).key
        for period in plan_periods(plan["year_start"], plan["year_end"]):
            self.period.addItem(period.label, period.key)
        self.period.setCurrentIndex(max(0, self.period.findData(current)))
        form.addRow("&Kỳ báo cáo:", self.period)
        self.folder = QLineEdit(self)
        form.addRow("&Lưu vào thư mục (USB):", _folder_row(self, self.folder, "Chọn thư mục lưu"))
        layout.addLayout(form)
        self.all_in_one = QCheckBox("&Một tệp chung cho tất cả cơ quan", self)
        layout.addWidget(self.all_in_one)
        layout.addWidget(QLabel("Cơ quan chủ trì (mỗi cơ quan một tệp):", self))
        self.agencies = QListWidget(self)
        for agency_id, name in lead_agencies(store, plan_id):
            item = QListWidgetItem(name, self.agencies)
            item.setData(Qt.UserRole, agency_id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked)
        self.all_in_one.toggled.connect(lambda on: self.agencies.setEnabled(not on))
        layout.addWidget(self.agencies, 1)
        # group phrases ("Các cơ quan, đơn vị") get no workbook: say so, with the products only they lead
        self.left_out = left_out_of_agency_workbooks(store, plan_id)
        self.left_out_note = QLabel(self.left_out.note(), self)
        self.left_out_note.setWordWrap(True)
        self.left_out_note.setStyleSheet("color: #6a4a00")
        self.left_out_note.setVisible(bool(self.left_out.note()))
        if self.left_out.products:
            self.left_out_note.setToolTip("\n".join(f"{stt}: {text}" for stt, text in self.left_out.products))
        layout.addWidget(self.left_out_note)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.export_button = buttons.addButton("&Xuất tệp", QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.results = []
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    def selected_agencies(self) -> list[str]:
        return [self.agencies.item(i).data(Qt.UserRole) for i in range(self.agencies.count())
                if self.agencies.item(i).checkState() == Qt.Checked]

    def run(self) -> None:
        folder = self.folder.text().strip()
        if not folder or not Path(folder).is_dir():
            self.message.setText("Hãy chọn thư mục lưu (ví dụ ổ USB).")
            return
        agencies = self.selected_agencies()
        total = 1 if self.all_in_one.isChecked() else max(len(agencies), 1)
        try:
            # «Hủy» stops between two files: every file written is whole; the database is only read
            with busy(self, "Đang xuất tệp cập nhật cho các cơ quan…", total=total, cancellable=True) as job:
                def progress(done: int, count: int) -> None:
                    job.progress(done, count, f"Đang xuất tệp cập nhật: đã xong {done}/{count} tệp…")
                    if job.cancelled and done < count:
                        raise _Stopped(done, count)
                self.results = export_workbooks(self.store, self.plan_id, self.period.currentData(), folder,
                                                agency_ids=agencies, all_in_one=self.all_in_one.isChecked(),
                                                progress=progress)
        except _Stopped as stop:
            self.message.setText(f"Đã dừng theo yêu cầu sau {stop.done}/{stop.count} tệp. Các tệp đã xuất vào "
                                 f"«{folder}» đều đầy đủ, dùng được; các cơ quan còn lại chưa có tệp — bấm «Xuất "
                                 "tệp» lần nữa để xuất lại cả bộ.")
            return
        except ExchangeError as exc:
            self.message.setText(f"Không xuất được: {exc.message}")
            return
        self.message.setText(f"Đã xuất {len(self.results)} tệp vào «{folder}»:\n"
                             + "\n".join(r.path.name for r in self.results))


class WorkbookImportDialog(QDialog):
    """Pick files or a folder; preview per agency (old → new), errors, conflicts; accept and apply."""

    def __init__(self, store, parent=None, paths=None):
        super().__init__(parent)
        self.store = store
        self.previews = []
        self.setWindowTitle("Nhập tệp cập nhật từ các cơ quan")
        fit_to_screen(self, 1100, 700)
        layout = QVBoxLayout(self)
        pick = QHBoxLayout()
        files_button = QPushButton("Chọn &tệp…", self)
        folder_button = QPushButton("Chọn thư &mục (USB)…", self)
        files_button.clicked.connect(self.pick_files)
        folder_button.clicked.connect(self.pick_folder)
        self.accept_all = QPushButton("&Chấp nhận tất cả", self)
        self.accept_none = QPushButton("&Bỏ chọn tất cả", self)
        self.accept_all.clicked.connect(lambda: self.set_all(Qt.Checked))
        self.accept_none.clicked.connect(lambda: self.set_all(Qt.Unchecked))
        for w in (files_button, folder_button):
            pick.addWidget(w)
        pick.addStretch(1)
        pick.addWidget(self.accept_all)
        pick.addWidget(self.accept_none)
        layout.addLayout(pick)
        splitter = QSplitter(Qt.Vertical, self)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Cơ quan / sản phẩm / trường", "Giá trị hiện tại", "Giá trị mới", "Ghi chú"])
        header = self.tree.header()
        header.setStretchLastSection(False)   # the new values get the room, not «Ghi chú»
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col, width in ((1, 200), (2, 260), (3, 200)):
            header.setSectionResizeMode(col, QHeaderView.Interactive)
            self.tree.setColumnWidth(col, width)
        # «Giá trị hiện tại», «Giá trị mới» and «Ghi chú» wrap and their rows grow: read in full before accepting
        from .wrapped_rows import wrap_rows
        wrap_rows(self.tree, (1, 2, 3))
        splitter.addWidget(self.tree)
        self.issues = QPlainTextEdit(self)
        self.issues.setReadOnly(True)
        splitter.addWidget(self.issues)
        splitter.setSizes([500, 160])
        layout.addWidget(splitter, 1)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.apply_button = buttons.addButton("Á&p dụng", QDialogButtonBox.AcceptRole)
        self.apply_button.setEnabled(False)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if paths:
            self.load(paths)

    def pick_files(self) -> None:
        files = file_dialogs.open_files(self, file_dialogs.USB, "Chọn tệp cập nhật", "Tệp Excel (*.xlsx)")
        if files:
            self.load(files)

    def pick_folder(self) -> None:
        folder = file_dialogs.folder(self, file_dialogs.USB, "Chọn thư mục chứa tệp cập nhật")
        if folder:
            self.load([folder])

    def load(self, paths) -> None:
        files = workbook_files(paths)
        try:   # reading only: «Hủy» leaves the database and the preview shown before as they were
            with busy(self, _reading_label(files, 0), total=max(len(files), 1), cancellable=True) as job:
                def progress(done: int, count: int) -> None:   # one step per file
                    job.progress(done, count, _reading_label(files, done))
                    if job.cancelled and done < count:
                        raise _Stopped(done, count)
                previews = read_workbooks(self.store, files, progress=progress)
        except _Stopped as stop:
            self.message.setText(f"Đã dừng đọc tệp theo yêu cầu (đã đọc {stop.done}/{stop.count} tệp). "
                                 "Chưa có gì được ghi vào cơ sở dữ liệu.")
            return
        self.previews = previews
        self.tree.clear()
        lines = []
        for preview in self.previews:
            title = preview.agency_name or preview.path.name
            top = QTreeWidgetItem(self.tree, [f"{title} — {preview.path.name}", "", "",
                                              f"{len(preview.changed_rows)} dòng thay đổi"
                                              + (" · đã nhập trước đây" if preview.already_imported else "")])
            top.setFlags(top.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsAutoTristate)
            top.setData(0, Qt.UserRole, ("file", preview))
            if not preview.usable:
                top.setText(3, "Không nhập được tệp này (xem lỗi bên dưới)")
                for col in range(4):
                    top.setBackground(col, ERROR_BRUSH)
            for row in preview.rows:
                if not row.diffs and not row.errors:
                    continue
                item = QTreeWidgetItem(top, [f"Dòng {row.excel_row}: {row.label}", "", "", row.outcome_text])
                item.setToolTip(0, f"Dòng {row.excel_row}: {row.label}")
                item.setToolTip(3, row.outcome_text)
                item.setData(0, Qt.UserRole, ("row", row))
                if row.errors:
                    for col in range(4):
                        item.setBackground(col, ERROR_BRUSH)
                    continue
                item.setFlags(item.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsAutoTristate)
                for diff in row.diffs:
                    child = QTreeWidgetItem(item, [diff.label, diff.old_text, diff.new_text,
                                                   "Xung đột: đầu mối đã sửa sau khi xuất" if diff.conflict else ""])
                    child.setFlags(child.flags() | Qt.ItemIsUserCheckable)
                    child.setCheckState(0, Qt.Checked if diff.accepted else Qt.Unchecked)
                    child.setData(0, Qt.UserRole, ("field", diff))
                    child.setToolTip(2, diff.short(diff.new_text, 1000))
                    if diff.conflict:
                        for col in range(4):
                            child.setBackground(col, CONFLICT_BRUSH)
            for issue in preview.skipped:     # added, duplicated, foreign rows: shown, never applied
                item = QTreeWidgetItem(top, [f"Dòng {issue.row}: bỏ qua", "", "", issue.message])
                item.setToolTip(0, issue.message)
                item.setToolTip(3, issue.message)
                for col in range(4):
                    item.setBackground(col, ERROR_BRUSH)
            top.setExpanded(True)
            for issue in preview.issues + preview.skipped + [e for r in preview.rows for e in r.errors]:
                mark = "LỖI" if issue.level == "error" else "Lưu ý"
                lines.append(f"[{preview.path.name}] {mark} — {issue}")
        self.tree.expandAll()
        self.issues.setPlainText("\n".join(lines) or "Không có lỗi.")
        changed = sum(len(p.changed_rows) for p in self.previews)
        conflicts = sum(len(p.conflicts) for p in self.previews)
        skipped = sum(len(p.skipped_rows()) for p in self.previews)
        self.message.setText(f"{len(self.previews)} tệp, {changed} dòng có thay đổi, {conflicts} xung đột "
                             f"(mặc định không chọn — hãy xem và tích nếu đồng ý), {skipped} dòng bị bỏ qua. "
                             f"Bỏ tích một tệp để không nhập cả tệp đó.")
        self.apply_button.setEnabled(changed > 0)

    def field_items(self):
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                row = top.child(j)
                for k in range(row.childCount()):
                    yield row.child(k)

    def set_all(self, state) -> None:
        for item in self.field_items():
            item.setCheckState(0, state)

    def apply(self) -> None:
        for item in self.field_items():
            kind, diff = item.data(0, Qt.UserRole)
            diff.accepted = item.checkState(0) == Qt.Checked
        for preview in self.previews:      # a file whose changes the user all unticked is refused whole
            offered = [d for r in preview.rows if not r.errors for d in r.diffs if not d.conflict]
            preview.refused = bool(offered) and not any(d.accepted for r in preview.rows for d in r.diffs)
        with busy(self, "Đang ghi các cập nhật vào cơ sở dữ liệu…", show=True):
            result = _perform(self, exchange_ops.IMPORT_WORKBOOKS, exchange_ops.import_workbooks, self.store,
                              self.previews, refused="Không áp dụng được")
        if result is None:
            return
        self.message.setText("\n".join(result.summary_lines()[:12] + (["…"] if len(result.summary_lines()) > 12 else []))
                             + "\nGiá trị cũ được lưu trong lịch sử.")
        self.issues.setPlainText("\n".join(result.summary_lines()))
        self.apply_button.setEnabled(False)
        self.result = result


# -- full packages ------------------------------------------------------------------------------------------
class PackageExportDialog(QDialog):
    def __init__(self, store, plan_id: str | None, parent=None):
        super().__init__(parent)
        self.store, self.plan_id = store, plan_id
        self.setWindowTitle("Xuất gói dữ liệu (.cchc) sang máy khác")
        self.setMinimumWidth(560)   # the path and the result message were clipped at 233 px
        layout = QVBoxLayout(self)
        self.only_plan = QRadioButton("Chỉ &kế hoạch đang mở", self)
        self.everything = QRadioButton("&Toàn bộ dữ liệu", self)
        (self.only_plan if plan_id else self.everything).setChecked(True)
        self.only_plan.setEnabled(bool(plan_id))
        layout.addWidget(self.only_plan)
        layout.addWidget(self.everything)
        self.target = QLineEdit(self)
        target_label = QLabel("&Lưu thành tệp (ví dụ trên USB):", self)
        target_label.setBuddy(self.target)
        layout.addWidget(target_label)
        layout.addLayout(_folder_row(self, self.target, "Lưu gói dữ liệu", file_filter=f"Gói CCHC (*{PACKAGE_SUFFIX})",
                                     save_name=f"du-lieu-cchc{PACKAGE_SUFFIX}"))
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.addButton("&Xuất gói", QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def run(self) -> None:
        target = self.target.text().strip()
        if not target:
            self.message.setText("Hãy chọn nơi lưu tệp.")
            return
        if not target.endswith(PACKAGE_SUFFIX):
            target += PACKAGE_SUFFIX
        try:
            with busy(self, "Đang xuất gói dữ liệu…", show=True) as job:
                result = export_package(self.store, target,
                                        plan_ids=[self.plan_id] if self.only_plan.isChecked() else None,
                                        progress=job.progress)
        except ExchangeError as exc:
            self.message.setText(f"Không xuất được: {exc.message}")
            return
        extra = f" Thiếu {len(result.missing_attachments)} tệp minh chứng." if result.missing_attachments else ""
        self.message.setText(f"Đã ghi và kiểm tra «{result.path.name}»: {result.rows} dòng, {result.changes} thay đổi, "
                             f"{result.attachments} tệp minh chứng.{extra}")


class PackageImportDialog(QDialog):
    """Summary, conflicts (keep this PC's value or take the other's) and deletions to confirm."""

    def __init__(self, store, parent=None, path: str | None = None):
        super().__init__(parent)
        self.store = store
        self.plan = None
        self.setWindowTitle("Nhập gói dữ liệu (.cchc) từ máy khác")
        fit_to_screen(self, 1000, 640)
        layout = QVBoxLayout(self)
        pick = QPushButton("&Chọn tệp gói dữ liệu…", self)
        pick.clicked.connect(self.pick)
        layout.addWidget(pick)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("Xung đột (cả hai máy cùng sửa một trường) — tích để GIỮ giá trị của máy này:", self))
        self.conflicts = QTreeWidget(self)
        self.conflicts.setHeaderLabels(["Dòng / trường", "Máy này", "Máy kia", "Áp dụng (theo thứ tự thay đổi)"])
        self.conflicts.header().setSectionResizeMode(0, QHeaderView.Stretch)
        layout.addWidget(self.conflicts, 1)
        layout.addWidget(QLabel("Dòng đã bị xóa ở máy kia — tích để xóa ở máy này:", self))
        self.tombstones = QListWidget(self)
        layout.addWidget(self.tombstones, 1)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.apply_button = buttons.addButton("Hợp &nhất", QDialogButtonBox.AcceptRole)
        self.apply_button.setEnabled(False)
        # a package whose merge was undone here: its changes are in the log, so merging finds nothing; this applies
        # the undone merge again (ops.exchange.reapply_package)
        self.reapply_button = buttons.addButton("Áp dụng &lại", QDialogButtonBox.ActionRole)
        self.reapply_button.setVisible(False)
        self.reapply_button.clicked.connect(self.reapply)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if path:
            self.load(path)

    def pick(self) -> None:
        path = file_dialogs.open_file(self, file_dialogs.USB, "Chọn gói dữ liệu", f"Gói CCHC (*{PACKAGE_SUFFIX})")
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        self.conflicts.clear()
        self.tombstones.clear()
        self.plan = None
        try:
            with busy(self, "Đang đọc và kiểm tra gói dữ liệu…", show=True) as job:
                package = read_package(path, local_schema=self.store.schema_version)
                job.step(text="Đang so sánh gói dữ liệu với dữ liệu trên máy này…")
                self.plan = plan_merge(self.store, package)
        except ExchangeError as exc:
            self.summary.setText(f"Không nhập được: {exc.message}")
            self.apply_button.setEnabled(False)
            return
        p = self.plan
        self.summary.setText(
            f"Gói từ «{package.unit_name or package.origin[:8]}», tạo lúc "
            f"{local_time(package.manifest.get('created_at', ''))[:16]}: "
            f"{p.summary()}." + ("".join(f"\n• {n}" for n in p.notes)))
        for change in p.conflicts:
            item = QTreeWidgetItem(self.conflicts, [
                f"{TABLE_LABELS.get(change.table, change.table)} «{change.label}» — "
                f"{MERGE_FIELD_LABELS.get(change.field, change.field)}",
                value_text(change.field, change.old), value_text(change.field, change.new),
                "Máy kia" if change.winner == "remote" else "Máy này"])
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(0, Qt.Checked if change.winner == "local" else Qt.Unchecked)
            item.setData(0, Qt.UserRole, change.key)
            for col in range(4):
                item.setBackground(col, CONFLICT_BRUSH)
        for link in p.link_conflicts:     # agency sets: both sides' changes merged, restorable later
            item = QTreeWidgetItem(self.conflicts, [
                f"Sản phẩm «{link.label}» — {link.field_label}", "; ".join(link.old_names),
                "; ".join(link.new_names), "Ghép: " + "; ".join(link.merged_names)])
            for col in range(4):
                item.setBackground(col, CONFLICT_BRUSH)
        for change in p.lost:      # the other PC's edits of rows deleted here: listed, kept, not applied
            item = QTreeWidgetItem(self.conflicts, [
                f"{TABLE_LABELS.get(change.table, change.table)} «{change.label}» — {change.field_label}",
                value_text(change.field, change.old), value_text(change.field, change.new),
                "Giữ việc xóa (giá trị kia được ghi nhận)"])
            for col in range(4):
                item.setBackground(col, CONFLICT_BRUSH)
        for tomb in p.tombstones:
            lines = tomb.removed_lines()
            text = lines[0] if lines else f"{TABLE_LABELS.get(tomb.table, tomb.table)} «{tomb.label}»"
            if tomb.edited_here:
                text += " (máy này đã sửa dòng này sau lần trao đổi trước)"
            if len(lines) > 1:
                text += f" — xóa kèm {len(lines) - 1} dòng:\n" + "\n".join(f"    – {line}" for line in lines[1:])
            item = QListWidgetItem(text, self.tombstones)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked if tomb.edited_here else Qt.Checked)
            item.setData(Qt.UserRole, tomb.row_id)
        self.apply_button.setEnabled(not p.is_empty)
        self.reapply_button.setVisible(bool(p.undone_at))
        if p.undone_at:      # said in the summary's notes: imported on …, undone, how to get the values
            self.message.setText(f"Không có gì mới trong gói này: việc nhập gói trước đây đã được hoàn tác. Bấm "
                                 f"«{REAPPLY}» để áp dụng lại.")
        elif p.is_empty:
            self.message.setText("Không có gì mới trong gói này.")

    def reapply(self) -> None:
        if self.plan is None or not self.plan.undone_at:
            return
        name = self.plan.package.path.name
        from .operations import perform_in

        refused = f"Không áp dụng lại được gói «{name}»"
        with busy(self, "Đang áp dụng lại gói dữ liệu…", show=True):
            command = perform_in(self, exchange_ops.reapply_label(name), exchange_ops.reapply_package, self.store,
                                 self.plan, message=lambda text: self.message.setText(f"{refused}: {text}"))
        if not command.ok:
            return
        self.reapply_button.setVisible(False)
        self.apply_button.setEnabled(False)
        self.message.setText(f"Đã áp dụng lại gói «{name}» (Hoàn tác được bằng Ctrl+Z). Xung đột của lần nhập đó "
                             "được ghi nhận lại (Trao đổi → Xung đột đã ghi nhận…).")

    def apply(self) -> None:
        if self.plan is None:
            return
        choices = {}
        for i in range(self.conflicts.topLevelItemCount()):
            item = self.conflicts.topLevelItem(i)
            if item.data(0, Qt.UserRole) is not None:
                choices[item.data(0, Qt.UserRole)] = "local" if item.checkState(0) == Qt.Checked else "remote"
        confirm = {self.tombstones.item(i).data(Qt.UserRole) for i in range(self.tombstones.count())
                   if self.tombstones.item(i).checkState() == Qt.Checked}
        with busy(self, "Đang hợp nhất dữ liệu…", show=True):
            name = self.plan.package.path.name
            result = _perform(self, exchange_ops.merge_label(name), exchange_ops.merge_package, self.store, self.plan,
                              confirm=confirm, choices=choices, refused="Không hợp nhất được",
                              undo_text=exchange_ops.merge_undo_text(name, short=True) + "\n"
                              + exchange_ops.merge_undo_text(name))
        if result is None:
            return
        self.result = result
        self.apply_button.setEnabled(False)
        self.message.setText(f"Đã hợp nhất: {result.inserted} dòng mới, {result.updated} trường cập nhật, "
                             f"{result.deleted} dòng xóa, {result.pending_tombstones} dòng xóa chờ xác nhận, "
                             f"{result.conflicts} xung đột được lưu (Trao đổi → Xung đột đã ghi nhận…)."
                             + "".join(f"\n• {n}" for n in result.notes))


def _perform(dialog, label: str, action, /, *args, refused: str, undo_text: str | None = None, **kwargs):
    """Run an exchange operation as one step on the undo stack of the window that opened the dialog (Ctrl+Z
    undoes the whole import or merge; every view is told through the one change notification). Returns the
    operation's value, or None when it was refused (the reason shown in the dialog's message line)."""
    from .operations import perform_in

    command = perform_in(dialog, label, action, *args,
                         message=lambda text: dialog.message.setText(f"{refused}: {text}"), undo_text=undo_text,
                         **kwargs)
    return command.result.value if command.ok else None


class ConflictsDialog(QDialog):
    """Conflicts kept from merges: both values, what was applied; restore the other value in one click."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Xung đột đã ghi nhận khi hợp nhất gói dữ liệu")
        fit_to_screen(self, 900, 480)
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Dòng / trường", "Máy này", "Máy kia", "Đã áp dụng"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        layout.addWidget(self.tree, 1)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.restore_button = buttons.addButton("&Khôi phục giá trị không được áp dụng", QDialogButtonBox.ActionRole)
        self.restore_button.clicked.connect(self.restore)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        self.tree.clear()
        for c in list_conflicts(self.store):
            item = QTreeWidgetItem(self.tree, [f"{TABLE_LABELS.get(c.entity, c.entity)} «{c.label}» — {c.field_label}",
                                               c.text(c.local_value), c.text(c.remote_value),
                                               c.text(c.applied_value)])
            for col in range(4):
                item.setToolTip(col, item.text(col))
            item.setData(0, Qt.UserRole, c.id)
        self.restore_button.setEnabled(self.tree.topLevelItemCount() > 0)
        if not self.tree.topLevelItemCount():
            self.message.setText("Không có xung đột nào đang chờ xem xét.")

    def restore(self) -> None:
        item = self.tree.currentItem() or self.tree.topLevelItem(0)
        if item is None:
            return
        conflict = _perform(self, "Khôi phục giá trị xung đột", exchange_ops.restore_conflict, self.store,
                            item.data(0, Qt.UserRole), refused="Không khôi phục được")
        if conflict is None:
            return
        self.reload()
        self.message.setText(f"Đã khôi phục {conflict.field_label} của «{conflict.label}».")


__all__ = ["ConflictsDialog", "PackageExportDialog", "PackageImportDialog", "WorkbookExportDialog", "WorkbookImportDialog"]
