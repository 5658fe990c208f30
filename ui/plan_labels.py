"""How the window names a plan and its unit (window title, plan picker, import preview). Qt-free and light:
the main window needs them before its first paint, the plan dialogs (ui/dialogs/plan_properties.py) later."""
from __future__ import annotations

import unicodedata

from cchc_desktop.domain import PLAN_STATUS_LABELS


def unit_label(unit_kind: str, unit_name: str) -> str:
    """"Xã Xuân Trường": the unit kind is not repeated when the name already starts with it
    ("xã Xuân Trường", "Phường An Bình"); the first letter is capitalised."""
    kind = unicodedata.normalize("NFC", (unit_kind or "").strip())
    name = " ".join(unicodedata.normalize("NFC", unit_name or "").split())
    if kind and not (name.casefold() == kind.casefold() or name.casefold().startswith(kind.casefold() + " ")):
        name = f"{kind} {name}".strip()
    return name[:1].upper() + name[1:]


def plan_label(plan: dict, *, tell_apart: bool = False) -> str:
    """"Xã Xuân Trường — năm 2026 — KH số 03/KH-UBND (39 nhiệm vụ; đang thực hiện)"; ``tell_apart`` adds the
    short code (as the CLI's ``--plan`` takes it) and the creation time, for plans whose labels are alike."""
    years = str(plan["year_start"]) if plan["year_start"] == plan["year_end"] else \
        f"{plan['year_start']}–{plan['year_end']}"
    doc_number = (plan.get("doc_number") or "").strip()
    # «/KH-UBND» (the symbol with the number still blank) would read «KH số /KH-UBND»: only a real number is shown
    number = f" — KH số {doc_number}" if any(ch.isdigit() for ch in doc_number) else ""
    status = PLAN_STATUS_LABELS.get(plan.get("status"), "")
    demo = "; kế hoạch mẫu" if plan.get("is_demo") else ""
    apart = ""
    if tell_apart:
        from cchc_desktop.dates import local_time
        created = local_time(plan.get("created_at") or "")[:16]
        apart = f" — mã {str(plan['id'])[:4]}" + (f", tạo {created}" if created else "")
    # the telling part before the number: the closed plan combo shows only the start of the label
    return f"{unit_label(plan['unit_kind'], plan['unit_name'])} — năm {years}{apart}{number} " \
           f"({plan.get('task_count', 0)} nhiệm vụ; {status.lower()}{demo})"


def plan_labels(plans: list[dict]) -> list[str]:
    """The labels of a list of plans (combo, picker): two plans that would read the same — the demo plan and
    the same appendix imported, told apart only by «kế hoạch mẫu» — get their code and creation time."""
    from collections import Counter
    bare = [plan_label({**p, "is_demo": False, "task_count": 0, "status": ""}) for p in plans]
    alike = Counter(bare)
    return [plan_label(p, tell_apart=alike[key] > 1) for p, key in zip(plans, bare)]
