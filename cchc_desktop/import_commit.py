"""Write an importer's draft into the store in one transaction."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .backup import REASON_IMPORT, backup_before_change
from .import_batch import write_sections
from .importers.model import AppendixDraft
from .store import Store
from .text import fold

_CAPTION_RE = re.compile(
    r"k[eế] ho[aạ]ch s[oố]\s*(?P<number>[0-9]+/[^\s,]+)\s*"
    r"(?:ng[aà]y\s*(?P<d>\d{1,2})\s*(?:[/.-]|\s+th[aá]ng\s+)\s*(?P<m>\d{1,2})"
    r"\s*(?:[/.-]|\s+n[aă]m\s+)\s*(?P<y>\d{4}))?(?:.*?c[uủ]a\s+(?P<unit>.+?))?\)?\s*$", re.IGNORECASE)
_YEAR_RE = re.compile(r"(20\d\d)(?:\s*[-–]\s*(20\d\d))?")
_UNIT_RE = re.compile(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", re.IGNORECASE)


@dataclass
class PlanInfo:
    unit_name: str = ""
    unit_kind: str = "xã"
    year_start: int | None = None
    year_end: int | None = None
    doc_number: str = ""
    doc_date: str = ""


def plan_info_from_draft(draft: AppendixDraft) -> PlanInfo:
    """Read the plan number, date, unit and year from the appendix title and caption, when present."""
    info = PlanInfo()
    match = _CAPTION_RE.search(draft.caption or "")
    if match:
        info.doc_number = match.group("number")
        if match.group("y"):
            info.doc_date = f"{int(match.group('y')):04d}-{int(match.group('m')):02d}-{int(match.group('d')):02d}"
        if match.group("unit"):
            unit = _UNIT_RE.sub("", match.group("unit").strip(" .)"))
            info.unit_name = unit
            folded = fold(unit)
            for kind in ("phường", "thị trấn", "xã"):
                if folded.startswith(fold(kind) + " "):
                    info.unit_kind = kind
    years = _YEAR_RE.findall(draft.title or "")
    if years:
        start, end = years[-1]
        info.year_start = int(start)
        info.year_end = int(end or start)
    return info


@dataclass
class CommitResult:
    plan_id: str
    sections: int
    tasks: int
    products: int


def commit_draft(store: Store, draft: AppendixDraft, plan_id: str | None = None, *,
                 unit_name: str = "", year: int | None = None) -> CommitResult:
    """Append the draft's sections to `plan_id`, or to a new plan built from the draft's caption.

    All or nothing: one transaction; on any error the database is unchanged.
    """
    info = plan_info_from_draft(draft)
    backup_before_change(store, REASON_IMPORT)
    with store.transaction():
        if plan_id is None:
            start = year or info.year_start
            if start is None:
                raise ValueError("Chưa xác định được năm của kế hoạch.")
            plan_id = store.create_plan(
                unit_name or info.unit_name or "Chưa đặt tên", start,
                info.year_end if (info.year_end and not year) else start,
                unit_kind=info.unit_kind, doc_number=info.doc_number, doc_date=info.doc_date,
                title=draft.title)
        counts = write_sections(store, plan_id, draft.sections)   # batched, every row logged (issue 18)
    return CommitResult(plan_id, *counts)
