"""Pair the rows of a revised plan file with the live sections, tasks and products of a stored plan.

Tasks are paired in passes, each pass only among rows still unpaired, best score first:

1. ``exact``   same text once folded (accents, case, punctuation and spacing ignored);
2. ``stt``     same source STT in the paired section and word similarity ≥ 0.5 (a dropped task shifts the
               revised numbering, so a number alone never pairs two different tasks);
3. ``text``    Vietnamese-aware folded word-level similarity ≥ 0.6, in any section (finds moved tasks);
4. ``agency``  same section, same lead agencies and deadline texts of the products, similarity ≥ 0.3.

The source STT is the stored ``source_stt`` when the task row has one, else the task's number in its section.

Products (``pair_all_products``) are paired inside a paired task first (exact, then similarity); then a product
left over on both sides is followed to another task (a product moved between tasks, within or across sections, also
into an added task or out of a dropped one) when its text is distinctive — at least ``MOVE_WORDS`` words and
written once in the plan and once in the revised file — and near-identical (≥ ``MOVE_MIN``), or similar
(≥ ``MOVE_AGENCY_MIN``) with the same lead agencies and deadline text ("Báo cáo kết quả thực hiện kế hoạch A" is
not "… kế hoạch B" of another agency: a doubtful move stays a drop plus an add, which loses no history); last,
the only product left in a paired task on both sides is the same product reworded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..agencies import match_key
from ..importers.model import AppendixDraft
from ..store import Store
from ..text import fold

STT_MIN = 0.5
TEXT_MIN = 0.6
AGENCY_MIN = 0.3
PRODUCT_MIN = 0.5
SECTION_MIN = 0.6
MOVE_MIN = 0.9            # a product followed to another task: similarity of its text (near-identical)…
MOVE_AGENCY_MIN = 0.75    # …or this much with the same lead agencies and the same deadline text
MOVE_WORDS = 4            # shorter texts ("Báo cáo", "Kế hoạch") are too generic to follow across tasks

BASIS_LABELS = {"exact": "trùng nội dung", "stt": "cùng STT", "text": "nội dung gần giống",
                "agency": "cùng cơ quan chủ trì và thời hạn", "manual": "ghép thủ công"}

_WORD_RE = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Folded words: "Chuyển đổi SỐ, năm 2026." -> ["chuyen", "doi", "so", "nam", "2026"]."""
    return _WORD_RE.findall(fold(text or ""))


def similarity(a: str, b: str) -> float:
    """Word-level similarity 0..1 of two Vietnamese texts (accents and case folded)."""
    wa, wb = words(a), words(b)
    if not wa and not wb:
        return 1.0
    if not wa or not wb:
        return 0.0
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def same_text(a: str, b: str) -> bool:
    return words(a) == words(b)


def normal_stt(value: object) -> str:
    """STT compared for pairing: "3." = "3", "a)" = "a" (a plan imported before lettered items kept their bracket)."""
    return str(value or "").strip().strip(".").rstrip(")").strip()


@dataclass
class Row:
    """One product row on either side."""

    description: str
    deadline_text: str
    leads: list[str]
    coordinators: list[str]
    id: str | None = None           # stored product id (old side)


@dataclass
class TaskRow:
    section: int                    # index of its section on its own side
    stt: str
    content: str
    products: list[Row]
    id: str | None = None           # stored task id (old side)
    position: int = 0

    def lead_keys(self) -> tuple:
        return tuple(sorted({match_key(n) for p in self.products for n in p.leads}))

    def deadline_keys(self) -> tuple:
        return tuple(sorted(fold(p.deadline_text) for p in self.products))


@dataclass
class SectionRow:
    title: str
    id: str | None = None


@dataclass
class Side:
    sections: list[SectionRow]
    tasks: list[TaskRow]


@dataclass
class Pairing:
    """Revised index -> old index (sections and tasks) and the basis of each task pair."""

    sections: dict[int, int] = field(default_factory=dict)
    tasks: dict[int, int] = field(default_factory=dict)
    basis: dict[int, str] = field(default_factory=dict)


