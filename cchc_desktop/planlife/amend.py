"""Amend a running plan from a revised file ("Kế hoạch điều chỉnh, bổ sung").

``prepare_amendment(store, plan_id, draft)`` pairs the revised rows with the live rows (match.py) and lists the
changes — nothing is written. The user may re-pair a revised task (``repair``) and refuse single changes
(``Change.accepted = False``). ``apply_amendment`` writes the accepted changes in ONE transaction: paired tasks and
products keep their ids, so their statuses, evidence and history stay attached; dropped tasks/products are archived
(``archived_on`` = the amendment date), never deleted; the amendment (number, date, note) is recorded. It returns an
:class:`AmendUndo` that ``undo_amendment`` applies to put back the previous rows. Applying a file whose content the
plan already has writes nothing.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field

from .. import changelog
from ..backup import REASON_IMPORT, backup_before_change
from ..domain import ROLE_COORD, ROLE_LEAD
from ..errors import UserError
from ..import_commit import plan_info_from_draft
from ..importers.model import AppendixDraft
from ..dates import format_date
from ..reports.vnformat import partial_numeric_date
from ..store import Store, roman
from ..text import shorten
from ..tracking.display import archived_text
from . import match

ADDED, DROPPED, CHANGED, MOVED = "added", "dropped", "changed", "moved"
PRODUCT_MOVED = "product_moved"      # a product that moved to another task (keeps its id, statuses, evidence)
KIND_LABELS = {CHANGED: "Sửa", ADDED: "Thêm", DROPPED: "Bỏ", MOVED: "Chuyển mục", PRODUCT_MOVED: "Chuyển nhiệm vụ"}
FIELD_LABELS = {"title": "Tên mục", "content": "Nội dung nhiệm vụ", "description": "Hoạt động/Sản phẩm",
                "deadline_text": "Thời gian thực hiện", "leads": "Cơ quan chủ trì",
                "coordinators": "Cơ quan phối hợp", "section": "Mục", "task": "Sản phẩm chuyển nhiệm vụ"}
_PRODUCT_FIELDS = ("description", "deadline_text", "leads", "coordinators")
_BOOKKEEPING = ("created_at", "updated_at", "version")


class AmendError(UserError):
    """A refused amendment (Vietnamese message)."""


@dataclass
class Change:
    key: str                  # stable id of the change inside one diff
    kind: str                 # ADDED / DROPPED / CHANGED / MOVED / PRODUCT_MOVED
    where: str                # "I.3" (revised numbering for added/changed/moved, old numbering for dropped)
    subject: str              # the task (or section) text, shortened; the product's for PRODUCT_MOVED
    field: str = ""           # for CHANGED: content / description / deadline_text / leads / coordinators / title
    old: str = ""
    new: str = ""
    accepted: bool = True
    tasks: str = ""           # for PRODUCT_MOVED: the task it leaves → the task it joins (shortened)

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def task_text(self) -> str:
        """What the «Nhiệm vụ» column shows: the task(s) of the change (from → to for a moved product)."""
        return self.tasks or self.subject

    @property
    def content_text(self) -> str:
        """What the «Nội dung» column shows: the field changed; the product itself for a moved product."""
        return f"Sản phẩm «{self.subject}»" if self.kind == PRODUCT_MOVED else self.label


@dataclass
class AmendmentDiff:
    plan_id: str
    draft: AppendixDraft
    old: match.Side
    new: match.Side
    pairing: match.Pairing
    products: match.ProductPairing = field(default_factory=match.ProductPairing)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0        # paired tasks with nothing to change
    changed_tasks: int = 0    # paired tasks with at least one change (text, products, section)
    doc_number: str = ""      # of the amending plan (from the file caption when present)
    doc_date: str = ""        # ISO date
    note: str = ""
    fingerprint: str = ""
    year_warnings: list[str] = field(default_factory=list)   # deadlines of the file naming another year
    notices: list[str] = field(default_factory=list)         # what the user must still give (number, date)

    def count(self, kind: str, fld: str | None = None) -> int:
        return sum(1 for c in self.changes if c.kind == kind and (fld is None or c.field == fld))

    def change(self, key: str) -> Change:
        return next(c for c in self.changes if c.key == key)

    @property
    def accepted(self) -> list[Change]:
        return [c for c in self.changes if c.accepted]


def _short(text: str, limit: int = 70) -> str:
    return shorten(text, limit)


def _names(names: list[str]) -> str:
    return "; ".join(names)


def fingerprint(draft: AppendixDraft) -> str:
    """SHA-256 of the revised content (sections, tasks, products), independent of the file format."""
    parts = []
    for s in draft.sections:
        parts.append(f"S\t{s.title}")
        for t in s.tasks:
            parts.append(f"T\t{t.number}\t{t.content}")
            for p in t.products:
                parts.append(f"P\t{p.description}\t{p.deadline_text}\t{_names(p.leads)}\t{_names(p.coordinators)}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def prepare_amendment(store: Store, plan_id: str, draft: AppendixDraft, *, doc_number: str = "",
                      doc_date: str | _dt.date = "", note: str = "") -> AmendmentDiff:
    """Pair and compare; writes nothing."""
    if not draft.sections or not draft.task_count:
        raise AmendError(f"Tệp «{draft.source_name}» không có nhiệm vụ nào để điều chỉnh kế hoạch.")
    info = plan_info_from_draft(draft)
    plan = store.row("plan", plan_id)
    cited_number, cited_date, notices = _caption_document(plan, info.doc_number, info.doc_date or "")
    old, new = match.old_side(store, plan_id), match.new_side(draft)
    diff = AmendmentDiff(plan_id, draft, old, new, match.pair(old, new),
                         doc_number=doc_number or cited_number,
                         doc_date=parse_date(doc_date or cited_date), note=note,
                         fingerprint=fingerprint(draft), notices=[] if doc_date else notices)
    diff.year_warnings = [str(w) for w in draft.year_warnings(plan["year_start"], plan["year_end"])]
    _compare(diff)
    return diff


def revised_index(change: Change) -> int | None:
    """The revised task a change belongs to (None for dropped tasks/products and section changes)."""
    head, _, rest = change.key.partition(":")
    if head in ("task", "task+", "move", "product", "product+", "pmove"):
        return int(rest.split(":")[0])
    return None


def task_choices(diff: AmendmentDiff) -> list[tuple[int, str]]:
    """(old index, "I.3 Nội dung…") of every live task, for re-pairing."""
    return [(i, f"{_where(diff.old, t)} {_short(t.content, 80)}") for i, t in enumerate(diff.old.tasks)]


def repair(diff: AmendmentDiff, new_index: int, old_index: int | None) -> None:
    """Re-pair revised task ``new_index`` with old task ``old_index`` (None: treat it as a new task).
    The old task's previous partner (if any) becomes unpaired. Refusals of unaffected changes are kept."""
    refused = {c.key for c in diff.changes if not c.accepted}
    pairs = diff.pairing.tasks
    for i, j in list(pairs.items()):
        if i == new_index or (old_index is not None and j == old_index):
            del pairs[i]
            diff.pairing.basis.pop(i, None)
    if old_index is not None:
        pairs[new_index] = old_index
        diff.pairing.basis[new_index] = "manual"
    _compare(diff)
    for c in diff.changes:
        if c.key in refused:
            c.accepted = False


