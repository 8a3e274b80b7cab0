"""Writing notifications into the outbox. Delivery (Celery, e-mail, inbox) reads these rows."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from cppcc_portal.core.models import Notification, NotificationState


def notify(
    *,
    recipient,
    kind: str,
    dedupe_key: str,
    title: str,
    body: str = "",
    link: str = "",
    about: models.Model | None = None,
    due_at: datetime | None = None,
) -> Notification | None:
    """Queue one notification; returns None when the same dedupe_key was queued before.

    Call it inside the transaction of the change that causes it, so both commit or neither.
    """
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                dedupe_key=dedupe_key[:200],
                content_type=content_type,
                object_id=str(about.pk) if about is not None else "",
                title=title[:200],
                body=body,
                link=link,
                due_at=due_at or timezone.now(),
                send_email=_wants_email(recipient, kind),
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(notification.pk, notification.due_at))
    return notification


def cancel_pending(*, about: models.Model, kind_prefix: str = "") -> int:
    """Cancel the not-yet-sent notifications about an object (it was cancelled or answered)."""
    content_type = ContentType.objects.get_for_model(about)
    pending = Notification.objects.filter(
        content_type=content_type,
        object_id=str(about.pk),
        state=NotificationState.PENDING,
        kind__startswith=kind_prefix,
    )
    return pending.update(state=NotificationState.CANCELLED)


def _wants_email(recipient, kind: str) -> bool:
    if not getattr(recipient, "email", ""):
        return False
    preference = getattr(recipient, "preference", None)
    return preference is not None and kind in (preference.email_kinds or [])


def _enqueue(notification_id: int, due_at: datetime) -> None:
    """Hand the row to Celery; if the broker is down, the periodic sweep sends it later."""
    try:
        from cppcc_portal.core.tasks import deliver_notification

        deliver_notification.apply_async(args=[notification_id], eta=due_at, retry=False)
    except Exception:  # noqa: BLE001 - a broker outage must never break the user's request
        import logging

        logging.getLogger(__name__).warning(
            "broker unavailable; notification %s left for the sweep", notification_id
        )
