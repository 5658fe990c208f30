"""Batched writing of an imported draft's sections, tasks and products (issue 18).

The rows, their agency links and their change-log entries are exactly those that `Store.add_section`,
`add_task` and `add_product` would write one by one (same columns, positions appended after the plan's
existing sections, the same logged values, consecutive Lamport values in creation order), but each table
is written with one `executemany` and the change log with one `changelog.record_many`. Agencies are
resolved first through `Store._ensure_agency`, once per distinct name in order of first appearance (so the
kept spelling and its logged updates are those of the one-by-one path). Call inside a transaction.
"""
from __future__ import annotations

from . import changelog
from .agencies import clean_name
from .domain import ROLE_COORD, ROLE_LEAD
from .text import sanitize

_COLUMNS = {"section": ("title",), "task": ("content",), "product": ("description", "deadline_text")}
_PARENT = {"section": "plan_id", "task": "section_id", "product": "task_id"}


def write_sections(store, plan_id: str, sections, stt=None) -> tuple[int, int, int]:
    """Append `sections` (importer drafts: .title, .tasks[].content, .products[]) to the plan.
    ``stt(task)``: the task's STT as written in the file (stored in ``task.source_stt``). Text passes the same
    boundary sanitiser as every store write. Returns (sections, tasks, products) written."""
    db = store.db
    columns = dict(_COLUMNS)
    numbered = stt is not None and any(r["name"] == "source_stt" for r in db.query("PRAGMA table_info(task)"))
    if numbered:
        columns["task"] = ("content", "source_stt")
    agency_ids: dict[str, str] = {}
    for section in sections:
        for task in section.tasks:
            for product in task.products:
                for name in (*product.leads, *product.coordinators):
                    if name not in agency_ids and clean_name(name):
                        agency_ids[name] = store._ensure_agency(name)

    stamp = changelog.now_iso()
    rows: dict[str, list[tuple]] = {"section": [], "task": [], "product": []}
    links: list[tuple] = []
    log: list[tuple] = []

    def add(entity: str, parent_id: str, position: int, values: tuple) -> str:
        values = tuple(sanitize(v) if isinstance(v, str) else v for v in values)
        row = {"id": changelog.new_id(), "created_at": stamp, "updated_at": stamp,
               **dict(zip(columns[entity], values)), _PARENT[entity]: parent_id, "position": position}
        rows[entity].append(tuple(row.values()))
        log.append((entity, row["id"], "insert", None, None, row))
        return row["id"]

    first = db.query_one("SELECT COUNT(*) FROM section WHERE plan_id = ?", (plan_id,))[0]
    counts = [0, 0, 0]
    for s_pos, section in enumerate(sections, start=first):
        section_id = add("section", plan_id, s_pos, (section.title,))
        counts[0] += 1
        for t_pos, task in enumerate(section.tasks):
            task_id = add("task", section_id, t_pos, (task.content, stt(task)) if numbered else (task.content,))
            counts[1] += 1
            for p_pos, product in enumerate(task.products):
                product_id = add("product", task_id, p_pos, (product.description, product.deadline_text))
                counts[2] += 1
                for role, names in ((ROLE_LEAD, product.leads), (ROLE_COORD, product.coordinators)):
                    seen = set()
                    for position, name in enumerate(n for n in names if clean_name(n)):
                        agency_id = agency_ids[name]
                        if agency_id in seen:
                            continue
                        seen.add(agency_id)
                        links.append((product_id, agency_id, role, position))
                        log.append(("product_agency", product_id, "insert", role, None,
                                    {"agency_id": agency_id, "position": position}))
    for entity in ("section", "task", "product"):
        if rows[entity]:
            names = ("id", "created_at", "updated_at", *columns[entity], _PARENT[entity], "position")
            db.conn.executemany(f"INSERT INTO {entity} ({', '.join(names)}) "
                                f"VALUES ({', '.join('?' for _ in names)})", rows[entity])
    if links:
        db.conn.executemany("INSERT INTO product_agency(product_id, agency_id, role, position) VALUES (?, ?, ?, ?)",
                            links)
    changelog.record_many(db, log, actor=store.actor, at=stamp)
    return counts[0], counts[1], counts[2]
