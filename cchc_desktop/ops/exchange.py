"""The exchange writes of the «Trao đổi» menu as operations: the agencies' update workbooks imported, a package
from another machine merged, a conflict's other value put back. Each takes a backup first where the write can
be large (imports, merges: ``run_with_backup``), runs in one transaction, and is undone by ``ops.undo`` like any
other operation, so the window's Ctrl+Z undoes it as one step (ui/operations.perform)."""
from __future__ import annotations

from .core import OpResult, op_function, run, run_with_backup

IMPORT_WORKBOOKS = "Nhập tệp cập nhật"
MERGE_PACKAGE = "Hợp nhất gói dữ liệu"      # a merge whose package has no file name


def merge_label(file_name: str = "") -> str:
    """The step a package merge is on the undo stack and in the history: «Nhập gói «xa-a.cchc»»."""
    from ..text import shorten

    return f"Nhập gói «{shorten(file_name, 50)}»" if file_name else MERGE_PACKAGE


def merge_undo_text(file_name: str = "", *, short: bool = False) -> str:
    """What undoing a merge does, said where it is offered: it is a new change of this PC, which the next exchange
    sends to the other PC, where it replaces the values that PC sent. ``short``: the Edit menu's line (a menu does
    not wrap); the whole sentence goes to the status bar and the toolbar's tooltip."""
    from ..text import shorten

    what = f"nhập gói «{shorten(file_name, 50)}»" if file_name else "nhập gói dữ liệu"
    if short:
        return f"Hoàn tác {what} (lần trao đổi sau sẽ gửi cho máy kia)"
    return (f"Hoàn tác {what}: các giá trị nhận được sẽ được thay bằng giá trị trước khi nhập, và lần trao đổi sau "
            "sẽ gửi thay đổi này cho máy kia")


@op_function
def import_workbooks(store, previews) -> OpResult:
    """The accepted rows of the previewed workbooks (value: the ImportResult), after a backup."""
    from ..backup import REASON_IMPORT
    from ..exchange import apply_workbook_import

    return run_with_backup(store, REASON_IMPORT, IMPORT_WORKBOOKS, apply_workbook_import, store, previews)


@op_function
def merge_package(store, plan, *, confirm, choices=None) -> OpResult:
    """A planned package merge (value: the MergeResult), after a backup."""
    from ..backup import REASON_MERGE
    from ..exchange import apply_merge

    return run_with_backup(store, REASON_MERGE, merge_label(plan.package.path.name), apply_merge, store, plan,
                           confirm=confirm, choices=choices)


def reapply_label(file_name: str = "") -> str:
    """The step that applies again a package whose merge was undone: «Áp dụng lại gói «xa-a.cchc»»."""
    from ..text import shorten

    return f"Áp dụng lại gói «{shorten(file_name, 50)}»" if file_name else "Áp dụng lại gói dữ liệu"


@op_function
def reapply_package(store, plan) -> OpResult:
    """A package merged here whose merge was undone (``plan.undone_at``), applied again after a backup: the redo of
    that undo (``ops.redo``), so exactly what the merge wrote comes back, with the conflicts it recorded; refused
    (OpConflict, nothing written) when a row it would set has been changed since. Undone like any operation."""
    from ..backup import REASON_MERGE, backup_before_change
    from ..errors import UserError
    from .core import redo

    if not plan.undone_by:
        raise UserError(f"Gói «{plan.package.path.name}» chưa từng được nhập rồi hoàn tác trên máy này; "
                        "không có gì để áp dụng lại.")
    backup_before_change(store, REASON_MERGE)
    return redo(store, plan.undone_by, reapply_label(plan.package.path.name))


@op_function
def restore_conflict(store, conflict_id: str) -> OpResult:
    """The value a merge did not apply, put back (value: the conflict)."""
    from ..exchange import restore_conflict as restore

    return run(store, "Khôi phục giá trị xung đột", restore, store, conflict_id)


__all__ = ["import_workbooks", "merge_label", "merge_package", "merge_undo_text", "reapply_label", "reapply_package",
           "restore_conflict"]
