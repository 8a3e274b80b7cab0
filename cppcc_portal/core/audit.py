"""Recording audit events: every service calls record_event for each change it makes."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from cppcc_portal.core import audit_chain
from cppcc_portal.core.models import AuditEvent
from cppcc_portal.core.request_context import current_ip


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The current values of the named fields, for a before/after diff."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: dict | None = None,
    note: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    account: str = "",
) -> AuditEvent:
    """Write one audit row for `obj` (call inside the service's transaction).

    `account` names the account when there is no signed-in actor (a failed login's typed name).
    """
    signed_in = getattr(actor, "is_authenticated", False)
    event = AuditEvent.objects.create(
        actor=actor if signed_in else None,
        account=(actor.get_username() if signed_in else account)[:150],
        action=action,
        outcome=outcome,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk) if obj.pk is not None else "",
        object_repr=str(obj)[:200],
        changes=changes or {},
        note=note,
        ip_address=current_ip(),
    )
    # Sealed into the hash chain once committed (in its own short transaction: core.audit_chain).
    transaction.on_commit(audit_chain.seal_pending)
    return event


def history_for(obj: models.Model):
    """The audit events of one object, newest first."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return AuditEvent.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("actor")
