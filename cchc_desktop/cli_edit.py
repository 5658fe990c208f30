"""Headless data-changing commands for `main.py`: the same core functions as the app's dialogs, each write one
operation (``cchc_desktop.ops.run``: one transaction, logged, undoable like the app's own steps).

    main.py status --product 3f2a --period 2026-Q2 --status done --completed 12/05/2026 --result "Đã ban hành"
    main.py evidence --product 3f2a --period 2026-Q2 --type "Quyết định" --number 12/QĐ-UBND --file qd.pdf
    main.py targets --add "Tỷ lệ hồ sơ trực tuyến" --value 80 ;  main.py targets --actual 9c1e --period 2026 --value 85
    main.py header --set signer_name="Nguyễn Văn A" --set sign_mode=KT
    main.py report-settings --set quarter_report_day=20
    main.py merge-agencies [--apply [--pick 1,3]] ;  main.py renumber --scheme section
    main.py plan-properties --unit "xã Xuân Trường" --number 12/KH-UBND --status issued

Bad input (unknown id, period, status, field, date, number) gives a Vietnamese message and exit code 2.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, fields as dc_fields

from . import ops
from .cli_planlife import _plan_id, _row_id
from .errors import UserError

STATUS_CHOICES = ("not_started", "in_progress", "done", "done_late", "not_done")


def _date(text: str | None, what: str) -> _dt.date | None:
    if text is None:
        return None
    try:
        return _dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise UserError(f"{what} «{text}» không hợp lệ; hãy viết theo dạng ngày/tháng/năm, ví dụ 14/06/2026.") \
            from None


def _number(text: str | None, what: str) -> float | None:
    if text is None:
        return None
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise UserError(f"{what} «{text}» không phải là số.") from None


def _period(text: str | None) -> str | None:
    if text is None:
        return None
    from .tracking.periods import parse_period_key
    try:
        parse_period_key(text.strip())
    except (ValueError, UserError):
        raise UserError(f"Kỳ «{text}» không hợp lệ; ví dụ 2026-Q2 (quý), 2026-H1 (6 tháng), 2026 (năm).") from None
    return text.strip()


def _products(store, wanted: list[str]) -> list[str]:
    ids = []
    for item in wanted:
        for part in (p.strip() for p in item.split(",")):
            if part:
                ids.append(_row_id(store, "product", part, "sản phẩm"))
    if not ids:
        raise UserError("Hãy chọn ít nhất một sản phẩm bằng --product (mã, có thể chỉ vài ký tự đầu).")
    return ids


def _assignments(items: list[str] | None, known: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in known:
            raise UserError(f"--set «{item}»: cần dạng TÊN=GIÁ TRỊ với TÊN là một {what}: {', '.join(known)}.")
        out[key] = value
    return out


# -- status, evidence ------------------------------------------------------------------------------------------
def cmd_status(store, args) -> int:
    from .tracking import STATUS_LABELS, bulk_update, get_status

    products = _products(store, args.product)
    fields: dict = {}
    if args.status is not None:
        fields["status"] = args.status
    if args.percent is not None:
        fields["percent"] = _number(args.percent, "--percent")
    if args.completed is not None:
        fields["completed_on"] = _date(args.completed, "Ngày hoàn thành")
    for key in ("result", "reason", "notes"):
        if getattr(args, key) is not None:
            fields[key] = getattr(args, key).strip()
    if not fields:
        raise UserError("Không có gì để ghi: hãy cho --status, --percent, --completed, --result, --reason "
                        "hoặc --notes.")
    changes = ops.run(store, f"Cập nhật tình trạng {len(products)} sản phẩm", bulk_update, store, products,
                      _period(args.period), **fields).value
    for change in changes:
        row = get_status(store, change.product_id, change.period_key)
        percent = "" if row["percent"] is None else f" ({row['percent']:g}%)"
        print(f"{change.product_id[:8]}  kỳ {change.period_key}: {STATUS_LABELS.get(row['status'], row['status'])}"
              + percent)
    print(f"Đã cập nhật tình trạng {len(changes)} sản phẩm.")
    return 0


def cmd_evidence(store, args) -> int:
    from .tracking import DOC_TYPES, add_evidence, delete_evidence, list_evidence, product_context

    if args.delete:
        evidence_id = _row_id(store, "evidence", args.delete, "văn bản minh chứng")
        ops.run(store, "Xóa văn bản minh chứng", delete_evidence, store, evidence_id)
        print(f"Đã xóa văn bản minh chứng {evidence_id[:8]} (tệp đính kèm vẫn được giữ lại).")
        return 0
    product_id = _products(store, [args.product or ""])[0]
    if args.list:
        rows = list_evidence(store, product_id, _period(args.period))
        for r in rows:
            print(f"{r['id'][:8]}  kỳ {r['period_key']}  {r['doc_type'] or '—'}  {r['doc_number'] or '—'}  "
                  f"{r['issued_on'] or '—'}  {r['summary']}  {r['file_name']}".rstrip())
        print(f"{len(rows)} văn bản minh chứng.")
        return 0
    if args.type is not None and args.type not in DOC_TYPES:
        raise UserError(f"Loại văn bản «{args.type}» không có; chọn một trong: {', '.join(DOC_TYPES)}.")
    key = product_context(store, product_id).key_for(_period(args.period))
    meta = {"doc_type": args.type or "", "doc_number": args.number or "", "summary": args.summary or "",
            "issued_on": _date(args.date, "Ngày ban hành")}
    evidence_id = ops.run(store, "Thêm văn bản minh chứng", add_evidence, store, product_id, key,
                          source_file=args.file, **meta).value
    print(f"Đã thêm văn bản minh chứng {evidence_id[:8]} (kỳ {key}).")
    return 0


# -- targets -----------------------------------------------------------------------------------------------------
def cmd_targets(store, args) -> int:
    from .tracking import add_default_targets, add_target, delete_target, list_targets, set_actual
    from .tracking.targets import COMPARISON_LABELS, format_value, get_actual

    plan_id = _plan_id(store, args.plan)
    if args.add:
        value = _number(args.value, "--value")
        if value is None:
            raise UserError("Thêm chỉ tiêu cần giá trị chỉ tiêu: --value, ví dụ --value 80.")
        target_id = ops.run(store, f"Thêm chỉ tiêu «{args.add}»", add_target, store, plan_id, args.add.strip(),
                            value, args.comparison, args.unit, args.notes or "").value
        print(f"Đã thêm chỉ tiêu {target_id[:8]}: {args.add.strip()}.")
        return 0
    if args.defaults:
        added = ops.run(store, "Thêm các chỉ tiêu mẫu", add_default_targets, store, plan_id).value
        print(f"Đã thêm {len(added)} chỉ tiêu mẫu.")
        return 0
    if args.delete:
        target_id = _target(store, plan_id, args.delete)
        ops.run(store, "Xóa chỉ tiêu", delete_target, store, target_id)
        print(f"Đã xóa chỉ tiêu {target_id[:8]} cùng số liệu của nó.")
        return 0
    if args.actual:
        target_id = _target(store, plan_id, args.actual)
        period = _period(args.period)
        if period is None:
            raise UserError("Nhập số liệu chỉ tiêu cần kỳ: --period, ví dụ --period 2026.")
        value = None if args.clear else _number(args.value, "--value")
        if value is None and not args.clear:
            raise UserError("Nhập số liệu chỉ tiêu cần --value (hoặc --clear để xóa số liệu của kỳ).")
        ops.run(store, f"Nhập số liệu chỉ tiêu ({period})", set_actual, store, target_id, period, value,
                args.notes or "")
        print(f"Đã ghi số liệu chỉ tiêu {target_id[:8]} kỳ {period}: "
              f"{'(đã xóa)' if value is None else f'{value:g}'}.")
        return 0
    period = _period(args.period)
    targets = list_targets(store, plan_id)
    for t in targets:
        line = (f"{t['id'][:8]}  {t['title']}  {COMPARISON_LABELS.get(t['comparison'], t['comparison'])} "
                f"{format_value(t['target_value'])} {t['unit']}")
        if period:
            actual, _notes = get_actual(store, t["id"], period)
            line += f"  | kỳ {period}: {'—' if actual is None else format_value(actual) + ' ' + t['unit']}"
        print(line)
    print(f"{len(targets)} chỉ tiêu.")
    return 0


def _target(store, plan_id: str, wanted: str) -> str:
    found = [r[0] for r in store.db.query("SELECT id FROM target WHERE plan_id = ? AND id LIKE ?",
                                          (plan_id, wanted.strip() + "%"))]
    if len(found) != 1:
        raise UserError(f"Không tìm thấy chỉ tiêu duy nhất của kế hoạch có mã bắt đầu bằng «{wanted}» "
                        "(xem mã bằng lệnh «targets»).")
    return found[0]


# -- header and signer, report periods, plan properties ------------------------------------------------------
def cmd_header(store, args) -> int:
    from .reports.header_settings import FIELDS, SIGN_MODES, get_header, save_header

    plan_id = _plan_id(store, args.plan)
    changes = _assignments(args.set, list(FIELDS), "trường tiêu đề")
    if "sign_mode" in changes and changes["sign_mode"] not in SIGN_MODES:
        raise UserError(f"sign_mode «{changes['sign_mode']}» không hợp lệ; chọn một trong: "
                        + "; ".join(f"{k or '(trống)'}: {v}" for k, v in SIGN_MODES.items()) + ".")
    return _save_and_show(store, plan_id, changes, "Sửa tiêu đề và người ký văn bản", "trường tiêu đề và người ký",
                          save_header, get_header)


def cmd_report_settings(store, args) -> int:
    from .tracking import ReportSettings, get_settings, set_settings

    plan_id = _plan_id(store, args.plan)
    names = [f.name for f in dc_fields(ReportSettings)]
    changes = {}
    for key, text in _assignments(args.set, names, "cài đặt kỳ báo cáo").items():
        try:
            changes[key] = int(text.strip())
        except ValueError:
            raise UserError(f"{key} «{text}» không phải là số nguyên.") from None
    return _save_and_show(store, plan_id, changes, "Cài đặt kỳ báo cáo", "cài đặt kỳ báo cáo", set_settings,
                          get_settings)


def _save_and_show(store, plan_id: str, changes: dict, op_label: str, what: str, save, read) -> int:
    """Write ``changes`` as one undoable operation (when there are any), then print every setting as it stands."""
    if changes:
        ops.run(store, op_label, save, store, plan_id, **changes)
        print(f"Đã lưu {len(changes)} {what}.")
    for key, value in asdict(read(store, plan_id)).items():
        print(f"{key} = {value}")
    return 0


def cmd_plan_properties(store, args) -> int:
    from .domain import PLAN_STATUS_LABELS
    from .ops.appendix import edit_fields

    plan_id = _plan_id(store, args.plan)
    changed: dict = {}
    if args.unit is not None:
        changed["unit_name"] = args.unit.strip()
    if args.number is not None:
        changed["doc_number"] = args.number.strip()
    if args.date is not None:
        changed["doc_date"] = _date(args.date, "Ngày ban hành").isoformat()
    for key in ("unit_kind", "superior_body", "title"):
        if getattr(args, key) is not None:
            changed[key] = " ".join(getattr(args, key).split())
    current = store.db.query_one("SELECT year_start, year_end FROM plan WHERE id = ?", (plan_id,))
    if args.year is not None or args.year_end is not None:
        start = args.year if args.year is not None else current["year_start"]
        end = args.year_end if args.year_end is not None else \
            (start if current["year_start"] == current["year_end"] else current["year_end"])
        if not 2000 <= start <= 2100 or not 2000 <= end <= 2100:
            raise UserError("Năm kế hoạch phải trong khoảng 2000–2100.")
        changed["year_start"], changed["year_end"] = start, max(start, end)   # as the dialog
    if args.status is not None:
        if args.status not in PLAN_STATUS_LABELS:
            raise UserError(f"Trạng thái kế hoạch «{args.status}» không có; chọn một trong: "
                            + ", ".join(PLAN_STATUS_LABELS) + ".")
        changed["status"] = args.status
    if changed:
        edit_fields(store, "plan", plan_id, changed, "Sửa thuộc tính kế hoạch")
        print(f"Đã sửa {len(changed)} thuộc tính kế hoạch.")
    row = store.db.query_one("SELECT unit_name, unit_kind, superior_body, title, year_start, year_end, doc_number, "
                             "doc_date, status FROM plan WHERE id = ?", (plan_id,))
    for key in row.keys():
        print(f"{key} = {row[key]}")
    return 0


# -- plan tools --------------------------------------------------------------------------------------------------
def cmd_merge_agencies(store, args) -> int:
    from .agency_groups import merge_candidates, merge_pairs

    plan_id = _plan_id(store, args.plan)
    candidates = merge_candidates(store, plan_id)
    for number, c in enumerate(candidates, 1):
        print(f"{number}. «{c.other_name}» → «{c.keep_name}» (giống {c.similarity:.0%})")
    if not candidates:
        print("Không thấy tên cơ quan nào viết khác nhau.")
        return 0
    picked = candidates
    if args.pick:
        from .cli_planlife import _numbers
        chosen = _numbers(args.pick, len(candidates), "--pick", "cặp tên")
        picked = [c for n, c in enumerate(candidates, 1) if n in chosen]
    if not args.apply:
        print("Chế độ xem trước: chưa gộp. Thêm --apply để gộp (--pick 1,3 để chỉ gộp các cặp số 1 và 3).")
        return 0
    merged = ops.run(store, f"Gộp {len(picked)} tên cơ quan", merge_pairs, store, picked).value
    print(f"Đã gộp {merged} tên cơ quan.")
    return 0


def cmd_renumber(store, args) -> int:
    from .numbering import SCHEMES, plan_scheme, renumber

    plan_id = _plan_id(store, args.plan)
    print(f"Kế hoạch đang đánh số: {SCHEMES.get(plan_scheme(store, plan_id), plan_scheme(store, plan_id))}.")
    if args.scheme is None:
        print("Chọn cách đánh số lại bằng --scheme: "
              + "; ".join(f"{k}: {v}" for k, v in SCHEMES.items()) + ".")
        return 0
    old = ops.run(store, "Đánh số lại nhiệm vụ", renumber, store, plan_id, args.scheme).value
    print(f"Đã đổi STT của {len(old)} nhiệm vụ: {SCHEMES[args.scheme]}.")
    return 0


def add_parsers(sub) -> None:
    from .numbering import SCHEMES

    p = sub.add_parser("status", help="cập nhật tình trạng một hoặc nhiều sản phẩm (một thao tác)")
    p.add_argument("--product", action="append", default=[], help="mã sản phẩm (vài ký tự đầu; nhiều mã cách "
                   "nhau bằng dấu phẩy hoặc lặp lại tùy chọn)")
    p.add_argument("--period", help="kỳ, ví dụ 2026-Q2, 2026-H1, 2026 (mặc định: năm hiện tại)")
    p.add_argument("--status", choices=STATUS_CHOICES, help="tình trạng")
    p.add_argument("--percent", help="tỷ lệ hoàn thành (%%)")
    p.add_argument("--completed", help="ngày hoàn thành dd/mm/yyyy")
    p.add_argument("--result", help="kết quả thực hiện")
    p.add_argument("--reason", help="lý do (chưa hoàn thành, chậm)")
    p.add_argument("--notes", help="ghi chú")

    p = sub.add_parser("evidence", help="thêm, liệt kê, xóa văn bản minh chứng của một sản phẩm")
    p.add_argument("--product", help="mã sản phẩm (vài ký tự đầu)")
    p.add_argument("--period", help="kỳ, ví dụ 2026-Q2 (mặc định: năm hiện tại)")
    p.add_argument("--type", help="loại văn bản, ví dụ «Quyết định»")
    p.add_argument("--number", help="số, ký hiệu")
    p.add_argument("--date", help="ngày ban hành dd/mm/yyyy")
    p.add_argument("--summary", help="trích yếu")
    p.add_argument("--file", help="tệp đính kèm (được chép vào thư mục dữ liệu)")
    p.add_argument("--list", action="store_true", help="liệt kê minh chứng của sản phẩm")
    p.add_argument("--delete", metavar="MÃ", help="xóa văn bản minh chứng có mã này")

    p = sub.add_parser("targets", help="chỉ tiêu của kế hoạch: liệt kê, thêm, xóa, nhập số liệu thực hiện")
    p.add_argument("--plan", help="mã kế hoạch (bỏ trống khi chỉ có một kế hoạch)")
    p.add_argument("--add", metavar="TÊN", help="thêm chỉ tiêu có tên này (cần --value)")
    p.add_argument("--value", help="giá trị chỉ tiêu (với --add) hoặc số liệu thực hiện (với --actual)")
    p.add_argument("--comparison", default=">=", choices=(">=", "<=", "="), help="so sánh (mặc định >=)")
    p.add_argument("--unit", default="%", help="đơn vị (mặc định %%)")
    p.add_argument("--notes", help="ghi chú")
    p.add_argument("--defaults", action="store_true", help="thêm các chỉ tiêu mẫu còn thiếu")
    p.add_argument("--delete", metavar="MÃ", help="xóa chỉ tiêu có mã này")
    p.add_argument("--actual", metavar="MÃ", help="nhập số liệu thực hiện của chỉ tiêu có mã này (cần --period)")
    p.add_argument("--clear", action="store_true", help="(với --actual) xóa số liệu của kỳ")
    p.add_argument("--period", help="kỳ, ví dụ 2026, 2026-H1")

    p = sub.add_parser("header", help="tiêu đề và người ký in trên văn bản (xem; --set để sửa)")
    p.add_argument("--plan", help="mã kế hoạch (bỏ trống khi chỉ có một kế hoạch)")
    p.add_argument("--set", action="append", metavar="TÊN=GIÁ TRỊ", help="sửa một trường (lặp lại được), ví dụ "
                   "signer_name=\"Nguyễn Văn A\", sign_mode=KT")

    p = sub.add_parser("report-settings", help="hạn gửi báo cáo quý, 6 tháng, năm (xem; --set để sửa)")
    p.add_argument("--plan", help="mã kế hoạch (bỏ trống khi chỉ có một kế hoạch)")
    p.add_argument("--set", action="append", metavar="TÊN=SỐ", help="sửa một cài đặt, ví dụ quarter_report_day=20")

    p = sub.add_parser("plan-properties", help="thuộc tính kế hoạch: đơn vị, năm, số, ngày ban hành, trạng thái")
    p.add_argument("--plan", help="mã kế hoạch (bỏ trống khi chỉ có một kế hoạch)")
    p.add_argument("--unit", help="tên đơn vị")
    p.add_argument("--unit-kind", dest="unit_kind", choices=("xã", "phường", "thị trấn", "đặc khu"),
                   help="loại đơn vị")
    p.add_argument("--superior", dest="superior_body", help="cơ quan cấp trên")
    p.add_argument("--title", help="tên kế hoạch")
    p.add_argument("--year", type=_year, help="năm kế hoạch (năm đầu của kế hoạch giai đoạn)")
    p.add_argument("--year-end", dest="year_end", type=_year, help="năm cuối (kế hoạch giai đoạn)")
    p.add_argument("--number", help="số kế hoạch, ví dụ 12/KH-UBND")
    p.add_argument("--date", help="ngày ban hành dd/mm/yyyy")
    p.add_argument("--status", help="trạng thái: draft (dự thảo) hoặc issued (đã ban hành)")

    p = sub.add_parser("merge-agencies", help="gộp các tên cơ quan viết khác nhau của cùng một cơ quan")
    p.add_argument("--plan", help="mã kế hoạch (bỏ trống khi chỉ có một kế hoạch)")
    p.add_argument("--pick", help="chỉ gộp các cặp số này, ví dụ 1,3")
    p.add_argument("--apply", action="store_true", help="gộp (một thao tác, hoàn tác được trong ứng dụng)")

    p = sub.add_parser("renumber", help="đánh số lại STT các nhiệm vụ của kế hoạch")
    p.add_argument("--plan", help="mã kế hoạch (bỏ trống khi chỉ có một kế hoạch)")
    p.add_argument("--scheme", choices=list(SCHEMES), help="continuous: liên tục; section: từ 1 trong từng mục; "
                   "dotted: 1.1, 1.2 …")


def _year(text: str) -> int:
    return int(text.strip())


_year.__name__ = "một năm, ví dụ 2026"

STORE_COMMANDS = {"status": cmd_status, "evidence": cmd_evidence, "targets": cmd_targets, "header": cmd_header,
                  "report-settings": cmd_report_settings, "plan-properties": cmd_plan_properties,
                  "merge-agencies": cmd_merge_agencies, "renumber": cmd_renumber}
