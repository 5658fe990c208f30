"""Write an importer's draft into the store in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field

from .backup import REASON_IMPORT, backup_before_change
from .import_batch import write_sections
from .domain import UNNAMED
from .importers.model import AppendixDraft, source_stt
from .importers.plan_facts import PlanFacts, split_unit
from .store import Store, StoreError
from .text import nfc


@dataclass
class PlanInfo:
    unit_name: str = ""
    unit_kind: str = "xã"
    year_start: int | None = None
    year_end: int | None = None
    doc_number: str = ""
    doc_date: str = ""


def partial_iso(year: str | None, month: str | None, day: str | None) -> str:
    """The known parts of a plan date: "2026-01-10", "2026-01" (day left blank in the plan), "2026" or ""."""
    if not year:
        return ""
    if not month or not 1 <= int(month) <= 12:
        return f"{int(year):04d}"
    if not day or not 1 <= int(day) <= 31:
        return f"{int(year):04d}-{int(month):02d}"
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def plan_info_from_draft(draft: AppendixDraft) -> PlanInfo:
    """Plan number, date, unit and years read from the appendix caption and title, when present."""
    from .importers.plan_builder import appendix_facts
    return plan_info_from_facts(appendix_facts(draft))


def plan_info_from_facts(facts: PlanFacts) -> PlanInfo:
    return PlanInfo(unit_name=f"{facts.unit_kind} {facts.unit_name}".strip() if facts.unit_name else "",
                    unit_kind=facts.unit_kind or "xã", year_start=facts.year_start,
                    year_end=facts.year_end, doc_number=facts.doc_number,
                    doc_date=partial_iso(facts.date.year, facts.date.month, facts.date.day))


def _unit_override(unit_name: str) -> tuple[str, str]:
    """`--unit "phường An Tường"` -> ("phường An Tường", "phường"); a bare name keeps the kind ""."""
    kind, bare = split_unit(unit_name)
    return (f"{kind} {bare}" if kind else bare), kind


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
    from .importers.plan_builder import PART_APPENDIX, PART_FACTS, plan_from_appendix
    result = commit_plan(store, plan_from_appendix(draft), plan_id, parts=(PART_FACTS, PART_APPENDIX),
                         unit_name=unit_name, year=year)
    return CommitResult(result.plan_id, result.sections, result.tasks, result.products)


def _new_plan(store: Store, facts: PlanFacts, unit_name: str, year: int | None) -> str:
    info = plan_info_from_facts(facts)
    start = year or info.year_start
    if start is None:
        raise StoreError("Chưa xác định được năm của kế hoạch.")
    end = info.year_end if (info.year_end and not year) else start
    name, kind = _unit_override(unit_name) if unit_name else (info.unit_name, info.unit_kind)
    return store.create_plan(name or UNNAMED, start, end, unit_kind=kind or info.unit_kind,
                             doc_number=info.doc_number, doc_date=info.doc_date, title=facts.title)


def _update_plan(store: Store, plan_id: str, facts: PlanFacts, unit_name: str) -> None:
    """Fill an existing plan with the facts the document states (the plan keeps what it does not)."""
    info = plan_info_from_facts(facts)
    fields: dict = {}
    name, kind = _unit_override(unit_name) if unit_name else (info.unit_name, info.unit_kind)
    if name:
        fields.update(unit_name=name, unit_kind=kind or "xã")
    if facts.year_start and facts.year_end:
        fields.update(year_start=facts.year_start, year_end=facts.year_end)
    for key, value in (("doc_number", info.doc_number), ("doc_date", info.doc_date), ("title", facts.title)):
        if value:
            fields[key] = value
    if fields:
        store.update("plan", plan_id, **fields)


def _write_appendix(store: Store, plan_id: str, draft: AppendixDraft, counts: list[int]) -> None:
    """Batched (issue 18): every row and its change-log entry as the one-by-one store calls would write them,
    with the STT as written in the file."""
    written = write_sections(store, plan_id, draft.sections, stt=lambda task: source_stt(task.number))
    for i, n in enumerate(written):
        counts[i] += n


def _target_key(title: str, value, comparison: str, unit: str) -> tuple:
    return (nfc(title.strip()), float(value), comparison, unit)


@dataclass
class PlanCommitResult:
    plan_id: str
    created: bool
    sections: int = 0
    tasks: int = 0
    products: int = 0
    targets: int = 0
    header_fields: list[str] = field(default_factory=list)
    report_fields: list[str] = field(default_factory=list)


def commit_plan(store: Store, draft, plan_id: str | None = None, *, parts=None, unit_name: str = "",
                year: int | None = None) -> PlanCommitResult:
    """Write the accepted ``parts`` of a whole-plan draft (:class:`~.importers.plan_builder.PlanDraft`).

    New plan when ``plan_id`` is None (facts from the document, ``unit_name``/``year`` override them).
    Targets are those with ``accepted`` set (a title already in the plan is not added twice), header
    and report settings go through their own stores.  One transaction: all or nothing.
    """
    from .importers.plan_builder import (PART_APPENDIX, PART_FACTS, PART_HEADER, PART_REPORT,
                                         PART_TARGETS, PARTS)
    parts = set(PARTS if parts is None else parts) & set(draft.available())
    backup_before_change(store, REASON_IMPORT)
    counts = [0, 0, 0]
    with store.transaction():
        created = plan_id is None
        if created:
            plan_id = _new_plan(store, draft.facts, unit_name, year)   # a new plan always takes the facts
        elif PART_FACTS in parts:
            _update_plan(store, plan_id, draft.facts, unit_name)
        result = PlanCommitResult(plan_id, created)
        if PART_APPENDIX in parts:
            _write_appendix(store, plan_id, draft.appendix, counts)
        result.sections, result.tasks, result.products = counts
        if PART_TARGETS in parts:
            from .tracking.targets import add_target, list_targets
            existing = {_target_key(t["title"], t["target_value"], t["comparison"], t["unit"])
                        for t in list_targets(store, plan_id)}
            for target in draft.targets:
                key = _target_key(target.title, target.value, target.comparison, target.unit)
                if target.accepted and key not in existing:
                    notes = f"Nguồn: {target.section + ', ' if target.section else ''}{target.location}: " \
                            f"«{target.sentence}»"
                    add_target(store, plan_id, target.title, target.value, target.comparison, target.unit,
                               notes)
                    existing.add(key)
                    result.targets += 1
        if PART_HEADER in parts:
            from .reports.header_settings import save_header   # (imports reportlab: only when needed)
            changes = draft.signer.header_changes()
            save_header(store, plan_id, **changes)
            result.header_fields = sorted(changes)
        if PART_REPORT in parts:
            from .tracking.status import set_settings
            set_settings(store, plan_id, **draft.report.settings)
            result.report_fields = sorted(draft.report.settings)
    return result
