"""Progress tracking: reporting periods, statuses per product and period, timeliness, evidence,
targets and the roll-ups the dashboard and the reports read. No Qt here.

Modules: periods (reporting periods, report due dates), timeliness (status codes, tracking keys,
assess()), status (stored status rows, settings, bulk update, history), evidence (documents and
attached files), targets (chỉ tiêu), rollup (plan_summary()).
"""
from importlib import import_module

from .periods import (ReportingPeriod, ReportSettings, default_period, make_period, next_report,
                      parse_period_key, plan_periods)
from .status import (StatusChange, StatusError, bulk_update, get_settings, get_status, list_statuses, status_rows,
                     product_context, product_history, set_settings, set_status, undo_bulk)
from .timeliness import (DONE, DONE_LATE, IN_PROGRESS, NOT_DONE, NOT_STARTED, STATE_LABELS, STATES,
                         STATUS_LABELS, STATUSES, Timeliness, assess)

# evidence, targets and the roll-ups load on first use (the appendix table needs none of them to open and paint a
# plan, issue 18): `from cchc_desktop.tracking import plan_summary` works as before
_LAZY = {
    "evidence": ("DOC_TYPES", "add_evidence", "delete_evidence", "evidence_file", "list_evidence",
                 "plan_evidence", "update_evidence", "verify_evidence_file"),
    "rollup": ("Counts", "Group", "ProductState", "Summary", "plan_summary"),
    "targets": ("TargetResult", "TargetSpec", "add_default_targets", "add_target", "default_targets",
                "delete_target", "is_met", "list_targets", "set_actual", "target_results", "update_target"),
}
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str):
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = sorted([name for name in dir() if not name.startswith("_") and name != "import_module"]
                 + list(_LAZY_NAMES))
