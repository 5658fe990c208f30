"""Issue 11, writing to USB targets: every OS error becomes a Vietnamese message naming the path and what
to do (no traceback, no English OS text), a partly written set of workbooks is reported file by file,
and temp files a killed export left on the target are removed on the next write there.

Tests run as root (chmod does not block writes), so read-only and full sticks are simulated by
monkeypatching os.mkdir / os.write."""
import errno
import gc
import os
from pathlib import Path

import pytest

from cchc_desktop.cli import main as cli_main
from cchc_desktop.exchange import ExchangeError, export_package, export_workbooks
from cchc_desktop.exchange.target_io import target_error_message
from cchc_desktop.exchange.workbook_export import WorkbookSetError

AGENCIES = ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Công an xã",
            "Đoàn Thanh niên xã", "Hội Phụ nữ xã"]
ENGLISH = ("No space left", "Read-only file system", "Errno", "Traceback", "Permission denied",
           "Exception ignored")


def make_plan(store) -> str:
    plan_id = store.create_plan("xã Xuân Trường", 2026)
    section = store.add_section(plan_id, "CẢI CÁCH HÀNH CHÍNH")
    for agency in AGENCIES:
        task = store.add_task(section, f"Nhiệm vụ của {agency}")
        for i in range(3):
            store.add_product(task, f"Sản phẩm {i + 1}", "Trước ngày 31/12/2026", [agency])
    return plan_id


@pytest.mark.parametrize("code, winerror, words", [
    (errno.EROFS, None, "chỉ cho phép đọc"), (errno.ENOSPC, None, "Không đủ chỗ trống"),
    (errno.ENOENT, None, "Không tìm thấy"), (errno.EACCES, None, "Không có quyền ghi"),
    (errno.EPERM, None, "Không có quyền ghi"), (errno.EIO, None, "Lỗi thiết bị"),
    (errno.ENAMETOOLONG, None, "quá dài"), (None, 19, "chỉ cho phép đọc"), (None, 112, "Không đủ chỗ trống"),
    (None, 206, "quá dài"), (None, 1167, "Không tìm thấy"), (None, 32, "Không có quyền ghi")])
def test_every_os_error_names_the_path_and_what_to_do(code, winerror, words):
    exc = OSError(code, "English text from the OS")
    if winerror is not None:
        exc.winerror = winerror
    path = Path("/media/usb/CapNhat.xlsx")
    message = target_error_message(exc, path)
    assert words in message and f"«{path}»" in message and "Hãy" in message
    assert "English" not in message


def test_export_workbooks_to_read_only_stick_subfolder(store, tmp_path, monkeypatch, capsys):
    make_plan(store)
    stick = tmp_path / "usb"
    stick.mkdir()
    real_mkdir = os.mkdir

    def read_only(path, *args, **kwargs):
        if str(path).startswith(str(stick)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only)
    db = store.db.path
    store.close()
    code = cli_main(["--db", str(db), "export-workbooks", "--period", "2026-Q2", "--out", str(stick / "sub")])
    err = capsys.readouterr().err
    assert code == 2
    assert "chỉ cho phép đọc" in err and str(stick / "sub") in err and "gạt khóa ghi" in err
    assert not any(word in err for word in ENGLISH)


class FullAfter:
    """os.write that fails with ENOSPC once `files` temp files have been written (a stick filling up)."""

    def __init__(self, monkeypatch, files: int):
        self.real_open, self.real_write = os.open, os.write
        self.files, self.seen, self.fds = files, [], set()
        monkeypatch.setattr(os, "open", self.open)
        monkeypatch.setattr(os, "write", self.write)

    def open(self, path, flags, *args, **kwargs):
        fd = self.real_open(path, flags, *args, **kwargs)
        if str(path).endswith(".tmp") and flags & os.O_WRONLY:
            if str(path) not in self.seen:
                self.seen.append(str(path))
            if len(self.seen) > self.files:
                self.fds.add(fd)
        return fd

    def write(self, fd, data):
        if fd in self.fds:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.real_write(fd, data)


