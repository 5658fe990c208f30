"""Readers of a whole plan document: a .docx or the seeds' text form -> a list of blocks.

A block is a paragraph (:class:`Para`) or a table (:class:`TableBlock`, cells as written plus the
:class:`RawTable` the appendix builder reads).  Each block knows the document section it lies in and
whether that section is landscape (Word users put the appendix in a landscape section).  Nothing is
interpreted here; :mod:`.plan_builder` does that the same way for every format.
"""
from __future__ import annotations

import os
import re
import warnings as _warnings
from dataclasses import dataclass, field

from ..text import clean_cell
from .model import ImportCancelled, ImportFailure
from .rows import RawRow, RawTable, check_file, check_office_zip

_MARKDOWN_RE = re.compile(r"^[#>\s]*|\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_WRAP_LENGTH = 70
_SENTENCE_END_RE = re.compile(r"[.:;!?»”)]\s*$")
_ITEM_START_RE = re.compile(r"^(?:[-+•–*]\s|[IVX]+\s*[.)]\s|\d+(?:\.\d+)*\s*[.)]\s|[a-zđ]\s*\)\s|\(\S)")


@dataclass
class Para:
    text: str
    number: int                  # 1-based paragraph number in the document (or first text line)
    bold: bool = False
    centered: bool = False
    section: int = 0             # 0-based document section
    landscape: bool = False


@dataclass
class TableBlock:
    raw: RawTable                # raw cells for the appendix builder (label "Bảng n")
    number: int                  # 1-based table number in the document
    section: int = 0
    landscape: bool = False

    @property
    def texts(self) -> list[list[str]]:
        return [[clean_cell(c) for c in row.cells] for row in self.raw.rows]

    def column_texts(self) -> list[str]:
        """The text of every column, top to bottom (a two-column layout table -> two texts)."""
        width = max((len(r) for r in self.texts), default=0)
        out = []
        for col in range(width):
            parts = [row[col] for row in self.texts if col < len(row) and row[col]]
            out.append("\n".join(dict.fromkeys(parts)))   # merged cells repeat; keep one copy
        return out


@dataclass
class PlanBlocks:
    source_name: str
    blocks: list = field(default_factory=list)
    table_count: int = 0


# --------------------------------------------------------------------------- .docx

def _orientation(sect_pr) -> bool:
    """True when a w:sectPr describes a landscape page."""
    from docx.oxml.ns import qn
    size = sect_pr.find(qn("w:pgSz"))
    if size is None:
        return False
    if size.get(qn("w:orient")) == "landscape":
        return True
    try:
        return int(size.get(qn("w:w"))) > int(size.get(qn("w:h")))
    except (TypeError, ValueError):
        return False


def _para_bold(paragraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs:
        return False
    if all(r.bold for r in runs):
        return True
    style = paragraph.style
    while style is not None:
        if style.font is not None and style.font.bold:
            return True
        style = style.base_style
    return False


def _para_centered(paragraph) -> bool:
    try:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        return paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    except Exception:
        return False


def open_docx(path, name: str):
    """python-docx Document of a checked .docx (ImportFailure for anything unreadable)."""
    check_file(path, file=name)
    check_office_zip(path, file=name, kind="Word", required_part="word/document.xml")
    try:
        import docx
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            document = docx.Document(os.fspath(path))
        blocks = list(document.iter_inner_content())
    except Exception:
        raise ImportFailure("tệp Word bị hỏng hoặc không đúng định dạng, không mở được.",
                            file=name) from None
    return document, blocks


def read_docx_blocks(path: str | os.PathLike, progress=None) -> PlanBlocks:
    """Paragraphs and tables of the document body in order, with section/orientation. `progress`: a
    RowProgress told the table rows read (all tables' rows are the total)."""
    from docx.oxml.ns import qn
    from docx.table import Table

    from .docx_tables import table_to_raw
    name = os.path.basename(os.fspath(path))
    document, items = open_docx(path, name)
    out = PlanBlocks(name)
    out.table_count = sum(1 for b in items if isinstance(b, Table))
    if progress is not None:
        progress.add_total(sum(len(b._tbl.tr_lst) for b in items if isinstance(b, Table)))
        progress.start()
    pending: list = []
    section = 0
    para_no = table_no = 0

    def close_section(landscape: bool) -> None:
        nonlocal section
        for block in pending:
            block.landscape = landscape
        out.blocks.extend(pending)
        pending.clear()
        section += 1

    for item in items:
        if isinstance(item, Table):
            table_no += 1
            label = f"Bảng {table_no}" if out.table_count > 1 else ""
            try:
                raw = table_to_raw(item, label=label, progress=progress)
            except ImportCancelled:
                raise
            except ImportFailure as exc:
                raise ImportFailure(exc.detail, file=name, sheet=label) from None
            except Exception:
                raise ImportFailure("không đọc được bảng trong tài liệu Word.", file=name,
                                    sheet=label) from None
            pending.append(TableBlock(raw, table_no, section))
            continue
        para_no += 1
        text = clean_cell(getattr(item, "text", "") or "")
        if text:
            pending.append(Para(text, para_no, _para_bold(item), _para_centered(item), section))
        p_pr = item._p.pPr
        sect_pr = p_pr.find(qn("w:sectPr")) if p_pr is not None else None
        if sect_pr is not None:
            close_section(_orientation(sect_pr))
    body_sect = document.element.body.find(qn("w:sectPr"))
    close_section(_orientation(body_sect) if body_sect is not None else False)
    return out


# --------------------------------------------------------------------------- text

def _strip_markdown(line: str) -> tuple[str, bool]:
    bold = "**" in line or "<b>" in line.lower()
    return clean_cell(_MARKDOWN_RE.sub("", line)).strip(), bold


def text_blocks(text: str, source_name: str, progress=None) -> PlanBlocks:
    """The seeds' text form: paragraphs separated by lines (PDF line wraps re-joined); one TSV table.

    A line continues the paragraph above unless it starts an item ("- ", "1. ", "a) ", "I. ", "(")
    or the paragraph above ends a sentence.  Lines holding a tab form the table (rows numbered by
    the line where each record starts, as the appendix importer does).
    """
    from .text_reader import parse_tsv_rows
    out = PlanBlocks(source_name)
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first_tab = next((i for i, line in enumerate(lines) if "\t" in line), None)
    body = lines if first_tab is None else lines[:first_tab]
    current: Para | None = None
    last_length = 0
    for number, line in enumerate(body, start=1):
        stripped, bold = _strip_markdown(line)
        if not stripped:
            continue
        # an upper-case start continues only a wrapped line (PDF dumps wrap at ~80 characters)
        joins = (current is not None and not _ITEM_START_RE.match(stripped)
                 and (stripped[:1].islower()
                      or (not _SENTENCE_END_RE.search(current.text) and last_length >= _WRAP_LENGTH))
                 and not stripped.isupper() and not current.text.isupper())
        last_length = len(line.rstrip())
        if joins:
            current.text = f"{current.text} {stripped}"
            current.bold = current.bold and bold
            continue
        current = Para(stripped, number, bold)
        out.blocks.append(current)
    if first_tab is not None:
        table_text = "\n".join(lines[first_tab:])
        if progress is not None:
            progress.add_total(table_text.count("\n") + 1)
            progress.start()
        rows = parse_tsv_rows(table_text, file=source_name, progress=progress)
        for row in rows:
            row.row += first_tab
        out.blocks.append(TableBlock(RawTable(rows=rows), 1))
        out.table_count = 1
    return out


def read_text_blocks(path: str | os.PathLike, progress=None) -> PlanBlocks:
    from .text_reader import load_text_file
    name, text = load_text_file(path)
    if "\x00" in text:
        raise ImportFailure("tệp không phải là tệp văn bản.", file=name)
    return text_blocks(text, name, progress)


__all__ = ["Para", "TableBlock", "PlanBlocks", "RawRow", "read_docx_blocks", "text_blocks",
           "read_text_blocks", "open_docx"]
