"""CCHC Desktop entry point: the GUI by default, headless subcommands otherwise."""
from __future__ import annotations

import sys


def _gui_only(argv: list[str]) -> str | None:
    """The --db value ("" when absent) when argv is nothing but `[--db PATH]`, else None (the CLI decides)."""
    if not argv:
        return ""
    if len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-"):
        return argv[1]
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > 5:
        return argv[0][5:]
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--self-test" in argv:  # packaged smoke test (issue #7): core self-test + offscreen Qt check
        from ui.crash_handler import run_self_test
        return run_self_test(argv)
    gui_db = _gui_only(argv)
    if gui_db is not None:   # no subcommand: start the window without importing the CLI (issue 18)
        import gc

        gc.disable()   # no cycle collection while starting (an eighth of the start): on again after the first paint
        from ui.app import run_gui
        return run_gui(db_path=gui_db or None)
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
