"""Whole-plan import: blocks of a plan document -> one :class:`PlanDraft` (Qt-free, nothing written).

Pipeline (like the appendix importer): readers (:mod:`.plan_blocks`) -> raw blocks -> this builder ->
one-transaction commit (:func:`cchc_desktop.import_commit.commit_plan`).  The builder splits the
document into its parts the way a Word user lays a plan out:

* letterhead: the first table (two borderless columns) or the short lines before "KẾ HOẠCH":
  "ỦY BAN NHÂN DÂN / PHƯỜNG …", "Số: /KH-UBND", "<Địa danh>, ngày … tháng … năm …";
* title: the "KẾ HOẠCH" line and the subject line(s) under it — never the body's bold headings;
* body: every paragraph up to "Nơi nhận"; headings "I.", "1.", "2.1.", "a)" give the section path;
* Nơi nhận + signer: a two-column table (or the same lines as paragraphs in the text form);
* appendix: the first table with an appendix header, with its own title/caption lines (the landscape
  section it starts, or the "PHỤ LỤC" lines right above it), read by the existing appendix builder.

From these it proposes plan facts, targets (every body clause with a measurable figure), header
settings (Nơi nhận, signer) and report settings (due days stated in the body).  Each part can be
unticked in the preview; nothing is guessed that the document does not say.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ..text import clean_cell, fold
from .model import AppendixDraft, ImportFailure
from .plan_blocks import Para, PlanBlocks, TableBlock, read_docx_blocks, read_text_blocks
from .plan_facts import (PlanFacts, body_year, facts_from_caption, facts_from_title, parse_date,
                         parse_number, parse_place, unit_from_letterhead, unit_from_text)
from .rows import AppendixBuilder, HeaderNotFound, find_header

PART_FACTS, PART_APPENDIX, PART_TARGETS, PART_HEADER, PART_REPORT = (
    "facts", "appendix", "targets", "header", "report")
PARTS = (PART_FACTS, PART_APPENDIX, PART_TARGETS, PART_HEADER, PART_REPORT)
PART_LABELS = {PART_FACTS: "Thông tin kế hoạch", PART_APPENDIX: "Phụ lục nhiệm vụ",
               PART_TARGETS: "Chỉ tiêu", PART_HEADER: "Nơi nhận và người ký",
               PART_REPORT: "Hạn nộp báo cáo định kỳ"}


@dataclass
class TargetDraft:
    title: str
    value: float
    unit: str                  # "%" or a counted noun ("cuộc", "hạng", …)
    comparison: str            # ">=", "<=", "=", ">", "<"
    sentence: str              # the body sentence/clause it came from
    section: str               # "I. MỤC ĐÍCH, YÊU CẦU › 2. Chỉ tiêu cụ thể"
    location: str              # "đoạn 27"
    accepted: bool = True


@dataclass
class SignerDraft:
    recipients: list[str] = field(default_factory=list)
    archive: str = ""
    sign_mode: str = ""
    collective_name: str = ""
    head_title: str = ""
    signer_title: str = ""
    signer_name: str = ""
    authority_lines: list[str] = field(default_factory=list)
    issuer_name: str = ""
    place: str = ""

    def header_changes(self) -> dict:
        """The HeaderSettings fields the document gives (see reports/header_settings.py)."""
        out: dict = {}
        if self.issuer_name:
            out["issuer_name"] = self.issuer_name
        if self.place:
            out["place"] = self.place
        if self.recipients:
            out["report_recipients"] = "\n".join(self.recipients)
        if self.archive:
            out["archive"] = self.archive
        if self.authority_lines:
            out["sign_mode"] = self.sign_mode
            if self.collective_name:
                out["collective_name"] = self.collective_name
            if self.head_title:
                out["head_title"] = self.head_title
            if self.signer_title:
                out["signer_title"] = self.signer_title
        if self.signer_name:
            out["signer_name"] = self.signer_name
        return out

    @property
    def empty(self) -> bool:
        return not self.header_changes()


@dataclass
class ReportDraft:
    settings: dict = field(default_factory=dict)   # ReportSettings fields -> value
    sentences: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        s = self.settings
        out = []
        if "quarter_report_day" in s:
            out.append(f"Báo cáo quý: trước ngày {s['quarter_report_day']:02d} của tháng cuối quý")
        if "half_report_day" in s:
            out.append(f"Báo cáo 6 tháng: trước ngày {s['half_report_day']:02d}/"
                       f"{s.get('half_report_month', 6):02d}")
        if "annual_report_day" in s:
            out.append(f"Báo cáo năm: trước ngày {s['annual_report_day']:02d}/"
                       f"{s.get('annual_report_month', 12):02d}")
        return out


@dataclass
class PlanDraft:
    source_name: str
    facts: PlanFacts = field(default_factory=PlanFacts)
    appendix: AppendixDraft | None = None
    targets: list[TargetDraft] = field(default_factory=list)
    signer: SignerDraft = field(default_factory=SignerDraft)
    report: ReportDraft = field(default_factory=ReportDraft)
    body_paragraphs: int = 0
    notes: list[str] = field(default_factory=list)

    def available(self) -> list[str]:
        parts = [PART_FACTS]
        if self.appendix is not None:
            parts.append(PART_APPENDIX)
        if self.targets:
            parts.append(PART_TARGETS)
        if not self.signer.empty:
            parts.append(PART_HEADER)
        if self.report.settings:
            parts.append(PART_REPORT)
        return parts

    def missing(self) -> list[str]:
        """What a person would still have to type (Vietnamese)."""
        out = list(self.facts.missing())
        if self.appendix is None:
            out.append("phụ lục nhiệm vụ (không có bảng nhiệm vụ trong tệp)")
        if not self.signer.recipients:
            out.append("nơi nhận")
        if not self.signer.authority_lines:
            out.append("thẩm quyền ký")
        if not self.signer.signer_name:
            out.append("họ tên người ký")
        if not self.report.settings:
            out.append("hạn nộp báo cáo định kỳ (dùng mặc định)")
        return out


# --------------------------------------------------------------------------- entry points

def read_plan(path: str | os.PathLike, progress=None) -> PlanDraft:
    """Read a whole plan (.docx, .txt) or an appendix file (.xlsx: the appendix only). `progress(done, total)`:
    the table rows read, as for `read_appendix` (False stops the read with ImportCancelled)."""
    from . import DOCX_EXTENSIONS, TEXT_EXTENSIONS, _guard, read_appendix
    from .progress import row_progress
    name = os.path.basename(os.fspath(path))
    ext = os.path.splitext(name)[1].lower()
    if ext in DOCX_EXTENSIONS:
        rows = row_progress(progress, file=name)
        return _guard(lambda p: build_plan(read_docx_blocks(p, progress=rows), file=name), path, name, rows)
    if ext in TEXT_EXTENSIONS and not name.lower().endswith((".csv", ".tsv")):
        rows = row_progress(progress, file=name)
        return _guard(lambda p: build_plan(read_text_blocks(p, progress=rows), file=name), path, name, rows)
    return plan_from_appendix(read_appendix(path, progress=progress))


def plan_from_appendix(appendix: AppendixDraft) -> PlanDraft:
    """A plan draft holding only an appendix (Excel files, pasted data)."""
    draft = PlanDraft(appendix.source_name, appendix=appendix)
    draft.facts = appendix_facts(appendix)
    return draft


def appendix_facts(appendix: AppendixDraft) -> PlanFacts:
    facts = facts_from_caption(appendix.caption)
    title_facts = facts_from_title(appendix.title, "tên phụ lục")
    facts.merge(title_facts, "tên phụ lục")
    if not facts.year_start and facts.date.year:
        facts.year_start = facts.year_end = facts.date.year
        facts.sources["year_start"] = "năm ký kế hoạch (chú thích phụ lục)"
    if not facts.title and appendix.title:
        facts.title = appendix.title
        facts.sources["title"] = "tên phụ lục"
    return facts


# --------------------------------------------------------------------------- builder

_HEADING_RE = re.compile(r"^(?P<num>[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])\s*[.)]\s*(?P<title>\S.*)$")
_KE_HOACH_RE = re.compile(r"^k[eế]\s*ho[aạ]ch\b\s*(?P<rest>.*)$", re.IGNORECASE)
_BODY_START = ("thuc hien", "can cu", "trien khai", "de ", "nham ", "theo ")


def build_plan(blocks: PlanBlocks, *, file: str = "") -> PlanDraft:
    file = file or blocks.source_name
    items = blocks.blocks
    draft = PlanDraft(blocks.source_name)
    appendix_at, near_miss = _find_appendix_table(items, file)
    start = _appendix_start(items, appendix_at) if appendix_at is not None else len(items)
    body_items = items[:start]
    if appendix_at is not None:
        draft.appendix = _read_appendix(items[start:], blocks, file)
    # letterhead, title, body, signature
    letterhead_lines, title_index, title = _letterhead_and_title(body_items)
    draft.facts = _facts(letterhead_lines, title, draft.appendix)
    sign_at = _signature_start(body_items)
    paragraphs = [b for b in body_items[(title_index + 1 if title_index is not None else 0):sign_at]
                  if isinstance(b, Para)]
    if title_index is None:   # no title: skip letterhead-like lines at the top
        paragraphs = [p for p in paragraphs if p.text not in letterhead_lines]
    draft.body_paragraphs = len(paragraphs)
    if not draft.facts.year_start:
        year = body_year([p.text for p in paragraphs])
        if year:
            draft.facts.year_start = draft.facts.year_end = year
            draft.facts.sources["year_start"] = "suy ra từ nội dung (năm được nhắc nhiều nhất)"
            draft.notes.append(f"Năm kế hoạch {year} suy ra từ nội dung; hãy kiểm tra.")
    if not draft.facts.unit_name:
        for p in paragraphs[:3]:
            kind, name = unit_from_text(p.text)
            if name:
                draft.facts.unit_kind, draft.facts.unit_name = kind, name
                draft.facts.sources["unit_name"] = "phần mở đầu"
                break
    draft.targets = extract_targets(paragraphs)
    draft.report = extract_report_settings(paragraphs)
    draft.signer = _signer(body_items[sign_at:] if sign_at is not None else [])
    if draft.facts.issuer_lines:
        draft.signer.issuer_name = "\n".join(draft.facts.issuer_lines)
    draft.signer.place = draft.facts.place
    looks_like_plan = bool(title or draft.targets or not draft.signer.empty or draft.report.settings)
    if draft.appendix is None and not looks_like_plan:
        if near_miss is not None:
            raise near_miss
        raise ImportFailure("không tìm thấy kế hoạch (tên «KẾ HOẠCH», chỉ tiêu, nơi nhận, người ký) hay bảng "
                            "phụ lục nhiệm vụ trong tệp.", file=file)
    if draft.appendix is None and near_miss is not None:
        draft.notes.append(f"Không nhập phụ lục: {near_miss}")
    return draft


def _find_appendix_table(items, file: str) -> tuple[int | None, HeaderNotFound | None]:
    """Index of the first table with an appendix header, and the first near miss (a table whose header
    lacks required columns) to report when no table qualifies."""
    near_miss = None
    for index, block in enumerate(items):
        if not isinstance(block, TableBlock):
            continue
        try:
            match = find_header(block.raw, file=file)
        except HeaderNotFound as exc:
            near_miss = near_miss or exc
            match = None
        if match is not None:
            return index, near_miss
    return None, near_miss


def _appendix_start(items, at: int) -> int:
    """First block of the appendix: its landscape section, else the "PHỤ LỤC"/title lines above it."""
    table = items[at]
    if table.section > 0 and items[0].section != table.section:
        first = next(i for i, b in enumerate(items) if b.section == table.section)
        return first
    start = at
    for index in range(at - 1, -1, -1):
        block = items[index]
        if not isinstance(block, Para):
            break
        key = fold(block.text)
        if len(block.text) > 300 or key.startswith("noi nhan") or block.text.rstrip().endswith("./."):
            break
        start = index
        if key.startswith("phu luc"):
            break
    return start


def _read_appendix(items, blocks: PlanBlocks, file: str) -> AppendixDraft:
    builder = AppendixBuilder(blocks.source_name, file=file)
    for block in items:
        if isinstance(block, TableBlock):
            builder.add_table(block.raw)
        else:
            builder.add_preamble([block.text])
    return builder.finish()


def _letterhead_and_title(items) -> tuple[list[str], int | None, str]:
    """Letterhead lines (first table / short lines above the title), the title index and its text."""
    lines: list[str] = []
    title_index = None
    title = ""
    for index, block in enumerate(items):
        if isinstance(block, TableBlock):
            if title_index is None and index <= 2:
                for text in block.column_texts():
                    lines.extend(x for x in text.split("\n") if x.strip())
            continue
        match = _KE_HOACH_RE.match(block.text)
        if match and (block.text[:8].isupper() or block.bold or block.centered) and len(block.text) < 250:
            title_index = index
            rest = match.group("rest").strip(" :-–")
            parts = [rest] if rest else []
            if not rest:
                for nxt in items[index + 1:index + 3]:
                    if not isinstance(nxt, Para) or len(nxt.text) > 250:
                        break
                    if fold(nxt.text).startswith(_BODY_START) or _HEADING_RE.match(nxt.text):
                        break
                    parts.append(nxt.text)
                    title_index += 1
                    if not (nxt.bold or nxt.centered):
                        break
            title = " ".join(parts)
            break
        if len(block.text) <= 120 and index < 8:
            lines.append(block.text)
        else:
            break
    return lines, title_index, clean_cell(title)


def _facts(letterhead: list[str], title: str, appendix: AppendixDraft | None) -> PlanFacts:
    facts = PlanFacts()
    joined = "\n".join(letterhead)
    kind, name, issuer = unit_from_letterhead(letterhead)
    if name:
        facts.unit_kind, facts.unit_name, facts.issuer_lines = kind, name, issuer
        facts.sources.update(unit_name="tiêu đề văn bản (ỦY BAN NHÂN DÂN …)",
                             unit_kind="tiêu đề văn bản (ỦY BAN NHÂN DÂN …)")
    facts.doc_number = parse_number(joined)
    if facts.doc_number:
        facts.sources["doc_number"] = "tiêu đề văn bản (Số: …)"
    facts.date = parse_date(joined)
    if facts.date.text:
        facts.sources["date"] = "dòng địa danh, ngày tháng"
    facts.place = parse_place(joined)
    if facts.place:
        facts.sources["place"] = "dòng địa danh, ngày tháng"
    if title:
        facts.title = title
        facts.sources["title"] = "tên kế hoạch"
        facts.merge(facts_from_title(title), "tên kế hoạch")
    if appendix is not None:
        facts.merge(appendix_facts(appendix), "phụ lục")
    return facts


# --------------------------------------------------------------------------- signature block

_ARCHIVE_RE = re.compile(r"^luu\s*(?::|\s+vt\b|\s+van thu)")   # "Lưu: VT." — not a signer named Lưu
_AUTHORITY_RE = re.compile(r"^(?:(TM|KT|TL|TUQ|Q)\s*\.\s*)?(.+)$")


def _signature_start(items) -> int | None:
    for index, block in enumerate(items):
        if isinstance(block, TableBlock):
            if any(fold(t).startswith("noi nhan") for t in block.column_texts()):
                return index
        elif fold(block.text).startswith("noi nhan"):
            return index
    return None


def _signer(items) -> SignerDraft:
    out = SignerDraft()
    lines: list[str] = []
    for block in items:
        if isinstance(block, TableBlock):
            for text in block.column_texts():
                lines.extend(text.split("\n"))
        else:
            lines.extend(block.text.split("\n"))
    in_recipients = False
    for raw in lines:
        text = clean_cell(raw).strip("* ")
        if not text:
            continue
        key = fold(text)
        if key.startswith("noi nhan"):
            in_recipients = True
            rest = text.split(":", 1)[1].strip() if ":" in text else ""
            if rest:
                out.recipients.append(rest.lstrip("-– ").rstrip(" ;."))
            continue
        if _ARCHIVE_RE.match(key):
            out.archive = text if text.endswith(".") else text + "."
            in_recipients = False
            continue
        if text.startswith(("-", "–", "+", "•")) and in_recipients:
            item = text.lstrip("-–+• ").rstrip(" ;.,").strip()
            if _ARCHIVE_RE.match(fold(item)):
                out.archive = item + "."
            elif item:
                out.recipients.append(item)
            continue
        in_recipients = False
        if text.isupper() and len(text) < 80:
            out.authority_lines.append(text)
            continue
        if out.authority_lines and not out.signer_name and len(text.split()) <= 6 \
                and all(w[:1].isupper() for w in text.split()):
            out.signer_name = text
    _read_authority(out)
    return out


def _read_authority(out: SignerDraft) -> None:
    modes = []
    for line in out.authority_lines:
        match = _AUTHORITY_RE.match(line)
        prefix, rest = match.group(1), match.group(2).strip()
        if prefix == "TM":
            modes.append("TM")
            out.collective_name = rest
        elif prefix == "KT":
            modes.append("KT")
            out.head_title = rest
    if out.authority_lines:
        last = _AUTHORITY_RE.match(out.authority_lines[-1])
        out.signer_title = last.group(2).strip() if not last.group(1) else ""
    out.sign_mode = "TM_KT" if modes == ["TM", "KT"] else ("TM" if modes == ["TM"] else
                                                             ("KT" if modes == ["KT"] else ""))


# --------------------------------------------------------------------------- targets

_PERCENT_RE = re.compile(r"(?<![\d/.,])(\d{1,3}(?:[.,]\d{1,2})?)\s*%")
_COUNT_NOUNS = ("cuộc", "lớp", "hội nghị", "buổi", "đợt", "lần", "mô hình", "sáng kiến", "chuyên đề",
                "video", "tin, bài", "tin bài", "bài viết", "cuộc kiểm tra", "hội thi", "lượt")
_COUNT_RE = re.compile(r"(?<![\d/.,])(?P<n>\d{1,3})\s+(?P<noun>" + "|".join(
    re.escape(n) for n in sorted(_COUNT_NOUNS, key=len, reverse=True)) + r")(?![^\W\d_])")
_RANK_RE = re.compile(r"\btop\s+(\d{1,3})\b|\bthứ hạng\s+(\d{1,3})\b|\bxếp\s+(?:thứ\s+)?hạng\s+(\d{1,3})\b",
                      re.IGNORECASE)
_CLAUSE_SPLIT_RE = re.compile(r";\s+|(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")


def _value(text: str) -> float:
    return float(text.replace(",", "."))


def _comparison(before: str, after: str, default: str = ">=") -> str:
    """The comparison a qualifier right before/after a figure states ("từ 95% trở lên", "không quá")."""
    b = fold(before)[-30:]
    a = fold(after)[:12]
    if "tro len" in a:
        return ">="
    if "tro xuong" in a:
        return "<="
    for phrase, comp in (("khong vuot qua", "<="), ("khong qua", "<="), ("toi da", "<="),
                         ("khong duoi", ">="), ("khong it hon", ">="), ("toi thieu", ">="),
                         ("it nhat", ">="), ("tren", ">"), ("duoi", "<")):
        if re.search(r"(?:^|\s)" + phrase + r"(?:\s+(?:dat|la|muc|ty le))*\s*$", b):
            return comp
    return default


def _clauses(text: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSE_SPLIT_RE.split(text) if p.strip()]
    return parts


def _clean_title(clause: str) -> str:
    text = clause.strip().lstrip("-–+•* ").strip()
    text = re.sub(r"^(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*[.)]\s+", "", text)
    text = re.sub(r"\*\*", "", text)
    text = text.rstrip(" ;.,:")
    return text[:1].upper() + text[1:]


class _Sections:
    """Heading path of the body ("II. MỤC TIÊU › 2. Chỉ tiêu cụ thể")."""

    def __init__(self):
        self.path: list[tuple[int, str]] = []

    @staticmethod
    def level(num: str) -> int:
        if re.fullmatch(r"[IVX]+", num):
            return 1
        if num[0].isdigit():
            return 2 + num.count(".")
        return 5

    def feed(self, para: Para) -> bool:
        match = _HEADING_RE.match(para.text)
        if not match or len(para.text) > 160 or _clause_targets(para.text):
            return False
        title = match.group("title")
        if not (para.bold or title.isupper() or len(para.text) <= 100) or title.rstrip().endswith(";"):
            return False
        level = self.level(match.group("num"))
        if level == 5 and len(para.text) > 80:
            return False
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, f"{match.group('num')}. {title.rstrip(' :')}"))
        return True

    @property
    def label(self) -> str:
        return " › ".join(text for _, text in self.path)


def extract_targets(paragraphs: list[Para]) -> list[TargetDraft]:
    """Every body clause with a measurable figure, proposed as a target (see module docstring)."""
    sections = _Sections()
    out: list[TargetDraft] = []
    seen: set[tuple] = set()
    for para in paragraphs:
        heading = sections.feed(para)
        if heading:
            continue
        for clause in _clauses(para.text):
            for target in _clause_targets(clause):
                key = (fold(target[0]), target[1], target[2], target[3])
                if key in seen:
                    continue
                seen.add(key)
                out.append(TargetDraft(target[0], target[1], target[2], target[3], clause.strip(),
                                       sections.label, f"đoạn {para.number}"))
    return out


# where a sentence states a second figure of its own: «… đạt tối thiểu 95%, trong đó, mức độ hài lòng về … đạt 90%»
_SUBCLAUSE_RE = re.compile(r"[,;]\s*(?:trong\s+đó|riêng|đặc\s+biệt\s+là)\s*,?\s+", re.IGNORECASE)


def _clause_targets(clause: str) -> list[tuple[str, float, str, str]]:
    """The measurable figures of one clause, each with its title; a clause made of parts that each state a figure
    («…95%, trong đó, … 90%») gives each figure the text of its own part."""
    parts = _SUBCLAUSE_RE.split(clause)
    if len(parts) > 1:
        found = [_figures(part) for part in parts]
        if all(found):
            return [target for targets in found for target in targets]
    return _figures(clause)


def _figures(clause: str) -> list[tuple[str, float, str, str]]:
    title = _clean_title(clause)
    found = []
    for match in _PERCENT_RE.finditer(clause):
        value = _value(match.group(1))
        if value > 100:
            continue
        comp = _comparison(clause[:match.start()], clause[match.end():])
        found.append((title, value, "%", comp))
    for match in _COUNT_RE.finditer(clause):
        n = match.group("n")
        before = clause[:match.start()]
        if re.search(r"(?:s[oố]|ng[aà]y|th[aá]ng|n[aă]m|đi[eề]u|kho[aả]n)\s*$", before, re.IGNORECASE):
            continue
        qualified = _comparison(before, clause[match.end():], default="")
        if not (n.startswith("0") or qualified):
            continue
        noun = match.group("noun")
        if re.match(r"\s*/\s*(?:l[aầ]n|n[aă]m|qu[yý]|th[aá]ng)", clause[match.end():]):
            continue
        found.append((title, float(n), noun, qualified or ">="))
    for match in _RANK_RE.finditer(clause):
        n = next(g for g in match.groups() if g)
        found.append((title, float(n), "hạng", "<="))
    return found


# --------------------------------------------------------------------------- report settings

_DAY_MONTH_RE = re.compile(r"ng[aà]y\s+(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*\d{4})?")
_DAY_LAST_MONTH_RE = re.compile(r"ng[aà]y\s+(\d{1,2})\s+(?:c[uủ]a\s+)?(?:h[aà]ng\s+|h[aằ]ng\s+)?th[aá]ng\s+cu[oố]i\s+qu[yý]",
                                re.IGNORECASE)


def extract_report_settings(paragraphs: list[Para]) -> ReportDraft:
    """Due days of the quarterly / 6-month / annual reports when the body states them."""
    out = ReportDraft()
    for para in paragraphs:
        if "bao cao" not in fold(para.text):
            continue
        for clause in re.split(r";\s*", para.text):
            found = _report_clause(clause)
            if not found:
                continue
            for key, value in found.items():
                out.settings.setdefault(key, value)
            if clause.strip() not in out.sentences:
                out.sentences.append(clause.strip())
    return out


def _report_clause(clause: str) -> dict:
    key = fold(clause)
    if "bao cao" not in key:
        return {}
    last = _DAY_LAST_MONTH_RE.search(clause)
    exact = _DAY_MONTH_RE.search(clause)
    if not last and not exact:
        return {}
    kinds_text = re.sub(r"thang cuoi quy", " ", key)
    quarter = re.search(r"bao cao (?:dinh ky )?(?:hang )?quy|hang quy", kinds_text)   # (hàng/hằng fold alike)
    half = re.search(r"(?:6|sau) thang", kinds_text)
    annual = re.search(r"bao cao (?:tong ket )?(?:hang )?nam|tong ket nam", kinds_text)
    out: dict = {}
    if last:
        day = int(last.group(1))
        if 1 <= day <= 31:
            if quarter:
                out["quarter_report_day"] = day
            if half:
                out["half_report_day"], out["half_report_month"] = day, 6
            if annual and not exact:
                out["annual_report_day"], out["annual_report_month"] = day, 12
    if exact:
        day, month = int(exact.group(1)), int(exact.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            if annual and month >= 10:
                out["annual_report_day"], out["annual_report_month"] = day, month
            elif half and month in (5, 6, 7) and "half_report_day" not in out:
                out["half_report_day"], out["half_report_month"] = day, month
    return out
