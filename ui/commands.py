"""Undo commands: every edit of the appendix goes through one of these.

Each `redo`/`undo` is one store call (or one store transaction), so every step is saved to SQLite
immediately; nothing waits for a "Save" button. Deletes are undone with `store.snapshot/restore`
(original ids and positions come back); creations are undone by snapshotting and deleting the new
rows, and redone by restoring that snapshot (same ids, so later commands still apply).
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from cchc_desktop.db import DatabaseError
from cchc_desktop.store import StoreError

FIELD_LABELS = {
    ("section", "title"): "tên mục",
    ("task", "content"): "nội dung nhiệm vụ",
    ("product", "description"): "hoạt động/sản phẩm",
    ("product", "deadline_text"): "thời gian thực hiện",
    ("lead", None): "cơ quan chủ trì",
    ("coord", None): "cơ quan phối hợp",
}


class StoreCommand(QUndoCommand):
    """Base: catches store errors, reports them through the model and marks the command failed."""

    def __init__(self, model, text: str):
        super().__init__(text)
        self.model = model
        self.store = model.store
        self.ok = True

    def _run(self, action) -> None:
        try:
            action()
            self.ok = True
        except (StoreError, DatabaseError, ValueError) as exc:
            self.ok = False
            self.setObsolete(True)
            self.model.errorRaised.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - sqlite errors etc.: never a traceback to the user
            self.ok = False
            self.setObsolete(True)
            self.model.errorRaised.emit(f"Không lưu được thay đổi: {exc}")

    def redo(self):
        self._run(self.do)

    def undo(self):
        self._run(self.undo_it)

    def do(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def undo_it(self):  # pragma: no cover - abstract
        raise NotImplementedError


class EditFieldCommand(StoreCommand):
    """Change fields of one row (plan, section, task or product)."""

    def __init__(self, model, entity: str, row_id: str, new: dict, old: dict, text: str | None = None):
        if text is None:
            names = ", ".join(FIELD_LABELS.get((entity, k), k) for k in new)
            text = f"Sửa {names}"
        super().__init__(model, text)
        self.entity, self.row_id, self.new, self.old = entity, row_id, dict(new), dict(old)

    def do(self):
        self.store.update(self.entity, self.row_id, **self.new)
        self.model.apply_field(self.entity, self.row_id, self.new)

    def undo_it(self):
        self.store.update(self.entity, self.row_id, **self.old)
        self.model.apply_field(self.entity, self.row_id, self.old)


class SetAgenciesCommand(StoreCommand):
    def __init__(self, model, product_id: str, role: str, old: list[str], new: list[str]):
        super().__init__(model, f"Sửa {FIELD_LABELS[(role, None)]}")
        self.product_id, self.role, self.old, self.new = product_id, role, list(old), list(new)

    def do(self):
        self.store.set_agencies(self.product_id, self.role, self.new)
        self.model.apply_agencies(self.product_id, self.role)

    def undo_it(self):
        self.store.set_agencies(self.product_id, self.role, self.old)
        self.model.apply_agencies(self.product_id, self.role)


class CreateCommand(StoreCommand):
    """Create rows with `create()` -> [(entity, id), ...] the first time; later redos restore them."""

    def __init__(self, model, text: str, create, select: tuple[str, str] | None = None):
        super().__init__(model, text)
        self._create = create
        self.created: list[tuple[str, str]] = []
        self._shots: list[dict] = []
        self._select = select

    def do(self):
        if not self.created:
            with self.store.transaction():
                self.created = list(self._create())
        else:
            with self.store.transaction():
                for shot in self._shots:
                    self.store.restore(shot)
        self.model.reload()
        target = self._select or (self.created[0] if self.created else None)
        if target:
            self.model.selectRequested.emit(*target)

    def undo_it(self):
        with self.store.transaction():
            self._shots = [self.store.snapshot(entity, row_id) for entity, row_id in self.created]
            self._shots = [s for s in self._shots if s is not None]
            for entity, row_id in reversed(self.created):
                self.store.delete(entity, row_id)
        self.model.reload()


class DeleteCommand(StoreCommand):
    """Delete rows (with everything under them); undo restores ids, contents and positions."""

    def __init__(self, model, text: str, targets: list[tuple[str, str]]):
        super().__init__(model, text)
        self.targets = list(targets)
        self._shots: list[dict] = []

    def do(self):
        with self.store.transaction():
            shots = [self.store.snapshot(entity, row_id) for entity, row_id in self.targets]
            self._shots = sorted((s for s in shots if s is not None),
                                 key=lambda s: s["row"].get("position", 0))
            for entity, row_id in self.targets:
                self.store.delete(entity, row_id)
        self.model.reload()

    def undo_it(self):
        with self.store.transaction():
            for shot in self._shots:
                self.store.restore(shot)
        self.model.reload()
        if self.targets:
            self.model.selectRequested.emit(*self.targets[0])


class MoveCommand(StoreCommand):
    """Move one section/task/product to a position, possibly under another parent."""

    PARENT = {"section": "plan_id", "task": "section_id", "product": "task_id"}

    def __init__(self, model, text: str, entity: str, row_id: str, position: int,
                 parent_id: str | None = None):
        super().__init__(model, text)
        self.entity, self.row_id = entity, row_id
        current = self.store.row(entity, row_id)
        self.old_parent = current[self.PARENT[entity]]
        self.old_position = current["position"]
        self.new_parent = parent_id or self.old_parent
        self.new_position = position

    @property
    def changes(self) -> bool:
        return (self.new_parent, self.new_position) != (self.old_parent, self.old_position)

    def do(self):
        self.store.move(self.entity, self.row_id, self.new_position, self.new_parent)
        self.model.reload()
        self.model.selectRequested.emit(self.entity, self.row_id)

    def undo_it(self):
        self.store.move(self.entity, self.row_id, self.old_position, self.old_parent)
        self.model.reload()
        self.model.selectRequested.emit(self.entity, self.row_id)


class MoveTasksCommand(StoreCommand):
    """Move several tasks (drag and drop) to `position` of a section, keeping their order."""

    def __init__(self, model, task_ids: list[str], section_id: str, position: int):
        count = len(task_ids)
        super().__init__(model, "Di chuyển nhiệm vụ" if count == 1 else f"Di chuyển {count} nhiệm vụ")
        self.section_id = section_id
        self.old = []
        for task_id in task_ids:
            row = self.store.row("task", task_id)
            if row is not None:
                self.old.append((task_id, row["section_id"], row["position"]))
        # Position among the remaining tasks of the target section (moved ones taken out).
        before = sum(1 for _tid, sid, pos in self.old if sid == section_id and pos < position)
        self.position = max(0, position - before)
        target_ids = [tid for tid, _s, _p in self.old]
        remaining = [r[0] for r in self.store.db.query(
            "SELECT id FROM task WHERE section_id = ? ORDER BY position", (section_id,))
            if r[0] not in target_ids]
        new_order = remaining[:self.position] + target_ids + remaining[self.position:]
        current = [r[0] for r in self.store.db.query(
            "SELECT id FROM task WHERE section_id = ? ORDER BY position", (section_id,))]
        self.changes = bool(self.old) and new_order != current

    def do(self):
        with self.store.transaction():
            for offset, (task_id, _sid, _pos) in enumerate(self.old):
                self.store.move("task", task_id, self.position + offset, self.section_id)
        self.model.reload()
        if self.old:
            self.model.selectRequested.emit("task", self.old[0][0])

    def undo_it(self):
        with self.store.transaction():
            for task_id, section_id, position in sorted(self.old, key=lambda o: o[2]):
                self.store.move("task", task_id, position, section_id)
        self.model.reload()
        if self.old:
            self.model.selectRequested.emit("task", self.old[0][0])
