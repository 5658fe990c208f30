"""Plain domain objects read from and written to the store (no SQL, no Qt here)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

ROLE_LEAD = "lead"
ROLE_COORD = "coord"

PLAN_DRAFT = "draft"
PLAN_ISSUED = "issued"
UNNAMED = "Chưa đặt tên"   # the unit name of a plan nothing has named yet; printed documents leave a blank instead
UNIT_KINDS = ("thị trấn", "phường", "đặc khu", "xã")


def split_unit_kind(name: str) -> tuple[str, str]:
    """"xã Xuân Trường" -> ("xã", "Xuân Trường"); "Xuân Trường" -> ("", "Xuân Trường")."""
    from .text import fold, nfc

    name = nfc(name or "").strip()
    folded = fold(name)
    for kind in UNIT_KINDS:
        if folded.startswith(fold(kind) + " "):
            return kind, name[len(kind):].strip()
    return "", name


def stt_mark(stt: str) -> str:
    """An STT as it leads a line: "3" -> "3.", "1.1" -> "1.1."; one written with its own mark stays as it is
    ("a)" -> "a)", "-" -> "-", "+" -> "+")."""
    stt = (stt or "").strip()
    return stt if not stt or stt.endswith(")") or not stt[-1].isalnum() else f"{stt}."


# a sub-item's STT as appendices letter or bullet it under a numbered task: «a)», «b.», «đ)», «-», «+», «•»
_SUB_ITEM_RE = re.compile(r"^(?:[a-zđ][.)]?|[-+*•–])$", re.IGNORECASE)


def is_sub_item(stt: str) -> bool:
    return bool(_SUB_ITEM_RE.match((stt or "").strip()))


def cited_stts(stts: Sequence[str]) -> list[str]:
    """How lists outside the appendix cite each task of one section, given the section's STTs in order: a lettered
    or bulleted sub-item is cited under the numbered task above it («2.a)», «2 -»), because «a)» alone is ambiguous
    once several tasks have their own a), b); every other STT is cited as written."""
    out: list[str] = []
    parent = ""
    for stt in stts:
        stt = (stt or "").strip()
        if is_sub_item(stt):
            out.append((f"{parent}.{stt}" if stt[0].isalpha() else f"{parent} {stt}") if parent else stt)
            continue
        out.append(stt)
        parent = stt.rstrip(".")
    return out


def is_unnamed(name: str) -> bool:
    """True when the plan's unit has no real name yet (empty or the «Chưa đặt tên» placeholder)."""
    from .text import fold

    bare = split_unit_kind(name)[1]
    return not bare.strip() or fold(bare) == fold(UNNAMED)

PLAN_STATUS_LABELS = {PLAN_DRAFT: "Dự thảo", PLAN_ISSUED: "Đã ban hành"}


@dataclass
class Agency:
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Product:
    id: str
    task_id: str
    position: int
    description: str
    deadline_text: str
    leads: list[Agency] = field(default_factory=list)
    coordinators: list[Agency] = field(default_factory=list)

    @property
    def lead_names(self) -> str:
        return "; ".join(a.name for a in self.leads)

    @property
    def coordinator_names(self) -> str:
        return "; ".join(a.name for a in self.coordinators)


@dataclass
class Task:
    id: str
    section_id: str
    position: int
    content: str
    products: list[Product] = field(default_factory=list)
    source_stt: str = ""  # STT as written in the signed plan ("37", "3", "1.1"); "" when unknown

    @property
    def number(self) -> str:
        """STT shown in the appendix: the plan's own number when known, else the position in the section."""
        return self.source_stt or str(self.position + 1)


@dataclass
class Section:
    id: str
    plan_id: str
    position: int
    numeral: str
    title: str
    tasks: list[Task] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.numeral}. {self.title}" if self.numeral else self.title


@dataclass
class Plan:
    id: str
    unit_name: str
    unit_kind: str = "xã"
    superior_body: str = ""
    title: str = ""
    year_start: int = 2026
    year_end: int = 2026
    doc_number: str = ""
    doc_date: str = ""  # ISO yyyy-mm-dd or ""
    status: str = PLAN_DRAFT
    sections: list[Section] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        if self.year_start == self.year_end:
            return str(self.year_start)
        return f"{self.year_start}–{self.year_end}"

    def iter_tasks(self):
        for section in self.sections:
            for task in section.tasks:
                yield section, task

    def iter_products(self):
        for section, task in self.iter_tasks():
            for product in task.products:
                yield section, task, product

    def citations(self) -> dict[str, str]:
        """task id -> how a list outside the appendix cites it: «II.3», «I.2.a)» (cited_stts under the section's
        Roman numeral, which is its position in the plan)."""
        out: dict[str, str] = {}
        for section in self.sections:
            cited = cited_stts([task.number for task in section.tasks])
            out.update((task.id, f"{section.numeral}.{c}") for task, c in zip(section.tasks, cited))
        return out
