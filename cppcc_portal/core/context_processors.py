from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cppcc_portal.core import committees, nav, roles, workspace


def _committee(request):
    """The request's committee, still lazy: a page that does not name it reads nothing."""
    committee = getattr(request, "committee", None)
    return committee if committee is not None else SimpleLazyObject(committees.current)


def portal(request):
    user = getattr(request, "user", None)
    user_roles = roles.user_roles(user) if user is not None else set()
    # Reversed once per process (core.nav); the header is built from these, not from {% url %} tags.
    urls = nav.site_urls()
    return {
        "site_urls": urls,
        "main_nav": nav.main_nav(user, user_roles, urls)
        if user is not None and user.is_authenticated
        else [],
        "portal_roles": user_roles,
        "is_office_staff": roles.STAFF in user_roles,
        "is_leader": roles.LEADER in user_roles,
        "is_member": roles.MEMBER in user_roles,
        "is_unit": roles.UNIT in user_roles,
        # Whether the admin lets this person in here (per committee: core.roles.may_use_admin).
        "may_use_admin": user is not None and roles.may_use_admin(user),
        "portal_debug": settings.DEBUG,
        # The committee in hand (core.committees), resolved once per request by CommitteeMiddleware.
        "portal_committee": _committee(request),
        # Whether the header links to the committee chooser: the person has seats in several.
        "portal_committee_choice": SimpleLazyObject(lambda: len(committees.of_request(request)) > 1),
        # For the idle-timeout warning (core.sessions, core/js/idle_timeout.js).
        "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
        "session_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
        "portal_tabs": workspace.portal_tabs() if roles.MEMBER in user_roles else (),
        "unit_tabs": workspace.unit_tabs() if roles.UNIT in user_roles else (),
        # The 长辈版 (core.preferences), read into the session once by UserLanguageMiddleware.
        "elder_mode": bool(getattr(request, "session", {}).get("portal_elder_mode")),
    }


def unread_notifications(request):
    """The unread count in the header (cached per person: notifications.selectors.unread_badge)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from cppcc_portal.core.notifications.selectors import unread_badge

    # Lazy: pages that never show the header read nothing.
    return {"unread_notifications": SimpleLazyObject(lambda: unread_badge(user=user))}
