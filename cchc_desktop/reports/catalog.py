"""The reports offered in the app, one request type for all of them (what the report dialog and the CLI call).

* ``appendix``      template 1, the plan appendix (landscape; appendix_pdf / exports/appendix_xlsx);
* ``periodic``      template 2, periodic result report (portrait body + landscape appendix);
* ``reminder``      template 3, công văn đôn đốc one agency;
* ``agency_tasks``  template 4, the per-agency task list (one agency or all);
* ``par_self``      the PAR Index self-assessment report with its scoring table;
* ``par_letter``    công văn asking one agency for the evidence its PAR criteria still lack.
"""
from __future__ import annotations

import datetime as _dt
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..store import Store, StoreError
from .agency_tasks import build_agency_tasks
from .appendix_pdf import plan_appendix_report, render_plan_appendix
from .document import ReportData, render_pdf
from .layout import LayoutSettings
from .periodic_report import build_periodic_report
from .reminder_letter import build_reminder_letter
from .report_xlsx import export_plan_appendix_xlsx, export_report_xlsx
from .templates import AGENCY_TASKS, PAR_LETTER, PAR_SELF, PERIODIC, REMINDER, ReportTemplate, get_template

APPENDIX = "appendix"
REPORT_KINDS = {
    APPENDIX: "Phụ lục nhiệm vụ CCHC của Kế hoạch (khổ ngang)",
    PERIODIC: "Báo cáo kết quả CCHC định kỳ (quý, 6 tháng, năm)",
    REMINDER: "Công văn đôn đốc cơ quan thực hiện nhiệm vụ",
    AGENCY_TASKS: "Danh mục nhiệm vụ CCHC của từng cơ quan",
    PAR_SELF: "Báo cáo tự đánh giá, xác định Chỉ số CCHC năm (kèm bảng điểm)",
    PAR_LETTER: "Công văn đề nghị cơ quan cung cấp tài liệu kiểm chứng Chỉ số CCHC",
}
NEEDS_AGENCY = {REMINDER, AGENCY_TASKS, PAR_LETTER}
USES_PERIOD = {PERIODIC, REMINDER}
EDITABLE = {PERIODIC, REMINDER, AGENCY_TASKS, PAR_SELF, PAR_LETTER}
NUMBERED = {PERIODIC, REMINDER, PAR_SELF, PAR_LETTER}        # "Số: …" and the issue date are asked
REPLY_BY = {REMINDER, PAR_LETTER}                            # a date the agency must answer by


@dataclass
class ReportRequest:
    kind: str
    plan_id: str
    period_key: str = ""
    ref_date: _dt.date | None = None
    agency: str = ""                       # reminder: required; agency_tasks: "" = every agency
    template_id: str = ""                  # "" = the built-in template of the kind
    template: ReportTemplate | None = None  # texts edited in the dialog (not saved) win over template_id
    number: str = ""                       # "05" -> "Số: 05/BC-UBND"; "" leaves blanks to fill by hand
    issue_date: _dt.date | None = None     # None: "ngày … tháng … năm …" left blank
    reply_by: _dt.date | None = None       # reminder: when the agency must report back

    @property
    def ref(self) -> _dt.date:
        return self.ref_date or _dt.date.today()


def resolve_template(store: Store, request: ReportRequest) -> ReportTemplate | None:
    if request.kind not in EDITABLE:
        return None
    if request.template is not None:
        return request.template
    return get_template(store, request.template_id or f"builtin:{request.kind}")


def build_report(store: Store, request: ReportRequest) -> ReportData:
    """Compute and render the texts of an editable report (not the plan appendix)."""
    template = resolve_template(store, request)
    number = request.number.strip() or None
    if request.kind == PERIODIC:
        return build_periodic_report(store, request.plan_id, request.period_key or str(request.ref.year),
                                     request.ref, template=template, number=number, issue_date=request.issue_date)
    if request.kind == REMINDER:
        return build_reminder_letter(store, request.plan_id, request.agency, request.period_key or
                                     str(request.ref.year), request.ref, template=template, number=number,
                                     issue_date=request.issue_date, reply_by=request.reply_by)
    if request.kind == AGENCY_TASKS:
        year = int(request.period_key[:4]) if request.period_key[:4].isdigit() else None
        return build_agency_tasks(store, request.plan_id, request.agency, request.ref, year=year,
                                  template=template)
    if request.kind in (PAR_SELF, PAR_LETTER):
        from ..par.catalog import catalog_for_year

        year = int(request.period_key[:4]) if request.period_key[:4].isdigit() else request.ref.year
        catalog = catalog_for_year(store, year)
        if catalog is None:
            raise StoreError(f"Chưa có Bộ chỉ số năm {year}: mở «Tự đánh giá Chỉ số CCHC…» để nhập Bộ chỉ số "
                             "hoặc dùng bộ ví dụ.")
        ref = min(request.ref, _dt.date(year, 12, 31))
        if request.kind == PAR_LETTER:
            from ..par.outputs import build_chase_letter

            return build_chase_letter(store, request.plan_id, catalog["id"], request.agency, ref, template=template,
                                      number=number, issue_date=request.issue_date, reply_by=request.reply_by)
        from ..par.outputs import build_par_report

        return build_par_report(store, request.plan_id, catalog["id"], ref,
                                template=template, number=number, issue_date=request.issue_date)
    raise ValueError(request.kind)


