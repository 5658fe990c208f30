"""Rotating log file in the data folder, and hooks that log every unhandled exception.

`setup_logging()` writes `logs/cchc.log` (1 MB × 5 files, UTF-8) in `paths.logs_dir()`.
`defer_logging()` (the GUI start, issue 18) keeps the records in memory until `setup_logging()` attaches the file
after the first paint (logging.handlers is not imported before); an unhandled exception attaches it at once, and
`attach_deferred(only_when_kept=True)` writes what was kept when the app quits before that.
`install_excepthooks(on_error)` replaces `sys.excepthook` and `threading.excepthook`: the exception
is logged with its traceback, then `on_error(message, log_path)` is called so the UI can show a
Vietnamese dialog (ui/crash_handler.py). The app keeps running: Qt returns to its event loop after
an exception in a slot. Qt-free.
"""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from typing import Callable

from . import APP_NAME, APP_VERSION
from .paths import logs_dir

LOG_FILE_NAME = "cchc.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d:%(threadName)s] %(message)s"

log = logging.getLogger("cchc")
_handler: logging.Handler | None = None
_log_path: Path | None = None
_pending: "_Pending | None" = None
PENDING_CAPACITY = 10_000


class _Pending(logging.Handler):
    """The records logged before the log file is attached (kept in order, at most PENDING_CAPACITY)."""

    def __init__(self, folder: str | Path | None):
        super().__init__()
        self.folder = folder
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < PENDING_CAPACITY:
            self.records.append(record)


def defer_logging(level: int = logging.INFO, folder: str | Path | None = None) -> Path:
    """Log to memory until `setup_logging()` attaches the file (the start does not wait for it). Returns the
    path the file will have. Without effect once the file is attached."""
    global _pending, _log_path
    if _handler is None and _pending is None:
        root = logging.getLogger()
        root.setLevel(level)
        _pending = _Pending(folder)
        root.addHandler(_pending)
        _log_path = Path(folder) / LOG_FILE_NAME if folder else None
    return log_path()


def logging_deferred() -> bool:
    """True while records are kept in memory, waiting for the log file."""
    return _pending is not None


def attach_deferred(only_when_kept: bool = False) -> None:
    """Attach the log file now when logging waits for it (after the first paint). `only_when_kept` (quitting
    before the first paint): only when records wait for it, so an early quit with nothing logged opens no file."""
    if _pending is not None and (_pending.records or not only_when_kept):
        setup_logging(logging.getLogger().level, _pending.folder)


def log_path() -> Path:
    return _log_path or (logs_dir() / LOG_FILE_NAME)


def setup_logging(level: int = logging.INFO, folder: str | Path | None = None) -> Path:
    """Attach the rotating file handler to the root logger (idempotent). Returns the log file path.

    When the folder cannot be written (read-only stick), logging goes to stderr only.
    """
    global _handler, _log_path, _pending
    import logging.handlers   # (~7 ms: not before the GUI's first paint, issue 18)

    root = logging.getLogger()
    root.setLevel(level)
    if folder is None and _pending is not None:
        folder = _pending.folder
    path = Path(folder) / LOG_FILE_NAME if folder else None
    try:
        path = path or logs_dir() / LOG_FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
    except OSError:
        handler = logging.StreamHandler() if sys.stderr is not None else logging.NullHandler()
    handler.setFormatter(logging.Formatter(_FORMAT))
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    _handler, _log_path = handler, path
    if _pending is not None:   # what was logged meanwhile, in order, with its own times
        root.removeHandler(_pending)
        kept, _pending = _pending.records, None
        for record in kept:
            if record.levelno >= handler.level:
                handler.handle(record)
    log.info("%s %s started (python %s, %s)", APP_NAME, APP_VERSION, sys.version.split()[0], sys.platform)
    return path


def shutdown_logging() -> None:
    global _handler, _pending
    if _pending is not None:
        logging.getLogger().removeHandler(_pending)
        _pending = None
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def error_message(exc_type, exc) -> str:
    """The Vietnamese text shown to the user for an unexpected error."""
    detail = f"{exc_type.__name__}: {exc}" if str(exc) else exc_type.__name__
    return ("Đã xảy ra lỗi không mong muốn. Dữ liệu đã lưu không bị ảnh hưởng; thao tác vừa làm có thể "
            f"chưa hoàn tất.\n\nChi tiết: {detail}\n\nNhật ký lỗi: {log_path()}\n"
            "Hãy gửi tệp nhật ký này cho người hỗ trợ kỹ thuật.")


def log_exception(exc_type, exc, tb, where: str = "") -> str:
    """Log an exception with its traceback; returns the user message."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    if _pending is not None:   # a crash while starting: the log file is attached now, with what came before
        try:
            setup_logging(logging.getLogger().level)
        except Exception:  # noqa: BLE001 - never fail while reporting a failure
            pass
    log.error("unhandled exception%s:\n%s", f" in {where}" if where else "", text.rstrip())
    for handler in logging.getLogger().handlers:
        try:
            handler.flush()
        except Exception:  # noqa: BLE001 - never fail while reporting a failure
            pass
    return error_message(exc_type, exc)


def install_excepthooks(on_error: Callable[[str, Path], None] | None = None) -> None:
    """Log unhandled exceptions of the main thread and of worker threads, then call `on_error`."""

    def _report(exc_type, exc, tb, where: str) -> None:
        message = log_exception(exc_type, exc, tb, where)
        if on_error is not None:
            try:
                on_error(message, log_path())
            except Exception:  # noqa: BLE001
                log.exception("error handler failed")
        else:
            print(message, file=sys.stderr)

    def excepthook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        _report(exc_type, exc, tb, "main thread")

    def thread_hook(args):
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        _report(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
