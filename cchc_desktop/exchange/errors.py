"""The one error type of the exchange: every refusal carries a Vietnamese message for the user."""
from __future__ import annotations

from ..errors import UserError


class ExchangeError(UserError):
    """A package or workbook that is refused; nothing has been written to the database."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code  # short machine tag: zip_slip, zip_bomb, tampered, schema, corrupt, ...
