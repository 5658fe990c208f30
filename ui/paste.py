"""Copy and paste with Excel and Word: cells into the table (one operation: the edits and the new rows),
rows as new tasks through the importer's preview."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication

from cchc_desktop.errors import UserError
from cchc_desktop.ops import appendix as app_ops

from . import clipboard
from .appendix_model import COL_CONTENT, COL_COORD, COL_DEADLINE, COL_LEAD, COL_PRODUCT, COL_STT, KIND_SECTION, split_names
from .busy import busy

# pasted columns that fill new rows (STT is numbered automatically, the last two are computed)
PASTE_FIELDS = {COL_CONTENT: "content", COL_PRODUCT: "description", COL_LEAD: "leads", COL_COORD: "coordinators",
                COL_DEADLINE: "deadline_text"}


class PasteMixin:
    # -- clipboard ---------------------------------------------------------------------------------
    def copy_selection(self) -> None:
        indexes = self.view.selectionModel().selectedIndexes()
        if not indexes:
            return
        rows = self.view.selected_rows()
        columns = sorted({i.column() for i in indexes})
        whole = len(columns) == self.model.columnCount() or columns == [COL_STT] or (
            len(rows) > 1 and set(columns) >= {COL_STT, COL_CONTENT})
        mime = clipboard.make_mime(self.model, rows, None if whole else columns)
        QApplication.clipboard().setMimeData(mime)
        self.statusBar().showMessage(f"Đã sao chép {len(rows)} dòng.", 3000)

    def paste(self, mime=None) -> int:
        """Paste a block into the cells from the current cell; block rows past the last row of the
        section become new rows there (a row with "Nội dung/Nhiệm vụ" a new task, else a new product
        of the task above). One undo step. Returns the number of cells changed or created."""
        mime = mime or QApplication.clipboard().mimeData()
        try:
            block = clipboard.block_from_mime(mime)
        except UserError as exc:          # e.g. far too many rows
            self.show_error(f"Không đọc được dữ liệu dán:\n{exc}")
            return 0
        if not block:
            return 0
        start = self.view.currentIndex()
        selected = self.view.selectionModel().selectedIndexes()
        if not start.isValid():
            return 0
        edits = []
        extra: list[list[str]] = []      # block rows past the end of the section
        left = start.column()
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            targets = [(i.row(), i.column(), block[0][0]) for i in selected]
        else:
            top = min((i.row() for i in selected), default=start.row())
            left = min((i.column() for i in selected), default=start.column())
            section = self.model.row_info(top).section
            targets = []
            for r, cells in enumerate(block):
                info = self.model.row_info(top + r)
                if extra or info is None or (r > 0 and info.kind == KIND_SECTION) or info.section is not section:
                    extra.append(cells)       # never spill into the next section's rows
                    continue
                targets.extend((top + r, left + c, value) for c, value in enumerate(cells))
        for row, col, value in targets:
            if row >= self.model.rowCount() or col >= self.model.columnCount():
                continue
            if self.refuse_archived_edit([row], col):    # a row a plan amendment dropped: read-only
                return 0
            edit = self.model.edit_of(row, col, value)
            if edit is not None:
                edits.append(edit)
        new_rows = self._paste_rows_spec(extra, left, top) if extra else None
        if not edits and new_rows is None:
            self.statusBar().showMessage("Không có ô nào thay đổi (các ô tính tự động không dán được).", 5000)
            return 0
        created_cells = sum(1 for cells in extra for c, v in enumerate(cells)
                            if v.strip() and left + c in PASTE_FIELDS) if extra else 0
        total = len(edits) + created_cells
        what = f"Dán {len(edits)} ô" + (f", thêm {len(extra)} dòng" if extra else "")
        rows, section_id, position, task_id = new_rows or ([], None, None, None)
        if not self._run(what, app_ops.paste, self.store, what, edits, rows, section_id, position, task_id,
                         select_after_do=lambda r: r.value[0] if r.value else None):
            return 0
        self.statusBar().showMessage(f"Đã dán {total} ô" + (f", thêm {len(extra)} dòng mới" if extra else "")
                                     + ". Nhấn Ctrl+Z để hoàn tác.", 5000)
        return total

    def _paste_rows_spec(self, rows: list[list[str]], left: int, top: int):
        """(new rows, section id, position, task id) for `ops.appendix.paste`: new tasks/products in the
        section of row `top`, after the last task the paste reached."""
        section = self.model.row_info(top).section
        reached = [r.task for r in self.model.rows()[top:] if r.section is section and r.task is not None]
        last_task = reached[-1] if reached else (section.tasks[-1] if section.tasks else None)
        position = section.tasks.index(last_task) + 1 if last_task in section.tasks else len(section.tasks)
        task_id = last_task.id if last_task is not None else None
        has_content = left <= COL_CONTENT < left + max(len(r) for r in rows)
        specs = []
        for cells in rows:
            values = {PASTE_FIELDS[left + c]: value for c, value in enumerate(cells) if left + c in PASTE_FIELDS}
            if not any(v.strip() for v in values.values()):
                continue
            new_task = has_content and values.get("content", "").strip() or task_id is None
            specs.append((bool(new_task), values))
            if new_task:
                task_id = "new"
        if not specs:
            return None
        for _new_task, values in specs:
            for key in ("leads", "coordinators"):
                values[key] = split_names(values.get(key, ""))
        return specs, section.id, position, last_task.id if last_task else None

    def paste_as_tasks(self, mime=None) -> bool:
        """Paste rows copied from Excel/Word as new tasks, through the importer's preview."""
        mime = mime or QApplication.clipboard().mimeData()
        try:
            block = clipboard.block_from_mime(mime)
        except UserError as exc:
            self.show_error(f"Không đọc được dữ liệu dán:\n{exc}")
            return False
        if not block:
            self.show_error("Bộ nhớ tạm không có bảng để dán.")
            return False
        from cchc_desktop.importers import ImportFailure, read_appendix_text
        try:
            with busy(self, "Đang đọc dữ liệu dán…"):
                draft = read_appendix_text(clipboard.block_to_import_text(block))
        except ImportFailure as exc:
            self.show_error(f"Không đọc được dữ liệu dán:\n{exc}")
            return False
        return self._preview_and_commit(draft, allow_section=True)
