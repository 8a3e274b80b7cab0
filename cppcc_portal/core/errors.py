"""Domain errors: raised by services, shown to users as a message, mapped to 400 by the API."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action; `code` is stable, `message` is for people."""

    code = "domain_error"

    def __init__(
        self, message: str, *, code: str | None = None, field: str | None = None, conflict: bool | None = None
    ):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        # The API answers 409 when the object's current state refuses the request, 400 when the
        # input is wrong. By default a rule about a field is about the input; `conflict=True`
        # marks a field rule that depends on the object's state (a date after its current due date).
        self.conflict = (field is None) if conflict is None else conflict
        if code:
            self.code = code


class TransitionError(DomainError):
    """A workflow step that is not allowed from the current state."""

    code = "illegal_transition"


class NotFoundError(DomainError):
    """The request names an object that does not exist (or that the user may not see)."""

    code = "not_found"


class PermissionDeniedError(DomainError):
    """The acting user may not do this to this object."""

    code = "permission_denied"
