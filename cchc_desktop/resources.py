"""Locate bundled files (resources/, db/) from source and inside a PyInstaller bundle."""
from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    """Folder holding resources/ and db/: the repo root, or the PyInstaller bundle folder."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return app_root().joinpath("resources", *parts)


def migrations_dir() -> Path:
    return app_root() / "db" / "migrations"


DEMO_APPENDIX = ("demo", "phu-luc-nhiem-vu-cchc-2026-xa-xuan-truong.txt")
