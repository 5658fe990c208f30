"""Helpers for the plan-life tests (not a test module): a revised appendix workbook built from the stored demo
plan with known edits, and a dump of every table for exact before/after comparisons."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from cchc_desktop.store import Store, roman

HEADERS = ["TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
           "Thời gian thực hiện"]

# (section index, task index) in the demo plan, 0-based
REWORDED = {(0, 1): "Thực hiện nghiêm chế độ báo cáo CCHC định kỳ và đột xuất.",
            (1, 2): None, (2, 3): None, (4, 1): None, (6, 2): None}
DROPPED = [(1, 4), (3, 2), (5, 2)]
MOVED = {(2, 8): 6, (4, 4): 3}          # task -> new section (appended at its end)
DEADLINES = [(0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]   # first product gets a new deadline
NEW_DEADLINE = "Trước ngày 30/11/2026"
ADDED = {0: "Tổ chức hội nghị sơ kết công tác cải cách hành chính 6 tháng đầu năm",
         2: "Triển khai tiếp nhận hồ sơ thủ tục hành chính không phụ thuộc địa giới hành chính",
         4: "Bồi dưỡng kỹ năng ứng xử văn hóa công vụ cho công chức bộ phận một cửa",
         6: "Xây dựng kho dữ liệu số dùng chung phục vụ điều hành của Ủy ban nhân dân xã"}


def reword(text: str) -> str:
    """A light rewording: the same task, a few words changed (still recognisable)."""
    return text.rstrip(". ") + " trên địa bàn xã theo đúng quy định."


def revised_layout(store: Store, plan_id: str) -> tuple[list[dict], dict]:
    """The demo plan with the edits above: [{title, tasks: [{content, products: [...] , old_id}]}] and a map
    old task id -> (expected content, expected section title) for the tasks that stay."""
    plan = store.load_plan(plan_id)
    sections = [{"title": s.title, "tasks": []} for s in plan.sections]
    moving = []
    expected = {}
    for si, section in enumerate(plan.sections):
        for ti, task in enumerate(section.tasks):
            if (si, ti) in DROPPED:
                continue
            content = task.content
            if (si, ti) in REWORDED:
                content = REWORDED[(si, ti)] or reword(task.content)
            products = []
            for pi, p in enumerate(task.products):
                deadline = NEW_DEADLINE if pi == 0 and (si, ti) in DEADLINES else p.deadline_text
                products.append({"id": p.id, "description": p.description, "deadline": deadline,
                                 "leads": p.lead_names, "coords": p.coordinator_names})
            entry = {"old_id": task.id, "content": content, "products": products}
            target = MOVED.get((si, ti), si)
            expected[task.id] = (content, plan.sections[target].title)
            if target != si:
                moving.append((target, entry))
            else:
                sections[si]["tasks"].append(entry)
    for target, entry in moving:
        sections[target]["tasks"].append(entry)
    for si, content in ADDED.items():
        sections[si]["tasks"].append({"old_id": None, "content": content, "products": [
            {"id": None, "description": "Báo cáo kết quả thực hiện", "deadline": "Quý III/2026",
             "leads": "Văn phòng HĐND-UBND", "coords": ""}]})
    return sections, expected


def write_revised_xlsx(path: Path, sections: list[dict], caption: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append(["NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2026 (ĐIỀU CHỈNH)"])
    ws.append([caption])
    ws.append(HEADERS)
    for si, section in enumerate(sections):
        ws.append([roman(si + 1), section["title"]])
        for ti, task in enumerate(section["tasks"]):
            for pi, p in enumerate(task["products"]):
                ws.append([str(ti + 1) if pi == 0 else "", task["content"] if pi == 0 else "", p["description"],
                           p["leads"], p["coords"], p["deadline"]])
    wb.save(path)
    return path


def dump(store: Store, skip=("change_log", "meta", "sqlite_sequence"), bookkeeping: bool = True) -> dict:
    """Every row of every table (sorted), without updated_at/version when ``bookkeeping`` is False."""
    out = {}
    for (name,) in store.db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        if name in skip:
            continue
        rows = []
        for r in store.db.query(f"SELECT * FROM {name}"):
            row = dict(r)
            if not bookkeeping:
                row.pop("updated_at", None)
                row.pop("version", None)
            rows.append(tuple(sorted(row.items(), key=lambda kv: kv[0])))
        out[name] = sorted(rows, key=repr)
    return out
