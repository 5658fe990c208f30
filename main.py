"""CCHC Desktop entry point: the GUI by default, headless subcommands otherwise."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--self-test" in argv:  # packaged smoke test (issue #7): core self-test + offscreen Qt check
        from ui.crash_handler import run_self_test
        return run_self_test(argv)
    from cchc_desktop.cli import main as cli_main

    code = cli_main(argv)
    if code != -1:
        return code
    from cchc_desktop.cli import build_parser

    args = build_parser().parse_args(argv)
    from ui.app import run_gui

    return run_gui(db_path=args.db)


if __name__ == "__main__":
    sys.exit(main())
