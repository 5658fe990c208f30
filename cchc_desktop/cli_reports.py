"""Headless reports for `main.py report KIND …`: the same catalog code as the report dialog (PDF or Excel).

    main.py report periodic --period 2026-Q2 --ref 20/06/2026 --number 05 --out bao-cao-quy-2.pdf
    main.py report appendix --out phu-luc.xlsx
    main.py report reminder --agency "Phòng Kinh tế" --out don-doc.pdf
    main.py report periodic --period 2026-Q1 --number 15 --date 12/03/2026 --register --out bc.pdf   # + sổ báo cáo

Bad input (unknown kind, period, agency, date, extension) gives a Vietnamese message and exit code 2.
"""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

from .agency_groups import plan_agency_names
from .errors import UserError
from .reports.catalog import (APPENDIX, NEEDS_AGENCY, REPORT_KINDS, ReportRequest, export_docx, export_xlsx,
                              render_report_pdf, report_warnings)
from .tracking.periods import default_period, plan_periods

KIND_ALIASES = {"agency-tasks": "agency_tasks", "phu-luc": APPENDIX, "dinh-ky": "periodic",
                "don-doc": "reminder", "co-quan": "agency_tasks", "par-letter": "par_letter",
                "tai-lieu-kiem-chung": "par_letter", "par-self": "par_self"}
# one writer per output extension (a .docx renderer of ReportData plugs in here with one line)
WRITERS = {
    ".pdf": lambda store, request, out: render_report_pdf(store, request, out),
    ".xlsx": lambda store, request, out: export_xlsx(store, request, out),
    ".docx": lambda store, request, out: export_docx(store, request, out),
}


class ReportArgumentError(UserError):
    """Bad command-line input for a report (Vietnamese message, exit code 2)."""


def parse_vn_date(text: str, what: str) -> _dt.date:
    try:
        return _dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ReportArgumentError(f"{what} «{text}» không hợp lệ; hãy viết theo dạng ngày/tháng/năm, "
                                  "ví dụ 14/06/2026.") from None


def pick_plan(store, wanted: str | None) -> str:
    """--plan (a prefix of the id is enough); without it the database's only plan (the demo plan is ignored when
    exactly one other plan exists), never a guess among several."""
    plans = store.list_plans()
    if wanted or not plans:
        from .cli_common import pick_plan

        return pick_plan(store, wanted)
    real = [p for p in plans if not p["is_demo"]]
    if len(plans) == 1 or len(real) == 1:
        return (plans if len(plans) == 1 else real)[0]["id"]
    listing = "; ".join(f"{p['id'][:8]} ({p['unit_name']} {p['year_start']})" for p in plans)
    raise ReportArgumentError(f"Cơ sở dữ liệu có {len(plans)} kế hoạch; hãy chọn bằng --plan: {listing}.")


def build_request(store, args) -> ReportRequest:
    kind = KIND_ALIASES.get(args.kind, args.kind)
    if kind not in REPORT_KINDS:
        raise ReportArgumentError(f"Loại báo cáo «{args.kind}» không có; các loại: {', '.join(REPORT_KINDS)}.")
    plan_id = pick_plan(store, args.plan)
    plan = store.load_plan(plan_id)
    ref = parse_vn_date(args.ref, "Ngày lấy số liệu (--ref)") if args.ref else _dt.date.today()
    issue = parse_vn_date(args.date, "Ngày ban hành (--date)") if args.date else None
    keys = [p.key for p in plan_periods(plan.year_start, plan.year_end)]
    if args.period and args.period not in keys:
        raise ReportArgumentError(f"Kỳ «{args.period}» không thuộc kế hoạch; các kỳ hợp lệ: {', '.join(keys)}.")
    period = args.period or default_period(plan.year_start, plan.year_end, ref).key
    agency = (args.agency or "").strip()
    if kind in NEEDS_AGENCY and agency:
        if agency not in plan_agency_names(store, plan_id, groups=False):
            raise ReportArgumentError(f"Không có cơ quan «{agency}» trong kế hoạch.")
    elif kind in ("reminder", "par_letter"):
        raise ReportArgumentError(f"{REPORT_KINDS[kind]} cần tên cơ quan: --agency \"Tên cơ quan\".")
    template_id = ""
    if getattr(args, "template", None):
        from .reports.catalog import EDITABLE
        from .reports.templates import find_template

        if kind not in EDITABLE:
            raise ReportArgumentError(f"«{REPORT_KINDS[kind]}» không dùng mẫu chỉnh sửa được (bỏ --template).")
        try:
            template_id = find_template(store, kind, args.template).id
        except UserError as exc:
            raise ReportArgumentError(str(exc)) from None
    elif kind in ("par_self", "par_letter"):
        from .reports.templates import preferred_template

        template_id = preferred_template(store, kind).id     # as «par export»: the user's copy saved last
    reply = parse_vn_date(args.reply_by, "Hạn trả lời (--reply-by)") if getattr(args, "reply_by", None) else None
    return ReportRequest(kind, plan_id, period, ref, agency=agency, number=(args.number or "").strip(),
                         issue_date=issue, template_id=template_id, reply_by=reply)


