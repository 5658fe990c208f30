"""Test helper (not a test module): whole-plan .docx fixtures laid out the way Word users lay a plan out.

From a seed's text form (../shared/seeds/*.txt) it builds: the letterhead as a two-column borderless
table (unit and "Số:" left; national motto and "<Địa danh>, ngày …" right), the centred bold title
"KẾ HOẠCH" + subject, the body paragraphs (headings bold), "Nơi nhận" and the signer as a two-column
borderless table, and — when the seed has one — the appendix in its own landscape section (title,
italic caption, "Table Grid" table with a header row, a column-number row and merged bold section rows).

The helper splits the seed text itself with simple rules of its own (it does not call the importer), so
the tests compare the importer's reading against the document as laid out here.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")

SEED_FILES = {
    "quyet-thang": "ke-hoach-cchc-2026-xa-quyet-thang.txt",
    "thien-tan": "ke-hoach-cchc-2026-2030-xa-thien-tan.txt",
    "xa-mau": "ke-hoach-cchc-2025-xa-mau.txt",
    "xuan-truong": "phu-luc-nhiem-vu-cchc-2026-xa-xuan-truong.txt",
}

_ITEM = re.compile(r"^(?:[-+•]\s|[IVX]+\.\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)\s|\()")
_HEADING = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.)\s+\S.{0,90}$")


@dataclass
class SeedParts:
    letterhead_left: list[str] = field(default_factory=list)
    letterhead_right: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)
    appendix_lines: list[str] = field(default_factory=list)
    appendix_rows: list[list[str]] = field(default_factory=list)


def seed_text(key: str) -> str:
    return (SEEDS / SEED_FILES[key]).read_text(encoding="utf-8")


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated chunks; a chunk continues the one above when it starts in lower case or
    the one above does not end a sentence and was wrapped (PDF dumps)."""
    out: list[str] = []
    wrapped = False
    for raw in lines:
        text = raw.replace("**", "").strip()
        if not text:
            continue
        if out and not _ITEM.match(text) and not text.isupper() and not out[-1].isupper() and (
                text[0].islower() or (wrapped and not out[-1].rstrip().endswith((".", ":", ";")))):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
        wrapped = len(raw.rstrip()) >= 70
    return out


def split_seed(text: str) -> SeedParts:
    parts = SeedParts()
    lines = text.splitlines()
    first_tab = next((i for i, line in enumerate(lines) if "\t" in line), len(lines))
    if first_tab < len(lines):
        rows = list(csv.reader(io.StringIO("\n".join(lines[first_tab:])), delimiter="\t"))
        parts.appendix_rows = [r for r in rows if any(c.strip() for c in r)]
        parts.appendix_lines = [x.strip("*_ ").strip() for x in lines[:first_tab] if x.strip()]
        return parts
    paras = _paragraphs(lines)
    i = 0
    while i < len(paras) and not paras[i].upper().startswith("KẾ HOẠCH") and len(paras[i]) < 80 \
            and not _HEADING.match(paras[i]):
        (parts.letterhead_left if paras[i].startswith("Số") else parts.letterhead_right).append(paras[i])
        i += 1
    if i < len(paras) and paras[i].upper().startswith("KẾ HOẠCH"):
        head, rest = paras[i][:8], paras[i][8:].strip()
        parts.title = [head] + ([rest] if rest else [])
        i += 1
        if not rest and i < len(paras) and len(paras[i]) < 120:
            parts.title.append(paras[i])
            i += 1
    end = next((j for j in range(i, len(paras)) if paras[j].startswith("Nơi nhận")), len(paras))
    parts.body = paras[i:end]
    if end < len(paras):
        raw_tail = text.split("Nơi nhận:", 1)[1].splitlines()
        parts.recipients = [x.strip() for x in raw_tail if x.strip().startswith(("-", "+"))]
        parts.signer = [x.replace("**", "").strip() for x in raw_tail
                        if x.strip() and not x.strip().startswith(("-", "+"))]
    return parts


def _cell_lines(cell, lines: list[str], *, bold_upper: bool = False, center: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    first = True
    for line in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = p.add_run(line)
        run.bold = bold_upper and line.isupper()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def build_plan_docx(path: Path, parts: SeedParts, *, letterhead_unit: list[str] | None = None,
                    landscape_appendix: bool = True) -> Path:
    """Write the plan as Word users lay it out; ``letterhead_unit`` = ["ỦY BAN NHÂN DÂN", "XÃ …"] when
    the signed document carries it (the seeds' text form dropped the letterhead of some plans)."""
    import docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document()
    has_body = bool(parts.title or parts.body)
    if has_body:
        left = list(letterhead_unit or []) + parts.letterhead_left
        right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"] + parts.letterhead_right
        table = doc.add_table(rows=1, cols=2)        # no style: borderless
        _cell_lines(table.cell(0, 0), left or [""], bold_upper=True, center=True)
        _cell_lines(table.cell(0, 1), right, bold_upper=True, center=True)
        for line in parts.title:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(line).bold = True
        for text in parts.body:
            p = doc.add_paragraph()
            p.add_run(text).bold = bool(_HEADING.match(text))
        if parts.recipients or parts.signer:
            sign = doc.add_table(rows=1, cols=2)
            _cell_lines(sign.cell(0, 0), ["Nơi nhận:"] + parts.recipients)
            signer = [x for x in parts.signer if x.isupper()]
            names = [x for x in parts.signer if not x.isupper()]
            _cell_lines(sign.cell(0, 1), signer + ["", "", ""] + names, bold_upper=True, center=True)
    if parts.appendix_rows:
        if has_body and landscape_appendix:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
        else:
            section = doc.sections[0]
        if landscape_appendix:
            section.orientation = WD_ORIENT.LANDSCAPE
            if section.page_width < section.page_height:
                section.page_width, section.page_height = section.page_height, section.page_width
        for line in ["PHỤ LỤC"] + parts.appendix_lines:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(line)
            run.bold = not line.startswith("(")
            run.italic = line.startswith("(")
        width = max(len(r) for r in parts.appendix_rows)
        table = doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for row in parts.appendix_rows:
            cells = table.add_row().cells
            texts = [c for c in row] + [""] * (width - len(row))
            section_title = re.fullmatch(r"\s*<b>(.*)</b>\s*", texts[0])
            if section_title and not any(t.strip() for t in texts[1:]):
                merged = cells[0].merge(cells[-1])
                merged.paragraphs[0].add_run(section_title.group(1)).bold = True
                continue
            for cell, text in zip(cells, texts):
                lines = text.split("\n")
                _cell_lines(cell, lines)
    doc.save(path)
    return path


def seed_docx(tmp_path: Path, key: str, **kwargs) -> Path:
    return build_plan_docx(tmp_path / (Path(SEED_FILES[key]).stem + ".docx"), split_seed(seed_text(key)), **kwargs)
