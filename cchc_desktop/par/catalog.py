"""Criteria catalogues (Bộ Chỉ số CCHC cấp xã) per year: read from the province's table, validated, stored.

A catalogue table has one row per area / criterion / sub-criterion with a code (STT), a title, the maximum points
and optionally the scoring guide, the documents required and a rule the app can evaluate (see scoring.py). Columns
are found by their header text, like the appendix importer. Levels come from the code: "I" (Roman) is an area, then
"1" and "1.1"; or, without Roman numerals, "1" area, "1.1" criterion, "1.1.1" sub-criterion. A catalogue whose
codes repeat, whose levels jump, or whose children's maximum points do not add up to their parent's is refused
with the row named; nothing is written.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..importers.model import ImportFailure
from ..importers.rows import RawTable, header_key
from ..resources import resource_path
from ..store import Store, StoreError
from ..text import clean_cell, fold
from .rules import parse_rule

_ROMAN_RE = re.compile(r"^[IVXLC]+$")
_CODE_RE = re.compile(r"^(\d+)(\.\d+)*$")
EXAMPLE_FILE = ("par", "vi-du-bo-chi-so-cchc-cap-xa.json")
EXAMPLE_LABEL = "VÍ DỤ MINH HỌA — không phải Bộ Chỉ số chính thức của tỉnh nào"

# field -> folded header texts (exact) and folded prefixes
_HEADERS = {
    "code": ("stt", "tt", "ma", "ma so", "ma tieu chi", "so tt", "so thu tu"),
    "title": ("linh vuc/tieu chi/tieu chi thanh phan", "linh vuc, tieu chi, tieu chi thanh phan", "noi dung",
              "tieu chi", "ten tieu chi", "linh vuc/tieu chi", "noi dung tieu chi", "tieu chi/tieu chi thanh phan"),
    "max_points": ("diem toi da", "diem chuan", "thang diem", "diem", "so diem toi da"),
    "guide": ("huong dan cham", "huong dan cham diem", "cach cham diem", "cach cham", "phuong phap cham diem",
              "huong dan"),
    "required_docs": ("tai lieu kiem chung", "tai lieu kiem chung yeu cau", "tai lieu kiem chung can co"),
    "rule": ("cach tinh tu dong", "quy tac tu dong", "quy tac tinh diem"),
}
_REQUIRED = ("code", "title", "max_points")
FIELD_LABELS = {"code": "Mã/STT", "title": "Tiêu chí", "max_points": "Điểm tối đa"}


@dataclass
class CriterionDraft:
    code: str
    title: str
    max_points: float
    guide: str = ""
    required_docs: str = ""
    rule: str = ""
    level: int = 0
    parent_code: str | None = None
    row: int | None = None
    sheet: str = ""


@dataclass
class CatalogDraft:
    name: str
    year: int
    source: str = ""
    is_example: bool = False
    criteria: list[CriterionDraft] = field(default_factory=list)

    @property
    def areas(self) -> list[CriterionDraft]:
        return [c for c in self.criteria if c.level == 1]

    @property
    def total_points(self) -> float:
        return sum(c.max_points for c in self.areas)


# ------------------------------------------------------------------------------------------------ reading

def _match_header(text: str) -> str | None:
    key = header_key(text)
    for name, options in _HEADERS.items():
        if key in options:
            return name
    for name, options in _HEADERS.items():
        if any(len(o) >= 6 and key.startswith(o) for o in options):
            return name
    return None


def _header(table: RawTable) -> tuple[int, dict[str, int]] | None:
    for index, raw in enumerate(table.rows[:15]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(raw.cells):
            name = _match_header(cell) if cell.strip() else None
            if name and name not in columns:
                columns[name] = col
        if all(f in columns for f in _REQUIRED):
            return index, columns
    return None


def _points(text: str, *, file: str, sheet: str, row: int) -> float:
    value = clean_cell(text).replace(" ", "").replace(",", ".")
    try:
        points = float(value)
    except ValueError:
        raise ImportFailure(f"điểm tối đa «{clean_cell(text)}» không phải là số.", file=file, sheet=sheet, row=row,
                            column=FIELD_LABELS["max_points"]) from None
    if points < 0 or points > 1000:
        raise ImportFailure(f"điểm tối đa {clean_cell(text)} không hợp lệ.", file=file, sheet=sheet, row=row,
                            column=FIELD_LABELS["max_points"])
    return points


def _normal_code(text: str) -> str:
    return clean_cell(text).replace(" ", "").rstrip(".").upper()


def rows_from_table(table: RawTable, *, file: str) -> list[CriterionDraft]:
    """The criteria rows of one table (header found by its texts), levels not yet assigned."""
    found = _header(table)
    if found is None:
        raise ImportFailure("không tìm thấy dòng tiêu đề có các cột «STT/Mã», «Tiêu chí» và «Điểm tối đa».",
                            file=file, sheet=table.sheet)
    start, cols = found
    out: list[CriterionDraft] = []
    for raw in table.rows[start + 1:]:
        cells = raw.cells + [""] * (table.column_count - len(raw.cells))

        def get(name: str) -> str:
            return clean_cell(cells[cols[name]]) if name in cols and cols[name] < len(cells) else ""

        code, title, points = get("code"), get("title"), get("max_points")
        if not (code or title or points):
            continue
        if code and title and header_key(title) == header_key(code):
            continue
        if code.strip() in ("1", "(1)") and title.strip() in ("2", "(2)"):
            continue                                   # the "(1) (2) (3)" column-number row
        if not code:
            if out and not points:                     # a continuation line of the previous row's text
                out[-1].title = f"{out[-1].title}\n{title}".strip()
                continue
            raise ImportFailure("dòng tiêu chí không có mã (STT).", file=file, sheet=table.sheet, row=raw.row,
                                column=FIELD_LABELS["code"])
        if not title:
            raise ImportFailure(f"tiêu chí {code} không có nội dung.", file=file, sheet=table.sheet, row=raw.row,
                                column=FIELD_LABELS["title"])
        if not points:
            raise ImportFailure(f"tiêu chí {code} không có điểm tối đa.", file=file, sheet=table.sheet,
                                row=raw.row, column=FIELD_LABELS["max_points"])
        out.append(CriterionDraft(code=_normal_code(code), title=title,
                                  max_points=_points(points, file=file, sheet=table.sheet, row=raw.row),
                                  guide=get("guide"), required_docs=get("required_docs"), rule=get("rule"),
                                  row=raw.row, sheet=table.sheet))
    return out


def _tables(path: Path) -> list[RawTable]:
    name = path.name
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from ..importers.xlsx_reader import load_xlsx, sheet_to_table

        wb = load_xlsx(path)
        try:
            return [sheet_to_table(ws, file=name) for ws in wb.worksheets]
        finally:
            wb.close()
    if suffix == ".docx":
        from ..importers.docx_tables import table_to_raw
        from ..importers.plan_blocks import open_docx

        tables = list(open_docx(path, name)[0].tables)
        return [table_to_raw(t, label=f"Bảng {i}" if len(tables) > 1 else "") for i, t in enumerate(tables, 1)]
    raise ImportFailure("chỉ nhập được Bộ chỉ số từ tệp Excel (.xlsx) hoặc Word (.docx).", file=name)


def read_catalog(path: str | os.PathLike, year: int, name: str = "") -> CatalogDraft:
    """Read and validate a catalogue file (nothing written). Raises ImportFailure naming file/sheet/row."""
    path = Path(path)
    rows: list[CriterionDraft] = []
    first_failure: ImportFailure | None = None
    for table in _tables(path):
        try:
            rows = rows_from_table(table, file=path.name)
        except ImportFailure as exc:
            first_failure = first_failure or exc
            continue
        if rows:
            break
    if not rows:
        raise first_failure or ImportFailure("tệp không có bảng tiêu chí nào.", file=path.name)
    draft = CatalogDraft(name=name or f"Bộ Chỉ số CCHC cấp xã năm {year}", year=year, source=path.name,
                         criteria=rows)
    validate(draft, file=path.name)
    return draft


# --------------------------------------------------------------------------------------------- validation

def _levels(codes: list[str]) -> list[int]:
    roman = any(_ROMAN_RE.match(c) for c in codes)
    out = []
    for code in codes:
        if _ROMAN_RE.match(code):
            out.append(1)
        elif _CODE_RE.match(code):
            depth = code.count(".") + 1
            out.append(depth + 1 if roman else depth)
        else:
            out.append(0)
    return out


def _fmt(points: float) -> str:
    return f"{points:g}".replace(".", ",")


def validate(draft: CatalogDraft, *, file: str = "") -> None:
    """Assign levels and parents; refuse repeated codes, level jumps and children that do not add up."""
    where = lambda c: dict(file=file, sheet=c.sheet, row=c.row)  # noqa: E731
    seen: dict[str, CriterionDraft] = {}
    for crit, level in zip(draft.criteria, _levels([c.code for c in draft.criteria])):
        if level == 0 or level > 3:
            raise ImportFailure(f"mã «{crit.code}» không đúng dạng (I, 1, 1.1, 1.1.1).", column="Mã/STT",
                                **where(crit))
        if crit.code in seen:
            raise ImportFailure(f"mã «{crit.code}» bị trùng (đã có ở dòng {seen[crit.code].row}).",
                                column="Mã/STT", **where(crit))
        seen[crit.code] = crit
        crit.level = level
        try:
            parse_rule(crit.rule)
        except ValueError as exc:
            raise ImportFailure(str(exc), column="Cách tính tự động", **where(crit)) from None
    stack: list[CriterionDraft] = []
    for crit in draft.criteria:
        while stack and stack[-1].level >= crit.level:
            stack.pop()
        if crit.level > 1 and (not stack or stack[-1].level != crit.level - 1):
            raise ImportFailure(f"tiêu chí {crit.code} không nằm dưới một lĩnh vực/tiêu chí cấp trên.",
                                column="Mã/STT", **where(crit))
        crit.parent_code = stack[-1].code if stack else None
        stack.append(crit)
    children: dict[str, list[CriterionDraft]] = {}
    for crit in draft.criteria:
        if crit.parent_code:
            children.setdefault(crit.parent_code, []).append(crit)
    for crit in draft.criteria:
        kids = children.get(crit.code)
        if kids:
            total = sum(k.max_points for k in kids)
            if abs(total - crit.max_points) > 1e-6:
                raise ImportFailure(
                    f"điểm tối đa của {crit.code} là {_fmt(crit.max_points)} nhưng các tiêu chí thành phần cộng lại "
                    f"{_fmt(total)}.", column="Điểm tối đa", **where(crit))
    if not draft.areas:
        raise ImportFailure("Bộ chỉ số không có lĩnh vực nào.", file=file)


# --------------------------------------------------------------------------------------------- the example

def example_catalog(year: int) -> CatalogDraft:
    """The bundled illustrative catalogue (not any province's official set), for trying the feature."""
    data = json.loads(resource_path(*EXAMPLE_FILE).read_text(encoding="utf-8"))
    criteria = [CriterionDraft(code=c["code"], title=c["title"], max_points=float(c["max"]),
                               guide=c.get("guide", ""), required_docs=c.get("docs", ""), rule=c.get("rule", ""),
                               row=i) for i, c in enumerate(data["criteria"], 1)]
    draft = CatalogDraft(name=f"{data['name']} năm {year} ({EXAMPLE_LABEL})", year=year, source=EXAMPLE_FILE[-1],
                         is_example=True, criteria=criteria)
    validate(draft, file=EXAMPLE_FILE[-1])
    return draft


# ------------------------------------------------------------------------------------------------- storage

@dataclass
class Criterion:
    id: str
    catalog_id: str
    parent_id: str | None
    code: str
    level: int
    position: int
    title: str
    max_points: float
    guide: str
    required_docs: str
    rule: str
    is_leaf: bool = True


def commit_catalog(store: Store, draft: CatalogDraft, *, replace_id: str | None = None) -> str:
    """Write a validated catalogue in one transaction (replacing one of the same year when asked)."""
    with store.transaction():
        if replace_id:
            if store.db.query_one("SELECT 1 FROM par_score WHERE criterion_id IN "
                                  "(SELECT id FROM par_criterion WHERE catalog_id = ?) LIMIT 1", (replace_id,)):
                raise StoreError("Bộ chỉ số này đã có điểm tự chấm; không thay thế được. Hãy nhập thành bộ mới.")
            store._delete_attached("par_catalog", replace_id)   # criteria, their links and documents, logged
            store.delete_row("par_catalog", replace_id)
        catalog = store.insert_row("par_catalog", {"year": draft.year, "name": draft.name, "source": draft.source,
                                                   "is_example": int(draft.is_example)})
        ids: dict[str, str] = {}
        for position, crit in enumerate(draft.criteria):
            row = store.insert_row("par_criterion", {
                "catalog_id": catalog["id"], "parent_id": ids.get(crit.parent_code) if crit.parent_code else None,
                "code": crit.code, "level": crit.level, "position": position, "title": crit.title,
                "max_points": crit.max_points, "guide": crit.guide, "required_docs": crit.required_docs,
                "rule": crit.rule})
            ids[crit.code] = row["id"]
        return catalog["id"]


def list_catalogs(store: Store, year: int | None = None) -> list[dict]:
    sql = "SELECT * FROM par_catalog"
    params: tuple = ()
    if year is not None:
        sql += " WHERE year = ?"
        params = (year,)
    return [dict(r) for r in store.db.query(sql + " ORDER BY year DESC, created_at DESC", params)]


def catalog_for_year(store: Store, year: int) -> dict | None:
    """The catalogue used for a year: the newest imported one, else the example."""
    rows = list_catalogs(store, year)
    rows.sort(key=lambda r: r["is_example"])       # stable: an imported catalogue first, newest first
    return rows[0] if rows else None


def load_criteria(store: Store, catalog_id: str) -> list[Criterion]:
    rows = store.db.query("SELECT * FROM par_criterion WHERE catalog_id = ? ORDER BY position", (catalog_id,))
    out = [Criterion(r["id"], r["catalog_id"], r["parent_id"], r["code"], r["level"], r["position"], r["title"],
                     r["max_points"], r["guide"], r["required_docs"], r["rule"]) for r in rows]
    parents = {c.parent_id for c in out if c.parent_id}
    for crit in out:
        crit.is_leaf = crit.id not in parents
    return out


def update_criterion(store: Store, criterion_id: str, **fields) -> dict:
    """Edit a criterion's texts or rule (the points go through a re-import so the sums stay checked)."""
    allowed = {"title", "guide", "required_docs", "rule"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with store.transaction():
        return store.update_row("par_criterion", criterion_id, {k: clean_cell(v) for k, v in fields.items()})


def folded_words(text: str) -> set[str]:
    return {w for w in re.split(r"[^0-9a-z]+", fold(text)) if len(w) >= 3}
