"""Where the app keeps its data: platformdirs, or next to the executable in portable mode."""
from __future__ import annotations

import os
import sys
from pathlib import Path


APP_DIR_NAME = "CCHC Desktop"
PORTABLE_MARKER = "portable"
DB_FILE_NAME = "cchc.sqlite3"


def executable_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def is_portable() -> bool:
    return (executable_dir() / PORTABLE_MARKER).exists()


def data_dir() -> Path:
    """The data folder; CCHC_DATA_DIR overrides (tests, power users)."""
    override = os.environ.get("CCHC_DATA_DIR")
    if override:
        path = Path(override)
    elif is_portable():
        path = executable_dir() / "data"
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / DB_FILE_NAME


def attachments_dir(db_path: Path) -> Path:
    """Evidence files live beside the database so moving the folder keeps them."""
    return Path(db_path).resolve().parent / "attachments"


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / "backups"


def logs_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


_REMOVABLE_FS = {"vfat", "msdos", "exfat", "fuseblk", "ntfs", "ntfs3"}
_REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")


def removable_drives(mounts: str | None = None, *, windows_drives: list[tuple[str, int]] | None = None) -> list[Path]:
    """USB sticks and memory cards plugged in now (for the exchange dialogs' starting folder).

    Windows: drive letters whose GetDriveTypeW is DRIVE_REMOVABLE (2). Elsewhere: mount points under /media,
    /run/media or /mnt with a FAT/exFAT/NTFS file system. ``mounts`` / ``windows_drives`` replace what the
    system says (tests)."""
    if windows_drives is not None or sys.platform.startswith("win"):
        if windows_drives is None:
            windows_drives = []
            try:
                import ctypes
                import string

                mask = ctypes.windll.kernel32.GetLogicalDrives()  # type: ignore[attr-defined]
                for i, letter in enumerate(string.ascii_uppercase):
                    if mask >> i & 1:
                        root = f"{letter}:\\"
                        windows_drives.append((root, ctypes.windll.kernel32.GetDriveTypeW(root)))  # type: ignore
            except Exception:  # noqa: BLE001 - no drive list: no suggestion
                return []
        return [Path(root) for root, kind in windows_drives if kind == 2 and not root.upper().startswith(("A:", "B:"))]
    if mounts is None:
        try:
            with open("/proc/mounts", encoding="utf-8") as handle:
                mounts = handle.read()
        except OSError:
            return []
    out = []
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2] in _REMOVABLE_FS:
            point = parts[1].replace("\\040", " ")
            if point.startswith(_REMOVABLE_ROOTS):
                out.append(Path(point))
    return out
