"""The one way every entry point (GUI, command line, self-test) opens a database.

    opened = open_database(db_path, confirm=None)     # lock → integrity/recovery → backup before migrating
    ...
    opened.close()

1. The instance lock (`instance_lock.InstanceLock`): one program per database. A database that cannot be
   written (read-only file or folder, write-protected stick) is opened read-only without the lock — nobody can
   write it — and says so (`opened.read_only`, `read_only_notice()`).
2. `backup.open_or_recover`: `integrity_check`; a damaged file is kept aside and the newest good backup by
   sequence restored — after `confirm(proposal)` (the GUI's dialog). Without `confirm` (command line, scripts)
   nothing is restored: `refuse_recovery` raises a DatabaseError naming the newest good backup and what to do.
3. An older schema is backed up (`…-truoc-khi-nang-cap`) before it is migrated.

This module never imports Qt.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .backup import RecoveryInfo, mark_clean_close, open_or_recover
from .db import DatabaseError, is_writable
from .instance_lock import AlreadyRunning, InstanceLock, LockError


@dataclass
class OpenedDatabase:
    store: object
    lock: InstanceLock | None
    recovery: RecoveryInfo | None
    read_only: bool = False

    def close(self) -> None:
        try:
            close_store_cleanly(self.store, self.read_only)
        finally:
            if self.lock is not None:
                self.lock.release()


def close_store_cleanly(store, read_only: bool = False) -> None:
    """Close the store opened by `open_database` and, when this closed it (not a restore that closed it
    earlier) and it could be written, note the file as cleanly closed: the next open then runs `quick_check`
    instead of the full `integrity_check` while the file stays exactly as left (issue 18)."""
    was_open = not store.db.closed
    store.close()
    if was_open and not read_only:
        mark_clean_close(store.path)


def refuse_recovery(proposal: RecoveryInfo) -> bool:
    """The non-interactive answer to a damaged database: change nothing and say what to do."""
    if proposal.backup is not None:
        best = (f"Bản sao lưu tốt mới nhất là {proposal.backup.created_label} ({proposal.backup.task_count} nhiệm "
                f"vụ); khôi phục bằng lệnh «restore {proposal.backup.seq}» hoặc mở ứng dụng để chọn bản sao lưu.")
    else:
        best = "Không có bản sao lưu dùng được."
    raise DatabaseError(f"Cơ sở dữ liệu «{proposal.db_path.name}» bị hỏng ({proposal.problem}). Chế độ dòng lệnh "
                        f"không tự khôi phục, tệp chưa bị thay đổi. {best}")


def read_only_notice(db_path: str | Path) -> str:
    return (f"Cơ sở dữ liệu «{Path(db_path).name}» đang mở ở chế độ CHỈ ĐỌC (tệp hoặc thư mục không cho ghi, "
            "USB bị gạt khóa ghi). Dữ liệu vẫn nguyên vẹn; mọi thao tác sửa đều bị chặn. Hãy bỏ thuộc tính chỉ "
            "đọc hoặc chép dữ liệu sang ổ đĩa của máy rồi mở lại.")


def open_database(db_path: str | Path, *, actor: str | None = None,
                  confirm: Callable[[RecoveryInfo], bool] | None = None) -> OpenedDatabase:
    """Lock, check (recover with `confirm`, else refuse), back up before migrating, open.
    Raises AlreadyRunning / LockError / DatabaseError / BackupError (all UserError, Vietnamese)."""
    db_path = Path(db_path)
    read_only = db_path.exists() and not is_writable(db_path)
    lock = None
    try:
        lock = InstanceLock(db_path).acquire()
    except AlreadyRunning:
        raise
    except LockError:
        if not read_only:  # a read-only database cannot be written by anyone: no lock needed
            raise
    try:
        store, recovery = open_or_recover(db_path, actor=actor, confirm=confirm or refuse_recovery)
    except BaseException:
        if lock is not None:
            with contextlib.suppress(Exception):
                lock.release()
        raise
    return OpenedDatabase(store, lock, recovery, read_only=bool(getattr(store.db, "read_only", False)))