def _where(side: match.Side, task: match.TaskRow) -> str:
    return f"{roman(task.section + 1)}.{task.stt}"


def _product_changes(ni: int, pi: int, where: str, subject: str, was: match.Row, product: match.Row) -> list[Change]:
    out = []
    for fld in _PRODUCT_FIELDS:
        a, b = getattr(was, fld), getattr(product, fld)
        if fld in ("leads", "coordinators"):
            if [match.match_key(x) for x in a] == [match.match_key(x) for x in b]:
                continue
            a, b = _names(a), _names(b)
        elif a == b:
            continue
        out.append(Change(f"product:{ni}:{pi}:{fld}", CHANGED, where, subject, fld, a, b))
    return out


def _compare(diff: AmendmentDiff) -> None:
    old, new, pairing = diff.old, diff.new, diff.pairing
    products = diff.products = match.pair_all_products(old, new, pairing.tasks)
    moved_from = products.moved_from()
    kept_old = {oi: ni for ni, oi in pairing.tasks.items()}
    changes: list[Change] = []
    touched: set[int] = set()          # revised tasks (paired) with at least one change
    for si, section in enumerate(new.sections):
        oi = pairing.sections.get(si)
        if oi is None:
            changes.append(Change(f"section+:{si}", ADDED, roman(si + 1), _short(section.title), "title", "",
                                  section.title))
        elif section.title != old.sections[oi].title:
            changes.append(Change(f"section:{si}", CHANGED, roman(si + 1), _short(section.title), "title",
                                  old.sections[oi].title, section.title))
    for ni, task in enumerate(new.tasks):
        where, subject = _where(new, task), _short(task.content)
        oi = pairing.tasks.get(ni)
        count = len(changes)
        if oi is None:
            changes.append(Change(f"task+:{ni}", ADDED, where, subject, "content", "", task.content))
        else:
            before = old.tasks[oi]
            if pairing.sections.get(task.section) != before.section:
                changes.append(Change(f"move:{ni}", MOVED, where, subject, "section",
                                      f"{roman(before.section + 1)}. {_short(old.sections[before.section].title, 40)}",
                                      f"{roman(task.section + 1)}. {_short(new.sections[task.section].title, 40)}"))
            if task.content != before.content:
                changes.append(Change(f"task:{ni}:content", CHANGED, where, subject, "content", before.content,
                                      task.content))
        within = products.within.get(ni, {})
        for pi, product in enumerate(task.products):
            if pi in within:
                changes.extend(_product_changes(ni, pi, where, subject, old.tasks[oi].products[within[pi]], product))
            elif (ni, pi) in products.moves:
                from_task, pj = products.moves[(ni, pi)]
                source, target = f"nhiệm vụ {_where(old, old.tasks[from_task])}", f"nhiệm vụ {where}"
                if source == target:        # renumbered: «từ nhiệm vụ I.5 sang nhiệm vụ I.5» would say nothing
                    source += f" cũ «{_short(old.tasks[from_task].content, 50)}»"
                    target += f" mới «{_short(task.content, 50)}»"
                tasks = (f"{_where(old, old.tasks[from_task])} «{_short(old.tasks[from_task].content, 45)}» → "
                         f"{where} «{_short(task.content, 45)}»")
                changes.append(Change(f"pmove:{ni}:{pi}", PRODUCT_MOVED, where, _short(product.description),
                                      "task", source, target, tasks=tasks))
                changes.extend(_product_changes(ni, pi, where, subject, old.tasks[from_task].products[pj], product))
                if from_task in kept_old:
                    touched.add(kept_old[from_task])
            elif oi is not None:
                changes.append(Change(f"product+:{ni}:{pi}", ADDED, where, subject, "description", "",
                                      product.description))
        if oi is not None:
            for pj, was in enumerate(old.tasks[oi].products):
                if pj not in within.values() and (oi, pj) not in moved_from:
                    changes.append(Change(f"product-:{was.id}", DROPPED, where, subject, "description",
                                          was.description, ""))
            if len(changes) != count:
                touched.add(ni)
    for oi, task in enumerate(old.tasks):
        if oi not in kept_old:
            changes.append(Change(f"task-:{task.id}", DROPPED, _where(old, task), _short(task.content), "content",
                                  task.content, ""))
    diff.changes = changes
    diff.changed_tasks = len(touched)
    diff.unchanged = len(pairing.tasks) - len(touched)


