"""Template 1: the plan appendix "Nhiệm vụ cụ thể triển khai thực hiện công tác CCHC" (A4 landscape).

Same shape as the printed appendices: TT | Nội dung/Nhiệm vụ | Hoạt động/Sản phẩm | Cơ quan chủ trì |
Cơ quan phối hợp | Thời gian thực hiện, the column-number row 1…6, a bold full-width row per section and, for a
task with several products, the STT and the content written once over all its product rows.
"""
from __future__ import annotations

import os
from typing import BinaryIO

from reportlab.platypus import Flowable

from ..domain import Plan
from .document import AppendixData, ReportData, TableData
from ..text import fold
from .layout import (DocumentHeader, LayoutSettings, appendix_heading, build_pdf, frame_size, grid_table)
from .vnformat import BLANK, partial_date_words, unit_with_kind, upper

COLUMNS = ("TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
           "Thời gian thực hiện")
# Shares of the landscape text width (252 mm with the default margins).
COLUMN_SHARES = (0.05, 0.27, 0.29, 0.13, 0.13, 0.13)
COLUMN_ALIGN = ("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT")


def appendix_title(plan: Plan) -> str:
    """The plan's own appendix title when the import found one, else the generic title. A title that names the
    plan itself ("Kế hoạch cải cách hành chính năm 2026") is not an appendix title."""
    own = " ".join(plan.title.split())
    if own and not fold(own).startswith("ke hoach"):
        return upper(own)
    if plan.year_start == plan.year_end:
        period = f"NĂM {plan.year_start}"
    else:
        period = f"GIAI ĐOẠN {plan.year_start} - {plan.year_end}"
    return f"NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH {period}"


def appendix_caption(plan: Plan) -> str:
    """"(Kèm theo Kế hoạch số 03/KH-UBND ngày 10 tháng 01 năm 2026 của Ủy ban nhân dân xã Xuân Trường)".

    A plan without number or date leaves blanks to be filled by hand.
    """
    number = plan.doc_number.strip() or f"{BLANK}/KH-UBND"
    unit = unit_with_kind(plan.unit_name, plan.unit_kind)
    return (f"(Kèm theo Kế hoạch số {number} {partial_date_words(plan.doc_date, plan.year_start)} "
            f"của Ủy ban nhân dân {unit})")


def appendix_table(plan: Plan, font_size: float | None = None) -> TableData:
    """The appendix rows: a bold row per section, a task's STT and content merged over its products."""
    rows: list[list[str]] = []
    sections: list[int] = []
    groups: list[tuple[int, int]] = []
    for section in plan.sections:
        sections.append(len(rows))
        label = f"{section.numeral}. {upper(section.title)}" if section.numeral else upper(section.title)
        rows.append([label])
        for task in section.tasks:
            first = len(rows)
            products = task.products or [None]
            for i, product in enumerate(products):
                rows.append([
                    task.number if i == 0 else "",
                    task.content if i == 0 else "",
                    product.description if product else "",
                    product.lead_names if product else "",
                    product.coordinator_names if product else "",
                    product.deadline_text if product else "",
                ])
            if len(products) > 1:
                groups.append((first, len(rows) - 1))
    return TableData("phu_luc", "Phụ lục nhiệm vụ", list(COLUMNS), rows, list(COLUMN_SHARES), list(COLUMN_ALIGN),
                     section_rows=sections, groups=groups, number_row=True, landscape=True, font_size=font_size)


def plan_appendix_report(plan: Plan) -> ReportData:
    """The plan appendix as report data (the Word export renders it like any other report)."""
    return ReportData(kind="appendix", title=appendix_title(plan).capitalize(), header=None, signer=None,
                      appendices=[AppendixData("Phụ lục", appendix_title(plan), appendix_caption(plan),
                                               appendix_table(plan))],
                      landscape_first=True, author=f"Ủy ban nhân dân {unit_with_kind(plan.unit_name, plan.unit_kind)}",
                      file_stem=f"phu-luc-ke-hoach-cchc-{plan.period_label}")


def appendix_flowables(plan: Plan, settings: LayoutSettings | None = None,
                       font_size: float | None = None) -> list[Flowable]:
    """Heading + table, for use on a landscape page (alone or after a portrait Kế hoạch)."""
    width, height = frame_size(True, settings)
    col_widths = [width * share for share in COLUMN_SHARES]
    data = appendix_table(plan, font_size)
    table = grid_table(data.headers, data.rows, col_widths, section_row_indexes=data.section_rows,
                       groups=data.groups, align=data.align, number_row=True, font_size=font_size,
                       max_group_height=0.4 * height, settings=settings)
    return appendix_heading(appendix_title(plan), appendix_caption(plan), settings=settings) + [table]


def render_plan_appendix(plan: Plan, path: str | os.PathLike | BinaryIO, header: DocumentHeader | None = None,
                         *, settings: LayoutSettings | None = None, font_size: float | None = None) -> None:
    """Write the appendix as a landscape A4 PDF (pages numbered from page 2).

    With ``header`` the ND30 header (issuing body, quốc hiệu, Số, date) is printed above the appendix heading.
    """
    if header is not None:
        # The appendix heading replaces tên loại / trích yếu.
        header = DocumentHeader(**{**header.__dict__, "doc_type": "", "subject": ""})
    build_pdf(path, appendix_flowables(plan, settings, font_size), header=header, landscape_first=True,
              settings=settings, title=appendix_title(plan).capitalize(),
              author=f"Ủy ban nhân dân {unit_with_kind(plan.unit_name, plan.unit_kind)}")
