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
