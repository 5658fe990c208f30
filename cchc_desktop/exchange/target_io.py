"""Writing exchange files (update workbooks, .cchc packages) to a target folder, usually a USB stick.

* ``target_error_message``: every OS error (read-only, full, missing, permission, I/O, path too long, …)
  becomes a Vietnamese message naming the path and saying what to do — never the OS's English text.
  The kind of error comes from the one errno / winerror table (``cchc_desktop.errors.classify``); the words
  here speak of a USB stick or target folder.
* ``write_target_bytes`` / ``open_target``: atomic (temp file beside the target, fsync, hash check, rename,
  through safe_write.atomic_path), data written with ``os.write`` so a full stick surfaces as ENOSPC here.
* ``remove_stale_temps``: hidden temp files a killed export left on the target (``.<name>.xxxxxxxx.tmp``)
  are removed on the next write to that folder.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
from pathlib import Path

from ..safe_write import SafeWriteError, atomic_path
from ..errors import (DISK_FULL, IO_ERROR, LOCKED, NAME_TOO_LONG, NOT_A_FOLDER, NOT_FOUND, PERMISSION,
                      READ_ONLY, classify)
from .errors import ExchangeError

# Temp names made by atomic_path: "." + target name + "." + 8 random chars (tempfile) + ".tmp".
_TEMP_RE = re.compile(r"^\.(?P<name>.+\.(?:xlsx|cchc))\.[a-z0-9_]{8}\.tmp$")
_ACTIVE: set[Path] = set()      # temp files this process is writing right now (never removed)


class TargetWriteError(ExchangeError):
    """Writing to the target failed; the named file is not there (or unchanged)."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message, code="write")
        self.path = path


def target_error_message(exc: OSError, path: str | os.PathLike, *, reading: bool = False) -> str:
    """What went wrong writing (or reading) `path` and what the user can do, in Vietnamese."""
    path = Path(path)
    kind = classify(exc)                       # the one errno / winerror table (cchc_desktop.errors)
    if reading:
        return _reading_message(kind, exc, path)
    if kind == READ_ONLY:
        return (f"Ổ đĩa chứa «{path}» chỉ cho phép đọc (USB đang gạt khóa chống ghi hoặc là ổ chỉ đọc). "
                f"Hãy gạt khóa ghi trên USB, hoặc chọn thư mục khác, rồi thử lại.")
    if kind == DISK_FULL:
        return (f"Không đủ chỗ trống để ghi «{path}». Hãy xóa bớt tệp trên USB hoặc chọn ổ đĩa khác, rồi thử lại.")
    if kind == NOT_FOUND:
        return (f"Không tìm thấy «{path}» (USB đã bị rút hoặc thư mục không còn). Hãy cắm lại USB hoặc chọn "
                f"thư mục khác, rồi thử lại.")
    if kind in (PERMISSION, LOCKED):
        return (f"Không có quyền ghi vào «{path}» (thư mục bị hạn chế quyền, hoặc tệp đang được mở trong chương "
                f"trình khác như Excel). Hãy đóng tệp đó hoặc chọn thư mục khác, rồi thử lại.")
    if kind == IO_ERROR:
        return (f"Lỗi thiết bị khi ghi «{path}» (USB hỏng hoặc bị rút giữa chừng). Hãy rút USB an toàn, cắm lại "
                f"rồi thử lại; nếu vẫn lỗi, hãy dùng USB khác.")
    if kind == NAME_TOO_LONG:
        return f"Đường dẫn «{path}» quá dài. Hãy chọn thư mục có đường dẫn ngắn hơn (gần gốc ổ đĩa), rồi thử lại."
    if kind == NOT_A_FOLDER:
        return (f"«{path}» trùng tên với một tệp hoặc thư mục đã có, nên không dùng được làm nơi lưu. "
                f"Hãy chọn tên hoặc thư mục khác.")
    return (f"Không ghi được «{path}» (lỗi hệ thống số {exc.errno if exc.errno is not None else '?'}). "
            f"Hãy kiểm tra USB hoặc thư mục đích rồi thử lại.")


