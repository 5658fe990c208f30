"""Evidence documents (văn bản minh chứng) with optional attached files.

Files are copied into ``paths.attachments_dir(db_path)`` (``<db folder>/attachments``), content-
addressed as ``attachments/<sha256[:2]>/<sha256>/<original name>``; the row stores that path relative
to the database folder and the SHA-256, so moving the whole folder keeps the links. Copies are atomic
(temporary file + fsync + os.replace): a crash never leaves a half-written attachment.
"""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..filenames import windows_safe_name
from ..paths import attachments_dir
from ..safe_write import SafeWriteError, atomic_copy, sha256_file
from ..store import Store, StoreError
from . import _rows

EVIDENCE_FIELDS = ("doc_type", "doc_number", "issued_on", "summary")
DOC_TYPES = ("Kế hoạch", "Quyết định", "Báo cáo", "Công văn", "Thông báo", "Tờ trình", "Biên bản",
             "Văn bản khác")
MAX_PATH_CHARS = 200           # the whole stored path, kept well under Windows' 260-character limit
DEFAULT_MAX_MB = 50            # size cap of one attachment; CCHC_ATTACHMENT_MAX_MB changes it


class EvidenceError(StoreError):
    pass


@dataclass(frozen=True)
class PreparedFile:
    """An attachment already copied into the attachments folder."""

    file_name: str
    file_path: str       # relative to the database folder, with forward slashes
    file_sha256: str


def _db_folder(store: Store) -> Path:
    return Path(store.db.path).resolve().parent


def max_attachment_bytes() -> int:
    """The size cap of one attachment: CCHC_ATTACHMENT_MAX_MB, else 50 MB."""
    try:
        mb = float(os.environ.get("CCHC_ATTACHMENT_MAX_MB", DEFAULT_MAX_MB))
    except ValueError:
        mb = DEFAULT_MAX_MB
    return int(max(mb, 0.001) * 1024 * 1024)


def safe_file_name(name: str, budget: int = 120) -> str:
    """A name every Windows PC accepts: no forbidden characters, no trailing dots/spaces, no device name
    (CON, AUX, NUL, COM1 … with any extension), at most `budget` characters (extension kept)."""
    return windows_safe_name(name, budget, fallback="tep-dinh-kem")


def _safe_name(name: str, folder: Path | None = None) -> str:
    """The attachment's stored name, short enough that `folder/name` stays under MAX_PATH_CHARS."""
    budget = 120 if folder is None else min(120, MAX_PATH_CHARS - len(str(folder)) - 1)
    if budget < 12:
        raise EvidenceError(f"Thư mục dữ liệu «{folder}» nằm quá sâu: đường dẫn tệp minh chứng sẽ vượt "
                            f"{MAX_PATH_CHARS} ký tự. Hãy chuyển dữ liệu vào một thư mục ngắn hơn "
                            r"(ví dụ D:\CCHC) rồi đính kèm lại.")
    return safe_file_name(name, budget)


def prepare_file(store: Store, source: str | os.PathLike | None) -> PreparedFile | None:
    """Copy a file into the attachments folder atomically (hashing while copying)."""
    if not source:
        return None
    source = Path(source)
    if not source.is_file():
        raise EvidenceError(f"Không tìm thấy tệp «{source}».")
    limit, size = max_attachment_bytes(), source.stat().st_size
    if size > limit:
        raise EvidenceError(f"Tệp «{source.name}» nặng {size / 1024 / 1024:.1f} MB, vượt giới hạn "
                            f"{limit / 1024 / 1024:.0f} MB cho một tệp minh chứng. Hãy quét lại với độ phân giải "
                            "thấp hơn hoặc nén tệp PDF rồi đính kèm lại; chưa có gì được lưu.")
    root = attachments_dir(store.db.path)
    try:
        sha = sha256_file(source)
        folder = root / sha[:2] / sha
        target = folder / _safe_name(source.name, folder)
        if not (target.exists() and sha256_file(target) == sha):
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_copy(source, target)
    except (OSError, SafeWriteError) as exc:
        from ..errors import user_message

        raise EvidenceError(f"Không sao chép được tệp «{source.name}»: {user_message(exc, source)}") from exc
    relative = target.relative_to(_db_folder(store)).as_posix()
    return PreparedFile(target.name, relative, sha)


