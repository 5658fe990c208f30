"""What an importer produces before anything is written: a draft appendix with warnings."""
from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class ImportWarning:
    message: str
    row: int | None = None
    sheet: str = ""

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"Trang «{self.sheet}»")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        return (", ".join(parts) + ": " if parts else "") + self.message


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

    def agency_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for section in self.sections:
            for task in section.tasks:
                for product in task.products:
                    for name in product.leads + product.coordinators:
                        seen.setdefault(name, None)
        return list(seen)


def source_location(sheet: str, row: int | None) -> str:
    """Where a row came from, as the preview shows it: "Bảng 3, dòng 2", "Trang «Phụ lục», dòng 50"."""
    if row is None:
        return ""
    if not sheet:
        return f"Dòng {row}"
    if sheet.startswith("Bảng "):
        return f"{sheet}, dòng {row}"
    return f"Trang «{sheet}», dòng {row}"
