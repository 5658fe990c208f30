"""Measurable targets (chỉ tiêu) of a plan with an actual value per reporting period."""
from __future__ import annotations

import operator
import unicodedata
from dataclasses import dataclass

from ..store import Store, StoreError
from . import _rows
from .periods import make_period

COMPARISONS = {">=": operator.ge, "<=": operator.le, "=": operator.eq, ">": operator.gt, "<": operator.lt}
COMPARISON_LABELS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
_TARGET_FIELDS = ("title", "unit", "comparison", "target_value", "notes", "position")


class TargetError(StoreError):
    pass


@dataclass(frozen=True)
class TargetSpec:
    """A target definition (used by default_targets())."""

    title: str
    unit: str
    comparison: str
    target_value: float

    @property
    def text(self) -> str:
        return f"{self.title} {COMPARISON_LABELS[self.comparison]} {format_value(self.target_value)}{_unit(self.unit)}"


@dataclass(frozen=True)
class TargetResult:
    """A target evaluated for a reporting period."""

    target_id: str
    title: str
    unit: str
    comparison: str
    target_value: float
    actual: float | None        # None: no actual value recorded up to this period
    actual_period: str | None   # the period the actual value was recorded for
    met: bool | None            # None when no actual value

    @property
    def requirement(self) -> str:
        return f"{COMPARISON_LABELS[self.comparison]} {format_value(self.target_value)}{_unit(self.unit)}"

    @property
    def actual_text(self) -> str:
        return "—" if self.actual is None else f"{format_value(self.actual)}{_unit(self.unit)}"

    @property
    def met_label(self) -> str:
        return {True: "Đạt", False: "Chưa đạt", None: "Chưa có số liệu"}[self.met]


def _unit(unit: str) -> str:
    return unit if unit == "%" else (f" {unit}" if unit else "")


