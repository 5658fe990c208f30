"""The appendix actions as operations (each one transaction, one undo step): edit fields, set agencies,
add / insert / duplicate / move / delete tasks, products and sections, commit an import draft, paste."""
from __future__ import annotations

from ..domain import ROLE_COORD, ROLE_LEAD
from ..store import StoreError
from .core import OpResult, op_function, run, run_with_backup

FIELD_LABELS = {
    ("section", "title"): "tên mục",
    ("task", "content"): "nội dung nhiệm vụ",
    ("product", "description"): "hoạt động/sản phẩm",
    ("product", "deadline_text"): "thời gian thực hiện",
    (ROLE_LEAD, None): "cơ quan chủ trì",
    (ROLE_COORD, None): "cơ quan phối hợp",
}
_PARENT = {"section": "plan_id", "task": "section_id", "product": "task_id"}


ARCHIVED_REFUSAL = ("Dòng này đã bỏ khỏi kế hoạch theo điều chỉnh, chỉ để xem lại: không sửa, chuyển, nhân bản "
                    "hay xóa được.")


def refuse_archived(store, entity: str, row_id: str) -> None:
    """Raise the Vietnamese refusal when a task or product (or the task of a product) was dropped by a plan
    amendment: those rows are kept for their history only."""
    if entity not in ("task", "product"):
        return
    row = store.row(entity, row_id)
    if row is None:
        return
    if row.get("archived_on"):
        raise StoreError(ARCHIVED_REFUSAL)
    if entity == "product":
        refuse_archived(store, "task", row["task_id"])


def edit_label(entity: str, fields) -> str:
    if entity == "plan":
        return "Sửa thuộc tính kế hoạch"
    return "Sửa " + ", ".join(FIELD_LABELS.get((entity, k), k) for k in fields)


@op_function
def edit_fields(store, entity: str, row_id: str, fields: dict, label: str | None = None) -> OpResult:
    """Change editable fields of one plan/section/task/product row."""
    refuse_archived(store, entity, row_id)
    return run(store, label or edit_label(entity, fields), store.update, entity, row_id, **fields)


@op_function
def set_agencies(store, product_id: str, role: str, names: list[str]) -> OpResult:
    refuse_archived(store, "product", product_id)
    return run(store, f"Sửa {FIELD_LABELS[(role, None)]}", store.set_agencies, product_id, role, names)


def product_spec(product) -> dict:
    """What `add_task(products=…)` needs to copy a product (a domain Product or an import draft row)."""
    def names(value):
        return [a if isinstance(a, str) else a.name for a in value]
    return {"description": product.description, "deadline_text": product.deadline_text,
            "leads": names(getattr(product, "leads", [])), "coordinators": names(getattr(product, "coordinators", []))}


def _add_task(store, section_id, position, content, products):
    task_id = store.add_task(section_id, content, position)
    for spec in (products if products is not None else [{}]):
        store.add_product(task_id, spec.get("description", ""), spec.get("deadline_text", ""),
                          spec.get("leads", []), spec.get("coordinators", []))
    return task_id


@op_function
def add_task(store, section_id: str, position: int | None = None, content: str = "",
             products: list[dict] | None = None, label: str = "Thêm nhiệm vụ") -> OpResult:
    """A new task (with one empty product unless `products` are given); value: the task id."""
    return run(store, label, _add_task, store, section_id, position, content, products)


@op_function
def duplicate_task(store, task_id: str) -> OpResult:
    """A copy of a task with its products right after it; value: the new task id."""
    row = store.row("task", task_id)
    if row is None:
        raise StoreError("Dòng dữ liệu không còn tồn tại (có thể đã bị xóa).")
    refuse_archived(store, "task", task_id)
    plan_id = store.row("section", row["section_id"])["plan_id"]
    task = next(t for _s, t in store.load_plan(plan_id).iter_tasks() if t.id == task_id)
    return add_task(store, row["section_id"], row["position"] + 1, task.content,
                    [product_spec(p) for p in task.products], "Nhân bản nhiệm vụ")


@op_function
def add_product(store, task_id: str, position: int | None = None, like: str | None = None) -> OpResult:
    """A new product row starting with the agencies and deadline of the row above (``like``, else the task's last
    product), all editable (issue #20)."""
    refuse_archived(store, "task", task_id)
    return run(store, "Thêm hoạt động/sản phẩm", store.add_product_like, task_id, position=position, like=like)


@op_function
def add_section(store, plan_id: str, title: str, position: int | None = None) -> OpResult:
    return run(store, "Thêm mục", store.add_section, plan_id, title, position)


