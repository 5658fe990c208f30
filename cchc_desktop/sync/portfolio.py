"""Many communes, one view (read-only): open several packages, or a folder of them, side by side without merging
them into one's own data. Each package is loaded into its own temporary database (removed afterwards); the figures
come from the same queries as the dashboard (``tracking.rollup.plan_summary``) and, when present, the PAR
self-assessment totals."""
from __future__ import annotations

import datetime as _dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..exchange import ExchangeError, apply_merge, plan_merge, read_package
from ..safe_write import atomic_path
from ..xlsx_print import printable_sheet, use_report_font
from ..store import Store
from ..tracking.rollup import Counts, plan_summary
from ..xlsx_safety import set_text

SUFFIX = ".cchc"


@dataclass
class CommuneRow:
    file: str
    unit: str
    plan_title: str
    year: int
    counts: Counts
    overdue: int
    targets_met: int
    targets_measured: int
    par_total: float | None = None
    par_max: float | None = None
    plan_id: str = ""

    @property
    def completed_share(self) -> float:
        return self.counts.completed / self.counts.total if self.counts.total else 0.0


@dataclass
class Portfolio:
    rows: list[CommuneRow] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)      # (file, why)
    _folder: Path | None = None
    _stores: dict[str, Store] = field(default_factory=dict)

    def store_for(self, row: CommuneRow) -> Store:
        """The read-only copy of one commune's data, for drill-down (closed by ``close``)."""
        return self._stores[row.file]

    def close(self) -> None:
        for store in self._stores.values():
            store.close()
        self._stores.clear()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def package_files(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(SUFFIX)
                          and not p.name.startswith("."))
        else:
            out.append(path)
    return out


def _par_totals(store: Store, plan_id: str, year: int) -> tuple[float | None, float | None]:
    try:
        from ..par.catalog import catalog_for_year
        from ..par.scoring import assessment
    except ImportError:
        return None, None
    if store.db.query_one("SELECT 1 FROM sqlite_master WHERE name = 'par_score'") is None:
        return None, None
    catalog = catalog_for_year(store, year)
    if catalog is None or store.db.query_one("SELECT 1 FROM par_score WHERE plan_id = ?", (plan_id,)) is None:
        return None, None
    a = assessment(store, plan_id, catalog["id"], with_previous=False)
    return a.total, a.max_total


def _scratch_store(template: Path, target: Path) -> Store:
    """A throw-away copy of an empty, migrated database: no migration per package, no durability needed."""
    shutil.copyfile(template, target)
    store = Store.open(target, actor="portfolio")
    store.db.conn.execute("PRAGMA journal_mode = MEMORY")
    store.db.conn.execute("PRAGMA synchronous = OFF")
    return store


def _load(store: Store, path: Path) -> None:
    package = read_package(path, local_schema=store.db.schema_version)
    with store.transaction():               # one transaction: a scratch copy needs no backup before the merge
        apply_merge(store, plan_merge(store, package), confirm=True)


def open_portfolio(paths: list[str | Path], ref_date: _dt.date | None = None, progress=None) -> Portfolio:
    """Load every package read-only and compute one row per plan. Refused files are listed, not fatal."""
    files = package_files(paths)
    portfolio = Portfolio(_folder=Path(tempfile.mkdtemp(prefix="cchc-portfolio-")))
    ref = ref_date or _dt.date.today()
    template = portfolio._folder / "empty.sqlite3"
    Store.open(template).close()
    for n, path in enumerate(files, 1):
        store = _scratch_store(template, portfolio._folder / f"{n}.sqlite3")
        try:
            _load(store, path)
        except ExchangeError as exc:
            store.close()
            portfolio.refused.append((path.name, str(exc)))
            continue
        portfolio._stores[path.name] = store
        for plan in store.list_plans():
            summary = plan_summary(store, plan["id"], ref, str(plan["year_start"]))
            par_total, par_max = _par_totals(store, plan["id"], plan["year_start"])
            portfolio.rows.append(CommuneRow(
                path.name, plan["unit_name"], plan.get("title") or "", plan["year_start"], summary.totals,
                len(summary.overdue), summary.targets_met, summary.targets_measured, par_total, par_max, plan["id"]))
        if progress:
            progress(n, len(files))
    return portfolio


HEADERS = ["Đơn vị", "Năm", "Tổng số nhiệm vụ, sản phẩm", "Đã hoàn thành", "Tỷ lệ hoàn thành", "Quá hạn",
           "Đang thực hiện", "Chưa triển khai", "Theo phát sinh / chưa rõ hạn", "Chỉ tiêu đạt", "Chỉ tiêu có số liệu",
           "Điểm tự đánh giá Chỉ số CCHC", "Tệp"]


def row_values(row: CommuneRow) -> list[object]:
    c = row.counts
    return [row.unit, row.year, c.total, c.completed, row.completed_share, c.overdue, c.in_progress, c.not_started,
            c.event + c.no_deadline, row.targets_met, row.targets_measured,
            "" if row.par_total is None else row.par_total, row.file]


def export_portfolio_xlsx(portfolio: Portfolio, path: str | Path, ref_date: _dt.date | None = None) -> Path:
    """The comparison as a workbook with real numbers (the share as a percentage cell)."""
    wb = Workbook()
    use_report_font(wb)
    ws = wb.active
    ws.title = "So sánh"
    ref = ref_date or _dt.date.today()
    title = ws.cell(row=1, column=1)
    set_text(title, f"TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH CCHC — số liệu đến ngày {ref:%d/%m/%Y}")
    title.font = Font(bold=True, size=13)
    for col, text in enumerate(HEADERS, 1):
        cell = ws.cell(row=3, column=col)
        set_text(cell, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r, row in enumerate(sorted(portfolio.rows, key=lambda x: x.unit), 4):
        for col, value in enumerate(row_values(row), 1):
            cell = ws.cell(row=r, column=col)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
            if col == 5:
                cell.number_format = "0.0%"
    for r in range(4, ws.max_row + 1):
        for col in (1, 13):
            ws.cell(row=r, column=col).alignment = Alignment(wrap_text=True, vertical="top")
    # landscape A4: columns fitted to the page, wrapped rows grown, the header row on every page (xlsx_print)
    printable_sheet(ws, [28, 7, 12, 12, 11, 9, 11, 11, 13, 10, 11, 14, 36], landscape=True, header_row=3,
                    first_row=3)
    ws.freeze_panes = "B4"
    if portfolio.refused:
        sheet = wb.create_sheet("Tệp bị từ chối")
        for r, (name, why) in enumerate(portfolio.refused, 1):
            set_text(sheet.cell(row=r, column=1), name)
            set_text(sheet.cell(row=r, column=2), why)
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target