def _normal_number(number: str) -> str:
    return "".join(str(number or "").split()).upper()


def _caption_document(plan, number: str, date: str) -> tuple[str, str, list[str]]:
    """The amending document's number and ISO date as the revised file's caption cites them, and what the user
    is told to type instead.

    A caption citing the plan being amended itself (the user edited the signed appendix or the app's own export,
    caption unchanged) names no amendment: taking its date would archive the dropped tasks from the plan's first
    day and leave them out of every report of the year. A date with a blank day («ngày … tháng 7 năm 2026», a
    draft) is no date either. Both are left blank for the user to give."""
    full = len(date) == 10
    cited = _doc(number, date, "Kế hoạch") if (number or date) else ""
    same_number = any(c.isdigit() for c in number or "") and _normal_number(number) == _normal_number(plan["doc_number"] or "")
    same_date = full and date == (plan["doc_date"] or "")
    if same_number or same_date:
        return "", "", [f"Tệp ghi «{cited}» — đó là chính kế hoạch đang điều chỉnh, không phải văn bản điều "
                        "chỉnh: hãy nhập số và ngày ban hành của văn bản điều chỉnh."]
    if date and not full:
        return number, "", [f"Tệp ghi «{cited}», chưa đủ ngày ban hành: hãy nhập ngày ban hành của văn bản "
                            "điều chỉnh (các nhiệm vụ bị bỏ được lưu trữ từ ngày này)."]
    return number, date, []


