"""Register the serif family used by every printed document ("DocSerif").

Nghị định 30/2020/NĐ-CP asks for Times New Roman. When the machine has it (always on Windows) we embed it;
otherwise we embed the bundled Liberation Serif, which is metric-compatible, so line breaks stay the same.
Fonts are always embedded as TrueType subsets (reportlab ``TTFont``), so a printed PDF never depends on the
fonts of the computer that opens it.

Environment override: ``CCHC_DOC_FONT=bundled`` forces Liberation Serif (useful for reproducible output).
"""
from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .resources import resource_path

FAMILY = "DocSerif"
REGULAR = "DocSerif"
BOLD = "DocSerif-Bold"
ITALIC = "DocSerif-Italic"
BOLD_ITALIC = "DocSerif-BoldItalic"

SOURCE_SYSTEM_TIMES = "system-times-new-roman"
SOURCE_BUNDLED = "bundled-liberation-serif"

# Every precomposed Vietnamese letter: a candidate font must cover all of them. Old Times New Roman files
# (e.g. msttcorefonts on Linux) stop at WGL4 and would print boxes instead of "ệ", "ữ", ...
VIETNAMESE_COVERAGE = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    "ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợ"
    "ỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ–“”‘’…"
)


@dataclass(frozen=True)
class FontSet:
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    source: str

    def paths(self) -> tuple[Path, Path, Path, Path]:
        return (self.regular, self.bold, self.italic, self.bold_italic)


_TIMES_NAMES = {
    # style: candidate file names (matched case-insensitively inside each folder)
    "regular": ("times.ttf", "Times_New_Roman.ttf", "Times New Roman.ttf", "TimesNewRoman.ttf"),
    "bold": ("timesbd.ttf", "Times_New_Roman_Bold.ttf", "Times New Roman Bold.ttf", "TimesNewRomanBold.ttf"),
    "italic": ("timesi.ttf", "Times_New_Roman_Italic.ttf", "Times New Roman Italic.ttf",
               "TimesNewRomanItalic.ttf"),
    "bold_italic": ("timesbi.ttf", "Times_New_Roman_Bold_Italic.ttf", "Times New Roman Bold Italic.ttf",
                    "TimesNewRomanBoldItalic.ttf"),
}

_BUNDLED = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}


def system_font_dirs() -> list[Path]:
    """Folders that may hold Times New Roman on this machine, most likely first."""
    dirs: list[Path] = []
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts"),
                 Path.home() / "Library" / "Fonts"]
    else:
        dirs += [
            Path("/usr/share/fonts/truetype/msttcorefonts"),
            Path("/usr/share/fonts/msttcore"),
            Path("/usr/share/fonts/msttcorefonts"),
            Path("/usr/share/fonts/truetype/msttcore"),
            Path("/usr/share/fonts/TTF"),
            Path("/usr/share/fonts/truetype"),
            Path("/usr/local/share/fonts"),
            Path.home() / ".local" / "share" / "fonts",
            Path.home() / ".fonts",
        ]
    return dirs


def _find_in_dir(folder: Path, names: tuple[str, ...]) -> Path | None:
    try:
        entries = {p.name.casefold(): p for p in folder.iterdir() if p.is_file()}
    except OSError:
        return None
    for name in names:
        hit = entries.get(name.casefold())
        if hit is not None:
            return hit
    return None


def covers_vietnamese(path: Path) -> bool:
    """True when the TrueType file has a glyph for every Vietnamese letter."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    try:
        face = TTFontFile(str(path), validate=0)
    except Exception:  # unreadable, TTC, PostScript outlines, ...
        return False
    cmap = face.charToGlyph
    return all(ord(ch) in cmap for ch in VIETNAMESE_COVERAGE)


def find_times_new_roman(dirs: list[Path] | None = None) -> FontSet | None:
    """The four Times New Roman files from one system folder, if all exist and cover Vietnamese."""
    for folder in dirs if dirs is not None else system_font_dirs():
        found = {style: _find_in_dir(folder, names) for style, names in _TIMES_NAMES.items()}
        if any(p is None for p in found.values()):
            continue
        if not all(covers_vietnamese(p) for p in found.values()):
            continue
        return FontSet(found["regular"], found["bold"], found["italic"], found["bold_italic"],
                       SOURCE_SYSTEM_TIMES)
    return None


def bundled_font_set() -> FontSet:
    paths = {style: resource_path("fonts", name) for style, name in _BUNDLED.items()}
    return FontSet(paths["regular"], paths["bold"], paths["italic"], paths["bold_italic"], SOURCE_BUNDLED)


def choose_font_set(prefer_system: bool | None = None) -> FontSet:
    if prefer_system is None:
        prefer_system = os.environ.get("CCHC_DOC_FONT", "").strip().lower() != "bundled"
    if prefer_system:
        system = find_times_new_roman()
        if system is not None:
            return system
    return bundled_font_set()


_lock = threading.Lock()
_registered: FontSet | None = None


def register_fonts(prefer_system: bool | None = None, *, force: bool = False) -> FontSet:
    """Register DocSerif (+ -Bold, -Italic, -BoldItalic) with reportlab once; return the files used.

    Idempotent: later calls return the first registration unless ``force`` is set.
    Falls back to the bundled Liberation Serif if a system file fails to load.
    """
    global _registered
    with _lock:
        if _registered is not None and not force:
            return _registered
        chosen = choose_font_set(prefer_system)
        try:
            _register(chosen)
        except Exception:
            if chosen.source == SOURCE_BUNDLED:
                raise
            chosen = bundled_font_set()
            _register(chosen)
        _registered = chosen
        return chosen


def registered_font_set() -> FontSet | None:
    return _registered


def _register(fonts: FontSet) -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, path in zip((REGULAR, BOLD, ITALIC, BOLD_ITALIC), fonts.paths()):
        # TTFont always embeds a subset of the glyphs actually used.
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    # Make <b>/<i> markup resolve for every face name, not only the family name.
    for name in (REGULAR, BOLD, ITALIC, BOLD_ITALIC):
        addMapping(name, 0, 0, REGULAR)
        addMapping(name, 1, 0, BOLD)
        addMapping(name, 0, 1, ITALIC)
        addMapping(name, 1, 1, BOLD_ITALIC)
