"""Headless plan-life commands for `main.py`: amend a plan from a revised file, roll it over to the next year,
link yearly plans to a five-year plan and print the five-year results report (same preview texts as the dialogs)."""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

from .cli_common import integer
from .errors import UserError
from .importers import read_appendix
from .planlife import amend, fiveyear, rollover


def _plan_id(store, wanted: str | None, what: str = "--plan") -> str:
    """The plan named by an id prefix, or the only plan of the database."""
    if wanted:
        from .cli_common import pick_plan
        return pick_plan(store, wanted)
    plans = store.list_plans()
    if len(plans) == 1:
        return plans[0]["id"]
    if not plans:
        raise UserError("Cơ sở dữ liệu chưa có kế hoạch nào.")
    listed = "; ".join(f"{p['id'][:8]} {p['unit_name']} {p['year_start']}" for p in plans)
    raise UserError(f"Cơ sở dữ liệu có {len(plans)} kế hoạch; hãy chọn bằng {what} (mã): {listed}.")


def _row_id(store, table: str, wanted: str, label: str) -> str:
    found = [r[0] for r in store.db.query(f"SELECT id FROM {table} WHERE id LIKE ?", (wanted + "%",))]
    if len(found) != 1:
        raise UserError(f"Không tìm thấy {label} duy nhất có mã bắt đầu bằng «{wanted}».")
    return found[0]


def _numbers(text: str | None, count: int, option: str = "--refuse", what: str = "thay đổi") -> set[int]:
    out = set()
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= count:
            raise UserError(f"{option}: «{part}» không phải số thứ tự {what} (1…{count}).")
        out.add(int(part))
    return out


def cmd_amend(store, args) -> int:
    plan_id = _plan_id(store, args.plan)
    draft = read_appendix(Path(args.file))
    diff = amend.prepare_amendment(store, plan_id, draft, doc_number=args.number or "", doc_date=args.date or "",
                                   note=args.note or "")
    for number in _numbers(args.refuse, len(diff.changes)):
        diff.changes[number - 1].accepted = False
    print(amend.preview_text(diff))
    if not args.apply:
        print("Chế độ xem trước: chưa ghi gì. Thêm --apply để điều chỉnh kế hoạch"
              " (--refuse 2,5 để không áp dụng các thay đổi số 2 và 5).")
        return 0
    undo = amend.apply_amendment(store, diff)
    if undo is None:
        print("Không có gì thay đổi.")
    else:
        print(f"Đã điều chỉnh kế hoạch: {amend.plan_citation(store, plan_id)}.")
    return 0


def cmd_amendments(store, args) -> int:
    print(amend.history_text(store, _plan_id(store, args.plan)))
    return 0


def cmd_rollover(store, args) -> int:
    plan_id = _plan_id(store, args.plan)
    preview = rollover.prepare_rollover(store, plan_id, args.year)
    print(rollover.preview_text(preview))
    if not args.apply:
        print("Chế độ xem trước: chưa tạo kế hoạch. Thêm --apply để tạo kế hoạch năm sau.")
        return 0
    new_id = rollover.apply_rollover(store, preview)
    print(f"Đã tạo kế hoạch năm {args.year}: {new_id}")
    return 0


def cmd_link_plan(store, args) -> int:
    plan_id = _plan_id(store, args.plan)
    parent = None if args.parent.lower() in ("none", "-") else _plan_id(store, args.parent, "--parent")
    fiveyear.link_plan(store, plan_id, parent)
    print("Đã bỏ liên kết kế hoạch giai đoạn." if parent is None else "Đã liên kết với kế hoạch giai đoạn.")
    return 0


def cmd_link_target(store, args) -> int:
    target = _row_id(store, "target", args.target, "chỉ tiêu")
    parent = None if args.parent.lower() in ("none", "-") else _row_id(store, "target", args.parent, "chỉ tiêu")
    fiveyear.link_target(store, target, parent, args.mode)
    print("Đã cập nhật liên kết chỉ tiêu.")
    return 0


def cmd_link_task(store, args) -> int:
    """Link a yearly task to the five-year task and/or target it serves (the task pane's picker); ``--list``
    prints the choices (labels as in the picker, with their ids), ``--search`` narrows them."""
    task = _row_id(store, "task", args.task, "nhiệm vụ")
    if args.list or args.search:
        plan_id = fiveyear._plan_of(store, "task", task)
        choices = fiveyear.search(fiveyear.link_choices(store, plan_id), args.search or "")
        if fiveyear.plan_link(store, plan_id) is None:
            raise UserError("Kế hoạch của nhiệm vụ này chưa thuộc kế hoạch giai đoạn nào (dùng link-plan trước).")
        for choice in choices:
            print(f"{choice.id[:8]}  {choice.label}")
        if not choices:
            print("Không có nhiệm vụ/chỉ tiêu giai đoạn nào phù hợp.")
        return 0
    if not args.parent_task and not args.parent_target:
        raise UserError("Cần --parent-task hoặc --parent-target (mã, hoặc none để bỏ liên kết), hoặc --list.")
    for kind, wanted, table, label in ((fiveyear.TASK, args.parent_task, "task", "nhiệm vụ"),
                                       (fiveyear.TARGET, args.parent_target, "target", "chỉ tiêu")):
        if wanted:
            row_id = None if wanted.lower() in ("none", "-") else _row_id(store, table, wanted, label)
            fiveyear.set_task_link(store, task, kind, row_id)
    print(fiveyear.task_link_text(store, task))
    return 0


