"""Headless USB-exchange commands for `main.py`: update workbooks and .cchc packages."""
from __future__ import annotations

import sys
from pathlib import Path

from . import ops
from .ops import exchange as exchange_ops
from .exchange.merge import DELETED_HERE, value_text
from .exchange import (ExchangeError, export_package, export_workbooks,
                       left_out_of_agency_workbooks, list_conflicts, plan_merge, read_package, read_workbooks, restore_conflict)
from .tracking.periods import default_period, plan_periods


def _period_key(store, plan_id: str, wanted: str | None) -> str:
    plan = store.load_plan(plan_id)
    keys = [p.key for p in plan_periods(plan.year_start, plan.year_end)]
    if wanted:
        if wanted not in keys:
            raise ValueError(f"Kỳ «{wanted}» không thuộc kế hoạch; các kỳ hợp lệ: {', '.join(keys)}.")
        return wanted
    from datetime import date

    return default_period(plan.year_start, plan.year_end, date.today()).key


def cmd_export_workbooks(store, plan_id: str, args) -> int:
    key = _period_key(store, plan_id, args.period)
    folder = Path(args.out)
    exports = export_workbooks(store, plan_id, key, folder, all_in_one=args.all_in_one)
    for item in exports:
        print(f"Đã xuất «{item.path.name}»: {item.agency_name or 'tất cả cơ quan'}, {item.rows} dòng.")
    print(f"Kỳ báo cáo {key}: {len(exports)} tệp trong «{folder}».")
    note = "" if args.all_in_one else left_out_of_agency_workbooks(store, plan_id).note()
    if note:
        print("Lưu ý: " + note.replace("\n", "\nLưu ý: "))
    return 0


def cmd_import_workbooks(store, args) -> int:
    previews = read_workbooks(store, [Path(p) for p in args.paths])
    if not previews:
        raise ValueError("Không tìm thấy tệp .xlsx nào trong các đường dẫn đã cho.")
    refused = {Path(p).name for p in (args.refuse or [])}
    for preview in previews:
        who = preview.agency_name or "?"
        preview.refused = preview.path.name in refused
        print(f"\nTệp «{preview.path.name}» — {who}, kỳ {preview.period_key or '?'}"
              + (" (đã nhập trước đây)" if preview.already_imported else "")
              + (" [KHÔNG NHẬP theo yêu cầu]" if preview.refused else "")
              + ("" if preview.usable or preview.refused else " [KHÔNG NHẬP ĐƯỢC]"))
        for issue in preview.issues:
            label = "Lỗi" if issue.level == "error" else "Lưu ý"
            print(f"  {label}{' (' + issue.where + ')' if issue.where else ''}: {issue.message}")
        for row in preview.rows:
            if row.outcome == "unchanged":
                continue
            print(f"  Dòng {row.excel_row}: {row.label} — {row.outcome_text}")
            for diff in row.diffs:
                mark = " [XUNG ĐỘT — không tự áp dụng]" if diff.conflict else ""
                print(f"    {diff.label}: «{diff.short(diff.old_text)}» → «{diff.short(diff.new_text)}»{mark}")
        for issue in preview.skipped:
            print(f"  Bỏ qua ({issue.where}): {issue.message}")
    if not args.apply:
        print("\nChế độ xem trước: chưa ghi gì. Thêm --apply để cập nhật các dòng hợp lệ (trừ các ô xung đột).")
        return 0
    result = exchange_ops.import_workbooks(store, previews).value     # one operation, after a backup
    print()
    for line in result.summary_lines():
        print(line)
    return 0


def cmd_export_package(store, plan_id: str | None, args) -> int:
    result = export_package(store, Path(args.out), plan_ids=[plan_id] if plan_id else None)
    print(f"Đã tạo gói «{result.path.name}»: {result.rows} dòng dữ liệu, {result.changes} thay đổi, "
          f"{result.attachments} tệp minh chứng. SHA-256: {result.sha256}")
    for missing in result.missing_attachments:
        print(f"  Lưu ý: thiếu tệp minh chứng «{missing}».")
    return 0


def cmd_import_package(store, args) -> int:
    package = read_package(Path(args.file), local_schema=store.db.schema_version)
    plan = plan_merge(store, package)
    print(f"Gói «{Path(args.file).name}»: {plan.summary()}.")
    for change in plan.conflicts:
        print(f"  Xung đột: {change.label or change.table} — {change.field_label}: «{value_text(change.field, change.old)}»"
              f" ở máy này, «{value_text(change.field, change.new)}» trong gói; giữ bản {'trong gói' if change.winner == 'remote' else 'ở máy này'} "
              f"(theo thứ tự thay đổi); bản kia được lưu trong lịch sử và khôi phục được.")
    for link in plan.link_conflicts:
        print(f"  Xung đột: {link.label} — {link.field_label}: «{'; '.join(link.old_names)}» ở máy này, "
              f"«{'; '.join(link.new_names)}» trong gói; ghép thành «{'; '.join(link.merged_names)}» "
              f"(khôi phục được).")
    for tomb in plan.tombstones:
        lines = tomb.removed_lines()
        print(f"  Xóa ở máy kia: {lines[0] if lines else tomb.label}"
              + (f", kèm {len(lines) - 1} dòng:" if len(lines) > 1 else ""))
        for line in lines[1:]:
            print(f"      – {line}")
    for note in plan.notes:
        print(f"  Lưu ý: {note}")
    if plan.undone_at and not args.reapply:
        print("  Dòng lệnh: thêm --reapply để áp dụng lại gói này.")
    if args.reapply:
        if not plan.undone_at:
            print(f"Gói «{Path(args.file).name}» chưa từng được nhập rồi hoàn tác trên máy này; không có gì để áp "
                  "dụng lại.", file=sys.stderr)
            return 2
        result = exchange_ops.reapply_package(store, plan)
        print(f"Đã áp dụng lại gói «{Path(args.file).name}»: {len(result.changes)} thay đổi.")
        return 0
    if not args.apply:
        print("Chế độ xem trước: chưa ghi gì. Thêm --apply để hợp nhất"
              " (và --confirm-deletions để xóa các dòng đã bị xóa ở máy kia).")
        return 0
    result = exchange_ops.merge_package(store, plan, confirm=bool(args.confirm_deletions)).value
    print(f"Đã hợp nhất: {result.inserted} dòng mới, {result.updated} trường, {result.links} thay đổi cơ quan, "
          f"{result.deleted} dòng xóa, {result.pending_tombstones} dòng xóa chờ xác nhận, "
          f"{result.conflicts} xung đột được lưu (xem: conflicts).")
    return 0


