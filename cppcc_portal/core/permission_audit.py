"""Permission changes and exports go to the audit trail (等保 2.0 安全审计).

- Who is in which role (group), which permissions a person or a role holds, and an account's
  superuser, staff and active flags: every change made in a request (the admin, any page or API
  call) is one audit row naming what was added and removed, and who did it. Commands record their
  own (add_account: account.created with its role); the grants core.roles applies at `migrate` are
  the code's own, versioned in git.
- Every spreadsheet or CSV a person downloads (the admin's exports, the statistics pages, the
  dashboard's workbooks, the audit trail's own export) is one audit row: who, which page, which file.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_save, pre_save

from cppcc_portal.core.audit import record_event
from cppcc_portal.core.request_context import current_user

_syncing: ContextVar[bool] = ContextVar("syncing_roles", default=False)
FLAGS = ("is_superuser", "is_staff", "is_active")
EXPORT_TYPES = (
    "text/csv",
    "text/tab-separated-values",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
)


class syncing_role_grants:  # noqa: N801 - used as a context manager, like a function
    """core.roles applies the code's grants: not a person's change, not recorded."""

    def __enter__(self):
        self._token = _syncing.set(True)

    def __exit__(self, *exc):
        _syncing.reset(self._token)


def _in_request() -> bool:
    # RequestContextMiddleware sets the user (anonymous or not) for the length of each request.
    return current_user() is not None


def _actor():
    user = current_user()
    return user if getattr(user, "is_authenticated", False) else None


def _names(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    return sorted(str(obj) for obj in model.objects.filter(pk__in=pks))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if _syncing.get() or not _in_request() or action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        pk_set = set(_related_of(sender, instance, model).values_list("pk", flat=True))
    if not pk_set:
        return
    change = "removed" if action in ("post_remove", "pre_clear") else "added"
    what = {
        get_user_model().groups.through: "roles",
        get_user_model().user_permissions.through: "permissions",
        Group.permissions.through: "permissions",
    }.get(sender, "permissions")
    # One row per changed object: the account (or role) whose rights changed.
    targets = [instance] if not reverse else list(model.objects.filter(pk__in=pk_set))
    names = _names(model, pk_set) if not reverse else [str(instance)]
    for target in targets:
        record_event(actor=_actor(), action="permission.changed", obj=target, changes={what: {change: names}})


def _related_of(sender, instance, model):
    """What `instance` is linked to before a clear() (the rows about to be removed)."""
    for field in instance._meta.many_to_many:
        if field.remote_field.through is sender:
            return getattr(instance, field.name).all()
    for rel in instance._meta.related_objects:
        if rel.many_to_many and rel.through is sender:
            return getattr(instance, rel.get_accessor_name()).all()
    return model.objects.none()


def _user_flags_before(sender, instance, update_fields=None, **kwargs) -> None:
    if (
        not _in_request()
        or instance.pk is None
        or (update_fields is not None and not set(update_fields) & set(FLAGS))
    ):
        instance._audit_flags_before = None
        return
    instance._audit_flags_before = sender.objects.filter(pk=instance.pk).values(*FLAGS).first()


def _user_flags_after(sender, instance, created, **kwargs) -> None:
    before = getattr(instance, "_audit_flags_before", None)
    if created or not before:
        return
    changes = {f: [before[f], getattr(instance, f)] for f in FLAGS if before[f] != getattr(instance, f)}
    if changes:
        record_event(actor=_actor(), action="permission.changed", obj=instance, changes=changes)


def record_export(request, response) -> None:
    """A spreadsheet or CSV went to a person: who, from which page, which file."""
    disposition = response.get("Content-Disposition", "")
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if "attachment" not in disposition or content_type not in EXPORT_TYPES:
        return
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return
    record_event(
        actor=user,
        action="export",
        obj=user,
        changes={"path": request.get_full_path()[:500], "file": disposition[:300], "type": content_type},
        note=request.path,
    )


class ExportAuditMiddleware:
    """Records every spreadsheet or CSV download (record_export), whichever view made it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 200:
            record_export(request, response)
        return response


def connect() -> None:
    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            _m2m_changed, sender=through, dispatch_uid=f"core.permission_audit.{through.__name__}"
        )
    pre_save.connect(_user_flags_before, sender=User, dispatch_uid="core.permission_audit.flags_before")
    post_save.connect(_user_flags_after, sender=User, dispatch_uid="core.permission_audit.flags_after")
