"""One way to change data: every user action is an operation (one transaction, changes stamped with an
op id, undoable in the core). See `core` for the mechanism and `appendix` for the appendix actions; the
tracking, report and settings writes run through `run(store, label, function, …)` with their own core
function (e.g. ``run(store, "Thêm văn bản minh chứng", add_evidence, store, product_id, key, **values)``).
"""
from .core import (Change, OpConflict, OpResult, changes_of, op_function, operation, products_of, redo, result_of,
                   run, run_with_backup, undo)

__all__ = ["Change", "OpConflict", "OpResult", "changes_of", "op_function", "operation", "products_of", "redo",
           "result_of", "run", "run_with_backup", "undo"]
