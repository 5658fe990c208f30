"""USB exchange: per-agency update workbooks (.xlsx) and full packages (.cchc) between installations.

Public API (Qt-free):

* packages: ``export_package``, ``read_package``, ``plan_merge``, ``apply_merge``, ``import_package``,
  ``pending_tombstones``, ``decide_tombstones``, ``list_conflicts``, ``restore_conflict``;
* workbooks: ``export_workbooks``, ``export_workbook``, ``read_workbooks``, ``apply_workbook_import``;
* every refusal raises :class:`ExchangeError` with a Vietnamese message and writes nothing.
"""
from __future__ import annotations

from .errors import ExchangeError
from .merge import (Conflict, FieldChange, LinkChange, MergePlan, MergeResult, RowInsert, Tombstone, apply_merge,
                    decide_tombstones, list_conflicts, pending_tombstones, plan_merge, restore_conflict)
from .package import SUFFIX as PACKAGE_SUFFIX
from .package import ExportResult, Limits, Package, export_package, read_package


def import_package(store, path, *, confirm=False, choices=None) -> MergeResult:
    """Read, check, plan and apply a package in one go (tests, CLI). Returns the MergeResult."""
    package = read_package(path, local_schema=store.db.schema_version)
    plan = plan_merge(store, package)
    return apply_merge(store, plan, confirm=confirm, choices=choices)


__all__ = ["Conflict", "ExchangeError", "ExportResult", "FieldChange", "Limits", "LinkChange", "MergePlan", "MergeResult",
           "PACKAGE_SUFFIX", "Package", "RowInsert", "Tombstone", "apply_merge", "decide_tombstones",
           "export_package", "import_package", "list_conflicts", "pending_tombstones", "plan_merge", "read_package",
           "restore_conflict"]

from .workbook_export import (LeftOut, WorkbookExport, export_workbook, export_workbooks,  # noqa: E402
                              lead_agencies, left_out_of_agency_workbooks)
from .workbook_import import (FieldDiff, Issue, RowPreview, WorkbookImportResult, WorkbookPreview,  # noqa: E402
                              apply_workbook_import, read_workbook, read_workbooks, workbook_files)

__all__ += ["FieldDiff", "Issue", "RowPreview", "WorkbookExport", "WorkbookImportResult", "WorkbookPreview",
            "apply_workbook_import", "export_workbook", "export_workbooks", "lead_agencies", "LeftOut",
            "left_out_of_agency_workbooks", "read_workbook",
            "read_workbooks", "workbook_files"]