def preview_text(diff: AmendmentDiff) -> str:
    """The same preview in the CLI and the dialog: counts, then each change (old → new)."""
    lines = [f"Điều chỉnh theo tệp «{diff.draft.source_name}»"
             + (f" — Kế hoạch số {diff.doc_number}" if diff.doc_number else "")
             + (f" ngày {format_date(diff.doc_date)}" if diff.doc_date else "") + ":",
             f"  {diff.unchanged} nhiệm vụ không đổi, {diff.changed_tasks} nhiệm vụ có thay đổi, "
             f"{diff.count(ADDED, 'content')} nhiệm vụ thêm, {diff.count(DROPPED, 'content')} nhiệm vụ bỏ, "
             f"{diff.count(MOVED)} nhiệm vụ chuyển mục, {diff.count(PRODUCT_MOVED)} sản phẩm chuyển nhiệm vụ, "
             f"{diff.count(CHANGED, 'deadline_text')} thời hạn thay đổi."]
    lines += [f"  Lưu ý: {w}" for w in diff.notices + diff.year_warnings]
    if not diff.changes:
        lines.append("  Kế hoạch đã đúng như tệp điều chỉnh: không có gì thay đổi.")
    for number, change in enumerate(diff.changes, 1):
        mark = "" if change.accepted else " [KHÔNG ÁP DỤNG]"
        head = f"  {number}. [{KIND_LABELS[change.kind]}] {change.where}"
        if change.kind == CHANGED:
            old, new = _around_difference(change.old, change.new)
            lines.append(f"{head} {change.label}: «{old}» → «{new}»{mark}")
        elif change.kind == MOVED:
            lines.append(f"{head} «{change.subject}»: {change.old} → {change.new}{mark}")
        elif change.kind == PRODUCT_MOVED:
            refused = " [KHÔNG CHUYỂN: bỏ ở nhiệm vụ cũ, thêm mới ở nhiệm vụ mới]" if not change.accepted else ""
            lines.append(f"{head} sản phẩm «{change.subject}»: chuyển từ {change.old} sang {change.new} "
                         f"(giữ tình trạng, minh chứng, lịch sử){refused}")
        elif change.kind == ADDED:
            what = "mục" if change.key.startswith("section") else (
                "sản phẩm" if change.key.startswith("product") else "nhiệm vụ")
            lines.append(f"{head} {what} «{_short(change.new, 90)}»{mark}")
        else:
            what = "sản phẩm" if change.key.startswith("product") else "nhiệm vụ"
            lines.append(f"{head} {what} «{_short(change.old, 90)}» (lưu trữ, giữ lịch sử){mark}")
    return "\n".join(lines)


def _around_difference(old: str, new: str, limit: int = 90) -> tuple[str, str]:
    """Both texts shortened around where they start to differ (so a change at the end stays visible)."""
    a, b = " ".join(old.split()), " ".join(new.split())
    if len(a) <= limit and len(b) <= limit:
        return a, b
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    cut = a.rfind(" ", 0, max(0, start - 25)) + 1 if start > 40 else 0
    return tuple(("…" if cut else "") + _short(text[cut:], limit) for text in (a, b))


def parse_date(text: str | _dt.date) -> str:
    """"15/07/2026" or "2026-07-15" (or a date) -> "2026-07-15"; "" stays ""."""
    if isinstance(text, _dt.date):
        return text.isoformat()
    text = str(text or "").strip()
    if not text:
        return ""
    try:
        if "/" in text:
            day, month, year = (int(p) for p in text.split("/"))
            return _dt.date(year, month, day).isoformat()
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise AmendError(f"Ngày «{text}» không hợp lệ (cần dạng ngày/tháng/năm, ví dụ 15/07/2026).") from None


# -- applying ------------------------------------------------------------------------------------------
@dataclass
class AmendUndo:
    """The plan's rows before an amendment (to put them back) and the amendment written."""

    plan_id: str
    amendment_id: str
    before: dict


def _rows(store: Store, sql: str, params) -> dict:
    return {r["id"]: dict(r) for r in store.db.query(sql, params)}


