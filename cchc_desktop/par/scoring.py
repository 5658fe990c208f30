"""Self-assessed points per criterion, points the app computes where the catalogue gives a rule, evidence state,
explanations (giải trình), totals per area and overall, and last year's self-assessment side by side.

Scoring happens on the leaves (sub-criteria, or criteria without sub-criteria); a parent's points are the sum of
its children. A self-assessed score never exceeds the maximum; a score above 0 given without full evidence needs
an explanation; a score that differs from the computed one needs the reason of the override.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..store import Store, StoreError
from ..text import clean_cell, fold
from ..tracking.rollup import plan_summary
from ..tracking.targets import target_results
from ..tracking.timeliness import DONE, DONE_LATE, EVENT_DRIVEN, NO_DEADLINE
from .catalog import Criterion, load_criteria
from .mapping import EvidenceDoc, criterion_documents, linked_products
from .rules import COMPLETION, REPORTS, TARGET, Rule, parse_rule

FULL, PARTIAL, MISSING = "full", "partial", "missing"
EVIDENCE_LABELS = {FULL: "Đủ", PARTIAL: "Chưa đủ", MISSING: "Chưa có"}
EVIDENCE_TEXT = {FULL: "đủ tài liệu kiểm chứng", PARTIAL: "chưa đủ tài liệu kiểm chứng",
                 MISSING: "chưa có tài liệu kiểm chứng"}


def points_text(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}".replace(".", ",")


@dataclass
class Computed:
    points: float
    how: str                      # how the app computed it (Vietnamese)


@dataclass
class CriterionResult:
    criterion: Criterion
    self_points: float | None     # stored self-assessment (leaves)
    computed: Computed | None
    documents: list[EvidenceDoc]
    evidence: str                 # full / partial / missing
    evidence_notes: list[str]
    explanation: str
    override_reason: str
    points: float | None          # effective: self-assessed, else computed; parents: sum of children
    previous: float | None = None  # last year's points for the same code
    children: list["CriterionResult"] = field(default_factory=list)
    taken_how: str = ""           # the computation the points were taken from («Lấy điểm tự tính»); '' = own score

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def needs_explanation(self) -> bool:
        return (self.criterion.is_leaf and self.evidence != FULL and (self.points or 0) > 0
                and not self.explanation.strip())

    @property
    def needs_override_reason(self) -> bool:
        return (self.criterion.is_leaf and self.computed is not None and self.self_points is not None
                and abs(self.self_points - self.computed.points) > 1e-9 and not self.override_reason.strip()
                and not self.stale)

    @property
    def stale(self) -> bool:
        """Points taken from the computed rule whose computation has changed since (a report recorded in the
        register, a task finished …): the stored points and explanation no longer say what the rule gives."""
        return (self.criterion.is_leaf and bool(self.taken_how)
                and (self.computed is None or self.computed.how != self.taken_how))

    @property
    def stale_text(self) -> str:
        """«1.2: 0 → 0,5 điểm (1/4 báo cáo đúng hạn: …)» for the list of scores to update."""
        now = (f"{points_text(self.computed.points)} điểm ({self.computed.how})" if self.computed
               else "không còn tính được (bỏ điểm)")
        return f"{self.code}: {points_text(self.self_points) or '—'} → {now}"

    @property
    def problems(self) -> list[str]:
        out = []
        if self.criterion.is_leaf and self.points is None:
            out.append("chưa chấm điểm")
        if self.needs_explanation:
            out.append("thiếu giải trình (tài liệu kiểm chứng chưa đủ)")
        if self.needs_override_reason:
            out.append("thiếu lý do chấm khác điểm tính tự động")
        if self.stale:
            out.append("điểm tự tính đã thay đổi từ khi lấy (bấm «Lấy điểm tự tính» để cập nhật)")
        return out


@dataclass
class Assessment:
    plan_id: str
    catalog_id: str
    year: int
    ref_date: _dt.date
    results: list[CriterionResult]          # every criterion in catalogue order
    previous_year: int | None = None

    @property
    def areas(self) -> list[CriterionResult]:
        return [r for r in self.results if r.criterion.level == 1]

    @property
    def max_total(self) -> float:
        return sum(r.criterion.max_points for r in self.areas)

    @property
    def total(self) -> float:
        return sum(r.points or 0 for r in self.areas)

    @property
    def previous_total(self) -> float | None:
        values = [r.previous for r in self.areas if r.previous is not None]
        return sum(values) if values else None

    @property
    def leaves(self) -> list[CriterionResult]:
        return [r for r in self.results if r.criterion.is_leaf]

    @property
    def without_full_evidence(self) -> list[CriterionResult]:
        return [r for r in self.leaves if r.evidence != FULL]

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(r.code, p) for r in self.results for p in r.problems]

    @property
    def stale(self) -> list[CriterionResult]:
        """Leaves whose points were taken from a computation that has changed since."""
        return [r for r in self.leaves if r.stale]

    def check_current(self) -> None:
        """Refuse to print a self-assessment that still carries a computed score (and its explanation) taken
        before the computation changed: the signed document would contradict the register and the plan."""
        stale = self.stale
        if stale:
            raise StoreError("Điểm tự tính của " + ("tiêu chí " if len(stale) == 1 else f"{len(stale)} tiêu chí ")
                             + "đã thay đổi từ khi lấy điểm:\n" + "\n".join(f"• {r.stale_text}" for r in stale)
                             + "\nHãy bấm «Lấy điểm tự tính» (dòng lệnh: «par accept») để cập nhật trước khi "
                             "in, xuất báo cáo tự đánh giá và bảng điểm.")

    def by_code(self, code: str) -> CriterionResult:
        for r in self.results:
            if r.code == code:
                return r
        raise KeyError(code)


# ------------------------------------------------------------------------------------------- computed rules

def _band(rule: Rule, share: float, maximum: float) -> tuple[float, str]:
    """The points of the highest band the share reaches (0 below the lowest) and how it is said."""
    for minimum, value in rule.bands:
        if share + 1e-9 >= minimum:
            return min(value, maximum), f"mức từ {points_text(minimum)}%"
    return 0.0, "dưới mức thấp nhất"


def _reports(rule: Rule, store: Store, plan_id: str, year: int, ref: _dt.date, maximum: float) -> Computed:
    """Periodic reports issued on time, from the register of issued reports (tracking.issued_reports)."""
    from ..tracking.issued_reports import on_time_summary, report_checks

    on_time, counted, text = on_time_summary(report_checks(store, plan_id, year, ref), ref)
    share = 100.0 * on_time / counted if counted else 0.0
    points, band_text = _band(rule, share, maximum)
    share_text = f"{share:.0f}".replace(".", ",")
    return Computed(points, f"{text} ({share_text}%, {band_text}) → {points_text(points)} điểm")


def _completion(rule: Rule, summary, ref: _dt.date, maximum: float) -> Computed:
    items = [i for i in summary.items if i.state not in (EVENT_DRIVEN, NO_DEADLINE)]
    if rule.sections:
        items = [i for i in items if i.section_label.split(".")[0].strip().upper() in rule.sections]
    done = [i for i in items if i.state in (DONE, DONE_LATE)]
    due = [i for i in items if i.state in (DONE, DONE_LATE) or (i.due is not None and i.due <= ref)]
    share = 100.0 * len(done) / len(due) if due else 0.0
    points = 0.0
    band_text = "dưới mức thấp nhất"
    for minimum, value in rule.bands:
        if share + 1e-9 >= minimum:
            points, band_text = min(value, maximum), f"mức từ {points_text(minimum)}%"
            break
    scope = f" (mục {', '.join(rule.sections)})" if rule.sections else ""
    share_text = f"{share:.1f}".replace(".", ",")
    return Computed(points, f"Hoàn thành {len(done)}/{len(due)} nhiệm vụ, sản phẩm đến hạn{scope} "
                            f"({share_text}%), {band_text} → {points_text(points)} điểm")


def _target(rule: Rule, targets, maximum: float) -> Computed | None:
    words = rule.words.split()
    for target in targets:
        title = fold(target.title)
        if all(w in title for w in words):
            if target.met is None:
                return None
            points = maximum if target.met else 0.0
            return Computed(points, f"Chỉ tiêu «{target.title}» {target.requirement}: kết quả {target.actual_text}, "
                                    f"{target.met_label.lower()} → {points_text(points)} điểm")
    return None


# ----------------------------------------------------------------------------------------------- assessment

def _scores(store: Store, plan_id: str, catalog_id: str) -> dict[str, dict]:
    return {r["criterion_id"]: dict(r) for r in store.db.query(
        "SELECT s.* FROM par_score s JOIN par_criterion c ON c.id = s.criterion_id "
        "WHERE s.plan_id = ? AND c.catalog_id = ?", (plan_id, catalog_id))}


def _evidence_state(crit: Criterion, docs: list[EvidenceDoc], products: set[str], done: set[str]) -> tuple[str, list[str]]:
    if not docs:
        return MISSING, ["chưa có tài liệu kiểm chứng"]
    notes = []
    from ..tracking.evidence import DOC_TYPES

    wanted = [t for t in DOC_TYPES if fold(t) in fold(crit.required_docs)]
    have = {fold(d.doc_type) for d in docs} | {fold(d.summary.split(" ")[0]) for d in docs if d.summary}
    missing_types = [t for t in wanted if fold(t) not in have]
    if missing_types:
        notes.append("còn thiếu: " + ", ".join(missing_types))
    unfinished = products - done
    if unfinished:
        notes.append(f"{len(unfinished)} sản phẩm liên quan chưa hoàn thành")
    return (PARTIAL if notes else FULL), notes


def assessment(store: Store, plan_id: str, catalog_id: str, ref_date: _dt.date | None = None, *,
               with_previous: bool = True) -> Assessment:
    catalog = store.db.query_one("SELECT * FROM par_catalog WHERE id = ?", (catalog_id,))
    if catalog is None:
        raise StoreError("Không tìm thấy Bộ chỉ số (có thể đã bị xóa).")
    year = catalog["year"]
    ref = ref_date or _dt.date(year, 12, 31)
    criteria = load_criteria(store, catalog_id)
    summary = plan_summary(store, plan_id, ref, str(year))
    targets = target_results(store, plan_id, str(year))
    done = {i.product_id for i in summary.items if i.state in (DONE, DONE_LATE)}
    docs = criterion_documents(store, plan_id, catalog_id)
    products = linked_products(store, plan_id, catalog_id)
    scores = _scores(store, plan_id, catalog_id)
    results: dict[str, CriterionResult] = {}
    ordered: list[CriterionResult] = []
    for crit in criteria:
        rule = parse_rule(crit.rule)
        computed = None
        if rule is not None and crit.is_leaf:
            computed = (_completion(rule, summary, ref, crit.max_points) if rule.kind == COMPLETION
                        else _target(rule, targets, crit.max_points) if rule.kind == TARGET
                        else _reports(rule, store, plan_id, year, ref, crit.max_points) if rule.kind == REPORTS
                        else None)
        score = scores.get(crit.id, {})
        own = docs.get(crit.id, [])
        state, notes = _evidence_state(crit, own, products.get(crit.id, set()), done)
        self_points = score.get("points")
        result = CriterionResult(crit, self_points, computed, own, state, notes, score.get("explanation", ""),
                                 score.get("override_reason", ""),
                                 self_points if self_points is not None else (computed.points if computed else None),
                                 taken_how=score.get("computed_how") or "")
        results[crit.id] = result
        ordered.append(result)
        if crit.parent_id:
            results[crit.parent_id].children.append(result)
    for result in reversed(ordered):              # children before parents
        if result.children:
            values = [c.points for c in result.children if c.points is not None]
            result.points = sum(values) if values else None
            kinds = {c.evidence for c in result.children}
            result.evidence = FULL if kinds == {FULL} else MISSING if kinds == {MISSING} else PARTIAL
    out = Assessment(plan_id, catalog_id, year, ref, ordered)
    if with_previous:
        _attach_previous(store, out)
    return out


def _attach_previous(store: Store, current: Assessment) -> None:
    year = current.year - 1
    plan = store.db.query_one("SELECT id FROM plan WHERE year_start = ? AND year_end = ? ORDER BY created_at DESC",
                              (year, year))
    catalog = store.db.query_one("SELECT id FROM par_catalog WHERE year = ? ORDER BY is_example, created_at DESC",
                                 (year,))
    if plan is None or catalog is None:
        return
    if not store.db.query_one("SELECT 1 FROM par_score WHERE plan_id = ? LIMIT 1", (plan["id"],)):
        return
    previous = assessment(store, plan["id"], catalog["id"], with_previous=False)
    by_code = {r.code: r.points for r in previous.results}
    for result in current.results:
        result.previous = by_code.get(result.code)
    current.previous_year = year


# ------------------------------------------------------------------------------------------------- writing

@dataclass(frozen=True)
class ScoreChange:
    """A score write and what it replaced (undone like any write: run it as an operation, ``ops.par.set_score``)."""

    plan_id: str
    criterion_id: str
    before: dict | None
    after: dict


def set_score(store: Store, plan_id: str, criterion_id: str, points: float | None, *, explanation: str = "",
              override_reason: str = "", ref_date: _dt.date | None = None,
              computed_how: str | None = None) -> ScoreChange:
    """Record the self-assessed points of a leaf criterion (one transaction). ``computed_how``: the computation
    the points are taken from (``accept_computed``); None for the user's own write, which keeps the mark of a
    computed score only when it changes neither points nor explanation and gives no override reason."""
    crit_row = store.db.query_one("SELECT * FROM par_criterion WHERE id = ?", (criterion_id,))
    if crit_row is None:
        raise StoreError("Không tìm thấy tiêu chí (có thể đã bị xóa).")
    current = assessment(store, plan_id, crit_row["catalog_id"], ref_date, with_previous=False)
    result = next(r for r in current.results if r.criterion.id == criterion_id)
    code = result.code
    if not result.criterion.is_leaf:
        raise StoreError(f"Tiêu chí {code} có tiêu chí thành phần: hãy chấm điểm từng tiêu chí thành phần.")
    explanation, override_reason = clean_cell(explanation), clean_cell(override_reason)
    if points is not None:
        points = round(float(points), 2)
        if points < 0:
            raise StoreError(f"Điểm tự chấm của tiêu chí {code} không được âm.")
        if points > result.criterion.max_points + 1e-9:
            raise StoreError(f"Điểm tự chấm của tiêu chí {code} ({points_text(points)}) vượt điểm tối đa "
                             f"({points_text(result.criterion.max_points)}).")
        if points > 0 and result.evidence != FULL and not explanation:
            notes = "" if result.evidence == MISSING else f" ({'; '.join(result.evidence_notes)})"
            raise StoreError(f"Tiêu chí {code} {EVIDENCE_TEXT[result.evidence]}{notes}: hãy nhập giải trình khi chấm {points_text(points)} "
                             "điểm.")
        if result.computed is not None and abs(points - result.computed.points) > 1e-9 and not override_reason:
            raise StoreError(f"Phần mềm tính tiêu chí {code} được {points_text(result.computed.points)} điểm "
                             f"({result.computed.how}); chấm {points_text(points)} điểm cần ghi lý do.")
    values = {"points": points, "explanation": explanation, "override_reason": override_reason}
    with store.transaction():
        row = store.db.query_one("SELECT * FROM par_score WHERE criterion_id = ? AND plan_id = ?",
                                 (criterion_id, plan_id))
        if computed_how is None:
            unchanged = (row is not None and row["points"] == points and row["explanation"] == explanation
                         and not override_reason)
            computed_how = row["computed_how"] if unchanged else ""
        values["computed_how"] = computed_how
        if row is None:
            after = store.insert_row("par_score", {"criterion_id": criterion_id, "plan_id": plan_id, **values})
            return ScoreChange(plan_id, criterion_id, None, after)
        before = dict(row)
        store.update_row("par_score", row["id"], values, before)
        return ScoreChange(plan_id, criterion_id, before, {**before, **values})


def accept_computed(store: Store, plan_id: str, catalog_id: str, ref_date: _dt.date | None = None) -> list[ScoreChange]:
    """Take the computed points for every leaf that has a rule and no self-assessed points yet, and update the
    points taken earlier whose computation has changed since (``CriterionResult.stale``). The explanation the
    app wrote (the computation text) follows the new computation; one the user wrote is kept as it is."""
    current = assessment(store, plan_id, catalog_id, ref_date, with_previous=False)
    changes = []
    for result in current.leaves:
        if not (result.self_points is None and result.computed is not None) and not result.stale:
            continue
        own_text = result.explanation not in ("", result.taken_how)
        if result.computed is None:              # the rule no longer gives points: back to «chưa chấm»
            changes.append(set_score(store, plan_id, result.criterion.id, None,
                                     explanation=result.explanation if own_text else "", ref_date=ref_date,
                                     computed_how=""))
            continue
        explanation = result.explanation if own_text else (result.computed.how if result.evidence != FULL else "")
        changes.append(set_score(store, plan_id, result.criterion.id, result.computed.points,
                                 explanation=explanation, ref_date=ref_date, computed_how=result.computed.how))
    return changes