def render_report_pdf(store: Store, request: ReportRequest,
                      target: str | os.PathLike | BinaryIO | None = None, *,
                      settings: LayoutSettings | None = None) -> bytes | None:
    """The report PDF: written to ``target`` (a path is written atomically) or returned as bytes."""
    if request.kind == APPENDIX:
        plan = store.load_plan(request.plan_id)
        if target is None:
            buffer = io.BytesIO()
            render_plan_appendix(plan, buffer, settings=settings)
            return buffer.getvalue()
        render_plan_appendix(plan, target, settings=settings)
        return None
    return render_pdf(build_report(store, request), target, settings=settings)


def export_xlsx(store: Store, request: ReportRequest, path: str | os.PathLike) -> Path:
    if request.kind == APPENDIX:
        return export_plan_appendix_xlsx(store.load_plan(request.plan_id), path)
    return export_report_xlsx(build_report(store, request), path)   # data date: the report's own (cut-off)


def suggested_name(store: Store, request: ReportRequest) -> str:
    """File name without extension for the save dialogs."""
    if request.kind == APPENDIX:
        plan = store.load_plan(request.plan_id)
        return f"phu-luc-ke-hoach-cchc-{plan.period_label}"
    return build_report(store, request).file_stem


def export_docx(store: Store, request: ReportRequest, path: str | os.PathLike) -> Path:
    """The report as a Word document (same data as the PDF), written atomically."""
    from .docx_render import render_docx

    if request.kind == APPENDIX:
        return render_docx(plan_appendix_report(store.load_plan(request.plan_id)), path)
    return render_docx(build_report(store, request), path)


def report_warnings(store: Store, request: ReportRequest) -> list[str]:
    """What the dialog / CLI must say before producing the report (cut-off, issue date, signer); [] when none.
    Never printed in the report itself."""
    if request.kind == APPENDIX:
        return []
    return list(build_report(store, request).warnings)


def render_with_warnings(store: Store, request: ReportRequest, *,
                         settings: LayoutSettings | None = None) -> tuple[bytes, list[str]]:
    """The PDF bytes and the warnings of one report, computed once (the report dialog's preview)."""
    if request.kind == APPENDIX:
        return render_report_pdf(store, request, settings=settings), []
    report = build_report(store, request)
    return render_pdf(report, None, settings=settings), list(report.warnings)


@dataclass(frozen=True)
class IssueEntry:
    """What the register of issued reports (tracking.issued_reports) is offered after a periodic report was
    saved or printed: its period, the number and date its header holds ("" / None when left blank to be written by
    hand) and its title as trích yếu."""

    period_key: str
    doc_number: str
    issued_on: _dt.date | None
    summary: str


def issue_entry(store: Store, request: ReportRequest, *, unless_registered: bool = True) -> IssueEntry | None:
    """The register entry of a periodic report; None for other kinds and (``unless_registered``) when the register
    already holds this report (the same report with the same number, or any of it when the header has no number)."""
    from ..text import fold
    from ..tracking.issued_reports import list_issued, report_slot

    if request.kind != PERIODIC or not request.period_key:
        return None
    header = build_report(store, request).header
    number = header.number_symbol if request.number.strip() else ""
    doc_type = header.doc_type.strip()
    summary = " ".join(x for x in (doc_type[:1] + doc_type[1:].lower(), header.subject[:1].lower()
                                   + header.subject[1:]) if x.strip())
    slot = report_slot(request.period_key)
    for row in list_issued(store, request.plan_id) if unless_registered else ():
        if report_slot(row["period_key"]) == slot and (not number or fold(row["doc_number"]) == fold(number)):
            return None
    return IssueEntry(request.period_key, number, request.issue_date, summary)
