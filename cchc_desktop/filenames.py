"""File names that Windows accepts: no reserved device names (CON, PRN, AUX, NUL, COM1–9, LPT1–9, also with an
extension), no forbidden characters or control characters, no trailing dots or spaces, length bounded."""
from __future__ import annotations

import re
import unicodedata

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def windows_safe_name(name: str, max_length: int = 120, fallback: str = "tep") -> str:
    """``name`` made safe as one Windows path component, keeping its extension when it has to be shortened."""
    text = unicodedata.normalize("NFC", str(name))
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text:
        text = fallback
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > 10 or " " in ext:
        stem, ext = text, ""
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = f"_{stem}"
    suffix = f".{ext}" if ext else ""
    room = max(1, max_length - len(suffix))
    stem = stem[:room].rstrip(" .") or fallback
    return f"{stem}{suffix}"
