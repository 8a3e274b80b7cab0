"""Reads of the notification outbox: a person's inbox, and what staff look at."""

from __future__ import annotations

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from cppcc_portal.core.caching import CachedValues
from cppcc_portal.core.models import Notification, NotificationState, UserPreference

# The header's unread count is on every page a signed-in person sees; counting it was a query a
# page, about a third of the plan page's time (docs/benchmarks.md). It is kept per person in this
# family, moved on by every save or delete of a notification (signals, connect_signals) and by the
# services whose UPDATEs send none (marking read, cancelling, withdrawing).
UNREAD_BADGE = CachedValues("inbox-badge", ttl=300)
# Past this many the header says "99+".
UNREAD_BADGE_LIMIT = 100


def inbox_rows(*, user) -> QuerySet[Notification]:
    """This person's notifications that are in their inbox (never anyone else's).

    A row is in the inbox from its planned time until it is cancelled, whatever its e-mail is
    doing: pending, retrying, failed or sent by e-mail, it is there exactly once.
    """
    return _not_cancelled(user=user).filter(inbox_at__lte=timezone.now())


def _not_cancelled(*, user) -> QuerySet[Notification]:
    """This person's notifications but the cancelled ones: the inbox, whenever each comes in."""
    return Notification.objects.filter(recipient=user).exclude(state=NotificationState.CANCELLED)


def inbox_list(*, user) -> QuerySet[Notification]:
    """The inbox, newest first."""
    return inbox_rows(user=user).order_by("-inbox_at", "-id")


def unread_rows(*, user) -> QuerySet[Notification]:
    return inbox_rows(user=user).filter(read_at__isnull=True)


def unread_badge(*, user) -> int | str:
    """What the header's badge says: the unread count, "99+" past a hundred.

    A planned notification enters the inbox at its inbox_at without any write, so the cached count
    carries the time the next planned row comes in, and is counted again from then on.
    """
    now = timezone.now()
    count, _next_in = UNREAD_BADGE.cached(
        str(user.pk), lambda: _unread_badge(user, now), fresh=lambda kept: kept[1] is None or now < kept[1]
    )
    return count if count < UNREAD_BADGE_LIMIT else f"{UNREAD_BADGE_LIMIT - 1}+"


def _unread_badge(user, now) -> tuple[int, object]:
    """(unread rows in the inbox now, when the next planned unread row comes in), in one query."""
    found = (
        _not_cancelled(user=user)
        .filter(read_at__isnull=True)
        .aggregate(
            count=Count("pk", filter=Q(inbox_at__lte=now)),
            next_in=Min("inbox_at", filter=Q(inbox_at__gt=now)),
        )
    )
    return found["count"], found["next_in"]


def connect_signals() -> None:
    UNREAD_BADGE.watch(Notification)


def preference_for(*, user) -> UserPreference | None:
    return UserPreference.objects.filter(user=user).first()
