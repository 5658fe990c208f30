"""Every GUI job has a CLI verb (README «Việc trong giao diện → lệnh main.py»): every item of every menu of the main
window is either mapped to a verb of `main.py` here, or a pure view action, or an explicitly listed gap. A new
menu item that is none of these fails, and so does a mapped verb that `main.py` does not have."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from cchc_desktop.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]

# menu item (without «&» and «…») -> the `main.py` verb(s) doing the same job with the same core code
CLI_VERBS = {
    "Mở kế hoạch": "plans",
    "Thuộc tính kế hoạch": "plan-properties",
    "Cài đặt kỳ báo cáo": "report-settings",
    "Nhập phụ lục từ tệp (Excel, Word, văn bản)": "import",
    "Dán thành nhiệm vụ mới": "import",                 # rows from a file into the plan: import --plan
    "Đánh số lại nhiệm vụ": "renumber",
    "Gộp tên cơ quan viết khác nhau": "merge-agencies",
    "Cập nhật tình trạng nhiều sản phẩm": "status",
    "Xuất tệp cập nhật cho các cơ quan (.xlsx)": "export-workbooks",
    "Nhập tệp cập nhật từ các cơ quan": "import-workbooks",
    "Xuất gói dữ liệu sang máy khác (.cchc)": "export-package",
    "Nhập gói dữ liệu từ máy khác": "import-package",
    "Xung đột đã ghi nhận": "conflicts restore-conflict",
    "Thư mục đồng bộ": "sync",
    "Xem tiến độ nhiều xã (chỉ đọc)": "portfolio",
    "Điều chỉnh kế hoạch theo tệp điều chỉnh, bổ sung": "amend amendments",
    "Tạo kế hoạch năm sau": "rollover",
    "Kế hoạch giai đoạn (5 năm)": "link-plan link-target link-task period-report",
    "Bảng theo dõi tiến độ": "show",
    "Chỉ tiêu của kế hoạch": "targets",
    "Lập báo cáo, xem trước, in, xuất Excel": "report",
    "Tiêu đề và người ký văn bản": "header",
    "Sổ báo cáo định kỳ đã ban hành": "par issued",
    "Tự đánh giá, chấm điểm Chỉ số CCHC": "par",
    # «Sao lưu» (ui/backup_start.py, added by run_gui)
    "Sao lưu ngay": "backup",
    "Khôi phục": "restore",
}
# no data job: what is shown, selected, copied to the clipboard; undo/redo act on the app's own history
VIEW_ONLY = {"Thoát", "Hoàn tác", "Làm lại", "Sao chép", "Tìm và lọc", "Bỏ lọc", "Hiện nhiệm vụ đã bỏ",
             "Bảng các mục", "Chi tiết nhiệm vụ", "Phím tắt", "Giới thiệu", "Mở thư mục sao lưu"}
# GUI jobs still without a verb (README lists them); the list may only shrink
GAPS = {"Tạo kế hoạch mới", "Nhân bản kế hoạch", "Dán vào các ô", "Sửa ô đang chọn",
        "Thêm nhiệm vụ vào cuối mục", "Chèn nhiệm vụ phía trên", "Nhân bản nhiệm vụ", "Thêm hoạt động/sản phẩm",
        "Chuyển lên", "Chuyển xuống", "Chuyển sang mục", "Xóa dòng đang chọn", "Thêm mục", "Đổi tên mục",
        "Chuyển mục lên", "Chuyển mục xuống", "Xóa mục", "Sao lưu ra USB"}
BACKUP_MENU = ("Sao lưu ngay", "Sao lưu ra USB", "Khôi phục", "Mở thư mục sao lưu")


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "").strip()


def _verbs() -> dict[str, set[str]]:
    """Each verb of `main.py` -> its own sub-verbs (`par issued`)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    out = {}
    for name, child in sub.choices.items():
        inner = [a for a in child._actions if isinstance(a, argparse._SubParsersAction)]
        out[name] = set(inner[0].choices) if inner else set()
    return out


def test_every_mapped_verb_exists():
    verbs = _verbs()
    for job, mapped in CLI_VERBS.items():
        words = mapped.split()
        if len(words) == 2 and words[1] in verbs.get(words[0], set()):
            continue
        missing = [w for w in words if w not in verbs]
        assert not missing, f"{job}: main.py has no verb {missing}"
    assert not (set(CLI_VERBS) & VIEW_ONLY) and not (set(CLI_VERBS) & GAPS) and not (VIEW_ONLY & GAPS)


def test_every_menu_item_has_a_cli_verb_or_is_a_view(window):
    from ui.actions import ACTIONS

    items = set()

    def walk(menu):
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            elif not action.isSeparator():
                items.add(_plain(action.text()))
    for top in window.menuBar().actions():
        walk(top.menu())
    items |= {_plain(spec.text) for spec in ACTIONS}          # the table's actions, in a menu or not
    source = (ROOT / "ui" / "backup_start.py").read_text(encoding="utf-8")
    assert all(any(_plain(part) == text for part in source.split('"')) for text in BACKUP_MENU)
    items |= set(BACKUP_MENU)
    unmapped = items - set(CLI_VERBS) - VIEW_ONLY - GAPS
    assert not unmapped, f"GUI jobs without a CLI verb (add one and map it here): {sorted(unmapped)}"
    gone = (set(CLI_VERBS) | VIEW_ONLY | GAPS) - items
    assert not gone, f"mapped menu items no longer in the window: {sorted(gone)}"


def test_readme_table_names_every_verb():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Việc trong giao diện → lệnh main.py", 1)
    assert len(table) == 2, "README lost its GUI job → CLI verb table"
    section = table[1].split("\n## ", 1)[0]
    for job, mapped in CLI_VERBS.items():
        assert job in section, f"README table misses «{job}»"
        assert f"`{mapped}`" in section, f"README table misses `{mapped}` for «{job}»"
    for job in GAPS:
        assert job in section, f"README table misses the gap «{job}»"


@pytest.mark.parametrize("verb", sorted(v.split()[0] for v in CLI_VERBS.values()))
def test_each_verb_help_is_vietnamese(verb, capsys):
    from cchc_desktop.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main([verb, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: main.py " + verb) and "hiện hướng dẫn này rồi thoát" in out
