"""The PAR Index self-assessment writes (issue #17) as operations: each one transaction whose change-log entries
carry one op id, undone in the core by ``ops.undo`` (no private undo lists). The checks and the writing itself
stay in ``cchc_desktop.par``; these wrap them with a Vietnamese label and return an ``OpResult``."""
from __future__ import annotations

import datetime as _dt

from .core import OpResult, op_function, run


@op_function
def import_catalog(store, draft, *, replace_id: str | None = None, label: str | None = None) -> OpResult:
    """Write a validated catalogue (value: its id)."""
    from ..par.catalog import commit_catalog

    name = "Dùng Bộ chỉ số ví dụ" if draft.is_example else f"Nhập Bộ chỉ số năm {draft.year}"
    return run(store, label or name, commit_catalog, store, draft, replace_id=replace_id)


@op_function
def update_criterion(store, criterion_id: str, **fields) -> OpResult:
    from ..par.catalog import update_criterion as update

    return run(store, "Sửa tiêu chí", update, store, criterion_id, **fields)


@op_function
def confirm_links(store, plan_id: str, proposals) -> OpResult:
    """Confirmed link proposals (value: the new link ids)."""
    from ..par.mapping import confirm_links as confirm

    return run(store, "Gắn tiêu chí với nhiệm vụ, văn bản", confirm, store, plan_id, proposals)


@op_function
def remove_links(store, link_ids: list[str]) -> OpResult:
    from ..par.mapping import remove_links as remove

    return run(store, "Bỏ liên kết tiêu chí", remove, store, link_ids)


@op_function
def set_score(store, plan_id: str, criterion_id: str, points: float | None, *, explanation: str = "",
              override_reason: str = "", ref_date: _dt.date | None = None) -> OpResult:
    """Self-assessed points, explanation and override reason of one leaf criterion (value: the ScoreChange)."""
    from ..par.scoring import set_score as score

    return run(store, "Chấm điểm tiêu chí", score, store, plan_id, criterion_id, points, explanation=explanation,
               override_reason=override_reason, ref_date=ref_date)


@op_function
def accept_computed(store, plan_id: str, catalog_id: str, ref_date: _dt.date | None = None) -> OpResult:
    """The computed points for every leaf with a rule and no points yet, as one step (value: the changes)."""
    from ..par.scoring import accept_computed as accept

    return run(store, "Lấy điểm tự tính", accept, store, plan_id, catalog_id, ref_date)


@op_function
def add_document(store, plan_id: str, criterion_id: str, **values) -> OpResult:
    """A document added directly to a criterion (value: its id)."""
    from ..par.mapping import add_document as add

    return run(store, "Thêm tài liệu kiểm chứng", add, store, plan_id, criterion_id, **values)


@op_function
def delete_document(store, document_id: str) -> OpResult:
    from ..par.mapping import delete_document as delete

    return run(store, "Xóa tài liệu kiểm chứng", delete, store, document_id)


@op_function
def import_chase(store, plan_id: str, preview) -> OpResult:
    """The documents the agencies wrote in their lists (rows marked to add), as one step (value: their ids)."""
    from ..par.chase_import import apply_chase

    return run(store, "Nhập văn bản cơ quan gửi lại", apply_chase, store, plan_id, preview)


@op_function
def record_issued_report(store, plan_id: str, period_key: str, issued_on, *, doc_number: str = "",
                         summary: str = "") -> OpResult:
    """A periodic report just saved or printed, written in the register of issued reports (value: the row)."""
    from ..tracking.issued_reports import EXPORTED, add_issued

    return run(store, "Ghi sổ báo cáo đã ban hành", add_issued, store, plan_id, period_key, issued_on,
               doc_number=doc_number, summary=summary, source=EXPORTED)


__all__ = ["accept_computed", "add_document", "confirm_links", "delete_document", "import_catalog", "import_chase",
           "record_issued_report", "remove_links", "set_score", "update_criterion"]
