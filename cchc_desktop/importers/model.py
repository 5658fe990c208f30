"""What an importer produces before anything is written: a draft appendix with warnings."""
from __future__ import annotations

import re

from dataclasses import dataclass, field

from ..deadlines import other_years
from ..errors import UserError

class ImportFailure(UserError):
    """A file that cannot be imported. The message is Vietnamese and names file/sheet/row."""

    def __init__(self, message: str, *, file: str = "", sheet: str = "", row: int | None = None,
                 column: str = ""):
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = []
        if self.file:
            where.append(f"tệp «{self.file}»")
        if self.sheet:
            where.append(f"trang tính «{self.sheet}»")
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.detail}" if prefix else self.detail


class ImportCancelled(ImportFailure):
    """The user stopped reading a file (its progress callback returned False). Nothing was written: files are
    read into a draft before anything is committed."""

    def __init__(self, *, file: str = ""):
        super().__init__("đã dừng đọc tệp theo yêu cầu; chưa nhập gì.", file=file)


@dataclass
class ImportWarning:
    message: str
    row: int | None = None
    sheet: str = ""
    stt: str = ""        # "I.6": the task the row belongs to, when the warning is about a task's row

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"Trang «{self.sheet}»")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        where = ", ".join(parts)
        if self.stt:
            where = f"{where} (STT {self.stt})".strip()
        return (where + ": " if where else "") + self.message


@dataclass
class ProductDraft:
    description: str
    leads: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)
    deadline_text: str = ""
    source_row: int | None = None
    source_sheet: str = ""  # "Bảng 3" (Word table) / sheet name (Excel) / "" (text)


@dataclass
class TaskDraft:
    content: str
    number: str = ""  # STT as written in the file
    products: list[ProductDraft] = field(default_factory=list)
    source_row: int | None = None
    source_sheet: str = ""


@dataclass
class SectionDraft:
    title: str
    numeral: str = ""
    tasks: list[TaskDraft] = field(default_factory=list)
    source_row: int | None = None
    source_sheet: str = ""


@dataclass
class AppendixDraft:
    source_name: str
    sections: list[SectionDraft] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    title: str = ""      # e.g. "NHIỆM VỤ CỤ THỂ TRIỂN KHAI ... NĂM 2026"
    caption: str = ""    # e.g. "(Ban hành kèm theo Kế hoạch số 03/KH-UBND ngày 10/01/2026 ...)"
    encoding: str = ""   # text files: the encoding the file was read with (e.g. "Windows-1258 (tiếng Việt)")

    @property
    def task_count(self) -> int:
        return sum(len(s.tasks) for s in self.sections)

    @property
    def product_count(self) -> int:
        return sum(len(t.products) for s in self.sections for t in s.tasks)

    def year_warnings(self, year_start: int | None, year_end: int | None = None) -> list[ImportWarning]:
        """One warning per deadline that names a year outside the plan's years ("Quý IV/2025" in a 2026
        plan): the text is kept as written, the user is asked to check it before the products are overdue
        from the first day. Same check as the roll-over's «năm khác năm kế hoạch» (deadlines.other_years)."""
        if not year_start:
            return []
        end = year_end or year_start
        plan_years = str(year_start) if end == year_start else f"{year_start}–{end}"
        out = []
        for section in self.sections:
            for task in section.tasks:
                number = source_stt(task.number)
                stt = f"{section.numeral}.{number}" if section.numeral and number else number
                for product in task.products:
                    years = other_years(product.deadline_text, year_start, end)
                    if not years:
                        continue
                    named = f"năm {years[0]}" if len(years) == 1 else "các năm " + ", ".join(map(str, years))
                    out.append(ImportWarning(
                        f"thời hạn «{product.deadline_text}» thuộc {named}, khác năm của kế hoạch ({plan_years})"
                        " — kiểm tra lại.", row=product.source_row if product.source_row is not None
                        else task.source_row, sheet=product.source_sheet or task.source_sheet, stt=stt))
        return out

    def agency_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for section in self.sections:
            for task in section.tasks:
                for product in task.products:
                    for name in product.leads + product.coordinators:
                        seen.setdefault(name, None)
        return list(seen)


_LETTER_ITEM_RE = re.compile(r"^[^\W\d_]\)$")


def source_stt(number: str) -> str:
    """The STT as written in the file, without a trailing "." ("37." -> "37", "1.1" kept). A lettered item keeps
    its bracket as printed in the plan ("a)", "đ)"); a bracket after a number is dropped ("3)" -> "3")."""
    text = (number or "").strip().rstrip(".").strip()
    return text if _LETTER_ITEM_RE.match(text) else text.rstrip(".)").strip()


def source_location(sheet: str, row: int | None) -> str:
    """Where a row came from, as the preview shows it: "Bảng 3, dòng 2", "Trang «Phụ lục», dòng 50"."""
    if row is None:
        return ""
    if not sheet:
        return f"Dòng {row}"
    if sheet.startswith("Bảng "):
        return f"{sheet}, dòng {row}"
    return f"Trang «{sheet}», dòng {row}"