def _reading_message(kind: str, exc: OSError, path: Path) -> str:
    if kind == NOT_FOUND:
        return (f"Không tìm thấy «{path}» (USB đã bị rút hoặc tệp đã bị chuyển đi). Hãy cắm lại USB hoặc chọn "
                f"lại tệp.")
    if kind in (PERMISSION, LOCKED):
        return (f"Không có quyền đọc «{path}» (tệp bị hạn chế quyền hoặc đang được mở trong chương trình khác). "
                f"Hãy đóng tệp đó hoặc chép tệp ra máy rồi thử lại.")
    if kind == IO_ERROR:
        return (f"Lỗi thiết bị khi đọc «{path}» (USB hỏng hoặc bị rút giữa chừng). Hãy chép tệp ra máy hoặc dùng "
                f"USB khác rồi thử lại.")
    if kind == NAME_TOO_LONG:
        return f"Đường dẫn «{path}» quá dài. Hãy chép tệp vào thư mục có đường dẫn ngắn hơn rồi thử lại."
    if kind == NOT_A_FOLDER:
        return f"«{path}» là một thư mục, không phải tệp. Hãy chọn tệp."
    return (f"Không đọc được «{path}» (lỗi hệ thống số {exc.errno if exc.errno is not None else '?'}). "
            f"Hãy kiểm tra USB hoặc tệp rồi thử lại.")


def _os_cause(exc: BaseException) -> OSError | None:
    while exc is not None:
        if isinstance(exc, OSError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def as_target_error(exc: BaseException, path: Path) -> TargetWriteError:
    """An OSError or a SafeWriteError caused by one, as a TargetWriteError with the Vietnamese message."""
    cause = _os_cause(exc)
    if cause is not None:
        return TargetWriteError(target_error_message(cause, path), path)
    return TargetWriteError(str(exc), path)


def ensure_folder(folder: str | os.PathLike) -> Path:
    """Create the target folder (and parents) or raise TargetWriteError naming it."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TargetWriteError(target_error_message(exc, folder), folder) from exc
    if not folder.is_dir():
        raise TargetWriteError(target_error_message(OSError(errno.ENOTDIR, "not a directory"), folder), folder)
    return folder


def remove_stale_temps(folder: str | os.PathLike) -> list[Path]:
    """Remove the hidden temp files a killed export left in `folder` (our naming pattern only; never a temp
    file this process is writing). Returns what was removed; failures are ignored (the write reports them)."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            path = Path(entry.path)
            if _TEMP_RE.match(entry.name) and path not in _ACTIVE and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


class _OsFile:
    """Minimal binary file over a descriptor, written with os.write (used by zipfile)."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0))

    def write(self, data) -> int:
        view = memoryview(data)
        while view:
            done = os.write(self.fd, view)
            view = view[done:]
        return len(data)

    def tell(self) -> int:
        return os.lseek(self.fd, 0, os.SEEK_CUR)

    def seek(self, offset: int, whence: int = 0) -> int:
        return os.lseek(self.fd, offset, whence)

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)


@contextlib.contextmanager
def open_target(target: str | os.PathLike):
    """Yield a binary writer for `target`; on success the file replaces `target` atomically.
    Any OS error becomes TargetWriteError (Vietnamese, naming the file); the target is untouched."""
    target = Path(target)
    remove_stale_temps(target.parent)
    try:
        with atomic_path(target) as tmp:
            _ACTIVE.add(tmp)
            handle = None
            try:
                handle = _OsFile(tmp)
                yield handle
            finally:
                _ACTIVE.discard(tmp)
                if handle is not None:
                    with contextlib.suppress(OSError):
                        handle.close()
    except (SafeWriteError, OSError) as exc:
        raise as_target_error(exc, target) from exc


def write_target_bytes(target: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `target` atomically (see open_target)."""
    with open_target(target) as handle:
        handle.write(data)
