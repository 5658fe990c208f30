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
