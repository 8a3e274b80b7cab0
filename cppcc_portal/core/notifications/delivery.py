"""Delivering one notification exactly once: claim the row, send on each channel, mark it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from cppcc_portal.core.models import Notification, NotificationState


def claim(notification_id: int) -> Notification | None:
    """Move a due row from pending to sending; only one caller can win that update."""
    now = timezone.now()
    won = Notification.objects.filter(
        pk=notification_id, state=NotificationState.PENDING, due_at__lte=now
    ).update(state=NotificationState.SENDING, claimed_at=now)
    if not won:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def deliver(notification_id: int) -> bool:
    """Send a claimed notification; the in-app inbox needs nothing beyond state=sent."""
    notification = claim(notification_id)
    if notification is None:
        return False
    if notification.send_email and notification.recipient.email:
        link = notification.link
        if link.startswith("/"):
            link = settings.PORTAL_BASE_URL.rstrip("/") + link
        send_mail(
            notification.title,
            f"{notification.body}\n\n{link}".strip(),
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
        )
    Notification.objects.filter(pk=notification.pk).update(
        state=NotificationState.SENT, sent_at=timezone.now(), attempts=notification.attempts + 1
    )
    return True
