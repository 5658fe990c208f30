"""What the self-assessment prints: the scoring table (appendix), the self-assessment report (editable template
kind ``par_self``) and the per-agency list of criteria still lacking evidence. One ReportData feeds the PDF, the
.xlsx and the .docx renderers."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ..reports.common import base_context, slug
from ..reports.document import AppendixData, ReportData, TableData
from ..reports.header_settings import HeaderSettings, get_header
from ..reports.templates import PAR_LETTER, PAR_SELF, ReportTemplate, builtin_template, render_template, table_marker
from ..reports.vnformat import percent, unit_with_kind, upper
from ..store import Store
from ..tracking.periods import make_period
from ..tracking.status import get_settings
from .scoring import EVIDENCE_TEXT, FULL, MISSING, Assessment, CriterionResult, assessment, points_text

TABLE_HEADERS = ["Mã", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá",
                 "Tài liệu kiểm chứng (số, ký hiệu – ngày – trích yếu)", "Giải trình"]
TABLE_SHARES = [0.06, 0.33, 0.07, 0.08, 0.28, 0.18]
TABLE_ALIGN = ["CENTER", "LEFT", "CENTER", "CENTER", "LEFT", "LEFT"]
NO_AGENCY = "(Chưa gắn nhiệm vụ, sản phẩm)"
NO_LEAD = "(Không có cơ quan chủ trì cụ thể)"      # linked products led only by a group phrase


def evidence_cell(result: CriterionResult) -> str:
    if not result.criterion.is_leaf:
        return ""
    lines = [f"- {d.label}" for d in result.documents]
    if result.evidence != FULL:
        lines.append(f"({evidence_status(result)})")
    return "\n".join(lines)


def evidence_status(result: CriterionResult) -> str:
    """"chưa có tài liệu kiểm chứng" / "chưa đủ tài liệu kiểm chứng (còn thiếu: Báo cáo)" / "đủ tài liệu …"."""
    notes = [] if result.evidence == MISSING else result.evidence_notes
    text = EVIDENCE_TEXT[result.evidence]
    return f"{text} ({'; '.join(notes)})" if notes else text


def score_table(a: Assessment) -> TableData:
    """Code, criterion, maximum, self-assessed points, evidence, explanation; areas bold; the total row last."""
    rows: list[list[object]] = []
    bold: list[int] = []
    for r in a.results:
        explanation = "\n".join(x for x in (r.explanation, r.override_reason and f"Lý do: {r.override_reason}") if x)
        if r.criterion.level == 1:
            bold.append(len(rows))
        rows.append([r.code, upper(r.criterion.title) if r.criterion.level == 1 else r.criterion.title,
                     points_text(r.criterion.max_points), points_text(r.points), evidence_cell(r), explanation])
    bold.append(len(rows))
    rows.append(["", "TỔNG CỘNG", points_text(a.max_total), points_text(a.total), "", ""])
    return TableData("bang_diem", "Bảng điểm tự đánh giá", TABLE_HEADERS, rows, TABLE_SHARES, TABLE_ALIGN,
                     bold_rows=bold, number_row=True, landscape=True, font_size=11)


def area_table(a: Assessment) -> TableData:
    headers = ["Mã", "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Tỷ lệ"]
    previous = a.previous_year is not None
    if previous:
        headers.append(f"Năm {a.previous_year}")
    rows = []
    for r in a.areas:
        row = [r.code, r.criterion.title, points_text(r.criterion.max_points), points_text(r.points),
               percent((r.points or 0) / r.criterion.max_points if r.criterion.max_points else 0)]
        if previous:
            row.append(points_text(r.previous))
        rows.append(row)
    total = ["", "Tổng cộng", points_text(a.max_total), points_text(a.total),
             percent(a.total / a.max_total if a.max_total else 0)]
    if previous:
        total.append(points_text(a.previous_total))
    rows.append(total)
    shares = [0.08, 0.5, 0.14, 0.14, 0.14] + ([0.12] if previous else [])
    return TableData("bang_linh_vuc", "Điểm theo lĩnh vực", headers, rows, shares,
                     ["CENTER", "LEFT", "CENTER", "CENTER", "CENTER"] + (["CENTER"] if previous else []),
                     bold_rows=[len(rows) - 1], font_size=12)


def report_context(store: Store, a: Assessment, header: HeaderSettings) -> dict:
    plan = store.load_plan(a.plan_id)
    period = make_period(str(a.year), get_settings(store, a.plan_id))
    ctx = base_context(plan, header, period, a.ref_date)
    catalog = store.db.query_one("SELECT name FROM par_catalog WHERE id = ?", (a.catalog_id,))
    lacking = a.without_full_evidence
    ctx.update({
        "bo_chi_so": catalog["name"] if catalog else "",
        "tong_diem": points_text(a.total), "diem_toi_da": points_text(a.max_total),
        "ty_le_diem": percent(a.total / a.max_total if a.max_total else 0),
        "nam_truoc": str(a.previous_year or ""), "tong_diem_nam_truoc": points_text(a.previous_total),
        "linh_vuc": [{"ma": r.code, "ten": r.criterion.title, "diem": points_text(r.points or 0),
                      "toi_da": points_text(r.criterion.max_points), "nam_truoc": points_text(r.previous)}
                     for r in a.areas],
        "so_thieu_tai_lieu": len(lacking),
        "thieu_tai_lieu": [{"ma": r.code, "ten": r.criterion.title, "diem": points_text(r.points),
                            "tinh_trang": evidence_status(r),
                            "giai_trinh": r.explanation} for r in lacking],
    })
    return ctx


def build_par_report(store: Store, plan_id: str, catalog_id: str, ref_date: _dt.date | None = None, *,
                     template: ReportTemplate | None = None, number: str | int | None = None,
                     issue_date: _dt.date | None = None, header: HeaderSettings | None = None) -> ReportData:
    """The self-assessment report with the scoring table as its landscape appendix."""
    a = assessment(store, plan_id, catalog_id, ref_date)
    a.check_current()
    template = template or builtin_template(PAR_SELF)
    header = header or get_header(store, plan_id)
    plan = store.load_plan(plan_id)
    tables = {"bang_linh_vuc": area_table(a), "bang_diem": score_table(a)}
    ctx = report_context(store, a, header)
    ctx.update({name: table_marker(name) for name in tables})
    texts = render_template(template, ctx)
    recipients = list(texts.recipients_to)
    doc_header = header.document_header(number=number, date=issue_date, year=a.year, doc_type=texts.doc_type,
                                        subject=texts.subject, recipients_to=recipients)
    unit = unit_with_kind(plan.unit_name, plan.unit_kind or "xã")
    appendix = AppendixData("Phụ lục", f"BẢNG ĐIỂM TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {a.year}",
                            f"(Kèm theo Báo cáo tự đánh giá Chỉ số CCHC năm {a.year} của Ủy ban nhân dân {unit})",
                            score_table(a))
    body_tables = {k: v for k, v in tables.items() if table_marker(k) in texts.body}
    return ReportData(kind=PAR_SELF, title=f"{texts.doc_type} {texts.subject}".strip(), header=doc_header,
                      signer=header.signer(), body=texts.body, tables=body_tables,
                      appendices=[] if "bang_diem" in body_tables else [appendix], context=ctx,
                      author=f"Ủy ban nhân dân {unit}", file_stem=f"tu-danh-gia-chi-so-cchc-{a.year}")


def build_score_table_report(store: Store, plan_id: str, catalog_id: str, ref_date: _dt.date | None = None,
                             header: HeaderSettings | None = None) -> ReportData:
    """The scoring table alone, as a landscape appendix (for printing it or sending it as .xlsx)."""
    a = assessment(store, plan_id, catalog_id, ref_date)
    a.check_current()
    plan = store.load_plan(plan_id)
    unit = unit_with_kind(plan.unit_name, plan.unit_kind or "xã")
    appendix = AppendixData("Phụ lục", f"BẢNG ĐIỂM TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {a.year}",
                            f"(Ủy ban nhân dân {unit} tự đánh giá, tổng điểm {points_text(a.total)}/"
                            f"{points_text(a.max_total)})", score_table(a), restart_numbering=False)
    return ReportData(kind="par_table", title=appendix.title, header=None, signer=None, appendices=[appendix],
                      landscape_first=True, tables={"bang_diem": appendix.table},
                      author=f"Ủy ban nhân dân {unit}", file_stem=f"bang-diem-chi-so-cchc-{a.year}")


# ------------------------------------------------------------------------------------------- chasing documents

def chase_list(store: Store, a: Assessment) -> dict[str, list[CriterionResult]]:
    """Lead agency -> leaf criteria still without full evidence whose linked products it leads (criteria without
    links are listed under NO_AGENCY). Group phrases of the plan text («Các cơ quan, đơn vị trên địa bàn») are not
    agencies (agency_groups.is_group, as for letters and workbooks): a criterion whose products only such a
    phrase leads is listed under NO_LEAD."""
    from ..agency_groups import is_group
    from .mapping import linked_products

    plan = store.load_plan(a.plan_id)
    leads = {p.id: [x.name for x in p.leads] for _s, _t, p in _products(plan)}
    linked = linked_products(store, a.plan_id, a.catalog_id)
    out: dict[str, list[CriterionResult]] = {}
    for r in a.without_full_evidence:
        products = linked.get(r.criterion.id, ())
        names = sorted({n for pid in products for n in leads.get(pid, []) if not is_group(n)})
        names = names or [NO_LEAD if products else NO_AGENCY]
        for name in names:
            out.setdefault(name, []).append(r)
    return out


def _products(plan):
    for section, task in plan.iter_tasks():
        for product in task.products:
            yield section, task, product


def chase_report(store: Store, a: Assessment) -> ReportData:
    """One landscape table per agency: criteria lacking evidence, what is required, what is there, and columns for
    the agency to write back the document number, date and summary (PDF pages and .xlsx sheets alike)."""
    headers = ["Mã", "Tiêu chí", "Tài liệu kiểm chứng cần có", "Hiện có", "Số, ký hiệu văn bản (cơ quan ghi)",
               "Ngày ban hành (cơ quan ghi)", "Trích yếu (cơ quan ghi)"]
    appendices = []
    for i, (agency, results) in enumerate(sorted(chase_list(store, a).items()), 1):
        rows = [[r.code, r.criterion.title, r.criterion.required_docs, evidence_cell(r), "", "", ""]
                for r in results]
        table = TableData(f"co_quan_{i}", agency, headers, rows, [0.06, 0.24, 0.2, 0.2, 0.1, 0.08, 0.12],
                          ["CENTER"] + ["LEFT"] * 6, landscape=True, font_size=11)
        appendices.append(AppendixData(f"Danh sách {i}", upper(agency),
                                       f"(Các tiêu chí Chỉ số CCHC năm {a.year} còn thiếu tài liệu kiểm chứng)",
                                       table, restart_numbering=False))
    return ReportData(kind="par_chase", title=f"Tiêu chí Chỉ số CCHC năm {a.year} còn thiếu tài liệu kiểm chứng",
                      header=None, signer=None, appendices=appendices, landscape_first=True,
                      file_stem=f"thieu-tai-lieu-kiem-chung-{a.year}")


def chase_letter(store: Store, a: Assessment, agency: str, results: list[CriterionResult], *,
                 number: str | int | None = None, issue_date: _dt.date | None = None,
                 reply_by: _dt.date | None = None, template: ReportTemplate | None = None) -> ReportData:
    """Công văn to one agency asking for the documents its criteria still lack (ND30 letter layout: Số …/UBND-VP,
    V/v …, Kính gửi, the list as a table, Nơi nhận «Như trên»). The texts come from the editable template kind
    ``par_letter`` (the built-in one unless given)."""
    from ..dates import format_date

    template = template or builtin_template(PAR_LETTER)
    plan = store.load_plan(a.plan_id)
    header = get_header(store, a.plan_id)
    unit = unit_with_kind(plan.unit_name, plan.unit_kind or "xã")
    table = TableData("bang_tai_lieu", "Tài liệu kiểm chứng cần cung cấp",
                      ["Mã", "Tiêu chí", "Tài liệu kiểm chứng cần có", "Hiện có"],
                      [[r.code, r.criterion.title, r.criterion.required_docs, evidence_cell(r)] for r in results],
                      [0.08, 0.37, 0.3, 0.25], ["CENTER", "LEFT", "LEFT", "LEFT"], font_size=12)
    ctx = base_context(plan, header, make_period(str(a.year), get_settings(store, a.plan_id)), a.ref_date)
    catalog = store.db.query_one("SELECT name FROM par_catalog WHERE id = ?", (a.catalog_id,))
    ctx.update({
        "co_quan": agency.strip(), "bo_chi_so": catalog["name"] if catalog else "",
        "so_tieu_chi": len(results),
        "tieu_chi": [{"ma": r.code, "ten": r.criterion.title, "can_co": r.criterion.required_docs,
                      "hien_co": evidence_cell(r)} for r in results],
        "han_gui": format_date(reply_by) if reply_by else "ngày …/…/" + str(a.year),
        "bang_tai_lieu": table_marker("bang_tai_lieu"),
    })
    texts = render_template(template, ctx)
    doc_header = header.document_header(number=number, date=issue_date, year=a.year, subject=texts.subject,
                                        recipients_to=texts.recipients_to, letter=True)
    return ReportData(kind=PAR_LETTER, title=texts.subject, header=doc_header, signer=header.signer(letter=True),
                      body=texts.body, tables={"bang_tai_lieu": table}, context=ctx, author=f"Ủy ban nhân dân {unit}",
                      file_stem=f"cong-van-tai-lieu-kiem-chung-{slug(agency)}",
                      warnings=[header.signer_warning] if header.signer_warning else [])


def chase_agencies(store: Store, a: Assessment) -> dict[str, list[CriterionResult]]:
    """The agencies a letter goes to, each with its criteria: chase_list without the unlinked criteria and without
    group phrases such as «Các cơ quan, đơn vị liên quan» (not an agency, no letter)."""
    from ..agency_groups import is_group

    return {agency: results for agency, results in sorted(chase_list(store, a).items())
            if agency not in (NO_AGENCY, NO_LEAD) and not is_group(agency)}


def build_chase_letter(store: Store, plan_id: str, catalog_id: str, agency: str, ref_date: _dt.date | None = None,
                       **kwargs) -> ReportData:
    """The letter to one agency named by the user (the report dialog, ``main.py report par_letter``)."""
    from ..store import StoreError

    a = assessment(store, plan_id, catalog_id, ref_date, with_previous=False)
    agencies = chase_agencies(store, a)
    name = next((n for n in agencies if n.casefold() == agency.strip().casefold()), None)
    if name is None:
        listed = "; ".join(f"«{n}»" for n in agencies) or "không có cơ quan nào"
        raise StoreError(f"«{agency.strip()}» không chủ trì nhiệm vụ nào gắn với tiêu chí còn thiếu tài liệu kiểm "
                         f"chứng. Cơ quan cần đề nghị: {listed}.")
    return chase_letter(store, a, name, agencies[name], **kwargs)


@dataclass
class WorkbookChase:
    """What the agencies' update workbooks carry of the self-assessment: per agency (folded name) the criteria its
    products serve that still lack evidence, as rows [code, criterion, required documents, what is there]."""

    year: int
    catalog_name: str
    by_agency: dict[str, list[list[str]]]
    every: list[list[str]]                  # the all-agencies workbook: every leaf lacking evidence

    def rows_for(self, agency_name: str | None) -> list[list[str]]:
        from ..text import fold

        return self.every if not agency_name else self.by_agency.get(fold(agency_name), [])


def workbook_chase(store: Store, plan_id: str) -> WorkbookChase | None:
    """None when no PAR catalogue exists for the plan's year (the workbooks stay as they were)."""
    from ..text import fold
    from .catalog import catalog_for_year

    year = store.load_plan(plan_id).year_start
    catalog = catalog_for_year(store, year)
    if catalog is None:
        return None
    a = assessment(store, plan_id, catalog["id"], with_previous=False)

    def row(r: CriterionResult) -> list[str]:
        return [r.code, r.criterion.title, r.criterion.required_docs, evidence_cell(r)]

    by_agency = {fold(agency): [row(r) for r in results] for agency, results in chase_agencies(store, a).items()}
    return WorkbookChase(year, catalog["name"], by_agency, [row(r) for r in a.without_full_evidence])


def letter_agencies(store: Store, plan_id: str, year: int) -> list[str]:
    """The agencies a chase letter can go to for the plan's catalogue of ``year`` ([] without a catalogue)."""
    from .catalog import catalog_for_year

    catalog = catalog_for_year(store, year)
    if catalog is None:
        return []
    return list(chase_agencies(store, assessment(store, plan_id, catalog["id"], with_previous=False)))


def chase_letters(store: Store, a: Assessment, **kwargs) -> list[ReportData]:
    """One letter per agency that leads products linked to criteria still lacking evidence."""
    return [chase_letter(store, a, agency, results, **kwargs) for agency, results in chase_agencies(store, a).items()]
