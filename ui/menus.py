"""Menu-bar helpers shared by the feature modules that add their own menu to the main window."""
from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu

HELP_MENU_TITLE = "Trợ giúp"


def insert_menu(window: QMainWindow, title: str) -> QMenu:
    """Add a menu to the window's menu bar, just before «Trợ giúp» (or at the end when absent)."""
    bar = window.menuBar()
    menu = QMenu(title, window)
    help_action = next((a for a in bar.actions() if a.text().replace("&", "") == HELP_MENU_TITLE), None)
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    else:
        bar.addMenu(menu)
    menus = getattr(window, "menus", None)
    if isinstance(menus, dict):
        menus[title.replace("&", "")] = menu
    return menu
