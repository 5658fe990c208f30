"""Window sizes that fit the screen (the target office PC has 1366×768 with a taskbar)."""
from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# title bar and borders the window manager adds around a top-level window
FRAME_HEIGHT = 40
FRAME_WIDTH = 16


def available_size(widget: QWidget | None = None) -> tuple[int, int]:
    """Width and height of the available area (screen minus taskbar) of the widget's screen."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        screen = (parent.window() if parent is not None else widget).screen()
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:
        return 1366, 728
    area = screen.availableGeometry()
    return area.width(), area.height()


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """resize(width, height), but never larger than the available screen area with the window frame."""
    avail_w, avail_h = available_size(widget)
    widget.resize(max(200, min(width, avail_w - FRAME_WIDTH)), max(150, min(height, avail_h - FRAME_HEIGHT)))


__all__ = ["available_size", "fit_to_screen", "FRAME_HEIGHT", "FRAME_WIDTH"]
