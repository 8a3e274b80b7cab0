"""The roles of the portal, as auth groups, and what each may do.

A user's role is the group they are in. Staff get every permission of the portal's apps and the
admin; leaders read everything (view permissions, admin read-only); members and handling units
get no model permissions: what they see is scoped in the selectors, not granted here.

The three separated administrators (三员分立, 等保 2.0) each get the admin for their own job and
nothing of the business data: the system administrator manages accounts and scheduled settings, the
security administrator roles, two-factor resets and lock-outs, the auditor reads and exports the
audit trail. None of them may change the audit trail (nobody can: core.models.AuditEvent).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext as _

from cppcc_portal.core import access_cache
from cppcc_portal.core.errors import PermissionDeniedError

STAFF = "staff"
LEADER = "leader"
MEMBER = "member"
UNIT = "unit"
INFO_OFFICER = "info_officer"
SYSTEM_ADMIN = "system_admin"
SECURITY_ADMIN = "security_admin"
AUDITOR = "auditor"
ADMINISTRATORS = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR)

# Group names are what the office sees in the admin, so they are Chinese.
GROUP_NAMES = {
    STAFF: "机关工作人员",
    LEADER: "领导",
    MEMBER: "委员",
    UNIT: "承办单位",
    INFO_OFFICER: "信息员",
    SYSTEM_ADMIN: "系统管理员",
    SECURITY_ADMIN: "安全管理员",
    AUDITOR: "安全审计员",
}
ROLES = tuple(GROUP_NAMES)

PORTAL_APPS = (
    "core",
    "workplan",
    "members",
    "meetings",
    "proposals",
    "supervision",
    "consultations",
    "django_celery_beat",
)


# What each separated administrator is granted: (app_label, codename) pairs, codename "*" for all of
# an app. Nothing of the business apps (workplan … consultations) for any of them.
ADMINISTRATOR_PERMISSIONS = {
    # Accounts (no roles: those are the security administrator's) and the scheduled jobs' settings.
    SYSTEM_ADMIN: [
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "view_user"),
        ("django_celery_beat", "*"),
    ],
    # Roles (groups and who is in them), lock-outs (django-axes) and two-factor resets (core.two_factor).
    SECURITY_ADMIN: [("auth", "view_user"), ("auth", "change_user"), ("auth", "*group"), ("axes", "*")],
    # The audit trail, read and exported; nothing else.
    AUDITOR: [("core", "view_auditevent"), ("core", "export_auditevent")],
}
# Kept from staff, who otherwise get every permission of the portal's apps.
AUDITOR_ONLY = ("export_auditevent",)


def ensure_groups() -> dict[str, Group]:
    return {role: Group.objects.get_or_create(name=name)[0] for role, name in GROUP_NAMES.items()}


def sync_role_permissions(**kwargs) -> None:
    """Grant staff everything and leaders view rights on the portal's apps (idempotent)."""
    from cppcc_portal.core.permission_audit import syncing_role_grants

    with syncing_role_grants():
        _sync_role_permissions()


def _sync_role_permissions() -> None:
    groups = ensure_groups()
    portal_perms = Permission.objects.filter(content_type__app_label__in=PORTAL_APPS)
    groups[STAFF].permissions.set(portal_perms.exclude(codename__in=AUDITOR_ONLY))
    groups[LEADER].permissions.set(portal_perms.filter(codename__startswith="view_"))
    for role, grants in ADMINISTRATOR_PERMISSIONS.items():
        query = Permission.objects.none()
        for app_label, codename in grants:
            if codename == "*":
                query |= Permission.objects.filter(content_type__app_label=app_label)
            elif codename.startswith("*"):
                query |= Permission.objects.filter(
                    content_type__app_label=app_label, codename__endswith=codename[1:]
                )
            else:
                query |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        groups[role].permissions.set(query)


def user_roles(user) -> set[str]:
    """The role codes of a user: from the access cache, then on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        names = {name: role for role, name in GROUP_NAMES.items()}
        cached = set(
            access_cache.for_user(
                user,
                "roles",
                lambda: {names[n] for n in user.groups.values_list("name", flat=True) if n in names},
            )
        )
        if user.is_superuser:
            cached.add(STAFF)
        user._portal_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_user(user) -> bool:
    return has_role(user, STAFF)


def require_staff(actor, *, message=None, system_may: bool = False) -> None:
    """The services' one staff check: anyone but the office's staff is refused (PermissionDeniedError,
    403 in the API). `system_may`: `actor=None` is the system itself (operator commands, demo data)."""
    if system_may and actor is None:
        return
    if not is_staff_user(actor):
        raise PermissionDeniedError(message or _("Only the office may do this."))


def staff_required(view):
    """The views' one staff check: a page or a step for the office; everyone else gets 403."""
    from django.contrib.auth.decorators import login_required
    from django.core.exceptions import PermissionDenied

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_staff_user(request.user):
            raise PermissionDenied(_("Only the office may do this."))
        return view(request, *args, **kwargs)

    return wrapper


def active_users_with_role(role: str):
    """Active accounts in a role's group: the one query for "the office staff" or "the leaders"."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=GROUP_NAMES[role], is_active=True)
        .select_related("preference")
        .distinct()
    )


def is_leader(user) -> bool:
    return has_role(user, LEADER)


def can_read_everything(user) -> bool:
    """Staff and leaders see every record; everyone else is scoped to their own."""
    return has_role(user, STAFF, LEADER)


def is_administrator_only(user) -> bool:
    """A separated administrator (and no business role): reaches only the admin and their account."""
    found = user_roles(user)
    return bool(found & set(ADMINISTRATORS)) and not found & {STAFF, LEADER} and not user.is_superuser
