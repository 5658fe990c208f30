"""Plain text → what a report cell or reportlab Paragraph shows: NFC, "\\n" line ends, runs of spaces kept as
no-break spaces, XML-escaped for Paragraph markup.

A leaf module (no report imports) so that :mod:`.grid` and :mod:`.layout` both use it without importing
each other; :mod:`.layout` re-exports both names.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

from ..text import nfc
from .vnformat import NBSP

_MULTISPACE_RE = re.compile(r" {2,}")


def cell_text(text: object) -> str:
    """Plain cell text as a Paragraph would see it after :func:`markup`: NFC, "\\n" line ends, runs of spaces
    kept as no-break spaces."""
    value = nfc("" if text is None else str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return _MULTISPACE_RE.sub(lambda m: NBSP * len(m.group(0)), value)


def markup(text: object) -> str:
    """Plain text -> reportlab paragraph markup: NFC, XML-escaped, newlines kept, runs of spaces kept."""
    return escape(cell_text(text)).replace("\n", "<br/>")
