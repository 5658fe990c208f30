"""Every open/save/folder dialog of the app, in one place (issue #20, items 4–5).

Where a dialog starts: the folder last used for that kind of file (reports, exports, imports, evidence, USB …),
else — for the exchange dialogs — a USB stick that is plugged in, else the user's Documents folder; never the
program folder. Windows gets its native dialog; elsewhere Qt's own dialog is used, with its texts in Vietnamese
(ui/qt_vi.py)."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from cchc_desktop.paths import removable_drives

from . import settings

REPORTS, EXPORTS, IMPORTS, EVIDENCE, USB, BACKUP, PAR, SYNC = ("reports", "exports", "imports", "evidence", "usb",
                                                                "backup", "par", "sync")
PREFERS_STICK = {EXPORTS, USB, IMPORTS}


def documents_dir() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    path = Path(location) if location else Path.home()
    return path if path.is_dir() else Path.home()


def start_dir(kind: str) -> Path:
    last = settings.app_settings().value(f"folders/{kind}", "")
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    if kind in PREFERS_STICK:
        sticks = removable_drives()
        if sticks:
            return sticks[0]
    return documents_dir()


def remember(kind: str, chosen: str) -> None:
    if not chosen:
        return
    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    prefs = settings.app_settings()
    prefs.setValue(f"folders/{kind}", str(folder))
    prefs.sync()


def _options() -> QFileDialog.Option:
    return QFileDialog.Option(0) if sys.platform.startswith("win") else QFileDialog.DontUseNativeDialog


def open_file(parent: QWidget | None, kind: str, caption: str, filters: str = "") -> str:
    path, _ = QFileDialog.getOpenFileName(parent, caption, str(start_dir(kind)), filters, options=_options())
    remember(kind, path)
    return path


def open_files(parent: QWidget | None, kind: str, caption: str, filters: str = "") -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, caption, str(start_dir(kind)), filters, options=_options())
    if paths:
        remember(kind, paths[0])
    return paths


def save_file(parent: QWidget | None, kind: str, caption: str, name: str, filters: str = "") -> str:
    """``name`` is a file name (placed in the start folder) or a full path (kept)."""
    suggested = Path(name) if Path(name).is_absolute() else start_dir(kind) / name
    path, _ = QFileDialog.getSaveFileName(parent, caption, str(suggested), filters, options=_options())
    remember(kind, path)
    return path


def folder(parent: QWidget | None, kind: str, caption: str, start: str = "") -> str:
    chosen = QFileDialog.getExistingDirectory(parent, caption, start or str(start_dir(kind)),
                                              _options() | QFileDialog.ShowDirsOnly)
    remember(kind, chosen)
    return chosen
