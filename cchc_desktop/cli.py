"""Headless command line: `python main.py <command> ...` (Vietnamese output)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cli_exchange, cli_safety
from .backup import BackupError
from .db import DatabaseError
from .import_commit import commit_draft
from .importers import read_appendix
from .importers.model import ImportFailure
from .errors import UserError
from .open_path import open_database, read_only_notice
from .paths import default_db_path
from .safe_write import SafeWriteError
from .store import Store, StoreError


_OPENED: list = []  # databases opened by this command (lock released when the command ends)


def _open(args) -> Store:
    """The same open path as the GUI: instance lock, integrity check (a damaged database is refused with the
    newest good backup named, never silently replaced), backup before migrating."""
    opened = open_database(Path(args.db) if args.db else default_db_path())
    _OPENED.append(opened)
    if opened.read_only:
        print(f"Lưu ý: {read_only_notice(opened.store.db.path)}", file=sys.stderr)
    return opened.store


def _pick_plan(store: Store, plan_id: str | None) -> str:
    plans = store.list_plans()
    if plan_id:
        matches = [p["id"] for p in plans if p["id"].startswith(plan_id)]
        if len(matches) != 1:
            raise StoreError(f"Không tìm thấy kế hoạch duy nhất có mã bắt đầu bằng «{plan_id}».")
        return matches[0]
    if not plans:
        raise StoreError("Cơ sở dữ liệu chưa có kế hoạch nào. Hãy dùng lệnh «import» trước.")
    return plans[0]["id"]


def cmd_import(args) -> int:
    draft = read_appendix(Path(args.file))
    print(f"Đọc tệp «{Path(args.file).name}»: {len(draft.sections)} mục, {draft.task_count} nhiệm vụ, "
          f"{draft.product_count} dòng sản phẩm, {len(draft.agency_names())} cơ quan.")
    for warning in draft.warnings:
        print(f"  Cảnh báo: {warning}")
    if args.dry_run:
        print("Chế độ xem trước: chưa ghi gì vào cơ sở dữ liệu.")
        return 0
    store = _open(args)
    try:
        plan_id = _pick_plan(store, args.plan) if args.plan else None
        result = commit_draft(store, draft, plan_id, unit_name=args.unit or "", year=args.year)
    finally:
        store.close()
    print(f"Đã nhập vào kế hoạch {result.plan_id}: {result.sections} mục, {result.tasks} nhiệm vụ, "
          f"{result.products} dòng sản phẩm.")
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
        plan = store.load_plan(_pick_plan(store, args.plan))
    finally:
        store.close()
    print(f"Kế hoạch CCHC {plan.unit_name} {plan.period_label}")
    for section in plan.sections:
        print(f"\n{section.numeral}. {section.title}")
        for task in section.tasks:
            print(f"  {task.number}. {task.content}")
            for product in task.products:
                deadline = parse_deadline(product.deadline_text, plan.year_start, plan.year_end)
                print(f"     - {product.description}")
                print(f"       Chủ trì: {product.lead_names or '—'} | Phối hợp: {product.coordinator_names or '—'}")
                print(f"       Thời gian: {product.deadline_text or '—'} → {deadline.describe()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="CCHC Desktop — quản lý kế hoạch CCHC cấp xã.")
    parser.add_argument("--db", help="đường dẫn tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu của ứng dụng)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("gui", help="mở giao diện (mặc định)")
    p_import = sub.add_parser("import", help="nhập phụ lục nhiệm vụ từ .xlsx/.docx/.txt")
    p_import.add_argument("file")
    p_import.add_argument("--plan", help="mã kế hoạch để nhập thêm vào (mặc định: tạo kế hoạch mới)")
    p_import.add_argument("--unit", help="tên đơn vị, ví dụ «xã Xuân Trường»")
    p_import.add_argument("--year", type=int, help="năm kế hoạch")
    p_import.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi")
    sub.add_parser("plans", help="liệt kê các kế hoạch")
    p_list = sub.add_parser("list", help="liệt kê nhiệm vụ của một kế hoạch cùng thời hạn đã phân tích")
    p_list.add_argument("--plan", help="mã kế hoạch (có thể chỉ vài ký tự đầu)")
    cli_exchange.add_parsers(sub)
    cli_safety.add_parsers(sub)
    return parser


def _with_store(handler, needs_plan: bool | None):
    """Open the store, pick the plan (required, optional or none), run, close."""
    def run(args) -> int:
        store = _open(args)
        try:
            if needs_plan is None:
                return handler(store, args)
            plan = getattr(args, "plan", None)
            plan_id = _pick_plan(store, plan) if (needs_plan or plan) else None
            return handler(store, plan_id, args)
        finally:
            store.close()
    return run


COMMANDS = {"import": cmd_import, "plans": cmd_plans, "list": cmd_list,
            "export-workbooks": _with_store(cli_exchange.cmd_export_workbooks, True),
            "import-workbooks": _with_store(cli_exchange.cmd_import_workbooks, None),
            "export-package": _with_store(cli_exchange.cmd_export_package, False),
            "import-package": _with_store(cli_exchange.cmd_import_package, None),
            **cli_safety.COMMANDS}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = COMMANDS.get(args.command)
    if handler is None:
        return -1  # caller starts the GUI
    try:
        return handler(args)
    except (ImportFailure, DatabaseError, StoreError, ValueError, SafeWriteError, BackupError, UserError,
            *cli_exchange.ERRORS) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    finally:
        while _OPENED:
            opened = _OPENED.pop()
            if opened.lock is not None:
                opened.lock.release()
