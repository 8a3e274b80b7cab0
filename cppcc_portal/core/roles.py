"""The four roles of the portal, as auth groups, and what each may do.

A user's role is the group they are in. Staff get every permission of the portal's apps and the
admin; leaders read everything (view permissions, admin read-only); members and handling units
get no model permissions: what they see is scoped in the selectors, not granted here.
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

# Group names are what the office sees in the admin, so they are Chinese.
GROUP_NAMES = {
    STAFF: "机关工作人员",
    LEADER: "领导",
    MEMBER: "委员",
    UNIT: "承办单位",
    INFO_OFFICER: "信息员",
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


def ensure_groups() -> dict[str, Group]:
    return {role: Group.objects.get_or_create(name=name)[0] for role, name in GROUP_NAMES.items()}


def sync_role_permissions(**kwargs) -> None:
    """Grant staff everything and leaders view rights on the portal's apps (idempotent)."""
    groups = ensure_groups()
    portal_perms = Permission.objects.filter(content_type__app_label__in=PORTAL_APPS)
    groups[STAFF].permissions.set(portal_perms)
    groups[LEADER].permissions.set(portal_perms.filter(codename__startswith="view_"))


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