def old_side(store: Store, plan_id: str) -> Side:
    """The live (not archived) rows of a stored plan, in appendix order."""
    plan = store.load_plan(plan_id)
    stts = {}
    columns = {r["name"] for r in store.db.query("PRAGMA table_info(task)")}
    if "source_stt" in columns:   # added by the reports branch; numbering as written in the source file
        stts = {r["id"]: r["source_stt"] for r in store.db.query(
            "SELECT t.id, t.source_stt FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?",
            (plan_id,))}
    sections, tasks = [], []
    for si, section in enumerate(plan.sections):
        sections.append(SectionRow(section.title, section.id))
        for task in section.tasks:
            stt = normal_stt(stts.get(task.id)) or str(task.number)
            tasks.append(TaskRow(si, stt, task.content,
                                 [Row(p.description, p.deadline_text, [a.name for a in p.leads],
                                      [a.name for a in p.coordinators], p.id) for p in task.products],
                                 task.id, task.position))
    return Side(sections, tasks)


def new_side(draft: AppendixDraft) -> Side:
    sections, tasks = [], []
    for si, section in enumerate(draft.sections):
        sections.append(SectionRow(section.title))
        for ti, task in enumerate(section.tasks):
            tasks.append(TaskRow(si, normal_stt(task.number) or str(ti + 1), task.content,
                                 [Row(p.description, p.deadline_text, list(p.leads), list(p.coordinators))
                                  for p in task.products], position=ti))
    return Side(sections, tasks)


def _greedy(candidates: list[tuple[float, int, int]], left: set[int], right: set[int]) -> list[tuple[int, int]]:
    """Best score first; ties by revised then old order (deterministic)."""
    out = []
    for _score, a, b in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if a in left and b in right:
            left.discard(a)
            right.discard(b)
            out.append((a, b))
    return out


def pair_sections(old: Side, new: Side) -> dict[int, int]:
    left, right = set(range(len(new.sections))), set(range(len(old.sections)))
    pairs = dict(_greedy([(1.0, i, j) for i, s in enumerate(new.sections) for j, o in enumerate(old.sections)
                          if same_text(s.title, o.title)], left, right))
    pairs.update(_greedy([(sc, i, j) for i in left for j in right
                          if (sc := similarity(new.sections[i].title, old.sections[j].title)) >= SECTION_MIN],
                         left, right))
    return pairs


def pair_tasks(old: Side, new: Side, sections: dict[int, int]) -> tuple[dict[int, int], dict[int, str]]:
    left, right = set(range(len(new.tasks))), set(range(len(old.tasks)))
    pairs: dict[int, int] = {}
    basis: dict[int, str] = {}
    sim_cache: dict[tuple[int, int], float] = {}

    def sim(i: int, j: int) -> float:
        if (i, j) not in sim_cache:
            sim_cache[(i, j)] = similarity(new.tasks[i].content, old.tasks[j].content)
        return sim_cache[(i, j)]

    def same_section(i: int, j: int) -> bool:
        return sections.get(new.tasks[i].section) == old.tasks[j].section

    def run(name: str, score) -> None:
        found = []
        for i in sorted(left):
            for j in sorted(right):
                value = score(i, j)
                if value is not None:
                    found.append((value, i, j))
        for i, j in _greedy(found, left, right):
            pairs[i] = j
            basis[i] = name

    # exact text: prefer the same section and number among identical texts
    run("exact", lambda i, j: (2.0 + same_section(i, j) + 0.5 * (new.tasks[i].stt == old.tasks[j].stt))
        if same_text(new.tasks[i].content, old.tasks[j].content) else None)
    run("stt", lambda i, j: sim(i, j) if same_section(i, j) and new.tasks[i].stt == old.tasks[j].stt
        and sim(i, j) >= STT_MIN else None)
    run("text", lambda i, j: sim(i, j) + 0.01 * same_section(i, j) if sim(i, j) >= TEXT_MIN else None)
    run("agency", lambda i, j: sim(i, j) if same_section(i, j) and sim(i, j) >= AGENCY_MIN
        and new.tasks[i].products and new.tasks[i].lead_keys() == old.tasks[j].lead_keys()
        and new.tasks[i].deadline_keys() == old.tasks[j].deadline_keys() else None)
    return pairs, basis


