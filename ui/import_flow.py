"""Importing an appendix (file or pasted rows): read, preview, then commit as one operation into a new plan,
the current plan or a section."""
from __future__ import annotations

from pathlib import Path

from cchc_desktop import ops
from cchc_desktop.backup import REASON_IMPORT
from cchc_desktop.errors import UserError
from cchc_desktop.ops import appendix as app_ops

from . import file_dialogs, messages
from .busy import busy, paused as busy_paused
from .plan_labels import unit_label

IMPORT_FILTER = "Phụ lục CCHC (*.xlsx *.xlsm *.docx *.txt *.tsv *.csv);;Tất cả các tệp (*)"


class ImportMixin:
    # -- import ------------------------------------------------------------------------------------
    def import_file_dialog(self) -> None:
        path = file_dialogs.open_file(self, file_dialogs.IMPORTS, "Nhập phụ lục nhiệm vụ CCHC", IMPORT_FILTER)
        if path:
            self.import_file(path)

    def import_file(self, path) -> bool:
        from cchc_desktop.importers import ImportCancelled, ImportFailure
        from cchc_desktop.importers.plan_builder import read_plan  # whole plan or appendix (issue 14)
        name = Path(path).name
        try:
            # reading only: «Hủy» stops between two rows, before anything is written (the commit comes later)
            with busy(self, f"Đang đọc tệp «{name}»…", show=True, cancellable=True) as job:
                draft = read_plan(path, progress=lambda done, total: _reading(job, name, done, total))
                if job.cancelled:               # «Hủy» after the last row, while the rows were put together
                    raise ImportCancelled(file=name)
        except ImportCancelled:
            self.statusBar().showMessage(f"Đã dừng đọc tệp «{name}»; chưa nhập gì.", 6000)
            return False
        except ImportFailure as exc:
            messages.critical(self, "Không nhập được tệp", f"Không nhập được tệp «{name}».\n\n{exc}")
            return False
        except OSError as exc:
            messages.critical(self, "Không nhập được tệp", f"Không mở được tệp «{name}»: {exc.strerror}")
            return False
        return self._preview_and_commit(draft, allow_section=False)

    def _preview_and_commit(self, draft, allow_section: bool) -> bool:
        # (the preview loads the importers: on first import, not while the window starts — issue 18)
        from .dialogs.import_preview import TARGET_CURRENT, TARGET_NEW, TARGET_SECTION, ImportPreviewDialog

        plan = self.model.plan
        row = self.current_row()
        section = row.section if (allow_section and row is not None) else None
        if allow_section and section is None:
            section = self._target_section()
        dialog = ImportPreviewDialog(
            draft, self, current_plan_label=(f"{unit_label(plan.unit_kind, plan.unit_name)} {plan.period_label}"
                                             if plan else None),
            section_label=section.label if section is not None else None,
            title="Dán thành nhiệm vụ mới" if allow_section else None,
            current_plan_empty=plan is not None and self.model.task_count() == 0)
        if not self.dialog_runner(dialog):
            return False
        target = dialog.target
        try:
            with busy(self, "Đang ghi các nhiệm vụ vào kế hoạch…", show=True):
                label = f"Nhập {draft.source_name}"
                if target == TARGET_NEW or plan is None:
                    # the ticked parts of the preview (facts, appendix, targets, header, report days): one operation
                    result = ops.run_with_backup(self.store, REASON_IMPORT, label, dialog.commit, self.store).value
                    self.open_plan(result.plan_id)
                    self.statusBar().showMessage(
                        f"Đã nhập {result.tasks} nhiệm vụ, {result.products} sản phẩm vào kế hoạch mới.", 6000)
                    with busy_paused():   # confirm unit, number, date and years read from the file
                        self.edit_plan_properties()
                    return True
                if target == TARGET_SECTION and section is not None:
                    position = (section.tasks.index(row.task) + 1
                                if row is not None and row.task is not None and row.section is section else None)
                    return self._run("Dán nhiệm vụ mới", app_ops.draft_into_section, self.store,
                                     dialog.plan_draft.appendix, section.id, position,
                                     select_after_do=lambda r: ("task", r.value[0]) if r.value else None)
                if target == TARGET_CURRENT:
                    from cchc_desktop.backup import backup_before_change
                    backup_before_change(self.store, REASON_IMPORT)     # before the operation's transaction
                    return self._run(label, dialog.commit, self.store, plan.id, select_after_do=_first_new_section)
        except UserError as exc:
            self.show_error(str(exc))
        return False


def _reading(job, name: str, done: int, total: int | None) -> bool:
    """The reader's progress in the busy dialog: «Đang đọc tệp «…»: 1.200/5.015 dòng…»; False once «Hủy» is
    pressed (the reader then stops)."""
    from cchc_desktop.numbers import integer

    if total:
        job.progress(done, total, f"Đang đọc tệp «{name}»: {integer(done)}/{integer(total)} dòng…")
    else:
        job.step(done, f"Đang đọc tệp «{name}»: {integer(done)} dòng…")
    return not job.cancelled


def _first_new_section(result):
    ids = [c.row_id for c in result.changes if c.entity == "section" and c.op == "insert"]
    return ("section", ids[0]) if ids else None