@op_function
def delete_rows(store, targets: list[tuple[str, str]], label: str) -> OpResult:
    """Delete sections/tasks/products with everything under them."""
    for entity, row_id in targets:
        refuse_archived(store, entity, row_id)

    def delete():
        for entity, row_id in targets:
            store.delete(entity, row_id)
    return run(store, label, delete)


@op_function
def move(store, entity: str, row_id: str, position: int, parent_id: str | None = None,
         label: str = "Di chuyển") -> OpResult:
    refuse_archived(store, entity, row_id)
    return run(store, label, store.move, entity, row_id, position, parent_id)


def would_move(store, entity: str, row_id: str, position: int, parent_id: str | None = None) -> bool:
    current = store.row(entity, row_id)
    return current is not None and ((parent_id or current[_PARENT[entity]]), position) != (
        current[_PARENT[entity]], current["position"])


def _task_order(store, section_id: str) -> list[str]:
    return [r[0] for r in store.db.query("SELECT id FROM task WHERE section_id = ? ORDER BY position",
                                         (section_id,))]


def _tasks_move_plan(store, task_ids, section_id, position):
    """(tasks to move in order, position among the remaining tasks, whether the order changes)."""
    old = []
    for task_id in task_ids:
        row = store.row("task", task_id)
        if row is not None:
            old.append((task_id, row["section_id"], row["position"]))
    before = sum(1 for _tid, sid, pos in old if sid == section_id and pos < position)
    at = max(0, position - before)
    moving = [tid for tid, _s, _p in old]
    current = _task_order(store, section_id)
    remaining = [t for t in current if t not in moving]
    new_order = remaining[:at] + moving + remaining[at:]
    return moving, at, bool(old) and new_order != current


def tasks_would_move(store, task_ids: list[str], section_id: str, position: int) -> bool:
    return _tasks_move_plan(store, task_ids, section_id, position)[2]


@op_function
def move_tasks(store, task_ids: list[str], section_id: str, position: int) -> OpResult:
    """Move several tasks (drag and drop, «Chuyển sang mục…») to `position` of a section, in their order."""
    for task_id in task_ids:
        refuse_archived(store, "task", task_id)
    moving, at, _changes = _tasks_move_plan(store, task_ids, section_id, position)

    def do():
        for offset, task_id in enumerate(moving):
            store.move("task", task_id, at + offset, section_id)
    count = len(moving)
    return run(store, "Di chuyển nhiệm vụ" if count == 1 else f"Di chuyển {count} nhiệm vụ", do)


@op_function
def commit_import(store, draft, plan_id: str) -> OpResult:
    """Append an import draft's sections to a plan; value: the import's CommitResult."""
    from ..backup import REASON_IMPORT
    from ..import_commit import commit_draft
    return run_with_backup(store, REASON_IMPORT, f"Nhập {draft.source_name}", commit_draft, store, draft, plan_id)


@op_function
def draft_into_section(store, draft, section_id: str, position: int | None) -> OpResult:
    """The draft's tasks as new tasks of one section from `position` (end when None); value: task ids."""
    def do():
        created, at = [], position
        for section in draft.sections:
            for task in section.tasks:
                created.append(_add_task(store, section_id, at, task.content,
                                         [product_spec(p) for p in task.products]))
                if at is not None:
                    at += 1
        return created
    return run(store, "Dán nhiệm vụ mới", do)


@op_function
def paste(store, label: str, edits: list[tuple], new_rows: list[tuple[bool, dict]] | None = None,
          section_id: str | None = None, position: int | None = None, task_id: str | None = None) -> OpResult:
    """Pasted cells as ONE operation. `edits`: (entity, id, field-or-role, value) — entity "agencies" sets the
    agencies of a role; `new_rows`: (starts a new task?, {content, description, deadline_text, leads,
    coordinators}) added in section `section_id` from `position`, products of a row that does not start a
    task go to the task before it (`task_id` at first). Value: the created (entity, id) pairs."""
    for entity, row_id, _name, _value in edits:
        refuse_archived(store, "product" if entity == "agencies" else entity, row_id)

    def do():
        for entity, row_id, name, value in edits:
            if entity == "agencies":
                store.set_agencies(row_id, name, value)
            else:
                store.update(entity, row_id, **{name: value})
        created, at, current, current_is_new = [], position, task_id, False
        for new_task, values in new_rows or []:
            if new_task:
                current = store.add_task(section_id, values.get("content", "").strip(), at)
                at = None if at is None else at + 1
                current_is_new = True
                created.append(("task", current))
            product = store.add_product(current, values.get("description", "").strip(),
                                        values.get("deadline_text", "").strip(), values.get("leads", []),
                                        values.get("coordinators", []))
            if not current_is_new:
                created.append(("product", product))
        return created
    return run(store, label, do)
