"""The roles of the portal, as auth groups, and what each may do.

A user's role is the group they are in, or, for a person seated in several committees, the roles
their seat in the committee in hand carries (``groups_in_hand``; docs/architecture.md, Committees).
Staff get every permission of the portal's apps and the admin; leaders read everything (view permissions, admin read-only); members and handling units
get no model permissions: what they see is scoped in the selectors, not granted here.

The three separated administrators (三员分立, 等保 2.0) each get the admin for their own job and
nothing of the business data: the system administrator manages accounts and scheduled settings, the
security administrator roles (a committee seat's too), two-factor resets and lock-outs, the auditor reads and exports the
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
# The role a group stands for, by the group's name (groups of other names are not roles).
ROLE_OF_GROUP = {name: role for role, name in GROUP_NAMES.items()}

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
    # Roles in each committee too: the roles a committee seat carries (core.models.CommitteeSeat).
    SECURITY_ADMIN: [
        ("auth", "view_user"),
        ("auth", "change_user"),
        ("auth", "*group"),
        ("axes", "*"),
        ("core", "*committeeseat"),
    ],
    # The audit trail, read and exported; nothing else.
    AUDITOR: [("core", "view_auditevent"), ("core", "export_auditevent")],
}
# Kept from staff, who otherwise get every permission of the portal's apps.
AUDITOR_ONLY = ("export_auditevent",)


def role_codes(groups) -> set[str]:
    """The role codes of these auth groups (other groups are not roles)."""
    return {ROLE_OF_GROUP[group.name] for group in groups if group.name in ROLE_OF_GROUP}


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


def _load_role_data(user) -> tuple[frozenset[str], dict[int, frozenset[str]]]:
    """(the person's own roles, {committee id: the roles of their seat there}), in one query.

    The own roles are their groups; a seat's are the seat's ``roles`` (empty for a seat without
    roles). One query, as before committees had seats: a UNION of the two.
    """
    from django.db.models import IntegerField, Value

    from cppcc_portal.core.models import CommitteeSeat

    own_rows = Group.objects.filter(user=user).values_list("name", Value(None, output_field=IntegerField()))
    seat_rows = CommitteeSeat.objects.filter(user=user).values_list("roles__name", "committee_id")
    own: set[str] = set()
    seats: dict[int, set[str]] = {}
    for name, committee_id in own_rows.union(seat_rows, all=True):
        if committee_id is None:
            if name in ROLE_OF_GROUP:
                own.add(ROLE_OF_GROUP[name])
        else:
            seats.setdefault(committee_id, set())
            if name in ROLE_OF_GROUP:
                seats[committee_id].add(ROLE_OF_GROUP[name])
    return frozenset(own), {pk: frozenset(found) for pk, found in seats.items()}


def role_data(user) -> tuple[frozenset[str], dict[int, frozenset[str]]]:
    # Independent of the committee in hand, so the user row of a session carries it (auth_backends).
    data = getattr(user, "_portal_role_data", None)
    if data is None:
        data = user._portal_role_data = access_cache.for_user(user, "roles", lambda: _load_role_data(user))
    return data


def _committee_in_hand_id() -> int:
    from cppcc_portal.core.committees import current_id

    return current_id()


def groups_in_hand(user) -> frozenset[str] | None:
    """The roles that apply to a person in the committee in hand; None: their own groups, all of them.

    A person without seats, or with a seat here that names no roles, has their own groups (a
    single-committee installation works as it always did). A seat with roles gives exactly those
    here. A person seated elsewhere but not here keeps only the separated administrators' roles,
    which are installation-wide (三员分立) wherever a person works.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    own, seats = role_data(user)
    if not seats:
        return None
    seat = seats.get(_committee_in_hand_id())
    if seat is None:
        return own & frozenset(ADMINISTRATORS)
    if not seat:
        return None
    return seat | (own & frozenset(ADMINISTRATORS))


def user_roles(user) -> set[str]:
    """The role codes of a user in the committee in hand (``groups_in_hand``), read once per request.

    The roles come from the access cache and travel with the user row of a session; what applies
    in each committee is worked out once per user object and committee.
    """
    if not getattr(user, "is_authenticated", False):
        return set()
    own, seats = role_data(user)
    committee_id = _committee_in_hand_id() if seats else None
    known = getattr(user, "_portal_roles", None)
    if known is None or known[0] != committee_id:
        applying = groups_in_hand(user)
        found = set(own if applying is None else applying)
        if user.is_superuser:
            found.add(STAFF)
        known = user._portal_roles = (committee_id, found)
    return known[1]


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
    """Active accounts with a role in the committee in hand: the one query for "the office staff" or
    "the leaders" (``groups_in_hand``: their own group, or their seat's roles here)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

    from cppcc_portal.core.models import CommitteeSeat

    User = get_user_model()
    name = GROUP_NAMES[role]
    in_group = Q(groups__name=name)
    if role not in ADMINISTRATORS:
        here = _committee_in_hand_id()
        seats = CommitteeSeat.objects.filter(user=OuterRef("pk"))
        seat_here = seats.filter(committee_id=here)
        in_group = (
            (in_group & ~Exists(seats))
            | Exists(seat_here.filter(roles__name=name))
            | (in_group & Exists(seat_here.filter(roles__isnull=True)))
        )
    return User.objects.filter(in_group, is_active=True).select_related("preference").distinct()


ADMIN_USERS = (STAFF, LEADER, *ADMINISTRATORS)


def may_use_admin(user) -> bool:
    """Whether the admin lets this person in, in the committee in hand (the admin site asks this).

    Django's rule (an active account with ``is_staff``), and, where a seat decides the person's roles,
    a role that uses the admin there: the office of a district is a member only in the city.
    """
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    if user.is_superuser or groups_in_hand(user) is None:
        return True
    return bool(user_roles(user) & set(ADMIN_USERS))


def is_leader(user) -> bool:
    return has_role(user, LEADER)


def can_read_everything(user) -> bool:
    """Staff and leaders see every record; everyone else is scoped to their own."""
    return has_role(user, STAFF, LEADER)


def is_administrator_only(user) -> bool:
    """A separated administrator (and no business role): reaches only the admin and their account."""
    found = user_roles(user)
    return bool(found & set(ADMINISTRATORS)) and not found & {STAFF, LEADER} and not user.is_superuser
