"""Template 2: the periodic CCHC result report (quý / 6 tháng / năm).

Portrait body from the template text (I. Công tác chỉ đạo, điều hành; II. Kết quả thực hiện nhiệm vụ CCHC with
the computed tables; III. Đánh giá chung; IV. Phương hướng; V. Kiến nghị), the signer block, then a landscape
appendix "Kết quả thực hiện nhiệm vụ CCHC" with status, result and evidence per product, numbered on its own.

Every figure comes from :func:`cchc_desktop.tracking.plan_summary` (the same query as the dashboard).
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import replace
from typing import BinaryIO, Callable

from ..planlife.amend import amendment_clause
from ..store import Store
from ..numbering import PER_SECTION, plan_scheme
from ..tracking import get_settings, make_period, plan_evidence, plan_summary
from ..tracking.periods import ReportingPeriod
from ..tracking.rollup import ProductState, Summary
from ..tracking.timeliness import DONE, DONE_LATE, OVERDUE
from ..tracking.display import deadline_phrase, state_phrase
from .common import (base_context, count_context, evidence_for, evidence_text, overdue_entry,
                     due_soon_entry, period_words, ratio_text, sentence_case, slug, task_and_product)
from .document import AppendixData, Ratio, ReportData, TableData, render_pdf
from .header_settings import HeaderSettings, get_header
from .layout import LayoutSettings
from .templates import PERIODIC, ReportTemplate, builtin_template, render_template, table_marker
from ..dates import format_date
from .vnformat import date_words, document_number, unit_kind_of, unit_with_kind, upper

APPENDIX_HEADERS = ["TT", "Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Thời hạn", "Tình trạng",
                    "Kết quả thực hiện", "Văn bản minh chứng"]
APPENDIX_SHARES = [0.04, 0.19, 0.18, 0.11, 0.10, 0.11, 0.14, 0.13]
APPENDIX_ALIGN = ["CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"]


OVERDUE_IN_BODY = 15   # longer overdue lists go to a numbered appendix; the body gives the count


def _summary_table(summary: Summary) -> TableData:
    """One row per state: rows 1–6 add up to the first row (every product of the plan year, lũy kế)."""
    c = summary.totals
    total = c.total
    rows = [
        ["", "Tổng số nhiệm vụ, sản phẩm của Kế hoạch" + (" (lũy kế cả năm)" if summary.cumulative else
                                                            " phải thực hiện trong kỳ"),
         total, ratio_text(total, total)],
        ["1", "Đã hoàn thành", c.completed, ratio_text(c.completed, total)],
        ["", "- Hoàn thành đúng hạn", c.done, ratio_text(c.done, total)],
        ["", "- Hoàn thành quá hạn", c.done_late, ratio_text(c.done_late, total)],
        ["2", "Đang thực hiện, chưa đến hạn", c.in_progress, ratio_text(c.in_progress, total)],
        ["3", "Chưa triển khai, chưa đến hạn", c.not_started, ratio_text(c.not_started, total)],
        ["4", "Quá hạn chưa hoàn thành", c.overdue, ratio_text(c.overdue, total)],
        ["5", "Không thực hiện (có lý do)", c.not_done, ratio_text(c.not_done, total)],
        ["6", "Thực hiện theo phát sinh, chưa rõ thời hạn", c.undated, ratio_text(c.undated, total)],
    ]
    return TableData("bang_tong_hop", "Tổng hợp", ["TT", "Nội dung", "Số lượng", "Tỷ lệ"], rows,
                     [0.08, 0.62, 0.14, 0.16], ["CENTER", "LEFT", "CENTER", "CENTER"], bold_rows=[0, 1],
                     font_size=13)


SECTION_HEADERS = ["TT", "Lĩnh vực", "Tổng số", "Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Đang thực hiện",
                   "Chưa triển khai", "Quá hạn", "Không thực hiện", "Theo phát sinh, chưa rõ hạn",
                   "Tỷ lệ hoàn thành"]


def _counts_row(c) -> list[object]:
    """Tổng số then one column per state: the state columns add up to Tổng số."""
    return [c.total, c.done, c.done_late, c.in_progress, c.not_started, c.overdue, c.not_done, c.undated,
            ratio_text(c.completed, c.total) if c.total else "-"]


def _section_table(summary: Summary) -> TableData:
    rows = []
    for group in summary.by_section:
        numeral, _, title = group.label.partition(". ")
        rows.append([numeral, sentence_case(title or group.label), *_counts_row(group.counts)])
    rows.append(["", "Tổng cộng", *_counts_row(summary.totals)])
    return TableData("bang_linh_vuc", "Theo lĩnh vực", list(SECTION_HEADERS), rows,
                     [0.05, 0.23, 0.065, 0.085, 0.085, 0.08, 0.08, 0.065, 0.08, 0.09, 0.085],
                     ["CENTER", "LEFT"] + ["CENTER"] * 9, bold_rows=[len(rows) - 1], font_size=10)


LIST_HEADERS = ["STT", "Nhiệm vụ, sản phẩm", "Cơ quan chủ trì", "Thời hạn", "Tình trạng"]


def stt_citer(store: Store, plan_id: str) -> Callable[[ProductState], str]:
    """How a list outside the appendix cites a task: its STT in the signed plan, with the section numeral when
    the plan numbers its tasks per section ("II.3") so that the citation is unambiguous."""
    if plan_scheme(store, plan_id) == PER_SECTION or not plan_scheme(store, plan_id):
        return lambda item: f"{item.section_label.partition('.')[0]}.{item.citation}"
    return lambda item: item.citation


XLSX_EXTRA = ["Hạn (ngày)", "Ngày hoàn thành", "Tỷ lệ hoàn thành"]


def _typed(item: ProductState) -> list[object]:
    """Real date cells and a numeric % for the .xlsx (the printed columns keep the plan's wording)."""
    due = item.due if item.state == OVERDUE else (item.next_due or item.due)
    done_on = _dt.date.fromisoformat(item.completed_on[:10]) if item.completed_on else None
    return [due, done_on, Ratio(item.percent / 100)]


def _task_cells(items, cite) -> list[tuple[str, str]]:
    """STT and «Nhiệm vụ, sản phẩm» of list rows: a task's text is printed once — the rows that follow it with
    more products of the same task show only "Sản phẩm: …" (the signed appendix prints a task once too)."""
    out = []
    previous = None
    for item in items:
        if item.task_id == previous and item.description.strip():
            out.append(("", f"Sản phẩm: {item.description.strip()}"))
        else:
            out.append((cite(item), task_and_product(item)))
        previous = item.task_id
    return out


def _item_rows(items, cite) -> list[list[object]]:
    return [[stt, text, item.lead_names, deadline_phrase(item), state_phrase(item)]
            for (stt, text), item in zip(_task_cells(items, cite), items)]


def _due_in_period_table(summary: Summary, cite) -> TableData:
    return TableData("bang_den_han_trong_ky", "Đến hạn trong kỳ",
                     list(LIST_HEADERS), _item_rows(summary.due_in_period, cite),
                     [0.07, 0.45, 0.18, 0.15, 0.15],
                     ["CENTER", "LEFT", "LEFT", "LEFT", "LEFT"],
                     empty_text="Không có nhiệm vụ, sản phẩm đến hạn trong kỳ.", font_size=11,
                     extra_headers=list(XLSX_EXTRA), extra_rows=[_typed(i) for i in summary.due_in_period])


def _next_period_table(summary: Summary, cite) -> TableData:
    return TableData("bang_ky_toi", "Nhiệm vụ kỳ tới", list(LIST_HEADERS), _item_rows(summary.due_next_period, cite),
                     [0.07, 0.45, 0.18, 0.15, 0.15],
                     ["CENTER", "LEFT", "LEFT", "LEFT", "LEFT"],
                     empty_text="Không có nhiệm vụ, sản phẩm đến hạn trong kỳ tới.", font_size=11,
                     extra_headers=list(XLSX_EXTRA), extra_rows=[_typed(i) for i in summary.due_next_period])


def _targets_table(summary: Summary) -> TableData:
    rows = [[str(i), t.title, t.requirement, t.actual_text, t.met_label] for i, t in enumerate(summary.targets, 1)]
    return TableData("bang_chi_tieu", "Chỉ tiêu", ["TT", "Chỉ tiêu", "Yêu cầu", "Kết quả", "Đánh giá"], rows,
                     [0.07, 0.50, 0.13, 0.14, 0.16], ["CENTER", "LEFT", "CENTER", "CENTER", "CENTER"],
                     empty_text="Kế hoạch chưa có chỉ tiêu.", font_size=12)


def _overdue_table(summary: Summary, cite) -> TableData:
    rows = [[stt, text, item.lead_names, deadline_phrase(item), item.days_overdue]
            for (stt, text), item in zip(_task_cells(summary.overdue, cite), summary.overdue)]
    return TableData("bang_qua_han", "Quá hạn", ["STT", "Nhiệm vụ, sản phẩm", "Cơ quan chủ trì",
                                                  "Thời hạn", "Số ngày quá hạn"], rows,
                     [0.07, 0.47, 0.19, 0.15, 0.12], ["CENTER", "LEFT", "LEFT", "LEFT", "CENTER"],
                     extra_headers=["Hạn (ngày)"], extra_rows=[[i.due] for i in summary.overdue],
                     empty_text="Không có nhiệm vụ, sản phẩm quá hạn.", font_size=12)


def _appendix_table(store: Store, summary: Summary) -> tuple[TableData, int]:
    rows: list[list[object]] = []
    extra: list[list[object]] = []
    sections: list[int] = []
    groups: list[tuple[int, int]] = []
    evidence_count = 0
    current_section = None
    current_task = None
    first = 0
    recorded = plan_evidence(store, summary.plan_id)   # one query, not one per product
    for item in summary.items:
        if item.section_id != current_section:
            if current_task is not None and len(rows) - 1 > first:
                groups.append((first, len(rows) - 1))
            current_section, current_task = item.section_id, None
            sections.append(len(rows))
            numeral, _, title = item.section_label.partition(". ")
            rows.append([f"{numeral}. {upper(title)}"])
            extra.append([])
        evidence = evidence_for(store, item, summary.period, recorded)
        evidence_count += len(evidence)
        same_task = item.task_id == current_task
        if not same_task:
            if current_task is not None and len(rows) - 1 > first:
                groups.append((first, len(rows) - 1))
            current_task, first = item.task_id, len(rows)
        rows.append(["" if same_task else item.stt, "" if same_task else item.task_content,
                     item.description, item.lead_names, deadline_phrase(item), state_phrase(item), item.result,
                     evidence_text(evidence)])
        extra.append(_typed(item))
    if current_task is not None and len(rows) - 1 > first:
        groups.append((first, len(rows) - 1))
    table = TableData("phu_luc", "Kết quả nhiệm vụ", APPENDIX_HEADERS, rows, APPENDIX_SHARES, APPENDIX_ALIGN,
                      section_rows=sections, groups=groups, number_row=True, landscape=True, font_size=11,
                      extra_headers=list(XLSX_EXTRA), extra_rows=extra,
                      empty_text="Không có nhiệm vụ, sản phẩm nào trong kỳ báo cáo.")
    return table, evidence_count


def report_as_of(period: ReportingPeriod, ref_date: _dt.date) -> _dt.date:
    """The date the figures are taken at: the period's data cut-off (NĐ 09/2019), or ``ref_date`` when the
    report is made before the cut-off."""
    return min(ref_date, period.data_to)


def date_warnings(period: ReportingPeriod, ref_date: _dt.date, issue_date: _dt.date | None) -> list[str]:
    """What the dialog / CLI says about the dates of a periodic report (nothing is printed in the report)."""
    out = []
    if ref_date < period.data_to:
        out.append(f"Báo cáo {period_words(period)} được lập trước ngày chốt số liệu ({format_date(period.data_to)}): "
                   f"số liệu chỉ tính đến ngày {format_date(ref_date)}.")
    as_of = report_as_of(period, ref_date)
    if issue_date is not None and issue_date < as_of:
        out.append(f"Ngày ban hành báo cáo ({format_date(issue_date)}) sớm hơn ngày lấy số liệu ({format_date(as_of)}).")
    return out


def build_periodic_report(store: Store, plan_id: str, period_key: str, ref_date: _dt.date, *,
                          template: ReportTemplate | None = None, number: str | int | None = None,
                          issue_date: _dt.date | None = None, header: HeaderSettings | None = None,
                          summary: Summary | None = None) -> ReportData:
    """Compute the figures (lũy kế for the plan year, at the period's data cut-off) and render the template
    texts (no PDF yet). ``ref_date`` is the day the report is made; figures are taken at
    :func:`report_as_of`."""
    template = template or builtin_template(PERIODIC)
    plan = store.load_plan(plan_id)
    header = header or get_header(store, plan_id)
    period = make_period(period_key, get_settings(store, plan_id))
    as_of = report_as_of(period, ref_date)
    summary = summary or plan_summary(store, plan_id, as_of, period_key, cumulative=True)
    period = summary.period
    cite = stt_citer(store, plan_id)
    appendix_table, evidence_count = _appendix_table(store, summary)
    overdue_table = _overdue_table(summary, cite)
    overdue_apart = len(summary.overdue) > OVERDUE_IN_BODY
    tables = {t.key: t for t in (_summary_table(summary), _section_table(summary), _targets_table(summary),
                                 _due_in_period_table(summary, cite), _next_period_table(summary, cite))}
    tables[overdue_table.key] = overdue_table if not overdue_apart else \
        TableData(overdue_table.key, overdue_table.title, [], [], [1.0], ["LEFT"],
                  empty_text=f"(Danh sách {len(summary.overdue)} nhiệm vụ, sản phẩm quá hạn tại Phụ lục 02 kèm theo.)")
    ctx = base_context(plan, header, period, as_of)
    ctx["den_ngay"] = format_date(as_of)   # a report made before the cut-off states the day its figures stop
    ctx.update(count_context(summary.totals))
    ctx["dieu_chinh"] = amendment_clause(store, plan_id, as_of)   # plan amendments (issue #15)
    due_in = summary.due_in_period
    ctx.update({
        "luy_ke": summary.cumulative,
        "so_nhom_nhiem_vu": len(summary.by_task),
        "so_van_ban": evidence_count,
        "so_chi_tieu": len(summary.targets),
        "so_chi_tieu_dat": summary.targets_met,
        "so_chi_tieu_chua_dat": summary.targets_measured - summary.targets_met,
        "so_chi_tieu_chua_co_so_lieu": len(summary.targets) - summary.targets_measured,
        # periodic products with some occurrences finished but not all: the note under the summary table
        "so_dinh_ky_chua_xong": sum(1 for i in summary.items if i.partly_done),
        "so_dinh_ky_chua_xong_qua_han": sum(1 for i in summary.items if i.partly_done and i.state == OVERDUE),
        "so_den_han_trong_ky": len(due_in),
        "so_den_han_da_hoan_thanh": sum(1 for i in due_in if i.state in (DONE, DONE_LATE)),
        "so_den_han_qua_han": sum(1 for i in due_in if i.state == OVERDUE),
        "ky_toi": period_words(summary.next_period) if summary.next_period else "",
        "so_ky_toi": len(summary.due_next_period),
        "qua_han_o_phu_luc": overdue_apart,
        "linh_vuc": [{"stt": g.label.partition(". ")[0], "ten": sentence_case(g.label.partition(". ")[2] or g.label),
                      "so_nhiem_vu": g.counts.total, "so_hoan_thanh": g.counts.completed,
                      "ty_le_hoan_thanh": ratio_text(g.counts.completed, g.counts.total) if g.counts.total else "-",
                      "so_dung_han": g.counts.done, "so_tre_han": g.counts.done_late,
                      "so_qua_han": g.counts.overdue, "so_dang_thuc_hien": g.counts.in_progress,
                      "so_chua_trien_khai": g.counts.not_started, "so_khong_thuc_hien": g.counts.not_done,
                      "so_theo_phat_sinh": g.counts.undated}
                     for g in summary.by_section if g.counts.total],
        "chi_tieu": [{"ten": t.title, "yeu_cau": t.requirement, "ket_qua": t.actual_text, "danh_gia": t.met_label}
                     for t in summary.targets],
        "qua_han": [overdue_entry(i) for i in summary.overdue],
        "sap_den_han": [due_soon_entry(i) for i in summary.due_soon],
        "ky_toi_ds": [due_soon_entry(i) for i in summary.due_next_period],
    })
    ctx.update({name: table_marker(name) for name in tables})
    texts = render_template(template, ctx)
    unit = unit_with_kind(plan.unit_name, unit_kind_of(plan.unit_name, plan.unit_kind))
    doc_header = header.document_header(number=number, date=issue_date, year=ref_date.year,
                                        doc_type=texts.doc_type, subject=texts.subject,
                                        recipients_to=texts.recipients_to)
    caption = (f"(Kèm theo Báo cáo số {doc_header.number_symbol} {date_words(issue_date, ref_date.year)} "
               f"của Ủy ban nhân dân {unit})")
    appendices = [AppendixData("Phụ lục 01" if overdue_apart else "Phụ lục",
                               f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH {upper(period_words(period))}",
                               caption, appendix_table)]
    if overdue_apart:
        wide = replace(overdue_table, landscape=True, key="phu_luc_qua_han")
        appendices.append(AppendixData("Phụ lục 02", f"DANH SÁCH NHIỆM VỤ, SẢN PHẨM QUÁ HẠN CHƯA HOÀN THÀNH "
                                                     f"ĐẾN NGÀY {format_date(as_of)}", caption, wide))
    warnings = date_warnings(period, ref_date, issue_date)
    if header.signer_warning:
        warnings.append(header.signer_warning)
    return ReportData(kind=PERIODIC, title=f"{texts.doc_type} {texts.subject}".strip(), header=doc_header,
                      signer=header.signer(), body=texts.body, tables=tables, appendices=appendices,
                      context=ctx, author=f"Ủy ban nhân dân {unit}",
                      file_stem=f"bao-cao-cchc-{slug(period_words(period))}", warnings=warnings)


def render_periodic_report(store: Store, plan_id: str, period_key: str, ref_date: _dt.date,
                           target: str | os.PathLike | BinaryIO | None = None, *,
                           settings: LayoutSettings | None = None, **kwargs) -> bytes | None:
    report = build_periodic_report(store, plan_id, period_key, ref_date, **kwargs)
    return render_pdf(report, target, settings=settings)


__all__ = ["build_periodic_report", "render_periodic_report", "document_number"]
