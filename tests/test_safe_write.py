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


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root ignores directory permissions")
def test_read_only_folder_is_a_vietnamese_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(SafeWriteError, match="quyền ghi"):
            atomic_write_bytes(folder / "x.xlsx", b"x")
    finally:
        folder.chmod(0o700)


def test_atomic_copy_returns_hash(tmp_path):
    src = tmp_path / "a.pdf"
    src.write_bytes(b"%PDF-1.4 evidence")
    digest = atomic_copy(src, tmp_path / "b.pdf")
    assert digest == sha256_file(src) == sha256_file(tmp_path / "b.pdf")