def _pair_close(old: list[Row], new: list[Row]) -> tuple[dict[int, int], set[int], set[int]]:
    """Exact, then similar texts inside one paired task: (pairs, revised left over, old left over)."""
    left, right = set(range(len(new))), set(range(len(old)))
    pairs = dict(_greedy([(1.0 + (i == j), i, j) for i in range(len(new)) for j in range(len(old))
                          if same_text(new[i].description, old[j].description)], left, right))
    pairs.update(_greedy([(sc, i, j) for i in left for j in right
                          if (sc := similarity(new[i].description, old[j].description)) >= PRODUCT_MIN],
                         left, right))
    return pairs, left, right


def pair_products(old: list[Row], new: list[Row]) -> dict[int, int]:
    """Revised product index -> old product index inside one paired task (no other task considered)."""
    pairs, left, right = _pair_close(old, new)
    if len(left) == 1 and len(right) == 1:     # the only row left on both sides: the same row, reworded
        pairs[left.pop()] = right.pop()
    return pairs


@dataclass
class ProductPairing:
    """``within``: revised task -> {revised product -> old product of its paired task};
    ``moves``: (revised task, revised product) -> (old task, old product) of another task."""

    within: dict[int, dict[int, int]] = field(default_factory=dict)
    moves: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def moved_from(self) -> set[tuple[int, int]]:
        return set(self.moves.values())


def _distinctive(side: Side) -> dict[str, int]:
    counts: dict[str, int] = {}
    for task in side.tasks:
        for product in task.products:
            key = " ".join(words(product.description))
            counts[key] = counts.get(key, 0) + 1
    return counts


def pair_all_products(old: Side, new: Side, tasks: dict[int, int]) -> ProductPairing:
    """Pair the products of the whole plan: inside paired tasks, then moved between tasks (module docstring)."""
    out = ProductPairing()
    leftovers: dict[int, tuple[set[int], set[int]]] = {}
    for ni, oi in sorted(tasks.items()):
        pairs, left, right = _pair_close(old.tasks[oi].products, new.tasks[ni].products)
        out.within[ni] = pairs
        leftovers[ni] = (left, right)
    kept_old = {oi: ni for ni, oi in tasks.items()}
    free_new = [(ni, pi) for ni, task in enumerate(new.tasks) for pi in range(len(task.products))
                if ni not in tasks or pi in leftovers[ni][0]]
    free_old = [(oi, pj) for oi, task in enumerate(old.tasks) for pj in range(len(task.products))
                if oi not in kept_old or pj in leftovers[kept_old[oi]][1]]
    once_old, once_new = _distinctive(old), _distinctive(new)

    def usable(row: Row, once: dict[str, int]) -> bool:
        found = words(row.description)
        return len(found) >= MOVE_WORDS and once.get(" ".join(found)) == 1

    candidates = []
    for a, (ni, pi) in enumerate(free_new):
        product = new.tasks[ni].products[pi]
        if not usable(product, once_new):
            continue
        for b, (oi, pj) in enumerate(free_old):
            was = old.tasks[oi].products[pj]
            if tasks.get(ni) == oi or not usable(was, once_old):
                continue
            score = similarity(product.description, was.description)
            leads = {match_key(n) for n in product.leads}
            same_leads = bool(leads) and leads == {match_key(n) for n in was.leads}
            same_place = same_leads and fold(product.deadline_text) == fold(was.deadline_text)
            if score >= MOVE_MIN or (same_place and score >= MOVE_AGENCY_MIN):
                candidates.append((score + 0.05 * same_place, a, b))
    for a, b in _greedy(candidates, set(range(len(free_new))), set(range(len(free_old)))):
        ni, pi = free_new[a]
        oi, pj = free_old[b]
        out.moves[(ni, pi)] = (oi, pj)
        if ni in leftovers:
            leftovers[ni][0].discard(pi)
        if oi in kept_old:
            leftovers[kept_old[oi]][1].discard(pj)
    for ni, (left, right) in leftovers.items():
        if len(left) == 1 and len(right) == 1:     # the only row left on both sides: the same row, reworded
            out.within[ni][left.pop()] = right.pop()
    return out


def pair(old: Side, new: Side) -> Pairing:
    sections = pair_sections(old, new)
    tasks, basis = pair_tasks(old, new, sections)
    return Pairing(sections, tasks, basis)
