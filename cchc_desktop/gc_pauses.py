"""Bulk object creation without cyclic-GC passes in the middle of it (issue 18).

Loading a plan, rebuilding its rows or reading an appendix file creates tens of thousands of objects that all stay
alive; every generation-2 pass of the cyclic collector walks all of them again for nothing. Shared by the
appendix index (plan load, filters) and the importers.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def no_gc_pauses():
    """Bulk object creation (loading 20,000 tasks, rebuilding rows, reading a 5,000-row appendix) without
    cyclic-GC passes over the whole plan in the middle of it; the collector runs again afterwards as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