def cmd_period_report(store, args) -> int:
    from .reports.document import render_pdf

    plan_id = _plan_id(store, args.plan)
    print(fiveyear.progress_text(store, plan_id))        # the same cells as the dashboard's «Tiến độ giai đoạn»
    if args.out:
        # dd/mm/yyyy as every other command (yyyy-mm-dd still read); a bad date named in Vietnamese
        ref = _dt.date.fromisoformat(amend.parse_date(args.date)) if args.date else _dt.date.today()
        report = fiveyear.build_period_report(store, plan_id, ref)
        for warning in report.warnings:     # as «report periodic» does
            print(f"Lưu ý: {warning}", file=sys.stderr)
        render_pdf(report, Path(args.out))
        print(f"Đã lưu «{args.out}».")
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("amend", help="điều chỉnh kế hoạch theo tệp điều chỉnh, bổ sung (.xlsx/.docx/.txt)")
    p.add_argument("file")
    p.add_argument("--plan", help="mã kế hoạch (bỏ trống khi chỉ có một kế hoạch)")
    p.add_argument("--number", help="số kế hoạch điều chỉnh, ví dụ 41/KH-UBND (mặc định: đọc từ tệp)")
    p.add_argument("--date", help="ngày ban hành dd/mm/yyyy (mặc định: đọc từ tệp)")
    p.add_argument("--note", help="ghi chú")
    p.add_argument("--refuse", help="số thứ tự các thay đổi không áp dụng, ví dụ 2,5")
    p.add_argument("--apply", action="store_true", help="ghi các thay đổi (một thao tác, hoàn tác được trong ứng dụng)")
    p = sub.add_parser("amendments", help="các lần điều chỉnh kế hoạch và nhiệm vụ đã bỏ")
    p.add_argument("--plan")
    p = sub.add_parser("rollover", help="tạo kế hoạch năm sau từ kế hoạch năm nay")
    p.add_argument("--plan")
    p.add_argument("--year", type=integer, required=True, help="năm của kế hoạch mới")
    p.add_argument("--apply", action="store_true", help="tạo kế hoạch")
    p = sub.add_parser("link-plan", help="gắn kế hoạch năm vào kế hoạch giai đoạn")
    p.add_argument("--plan", required=True)
    p.add_argument("--parent", required=True, help="mã kế hoạch giai đoạn, hoặc none để bỏ liên kết")
    p = sub.add_parser("link-target", help="tính chỉ tiêu năm vào chỉ tiêu giai đoạn")
    p.add_argument("--target", required=True)
    p.add_argument("--parent", required=True, help="mã chỉ tiêu giai đoạn, hoặc none")
    p.add_argument("--mode", choices=("sum", "latest"), help="sum: cộng dồn; latest: lấy năm gần nhất")
    p = sub.add_parser("link-task", help="gắn nhiệm vụ năm với nhiệm vụ/chỉ tiêu giai đoạn")
    p.add_argument("--task", required=True)
    p.add_argument("--parent-task", help="mã nhiệm vụ giai đoạn, hoặc none để bỏ (liên kết chỉ tiêu được giữ)")
    p.add_argument("--parent-target", help="mã chỉ tiêu giai đoạn, hoặc none để bỏ (liên kết nhiệm vụ được giữ)")
    p.add_argument("--list", action="store_true", help="liệt kê nhiệm vụ và chỉ tiêu giai đoạn có thể chọn")
    p.add_argument("--search", help="chỉ liệt kê những mục chứa các từ này (không cần dấu)")
    p = sub.add_parser("period-report", help="kết quả thực hiện kế hoạch giai đoạn (và báo cáo PDF)")
    p.add_argument("--plan", help="mã kế hoạch giai đoạn (bỏ trống khi chỉ có một kế hoạch)")
    p.add_argument("--out", help="tệp PDF")
    p.add_argument("--date", help="ngày lấy số liệu dd/mm/yyyy (mặc định hôm nay)")


def _guarded(handler, open_store):
    def run(args) -> int:
        try:
            store = open_store(args)
        except UserError as exc:
            print(f"Lỗi: {exc}", file=sys.stderr)
            return 2
        try:
            return handler(store, args)
        except (UserError, ValueError) as exc:
            print(f"Lỗi: {exc}", file=sys.stderr)
            return 2
        finally:
            store.close()
    return run


def commands(open_store) -> dict:
    """Command name -> runner, for cli.COMMANDS (open_store(args) opens the database)."""
    return {name: _guarded(handler, open_store) for name, handler in (
        ("amend", cmd_amend), ("amendments", cmd_amendments), ("rollover", cmd_rollover),
        ("link-plan", cmd_link_plan), ("link-target", cmd_link_target), ("link-task", cmd_link_task),
        ("period-report", cmd_period_report))}
