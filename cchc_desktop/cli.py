"""Headless command line: `python main.py <command> ...` (Vietnamese output)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cli_edit, cli_exchange, cli_par, cli_planlife, cli_reports, cli_safety, cli_show, cli_sync
from .import_commit import commit_plan
from .importers.plan_builder import PARTS, read_plan
from .cli_common import ViArgumentParser, integer, pick_plan
from .domain import stt_mark
from .open_path import open_database, read_only_notice
from .paths import default_db_path
from .errors import UserError, user_message
from .store import Store


_OPENED: list = []  # databases opened by this command (lock released when the command ends)


def _open(args) -> Store:
    """The same open path as the GUI: instance lock, integrity check (a damaged database is refused with the
    newest good backup named, never silently replaced), backup before migrating."""
    opened = open_database(Path(args.db) if args.db else default_db_path())
    _OPENED.append(opened)
    if opened.read_only:
        print(f"Lưu ý: {read_only_notice(opened.store.db.path)}", file=sys.stderr)
    return opened.store


def cmd_import(args) -> int:
    draft = read_plan(Path(args.file))
    cli_show.print_plan_draft(draft, plan_years=(args.year, args.year) if args.year else None)
    if args.dry_run:
        print("Chế độ xem trước: chưa ghi gì vào cơ sở dữ liệu.")
        return 0
    parts = [p for p in PARTS if p not in (args.skip or [])]
    store = _open(args)
    try:
        plan_id = pick_plan(store, args.plan) if args.plan else None
        result = commit_plan(store, draft, plan_id, parts=parts, unit_name=args.unit or "", year=args.year)
    finally:
        store.close()
    print(f"Đã nhập vào kế hoạch {result.plan_id}: {result.sections} mục, {result.tasks} nhiệm vụ, "
          f"{result.products} dòng sản phẩm, {result.targets} chỉ tiêu"
          + (", nơi nhận và người ký" if result.header_fields else "")
          + (", hạn nộp báo cáo" if result.report_fields else "") + ".")
    return 0


def cmd_plans(args) -> int:
    store = _open(args)
    try:
        for plan in store.list_plans():
            years = plan["year_start"] if plan["year_start"] == plan["year_end"] else \
                f"{plan['year_start']}–{plan['year_end']}"
            print(f"{plan['id']}  {plan['unit_name']}  {years}  {plan['doc_number']}  "
                  f"{plan['task_count']} nhiệm vụ")
    finally:
        store.close()
    return 0


def cmd_list(args) -> int:
    from .deadlines import parse_deadline

    store = _open(args)
    try:
        plan = store.load_plan(pick_plan(store, args.plan))
    finally:
        store.close()
    print(f"Kế hoạch CCHC {plan.unit_name} {plan.period_label}")
    for section in plan.sections:
        print(f"\n{section.numeral}. {section.title}")
        for task in section.tasks:
            print(f"  {stt_mark(task.number)} {task.content}")
            for product in task.products:
                deadline = parse_deadline(product.deadline_text, plan.year_start, plan.year_end)
                print(f"     - {product.description}")
                print(f"       Chủ trì: {product.lead_names or '—'} | Phối hợp: {product.coordinator_names or '—'}")
                print(f"       Thời gian: {product.deadline_text or '—'} → {deadline.describe()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = ViArgumentParser(prog="main.py", description="CCHC Desktop — quản lý kế hoạch CCHC cấp xã.")
    parser.add_argument("--db", help="đường dẫn tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu của ứng dụng)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title="lệnh",
                                description="«main.py LỆNH -h» để xem cách dùng từng lệnh")
    sub.add_parser("gui", help="mở giao diện (mặc định)")
    p_import = sub.add_parser("import", help="nhập kế hoạch (.docx/.txt) hoặc phụ lục nhiệm vụ (.xlsx/.docx/.txt)")
    p_import.add_argument("file")
    p_import.add_argument("--plan", help="mã kế hoạch để nhập thêm vào (mặc định: tạo kế hoạch mới)")
    p_import.add_argument("--unit", help="tên đơn vị, ví dụ «xã Xuân Trường»")
    p_import.add_argument("--year", type=integer, help="năm kế hoạch")
    p_import.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi")
    p_import.add_argument("--skip", action="append", choices=[p for p in PARTS if p != "facts"],
                          help="bỏ qua một phần: appendix (phụ lục), targets (chỉ tiêu), header (nơi nhận, "
                               "người ký), report (hạn báo cáo); dùng nhiều lần được")
    sub.add_parser("plans", help="liệt kê các kế hoạch")
    p_list = sub.add_parser("list", help="liệt kê nhiệm vụ của một kế hoạch cùng thời hạn đã phân tích")
    p_list.add_argument("--plan", help="mã kế hoạch (có thể chỉ vài ký tự đầu)")
    cli_exchange.add_parsers(sub)
    cli_par.add_parsers(sub)
    cli_sync.add_parsers(sub)
    cli_show.add_parsers(sub)
    cli_planlife.add_parsers(sub)
    cli_reports.add_parsers(sub)
    cli_safety.add_parsers(sub)
    cli_edit.add_parsers(sub)
    return parser


def _with_store(handler, needs_plan: bool | None):
    """Open the store, pick the plan (required, optional or none), run, close."""
    def run(args) -> int:
        store = _open(args)
        try:
            if needs_plan is None:
                return handler(store, args)
            plan = getattr(args, "plan", None)
            plan_id = pick_plan(store, plan) if (needs_plan or plan) else None
            return handler(store, plan_id, args)
        finally:
            store.close()
    return run


COMMANDS = {"import": cmd_import, "plans": cmd_plans, "list": cmd_list,
            "export-workbooks": _with_store(cli_exchange.cmd_export_workbooks, True),
            "import-workbooks": _with_store(cli_exchange.cmd_import_workbooks, None),
            "export-package": _with_store(cli_exchange.cmd_export_package, False),
            "import-package": _with_store(cli_exchange.cmd_import_package, None),
            "par": _with_store(cli_par.cmd_par, None),
            "sync": _with_store(cli_sync.cmd_sync, None),
            "portfolio": cli_sync.cmd_portfolio,
            "show": _with_store(cli_show.cmd_show, True),
            "report": _with_store(cli_reports.cmd_report, None),
            **cli_planlife.commands(_open),
            **{verb: _with_store(handler, None) for verb, handler in cli_exchange.STORE_COMMANDS.items()},
            **{verb: _with_store(handler, None) for verb, handler in cli_edit.STORE_COMMANDS.items()},
            **cli_safety.COMMANDS}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = COMMANDS.get(args.command)
    if handler is None:
        return -1  # caller starts the GUI
    try:
        return handler(args)
    except (UserError, ValueError, *cli_reports.ERRORS) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:     # a file the command reads or writes, named for what went wrong (never raw English)
        print(f"Lỗi: {user_message(exc, exc.filename)}", file=sys.stderr)
        return 2
    finally:
        while _OPENED:
            opened = _OPENED.pop()
            if opened.lock is not None:
                opened.lock.release()