def format_value(value: float) -> str:
    """Vietnamese number: 95 -> "95", 95.5 -> "95,5"."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").replace(".", ",")


def is_met(comparison: str, target_value: float, actual: float | None) -> bool | None:
    if actual is None:
        return None
    if comparison not in COMPARISONS:
        raise ValueError(comparison)
    if comparison == "=":
        return abs(actual - target_value) < 1e-9
    return COMPARISONS[comparison](actual, target_value)


def default_targets() -> list[TargetSpec]:
    """Targets found in the seed plans (Quyết Thắng 2026, Xuân Trường 2026, xã mẫu 2025)."""
    return [
        TargetSpec("Tỷ lệ nhiệm vụ CCHC do UBND, Chủ tịch UBND cấp trên giao được hoàn thành", "%", ">=", 100),
        TargetSpec("Tỷ lệ nhiệm vụ trong Kế hoạch CCHC năm của xã hoàn thành đúng tiến độ", "%", ">=", 100),
        TargetSpec("Tỷ lệ hồ sơ TTHC được tiếp nhận, giải quyết trên Hệ thống thông tin giải quyết TTHC",
                   "%", ">=", 100),
        TargetSpec("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "%", ">=", 95),
        TargetSpec("Tỷ lệ kết quả giải quyết TTHC được số hóa", "%", ">=", 100),
        TargetSpec("Mức độ hài lòng của người dân, tổ chức đối với giải quyết TTHC", "%", ">", 95),
        TargetSpec("Kiểm tra công tác CCHC tối thiểu các cơ quan, đơn vị", "%", ">=", 20),
        TargetSpec("Tỷ lệ thủ tục hành chính đủ điều kiện được cung cấp trực tuyến", "%", ">=", 100),
        TargetSpec("Hoàn thành chỉ tiêu thu ngân sách nhà nước được giao", "%", ">=", 100),
        TargetSpec("Thứ hạng Chỉ số SIPAS trong khối xã", "hạng", "<=", 15),
    ]


def _clean(fields: dict) -> dict:
    values = dict(fields)
    if "title" in values:
        values["title"] = unicodedata.normalize("NFC", str(values["title"]).strip())
        if not values["title"]:
            raise TargetError("Tên chỉ tiêu không được để trống.")
    if "comparison" in values:
        values["comparison"] = {"≥": ">=", "≤": "<="}.get(values["comparison"], values["comparison"])
        if values["comparison"] not in COMPARISONS:
            raise TargetError(f"Phép so sánh không hợp lệ: {values['comparison']}")
    if "target_value" in values:
        try:
            values["target_value"] = float(values["target_value"])
        except (TypeError, ValueError) as exc:
            raise TargetError("Giá trị chỉ tiêu phải là số.") from exc
    return values


def add_target(store: Store, plan_id: str, title: str, target_value: float, comparison: str = ">=",
               unit: str = "%", notes: str = "") -> str:
    values = _clean({"title": title, "target_value": target_value, "comparison": comparison,
                     "unit": unit, "notes": notes})
    with store.transaction():
        count = store.db.query_one("SELECT COUNT(*) FROM target WHERE plan_id = ?", (plan_id,))[0]
        return _rows.insert(store, "target", {"plan_id": plan_id, "position": count, **values})["id"]


def add_default_targets(store: Store, plan_id: str, specs: list[TargetSpec] | None = None) -> list[str]:
    """Add the seed targets not already present (by title); one transaction. Returns new ids."""
    existing = {r[0] for r in store.db.query("SELECT title FROM target WHERE plan_id = ?", (plan_id,))}
    added = []
    with store.transaction():
        for spec in specs if specs is not None else default_targets():
            if spec.title not in existing:
                added.append(add_target(store, plan_id, spec.title, spec.target_value, spec.comparison,
                                        spec.unit))
    return added


def update_target(store: Store, target_id: str, **fields) -> dict:
    unknown = set(fields) - set(_TARGET_FIELDS)
    if unknown:
        raise ValueError(f"unknown target fields: {sorted(unknown)}")
    with store.transaction():
        return _rows.update(store, "target", target_id, _clean(fields))


def delete_target(store: Store, target_id: str) -> None:
    with store.transaction():
        for r in store.db.query("SELECT id FROM target_actual WHERE target_id = ?", (target_id,)):
            _rows.delete(store, "target_actual", r[0])
        _rows.delete(store, "target", target_id)


def get_actual(store: Store, target_id: str, period_key: str) -> tuple[float | None, str]:
    """(actual value, notes) of a target in one period; (None, "") when none was entered."""
    row = store.db.query_one("SELECT actual_value, notes FROM target_actual WHERE target_id = ? AND period_key = ?",
                             (target_id, period_key))
    return (row["actual_value"], row["notes"]) if row else (None, "")


def list_targets(store: Store, plan_id: str) -> list[dict]:
    return [dict(r) for r in store.db.query(
        "SELECT * FROM target WHERE plan_id = ? ORDER BY position, created_at", (plan_id,))]


def set_actual(store: Store, target_id: str, period_key: str, actual_value: float | None,
               notes: str = "") -> None:
    """Record (or with None: remove) the actual value of a target in a reporting period."""
    make_period(period_key)
    with store.transaction():
        row = store.db.query_one("SELECT * FROM target_actual WHERE target_id = ? AND period_key = ?",
                                 (target_id, period_key))
        if actual_value is None:
            if row is not None:
                _rows.delete(store, "target_actual", row["id"])
            return
        try:
            value = float(actual_value)
        except (TypeError, ValueError) as exc:
            raise TargetError("Giá trị thực hiện phải là số.") from exc
        if row is None:
            _rows.insert(store, "target_actual", {"target_id": target_id, "period_key": period_key,
                                                  "actual_value": value, "notes": notes})
        else:
            _rows.update(store, "target_actual", row["id"], {"actual_value": value, "notes": notes}, dict(row))


def target_results(store: Store, plan_id: str, period_key: str) -> list[TargetResult]:
    """Targets with the actual value of the period (else the latest earlier one), met or not."""
    period = make_period(period_key)
    actuals: dict[str, list[tuple]] = {}
    for r in store.db.query(
            "SELECT ta.target_id, ta.period_key, ta.actual_value FROM target_actual ta "
            "JOIN target t ON t.id = ta.target_id WHERE t.plan_id = ?", (plan_id,)):
        try:
            p = make_period(r["period_key"])
        except ValueError:
            continue
        actuals.setdefault(r["target_id"], []).append((p, r["actual_value"]))
    results = []
    for t in list_targets(store, plan_id):
        found = actuals.get(t["id"], [])
        exact = [(p, v) for p, v in found if p.key == period.key]
        earlier = sorted(((p, v) for p, v in found if p.end <= period.end),
                         key=lambda pv: (pv[0].end, pv[0].start))
        chosen = exact[0] if exact else (earlier[-1] if earlier else None)
        actual = chosen[1] if chosen else None
        results.append(TargetResult(t["id"], t["title"], t["unit"], t["comparison"], t["target_value"],
                                    actual, chosen[0].key if chosen else None,
                                    is_met(t["comparison"], t["target_value"], actual)))
    return results
