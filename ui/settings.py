"""Remembered window layout and preferences (QSettings in an .ini file in the data folder)."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from cchc_desktop.paths import data_dir


def app_settings() -> QSettings:
    """Settings stored beside the data (portable mode and CCHC_DATA_DIR keep them together)."""
    return QSettings(str(data_dir() / "settings.ini"), QSettings.IniFormat)


def save_window(window) -> None:
    settings = app_settings()
    view = window.view
    values = {"window/geometry": window.saveGeometry(), "window/state": window.saveState(),
              "table/column_widths": ",".join(str(view.columnWidth(c)) for c in range(view.model().columnCount())),
              "window/splitter": window.splitter.saveState(),
              "table/auto_fit": "true" if view.auto_fit_columns else "false"}
    if window.model.plan_id:
        values["plan/last"] = window.model.plan_id
    changed = False
    for key, value in values.items():
        if settings.value(key) != value:
            settings.setValue(key, value)
            changed = True
    if changed:
        settings.sync()   # one write of the .ini at quit, none when nothing moved


def restore_window(window) -> bool:
    """Restore geometry, docks and column widths; False when nothing was saved yet."""
    settings = app_settings()
    geometry = settings.value("window/geometry")
    if geometry is None:
        return False
    window.restoreGeometry(geometry)
    state = settings.value("window/state")
    if state is not None:
        window.restoreState(state)
    widths = str(settings.value("table/column_widths") or "")
    try:
        values = [int(w) for w in widths.split(",") if w.strip()]
    except ValueError:
        values = []
    if len(values) == window.view.model().columnCount():
        for col, width in enumerate(values):
            window.view.setColumnWidth(col, max(30, min(width, 2000)))
    splitter = settings.value("window/splitter")
    if splitter is not None:
        window.splitter.restoreState(splitter)
    return True


def last_plan_id() -> str | None:
    value = app_settings().value("plan/last")
    return str(value) if value else None
