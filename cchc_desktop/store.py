"""The plan store: every read and write of plans, sections, tasks, products and agencies.

Each public write runs in one transaction and appends to the change log; the UI, the CLI,
importers, reports and the exchange all go through here.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import changelog
from .agencies import clean_name, match_key, preferred_name
from .db import Database
from .domain import ROLE_COORD, ROLE_LEAD, Agency, Plan, Product, Section, Task
from .errors import UserError
from .text import sanitize

ENTITIES = ("plan", "section", "task", "product", "agency")
_PARENT = {"section": "plan_id", "task": "section_id", "product": "task_id"}
_EDITABLE = {
    "plan": {"unit_name", "unit_kind", "superior_body", "title", "year_start", "year_end",
             "doc_number", "doc_date", "status"},
    "section": {"title"},
    "task": {"content", "source_stt"},
    "product": {"description", "deadline_text"},
    "agency": {"name"},
}

# Tasks and products dropped by an amendment (archived_on set) stay in their tables with statuses, evidence and
# history, but are no longer numbered, listed or counted among the live rows (cchc_desktop/planlife/amend.py).
_ARCHIVABLE = ("task", "product")

_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def _clean(value):
    """Every text written to the database passes the boundary sanitiser (text.sanitize)."""
    return sanitize(value) if isinstance(value, str) else value


class StoreError(UserError):
    """A refused write, with a Vietnamese message."""


@dataclass
class ArchivedParts:
    """What plan amendments dropped from a plan (Store.load_archived)."""

    tasks: dict[str, list[Task]] = field(default_factory=dict)         # section id -> archived tasks (with products)
    products: dict[str, list[Product]] = field(default_factory=dict)   # live task id -> its archived products
    dropped_by: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # id -> (doc number, doc date)


class Store:
    def __init__(self, db: Database, actor: str | None = None):
        self.db = db
        self._actor = actor

    @property
    def actor(self) -> str:
        """Who writes (stamped on the change log): given, or the OS user name, looked up at the first write
        (getpass is not imported to open and show a plan, issue 18)."""
        if self._actor is None:
            self._actor = changelog.default_actor()
        return self._actor

    @actor.setter
    def actor(self, value: str | None) -> None:
        self._actor = value

    @classmethod
    def open(cls, path: str | os.PathLike, actor: str | None = None) -> "Store":
        return cls(Database(path), actor)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self):
        with self.db.transaction() as conn:
            yield conn

    # -- generic row operations (logged) -----------------------------------------------------
    def row(self, entity: str, row_id: str) -> dict | None:
        self._check_entity(entity)
        return self.get_row(entity, row_id)

    def _check_entity(self, entity: str) -> None:
        if entity not in ENTITIES:
            raise ValueError(entity)

    # The row gateway: sqlite-utils reads rows as dicts and deletes them (inside the caller's BEGIN IMMEDIATE /
    # SAVEPOINT transaction, which it never commits); the store adds ids, timestamps, versions and the log.
    @property
    def path(self):
        return self.db.path

    @property
    def storage(self) -> str:
        return self.db.storage

    @property
    def schema_version(self) -> int:
        return self.db.schema_version

    def get_row(self, table: str, row_id: str) -> dict | None:
        # plain SQL: the most used read runs at start-up, before sqlite-utils is wanted (issue 18)
        found = self.db.query_one(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        return dict(found) if found is not None else None

    def insert_row(self, table: str, values: dict) -> dict:
        """Insert one row with id/timestamps (inside the caller's transaction) and log it whole."""
        stamp = changelog.now_iso()
        row = {"id": values.get("id") or changelog.new_id(), "created_at": stamp,
               "updated_at": stamp, **{k: _clean(v) for k, v in values.items() if k != "id"}}
        columns = ", ".join(row)       # (raw INSERT: sqlite-utils' insert re-reads the table's schema on
        marks = ", ".join("?" for _ in row)   # every call, which doubled the time of imports and bulk writes)
        self.db.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
        changelog.record(self.db, table, row["id"], "insert", new=row, actor=self.actor)
        return row

    def update_row(self, table: str, row_id: str, fields: dict, current: dict | None = None) -> dict:
        """Write changed fields, bump version, log each field (inside the caller's transaction).

        Returns {field: old value} for the fields that changed."""
        current = current if current is not None else self.get_row(table, row_id)
        if current is None:
            raise StoreError("Dòng dữ liệu không còn tồn tại (có thể đã bị xóa).")
        changed = {k: _clean(v) for k, v in fields.items() if current.get(k) != _clean(v)}
        if not changed:
            return {}
        assigns = ", ".join(f"{k} = ?" for k in changed)     # (version = version + 1: an expression,
        self.db.conn.execute(                                  # which sqlite-utils' update cannot write)
            f"UPDATE {table} SET {assigns}, updated_at = ?, version = version + 1 WHERE id = ?",
            (*changed.values(), changelog.now_iso(), row_id))
        for key, value in changed.items():
            changelog.record(self.db, table, row_id, "update", field=key, old=current.get(key),
                             new=value, actor=self.actor)
        return {k: current.get(k) for k in changed}

    def delete_row(self, table: str, row_id: str) -> dict | None:
        """Delete one row (no cascade handling) and log its last values."""
        current = self.get_row(table, row_id)
        if current is None:
            return None
        self.db.utils[table].delete(row_id)
        changelog.record(self.db, table, row_id, "delete", old=current, actor=self.actor)
        return current

    def _insert(self, entity: str, values: dict) -> str:
        return self.insert_row(entity, values)["id"]

    def update(self, entity: str, row_id: str, **fields) -> dict:
        """Change editable fields of a core row; logs each changed field. Returns {field: old value}."""
        self._check_entity(entity)
        unknown = set(fields) - _EDITABLE[entity]
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        with self.transaction():
            return self.update_row(entity, row_id, fields)

    def _siblings(self, entity: str, parent_id: str, live: bool = True) -> list[str]:
        """Ids under a parent in order; archived tasks/products (dropped by an amendment) only when not `live`."""
        col = _PARENT[entity]
        where = self._live(entity) if live else ""
        return [r[0] for r in self.db.query(
            f"SELECT id FROM {entity} WHERE {col} = ?{where} ORDER BY position, created_at", (parent_id,))]

    def _live(self, entity: str, alias: str = "") -> str:
        """SQL condition " AND archived_on = ''" for archivable tables (nothing on a database older than it)."""
        cache = self.__dict__.setdefault("_live_cache", {})
        if entity not in cache:
            cache[entity] = entity in _ARCHIVABLE and any(
                r["name"] == "archived_on" for r in self.db.query(f"PRAGMA table_info({entity})"))
        return f" AND {alias or entity}.archived_on = ''" if cache[entity] else ""

    def _renumber(self, entity: str, ordered_ids: list[str]) -> None:
        for index, row_id in enumerate(ordered_ids):
            old = self.db.query_one(f"SELECT position FROM {entity} WHERE id = ?", (row_id,))[0]
            if old != index:
                self.db.conn.execute(
                    f"UPDATE {entity} SET position = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                    (index, changelog.now_iso(), row_id))
                changelog.record(self.db, entity, row_id, "update", field="position", old=old,
                                 new=index, actor=self.actor)

    def _place(self, entity: str, parent_id: str, values: dict, position: int | None) -> str:
        col = _PARENT[entity]
        if values.get("archived_on"):   # restoring an archived row: it keeps its old place, outside the numbering
            return self._insert(entity, {**values, col: parent_id, "position": position or 0})
        count = self.db.query_one(f"SELECT COUNT(*) FROM {entity} WHERE {col} = ?{self._live(entity)}",
                                  (parent_id,))[0]
        row_id = self._insert(entity, {**values, col: parent_id, "position": count})
        if position is not None and position < count:
            siblings = [s for s in self._siblings(entity, parent_id) if s != row_id]
            siblings.insert(max(0, position), row_id)
            self._renumber(entity, siblings)
        return row_id

    def move(self, entity: str, row_id: str, position: int, parent_id: str | None = None) -> None:
        """Move a section/task/product to `position` (0-based), optionally under a new parent."""
        col = _PARENT[entity]
        with self.transaction():
            current = self.row(entity, row_id)
            if current is None:
                raise StoreError("Dòng dữ liệu không còn tồn tại (có thể đã bị xóa).")
            old_parent = current[col]
            new_parent = parent_id or old_parent
            if new_parent != old_parent:
                self.db.conn.execute(
                    f"UPDATE {entity} SET {col} = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                    (new_parent, changelog.now_iso(), row_id))
                changelog.record(self.db, entity, row_id, "update", field=col, old=old_parent,
                                 new=new_parent, actor=self.actor)
                self._renumber(entity, self._siblings(entity, old_parent))
            siblings = [s for s in self._siblings(entity, new_parent) if s != row_id]
            siblings.insert(max(0, min(position, len(siblings))), row_id)
            self._renumber(entity, siblings)

    def delete(self, entity: str, row_id: str) -> None:
        """Delete a row and everything under it (each deleted row logged)."""
        with self.transaction():
            current = self.row(entity, row_id)
            if current is None:
                return
            for child_entity, child_ids in self._children(entity, row_id):
                for child_id in child_ids:
                    self.delete(child_entity, child_id)
            if entity == "product":
                for link in self.db.query("SELECT * FROM product_agency WHERE product_id = ?", (row_id,)):
                    self._unlink(row_id, link["agency_id"], link["role"])
            self._delete_attached(entity, row_id)
            self.delete_row(entity, row_id)
            if entity in _PARENT:
                self._renumber(entity, self._siblings(entity, current[_PARENT[entity]]))

    # -- rows of other modules attached to a core row (status, evidence, targets...) ----------
    _CORE_TABLES = frozenset(ENTITIES) | {"agency_alias", "product_agency", "change_log", "meta"}

    def _attached_tables(self, table: str) -> list[tuple[str, str]]:
        """(table, column) pairs whose foreign key points at `table`, outside the core hierarchy."""
        cache = self.__dict__.setdefault("_attached_cache", {})
        if table not in cache:
            found = []
            for (name,) in self.db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
                if name in self._CORE_TABLES or name.startswith("sqlite_"):
                    continue
                for fk in self.db.query(f"PRAGMA foreign_key_list({name})"):
                    if fk["table"] == table and fk["to"] == "id":
                        found.append((name, fk["from"]))
            cache[table] = found
        return cache[table]

    def _attached_rows(self, table: str, row_id: str) -> list[dict]:
        shots = []
        for child, column in self._attached_tables(table):
            for row in self.db.query(f"SELECT * FROM {child} WHERE {column} = ?", (row_id,)):
                shots.append({"table": child, "row": dict(row),
                              "attached": self._attached_rows(child, row["id"])})
        return shots

    def _delete_attached(self, table: str, row_id: str) -> None:
        for shot in self._attached_rows(table, row_id):
            self._delete_attached(shot["table"], shot["row"]["id"])
            self.delete_row(shot["table"], shot["row"]["id"])

    def _restore_attached(self, shots: list[dict]) -> None:
        for shot in shots:
            row = shot["row"]
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            self.db.conn.execute(f"INSERT INTO {shot['table']} ({columns}) VALUES ({marks})", tuple(row.values()))
            changelog.record(self.db, shot["table"], row["id"], "insert", new=row, actor=self.actor)
            self._restore_attached(shot["attached"])

    def _children(self, entity: str, row_id: str):
        child = {"plan": "section", "section": "task", "task": "product"}.get(entity)
        if child:
            yield child, self._siblings(child, row_id, live=False)

    # -- plans --------------------------------------------------------------------------------
    def create_plan(self, unit_name: str, year_start: int, year_end: int | None = None, **fields) -> str:
        values = {"unit_name": unit_name, "year_start": year_start,
                  "year_end": year_end if year_end is not None else year_start, **fields}
        unknown = set(values) - _EDITABLE["plan"] - {"id"}
        if unknown:
            raise ValueError(f"unknown plan fields: {sorted(unknown)}")
        with self.transaction():
            return self._insert("plan", values)

    def list_plans(self) -> list[dict]:
        """Every plan with its task count; `is_demo` marks the plan created as the demo plan."""
        return [dict(r) for r in self.db.query(
            "SELECT p.*, (SELECT COUNT(*) FROM task t JOIN section s ON s.id = t.section_id "
            "WHERE s.plan_id = p.id) AS task_count, "
            "p.id = (SELECT value FROM meta WHERE key = 'demo_plan_id') AS is_demo "
            "FROM plan p ORDER BY year_start DESC, unit_name")]

    def duplicate_plan(self, plan_id: str, **overrides) -> str:
        """Copy a plan with all its sections, tasks, products and agency links (new UUIDs)."""
        source = self.load_plan(plan_id)
        with self.transaction():
            fields = {k: getattr(source, k) for k in _EDITABLE["plan"]}
            fields.update(status="draft", **overrides)
            new_plan = self._insert("plan", fields)
            for section in source.sections:
                new_section = self._place("section", new_plan, {"title": section.title}, None)
                for task in section.tasks:
                    new_task = self._place("task", new_section,
                                           self._task_values(new_section, task.content, task.source_stt), None)
                    for product in task.products:
                        self._add_product(new_task, product.description, product.deadline_text,
                                          [a.name for a in product.leads],
                                          [a.name for a in product.coordinators], None)
            return new_plan

    # -- sections, tasks, products ------------------------------------------------------------
    def add_section(self, plan_id: str, title: str, position: int | None = None) -> str:
        with self.transaction():
            return self._place("section", plan_id, {"title": title}, position)

    def add_task(self, section_id: str, content: str = "", position: int | None = None,
                 source_stt: str | None = None) -> str:
        """Add a task; without ``source_stt`` it gets the next number in the plan's numbering scheme."""
        with self.transaction():
            return self._place("task", section_id, self._task_values(section_id, content, source_stt), position)

    def _task_values(self, section_id: str, content: str, source_stt: str | None) -> dict:
        """A new task's columns; the STT only where the schema has it (a store opened on an older schema, e.g.
        to export a package, writes what that schema holds)."""
        if "source_stt" not in self._columns("task"):
            return {"content": content}
        if source_stt is None:
            from .numbering import next_stt
            source_stt = next_stt(self, section_id)
        return {"content": content, "source_stt": source_stt}

    def _columns(self, table: str) -> frozenset[str]:
        cache = self.__dict__.setdefault("_columns_cache", {})
        key = (table, self.db.schema_version)   # a migration in between adds columns
        if key not in cache:
            cache[key] = frozenset(r["name"] for r in self.db.query(f"PRAGMA table_info({table})"))
        return cache[key]

    def add_product(self, task_id: str, description: str = "", deadline_text: str = "",
                    leads: list[str] | None = None, coordinators: list[str] | None = None,
                    position: int | None = None) -> str:
        with self.transaction():
            return self._add_product(task_id, description, deadline_text, leads or [], coordinators or [],
                                     position)

    def add_product_like(self, task_id: str, position: int | None = None, like: str | None = None) -> str:
        """A new product row that starts like the row it follows — the product ``like`` (the row above), else the
        task's last product: same lead and coordinating agencies and deadline, empty description, all editable."""
        with self.transaction():
            if like is None:
                last = self.db.query_one("SELECT id FROM product WHERE task_id = ? ORDER BY position DESC, "
                                         "created_at DESC LIMIT 1", (task_id,))
                like = last[0] if last else None
            source = self.get_row("product", like) if like else None
            if source is None:
                return self._add_product(task_id, "", "", [], [], position)
            return self._add_product(task_id, "", source["deadline_text"], self.agency_names(like, ROLE_LEAD),
                                     self.agency_names(like, ROLE_COORD), position)

    def _add_product(self, task_id, description, deadline_text, leads, coordinators, position) -> str:
        product_id = self._place("product", task_id,
                                 {"description": description, "deadline_text": deadline_text}, position)
        self._set_agencies(product_id, ROLE_LEAD, leads)
        self._set_agencies(product_id, ROLE_COORD, coordinators)
        return product_id

    def set_agencies(self, product_id: str, role: str, names: list[str]) -> list[str]:
        """Replace the lead or coordinating agencies of a product row. Returns the old names."""
        with self.transaction():
            old = self.agency_names(product_id, role)
            self._set_agencies(product_id, role, names)
            return old

    def agency_names(self, product_id: str, role: str) -> list[str]:
        return [r[0] for r in self.db.query(
            "SELECT a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
            "WHERE pa.product_id = ? AND pa.role = ? ORDER BY pa.position", (product_id, role))]

    def agency_links(self, product_id: str, role: str) -> list[Agency]:
        """The lead or coordinating agencies of a product row, in order."""
        return [Agency(r[0], r[1]) for r in self.db.query(
            "SELECT a.id, a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
            "WHERE pa.product_id = ? AND pa.role = ? ORDER BY pa.position", (product_id, role))]

    def _set_agencies(self, product_id: str, role: str, names: list[str]) -> None:
        if role not in (ROLE_LEAD, ROLE_COORD):
            raise ValueError(role)
        for link in self.db.query("SELECT agency_id FROM product_agency WHERE product_id = ? AND role = ?",
                                  (product_id, role)):
            self._unlink(product_id, link[0], role)
        seen = set()
        for position, name in enumerate(n for n in names if clean_name(n)):
            agency_id = self._ensure_agency(name)
            if agency_id in seen:
                continue
            seen.add(agency_id)
            self._link(product_id, agency_id, role, position)

    def _link(self, product_id: str, agency_id: str, role: str, position: int) -> None:
        self.db.conn.execute(
            "INSERT INTO product_agency(product_id, agency_id, role, position) VALUES (?, ?, ?, ?)",
            (product_id, agency_id, role, position))
        changelog.record(self.db, "product_agency", product_id, "insert", field=role,
                         new={"agency_id": agency_id, "position": position}, actor=self.actor)

    def _unlink(self, product_id: str, agency_id: str, role: str) -> None:
        found = self.db.query_one("SELECT position FROM product_agency WHERE product_id = ? AND agency_id = ? "
                                  "AND role = ?", (product_id, agency_id, role))
        self.db.conn.execute("DELETE FROM product_agency WHERE product_id = ? AND agency_id = ? AND role = ?",
                             (product_id, agency_id, role))
        changelog.record(self.db, "product_agency", product_id, "delete", field=role,
                         old={"agency_id": agency_id, "position": found[0] if found else 0}, actor=self.actor)

    # -- agencies -----------------------------------------------------------------------------
    def find_agency(self, name: str) -> str | None:
        key = match_key(name)
        row = self.db.query_one("SELECT id FROM agency WHERE match_key = ?", (key,))
        if row:
            return row[0]
        row = self.db.query_one("SELECT agency_id FROM agency_alias WHERE match_key = ?", (key,))
        return row[0] if row else None

    def ensure_agency(self, name: str) -> str:
        with self.transaction():
            return self._ensure_agency(name)

    def _ensure_agency(self, name: str) -> str:
        name = clean_name(name)
        if not name:
            raise StoreError("Tên cơ quan không được để trống.")
        existing = self.find_agency(name)
        if existing:
            current = self.row("agency", existing)
            better = preferred_name(current["name"], name)
            if better != current["name"] and match_key(better) == current["match_key"]:
                self.update("agency", existing, name=better)
            return existing
        return self._insert("agency", {"name": name, "match_key": match_key(name)})

    def add_alias(self, agency_id: str, alias: str) -> None:
        """Declare that `alias` (another spelling) means this agency."""
        key = match_key(alias)
        with self.transaction():
            self.db.conn.execute(
                "INSERT INTO agency_alias(match_key, alias, agency_id) VALUES (?, ?, ?) "
                "ON CONFLICT(match_key) DO UPDATE SET agency_id = excluded.agency_id, alias = excluded.alias",
                (key, clean_name(alias), agency_id))
            changelog.record(self.db, "agency_alias", agency_id, "insert", field="alias",
                             new=clean_name(alias), actor=self.actor)

    def agencies(self) -> list[Agency]:
        aliases: dict[str, list[str]] = {}
        for row in self.db.query("SELECT agency_id, alias FROM agency_alias ORDER BY alias"):
            aliases.setdefault(row[0], []).append(row[1])
        from .text import sort_key
        found = [Agency(r["id"], r["name"], aliases.get(r["id"], []))
                 for r in self.db.query("SELECT id, name FROM agency")]
        return sorted(found, key=lambda a: sort_key(a.name))

    # -- reading a whole plan -----------------------------------------------------------------
    def load_plan(self, plan_id: str) -> Plan:
        row = self.row("plan", plan_id)
        if row is None:
            raise StoreError("Không tìm thấy kế hoạch (có thể đã bị xóa).")
        plan = Plan(**{k: row[k] for k in ("id", "unit_name", "unit_kind", "superior_body", "title",
                                           "year_start", "year_end", "doc_number", "doc_date", "status")})
        # Plain tuples (no sqlite3.Row), joins driven from the plan's sections, positions sorted here
        # rather than by SQLite's temporary B-trees, one Agency object per agency: a 20,000-task plan
        # loads in about half the time and memory (issue 18).
        def rows(sql, order: int | None = None, params: tuple = (plan_id,)):
            with self.db._lock:
                cursor = self.db.conn.cursor()
                cursor.row_factory = None
                found = cursor.execute(sql, params).fetchall()
            if order is not None:
                found.sort(key=lambda r: r[order])
            return found
        sections = {}
        for sid, position, title in rows("SELECT id, position, title FROM section WHERE plan_id = ? "
                                         "ORDER BY position"):
            section = Section(sid, plan_id, position, roman(position + 1), title)
            sections[sid] = section
            plan.sections.append(section)
        tasks = {}
        has_stt = self.__dict__.setdefault("_stt_cache", {}).get("task")
        if has_stt is None:
            has_stt = self._stt_cache["task"] = any(r["name"] == "source_stt"
                                                    for r in self.db.query("PRAGMA table_info(task)"))
        stt_col = "t.source_stt" if has_stt else "''"
        live_t, live_p = self._live("task", "t"), self._live("product", "p")
        for tid, section_id, position, content, stt in rows(
                f"SELECT t.id, t.section_id, t.position, t.content, {stt_col} FROM section s "
                "JOIN task t ON t.section_id = s.id WHERE s.plan_id = ?" + live_t, order=2):
            task = Task(tid, section_id, position, content, source_stt=stt or "")
            tasks[tid] = task
            sections[section_id].tasks.append(task)
        products = {}
        if len(tasks) * 2 >= self.db.query_one("SELECT COUNT(*) FROM task")[0]:
            # (nearly) the only plan in the file: one scan of the products, kept when their (live) task is loaded,
            # instead of an index search per task (20,000 tasks: 120 → 50 ms; ties in position keep the index's
            # order, the row id, either way)
            found = [r for r in rows("SELECT id, task_id, position, description, deadline_text FROM product "
                                     "WHERE 1" + self._live("product"), order=2, params=()) if r[1] in tasks]
        else:
            found = rows("SELECT p.id, p.task_id, p.position, p.description, p.deadline_text FROM section s "
                         "JOIN task t ON t.section_id = s.id JOIN product p ON p.task_id = t.id WHERE s.plan_id = ?"
                         + live_t + live_p, order=2)
        for pid, task_id, position, description, deadline_text in found:
            product = Product(pid, task_id, position, description, deadline_text)
            products[pid] = product
            tasks[task_id].products.append(product)
        if len(products) * 2 >= self.db.query_one("SELECT COUNT(*) FROM product")[0]:
            # (nearly) the only plan in the file: one pass over all the links, kept when their product is
            # loaded, costs a third of an index search per product (issue 18: 5,000 tasks, 16,000 links)
            links = [r for r in rows("SELECT product_id, role, agency_id, position FROM product_agency", params=())
                     if r[0] in products]
            links.sort(key=lambda r: (r[3], r[2]))   # (ties as the join gives them: by agency id)
        else:
            links = rows("SELECT pa.product_id, pa.role, pa.agency_id, pa.position FROM section s "
                         "JOIN task t ON t.section_id = s.id JOIN product p ON p.task_id = t.id "
                         "JOIN product_agency pa ON pa.product_id = p.id WHERE s.plan_id = ?" + live_t + live_p,
                         order=3)
        if links:
            names = dict(self.db.query("SELECT id, name FROM agency"))
            agencies: dict[str, Agency] = {}
            for product_id, role, agency_id, _position in links:
                agency = agencies.get(agency_id)
                if agency is None:
                    agency = agencies[agency_id] = Agency(agency_id, names[agency_id])
                product = products[product_id]
                (product.leads if role == ROLE_LEAD else product.coordinators).append(agency)
        return plan

    def load_archived(self, plan_id: str) -> "ArchivedParts":
        """The tasks and products a plan amendment dropped (what `load_plan` leaves out), as domain objects at
        their last position, with the amendment that dropped each: for the table's «Hiện nhiệm vụ đã bỏ».
        Not at start-up (only when asked), so it reads through sqlite-utils' `db.query`."""
        parts = ArchivedParts()
        if not self._live("task"):
            return parts                  # a database older than amendments
        query = self.db.utils.query
        amendments = {r["id"]: (r["doc_number"], r["doc_date"]) for r in query(
            "SELECT id, doc_number, doc_date FROM plan_amendment WHERE plan_id = ?", (plan_id,))}
        tasks: dict[str, Task] = {}
        products: dict[str, Product] = {}
        for r in query("SELECT t.id, t.section_id, t.position, t.content, t.source_stt, t.amendment_id FROM task t "
                       "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? AND t.archived_on <> '' "
                       "ORDER BY t.position, t.created_at", (plan_id,)):
            task = tasks[r["id"]] = Task(r["id"], r["section_id"], r["position"], r["content"],
                                         source_stt=r["source_stt"] or "")
            parts.tasks.setdefault(r["section_id"], []).append(task)
            parts.dropped_by[task.id] = amendments.get(r["amendment_id"])
        for r in query("SELECT p.id, p.task_id, p.position, p.description, p.deadline_text, p.amendment_id, "
                       "p.archived_on, t.archived_on AS task_archived FROM product p JOIN task t ON t.id = p.task_id "
                       "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
                       "AND (p.archived_on <> '' OR t.archived_on <> '') ORDER BY p.position, p.created_at",
                       (plan_id,)):
            product = products[r["id"]] = Product(r["id"], r["task_id"], r["position"], r["description"],
                                                  r["deadline_text"])
            if r["task_archived"]:
                tasks[r["task_id"]].products.append(product)
                parts.dropped_by[product.id] = parts.dropped_by[r["task_id"]]
            else:
                parts.products.setdefault(r["task_id"], []).append(product)
                parts.dropped_by[product.id] = amendments.get(r["amendment_id"])
        if products:
            marks = ",".join("?" * len(products))
            for r in query(f"SELECT pa.product_id, pa.role, a.id, a.name FROM product_agency pa "
                           f"JOIN agency a ON a.id = pa.agency_id WHERE pa.product_id IN ({marks}) "
                           "ORDER BY pa.role, pa.position", list(products)):
                product = products[r["product_id"]]
                (product.leads if r["role"] == ROLE_LEAD else product.coordinators).append(Agency(r["id"], r["name"]))
        return parts

    def history(self, row_id: str | None = None, limit: int = 500) -> list[dict]:
        return changelog.history(self.db, row_id, limit)

    # -- snapshots (undo of deletes, exchange) ------------------------------------------------
    def snapshot(self, entity: str, row_id: str) -> dict | None:
        """The row and everything under it, enough to restore it exactly with `restore()`."""
        current = self.row(entity, row_id)
        if current is None:
            return None
        shot = {"entity": entity, "row": current, "children": [],
                "attached": self._attached_rows(entity, row_id)}
        if entity == "product":
            shot["links"] = [dict(r) for r in self.db.query(
                "SELECT pa.role, pa.position, a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
                "WHERE pa.product_id = ? ORDER BY pa.role, pa.position", (row_id,))]
        for child_entity, child_ids in self._children(entity, row_id):
            shot["children"] = [self.snapshot(child_entity, cid) for cid in child_ids]
        return shot

    def restore(self, shot: dict) -> str:
        """Re-insert a deleted subtree with its original ids at its original position."""
        with self.transaction():
            entity, row = shot["entity"], dict(shot["row"])
            values = {k: v for k, v in row.items() if k not in ("created_at", "updated_at", "version")}
            if entity in _PARENT:
                parent_id = values.pop(_PARENT[entity])
                position = values.pop("position")
                row_id = self._place(entity, parent_id, values, position)
            else:
                row_id = self._insert(entity, values)
            if entity == "product":
                for role in (ROLE_LEAD, ROLE_COORD):
                    self._set_agencies(row_id, role, [l["name"] for l in shot.get("links", [])
                                                      if l["role"] == role])
            self._restore_attached(shot.get("attached", []))
            for child in shot["children"]:
                self.restore(child)
            return row_id
