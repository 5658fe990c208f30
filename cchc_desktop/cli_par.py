"""Headless PAR Index self-assessment commands: `main.py par <verb> …` (Vietnamese output, exit 2 on bad input).
Every write is one core operation (``cchc_desktop.ops.par``), logged and undoable like the app's."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from .cli_common import integer
from .store import Store, StoreError


def _plan(store: Store, args) -> str:
    from .cli_common import pick_plan

    return pick_plan(store, getattr(args, "plan", None))


def _year(store: Store, plan_id: str, args) -> int:
    return getattr(args, "year", None) or store.load_plan(plan_id).year_start


def _catalog(store: Store, year: int) -> dict:
    from .par.catalog import catalog_for_year

    catalog = catalog_for_year(store, year)
    if catalog is None:
        raise StoreError(f"Chưa có Bộ chỉ số năm {year}. Dùng «par import-catalog TỆP --year {year}» hoặc "
                         f"«par example --year {year}» (bộ ví dụ minh họa).")
    return catalog


def _print_catalog(draft_or_row, count: int, total: float) -> None:
    from .par.scoring import points_text

    print(f"Bộ chỉ số «{draft_or_row}»: {count} tiêu chí, tổng điểm tối đa {points_text(total)}.")


def cmd_import_catalog(store: Store, args) -> int:
    from .ops.par import import_catalog
    from .par.catalog import read_catalog
    from .par.scoring import points_text

    year = args.year or _dt.date.today().year
    draft = read_catalog(Path(args.file), year, args.name or "")
    _print_catalog(draft.name, len(draft.criteria), draft.total_points)
    for area in draft.areas:
        print(f"  {area.code}. {area.title}: {points_text(area.max_points)} điểm")
    if args.dry_run:
        print("Chỉ xem trước: chưa ghi gì.")
        return 0
    import_catalog(store, draft)
    print(f"Đã nhập Bộ chỉ số năm {year}.")
    return 0


def cmd_example(store: Store, args) -> int:
    from .ops.par import import_catalog
    from .par.catalog import example_catalog

    year = args.year or _dt.date.today().year
    draft = example_catalog(year)
    import_catalog(store, draft)
    _print_catalog(draft.name, len(draft.criteria), draft.total_points)
    return 0


def cmd_propose(store: Store, args) -> int:
    from .ops.par import confirm_links
    from .par.mapping import propose_links

    plan_id = _plan(store, args)
    catalog = _catalog(store, _year(store, plan_id, args))
    proposals = propose_links(store, plan_id, catalog["id"])
    for p in proposals:
        print(f"  {p.code}: {p.label} — {p.reason}")
    if args.apply:
        ids = confirm_links(store, plan_id, proposals).value
        print(f"Đã gắn {len(ids)} liên kết.")
    else:
        print(f"{len(proposals)} đề xuất; thêm --apply để xác nhận tất cả.")
    return 0


def _assessment(store: Store, args):
    from .par.scoring import assessment

    plan_id = _plan(store, args)
    catalog = _catalog(store, _year(store, plan_id, args))
    return assessment(store, plan_id, catalog["id"])


def cmd_score(store: Store, args) -> int:
    from .ops.par import set_score
    from .par.scoring import points_text

    a = _assessment(store, args)
    try:
        result = a.by_code(args.code.strip().rstrip(".").upper())
    except KeyError:
        raise StoreError(f"Bộ chỉ số không có tiêu chí mã «{args.code}».") from None
    points = None if args.points.strip() in ("", "-") else _number(args.points)
    set_score(store, a.plan_id, result.criterion.id, points, explanation=args.explain or "",
              override_reason=args.reason or "")
    print(f"Tiêu chí {result.code}: {points_text(points) or 'bỏ điểm'} / {points_text(result.criterion.max_points)}.")
    return 0


def cmd_accept(store: Store, args) -> int:
    """«Lấy điểm tự tính»: the computed points of unscored criteria, and an update of those taken earlier whose
    computation has changed (one operation)."""
    from .ops.par import accept_computed
    from .par.scoring import points_text

    a = _assessment(store, args)
    stale = {r.criterion.id for r in a.stale}
    changes = accept_computed(store, a.plan_id, a.catalog_id).value
    codes = {r.criterion.id: r.code for r in a.results}
    for change in changes:
        verb = "Cập nhật" if change.criterion_id in stale else "Lấy"
        print(f"  {verb} tiêu chí {codes[change.criterion_id]}: {points_text(change.after['points']) or 'bỏ điểm'}")
    print(f"Đã lấy điểm tự tính cho {len(changes) - len(stale)} tiêu chí, cập nhật {len(stale)} tiêu chí.")
    return 0


def _number(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"«{text}» không phải là số điểm.") from None


def cmd_show(store: Store, args) -> int:
    from .par.scoring import EVIDENCE_LABELS, points_text

    a = _assessment(store, args)
    for r in a.results:
        indent = "  " * (r.criterion.level - 1)
        extra = ""
        if r.criterion.is_leaf:
            extra = f" | tài liệu: {EVIDENCE_LABELS[r.evidence]}"
            if r.computed:
                extra += f" | tự tính: {r.computed.how}"
        print(f"{indent}{r.code} {r.criterion.title}: {points_text(r.points) or '—'}/"
              f"{points_text(r.criterion.max_points)}{extra}")
    print(f"Tổng: {points_text(a.total)}/{points_text(a.max_total)} điểm.")
    for code, problem in a.problems:
        print(f"  Cần xem: tiêu chí {code}: {problem}")
    return 0


def cmd_export(store: Store, args) -> int:
    from .par.export import export_all
    from .par.scoring import points_text

    a = _assessment(store, args)
    result = export_all(store, a, Path(args.out), as_zip=args.zip, number=args.number or "")
    for code, doc, why in result.dossier.missing:
        print(f"  Thiếu tệp: tiêu chí {code}, «{doc.label}»: {why}.")
    for name in result.written:
        print(f"Đã ghi «{name}».")
    print("Mẫu văn bản: " + ", ".join(f"«{name}»" for name in result.templates) + ".")
    print(f"Tổng điểm tự đánh giá: {points_text(a.total)}/{points_text(a.max_total)}; {len(result.dossier.files)} tệp trong hồ sơ, "
          f"{len(result.dossier.missing)} tài liệu thiếu tệp, {len(a.problems)} việc cần xem.")
    return 0


def cmd_import_chase(store: Store, args) -> int:
    from .ops.par import import_chase
    from .par.chase_import import STATUS_LABELS, read_chase_files

    a = _assessment(store, args)
    preview = read_chase_files(store, a.plan_id, a.catalog_id, [Path(p) for p in args.files])
    for row in preview.rows:
        text = f"{row.code}: {row.doc_number or '—'} {row.summary}".strip()
        print(f"  {row.where}: {text} — {STATUS_LABELS[row.status]}" + (f" ({row.why})" if row.why else ""))
    if not args.apply:
        print(f"{len(preview.to_add)} văn bản sẽ được thêm; thêm --apply để ghi.")
        return 0
    added = import_chase(store, a.plan_id, preview).value
    print(f"Đã thêm {len(added)} văn bản vào hồ sơ tài liệu kiểm chứng.")
    return 0


def cmd_issued(store: Store, args) -> int:
    """The register of issued periodic reports: list (with the on-time verdict), add, remove, propose from the
    plan's evidence documents. Every write is one operation (undoable like any other)."""
    from . import ops
    from .tracking.issued_reports import (SOURCE_LABELS, add_issued, add_proposals, delete_issued,
                                          evidence_proposals, list_issued, on_time_summary, period_label,
                                          report_checks)

    plan_id = _plan(store, args)
    year = _year(store, plan_id, args)
    if args.action == "add":
        if not (args.period and args.date):
            raise StoreError("Cần kỳ báo cáo và ngày ban hành, ví dụ «par issued add 2026-Q1 12/03/2026 "
                             "--number 15/BC-UBND».")
        result = ops.run(store, "Ghi sổ báo cáo đã ban hành", add_issued, store, plan_id, args.period, args.date,
                         doc_number=args.number or "", summary=args.summary or "")
        print(f"Đã ghi sổ: kỳ {result.value['period_key']}, số {result.value['doc_number'] or '(không số)'}, "
              f"ngày {args.date}.")
    elif args.action == "remove":
        wanted = (args.period or "").strip().lower()
        found = [r for r in list_issued(store, plan_id) if wanted and r["id"].startswith(wanted)]
        if len(found) != 1:
            raise StoreError(f"Không tìm thấy đúng một dòng sổ có mã bắt đầu bằng «{args.period or ''}» (xem «par "
                             "issued»).")
        ops.run(store, "Xóa dòng sổ báo cáo", delete_issued, store, found[0]["id"])
        print(f"Đã xóa dòng sổ {found[0]['id'][:8]}.")
    elif args.action == "propose":
        proposals = evidence_proposals(store, plan_id, year)
        for p in proposals:
            print(f"  {p.label}")
        if args.apply and proposals:
            ops.run(store, "Ghi sổ báo cáo từ văn bản minh chứng", add_proposals, store, plan_id, proposals)
            print(f"Đã ghi {len(proposals)} báo cáo vào sổ.")
        else:
            print(f"{len(proposals)} đề xuất từ văn bản minh chứng" + ("; thêm --apply để ghi tất cả."
                                                                       if proposals else "."))
        return 0
    for row in list_issued(store, plan_id, year):
        print(f"  {row['id'][:8]}  {period_label(row['period_key'])}  {row['doc_number'] or '(không số)'}  "
              f"{_dt.date.fromisoformat(row['issued_on']):%d/%m/%Y}  {row['summary']}  [{SOURCE_LABELS[row['source']]}]")
    # by default the PAR criterion's own reference (the year's end): the same figure and words as «par show»
    ref = min(_dt.date(year, 12, 31) if args.ref is None else _parse_date(args.ref), _dt.date(year, 12, 31))
    print(on_time_summary(report_checks(store, plan_id, year, ref), ref)[2])
    return 0