def capture(store: Store, plan_id: str) -> dict:
    """Every row of the plan's structure (archived included), its agency links and the agency catalogue."""
    sections = _rows(store, "SELECT * FROM section WHERE plan_id = ?", (plan_id,))
    tasks = _rows(store, "SELECT t.* FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?",
                  (plan_id,))
    products = _rows(store, "SELECT p.* FROM product p JOIN task t ON t.id = p.task_id "
                            "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?", (plan_id,))
    links: dict[str, list[tuple]] = {}
    for r in store.db.query("SELECT pa.* FROM product_agency pa JOIN product p ON p.id = pa.product_id "
                            "JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
                            "WHERE s.plan_id = ? ORDER BY pa.product_id, pa.role, pa.position", (plan_id,)):
        links.setdefault(r["product_id"], []).append((r["role"], r["agency_id"], r["position"]))
    return {"plan": _rows(store, "SELECT * FROM plan WHERE id = ?", (plan_id,)),
            "section": sections, "task": tasks, "product": products, "links": links,
            "agency": _rows(store, "SELECT * FROM agency", ()),
            "plan_amendment": _rows(store, "SELECT * FROM plan_amendment WHERE plan_id = ?", (plan_id,))}


def apply_amendment(store: Store, diff: AmendmentDiff, *, doc_number: str | None = None,
                    doc_date: str | _dt.date | None = None, note: str | None = None) -> AmendUndo | None:
    """Write the accepted changes in one transaction. Returns what undoes it, or None when nothing changed."""
    number = (doc_number if doc_number is not None else diff.doc_number).strip()
    when = parse_date(doc_date if doc_date is not None else diff.doc_date)
    note = (note if note is not None else diff.note).strip()
    if not when:
        raise AmendError("Cần ngày ban hành của kế hoạch điều chỉnh (ngày/tháng/năm, ví dụ 15/07/2026): "
                         "các nhiệm vụ bị bỏ được lưu trữ từ ngày này.")
    issued = store.row("plan", diff.plan_id)["doc_date"] or ""
    if len(issued) == 10 and when <= issued:
        raise AmendError(f"Ngày ban hành của kế hoạch điều chỉnh ({format_date(when)}) phải sau ngày ban hành "
                         f"kế hoạch được điều chỉnh ({format_date(issued)}): các nhiệm vụ bị bỏ được lưu trữ "
                         "từ ngày này. Hãy nhập đúng ngày của văn bản điều chỉnh.")
    if match.old_side(store, diff.plan_id) != diff.old:
        raise AmendError("Kế hoạch đã thay đổi sau khi xem trước; hãy xem trước lại tệp điều chỉnh.")
    if not _has_work(store, diff):
        return None
    backup_before_change(store, REASON_IMPORT)
    before = capture(store, diff.plan_id)
    with store.transaction():
        moved = sum(1 for c in diff.accepted if c.kind == PRODUCT_MOVED)
        summary = (f"{diff.count(ADDED, 'content')} thêm, {diff.count(DROPPED, 'content')} bỏ, "
                   f"{diff.count(MOVED)} chuyển mục, {moved} sản phẩm chuyển nhiệm vụ, "
                   f"{sum(1 for c in diff.accepted if c.kind == CHANGED)} sửa")
        amendment = store.insert_row("plan_amendment", {
            "plan_id": diff.plan_id, "doc_number": number, "doc_date": when, "note": note,
            "source_name": diff.draft.source_name, "fingerprint": diff.fingerprint, "summary": summary})
        _write(store, diff, amendment["id"], when)
    return AmendUndo(diff.plan_id, amendment["id"], before)


def _accepted(diff: AmendmentDiff, key: str) -> bool:
    found = [c for c in diff.changes if c.key == key]
    return bool(found) and found[0].accepted


