"""Progress tracking: reporting periods, statuses per product and period, timeliness, evidence,
targets and the roll-ups the dashboard and the reports read. No Qt here.

Modules: periods (reporting periods, report due dates), timeliness (status codes, tracking keys,
assess()), status (stored status rows, settings, bulk update, history), evidence (documents and
attached files), targets (chỉ tiêu), rollup (plan_summary()).
"""
from .evidence import (DOC_TYPES, add_evidence, delete_evidence, evidence_file, list_evidence,
                       plan_evidence, update_evidence, verify_evidence_file)
from .periods import (ReportingPeriod, ReportSettings, default_period, make_period, next_report,
                      parse_period_key, plan_periods)
from .rollup import Counts, Group, ProductState, Summary, plan_summary
from .status import (StatusChange, StatusError, bulk_update, get_settings, get_status, list_statuses, status_rows,
                     product_context, product_history, set_settings, set_status, undo_bulk)
from .targets import (TargetResult, TargetSpec, add_default_targets, add_target, default_targets,
                      delete_target, is_met, list_targets, set_actual, target_results, update_target)
from .timeliness import (DONE, DONE_LATE, IN_PROGRESS, NOT_DONE, NOT_STARTED, STATE_LABELS, STATES,
                         STATUS_LABELS, STATUSES, Timeliness, assess)

__all__ = [name for name in dir() if not name.startswith("_")]
