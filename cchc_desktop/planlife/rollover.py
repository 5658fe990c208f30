"""Roll a yearly plan over to the next year ("Tạo kế hoạch năm sau").

``prepare_rollover(store, plan_id, year)`` lists what the new plan will hold — nothing is written: every deadline
text whose plan-year mention is shifted ("Quý II/2026" → "Quý II/2027", "Trước ngày 15/01/2026" → "…/2027",
"Năm 2026" → "Năm 2027"), every title / section / task / product text shifted by the same rule ("Kế hoạch CCHC
năm 2026" → "… năm 2027"), the texts left as written and flagged for review (ranges such as "giai đoạn 2026–2030",
years other than the plan year; document numbers and dates such as "số 05/2026/NQ-HĐND ngày 10/01/2026" are
kept as written), and the unfinished tasks carried over ("chuyển tiếp từ năm 2026", with their last status). ``apply_rollover`` creates the new plan in one transaction: the same sections, live tasks, products and
agencies; targets without actuals; report header and tracking settings; the five-year parent link and the task →
five-year links. Statuses and evidence are not copied.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass, field

from ..deadlines import CONTINUOUS, RECURRING, other_years, year_range_spans
from ..errors import UserError
from ..store import Store, roman
from ..text import shorten
from ..tracking import plan_summary
from . import fiveyear
from ..tracking.timeliness import DONE, DONE_LATE, EVENT_DRIVEN, NO_DEADLINE, STATUS_LABELS

_YEAR = r"(?<!\d)(?P<y>(?:19|20)\d\d)(?!\d)"
_SHIFT_RE = re.compile(r"(?:(?<=/)|(?<=\bnăm )|(?<=\bNăm )|(?<=\bNĂM ))" + _YEAR)
_ANY_YEAR_RE = re.compile(_YEAR)
# references to issued documents keep their year: "số 65/KH-UBND ngày 12/9/2026", "05/2026/NQ-HĐND"
_DATED = r"(?:\s+ngày\s+\d{1,2}/\d{1,2}/\d{4})?"
_DOC_REF_RE = re.compile(r"(?:(?:\b[Ss]ố|Nghị định|Nghị quyết|Quyết định|Thông tư|Chỉ thị)\s+\d+/[\w/.-]+" + _DATED
                         + r"|(?<![\d/])\d+/(?:19|20)\d\d/[A-ZĐ][\w.-]*" + _DATED + ")")


class RolloverError(UserError):
    """A refused roll-over (Vietnamese message)."""


def shift_years(text: str, old_year: int, new_year: int) -> tuple[str, list[str]]:
    """Shift the plan year where the text names it as a date or a year ("/2026", "năm 2026"); return the new text
    and the reasons it should be reviewed (ranges, other years, the plan year in another form). The one rule for
    deadline texts, titles, task and product texts; years inside document references ("số 65/KH-UBND ngày
    12/9/2025", "90/2020/NĐ-CP") are kept and not flagged."""
    flags: list[str] = []
    text = text or ""
    refs = [(m.start(), m.end()) for m in _DOC_REF_RE.finditer(text)]
    masked = text
    for a, b in refs:            # same length, so offsets in the masked text are offsets in the text
        masked = masked[:a] + " " * (b - a) + masked[b:]
    ranges = year_range_spans(masked)
    if ranges:
        flags.append("có khoảng năm (" + ", ".join(text[a:b] for a, b in ranges) + ") — giữ nguyên")

    def in_range(pos: int) -> bool:
        return any(a <= pos < b for a, b in ranges)

    shifted_at = set()

    def replace(m: re.Match) -> str:
        if int(m.group("y")) != old_year or in_range(m.start()) or any(a <= m.start() < b for a, b in refs):
            return m.group(0)
        shifted_at.add(m.start())
        return str(new_year)

    result = _SHIFT_RE.sub(replace, text)
    others = other_years(masked, old_year)
    if others:
        flags.append(f"có năm khác năm kế hoạch ({', '.join(map(str, others))}) — giữ nguyên")
    unshifted = [m for m in _ANY_YEAR_RE.finditer(masked) if int(m.group("y")) == old_year
                 and not in_range(m.start()) and m.start() not in shifted_at]
    if unshifted:
        flags.append(f"năm {old_year} viết ở dạng khác — giữ nguyên")
    return result, flags


@dataclass
class DeadlineShift:
    where: str                # "I.1"
    description: str
    old: str
    new: str
    flags: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """"I.1 (sản phẩm «Kế hoạch CCHC…»)": which product's deadline."""
        return f"{self.where} (sản phẩm «{shorten(self.description, 45)}»)"


@dataclass
class TextShift:
    """A title, section, task or product text naming the plan year."""
    kind: str                 # TEXT_KINDS
    where: str                # "", "I", "I.1"
    row_id: str               # plan / section / task / product id
    old: str
    new: str
    flags: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{TEXT_KINDS[self.kind]} {self.where}".rstrip()


TEXT_KINDS = {"plan": "Tiêu đề kế hoạch", "section": "Mục", "task": "Nhiệm vụ", "product": "Sản phẩm"}


@dataclass
class CarriedTask:
    task_id: str
    where: str
    content: str
    note: str                 # "Chuyển tiếp từ năm 2026 (tình trạng cuối: …)"


@dataclass
class RolloverPreview:
    plan_id: str
    old_year: int
    new_year: int
    ref_date: _dt.date
    sections: int = 0
    tasks: int = 0
    products: int = 0
    targets: int = 0
    shifted: list[DeadlineShift] = field(default_factory=list)     # deadline texts that change
    flagged: list[DeadlineShift] = field(default_factory=list)     # texts left as written, to review
    carried: list[CarriedTask] = field(default_factory=list)
    new_deadlines: dict[str, str] = field(default_factory=dict)    # old product id -> new deadline text
    texts: list[TextShift] = field(default_factory=list)           # title/section/task/product texts that change
    flagged_texts: list[TextShift] = field(default_factory=list)   # such texts left (partly) as written, to review

    def new_text(self, kind: str, row_id: str, old: str) -> str:
        """The text of the new plan's row (``old`` when unchanged)."""
        for entry in self.texts:
            if entry.kind == kind and entry.row_id == row_id:
                return entry.new
        return old

    def _add_text(self, kind: str, where: str, row_id: str, old: str) -> None:
        new, flags = shift_years(old, self.old_year, self.new_year)
        entry = TextShift(kind, where, row_id, old, new, flags)
        if new != old:
            self.texts.append(entry)
        if flags:
            self.flagged_texts.append(entry)


def prepare_rollover(store: Store, plan_id: str, year: int, ref_date: _dt.date | None = None) -> RolloverPreview:
    """What the new plan will hold; writes nothing. ``ref_date`` (default today, at most 31/12 of the old year)
    is the date the last statuses are read at."""
    plan = store.load_plan(plan_id)
    if plan.year_start != plan.year_end:
        raise RolloverError(f"Kế hoạch {plan.period_label} là kế hoạch nhiều năm; chỉ tạo kế hoạch năm sau từ "
                            "kế hoạch một năm.")
    old = plan.year_start
    if not isinstance(year, int) or not old < year <= 2100:
        raise RolloverError(f"Năm của kế hoạch mới phải sau năm {old} (ví dụ {old + 1}); đã nhập: {year}.")
    ref = min(ref_date or _dt.date.today(), _dt.date(old, 12, 31))
    preview = RolloverPreview(plan_id, old, year, ref, sections=len(plan.sections))
    preview.targets = store.db.query_one("SELECT COUNT(*) FROM target WHERE plan_id = ?", (plan_id,))[0]
    summary = plan_summary(store, plan_id, ref, str(old))
    states = {i.product_id: i for i in summary.items}
    preview._add_text("plan", "", plan_id, plan.title)
    for section in plan.sections:
        preview._add_text("section", roman(section.position + 1), section.id, section.title)
    cite = plan.citations()
    for _section, task in plan.iter_tasks():
        preview.tasks += 1
        where = cite[task.id]
        preview._add_text("task", where, task.id, task.content)
        unfinished = []
        for product in task.products:
            preview.products += 1
            preview._add_text("product", where, product.id, product.description)
            new_text, flags = shift_years(product.deadline_text, old, year)
            preview.new_deadlines[product.id] = new_text
            entry = DeadlineShift(where, product.description, product.deadline_text, new_text, flags)
            if new_text != product.deadline_text:
                preview.shifted.append(entry)
            if flags:
                preview.flagged.append(entry)
            item = states.get(product.id)
            if item is not None and item.deadline.kind not in (RECURRING, CONTINUOUS) and item.state not in (DONE, DONE_LATE, EVENT_DRIVEN,
                                                                           NO_DEADLINE):
                unfinished.append(item)
        if unfinished:
            if len(task.products) == 1:
                last = STATUS_LABELS[unfinished[0].status] + (f" {unfinished[0].percent}%"
                                                              if unfinished[0].percent else "")
            else:
                counts = Counter(STATUS_LABELS[i.status] for i in unfinished)
                last = ", ".join(f"{label} {n}/{len(task.products)} sản phẩm" for label, n in counts.items())
            preview.carried.append(CarriedTask(task.id, where, task.content,
                                               f"Chuyển tiếp từ năm {old} (tình trạng cuối: {last})"))
    return preview


def preview_text(preview: RolloverPreview) -> str:
    """The same review text in the CLI and the dialog."""
    lines = [f"Tạo kế hoạch năm {preview.new_year} từ kế hoạch năm {preview.old_year}: {preview.sections} mục, "
             f"{preview.tasks} nhiệm vụ, {preview.products} dòng sản phẩm, {preview.targets} chỉ tiêu "
             "(không chép tình trạng, minh chứng, kết quả chỉ tiêu).",
             f"Thời gian thực hiện được đổi năm ({len(preview.shifted)}):"]
    lines += [f"  {s.label}: «{s.old}» → «{s.new}»" for s in preview.shifted] or ["  (không có)"]
    lines.append(f"Tiêu đề, mục, nhiệm vụ, sản phẩm được đổi năm ({len(preview.texts)}):")
    lines += [f"  {t.label}: «{t.old}»\n    → «{t.new}»" for t in preview.texts] or ["  (không có)"]
    flagged = len(preview.flagged) + len(preview.flagged_texts)
    lines.append(f"Cần xem lại, giữ nguyên như cũ ({flagged}):")
    lines += [f"  {s.label}: «{s.old}»: {'; '.join(s.flags)}" for s in preview.flagged]
    lines += [f"  {t.label}: «{shorten(t.old, 90)}»: {'; '.join(t.flags)}" for t in preview.flagged_texts]
    if not flagged:
        lines.append("  (không có)")
    lines.append(f"Nhiệm vụ chưa hoàn thành, chuyển tiếp ({len(preview.carried)}):")
    lines += [f"  {c.where} {shorten(c.content, 70)} — {c.note}" for c in preview.carried] or ["  (không có)"]
    return "\n".join(lines)


_TITLE_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def apply_rollover(store: Store, preview: RolloverPreview) -> str:
    """Create the new plan (one transaction). Returns its id."""
    plan_row = store.get_row("plan", preview.plan_id)
    if plan_row is None:
        raise RolloverError("Không tìm thấy kế hoạch (có thể đã bị xóa).")
    existing = store.db.query_one(
        "SELECT p.id FROM plan p JOIN plan_link l ON l.plan_id = p.id WHERE l.kind = ? AND l.other_plan_id = ? "
        "AND p.year_start = ?", (fiveyear.ROLLED_FROM, preview.plan_id, preview.new_year))
    if existing is not None:
        raise RolloverError(f"Đã có kế hoạch năm {preview.new_year} tạo từ kế hoạch này; không tạo thêm bản thứ hai.")
    plan = store.load_plan(preview.plan_id)
    carried = {c.task_id: c.note for c in preview.carried}
    with store.transaction():
        title = preview.new_text("plan", preview.plan_id, plan_row["title"])
        new_plan = store.insert_row("plan", {
            "unit_name": plan_row["unit_name"], "unit_kind": plan_row["unit_kind"],
            "superior_body": plan_row["superior_body"], "title": title, "year_start": preview.new_year,
            "year_end": preview.new_year, "doc_number": "", "doc_date": "", "status": "draft"})["id"]
        fiveyear.set_plan_link(store, new_plan, fiveyear.ROLLED_FROM, preview.plan_id)
        fiveyear.set_plan_link(store, new_plan, fiveyear.PARENT, _parent_for(store, preview.plan_id, preview.new_year))
        task_links = fiveyear.task_links(store, preview.plan_id)
        for section in plan.sections:
            section_id = store.insert_row("section", {"plan_id": new_plan, "position": section.position,
                                                      "title": preview.new_text("section", section.id,
                                                                                section.title)})["id"]
            for task in section.tasks:
                old_task = store.get_row("task", task.id)
                values = {"section_id": section_id, "position": task.position,
                          "content": preview.new_text("task", task.id, task.content),
                          "carried_from": carried.get(task.id, "")}
                if "source_stt" in old_task:
                    values["source_stt"] = old_task["source_stt"]
                task_id = store.insert_row("task", values)["id"]
                if task.id in task_links:
                    parent_task, parent_target = task_links[task.id]
                    store.insert_row("task_link", {"task_id": task_id, "parent_task_id": parent_task,
                                                   "parent_target_id": parent_target})
                for product in task.products:
                    store._add_product(task_id, preview.new_text("product", product.id, product.description),
                                       preview.new_deadlines[product.id],
                                       [a.name for a in product.leads], [a.name for a in product.coordinators],
                                       None)
        _copy_settings(store, preview.plan_id, new_plan)
    return new_plan


def _parent_for(store: Store, plan_id: str, year: int) -> str | None:
    """The old plan's multi-year parent when it also covers the new year."""
    parent = fiveyear.plan_link(store, plan_id)
    row = store.get_row("plan", parent) if parent else None
    return parent if row and row["year_start"] <= year <= row["year_end"] else None


def _copy_settings(store: Store, old_plan: str, new_plan: str) -> None:
    skip = {"id", "plan_id", "created_at", "updated_at", "version"}
    for table in ("report_header", "tracking_settings"):
        row = store.db.query_one(f"SELECT * FROM {table} WHERE plan_id = ?", (old_plan,))
        if row is not None:
            store.insert_row(table, {"plan_id": new_plan, **{k: row[k] for k in row.keys() if k not in skip}})
    for target in store.db.query("SELECT * FROM target WHERE plan_id = ? ORDER BY position", (old_plan,)):
        new_id = store.insert_row("target", {"plan_id": new_plan,
                                             **{k: target[k] for k in target.keys() if k not in skip}})["id"]
        link = store.db.query_one("SELECT * FROM target_link WHERE target_id = ?", (target["id"],))
        if link is not None:
            store.insert_row("target_link", {"target_id": new_id, "parent_target_id": link["parent_target_id"],
                                             "mode": link["mode"]})


def carried_tasks(store: Store, plan_id: str) -> list[dict]:
    """Tasks of a plan marked as carried over from the previous year, in appendix order."""
    return [dict(r) for r in store.db.query(
        "SELECT t.id, t.content, t.carried_from, s.position AS section_position, t.position FROM task t "
        "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? AND t.carried_from <> '' "
        "AND t.archived_on = '' ORDER BY s.position, t.position", (plan_id,))]