def _plan_layout(diff: AmendmentDiff) -> tuple[list[dict], set[str], set[str]]:
    """The accepted end state: ordered sections, each with ordered tasks, each with ordered products.

    Returns (sections, archived task ids, archived product ids). A section is {"id"|None, "title", "tasks"};
    a task {"id"|None, "content", "products"}; a product {"id"|None, description, deadline_text, leads,
    coordinators}."""
    old, new, pairing = diff.old, diff.new, diff.pairing
    by_old = {}
    sections: list[dict] = []
    for si, section in enumerate(new.sections):
        oi = pairing.sections.get(si)
        if oi is None:
            if not _accepted(diff, f"section+:{si}"):
                continue
            entry = {"id": None, "title": section.title, "tasks": []}
        else:
            title = section.title if _accepted(diff, f"section:{si}") else old.sections[oi].title
            entry = {"id": old.sections[oi].id, "title": title, "tasks": []}
            by_old[oi] = entry
        sections.append(entry)
        entry["new_index"] = si
    for oi, section in enumerate(old.sections):
        if oi not in by_old:
            entry = {"id": section.id, "title": section.title, "tasks": []}
            by_old[oi] = entry
            sections.append(entry)
    by_new = {e["new_index"]: e for e in sections if "new_index" in e}
    products = diff.products
    kept_old = set(pairing.tasks.values())

    def placed_task(ni: int) -> bool:      # the revised task exists after applying
        return ni in pairing.tasks or (by_new.get(new.tasks[ni].section) is not None
                                       and _accepted(diff, f"task+:{ni}"))
    # moves that happen: accepted, into a task that exists (a refused move is a drop plus an add)
    moves = {(ni, pi): src for (ni, pi), src in products.moves.items()
             if _accepted(diff, f"pmove:{ni}:{pi}") and placed_task(ni)}
    moved_out = set(moves.values())
    refused_out = set(products.moves.values()) - moved_out
    placed: set[int] = set()
    archived_tasks, archived_products = set(), set()

    def revised_products(ni: int, task: match.TaskRow, before: match.TaskRow | None) -> list[dict]:
        out = []
        within = products.within.get(ni, {})
        for pi, product in enumerate(task.products):
            if pi in within or (ni, pi) in moves:
                oi, pj = (pairing.tasks[ni], within[pi]) if pi in within else moves[(ni, pi)]
                was = old.tasks[oi].products[pj]
                values = {fld: getattr(product, fld) if _accepted(diff, f"product:{ni}:{pi}:{fld}")
                          else getattr(was, fld) for fld in _PRODUCT_FIELDS}
                out.append({"id": was.id, **values})
            elif (ni, pi) in products.moves or before is None or _accepted(diff, f"product+:{ni}:{pi}"):
                out.append(_product(None, product))
        return out

    for ni, task in enumerate(new.tasks):
        oi = pairing.tasks.get(ni)
        home = by_new.get(task.section)
        if oi is None:
            if placed_task(ni):
                home["tasks"].append({"id": None, "content": task.content, "stt": task.stt,
                                      "products": revised_products(ni, task, None)})
            continue
        before = old.tasks[oi]
        placed.add(oi)
        if home is None or (home is not by_old[before.section] and not _accepted(diff, f"move:{ni}")):
            home = by_old[before.section]
        content = task.content if _accepted(diff, f"task:{ni}:content") else before.content
        product_rows = revised_products(ni, task, before)
        within = products.within.get(ni, {})
        for pj, was in enumerate(before.products):
            if pj in within.values() or (oi, pj) in moved_out:
                continue
            if (oi, pj) in refused_out or _accepted(diff, f"product-:{was.id}"):
                archived_products.add(was.id)
            else:
                product_rows.append(_product(was.id, was))
        # the amended plan is numbered as the revised document numbers it
        home["tasks"].append({"id": before.id, "content": content, "stt": task.stt or before.stt,
                              "products": product_rows})
    for oi, task in enumerate(old.tasks):
        if oi in placed or oi in kept_old:
            continue
        if _accepted(diff, f"task-:{task.id}"):
            archived_tasks.add(task.id)
            continue
        by_old[task.section]["tasks"].append(
            {"id": task.id, "content": task.content, "stt": task.stt,
             "products": [_product(p.id, p) for pj, p in enumerate(task.products) if (oi, pj) not in moved_out]})
    return sections, archived_tasks, archived_products


def _product(product_id: str | None, row: match.Row) -> dict:
    return {"id": product_id, **{fld: getattr(row, fld) for fld in _PRODUCT_FIELDS}}


def _has_work(store: Store, diff: AmendmentDiff) -> bool:
    if diff.accepted:
        return True
    # nothing listed: only the order may differ (the revised file renumbers tasks within their sections)
    sections, _a, _p = _plan_layout(diff)
    for si, section in enumerate(sections):
        if section["id"] is None:
            return True
        row = store.get_row("section", section["id"])
        if row["position"] != si:
            return True
        for ti, task in enumerate(section["tasks"]):
            current = store.get_row("task", task["id"]) if task["id"] else None
            if current is None or current["position"] != ti or current["section_id"] != section["id"]:
                return True
            for pi, product in enumerate(task["products"]):
                row = store.get_row("product", product["id"]) if product["id"] else None
                if row is None or row["position"] != pi or row["task_id"] != task["id"]:
                    return True
    return False


