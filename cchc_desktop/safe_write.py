"""Atomic file writes for local disks and USB sticks: temp file beside the target, fsync,
optional read-back hash check, then rename. A pulled stick never leaves a truncated file
under the real name. Errors become SafeWriteError with a Vietnamese message."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import NOT_FOUND, UserError, classify, describe_error

class SafeWriteError(UserError):
    """Writing failed; the target file (if any) is unchanged."""


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    import hashlib   # (hashlib and tempfile load on the first write or hash, not at start: issue 18)

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            block = handle.read(chunk)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def _explain(exc: OSError, target: Path) -> str:
    """errors.describe_error for a write into `target` (a missing folder is named, not the file)."""
    return describe_error(exc, target.parent if classify(exc) == NOT_FOUND else target)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _usual_mode(tmp: Path, target: Path) -> None:
    """mkstemp makes the file owner-only (-rw-------); the file put in place gets the mode an ordinary new file
    gets (0o666 less the umask: readable by the other users of a shared sync folder or USB stick), or the mode of
    the file it replaces."""
    if os.name == "nt":
        return
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_current_umask()
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, *, verify: bool = True):
    """Yield a temporary path in the target's folder; on success it replaces `target` atomically.

    The caller writes the whole file to the yielded path (any library that takes a file name).
    """
    target = Path(target)
    try:
        import tempfile

        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise SafeWriteError(_explain(exc, target)) from exc
    tmp = Path(tmp_name)
    try:
        try:
            yield tmp
        except OSError as exc:        # the writer failed on the temporary file (disk full, stick pulled…)
            raise SafeWriteError(_explain(exc, target)) from exc
        try:
            with open(tmp, "rb+") as handle:
                handle.flush()
                os.fsync(handle.fileno())
            expected = sha256_file(tmp) if verify else None
            _usual_mode(tmp, target)
            try:
                os.replace(tmp, target)
            except OSError as exc:          # an existing file open in Word/Excel/a PDF reader is named as such
                raise SafeWriteError(describe_error(exc, target, replacing=target.exists())) from exc
            _fsync_dir(target.parent)
            if verify and sha256_file(target) != expected:
                raise SafeWriteError(f"Kiểm tra lại tệp «{target.name}» sau khi ghi thất bại (mã băm khác).")
        except OSError as exc:
            raise SafeWriteError(_explain(exc, target)) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def atomic_write_bytes(target: str | os.PathLike, data: bytes, *, verify: bool = True) -> str:
    """Write bytes atomically; returns their SHA-256."""
    with atomic_path(target, verify=verify) as tmp:
        try:
            tmp.write_bytes(data)
        except OSError as exc:
            raise SafeWriteError(_explain(exc, Path(target))) from exc
    import hashlib

    return hashlib.sha256(data).hexdigest()


def atomic_copy(source: str | os.PathLike, target: str | os.PathLike, *, verify: bool = True) -> str:
    """Copy a file atomically and return its SHA-256 (checked against the source when verify)."""
    import shutil

    source_hash = sha256_file(source)
    with atomic_path(target, verify=verify) as tmp:
        try:
            shutil.copyfile(source, tmp)
        except OSError as exc:
            raise SafeWriteError(_explain(exc, Path(target))) from exc
        if verify and sha256_file(tmp) != source_hash:
            raise SafeWriteError(f"Bản sao «{Path(target).name}» không khớp với tệp gốc.")
    return source_hash
