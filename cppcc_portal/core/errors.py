"""Domain errors: raised by services, shown to users as a message, mapped to 400 by the API."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action; `code` is stable, `message` is for people."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        if code:
            self.code = code


class TransitionError(DomainError):
    """A workflow step that is not allowed from the current state."""

    code = "illegal_transition"


class PermissionDeniedError(DomainError):
    """The acting user may not do this to this object."""

    code = "permission_denied"