def _write(store: Store, diff: AmendmentDiff, amendment_id: str, when: str) -> None:
    sections, archived_tasks, archived_products = _plan_layout(diff)
    numbered = any(r["name"] == "source_stt" for r in store.db.query("PRAGMA table_info(task)"))
    archive = {"archived_on": when, "amendment_id": amendment_id}
    for task_id in archived_tasks:
        store.update_row("task", task_id, archive)
    for product_id in archived_products:
        store.update_row("product", product_id, archive)
    for si, section in enumerate(sections):
        if section["id"] is None:
            section["id"] = store.insert_row("section", {"plan_id": diff.plan_id, "position": si,
                                                         "title": section["title"]})["id"]
        else:
            store.update_row("section", section["id"], {"position": si, "title": section["title"]})
        for ti, task in enumerate(section["tasks"]):
            values = {"section_id": section["id"], "position": ti, "content": task["content"]}
            if numbered and task.get("stt"):
                values["source_stt"] = task["stt"]          # STT as written in the (revised) signed plan
            if task["id"] is None:
                task["id"] = store.insert_row("task", values)["id"]
            else:
                store.update_row("task", task["id"], values)
            for pi, product in enumerate(task["products"]):
                values = {"task_id": task["id"], "position": pi, "description": product["description"],
                          "deadline_text": product["deadline_text"]}
                if product["id"] is None:
                    product_id = store.insert_row("product", values)["id"]
                    old_leads, old_coords = [], []
                else:
                    product_id = product["id"]
                    store.update_row("product", product_id, values)
                    old_leads = store.agency_names(product_id, ROLE_LEAD)
                    old_coords = store.agency_names(product_id, ROLE_COORD)
                for role, old_names, names in ((ROLE_LEAD, old_leads, product["leads"]),
                                               (ROLE_COORD, old_coords, product["coordinators"])):
                    if [match.match_key(n) for n in old_names] != [match.match_key(n) for n in names]:
                        store._set_agencies(product_id, role, names)


# -- undo ----------------------------------------------------------------------------------------------------
def undo_amendment(store: Store, undo: AmendUndo) -> None:
    """Put the plan's rows back as they were before the amendment (logged, one transaction)."""
    before = undo.before
    now = capture(store, undo.plan_id)
    with store.transaction():
        # rows put back first (a product moved into an added task returns to its old task before that task goes)
        for table in ("section", "task", "product", "agency"):
            for row_id, old in before[table].items():
                current = store.get_row(table, row_id)
                if current is None:
                    raise AmendError("Không hoàn tác được: một dòng của kế hoạch đã bị xóa sau khi điều chỉnh.")
                fields = {k: v for k, v in old.items() if k not in _BOOKKEEPING and current.get(k) != v}
                if fields:
                    store.update_row(table, row_id, fields, current)
        for task_id in now["task"].keys() - before["task"].keys():
            store.delete("task", task_id)
        for product_id in now["product"].keys() - before["product"].keys():
            if store.get_row("product", product_id) is not None:
                store.delete("product", product_id)
        for section_id in now["section"].keys() - before["section"].keys():
            store.delete("section", section_id)
        now_links = capture(store, undo.plan_id)["links"]
        for product_id in before["product"]:
            if now_links.get(product_id, []) != before["links"].get(product_id, []):
                _restore_links(store, product_id, now_links.get(product_id, []),
                               before["links"].get(product_id, []))
        for agency_id in now["agency"].keys() - before["agency"].keys():
            used = store.db.query_one("SELECT 1 FROM product_agency WHERE agency_id = ?", (agency_id,))
            if used is None:
                store.delete_row("agency", agency_id)
        for amendment_id in now["plan_amendment"].keys() - before["plan_amendment"].keys():
            store.delete_row("plan_amendment", amendment_id)


def _restore_links(store: Store, product_id: str, current: list[tuple], wanted: list[tuple]) -> None:
    for role, agency_id, _position in current:
        store._unlink(product_id, agency_id, role)
    for role, agency_id, position in wanted:
        store.db.conn.execute("INSERT INTO product_agency(product_id, agency_id, role, position) VALUES (?, ?, ?, ?)",
                              (product_id, agency_id, role, position))
        changelog.record(store.db, "product_agency", product_id, "insert", field=role,
                         new={"agency_id": agency_id, "position": position}, actor=store.actor)


