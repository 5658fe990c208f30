"""File names that Windows accepts: no reserved device names (CON, PRN, AUX, NUL, COM1–9, LPT1–9, with any
extension; Windows counts ¹²³ as digits too), no forbidden or control characters, no leading/trailing dots or
spaces, length bounded with the extension kept."""
from __future__ import annotations

import re
import unicodedata

BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$", re.IGNORECASE)


def windows_safe_name(name: str, max_length: int = 120, fallback: str = "tep") -> str:
    """``name`` made safe as one Windows path component, keeping its extension when it has to be shortened."""
    name = BAD_CHARS.sub("_", unicodedata.normalize("NFC", str(name))).strip(" .") or fallback
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        ext = f".{ext}" if dot and stem and len(ext) <= 10 else ""
        name = (stem if ext else name)[:max(max_length - len(ext), 1)].rstrip(" .") + ext
    if RESERVED.match(name):
        name = "_" + name[:max_length - 1]
    return name
