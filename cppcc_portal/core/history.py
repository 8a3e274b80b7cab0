"""An object's audit history, readable by staff and leaders: who changed what, when, from where."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import render

from cppcc_portal.core import roles
from cppcc_portal.core.models import AuditEvent


def audit_events_for(*, content_type: ContentType, object_id: str):
    """The audit rows of one object, newest first, with their actors."""
    return (
        AuditEvent.objects.filter(content_type=content_type, object_id=object_id)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def _changes(event: AuditEvent, model_class=None) -> list[tuple[str, object, object]]:
    """The event's before -> after pairs as rows a template can print.

    Fields are named by their verbose names and coded values by their labels ("已提交", not
    "submitted"), in the reader's language; an empty side stays None and prints as "—"."""
    rows = []
    for name, values in (event.changes or {}).items():
        field = _field(model_class, name)
        label = str(field.verbose_name) if field is not None else name
        if isinstance(values, (list, tuple)) and len(values) == 2:
            rows.append((label, _value(field, values[0]), _value(field, values[1])))
        else:
            rows.append((label, "", _value(field, values)))
    return rows


def _field(model_class, name: str):
    if model_class is None:
        return None
    try:
        return model_class._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _value(field, value):
    if value is None or value == "" or field is None or not getattr(field, "flatchoices", None):
        return None if value == "" else value
    return dict(field.flatchoices).get(value, value)


@login_required
def history(request, app_label: str, model: str, pk: str):
    """List the audit events recorded for one object (staff and leaders only)."""
    if not roles.can_read_everything(request.user):
        raise PermissionDenied
    if any("\x00" in part for part in (app_label, model, pk)) or len(pk) > 64:
        raise Http404  # PostgreSQL cannot even compare text holding a NUL; no object has such a key
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        raise Http404 from None
    model_class = content_type.model_class()
    if model_class is None:
        raise Http404
    events = list(audit_events_for(content_type=content_type, object_id=pk))
    subject = model_class._default_manager.filter(pk=pk).first() if str(pk).isdigit() else None
    if subject is None and not events:
        raise Http404
    admin_url = None
    if subject is not None and roles.may_use_admin(request.user):
        from django.urls import NoReverseMatch, reverse

        try:
            admin_url = reverse(f"admin:{app_label}_{model}_change", args=[subject.pk])
        except NoReverseMatch:
            admin_url = None
    rows = [(event, _changes(event, model_class)) for event in events]
    context = {
        "subject": subject,
        "subject_repr": str(subject) if subject is not None else events[0].object_repr,
        "model_name": model_class._meta.verbose_name,
        "rows": rows,
        "admin_url": admin_url,
    }
    return render(request, "core/history.html", context)
