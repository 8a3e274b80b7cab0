"""Reads of the notification outbox: a person's inbox, and what staff look at."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from cppcc_portal.core.models import Notification, NotificationState, UserPreference


def inbox_rows(*, user) -> QuerySet[Notification]:
    """This person's notifications that are in their inbox (never anyone else's).

    A row is in the inbox from its planned time until it is cancelled, whatever its e-mail is
    doing: pending, retrying, failed or sent by e-mail, it is there exactly once.
    """
    return Notification.objects.filter(recipient=user, inbox_at__lte=timezone.now()).exclude(
        state=NotificationState.CANCELLED
    )


def inbox_list(*, user) -> QuerySet[Notification]:
    """The inbox, newest first."""
    return inbox_rows(user=user).order_by("-inbox_at", "-id")


def unread_rows(*, user) -> QuerySet[Notification]:
    return inbox_rows(user=user).filter(read_at__isnull=True)


def unread_count(*, user) -> int:
    return unread_rows(user=user).count()


def preference_for(*, user) -> UserPreference | None:
    return UserPreference.objects.filter(user=user).first()
