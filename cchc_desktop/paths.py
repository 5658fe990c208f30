"""Where the app keeps its data: platformdirs, or next to the executable in portable mode."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

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
