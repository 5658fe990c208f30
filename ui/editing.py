"""Editing the appendix from the main window: plans, tasks, products and sections. Every action is one core
operation (cchc_desktop.ops.appendix) run as one undo step (ui/operations.py); the views refresh from the change
notification, nothing here refreshes by hand."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from cchc_desktop import ops
from cchc_desktop.errors import UserError
from cchc_desktop.ops import appendix as app_ops

from . import messages
from .appendix_model import COL_CONTENT, COL_PRODUCT, COL_STT, KIND_SECTION
from .operations import perform


class EditingMixin:
    """MainWindow's editing actions (needs store, model, view, undo_stack, events, sections, dialog_runner)."""

    # -- plans -----------------------------------------------------------------------------------
    def new_plan(self) -> None:
        from .dialogs.plan_properties import PlanPropertiesDialog
        dialog = PlanPropertiesDialog(None, self)
        if not self.dialog_runner(dialog):
            return
        values = dialog.values()
        def create():
            plan_id = self.store.create_plan(**values)
            self.store.add_section(plan_id, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
            return plan_id
        try:
            plan_id = ops.run(self.store, "Tạo kế hoạch mới", create).value
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.open_plan(plan_id)

    def open_plan_dialog(self) -> None:
        from .dialogs.plan_properties import PlanPickerDialog
        dialog = PlanPickerDialog(self.store.list_plans(), self.model.plan_id, self)
        if self.dialog_runner(dialog) and dialog.selected_plan_id():
            self.open_plan(dialog.selected_plan_id())

    def duplicate_plan(self) -> None:
        plan = self.model.plan
        if plan is None:
            return
        from .dialogs.plan_properties import PlanPropertiesDialog
        dialog = PlanPropertiesDialog(plan, self, title="Nhân bản kế hoạch")
        dialog.year_start.setValue(plan.year_start + 1)
        dialog.year_end.setValue(plan.year_end + 1)
        dialog.doc_number.clear()
        dialog.has_date.setChecked(False)
        if not self.dialog_runner(dialog):
            return
        values = dialog.values()
        values["status"] = "draft"
        try:
            new_id = ops.run(self.store, "Nhân bản kế hoạch", self.store.duplicate_plan, plan.id, **values).value
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.open_plan(new_id)
        self.statusBar().showMessage("Đã nhân bản kế hoạch.", 5000)

    def edit_plan_properties(self) -> None:
        plan = self.model.plan
        if plan is None:
            return
        from .dialogs.plan_properties import PlanPropertiesDialog
        dialog = PlanPropertiesDialog(plan, self)
        if not self.dialog_runner(dialog):
            return
        new = dialog.values()
        old = {k: getattr(plan, k) for k in new}
        changed = {k: v for k, v in new.items() if old[k] != v}
        if changed:
            self._run("Sửa thuộc tính kế hoạch", app_ops.edit_fields, self.store, "plan", plan.id, changed)

    # -- editing helpers ---------------------------------------------------------------------------
    def _run(self, label: str, action, /, *args, select_after_do=None, select_after_undo=None, **kwargs) -> bool:
        """One user action: a core operation as one undo step (ui/operations.py)."""
        return perform(self.store, self.undo_stack, self.events, label, action, *args,
                       select_after_do=select_after_do, select_after_undo=select_after_undo, **kwargs).ok

    def edit_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and not self.refuse_archived_edit([index.row()], index.column()):
            self.view.edit(index)

    def _refuse_current(self) -> bool:
        index = self.view.currentIndex()
        return index.isValid() and self.refuse_archived_edit([index.row()])

    def refuse_archived_edit(self, rows, column: int | None = None) -> bool:
        """Show the Vietnamese refusal (and return True) when one of `rows` is a task or product a plan amendment
        dropped (shown with «Xem → Hiện nhiệm vụ đã bỏ»): those rows are read-only."""
        try:
            self.model.refuse_archived(rows, column)
        except UserError as exc:
            self.show_error(str(exc))
            return True
        return False

    def _target_section(self):
        row = self.current_row()
        if row is not None:
            return row.section
        section_id = self.sections.current_section_id()
        if section_id:
            return self.model.find_section(section_id)
        plan = self.model.plan
        return plan.sections[-1] if plan and plan.sections else None

    def add_task(self) -> None:
        section = self._target_section()
        if section is None:
            self.add_section()
            section = self._target_section()
            if section is None:
                return
        if self._run("Thêm nhiệm vụ", app_ops.add_task, self.store, section.id, select_after_do=_created("task")):
            self._edit_selected_content()

    def insert_task(self) -> None:
        row = self.current_row()
        if row is None or row.task is None:
            return self.add_task()
        if self._refuse_current():
            return
        position = row.section.tasks.index(row.task)
        if self._run("Chèn nhiệm vụ", app_ops.add_task, self.store, row.section.id, position,
                     select_after_do=_created("task")):
            self._edit_selected_content()

    def _edit_selected_content(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.isVisible():
            self.view.edit(self.model.index(index.row(), COL_CONTENT))

    def duplicate_task(self) -> None:
        row = self.current_row()
        if row is None or row.task is None or self._refuse_current():
            return
        self._run("Nhân bản nhiệm vụ", app_ops.duplicate_task, self.store, row.task.id,
                  select_after_do=_created("task"))

    def add_product(self) -> None:
        row = self.current_row()
        if row is None or row.task is None or self._refuse_current():
            return
        task_id = row.task.id
        position = row.task.products.index(row.product) + 1 if row.product is not None else None

        like = row.product.id if row.product is not None else None     # starts like the row above (#20)
        if self._run("Thêm hoạt động/sản phẩm", app_ops.add_product, self.store, task_id, position, like,
                     select_after_do=_created("product")):
            index = self.view.currentIndex()
            if index.isValid() and self.isVisible():
                self.view.edit(self.model.index(index.row(), COL_PRODUCT))

    def delete_selection(self) -> None:
        indexes = self.view.selectionModel().selectedIndexes() or [self.view.currentIndex()]
        indexes = [i for i in indexes if i.isValid()]
        if not indexes or self.refuse_archived_edit(sorted({i.row() for i in indexes})):
            return
        tasks, products, sections = [], [], []
        for index in indexes:
            row = self.model.row_info(index.row())
            if row.kind == KIND_SECTION:
                sections.append(row.section)
            elif index.column() in (COL_STT, COL_CONTENT) or row.product is None:
                if row.task not in tasks:
                    tasks.append(row.task)
            elif row.product not in products:
                products.append(row.product)
        if sections and not tasks and not products:
            return self.delete_section(sections[0])
        # a product whose task is deleted anyway, or all products of a task selected -> the task
        by_task: dict[str, list] = {}
        for product in products:
            by_task.setdefault(product.task_id, []).append(product)
        targets = [("task", t.id) for t in tasks]
        for task_id, chosen in by_task.items():
            if any(t.id == task_id for t in tasks):
                continue
            _section, task = self.model.find_task(task_id)
            if task is not None and len(chosen) == len(task.products):
                targets.append(("task", task_id))
            else:
                targets.extend(("product", p.id) for p in chosen)
        if not targets:
            return
        n_tasks = sum(1 for e, _ in targets if e == "task")
        n_products = len(targets) - n_tasks
        what = ", ".join(x for x in (f"{n_tasks} nhiệm vụ" if n_tasks else "",
                                     f"{n_products} sản phẩm" if n_products else "") if x)
        self._run(f"Xóa {what}", app_ops.delete_rows, self.store, targets, f"Xóa {what}",
                  select_after_undo=targets[0])
        self.statusBar().showMessage(f"Đã xóa {what}. Nhấn Ctrl+Z để hoàn tác.", 6000)

    def move_current(self, step: int) -> None:
        row = self.current_row()
        if row is None or self._refuse_current():
            return
        if row.kind == KIND_SECTION:
            return self.move_section(step, row.section)
        index = self.view.currentIndex()
        task = row.task
        if row.product is not None and len(task.products) > 1 and index.column() >= COL_PRODUCT:
            position = task.products.index(row.product) + step
            if 0 <= position < len(task.products):
                self._move("Di chuyển sản phẩm", "product", row.product.id, position)
            return
        sections = self.model.plan.sections
        position = row.section.tasks.index(task) + step
        section = row.section
        if position < 0 or position >= len(section.tasks):
            # across the section boundary: end of the previous / start of the next section
            neighbour = sections.index(section) + step
            if not 0 <= neighbour < len(sections):
                return
            section = sections[neighbour]
            position = len(section.tasks) if step < 0 else 0
        self._move("Di chuyển nhiệm vụ", "task", task.id, position, section.id)

    def _move(self, label: str, entity: str, row_id: str, position: int, parent_id: str | None = None) -> None:
        if app_ops.would_move(self.store, entity, row_id, position, parent_id):
            self._run(label, app_ops.move, self.store, entity, row_id, position, parent_id, label,
                      select_after_do=(entity, row_id), select_after_undo=(entity, row_id))

    def selected_tasks(self) -> list:
        """The tasks of the selected rows (or of the current row), in table order."""
        tasks = []
        for row in self.view.selected_rows():
            info = self.model.row_info(row)
            if info is not None and info.task is not None and info.task not in tasks:
                tasks.append(info.task)
        return tasks

    def move_to_section(self, section_id: str | None = None) -> bool:
        """«Chuyển sang mục…»: the selected tasks go to the end of a chosen section, in their order,
        as one undoable step (the command drag-and-drop uses); the selection follows them."""
        from .dialogs.move_to_section import MoveToSectionDialog

        plan = self.model.plan
        tasks = self.selected_tasks()
        if plan is None or not tasks:
            self.statusBar().showMessage("Hãy chọn nhiệm vụ cần chuyển sang mục khác.", 5000)
            return False
        if section_id is None:
            row = self.current_row()
            current = row.section.id if row is not None else None
            dialog = MoveToSectionDialog(plan.sections, current, len(tasks), self)
            if not self.dialog_runner(dialog):
                return False
            section_id = dialog.section_id()
        section = self.model.find_section(section_id) if section_id else None
        if section is None:
            return False
        task_ids = [t.id for t in tasks]
        if not app_ops.tasks_would_move(self.store, task_ids, section.id, len(section.tasks)):
            self.statusBar().showMessage("Nhiệm vụ đã ở cuối mục này.", 5000)
            return False
        label = "Di chuyển nhiệm vụ" if len(task_ids) == 1 else f"Di chuyển {len(task_ids)} nhiệm vụ"
        if not self._run(label, app_ops.move_tasks, self.store, task_ids, section.id, len(section.tasks),
                         select_after_do=("task", task_ids[0]), select_after_undo=("task", task_ids[0])):
            return False
        self._select_tasks(task_ids)
        what = "nhiệm vụ" if len(task_ids) == 1 else f"{len(task_ids)} nhiệm vụ"
        self.statusBar().showMessage(f"Đã chuyển {what} sang mục {section.numeral}. Nhấn Ctrl+Z để hoàn tác.",
                                     6000)
        return True

    def _select_tasks(self, task_ids: list[str]) -> None:
        """Select the rows of these tasks, the first one current."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        rows = [self.model.find_row("task", task_id) for task_id in task_ids]
        rows = [r for r in rows if r >= 0]
        if not rows:
            return
        self.view.select_entity("task", task_ids[0])
        if len(rows) > 1:
            selection = QItemSelection()
            last_col = self.model.columnCount() - 1
            for row in rows:
                info = self.model.row_info(row)
                end = row + max(1, info.group_len) - 1
                selection.select(self.model.index(row, 0), self.model.index(end, last_col))
            self.view.selectionModel().select(selection, QItemSelectionModel.ClearAndSelect)

    # -- sections ----------------------------------------------------------------------------------
    def add_section(self) -> None:
        plan = self.model.plan
        if plan is None:
            return
        title, ok = QInputDialog.getText(self, "Thêm mục", "Tên mục (ví dụ: CẢI CÁCH THỂ CHẾ):")
        title = " ".join(title.split())
        if not ok or not title:
            return
        current = self._target_section()
        position = plan.sections.index(current) + 1 if current in plan.sections else None
        self._run("Thêm mục", app_ops.add_section, self.store, plan.id, title, position,
                  select_after_do=_created("section"))

    def rename_section(self) -> None:
        section = self._target_section()
        if section is None:
            return
        title, ok = QInputDialog.getText(self, "Đổi tên mục", f"Tên mới của mục {section.numeral}:",
                                         text=section.title)
        title = " ".join(title.split())
        if ok and title and title != section.title:
            self._run("Đổi tên mục", app_ops.edit_fields, self.store, "section", section.id, {"title": title})

    def move_section(self, step: int, section=None) -> None:
        section = section or self._target_section()
        plan = self.model.plan
        if section is None or plan is None:
            return
        position = plan.sections.index(section) + step
        if 0 <= position < len(plan.sections):
            self._move("Di chuyển mục", "section", section.id, position)

    def delete_section(self, section=None) -> None:
        section = section or self._target_section()
        if section is None:
            return
        if section.tasks and not messages.confirm(
                self, "Xóa mục", f"Xóa mục «{section.label}» cùng {len(section.tasks)} nhiệm vụ?\n"
                "(Có thể hoàn tác bằng Ctrl+Z.)"):
            return
        self._run("Xóa mục", app_ops.delete_rows, self.store, [("section", section.id)], "Xóa mục",
                  select_after_undo=("section", section.id))


def _created(entity: str):
    """select_after_do for an operation whose value is the id of the row it created."""
    return lambda result: (entity, result.value) if result.value else None


def _first_new_section(result):
    ids = [c.row_id for c in result.changes if c.entity == "section" and c.op == "insert"]
    return ("section", ids[0]) if ids else None
