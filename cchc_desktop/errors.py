"""The two kinds of failure.

``UserError``: an expected refusal the user can act on (bad file, locked database, full disk …); its message is
Vietnamese and is shown as is. Every module's own error class inherits from it. Anything else is a bug: it goes to
the crash handler (logged with its traceback, Vietnamese dialog naming the log file).
"""
from __future__ import annotations


class UserError(Exception):
    """An expected refusal with a Vietnamese message for the user."""
