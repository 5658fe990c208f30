"""The two kinds of failure, and the one mapping of operating-system / SQLite errors to words.

``UserError``: an expected refusal the user can act on (bad file, locked database, full disk …); its message is
Vietnamese and is shown as is. Every module's own error class inherits from it. Anything else is a bug: it goes to
the crash handler (logged with its traceback, Vietnamese dialog naming the log file).

``classify(exc)`` / ``describe_error(exc, path)``: every OSError and sqlite3 error is named for what it is — disk
full, read-only file or folder, permission denied, I/O error, locked by another program, damaged file — with what
to do. ``StorageError`` carries that for a write the database refused (it was rolled back: the data is intact).
"""
from __future__ import annotations

import errno
import os
import sqlite3


class UserError(Exception):
    """An expected refusal with a Vietnamese message for the user."""


DISK_FULL = "disk_full"
READ_ONLY = "read_only"
PERMISSION = "permission"
IO_ERROR = "io"
LOCKED = "locked"
NOT_FOUND = "not_found"
DAMAGED = "damaged"
OTHER = "other"

# SQLite primary result codes (sqlite3.Error.sqlite_errorcode & 0xff)
_SQLITE_CODES = {3: PERMISSION, 5: LOCKED, 6: LOCKED, 8: READ_ONLY, 10: IO_ERROR, 11: DAMAGED, 13: DISK_FULL,
                 14: PERMISSION, 26: DAMAGED}
_SQLITE_TEXTS = (("disk is full", DISK_FULL), ("readonly database", READ_ONLY), ("read-only", READ_ONLY),
                 ("disk i/o error", IO_ERROR), ("database is locked", LOCKED), ("table is locked", LOCKED),
                 ("unable to open database", PERMISSION), ("malformed", DAMAGED), ("not a database", DAMAGED),
                 ("access permission denied", PERMISSION))
NAME_TOO_LONG = "name_too_long"
NOT_A_FOLDER = "not_a_folder"
_ERRNOS = {errno.ENOSPC: DISK_FULL, errno.EFBIG: DISK_FULL, errno.EROFS: READ_ONLY, errno.EACCES: PERMISSION,
           errno.EPERM: PERMISSION, errno.EIO: IO_ERROR, errno.ENOENT: NOT_FOUND, errno.ENODEV: NOT_FOUND,
           errno.ENXIO: NOT_FOUND, errno.EBUSY: LOCKED, errno.ETXTBSY: LOCKED, errno.ENAMETOOLONG: NAME_TOO_LONG,
           errno.ENOTDIR: NOT_A_FOLDER, errno.EEXIST: NOT_A_FOLDER, errno.EISDIR: NOT_A_FOLDER}
for _name, _kind in (("EDQUOT", DISK_FULL), ("ENOMEDIUM", NOT_FOUND)):
    if hasattr(errno, _name):
        _ERRNOS[getattr(errno, _name)] = _kind
# Windows (OSError.winerror): ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION (file open in Excel, antivirus),
# ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL, ERROR_WRITE_PROTECT (a USB stick with its switch on), file/path/drive
# not found or not ready (a stick pulled out), ERROR_CRC / ERROR_GEN_FAILURE / ERROR_IO_DEVICE, a path too long,
# ERROR_DIRECTORY
_WINERRORS = {32: LOCKED, 33: LOCKED, 112: DISK_FULL, 39: DISK_FULL, 19: READ_ONLY, 5: PERMISSION, 23: IO_ERROR,
              31: IO_ERROR, 1117: IO_ERROR, 2: NOT_FOUND, 3: NOT_FOUND, 15: NOT_FOUND, 21: NOT_FOUND,
              1167: NOT_FOUND, 206: NAME_TOO_LONG, 267: NOT_A_FOLDER}


def classify(exc: BaseException) -> str:
    """What an OSError or sqlite3 error is, as one of the kinds above."""
    if isinstance(exc, OSError):
        winerror = getattr(exc, "winerror", None)
        if winerror in _WINERRORS:
            return _WINERRORS[winerror]
        return _ERRNOS.get(exc.errno, OTHER)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_CODES:
            return _SQLITE_CODES[code & 0xFF]
        text = str(exc).lower()
        for needle, kind in _SQLITE_TEXTS:
            if needle in text:
                return kind
    return OTHER


