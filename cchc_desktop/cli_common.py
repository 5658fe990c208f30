"""What every CLI module shares: the Vietnamese argument parser and choosing the plan a command works on."""
from __future__ import annotations

import argparse
from contextlib import contextmanager

from .store import Store, StoreError

# argparse's own messages (Python 3.11 msgids) in Vietnamese; placeholders kept as they are
ARGPARSE_VI = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r (chọn một trong: %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r (cần %(type)s)",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "not allowed with argument %s": "không dùng cùng với tham số %s",
    "ignored explicit argument %r": "tham số %r bị bỏ qua",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn không rõ: %(option)s có thể là %(matches)s",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "can't open '%(filename)s': %(error)s": "không mở được «%(filename)s»: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "lệnh không có: %(parser_name)r (chọn một trong: %(choices)s)",
}


def _vi(message: str) -> str:
    return ARGPARSE_VI.get(message, message)


def _vi_n(singular: str, plural: str, n: int) -> str:
    return _vi(singular if n == 1 else plural)


@contextmanager
def _vietnamese():
    """argparse looks its messages up through its module's ``_``/``ngettext`` when it builds them; they read
    Vietnamese while one of our parsers works (restored after, so other parsers in the process are unchanged)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _vi, _vi_n
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class ViArgumentParser(argparse.ArgumentParser):
    """The CLI's parser: usage, help and errors in Vietnamese (exit code 2 on bad input, as argparse). Every
    sub-parser is one too (argparse makes sub-parsers of the parent's class)."""

    def __init__(self, *args, **kwargs):
        with _vietnamese():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        with _vietnamese():
            return super().add_subparsers(**kwargs)

    def parse_args(self, args=None, namespace=None):
        with _vietnamese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with _vietnamese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with _vietnamese():
            return super().format_usage()

    def format_help(self) -> str:
        with _vietnamese():
            return super().format_help()

    def error(self, message: str):
        with _vietnamese():
            super().error(message)


def integer(text: str) -> int:
    """``type=`` for whole-number options; its name is what argparse's «giá trị không hợp lệ» message says is
    needed («… 'abc' (cần một số nguyên)»), where ``type=int`` would print «int»."""
    return int(text.strip())


integer.__name__ = "một số nguyên"


def pick_plan(store: Store, plan_id: str | None) -> str:
    """The plan whose id starts with ``plan_id``; without it, the first plan (newest year first)."""
    plans = store.list_plans()
    if plan_id:
        matches = [p["id"] for p in plans if p["id"].startswith(plan_id)]
        if len(matches) != 1:
            raise StoreError(f"Không tìm thấy kế hoạch duy nhất có mã bắt đầu bằng «{plan_id}».")
        return matches[0]
    if not plans:
        raise StoreError("Cơ sở dữ liệu chưa có kế hoạch nào. Hãy dùng lệnh «import» trước.")
    return plans[0]["id"]