def test_full_stick_reports_the_workbooks_already_written_file_by_file(store, tmp_path, monkeypatch, capsys):
    plan_id = make_plan(store)
    stick = tmp_path / "usb"
    stick.mkdir()
    FullAfter(monkeypatch, 3)
    with pytest.raises(WorkbookSetError) as info:
        export_workbooks(store, plan_id, "2026-Q2", stick)
    error = info.value
    written = sorted(p.name for p in stick.glob("*.xlsx"))
    assert len(written) == 3 == len(error.written)
    assert sorted(r.path.name for r in error.written) == written
    assert len(error.not_written) == 2 and error.failed not in written
    message = error.message
    for name in written + error.not_written + [error.failed]:
        assert f"«{name}»" in message
    assert "Chỉ ghi được 3/6 tệp" in message and "Không đủ chỗ trống" in message
    assert not any(word in message for word in ENGLISH)
    assert sorted(os.listdir(stick)) == written           # no temp file left behind
    gc.collect()                                           # no ZipFile.__del__ complaint later
    assert "Exception ignored" not in capsys.readouterr().err
    # the three written files are registered as exports (their returns will be matched)
    assert store.db.query_one("SELECT COUNT(*) FROM exchange_export WHERE kind = 'workbook'")[0] == 3


def test_full_stick_via_cli_prints_vietnamese_only(store, tmp_path, monkeypatch, capsys):
    make_plan(store)
    stick = tmp_path / "usb"
    stick.mkdir()
    db = store.db.path
    store.close()
    FullAfter(monkeypatch, 3)
    code = cli_main(["--db", str(db), "export-workbooks", "--period", "2026-Q2", "--out", str(stick)])
    captured = capsys.readouterr()
    assert code == 2
    assert "Chỉ ghi được 3/6 tệp" in captured.err and "Đã ghi xong" in captured.err
    assert not any(word in captured.err + captured.out for word in ENGLISH)


def test_package_on_full_stick_leaves_nothing_and_says_so(store, tmp_path, monkeypatch):
    make_plan(store)
    stick = tmp_path / "usb"
    stick.mkdir()
    FullAfter(monkeypatch, 0)
    with pytest.raises(ExchangeError) as info:
        export_package(store, stick / "xa.cchc")
    assert "Không đủ chỗ trống" in info.value.message and str(stick / "xa.cchc") in info.value.message
    assert os.listdir(stick) == []


def test_stale_temp_files_of_a_killed_export_are_removed_on_the_next_write(store, tmp_path):
    plan_id = make_plan(store)
    stick = tmp_path / "usb"
    stick.mkdir()
    stale = [stick / ".xa.cchc.k2j3h4g5.tmp", stick / ".CapNhat_CCHC_2026-Q2_cong-an-xa.xlsx.a1b2c3d4.tmp"]
    for path in stale:
        path.write_bytes(b"\0" * 200_000)                 # what a killed export leaves (up to the package size)
    keep = [stick / ".ghi-chu.tmp", stick / "ghi-chu.txt", stick / ".xa.cchc.bak"]
    for path in keep:
        path.write_text("của người dùng")
    export_package(store, stick / "xa.cchc")
    assert not stale[0].exists() and not stale[1].exists()
    assert all(path.exists() for path in keep)
    stale[0].write_bytes(b"\0" * 10)
    export_workbooks(store, plan_id, "2026-Q2", stick)
    assert not stale[0].exists()
    assert sorted(p.name for p in stick.glob(".*.tmp")) == [".ghi-chu.tmp"]


def test_reading_from_a_pulled_stick_is_explained_in_vietnamese(store, tmp_path):
    from cchc_desktop.exchange import read_package, read_workbook

    gone = tmp_path / "usb" / "xa.cchc"
    with pytest.raises(ExchangeError) as info:
        read_package(gone)
    assert "Không tìm thấy" in info.value.message and str(gone) in info.value.message
    preview = read_workbook(store, tmp_path / "usb" / "CapNhat.xlsx")
    [issue] = preview.issues
    assert "Không tìm thấy" in issue.message and "No such file" not in issue.message