def describe_error(exc: BaseException, path: str | os.PathLike | None = None, *, intact: bool = True,
                   replacing: bool = False) -> str:
    """A Vietnamese sentence naming the failure and what to do. `intact`: the data on disk was not changed
    (a refused write rolled back, a copy that failed before the rename), so say so. `replacing`: the failure came
    when an existing file was being replaced (a report saved again under its name): refused there, it is almost
    always that file open in Word, Excel or a PDF reader (Windows answers «access denied»), so say that."""
    kind = classify(exc)
    where = f"«{os.fspath(path)}»" if path is not None else "tệp dữ liệu"
    safe = " Dữ liệu đã lưu trước đó vẫn nguyên vẹn." if intact else ""
    if replacing and kind in (PERMISSION, LOCKED):
        return (f"Không ghi đè được {where}: tệp này đang được mở trong chương trình khác (Word, Excel, trình đọc "
                "PDF…) hoặc là tệp chỉ đọc. Tệp cũ vẫn nguyên vẹn. Hãy đóng tệp đó (hoặc lưu với tên khác) rồi "
                "thử lại.")
    if kind == DISK_FULL:
        return (f"Ổ đĩa chứa {where} đã đầy.{safe} Hãy giải phóng dung lượng (xóa tệp tạm, dọn thùng rác) "
                "rồi thử lại.")
    if kind == READ_ONLY:
        return (f"{where} đang ở chế độ chỉ đọc (tệp hoặc thư mục chỉ đọc, USB/thẻ nhớ bị gạt khóa ghi, ổ mạng "
                f"không cho ghi).{safe} Hãy bỏ thuộc tính chỉ đọc hoặc chép dữ liệu sang ổ đĩa của máy.")
    if kind == PERMISSION:
        return (f"Không có quyền truy cập {where}.{safe} Hãy kiểm tra quyền của tài khoản Windows với thư mục "
                "này hoặc chuyển dữ liệu vào thư mục của người dùng.")
    if kind == LOCKED:
        return (f"{where} đang bị chương trình khác khóa (Excel, phần mềm diệt virus, đồng bộ đám mây hoặc một "
                f"cửa sổ CCHC Desktop khác).{safe} Hãy đóng chương trình đó rồi thử lại.")
    if kind == IO_ERROR:
        return (f"Lỗi đọc/ghi ổ đĩa với {where} (ổ hỏng, USB lỏng hoặc mạng chập chờn).{safe} Đừng thay tệp dữ "
                "liệu; hãy kiểm tra ổ đĩa/USB rồi thử lại.")
    if kind == NOT_FOUND:
        return f"{where[0].upper()}{where[1:]} không tồn tại (USB đã bị rút hoặc thư mục đã bị đổi tên?).{safe}"
    if kind == DAMAGED:
        return f"{where} không phải là cơ sở dữ liệu hợp lệ hoặc đã bị hỏng ({exc})."
    detail = getattr(exc, "strerror", None) or str(exc)
    return f"Không truy cập được {where}: {detail}.{safe}"


def user_message(exc: BaseException, path: str | os.PathLike | None = None) -> str:
    """What to show for a refused or failed action: a UserError's own Vietnamese text, an OS error named for what
    it is (never Python's English «[Errno 28] No space left on device»)."""
    if isinstance(exc, UserError) or not isinstance(exc, OSError):
        return str(exc)
    return describe_error(exc, path)


class StorageError(UserError):
    """A read or write the disk refused, named for what it is (kind = DISK_FULL, READ_ONLY, …)."""

    def __init__(self, message: str, kind: str = OTHER):
        super().__init__(message)
        self.kind = kind

    @classmethod
    def from_exception(cls, exc: BaseException, path=None, *, intact: bool = True) -> "StorageError":
        return cls(describe_error(exc, path, intact=intact), classify(exc))
