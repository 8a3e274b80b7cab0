"""The one way an admin action runs a service on each selected row and reports the refusals.

    run_on_each(self, request, queryset, lambda obj: services.x(obj=obj, actor=request.user),
                lambda n: ngettext("%d done.", "%d done.", n) % n)

With `workflow=` and `action=`, each row is first put to the workflow's table
(`Workflow.require(row, request.user, action)`): a row the table does not allow the action is
refused with the table's own reason, before the service is called.

Each refusal (`DomainError`, or a model `ValidationError`) is reported with the row's name and does
not stop the others; the rows done are counted (with `counts=True` the call returns how many things
it did, e.g. members invited) and `done(total)` is shown once when anything was done or nothing refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError

from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.workflow import Workflow


def refusal_text(exc: DomainError | ValidationError) -> str:
    return exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)


def run_on_each(
    modeladmin,
    request,
    rows: Iterable,
    call: Callable[[Any], Any],
    done: Callable[[int], str] | str,
    *,
    counts: bool = False,
    workflow: Workflow | None = None,
    action: str | None = None,
) -> int:
    """Call `call(row)` for every row; report each refusal by name, then `done`. Returns the total."""
    if (workflow is None) != (action is None):
        raise TypeError("run_on_each takes workflow= and action= together")
    total = 0
    refused = 0
    for row in rows:
        try:
            if workflow is not None:
                workflow.require(row, request.user, action)
            result = call(row)
        except (DomainError, ValidationError) as exc:
            refused += 1
            modeladmin.message_user(request, f"{row}: {refusal_text(exc)}", messages.ERROR)
            continue
        total += int(result) if counts else 1
    if total or not refused:
        text = done(total) if callable(done) else done % {"count": total}
        modeladmin.message_user(request, text, messages.SUCCESS)
    return total
