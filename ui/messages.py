"""The app's message boxes in one place: error, critical, info, confirm, about.

Every box waits while a busy indicator (ui/busy.py) is paused, so a message raised in the middle of a long
job is never hidden behind the «Đang …» dialog.
"""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from cchc_desktop import APP_NAME

from .busy import paused


def error(parent, title: str, text: str) -> None:
    """A refusal or a problem the user can act on (title: APP_NAME or what failed)."""
    with paused():
        QMessageBox.warning(parent, title or APP_NAME, text)


def critical(parent, title: str, text: str) -> None:
    with paused():
        QMessageBox.critical(parent, title or APP_NAME, text)


def info(parent, title: str, text: str) -> None:
    with paused():
        QMessageBox.information(parent, title or APP_NAME, text)


def confirm(parent, title: str, text: str, default_yes: bool = False) -> bool:
    with paused():
        answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No,
                                      QMessageBox.Yes if default_yes else QMessageBox.No)
    return answer == QMessageBox.Yes


def about(parent, title: str, text: str) -> None:
    QMessageBox.about(parent, title, text)
