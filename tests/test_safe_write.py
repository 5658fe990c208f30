import errno
import os

import pytest

from cchc_desktop.safe_write import SafeWriteError, atomic_copy, atomic_path, atomic_write_bytes, sha256_file


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    digest = atomic_write_bytes(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert digest == sha256_file(target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_failure_midway_keeps_old_file(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"original")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half writ")
            raise RuntimeError("stick pulled")
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_missing_folder_is_a_vietnamese_error(tmp_path):
    with pytest.raises(SafeWriteError, match="không tồn tại"):
        atomic_write_bytes(tmp_path / "gone" / "x.xlsx", b"x")


@pytest.mark.parametrize("err, words", [(errno.EROFS, "chỉ đọc"), (errno.ENOSPC, "đã đầy")])
def test_read_only_or_full_target_is_a_vietnamese_error(tmp_path, monkeypatch, err, words):
    target = tmp_path / "x.xlsx"
    target.write_bytes(b"keep")

    def refuse(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr("tempfile.mkstemp", refuse)   # (safe_write imports tempfile on first use)
    with pytest.raises(SafeWriteError, match=words):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"keep"


def test_atomic_copy_returns_hash(tmp_path):
    src = tmp_path / "a.pdf"
    src.write_bytes(b"%PDF-1.4 evidence")
    digest = atomic_copy(src, tmp_path / "b.pdf")
    assert digest == sha256_file(src) == sha256_file(tmp_path / "b.pdf")


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_written_files_get_the_usual_mode_not_owner_only(tmp_path):
    """QA2 #12: a file written atomically (sync packages, exports) has the mode of an ordinary new file
    (0o666 less the umask), not mkstemp's -rw-------; a replaced file keeps its mode."""
    from cchc_desktop.safe_write import atomic_write_bytes

    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.cchc", b"data")
        assert (tmp_path / "a.cchc").stat().st_mode & 0o777 == 0o644
        os.umask(0o002)
        atomic_write_bytes(tmp_path / "b.cchc", b"data")
        assert (tmp_path / "b.cchc").stat().st_mode & 0o777 == 0o664
        os.chmod(tmp_path / "a.cchc", 0o600)
        atomic_write_bytes(tmp_path / "a.cchc", b"new")
        assert (tmp_path / "a.cchc").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_replacing_a_file_open_elsewhere_is_named_as_such(tmp_path, monkeypatch, capsys):
    """Saving a report again over the copy the user still has open in Word/Excel/a PDF reader: Windows refuses
    the rename with «access denied» (or a sharing violation). The message names that, not the account's rights,
    and the old file stays as it was; a new file refused the same way is still a matter of rights."""
    import errno

    from cchc_desktop import safe_write
    from cchc_desktop.cli import main
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.store import Store

    real_replace = os.replace

    def refuse(src, dst, *a, **k):
        if str(dst).startswith(str(tmp_path / "out")):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(safe_write.os, "replace", refuse)
    (tmp_path / "out").mkdir()
    old = tmp_path / "out" / "bao-cao.pdf"
    old.write_bytes(b"ban cu")
    with pytest.raises(safe_write.SafeWriteError, match="đang được mở trong chương trình khác") as info:
        safe_write.atomic_write_bytes(old, b"ban moi")
    assert "Word, Excel, trình đọc PDF" in str(info.value) and old.read_bytes() == b"ban cu"
    with pytest.raises(safe_write.SafeWriteError, match="Không có quyền truy cập") as info:
        safe_write.atomic_write_bytes(tmp_path / "out" / "moi.pdf", b"x")
    assert "đang được mở" not in str(info.value)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["bao-cao.pdf"]      # no temporary left
    db = tmp_path / "kh.sqlite3"
    store = Store.open(db)
    create_demo_plan(store)
    store.close()
    capsys.readouterr()
    assert main(["--db", str(db), "report", "periodic", "--period", "2026-Q2", "--out", str(old)]) == 2
    err = capsys.readouterr().err
    assert "đang được mở trong chương trình khác" in err and old.read_bytes() == b"ban cu"


def test_a_writer_failing_on_the_temporary_file_is_named_in_vietnamese(tmp_path):
    """python-docx, openpyxl or reportlab writing the temporary file hit a full disk: the OS error reaches the
    user named («đã đầy»), not as Python's English «[Errno 28] No space left on device»; the old file stays."""
    target = tmp_path / "bao-cao.docx"
    target.write_bytes(b"ban cu")
    with pytest.raises(SafeWriteError) as info:
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"nua chung")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert "đã đầy" in str(info.value) and "No space" not in str(info.value)
    assert target.read_bytes() == b"ban cu" and [p.name for p in tmp_path.iterdir()] == ["bao-cao.docx"]


def test_user_message_names_a_raw_os_error():
    from cchc_desktop.errors import UserError, user_message

    assert user_message(UserError("Đã có lỗi.")) == "Đã có lỗi."
    text = user_message(PermissionError(errno.EACCES, "Permission denied"), "/media/usb/bc.pdf")
    assert "«/media/usb/bc.pdf»" in text and "Permission denied" not in text
