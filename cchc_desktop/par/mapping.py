"""Links between criteria and the plan's tasks, products and evidence documents, and the documents of a criterion.

The app proposes links (read-only) from what it can see: the area of the criterion and the plan section with the
most words in common, keywords shared by the criterion (title, required documents) and the task's folded text, and
evidence documents whose type ("Kế hoạch", "Báo cáo", "Quyết định" …) the criterion asks for. The user confirms
each proposal; confirming is one transaction whose undo removes exactly the links it added.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import re
from dataclasses import dataclass

from ..domain import Plan
from ..store import Store, StoreError
from ..text import clean_cell, fold
from ..tracking.evidence import DOC_TYPES, PreparedFile, prepare_file
from .catalog import Criterion, folded_words, load_criteria

LINK_KINDS = ("task", "product", "evidence")
# word pairs too common in CCHC texts to tell one criterion from another (Vietnamese words are mostly two
# syllables, so pairs of folded syllables are the unit compared)
_STOP = {"cai cach", "hanh chinh", "thuc hien", "nhiem vu", "co quan", "don vi", "uy ban", "ban nhan", "nhan dan",
         "lien quan", "trien khai", "cong tac", "cac co", "tren dia", "dia ban", "theo quy", "quy dinh", "to chuc",
         "cua xa", "cap xa", "nam 2026", "tiep tuc"}
MIN_SCORE = 3.0
SAME_AREA_BONUS = 1.5


@dataclass(frozen=True)
class Proposal:
    criterion_id: str
    code: str
    kind: str                  # task / product / evidence
    target_id: str
    label: str                 # what is proposed, for the review list
    reason: str                # why (Vietnamese)
    score: float


@dataclass(frozen=True)
class EvidenceDoc:
    """One supporting document of a criterion: a linked evidence row or a document added directly."""

    id: str
    source: str                # "evidence" / "direct"
    doc_type: str
    doc_number: str
    issued_on: str             # ISO or ""
    summary: str
    file_name: str
    file_path: str             # relative to the database folder
    file_sha256: str
    product_id: str = ""

    @property
    def label(self) -> str:
        from ..dates import format_date

        parts = [p for p in (self.doc_number, format_date(self.issued_on) if self.issued_on else "", self.summary) if p]
        return " – ".join(parts) or self.file_name or self.doc_type


def _words(text: str) -> set[str]:
    """Pairs of consecutive folded syllables ("ban hanh", "bao cao", "kiem tra"), common pairs left out."""
    syllables = [w for w in re.split(r"[^0-9a-z]+", fold(text)) if w]
    return {f"{a} {b}" for a, b in zip(syllables, syllables[1:])} - _STOP


_GENERIC = {"cai", "cach", "hanh", "chinh", "cong", "tac", "cac", "cua", "nam", "va", "xay", "dung"}


def _area_sections(criteria: list[Criterion], plan: Plan) -> dict[str, str]:
    """area criterion id -> the plan section whose title shares the most words with it."""
    out: dict[str, str] = {}
    for area in (c for c in criteria if c.level == 1):
        words = folded_words(area.title) - _GENERIC
        best, best_score = "", 0.0
        for section in plan.sections:
            other = folded_words(section.title) - _GENERIC
            score = len(words & other) / (len(words | other) or 1)
            if score > best_score:
                best, best_score = section.id, score
        if best and best_score >= 0.2:
            out[area.id] = best
    return out


def _area_of(crit: Criterion, by_id: dict[str, Criterion]) -> Criterion:
    while crit.parent_id:
        crit = by_id[crit.parent_id]
    return crit


def _doc_types_named(text: str) -> set[str]:
    key = fold(text)
    return {t for t in DOC_TYPES if fold(t) in key}


def existing_links(store: Store, plan_id: str, catalog_id: str) -> list[dict]:
    return [dict(r) for r in store.db.query(
        "SELECT l.*, c.code FROM par_link l JOIN par_criterion c ON c.id = l.criterion_id "
        "WHERE l.plan_id = ? AND c.catalog_id = ? ORDER BY c.position, l.created_at", (plan_id, catalog_id))]


def propose_links(store: Store, plan_id: str, catalog_id: str, *, per_criterion: int = 2) -> list[Proposal]:
    """Proposed links for every leaf criterion (nothing written; existing links are not proposed again)."""
    plan = store.load_plan(plan_id)
    criteria = load_criteria(store, catalog_id)
    by_id = {c.id: c for c in criteria}
    sections = _area_sections(criteria, plan)
    have = {(l["criterion_id"], l["kind"], l["target_id"]) for l in existing_links(store, plan_id, catalog_id)}
    tasks = []
    for section, task in plan.iter_tasks():
        text = " ".join([task.content, *(p.description for p in task.products)])
        tasks.append((section, task, _words(text)))
    # rarer words weigh more (inverse document frequency over the plan's tasks)
    frequency: dict[str, int] = {}
    for _section, _task, words in tasks:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    weight = {w: math.log((len(tasks) + 1) / n) for w, n in frequency.items()}
    evidence = store.db.query(
        "SELECT e.id, e.product_id, e.doc_type, e.doc_number, e.summary, p.task_id FROM evidence e "
        "JOIN product p ON p.id = e.product_id JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id "
        "WHERE s.plan_id = ? ORDER BY e.issued_on, e.position", (plan_id,))
    out: list[Proposal] = []
    for crit in criteria:
        if not crit.is_leaf:
            continue
        words = _words(crit.title)
        area_section = sections.get(_area_of(crit, by_id).id)
        scored = []
        for section, task, task_words in tasks:
            shared = words & task_words
            same = section.id == area_section
            score = sum(weight[w] for w in shared) + (SAME_AREA_BONUS if same else 0.0)
            if score >= MIN_SCORE:
                reason = []
                if same:
                    reason.append(f"cùng lĩnh vực «{section.label}»")
                if shared:
                    reason.append("chung từ khóa: " + ", ".join(sorted(shared, key=lambda w: -weight[w])[:5]))
                scored.append((score, task, "; ".join(reason)))
        scored.sort(key=lambda item: -item[0])
        chosen = scored[:per_criterion]
        for score, task, reason in chosen:
            if (crit.id, "task", task.id) not in have:
                out.append(Proposal(crit.id, crit.code, "task", task.id, f"Nhiệm vụ {task.number}: {task.content}",
                                    reason, score))
        wanted = _doc_types_named(f"{crit.required_docs} {crit.guide}")
        chosen_tasks = {task.id for _s, task, _r in chosen}
        for row in evidence:
            if row["task_id"] in chosen_tasks and row["doc_type"] in wanted and \
                    (crit.id, "evidence", row["id"]) not in have:
                label = " – ".join(p for p in (row["doc_type"], row["doc_number"], row["summary"]) if p)
                out.append(Proposal(crit.id, crit.code, "evidence", row["id"], f"Văn bản: {label}",
                                    f"loại văn bản «{row['doc_type']}» được yêu cầu làm tài liệu kiểm chứng", 1.0))
    return out


def confirm_links(store: Store, plan_id: str, proposals: list[Proposal] | list[tuple[str, str, str]]) -> list[str]:
    """Write the confirmed links in one transaction; returns the new link ids."""
    ids: list[str] = []
    with store.transaction():
        for item in proposals:
            crit_id, kind, target = ((item.criterion_id, item.kind, item.target_id) if isinstance(item, Proposal)
                                     else item)
            if kind not in LINK_KINDS:
                raise ValueError(kind)
            if store.db.query_one("SELECT 1 FROM par_link WHERE criterion_id = ? AND plan_id = ? AND kind = ? "
                                  "AND target_id = ?", (crit_id, plan_id, kind, target)):
                continue
            reason = item.reason if isinstance(item, Proposal) else ""
            ids.append(store.insert_row("par_link", {"criterion_id": crit_id, "plan_id": plan_id, "kind": kind,
                                                     "target_id": target, "confirmed": 1, "reason": reason})["id"])
    return ids


def remove_links(store: Store, link_ids: list[str]) -> list[dict]:
    """Remove links (one transaction); returns the removed rows. Refused when none of them is left (removed
    meanwhile, or undone)."""
    with store.transaction():
        removed = [row for row in (store.delete_row("par_link", i) for i in link_ids) if row]
    if link_ids and not removed:
        raise StoreError("Liên kết không còn (có thể đã được bỏ).")
    return removed


@dataclass(frozen=True)
class LinkInfo:
    """One link of a criterion, described for the user: «Nhiệm vụ I.2: …», «Sản phẩm (nhiệm vụ I.2): …»,
    «Văn bản (nhiệm vụ I.2): Quyết định – 10/QĐ-UBND – …»."""

    id: str
    criterion_id: str
    kind: str
    target_id: str
    label: str


def criterion_links(store: Store, plan_id: str, catalog_id: str) -> dict[str, list[LinkInfo]]:
    """criterion id -> its links (confirmed or not), each with a label naming the task by its STT as printed
    (section numeral + number); a link whose task, product or document is no longer in the plan says so."""
    links = existing_links(store, plan_id, catalog_id)
    if not links:
        return {}
    tasks: dict[str, tuple[str, str]] = {}
    products: dict[str, tuple[str, str]] = {}
    for section, task in store.load_plan(plan_id).iter_tasks():
        ref = f"{section.numeral}.{task.number}" if section.numeral else task.number
        tasks[task.id] = (ref, task.content)
        for product in task.products:
            products[product.id] = (ref, product.description)
    wanted = [l["target_id"] for l in links if l["kind"] == "evidence"]
    documents = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for r in store.db.query("SELECT id, product_id, doc_type, doc_number, summary FROM evidence WHERE id IN "
                                f"({', '.join('?' * len(chunk))})", chunk):
            documents[r["id"]] = r
    out: dict[str, list[LinkInfo]] = {}
    for l in links:
        kind, target = l["kind"], l["target_id"]
        if kind == "task":
            ref, text = tasks.get(target, ("", ""))
            label = f"Nhiệm vụ {ref}: {text}" if ref else "Nhiệm vụ không còn trong kế hoạch"
        elif kind == "product":
            ref, text = products.get(target, ("", ""))
            label = f"Sản phẩm (nhiệm vụ {ref}): {text}" if ref else "Sản phẩm không còn trong kế hoạch"
        else:
            row = documents.get(target)
            if row is None:
                label = "Văn bản không còn trong kế hoạch"
            else:
                ref = products.get(row["product_id"], ("", ""))[0]
                text = " – ".join(x for x in (row["doc_type"], row["doc_number"], row["summary"]) if x)
                label = f"Văn bản{f' (nhiệm vụ {ref})' if ref else ''}: {text or '(không số, không trích yếu)'}"
        if not l["confirmed"]:
            label += " (chưa xác nhận)"
        out.setdefault(l["criterion_id"], []).append(LinkInfo(l["id"], l["criterion_id"], kind, target, label))
    return out


def add_document(store: Store, plan_id: str, criterion_id: str, *, source_file: str | os.PathLike | None = None,
                 doc_type: str = "", doc_number: str = "", issued_on: _dt.date | str = "", summary: str = "") -> str:
    """A document added directly to a criterion (with an optional file copied into the attachments)."""
    if isinstance(issued_on, _dt.date):
        issued_on = issued_on.isoformat()
    elif issued_on:
        try:
            issued_on = _dt.date.fromisoformat(str(issued_on)).isoformat()
        except ValueError:
            raise StoreError(f"Ngày ban hành không hợp lệ: «{issued_on}».") from None
    values = {"doc_type": clean_cell(doc_type), "doc_number": clean_cell(doc_number),
              "summary": clean_cell(summary), "issued_on": issued_on}
    prepared: PreparedFile | None = prepare_file(store, source_file)
    if not (values["doc_number"] or values["summary"] or prepared):
        raise StoreError("Tài liệu kiểm chứng cần ít nhất số/ký hiệu, trích yếu hoặc tệp đính kèm.")
    with store.transaction():
        return store.insert_row("par_document", {
            "criterion_id": criterion_id, "plan_id": plan_id, **values,
            "file_name": prepared.file_name if prepared else "", "file_path": prepared.file_path if prepared else "",
            "file_sha256": prepared.file_sha256 if prepared else ""})["id"]


def delete_document(store: Store, document_id: str) -> dict:
    """Remove a document added directly to a criterion (its attached file stays among the attachments, so the
    undo puts the document back whole). Refused when it is no longer there."""
    with store.transaction():
        row = store.delete_row("par_document", document_id)
    if row is None:
        raise StoreError("Tài liệu kiểm chứng không còn (có thể đã bị xóa).")
    return row


def criterion_documents(store: Store, plan_id: str, catalog_id: str) -> dict[str, list[EvidenceDoc]]:
    """criterion id -> its documents: evidence of linked tasks/products, linked evidence rows, direct documents."""
    out: dict[str, dict[str, EvidenceDoc]] = {}
    rows = store.db.query(
        "SELECT l.criterion_id, e.* FROM par_link l JOIN par_criterion c ON c.id = l.criterion_id "
        "JOIN evidence e ON (l.kind = 'evidence' AND e.id = l.target_id) "
        "   OR (l.kind = 'product' AND e.product_id = l.target_id) "
        "   OR (l.kind = 'task' AND e.product_id IN (SELECT id FROM product WHERE task_id = l.target_id)) "
        "WHERE l.plan_id = ? AND c.catalog_id = ? AND l.confirmed = 1 ORDER BY e.issued_on, e.position",
        (plan_id, catalog_id))
    for r in rows:
        out.setdefault(r["criterion_id"], {})[r["id"]] = EvidenceDoc(
            r["id"], "evidence", r["doc_type"], r["doc_number"], r["issued_on"], r["summary"], r["file_name"],
            r["file_path"], r["file_sha256"], r["product_id"])
    for r in store.db.query("SELECT d.* FROM par_document d JOIN par_criterion c ON c.id = d.criterion_id "
                            "WHERE d.plan_id = ? AND c.catalog_id = ? ORDER BY d.issued_on, d.created_at",
                            (plan_id, catalog_id)):
        out.setdefault(r["criterion_id"], {})[r["id"]] = EvidenceDoc(
            r["id"], "direct", r["doc_type"], r["doc_number"], r["issued_on"], r["summary"], r["file_name"],
            r["file_path"], r["file_sha256"])
    return {k: list(v.values()) for k, v in out.items()}


def linked_products(store: Store, plan_id: str, catalog_id: str) -> dict[str, set[str]]:
    """criterion id -> ids of the products its confirmed links cover (task links cover every product)."""
    out: dict[str, set[str]] = {}
    for r in store.db.query(
            "SELECT l.criterion_id, p.id AS product_id FROM par_link l JOIN par_criterion c ON c.id = l.criterion_id "
            "JOIN product p ON (l.kind = 'product' AND p.id = l.target_id) "
            "   OR (l.kind = 'task' AND p.task_id = l.target_id) "
            "   OR (l.kind = 'evidence' AND p.id = (SELECT product_id FROM evidence WHERE id = l.target_id)) "
            "WHERE l.plan_id = ? AND c.catalog_id = ? AND l.confirmed = 1", (plan_id, catalog_id)):
        out.setdefault(r["criterion_id"], set()).add(r["product_id"])
    return out
