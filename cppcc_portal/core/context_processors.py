from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cppcc_portal.core import roles, workspace


def portal(request):
    user = getattr(request, "user", None)
    user_roles = roles.user_roles(user) if user is not None else set()
    return {
        "portal_roles": user_roles,
        "is_office_staff": roles.STAFF in user_roles,
        "is_leader": roles.LEADER in user_roles,
        "is_member": roles.MEMBER in user_roles,
        "is_unit": roles.UNIT in user_roles,
        "portal_debug": settings.DEBUG,
        "portal_tabs": workspace.portal_tabs if roles.MEMBER in user_roles else (),
        "unit_tabs": workspace.unit_tabs if roles.UNIT in user_roles else (),
    }


def unread_notifications(request):
    """The unread count in the header: at most one count per page, on a partial index of unread rows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from cppcc_portal.core.models import Notification, NotificationState

    return {
        # Lazy and evaluated once: pages that never show the header pay nothing, others one query.
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(
                recipient=user, state=NotificationState.SENT, read_at__isnull=True
            ).count()
        )
    }
