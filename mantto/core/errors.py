"""Domain errors: raised by service functions, their text is shown to the user."""

from __future__ import annotations


class DomainError(Exception):
    """A workflow step that is not allowed. ``message`` is Spanish and user-facing;
    ``code`` is stable (``MANTTO-AUT-30D``) so APIs and tests can rely on it."""

    def __init__(self, message: str, code: str = "MANTTO-ERROR") -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code

    def __str__(self) -> str:
        return self.message
