"""Evidence files (attachments) that travel with the data: which files a database references, whether they are
present with their SHA-256, a content-addressed store of copies (deduplicated by SHA-256) for backups, and putting
them back beside a restored database.

A database references a file through an `evidence` row: `file_path` (relative to the database folder, forward
slashes, always under `attachments/`) and `file_sha256`. Backups keep one copy per SHA-256 in
`backups/tep-dinh-kem/<sha[:2]>/<sha>`; a USB copy keeps them in the same relative layout as the data folder
(`<copy folder>/attachments/...`), so the copy folder is itself a usable data folder.

This module never imports Qt.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .safe_write import SafeWriteError, atomic_copy, sha256_file

BLOB_DIR = "tep-dinh-kem"
ATTACHMENTS = "attachments"


@dataclass(frozen=True)
class FileRef:
    file_path: str   # relative to the database folder, forward slashes
    sha256: str


@dataclass(frozen=True)
class FileProblem:
    file_path: str
    sha256: str
    problem: str     # "thiếu" (missing) or "đã bị thay đổi" (changed)

    def describe(self) -> str:
        return f"«{self.file_path}»: {self.problem}"


def referenced_files(source: str | os.PathLike | sqlite3.Connection) -> list[FileRef]:
    """The attachments referenced by a database (a path opened read-only, or an open connection)."""
    own = not isinstance(source, sqlite3.Connection)
    conn = sqlite3.connect(Path(source).resolve().as_uri() + "?mode=ro", uri=True, timeout=10) if own else source
    try:
        try:
            rows = conn.execute("SELECT DISTINCT file_path, file_sha256 FROM evidence "
                                "WHERE file_path <> '' AND file_sha256 <> '' ORDER BY file_path").fetchall()
        except sqlite3.OperationalError:  # a database without the evidence table (old schema)
            return []
    finally:
        if own:
            conn.close()
    return [FileRef(str(path), str(sha)) for path, sha in rows if safe_relative(str(path))]


def safe_relative(file_path: str) -> bool:
    """True for a path under attachments/ that cannot climb out of the data folder."""
    parts = PurePosixPath(file_path).parts
    return (len(parts) >= 2 and parts[0] == ATTACHMENTS and ".." not in parts and "\\" not in file_path
            and ":" not in file_path and not file_path.startswith("/"))


def local_path(db_folder: Path, ref: FileRef) -> Path:
    return Path(db_folder, *PurePosixPath(ref.file_path).parts)


def blob_path(blob_root: Path, sha: str) -> Path:
    return Path(blob_root) / sha[:2] / sha


def check_files(db_path: str | os.PathLike) -> list[FileProblem]:
    """Every referenced attachment must exist beside the database with its recorded SHA-256."""
    folder = Path(db_path).resolve().parent
    problems = []
    for ref in referenced_files(db_path):
        path = local_path(folder, ref)
        if not path.is_file():
            problems.append(FileProblem(ref.file_path, ref.sha256, "thiếu"))
            continue
        try:
            same = sha256_file(path) == ref.sha256
        except OSError as exc:
            problems.append(FileProblem(ref.file_path, ref.sha256, f"không đọc được ({exc.strerror or exc})"))
            continue
        if not same:
            problems.append(FileProblem(ref.file_path, ref.sha256, "đã bị thay đổi (mã SHA-256 khác)"))
    return problems


def _has(path: Path, sha: str, *, verify: bool) -> bool:
    if not path.is_file():
        return False
    if not verify:
        return True
    try:
        return sha256_file(path) == sha
    except OSError:
        return False


def store_blobs(refs: list[FileRef], db_folder: Path, blob_root: Path) -> tuple[list[str], list[FileProblem]]:
    """Copy each referenced file into the content-addressed store once (hash checked on copy).
    Returns (SHA-256s now held, files that could not be copied)."""
    held, problems = [], []
    for ref in refs:
        target = blob_path(blob_root, ref.sha256)
        if _has(target, ref.sha256, verify=False):
            held.append(ref.sha256)
            continue
        source = local_path(db_folder, ref)
        if not _has(source, ref.sha256, verify=True):
            problems.append(FileProblem(ref.file_path, ref.sha256,
                                        "thiếu" if not source.is_file() else "đã bị thay đổi (mã SHA-256 khác)"))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if atomic_copy(source, target) != ref.sha256:
            problems.append(FileProblem(ref.file_path, ref.sha256, "đã bị thay đổi khi sao chép"))
            with contextlib.suppress(OSError):
                target.unlink()
            continue
        held.append(ref.sha256)
    return held, problems


def copy_tree_files(refs: list[FileRef], db_folder: Path, target_folder: Path) -> list[FileProblem]:
    """Copy referenced files into `target_folder` keeping their relative layout (USB copy)."""
    problems = []
    for ref in refs:
        source = local_path(db_folder, ref)
        if not _has(source, ref.sha256, verify=True):
            problems.append(FileProblem(ref.file_path, ref.sha256,
                                        "thiếu" if not source.is_file() else "đã bị thay đổi (mã SHA-256 khác)"))
            continue
        target = local_path(target_folder, ref)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_copy(source, target)
    return problems


def restore_files(refs: list[FileRef], db_folder: Path, sources: list[Path]) -> tuple[int, list[FileProblem]]:
    """Put back every referenced file that is missing or changed beside the database, from the first source
    holding it with the right hash: a content-addressed store (`<root>/<sha[:2]>/<sha>`) or a data-folder copy
    (`<root>/attachments/...`). Returns (files copied, files that could not be restored)."""
    copied, problems = 0, []
    for ref in refs:
        target = local_path(db_folder, ref)
        if _has(target, ref.sha256, verify=True):
            continue
        candidates = [c for root in sources for c in (blob_path(root, ref.sha256), local_path(root, ref))]
        source = next((c for c in candidates if _has(c, ref.sha256, verify=True)), None)
        if source is None:
            problems.append(FileProblem(ref.file_path, ref.sha256, "thiếu trong bản sao lưu"))
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_copy(source, target)
        except (OSError, SafeWriteError) as exc:
            problems.append(FileProblem(ref.file_path, ref.sha256, f"không chép lại được ({exc})"))
            continue
        copied += 1
    return copied, problems
