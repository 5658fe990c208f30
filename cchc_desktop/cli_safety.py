"""Headless data-safety commands for `main.py`: integrity (database + evidence files), backups, backup, restore."""
from __future__ import annotations

from pathlib import Path

from .backup import (BackupError, REASON_MANUAL, check_file, list_backups, make_backup, restore_backup,
                     validate_backup)
from .evidence_files import check_files
from .instance_lock import InstanceLock
from .paths import default_db_path


def _db(args) -> Path:
    return Path(args.db) if args.db else default_db_path()


def cmd_integrity(args) -> int:
    """integrity_check of the database and every referenced evidence file (exists, same SHA-256)."""
    db_path = _db(args)
    if not db_path.exists():
        raise BackupError(f"Không tìm thấy cơ sở dữ liệu «{db_path}».")
    with InstanceLock(db_path):
        problem = check_file(db_path, strict=True)
        print(f"Cơ sở dữ liệu «{db_path.name}»: {'tốt' if problem is None else 'HỎNG — ' + problem}.")
        files = [] if problem else check_files(db_path)
    for item in files:
        print(f"  Tệp minh chứng {item.describe()}")
    if not problem:
        print(f"Tệp minh chứng: {len(files)} thiếu hoặc bị thay đổi." if files else "Tệp minh chứng: đủ, đúng mã băm.")
    return 0 if problem is None and not files else 1


def cmd_backups(args) -> int:
    for info in list_backups(_db(args), check=True):
        state = "dùng được" if info.ok else f"HỎNG: {info.problem}"
        print(f"{info.created_label}  {info.reason_label}  {info.task_count if info.task_count is not None else '?'}"
              f" nhiệm vụ  {state}  {info.path.name}")
    return 0


def cmd_backup(args) -> int:
    db_path = _db(args)
    with InstanceLock(db_path):
        path = make_backup(db_path, REASON_MANUAL, dedupe=False)
    print(f"Đã sao lưu: «{path}».")
    return 0


def cmd_restore(args) -> int:
    """Restore backup number N (from `backups`) or a backup file (a USB copy)."""
    db_path = _db(args)
    wanted = args.backup
    if wanted.isdigit():
        match = [i for i in list_backups(db_path) if i.seq == int(wanted)]
        if not match:
            raise BackupError(f"Không có bản sao lưu số {wanted}; xem danh sách bằng lệnh «backups».")
        source = match[0].path
    else:
        source = Path(wanted)
    info = validate_backup(source)
    with InstanceLock(db_path):
        result = restore_backup(db_path, source)
    print(f"Đã khôi phục {info.created_label} ({info.task_count} nhiệm vụ) vào «{db_path.name}»; "
          f"{result.files_restored} tệp minh chứng được chép lại.")
    if result.safety_backup:
        print(f"Bản trước khi khôi phục được giữ tại «{result.safety_backup}».")
    for missing in result.missing_files:
        print(f"  Lưu ý: tệp minh chứng {missing.describe()}")
    return 0


def add_parsers(sub) -> None:
    sub.add_parser("integrity", help="kiểm tra cơ sở dữ liệu và các tệp minh chứng (mã SHA-256)")
    sub.add_parser("backups", help="liệt kê các bản sao lưu (theo số thứ tự)")
    sub.add_parser("backup", help="sao lưu ngay (kèm tệp minh chứng)")
    p = sub.add_parser("restore", help="khôi phục một bản sao lưu (số trong «backups», hoặc đường dẫn tệp)")
    p.add_argument("backup", help="số bản sao lưu hoặc đường dẫn tệp .sqlite3")


COMMANDS = {"integrity": cmd_integrity, "backups": cmd_backups, "backup": cmd_backup, "restore": cmd_restore}
