"""Headless sync-folder and portfolio commands: `main.py sync --folder DIR [--once]`,
`main.py portfolio DIR|FILES… --out FILE.xlsx` (Vietnamese output, exit 2 on bad input)."""
from __future__ import annotations

import time
from pathlib import Path

from .cli_common import integer
from .store import Store


def cmd_sync(store: Store, args) -> int:
    from .sync.folder import get_folder, set_folder, sync_once

    if args.folder:
        set_folder(store, args.folder)
    folder = get_folder(store)
    if folder is None:
        raise ValueError("Chưa chọn thư mục đồng bộ: dùng «sync --folder THƯ_MỤC».")
    sizes: dict = {}
    while True:
        report = sync_once(store, folder, auto_apply=not args.preview, sizes=sizes, settle=not args.once)
        for line in report.lines() or ["Không có gì mới."]:
            print(line)
        if args.once:
            return 0
        time.sleep(max(2, args.interval))


def cmd_portfolio(args) -> int:
    from .sync.portfolio import export_portfolio_xlsx, open_portfolio, row_values

    portfolio = open_portfolio([Path(p) for p in args.paths])
    try:
        if not portfolio.rows and not portfolio.refused:
            raise ValueError("Không tìm thấy gói dữ liệu .cchc nào.")
        for row in sorted(portfolio.rows, key=lambda r: r.unit):
            values = row_values(row)
            print(f"{row.unit} ({row.year}): {row.counts.completed}/{row.counts.total} hoàn thành "
                  f"({values[4]:.1%}), {row.counts.overdue} quá hạn"
                  + (f", tự đánh giá {row.par_total:g}/{row.par_max:g} điểm" if row.par_total is not None else ""))
        for name, why in portfolio.refused:
            print(f"Bỏ qua «{name}»: {why}")
        if args.out:
            export_portfolio_xlsx(portfolio, Path(args.out))
            print(f"Đã ghi «{args.out}».")
        return 0
    finally:
        portfolio.close()


def add_parsers(sub) -> None:
    p = sub.add_parser("sync", help="đồng bộ qua thư mục dùng chung (ổ mạng, Syncthing, OneDrive…)")
    p.add_argument("--folder", help="thư mục đồng bộ (ghi nhớ cho các lần sau)")
    p.add_argument("--once", action="store_true", help="đồng bộ một lượt rồi thoát")
    p.add_argument("--preview", action="store_true", help="chỉ xem trước, không hợp nhất")
    p.add_argument("--interval", type=integer, default=30, help="số giây giữa hai lượt (mặc định 30)")
    p = sub.add_parser("portfolio", help="xem tiến độ nhiều xã từ các gói .cchc (chỉ đọc)")
    p.add_argument("paths", nargs="+", help="thư mục hoặc các tệp .cchc")
    p.add_argument("--out", help="xuất bảng so sánh ra tệp .xlsx")
