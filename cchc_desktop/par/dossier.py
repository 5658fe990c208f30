"""The evidence dossier (hồ sơ tài liệu kiểm chứng): one folder per criterion code holding copies of its files,
renamed "<mã> - <số ký hiệu> - <trích yếu rút gọn>.<ext>" (Windows-safe, short paths), and an index workbook.

``dossier_plan`` lists what will be copied and which documents have no file or a missing/changed file, before
anything is written; ``export_dossier`` writes the folder (or one .zip) with atomic, verified copies, so a stick
pulled out mid-way leaves no half-written file under a final name.
"""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

from ..filenames import windows_safe_name
from ..dates import format_date
from ..safe_write import SafeWriteError, atomic_copy, atomic_path, sha256_file
from ..store import Store
from ..xlsx_print import font, printable_sheet, use_report_font
from ..xlsx_safety import set_text
from .mapping import EvidenceDoc
from .scoring import Assessment, EVIDENCE_LABELS, points_text

SUMMARY_WORDS = 60          # characters of the trích yếu kept in a file name
NAME_LENGTH = 90            # characters of one file name
INDEX_NAME = "Danh-muc-tai-lieu-kiem-chung.xlsx"


@dataclass
class DossierFile:
    code: str
    document: EvidenceDoc
    source: Path
    name: str                     # "<code>/<file name>" inside the dossier


@dataclass
class DossierPlan:
    folder: str                   # "Ho-so-kiem-chung-CCHC-2026"
    files: list[DossierFile] = field(default_factory=list)
    missing: list[tuple[str, EvidenceDoc, str]] = field(default_factory=list)   # (code, document, why)
    without_documents: list[str] = field(default_factory=list)                 # leaf codes with no document


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]


def file_name(code: str, doc: EvidenceDoc) -> str:
    ext = Path(doc.file_name or doc.file_path).suffix.lower()
    parts = [code, doc.doc_number.replace("/", "-"), _short(doc.summary or doc.doc_type, SUMMARY_WORDS)]
    return windows_safe_name(" - ".join(p for p in parts if p) + ext, NAME_LENGTH)


def dossier_plan(store: Store, a: Assessment) -> DossierPlan:
    folder = Path(store.db.path).resolve().parent
    plan = DossierPlan(folder=f"Ho-so-kiem-chung-CCHC-{a.year}")
    for result in a.leaves:
        if not result.documents:
            plan.without_documents.append(result.code)
        taken: set[str] = set()
        code_dir = windows_safe_name(result.code, 20)
        for doc in result.documents:
            if not doc.file_path:
                plan.missing.append((result.code, doc, "không có tệp đính kèm"))
                continue
            source = folder / doc.file_path
            if not source.is_file():
                plan.missing.append((result.code, doc, "không tìm thấy tệp trên máy"))
                continue
            if doc.file_sha256 and sha256_file(source) != doc.file_sha256:
                plan.missing.append((result.code, doc, "tệp đã bị thay đổi sau khi đính kèm (mã băm không khớp)"))
                continue
            name = file_name(result.code, doc)
            stem, ext = os.path.splitext(name)
            n = 2
            while name.casefold() in taken:
                name = f"{stem} ({n}){ext}"
                n += 1
            taken.add(name.casefold())
            plan.files.append(DossierFile(result.code, doc, source, f"{code_dir}/{name}"))
    return plan


def index_workbook(a: Assessment, plan: DossierPlan) -> Workbook:
    wb = Workbook()
    use_report_font(wb)
    ws = wb.active
    ws.title = "Danh mục"
    headers = ["Mã", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Tài liệu kiểm chứng", "Số, ký hiệu", "Ngày",
               "Trích yếu", "Tệp trong hồ sơ", "Ghi chú"]
    for col, text in enumerate(headers, 1):
        cell = ws.cell(row=1, column=col)
        set_text(cell, text)
        cell.font = font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    in_dossier = {id(f.document): f.name for f in plan.files}
    why = {id(doc): reason for _code, doc, reason in plan.missing}
    row = 2
    for result in a.results:
        docs = result.documents if result.criterion.is_leaf else []
        first = True
        for doc in docs or [None]:
            values = [result.code if first else "", result.criterion.title if first else "",
                      points_text(result.criterion.max_points) if first else "",
                      points_text(result.points) if first else ""]
            if doc is None:
                note = EVIDENCE_LABELS[result.evidence] if result.criterion.is_leaf else ""
                values += ["", "", "", "", "", note]
            else:
                values += [doc.doc_type, doc.doc_number, format_date(doc.issued_on) if doc.issued_on else "", doc.summary,
                           in_dossier.get(id(doc), ""), why.get(id(doc), "")]
            for col, value in enumerate(values, 1):
                cell = ws.cell(row=row, column=col)
                set_text(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
            first = False
    # A4 landscape: columns fitted to the page, rows grown for their wrapped text, the header on every page
    printable_sheet(ws, [7, 30, 7, 8, 12, 13, 13, 28, 28, 16], landscape=True, header_row=1)
    ws.freeze_panes = "A2"
    return wb


def export_dossier(store: Store, a: Assessment, target_dir: str | os.PathLike, *, as_zip: bool = False) -> Path:
    """Write the dossier under ``target_dir`` (a folder, or one .zip) and return its path. Existing files are
    never overwritten: a second export goes to "… (2)"."""
    plan = dossier_plan(store, a)
    target_dir = Path(target_dir)
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SafeWriteError(f"Không tạo được thư mục «{target_dir}»: {exc.strerror or exc}.") from exc
    base = plan.folder
    n = 2
    while (target_dir / base).exists() or (target_dir / f"{base}.zip").exists():
        base = f"{plan.folder} ({n})"
        n += 1
    wb = index_workbook(a, plan)
    if as_zip:
        out = target_dir / f"{base}.zip"
        with atomic_path(out) as tmp:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                for item in plan.files:
                    zf.write(item.source, f"{base}/{item.name}")
                with zf.open(f"{base}/{INDEX_NAME}", "w") as handle:
                    wb.save(handle)
        return out
    out = target_dir / base
    for item in plan.files:
        destination = out / item.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        atomic_copy(item.source, destination)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / INDEX_NAME) as tmp:
        wb.save(tmp)
    return out
