"""Qt widgets and models over the cchc_desktop core."""
from __future__ import annotations


def _fast_pyside_source_scan() -> bool:
    """PySide6's import hook (shibokensupport.feature, for ``from __feature__ import …``) asks of every module
    imported after Qt whether its source mentions "PySide6" — through ``inspect.getsource`` (linecache,
    tokenize), about 0.15 ms a module, 20–40 ms of each start for this app's ~150 modules (issue 18). Same
    question, same answer, from the file's bytes. PySide's own check stays for anything that is not a plain
    .py file (frozen, built-in, no file); when PySide changes its internals this does nothing."""
    import sys

    import PySide6.QtCore  # noqa: F401 - loads shibokensupport.feature

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "reads_bytes", False):
        return bool(original)

    def mod_uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as handle:
                return b"PySide6" in handle.read()
        except OSError:
            return original(module)

    mod_uses_pyside.reads_bytes = True
    mod_uses_pyside.original = original
    feature._mod_uses_pyside = mod_uses_pyside
    return True


_fast_pyside_source_scan()