def _clean(meta: dict) -> dict:
    unknown = set(meta) - set(EVIDENCE_FIELDS)
    if unknown:
        raise ValueError(f"unknown evidence fields: {sorted(unknown)}")
    values = {k: (meta.get(k) or "") for k in EVIDENCE_FIELDS}
    if isinstance(values["issued_on"], date):
        values["issued_on"] = values["issued_on"].isoformat()
    elif values["issued_on"]:
        try:
            values["issued_on"] = date.fromisoformat(str(values["issued_on"])).isoformat()
        except ValueError as exc:
            raise EvidenceError(f"Ngày ban hành không hợp lệ: «{values['issued_on']}».") from exc
    for key in ("doc_type", "doc_number", "summary"):
        values[key] = unicodedata.normalize("NFC", str(values[key]).strip())
    return values


def add_evidence_row(store: Store, product_id: str, period_key: str, *, prepared: PreparedFile | None = None,
                     **meta) -> str:
    """Insert an evidence row (inside the caller's transaction)."""
    values = _clean(meta)
    if not (values["doc_number"] or values["summary"] or values["doc_type"] or prepared):
        raise EvidenceError("Minh chứng cần ít nhất loại văn bản, số/ký hiệu, trích yếu hoặc tệp đính kèm.")
    count = store.db.query_one("SELECT COUNT(*) FROM evidence WHERE product_id = ? AND period_key = ?",
                               (product_id, period_key))[0]
    row = _rows.insert(store, "evidence", {
        "product_id": product_id, "period_key": period_key, "position": count, **values,
        "file_name": prepared.file_name if prepared else "",
        "file_path": prepared.file_path if prepared else "",
        "file_sha256": prepared.file_sha256 if prepared else ""})
    return row["id"]


def add_evidence(store: Store, product_id: str, period_key: str, *, source_file: str | os.PathLike | None = None,
                 **meta) -> str:
    """Add an evidence document (doc_type, doc_number, issued_on, summary, optional file)."""
    prepared = prepare_file(store, source_file)
    with store.transaction():
        return add_evidence_row(store, product_id, period_key, prepared=prepared, **meta)


def update_evidence(store: Store, evidence_id: str, *, source_file: str | os.PathLike | None = None,
                    **meta) -> dict:
    """Change evidence fields (only those given) and/or replace the file. Returns old values."""
    current = _rows.get(store, "evidence", evidence_id)
    if current is None:
        raise EvidenceError("Minh chứng không còn tồn tại.")
    values = {k: v for k, v in _clean({**{k: current[k] for k in EVIDENCE_FIELDS}, **meta}).items()}
    prepared = prepare_file(store, source_file)
    if prepared:
        values.update(file_name=prepared.file_name, file_path=prepared.file_path,
                      file_sha256=prepared.file_sha256)
    with store.transaction():
        return _rows.update(store, "evidence", evidence_id, values, current)


def delete_evidence(store: Store, evidence_id: str) -> dict | None:
    """Delete the row (logged; the file stays in attachments so history and undo keep working)."""
    with store.transaction():
        return _rows.delete(store, "evidence", evidence_id)


def list_evidence(store: Store, product_id: str, period_key: str | None = None) -> list[dict]:
    sql = "SELECT * FROM evidence WHERE product_id = ?"
    params: tuple = (product_id,)
    if period_key is not None:
        sql += " AND period_key = ?"
        params += (period_key,)
    return [dict(r) for r in store.db.query(sql + " ORDER BY period_key, position, created_at", params)]


def plan_evidence(store: Store, plan_id: str) -> dict[str, list[dict]]:
    """Every evidence row of a plan's products in one query: product id -> the rows :func:`list_evidence` gives
    for it, in the same order (a report reads them for every product)."""
    out: dict[str, list[dict]] = {}
    for r in store.db.query(
            "SELECT e.* FROM evidence e JOIN product p ON p.id = e.product_id JOIN task t ON t.id = p.task_id "
            "JOIN section s ON s.id = t.section_id WHERE s.plan_id = ? "
            "ORDER BY e.product_id, e.period_key, e.position, e.created_at", (plan_id,)):
        out.setdefault(r["product_id"], []).append(dict(r))
    return out


def evidence_file(store: Store, row: dict) -> Path | None:
    """Absolute path of an evidence row's attachment (None if it has none)."""
    if not row.get("file_path"):
        return None
    return _db_folder(store) / Path(*row["file_path"].split("/"))


def verify_evidence_file(store: Store, row: dict) -> bool:
    """True when the attachment exists and still has its recorded SHA-256."""
    path = evidence_file(store, row)
    return bool(path and path.is_file() and sha256_file(path) == row.get("file_sha256"))