def cmd_report(store, args) -> int:
    out = Path(args.out)
    writer = WRITERS.get(out.suffix.lower())
    if writer is None:
        raise ReportArgumentError(f"Tệp «{out.name}»: chỉ xuất được {', '.join(WRITERS)}.")
    request = build_request(store, args)
    register = _register_values(store, request, args)    # (checked before anything is written)
    for warning in report_warnings(store, request):
        print(f"Lưu ý: {warning}", file=sys.stderr)
    writer(store, request, out)
    print(f"Đã ghi «{out}».")
    if register is not None:
        from .ops.par import record_issued_report

        try:
            row = record_issued_report(store, request.plan_id, **register).value
        except UserError as exc:
            raise ReportArgumentError(f"Đã ghi «{out}» nhưng chưa ghi vào sổ báo cáo đã ban hành: {exc}") from None
        print(f"Đã ghi vào sổ báo cáo đã ban hành: kỳ {row['period_key']}, số {row['doc_number'] or '(không số)'}, "
              f"ngày {_dt.date.fromisoformat(row['issued_on']):%d/%m/%Y}.")
    return 0


def _register_values(store, request: ReportRequest, args) -> dict | None:
    """--register [SỐ/KÝ HIỆU] --register-date: what the register of issued reports gets (the number and date of
    the report's header unless given); None without --register. Refused for a report that is not periodic."""
    from .reports.catalog import issue_entry
    from .reports.templates import PERIODIC

    if args.register is None:
        return None
    if request.kind != PERIODIC:
        raise ReportArgumentError("--register chỉ dùng cho báo cáo định kỳ (periodic).")
    day = (parse_vn_date(args.register_date, "Ngày ban hành (--register-date)") if args.register_date
           else request.issue_date)
    if day is None:
        raise ReportArgumentError("Ghi sổ báo cáo đã ban hành cần ngày ban hành: --date hoặc --register-date "
                                  "dd/mm/yyyy.")
    entry = issue_entry(store, request, unless_registered=False)
    number = args.register.strip() or entry.doc_number
    return {"period_key": request.period_key, "issued_on": day, "doc_number": number, "summary": entry.summary}


def add_parsers(sub) -> None:
    p = sub.add_parser("report", help="lập báo cáo không cần giao diện (PDF hoặc Excel)")
    p.add_argument("kind", help="loại: " + ", ".join(REPORT_KINDS))
    p.add_argument("--plan", help="mã kế hoạch (không cần khi cơ sở dữ liệu chỉ có một kế hoạch)")
    p.add_argument("--period", help="kỳ báo cáo, ví dụ 2026-Q2, 2026-H1, 2026")
    p.add_argument("--ref", help="ngày lập báo cáo dd/mm/yyyy (mặc định hôm nay; số liệu lấy đến ngày chốt của kỳ)")
    p.add_argument("--date", help="ngày ban hành in trên văn bản dd/mm/yyyy (mặc định để trống)")
    p.add_argument("--number", help="số văn bản, ví dụ 05")
    p.add_argument("--agency", help="tên cơ quan (công văn đôn đốc, danh mục nhiệm vụ của một cơ quan)")
    p.add_argument("--template", help="tên mẫu đã lưu (mặc định: mẫu có sẵn)")
    p.add_argument("--reply-by", help="hạn cơ quan trả lời dd/mm/yyyy (công văn đôn đốc, đề nghị tài liệu)")
    p.add_argument("--out", required=True, help="tệp .pdf, .xlsx hoặc .docx")
    p.add_argument("--register", nargs="?", const="", metavar="SỐ/KÝ HIỆU",
                   help="(báo cáo định kỳ) ghi vào sổ báo cáo đã ban hành; số, ký hiệu mặc định lấy từ --number")
    p.add_argument("--register-date", help="ngày ban hành ghi vào sổ dd/mm/yyyy (mặc định lấy từ --date)")


ERRORS = (ReportArgumentError,)
