"""No network access anywhere: a full self-test (database, import, PDF, backup/restore, Qt dialogs) runs
with socket.socket / create_connection / getaddrinfo replaced by functions that fail the test."""
from __future__ import annotations

import io
import socket

import pytest

from cchc_desktop import self_test


@pytest.fixture
def forbid_sockets(monkeypatch):
    calls = []

    def boom(name):
        def _fail(*args, **kwargs):
            calls.append(name)
            pytest.fail(f"network access attempted: socket.{name}{args[:2]!r}")
        return _fail

    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            calls.append("socket")
            pytest.fail(f"network access attempted: socket.socket{args[:2]!r}")

    monkeypatch.setattr(socket, "socket", NoSocket)
    for name in ("create_connection", "getaddrinfo", "socketpair", "create_server"):
        monkeypatch.setattr(socket, name, boom(name))
    return calls


def test_full_self_test_opens_no_socket(forbid_sockets):
    from ui.crash_handler import qt_smoke_check

    out = io.StringIO()
    code = self_test.run([("Qt offscreen", qt_smoke_check)], stream=out)
    text = out.getvalue()
    assert code == 0, text
    assert "PASSED" in text and "OK   network: no socket opened" in text
    assert forbid_sockets == []


def test_self_test_guard_catches_a_socket():
    """The guard inside the self-test (used by the frozen build) really detects an attempt."""
    out = io.StringIO()

    def sneaky():
        socket.create_connection(("example.org", 80), timeout=0.01)
        return "connected?"

    assert self_test.run([("sneaky", sneaky)], stream=out) == 1
    assert "FAIL network: 1 socket attempt(s)" in out.getvalue()
    assert socket.create_connection.__module__ == "socket"  # restored afterwards


def test_main_self_test_entry_point(capsys, tmp_path):
    import main

    report = tmp_path / "report.txt"
    assert main.main(["--self-test", "--self-test-report", str(report)]) == 0
    assert "PASSED" in capsys.readouterr().out
    assert "OK   render appendix PDF" in report.read_text(encoding="utf-8")
