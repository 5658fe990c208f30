"""`main.py show [--plan ID] [--json]` and the whole-plan import report of `main.py import`.

``show --json`` prints one plan as JSON so every part of an import can be checked and scripted:
facts, header and report settings, targets, sections/tasks/products (with the STT as written in the
source when the database has it), agencies and recorded statuses.
"""
from __future__ import annotations

import json
from dataclasses import asdict

from .deadlines import parse_deadline
from .importers.plan_builder import PART_LABELS, PlanDraft
from .text import sort_key


# --------------------------------------------------------------------------- import report

def print_plan_draft(draft: PlanDraft, out=print, plan_years: tuple[int, int] | None = None) -> None:
    """What the import inferred (with where it was read) and what is still missing. ``plan_years``: the plan's
    years when they are not the file's (``--year``, an existing plan); deadlines of other years are warned."""
    f = draft.facts
    src = f.sources
    where = lambda key: f" ({src[key]})" if key in src else ""  # noqa: E731
    out(f"Đọc tệp «{draft.source_name}»:")
    unit = f"{f.unit_kind} {f.unit_name}".strip() if f.unit_name else "—"
    out(f"  Đơn vị: {unit}{where('unit_name')}")
    years = "—" if not f.year_start else (str(f.year_start) if f.year_start == f.year_end
                                          else f"giai đoạn {f.year_start}–{f.year_end}")
    out(f"  Năm kế hoạch: {years}{where('year_start')}")
    out(f"  Tên kế hoạch: {f.title or '—'}{where('title')}")
    out(f"  Số: {f.doc_number or '—'}{where('doc_number')}")
    out(f"  Ngày: {f.date.text or '—'}{where('date')}")
    if f.place:
        out(f"  Địa danh: {f.place}")
    if draft.appendix is not None:
        a = draft.appendix
        out(f"  {PART_LABELS['appendix']}: {len(a.sections)} mục, {a.task_count} nhiệm vụ, "
            f"{a.product_count} dòng sản phẩm, {len(a.agency_names())} cơ quan")
        start, end = plan_years or (f.year_start, f.year_end)
        for warning in a.warnings + a.year_warnings(start, end):
            out(f"    Cảnh báo: {warning}")
    out(f"  {PART_LABELS['targets']}: {len(draft.targets)}")
    for t in draft.targets:
        from .tracking.targets import COMPARISON_LABELS, format_value
        unit_text = t.unit if t.unit == "%" else f" {t.unit}"
        out(f"    - {COMPARISON_LABELS[t.comparison]} {format_value(t.value)}{unit_text}: {t.title} "
            f"[{t.location}]")
    s = draft.signer
    if s.recipients:
        out(f"  Nơi nhận: {'; '.join(s.recipients)}" + (f"; {s.archive}" if s.archive else ""))
    if s.authority_lines:
        out(f"  Người ký: {' / '.join(s.authority_lines)}" + (f" — {s.signer_name}" if s.signer_name else ""))
    for line in draft.report.describe():
        out(f"  {line}")
    for note in draft.notes:
        out(f"  Lưu ý: {note}")
    missing = draft.missing()
    out("  Còn thiếu: " + ("; ".join(missing) if missing else "không"))


# --------------------------------------------------------------------------- show

def plan_json(store, plan_id: str) -> dict:
    from .reports.header_settings import get_header
    from .tracking.status import get_settings
    from .tracking.targets import list_targets

    plan = store.load_plan(plan_id)
    rows = {r["id"]: dict(r) for r in store.db.query(
        "SELECT t.* FROM task t JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?", (plan_id,))}
    statuses: dict[str, list[dict]] = {}
    for r in store.db.query(
            "SELECT ps.* FROM product_status ps JOIN product p ON p.id = ps.product_id "
            "JOIN task t ON t.id = p.task_id JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
            "ORDER BY ps.period_key", (plan_id,)):
        statuses.setdefault(r["product_id"], []).append(
            {k: r[k] for k in ("period_key", "status", "percent", "completed_on", "result", "reason", "notes")})
    agencies: set[str] = set()
    sections = []
    for section in plan.sections:
        tasks = []
        for task in section.tasks:
            products = []
            for product in task.products:
                leads = [a.name for a in product.leads]
                coords = [a.name for a in product.coordinators]
                agencies.update(leads + coords)
                products.append({
                    "id": product.id, "description": product.description,
                    "deadline_text": product.deadline_text,
                    "deadline": parse_deadline(product.deadline_text, plan.year_start, plan.year_end).describe(),
                    "leads": leads, "coordinators": coords, "statuses": statuses.get(product.id, [])})
            entry = {"id": task.id, "number": task.number, "content": task.content, "products": products}
            source_stt = rows.get(task.id, {}).get("source_stt")
            if source_stt is not None:
                entry["source_stt"] = source_stt
            tasks.append(entry)
        sections.append({"id": section.id, "numeral": section.numeral, "title": section.title,
                         "tasks": tasks})
    facts = {k: getattr(plan, k) for k in ("id", "unit_kind", "unit_name", "superior_body", "title",
                                            "year_start", "year_end", "doc_number", "doc_date", "status")}
    targets = [{k: t[k] for k in ("id", "title", "unit", "comparison", "target_value", "notes")}
               for t in list_targets(store, plan_id)]
    return {
        "plan": facts,
        "header": asdict(get_header(store, plan_id)),
        "report_settings": asdict(get_settings(store, plan_id)),
        "targets": targets,
        "sections": sections,
        "counts": {"sections": len(sections), "tasks": sum(len(s["tasks"]) for s in sections),
                   "products": sum(len(t["products"]) for s in sections for t in s["tasks"])},
        "agencies": sorted(agencies, key=sort_key),
    }


def cmd_show(store, plan_id: str, args) -> int:
    data = plan_json(store, plan_id)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    p = data["plan"]
    years = p["year_start"] if p["year_start"] == p["year_end"] else f"{p['year_start']}–{p['year_end']}"
    print(f"{p['unit_kind']} {p['unit_name']} — {years} — {p['title'] or '(chưa có tên)'}")
    print(f"Số: {p['doc_number'] or '—'}  Ngày: {p['doc_date'] or '—'}")
    c = data["counts"]
    print(f"{c['sections']} mục, {c['tasks']} nhiệm vụ, {c['products']} dòng sản phẩm, "
          f"{len(data['agencies'])} cơ quan, {len(data['targets'])} chỉ tiêu")
    print("Nơi nhận: " + "; ".join(x for x in data["header"]["report_recipients"].splitlines() if x))
    print(f"Người ký: {data['header']['signer_name'] or '—'}")
    return 0


def add_parsers(sub) -> None:
    p_show = sub.add_parser("show", help="in một kế hoạch (thông tin, chỉ tiêu, phụ lục, trạng thái)")
    p_show.add_argument("--plan", help="mã kế hoạch (có thể chỉ vài ký tự đầu)")
    p_show.add_argument("--json", action="store_true", help="in dạng JSON")
