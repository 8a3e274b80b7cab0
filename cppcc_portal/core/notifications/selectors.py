"""Reads of the notification outbox: a person's inbox, and what staff look at."""

from __future__ import annotations

from django.db.models import QuerySet

from cppcc_portal.core.models import Notification, NotificationState, UserPreference


def inbox_list(*, user) -> QuerySet[Notification]:
    """The notifications delivered to this person (never anyone else's), newest first."""
    return Notification.objects.filter(recipient=user, state=NotificationState.SENT).order_by(
        "-sent_at", "-id"
    )


def unread_count(*, user) -> int:
    return Notification.objects.filter(
        recipient=user, state=NotificationState.SENT, read_at__isnull=True
    ).count()


def preference_for(*, user) -> UserPreference | None:
    return UserPreference.objects.filter(user=user).first()