# -- reading amendments back -------------------------------------------------------------------------------
def list_amendments(store: Store, plan_id: str) -> list[dict]:
    """The plan's amendments in date order (sqlite-utils' rows_where: dicts, never read at start-up)."""
    return list(store.db.utils["plan_amendment"].rows_where("plan_id = ?", [plan_id],
                                                            order_by="doc_date, created_at"))


def _doc(number: str, iso_date: str, unnumbered: str = "Kế hoạch điều chỉnh") -> str:
    text = f"Kế hoạch số {number}" if number else unnumbered
    # a signed plan may leave the day blank («ngày … tháng 04 năm 2026», stored "2026-04"): blanks, not a crash
    return text + (f" ngày {partial_numeric_date(iso_date)}" if iso_date else "")


def amendment_clause(store: Store, plan_id: str, as_of: _dt.date | None = None) -> str:
    """"được điều chỉnh tại Kế hoạch số 41/KH-UBND ngày 15/07/2026" ("" when the plan was not amended by
    ``as_of``)."""
    cited = [a for a in list_amendments(store, plan_id)
             if as_of is None or (a["doc_date"] and a["doc_date"] <= as_of.isoformat())]
    return ("được điều chỉnh tại " + ", ".join(_doc(a["doc_number"], a["doc_date"]) for a in cited)) if cited else ""


def plan_citation(store: Store, plan_id: str, as_of: _dt.date | None = None) -> str:
    """"Kế hoạch số 03/KH-UBND ngày 10/01/2026, được điều chỉnh tại Kế hoạch số 41/KH-UBND ngày 15/07/2026"
    (only amendments dated on or before ``as_of`` when given)."""
    plan = store.get_row("plan", plan_id)
    if plan is None:
        raise AmendError("Không tìm thấy kế hoạch (có thể đã bị xóa).")
    clause = amendment_clause(store, plan_id, as_of)
    return _doc(plan["doc_number"], plan["doc_date"], "Kế hoạch") + (f", {clause}" if clause else "")


def archived_label(amendment: dict | None) -> str:
    """"đã bỏ theo điều chỉnh số … ngày …" (in a sentence): the one formatter's `archived_text`, lower-cased."""
    text = (archived_text(amendment["doc_number"], amendment["doc_date"]) if amendment is not None
            else archived_text(known=False))
    return text[:1].lower() + text[1:]


def archived_rows(store: Store, plan_id: str) -> list[dict]:
    """Tasks and products dropped by amendments, with "đã bỏ theo điều chỉnh số … ngày …"."""
    amendments = {a["id"]: a for a in list_amendments(store, plan_id)}
    out = []
    for r in store.db.utils.query(
            "SELECT 'task' AS kind, t.id, t.content AS text, t.amendment_id, t.archived_on, s.position AS sp, "
            "t.position AS tp FROM task t JOIN section s ON s.id = t.section_id "
            "WHERE s.plan_id = ? AND t.archived_on <> '' UNION ALL "
            "SELECT 'product', p.id, p.description, p.amendment_id, p.archived_on, s.position, t.position "
            "FROM product p JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
            "WHERE s.plan_id = ? AND p.archived_on <> '' AND t.archived_on = '' ORDER BY 5, 6, 7",
            (plan_id, plan_id)):
        out.append({**r, "label": archived_label(amendments.get(r["amendment_id"]))})
    return out


def history_text(store: Store, plan_id: str) -> str:
    """The plan's citation, its amendments and the rows they dropped (CLI `amendments` and the dialog)."""
    lines = [plan_citation(store, plan_id)]
    for a in list_amendments(store, plan_id):
        lines.append(f"- Điều chỉnh số {a['doc_number'] or '—'} ngày {format_date(a['doc_date'])} "
                     f"(tệp «{a['source_name']}»): {a['summary']}" + (f" — {a['note']}" if a["note"] else ""))
    for row in archived_rows(store, plan_id):
        kind = "Nhiệm vụ" if row["kind"] == "task" else "Sản phẩm"
        lines.append(f"- {kind} «{row['text']}»: {row['label']}")
    return "\n".join(lines)
