"""Task numbering (STT) as written in the signed plan: kept on import, continued for new tasks, renumbered only
when the user asks for it (and undoably).

Schemes (:func:`detect_scheme`), read from the stored ``task.source_stt`` in plan order:

* ``continuous``  1, 2, … 46 straight through the sections;
* ``section``     1, 2, … restarting in every section;
* ``dotted``      "1.1", "1.2", "2.1" … (section number, dot, task number);
* ``""``          no stored numbers (plans created before numbers were kept): tasks print their position.
"""
from __future__ import annotations

import re

from typing import TYPE_CHECKING

from .errors import UserError

if TYPE_CHECKING:                # (the store imports this module to number new tasks)
    from .store import Store

CONTINUOUS = "continuous"
PER_SECTION = "section"
DOTTED = "dotted"
SCHEMES = {
    CONTINUOUS: "Đánh số liên tục trong toàn kế hoạch (1, 2, 3 …)",
    PER_SECTION: "Đánh số lại từ 1 trong từng mục (I.1, I.2, II.1 …)",
    DOTTED: "Đánh số theo mục (1.1, 1.2, 2.1 …)",
}
_INT_RE = re.compile(r"^\d{1,4}$")
_DOTTED_RE = re.compile(r"^(\d{1,3})\.(\d{1,3})$")


def _plan_tasks(store: Store, plan_id: str) -> list[dict]:
    return [dict(r) for r in store.db.query(
        "SELECT t.id, t.section_id, s.position AS section_pos, t.position, COALESCE(t.source_stt, '') AS stt "
        "FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?" + store._live("task", "t")
        + " ORDER BY s.position, t.position", (plan_id,))]      # tasks dropped by an amendment keep their number


def detect_scheme(tasks: list[dict]) -> str:
    """The numbering scheme of tasks given in plan order as dicts with ``section_id`` and ``stt``."""
    numbered = [t for t in tasks if t["stt"]]
    if not numbered:
        return ""
    if sum(1 for t in numbered if _DOTTED_RE.match(t["stt"])) * 2 > len(numbered):
        return DOTTED
    ints = [(t["section_id"], int(t["stt"])) for t in numbered if _INT_RE.match(t["stt"])]
    restarts = sum(1 for (s0, n0), (s1, n1) in zip(ints, ints[1:]) if s1 != s0 and n1 <= n0)
    return PER_SECTION if restarts else CONTINUOUS


def _next(tasks: list[dict], section_id: str, section_pos: int, scheme: str) -> str:
    if scheme == CONTINUOUS:
        numbers = [int(t["stt"]) for t in tasks if _INT_RE.match(t["stt"])]
        return str(max(numbers, default=0) + 1)
    mine = [t["stt"] for t in tasks if t["section_id"] == section_id]
    if scheme == PER_SECTION:
        return str(max((int(n) for n in mine if _INT_RE.match(n)), default=0) + 1)
    if scheme == DOTTED:
        heads = [m.group(1) for m in map(_DOTTED_RE.match, mine) if m]
        head = heads[0] if heads else str(section_pos + 1)
        tail = max((int(m.group(2)) for m in map(_DOTTED_RE.match, mine) if m and m.group(1) == head), default=0)
        return f"{head}.{tail + 1}"
    return ""


def next_stt(store: Store, section_id: str) -> str:
    """The number a new task of this section gets in its plan's scheme ("" when the plan keeps no numbers).

    A new task never takes a number already printed in the signed plan: with continuous numbering it gets the
    plan's highest number + 1, even when it is inserted in an earlier section."""
    row = store.db.query_one("SELECT plan_id, position FROM section WHERE id = ?", (section_id,))
    if row is None:
        return ""
    tasks = _plan_tasks(store, row["plan_id"])
    return _next(tasks, section_id, row["position"], detect_scheme(tasks))


def plan_scheme(store: Store, plan_id: str) -> str:
    return detect_scheme(_plan_tasks(store, plan_id))


def renumber(store: Store, plan_id: str, scheme: str = CONTINUOUS) -> dict[str, str]:
    """Number every task of the plan again in ``scheme``, in the plan's order (logged, one transaction).

    Returns {task id: old number} for :func:`restore_numbers` (undo). The signed plan's numbers are only ever
    changed here, on an explicit command."""
    if scheme not in SCHEMES:
        raise UserError(f"Cách đánh số không hợp lệ: {scheme}")
    old: dict[str, str] = {}
    with store.transaction():
        tasks = _plan_tasks(store, plan_id)
        counter = 0
        last_section = None
        for t in tasks:
            if t["section_id"] != last_section:
                last_section = t["section_id"]
                if scheme != CONTINUOUS:
                    counter = 0
            counter += 1
            new = str(counter) if scheme != DOTTED else f"{t['section_pos'] + 1}.{counter}"
            if new != t["stt"]:
                old[t["id"]] = t["stt"]
                store.update_row("task", t["id"], {"source_stt": new})
    return old


def restore_numbers(store: Store, old: dict[str, str]) -> dict[str, str]:
    """Undo :func:`renumber` (or redo, with the mapping this returns)."""
    back: dict[str, str] = {}
    with store.transaction():
        for task_id, number in old.items():
            current = store.get_row("task", task_id)
            if current is None:
                continue
            back[task_id] = current["source_stt"] or ""
            store.update_row("task", task_id, {"source_stt": number}, current=current)
    return back
