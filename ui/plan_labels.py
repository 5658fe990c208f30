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


def plan_label(plan: dict) -> str:
    years = str(plan["year_start"]) if plan["year_start"] == plan["year_end"] else \
        f"{plan['year_start']}–{plan['year_end']}"
    number = f" — KH số {plan['doc_number']}" if plan.get("doc_number") else ""
    status = PLAN_STATUS_LABELS.get(plan.get("status"), "")
    demo = "; kế hoạch mẫu" if plan.get("is_demo") else ""
    return f"{unit_label(plan['unit_kind'], plan['unit_name'])} — năm {years}{number} " \
           f"({plan.get('task_count', 0)} nhiệm vụ; {status.lower()}{demo})"
