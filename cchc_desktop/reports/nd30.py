"""The Nghị định 30/2020 texts and measures shared by the PDF (layout.py) and Word (docx_render.py) renderers.

Texts: quốc hiệu, tiêu ngữ, the "Số:" / "V/v" lines, the "Kính gửi:" lines, the "Nơi nhận:" lines, the signer's
authority lines. Measures (with the bundled metric-compatible Times New Roman / Liberation Serif): the header
column widths and the lengths of the short rules, so both renderers draw the same page.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .. import fonts
from ..text import fold, nfc
from .vnformat import upper

if TYPE_CHECKING:  # layout.py imports this module
    from .layout import DocumentHeader, LayoutSettings, SignerBlock

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_HEADING = "Nơi nhận:"
KINH_GUI = "Kính gửi:"


# ------------------------------------------------------------------------------------------------- texts


def number_line(header: "DocumentHeader") -> str:
    """"Số: 05/BC-UBND" (the blanks of an unnumbered document are kept)."""
    return f"Số: {header.number_symbol}".rstrip()


def letter_subject_line(header: "DocumentHeader") -> str:
    """A công văn's "V/v …" line ("" when the document is not a letter or has no subject)."""
    if not header.is_official_letter:
        return ""
    text = header.letter_subject.strip()
    if text and not text.lower().startswith("v/v"):
        text = "V/v " + text
    return text


def issuer_lines(header: "DocumentHeader") -> tuple[str, str]:
    """(cơ quan chủ quản or "", tên cơ quan ban hành) in capitals."""
    return upper(header.parent_body.strip()), upper(header.issuer_name.strip())


def kinh_gui_lines(recipients: Sequence[str]) -> list[str]:
    """One recipient: its name ending in "."; several: "- name;" each, the last "- name."."""
    names = [nfc(r).strip() for r in recipients if r and r.strip()]
    if len(names) == 1:
        return [names[0] if names[0].endswith(".") else names[0].rstrip(";") + "."]
    out = []
    for i, name in enumerate(names):
        name = name.lstrip("-– ").rstrip(".;")
        out.append(f"- {name}" + ("." if i == len(names) - 1 else ";"))
    return out


def _recipient_line(text: str, last: bool) -> str:
    text = nfc(text).strip().lstrip("-–").strip().rstrip(";.").strip()
    return f"- {text}" + ("." if last else ";")


def _is_archive_line(text: str) -> bool:
    """"Lưu: VT." / "- Lưu VT, VHXH" (a «Lưu» line written among the recipients)."""
    key = fold(nfc(text).strip().lstrip("-–").strip())
    return re.match(r"luu\s*:|luu\s+vt\b", key) is not None


def recipient_lines(recipients: Sequence[str], archive: str = "") -> list[str]:
    """The lines under "Nơi nhận:": "- …;" each, the last "- ….". The archive line ("Lưu: VT.") comes
    last, once: it is left out when the recipients already hold a «Lưu» line."""
    lines = [r for r in recipients if r and r.strip()]
    archive = (archive or "").strip()
    if archive and any(_is_archive_line(line) for line in lines):
        archive = ""
    if archive:
        lines.append(archive)
    return [_recipient_line(line, last=i == len(lines) - 1) for i, line in enumerate(lines)]


def authority_lines(signer: "SignerBlock") -> list[str]:
    """Quyền hạn and chức vụ in capitals ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")."""
    return [upper(a.strip()) for a in signer.authority if a.strip()]


# ----------------------------------------------------------------------------------------------- measures


def text_width(text: str, font: str, size: float) -> float:
    """Width in points of the widest line of ``text`` in a bundled font (fonts.REGULAR, fonts.BOLD …)."""
    fonts.register_fonts()
    return max((stringWidth(line, font, size) for line in nfc(text).split("\n")), default=0.0)


def header_columns(width: float, s: "LayoutSettings") -> tuple[float, float, float]:
    """(left, gap, right) column widths of the header: right fits the quốc hiệu; left ~65–85 mm."""
    right = max(text_width(NATIONAL_TITLE, fonts.BOLD, s.national_title_size),
                text_width(MOTTO, fonts.BOLD, s.motto_size)) + 8
    right = min(right, width * 0.62)
    left = min(width - right, 85 * mm)
    return left, width - right - left, right


def _ratio(value: float) -> float:
    return min(max(value, 1 / 3), 1 / 2)


def issuer_rule_length(issuer: str, left_width: float, s: "LayoutSettings") -> float:
    """Rule under the issuing body: 1/3–1/2 of its widest line."""
    return min(text_width(issuer, fonts.BOLD, s.org_size), left_width - 2) * _ratio(s.issuer_rule_ratio)


def motto_rule_length(s: "LayoutSettings") -> float:
    """Rule under the tiêu ngữ: as long as the line."""
    return text_width(MOTTO, fonts.BOLD, s.motto_size)


def subject_rule_length(subject: str, width: float, s: "LayoutSettings") -> float:
    """Rule under the trích yếu: 1/3–1/2 of its line."""
    return min(text_width(subject, fonts.BOLD, s.subject_size), width) * _ratio(s.subject_rule_ratio)


def appendix_rule_length(title: str, width: float, s: "LayoutSettings") -> float:
    """Rule under an appendix heading."""
    return min(text_width(upper(title), fonts.BOLD, s.appendix_title_size), width) * _ratio(s.subject_rule_ratio) \
        * 0.75


def kinh_gui_columns(lines: Sequence[str], width: float, s: "LayoutSettings") -> tuple[float, float]:
    """(label, names) column widths of the centred "Kính gửi:" block."""
    size = s.recipients_to_size
    label_w = text_width(KINH_GUI, fonts.REGULAR, size) + 6
    text_w = max(text_width(line, fonts.REGULAR, size) for line in lines) + 4
    return label_w, min(text_w, width - label_w - 20 * mm)