def _parse_date(text: str) -> _dt.date:
    from .dates import DateTextError, parse_user_date

    try:
        return parse_user_date(text)
    except DateTextError as exc:
        raise StoreError(str(exc)) from None


VERBS = {"import-catalog": cmd_import_catalog, "example": cmd_example, "propose": cmd_propose,
         "score": cmd_score, "show": cmd_show, "export": cmd_export, "import-chase": cmd_import_chase,
         "issued": cmd_issued, "accept": cmd_accept}


def cmd_par(store: Store, args) -> int:
    return VERBS[args.par_command](store, args)


def add_parsers(sub) -> None:
    p = sub.add_parser("par", help="tự đánh giá, chấm điểm Chỉ số CCHC cuối năm")
    verbs = p.add_subparsers(dest="par_command", required=True, metavar="LỆNH")
    v = verbs.add_parser("import-catalog", help="nhập Bộ chỉ số từ tệp .xlsx/.docx của tỉnh")
    v.add_argument("file")
    v.add_argument("--year", type=integer, help="năm áp dụng")
    v.add_argument("--name", help="tên Bộ chỉ số")
    v.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi")
    v = verbs.add_parser("example", help="thêm Bộ chỉ số ví dụ minh họa (không phải bộ chính thức)")
    v.add_argument("--year", type=integer)
    v = verbs.add_parser("propose", help="đề xuất gắn tiêu chí với nhiệm vụ và văn bản")
    v.add_argument("--plan")
    v.add_argument("--year", type=integer)
    v.add_argument("--apply", action="store_true", help="xác nhận tất cả đề xuất")
    v = verbs.add_parser("score", help="chấm điểm một tiêu chí")
    v.add_argument("code", help="mã tiêu chí, ví dụ 1.1.2")
    v.add_argument("points", help="số điểm («-» để bỏ điểm)")
    v.add_argument("--explain", help="giải trình (bắt buộc khi chưa đủ tài liệu kiểm chứng)")
    v.add_argument("--reason", help="lý do khi chấm khác điểm phần mềm tự tính")
    v.add_argument("--plan")
    v.add_argument("--year", type=integer)
    v = verbs.add_parser("accept", help="lấy điểm tự tính cho tiêu chí chưa chấm, cập nhật điểm tự tính đã lấy "
                                         "khi cách tính cho kết quả khác")
    v.add_argument("--plan")
    v.add_argument("--year", type=integer)
    v = verbs.add_parser("show", help="bảng điểm, tài liệu kiểm chứng và việc cần xem")
    v.add_argument("--plan")
    v.add_argument("--year", type=integer)
    v = verbs.add_parser("export", help="xuất báo cáo, bảng điểm và hồ sơ tài liệu kiểm chứng")
    v.add_argument("--plan")
    v.add_argument("--year", type=integer)
    v.add_argument("--out", required=True, help="thư mục đích (ví dụ ổ USB)")
    v.add_argument("--zip", action="store_true", help="hồ sơ tài liệu kiểm chứng thành một tệp .zip")
    v.add_argument("--number", help="số báo cáo, ví dụ 45")
    v = verbs.add_parser("import-chase", help="nhập số, ngày, trích yếu văn bản các cơ quan ghi vào danh sách "
                                              "tiêu chí còn thiếu tài liệu kiểm chứng")
    v.add_argument("files", nargs="+", help="các tệp .xlsx cơ quan gửi lại")
    v.add_argument("--plan")
    v.add_argument("--year", type=integer)
    v.add_argument("--apply", action="store_true", help="ghi vào hồ sơ")
    v = verbs.add_parser("issued", help="sổ báo cáo định kỳ đã ban hành (dùng cho tiêu chí báo cáo đúng hạn)")
    v.add_argument("action", nargs="?", default="list", choices=["list", "add", "remove", "propose"],
                   help="list: xem sổ và số báo cáo đúng hạn; add KỲ NGÀY: ghi một báo cáo; remove MÃ: xóa một dòng; "
                        "propose: lấy từ văn bản minh chứng của kế hoạch")
    v.add_argument("period", nargs="?", help="kỳ báo cáo (2026-Q1, 2026-H1, 2026-Q3, 2026) hoặc mã dòng cần xóa")
    v.add_argument("date", nargs="?", help="ngày ban hành dd/mm/yyyy")
    v.add_argument("--number", help="số, ký hiệu báo cáo, ví dụ 15/BC-UBND")
    v.add_argument("--summary", help="trích yếu")
    v.add_argument("--ref", help="tính đúng hạn đến ngày dd/mm/yyyy (mặc định cuối năm, như tiêu chí Chỉ số CCHC)")
    v.add_argument("--apply", action="store_true", help="(propose) ghi tất cả đề xuất")
    v.add_argument("--plan")
    v.add_argument("--year", type=integer)