CONFLICT_STATES = {"restored": "đã khôi phục", "dismissed": "đã bỏ qua", "undone": "việc nhập gói đã được hoàn tác"}


def cmd_conflicts(store, args) -> int:
    found = list_conflicts(store, None if args.all else "open")
    if not found:
        print("Không có xung đột nào" + ("." if args.all else " đang chờ xem xét."))
        return 0
    for c in found:
        applied = {"local": "giữ bản máy này", "remote": "lấy bản máy kia", "merged": "ghép hai bản"}[c.applied]
        if c.local_value == DELETED_HERE:
            applied = "giữ việc xóa ở máy này"
        print(f"{c.id}  {c.label} — {c.field_label}: máy này «{c.text(c.local_value)}», máy kia "
              f"«{c.text(c.remote_value)}»; đã {applied} → «{c.text(c.applied_value)}»"
              + ("" if c.state == "open" else f" [{CONFLICT_STATES.get(c.state, c.state)}]"))
    print("Khôi phục bản không được áp dụng: restore-conflict <mã> [--keep local|remote].")
    return 0


def cmd_restore_conflict(store, args) -> int:
    matches = [c for c in list_conflicts(store, None) if c.id.startswith(args.id)]
    if len(matches) != 1:
        raise ValueError(f"Mã xung đột «{args.id}» không khớp đúng một xung đột ({len(matches)} kết quả).")
    conflict = ops.run(store, "Khôi phục giá trị xung đột", restore_conflict, store, matches[0].id, args.keep).value
    value = conflict.local_value if (args.keep or conflict.restorable) == "local" else conflict.remote_value
    print(f"Đã khôi phục {conflict.field_label} của «{conflict.label}»: «{conflict.text(value)}».")
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("export-workbooks", help="xuất tệp Excel cập nhật cho từng cơ quan chủ trì")
    p.add_argument("--plan", help="mã kế hoạch")
    p.add_argument("--period", help="kỳ báo cáo, ví dụ 2026-Q2, 2026-H1, 2026")
    p.add_argument("--out", required=True, help="thư mục đích (ví dụ ổ USB)")
    p.add_argument("--all-in-one", action="store_true", help="một tệp chung cho mọi cơ quan")
    p = sub.add_parser("import-workbooks", help="xem trước / nhập các tệp Excel cơ quan gửi lại")
    p.add_argument("paths", nargs="+", help="tệp .xlsx hoặc thư mục")
    p.add_argument("--apply", action="store_true", help="ghi các dòng hợp lệ (trừ ô xung đột)")
    p.add_argument("--refuse", action="append", metavar="TỆP", help="không nhập tệp này (tên tệp; lặp lại được)")
    p = sub.add_parser("export-package", help="xuất gói .cchc để chuyển sang máy khác")
    p.add_argument("out", help="đường dẫn tệp .cchc")
    p.add_argument("--plan", help="chỉ một kế hoạch (mặc định: tất cả)")
    p = sub.add_parser("import-package", help="xem trước / hợp nhất gói .cchc từ máy khác")
    p.add_argument("file")
    p.add_argument("--apply", action="store_true", help="hợp nhất vào cơ sở dữ liệu")
    p.add_argument("--confirm-deletions", action="store_true", help="đồng ý xóa các dòng đã xóa ở máy kia")
    p.add_argument("--reapply", action="store_true",
                   help="áp dụng lại gói đã nhập rồi hoàn tác (đúng những gì lần nhập đó đã ghi)")
    p = sub.add_parser("conflicts", help="các xung đột khi hợp nhất gói (cả hai máy cùng sửa)")
    p.add_argument("--all", action="store_true", help="cả các xung đột đã xử lý")
    p = sub.add_parser("restore-conflict", help="khôi phục giá trị không được áp dụng của một xung đột")
    p.add_argument("id", help="mã xung đột (có thể chỉ vài ký tự đầu)")
    p.add_argument("--keep", choices=("local", "remote"), help="bản cần giữ (mặc định: bản chưa được áp dụng)")


# Verbs that need the store but no plan (hooked by cli.py).
STORE_COMMANDS = {"conflicts": cmd_conflicts, "restore-conflict": cmd_restore_conflict}


ERRORS = (ExchangeError,)
