"""Agency groups, per-plan agency lists and the merge of spelling variants (Qt-free).

* A *group* is a generic phrase written in the agency columns ("Các cơ quan, đơn vị có liên quan", "Các cơ quan
  đơn vị liên quan", "Các cơ quan, đơn vị trên địa bàn xã"): it stays in the text of the plan but is not an
  agency — it gets no update workbook, no reminder letter and no section of the per-agency list. Recognised on
  the folded text without punctuation (:func:`is_group`).
* Each plan has its own agency list: the agencies its products name (:func:`plan_agency_names`); the demo
  plan's agencies never appear in the suggestions of another plan.
* Spelling variants ("Văn phòng HĐND-UBND", "Văn phòng HĐND và UBND") are merged only after the user confirms a
  proposed pair (:func:`merge_candidates`, :func:`merge_agencies`); a merge is undone by :func:`undo_merge`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import changelog
from .agencies import match_key
from .store import Store, StoreError

_GROUP_OPENERS = ("cac ", "nhung ", "moi ", "toan the ", "tat ca ")
_GROUP_WORDS = ("co quan", "don vi", "phong", "ban", "nganh", "to chuc", "doan the", "thon", "to dan pho", "khu pho",
                "xa", "phuong", "cong chuc", "bo phan", "ca nhan")
_STOP_RE = re.compile(r"\b(va|co|lien quan|tren dia ban|thuoc|truc thuoc|cua)\b")


def _key(name: str) -> str:
    return " ".join(match_key(name).split())


@lru_cache(maxsize=8192)
def is_group(name: str) -> bool:
    """True for a generic phrase naming several bodies ("Các cơ quan, đơn vị có liên quan"), whatever its
    accents, capitals or punctuation. Remembered per name (a plan names a few dozen agencies on every product:
    the filter's lead list asked 31,851 times at 20,000 tasks, issue 18)."""
    key = _key(name)
    if not key:
        return False
    if key.startswith(_GROUP_OPENERS):
        return True
    rest = _STOP_RE.sub(" ", key)
    return "lien quan" in key and all(w in " ".join(_GROUP_WORDS) for w in rest.split())


GROUP_LABEL = "Các cơ quan, đơn vị (chung)"   # where counts and filters gather the products a group phrase leads
GROUP_ID = "@group"                            # the filter choice of those products (never an agency id)


def lead_bucket(leads) -> list[str]:
    """The one row a product is counted in per lead agency (tables that add up): its first lead that is an
    agency; «Các cơ quan, đơn vị (chung)» when only group phrases lead it; [] without any lead."""
    names = list(leads)
    real = [n for n in names if not is_group(n)]
    return real[:1] or ([GROUP_LABEL] if names else [])


def plan_agency_names(store: Store, plan_id: str, *, groups: bool = True, role: str | None = None) -> list[str]:
    """The agencies named by this plan's products (leads and coordinators, or one ``role``), in plan order;
    without ``groups`` the generic group phrases are left out."""
    sql = ("SELECT a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
           "JOIN product p ON p.id = pa.product_id JOIN task t ON t.id = p.task_id "
           "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ?")
    params: tuple = (plan_id,)
    if role:
        sql += " AND pa.role = ?"
        params += (role,)
    sql += " ORDER BY s.position, t.position, p.position, pa.role DESC, pa.position"
    seen: dict[str, None] = {}
    for (name,) in store.db.query(sql, params):
        if groups or not is_group(name):
            seen.setdefault(name, None)
    return list(seen)


@dataclass(frozen=True)
class MergeCandidate:
    keep_id: str
    keep_name: str
    other_id: str
    other_name: str
    similarity: float


def merge_candidates(store: Store, plan_id: str, threshold: float = 0.86) -> list[MergeCandidate]:
    """Pairs of this plan's agencies whose names look like spellings of one agency (for the user to confirm).
    The longer (more complete) name is proposed as the one kept. Groups are never proposed."""
    from difflib import SequenceMatcher

    rows = store.db.query(
        "SELECT DISTINCT a.id, a.name FROM product_agency pa JOIN agency a ON a.id = pa.agency_id "
        "JOIN product p ON p.id = pa.product_id JOIN task t ON t.id = p.task_id "
        "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? ORDER BY a.name", (plan_id,))
    agencies = [(r["id"], r["name"], _key(r["name"]).replace(" va ", " ")) for r in rows if not is_group(r["name"])]
    out = []
    for i, (id_a, name_a, key_a) in enumerate(agencies):
        for id_b, name_b, key_b in agencies[i + 1:]:
            ratio = SequenceMatcher(None, key_a, key_b).ratio()
            if ratio >= threshold or key_a.replace(" ", "") == key_b.replace(" ", ""):
                (keep, keep_name), (other, other_name) = sorted(((id_a, name_a), (id_b, name_b)),
                                                                key=lambda x: -len(x[1]))
                out.append(MergeCandidate(keep, keep_name, other, other_name, round(ratio, 3)))
    return sorted(out, key=lambda c: -c.similarity)


def merge_pairs(store: Store, pairs: list[MergeCandidate]) -> int:
    """Merge each chosen pair (the «Gộp tên cơ quan» dialog and ``main.py merge-agencies``), a name already merged
    away never twice; returns how many names were merged."""
    merged: set[str] = set()
    with store.transaction():
        for c in pairs:
            if c.other_id in merged or c.keep_id in merged:
                continue
            merge_agencies(store, c.keep_id, c.other_id)
            merged.add(c.other_id)
    return len(merged)


def merge_agencies(store: Store, keep_id: str, other_id: str) -> dict:
    """Move every link of ``other_id`` to ``keep_id``, remember its spelling as an alias, delete it (logged, one
    transaction). Returns what :func:`undo_merge` needs."""
    if keep_id == other_id:
        raise StoreError("Hai tên là cùng một cơ quan.")
    with store.transaction():
        other = store.get_row("agency", other_id)
        keep = store.get_row("agency", keep_id)
        if other is None or keep is None:
            raise StoreError("Cơ quan không còn tồn tại (có thể đã được hợp nhất).")
        links = [dict(r) for r in store.db.query("SELECT * FROM product_agency WHERE agency_id = ?", (other_id,))]
        aliases = [dict(r) for r in store.db.query("SELECT * FROM agency_alias WHERE agency_id = ?", (other_id,))]
        moved = []
        # every step is a logged link/alias/row change that the core's undo (cchc_desktop.ops) can replay back
        for link in links:
            store._unlink(link["product_id"], other_id, link["role"])
            exists = store.db.query_one("SELECT 1 FROM product_agency WHERE product_id = ? AND agency_id = ? "
                                        "AND role = ?", (link["product_id"], keep_id, link["role"]))
            if not exists:
                store._link(link["product_id"], keep_id, link["role"], link["position"])
                moved.append(link)
        for alias in aliases:                       # the other name's own aliases now point to the kept agency
            store.db.conn.execute("DELETE FROM agency_alias WHERE match_key = ?", (alias["match_key"],))
            changelog.record(store.db, "agency_alias", other_id, "delete", field="alias", old=alias["alias"],
                             actor=store.actor)
            store.db.conn.execute("INSERT INTO agency_alias(match_key, alias, agency_id) VALUES (?, ?, ?)",
                                  (alias["match_key"], alias["alias"], keep_id))
            changelog.record(store.db, "agency_alias", keep_id, "insert", field="alias", new=alias["alias"],
                             actor=store.actor)
        store.delete_row("agency", other_id)
        store.db.conn.execute(
            "INSERT INTO agency_alias(match_key, alias, agency_id) VALUES (?, ?, ?) "
            "ON CONFLICT(match_key) DO UPDATE SET agency_id = excluded.agency_id, alias = excluded.alias",
            (other["match_key"], other["name"], keep_id))
        changelog.record(store.db, "agency_alias", keep_id, "insert", field="alias", new=other["name"],
                         actor=store.actor)
    return {"keep_id": keep_id, "other": other, "links": links, "moved": moved, "aliases": aliases}


def undo_merge(store: Store, undo: dict) -> None:
    """Put the merged agency back with its own links and aliases."""
    other, keep_id = undo["other"], undo["keep_id"]
    with store.transaction():
        store.db.conn.execute("DELETE FROM agency_alias WHERE match_key = ?", (other["match_key"],))
        row = {k: v for k, v in other.items()}
        columns = ", ".join(row)
        store.db.conn.execute(f"INSERT INTO agency ({columns}) VALUES ({', '.join('?' for _ in row)})",
                              tuple(row.values()))
        changelog.record(store.db, "agency", other["id"], "insert", new=row, actor=store.actor)
        for link in undo["moved"]:
            store.db.conn.execute("DELETE FROM product_agency WHERE product_id = ? AND agency_id = ? AND role = ?",
                                  (link["product_id"], keep_id, link["role"]))
        for link in undo["links"]:
            store.db.conn.execute("INSERT INTO product_agency(product_id, agency_id, role, position) "
                                  "VALUES (?, ?, ?, ?)", (link["product_id"], other["id"], link["role"],
                                                          link["position"]))
            changelog.record(store.db, "product_agency", link["product_id"], "update", field=link["role"],
                             old={"agency_id": keep_id}, new={"agency_id": other["id"]}, actor=store.actor)
        for alias in undo["aliases"]:
            store.db.conn.execute("UPDATE agency_alias SET agency_id = ? WHERE match_key = ?",
                                  (other["id"], alias["match_key"]))
