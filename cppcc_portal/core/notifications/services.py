"""Writing notifications into the outbox, and the changes people make to them.

Delivery (Celery, e-mail, inbox) reads these rows; see delivery.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, Left
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cppcc_portal.core import committees, publishing
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.models import Notification, NotificationState, UserPreference
from cppcc_portal.core.notifications import selectors
from cppcc_portal.core.notifications.channels import header_safe, recipient_language
from cppcc_portal.core.notifications.kinds import get_kind

logger = logging.getLogger(__name__)

Text = str | Callable[[], str]


def _render(text: Text) -> str:
    """A lazy translation or a callable becomes text in the active (the recipient's) language."""
    return str(text() if callable(text) else text)


def notify(
    *,
    recipient,
    kind: str,
    dedupe_key: str,
    title: Text,
    body: Text = "",
    link: str = "",
    about: models.Model | None = None,
    due_at: datetime | None = None,
) -> Notification | None:
    """Queue one notification; returns None when the same dedupe_key was queued before.

    Call it inside the transaction of the change that causes it, so both commit or neither.
    Pass title and body as lazy translations (gettext_lazy, format_lazy) or callables: they are
    rendered in the recipient's language, not the language of whoever caused the notification.
    """
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    with translation.override(recipient_language(recipient)):
        rendered_title = header_safe(_render(title))
        rendered_body = _render(body)
    due_at = due_at or timezone.now()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                committee_id=committees.current_id(),
                dedupe_key=dedupe_key[:200],
                content_type=content_type,
                object_id=str(about.pk) if about is not None else "",
                title=rendered_title[:200],
                body=rendered_body,
                link=link,
                due_at=due_at,
                inbox_at=due_at,
                send_email=_wants_email(recipient, kind),
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(notification.pk, notification.due_at))
    return notification


def cancel_pending(*, about: models.Model, kind_prefix: str = "", release_keys: bool = False) -> int:
    """Cancel the not-yet-sent notifications about an object (it was cancelled or answered).

    With release_keys, the cancelled rows give up their dedupe keys, so the rule that planned them
    can plan them again (used when the object was moved, not when a person cancelled a row).
    """
    content_type = ContentType.objects.get_for_model(about)
    pending = Notification.objects.filter(
        content_type=content_type,
        object_id=str(about.pk),
        state=NotificationState.PENDING,
        kind__startswith=kind_prefix,
    )
    changes: dict = {"state": NotificationState.CANCELLED}
    if release_keys:
        changes["dedupe_key"] = released_key()
    cancelled = pending.update(**changes)
    if cancelled:  # an UPDATE sends no signal: the header's unread counts are counted again
        selectors.UNREAD_BADGE.changed()
    return cancelled


def released_key() -> Left:
    """The dedupe key a cancelled row keeps once it gives its key up ("cancelled:<id>:<key>")."""
    return Left(
        Concat(
            Value("cancelled:"),
            Cast("id", CharField()),
            Value(":"),
            F("dedupe_key"),
            output_field=CharField(),
        ),
        200,
    )


def notifications_retry(*, notification_ids: Iterable[int], actor) -> int:
    """Staff send failed or cancelled notifications again (now, with a fresh attempt count)."""
    count = 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids))
            .filter(state__in=[NotificationState.FAILED, NotificationState.CANCELLED])
        )
        now = timezone.now()
        for row in rows:
            before = row.state
            row.state = NotificationState.PENDING
            row.due_at = now
            row.attempts = 0
            row.claim_token = None
            row.save(update_fields=["state", "due_at", "attempts", "claim_token"])
            record_event(
                actor=actor,
                action="notification.retry",
                obj=row,
                changes={"state": [before, row.state]},
            )
            transaction.on_commit(lambda pk=row.pk: _enqueue(pk, now))
            count += 1
    return count


def notifications_cancel(*, notification_ids: Iterable[int], actor) -> int:
    """Staff stop notifications that have not gone out yet (pending or failed)."""
    count = 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids))
            .filter(state__in=[NotificationState.PENDING, NotificationState.FAILED])
        )
        for row in rows:
            before = row.state
            row.state = NotificationState.CANCELLED
            row.save(update_fields=["state"])
            record_event(
                actor=actor,
                action="notification.cancel",
                obj=row,
                changes={"state": [before, row.state]},
            )
            count += 1
    return count


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """A person marks one notification of their own inbox as read (the first time counts)."""
    # One conditional UPDATE, no row lock: it needs no transaction around it (views run in
    # autocommit), and two clicks at once leave the first read time.
    if selectors.unread_rows(user=user).filter(pk=notification_id).update(read_at=timezone.now()):
        selectors.UNREAD_BADGE.changed()
    notification = selectors.inbox_rows(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise Notification.DoesNotExist
    return notification


def notifications_mark_all_read(*, user) -> int:
    """A person marks everything in their inbox as read."""
    marked = selectors.unread_rows(user=user).update(read_at=timezone.now())
    if marked:
        selectors.UNREAD_BADGE.changed()
    return marked


def preference_set_email_kinds(*, user, email_kinds: Iterable[str]) -> UserPreference:
    """A person chooses which notification kinds also reach them by e-mail."""
    chosen = sorted(set(email_kinds))
    unknown = [code for code in chosen if get_kind(code) is None]
    if unknown:
        raise DomainError(
            _("Unknown notification kind: %(kinds)s") % {"kinds": ", ".join(unknown)},
            code="unknown_kind",
            field="email_kinds",
        )
    with transaction.atomic():
        preference, _created = UserPreference.objects.select_for_update().get_or_create(user=user)
        before = list(preference.email_kinds or [])
        preference.email_kinds = chosen
        preference.full_clean()
        preference.save(update_fields=["email_kinds"])
        if before != chosen:
            record_event(
                actor=user,
                action="preference.email_kinds",
                obj=preference,
                changes={"email_kinds": [before, chosen]},
            )
    return preference


def _wants_email(recipient, kind: str) -> bool:
    if not getattr(recipient, "email", ""):
        return False
    # A missing preference row raises RelatedObjectDoesNotExist, an AttributeError.
    preference = getattr(recipient, "preference", None)
    if preference is None:
        known = get_kind(kind)
        return bool(known and known.email_by_default)
    return kind in (preference.email_kinds or [])


def _enqueue(notification_id: int, due_at: datetime) -> None:
    """Hand the row to Celery, bounded in time (core.publishing); if the broker is down, the
    periodic sweep sends it later."""
    if due_at > timezone.now() + timedelta(seconds=settings.NOTIFICATION_ENQUEUE_HORIZON):
        # Far-off rows wait for the sweep: an ETA beyond Redis's visibility timeout is redelivered.
        return
    from cppcc_portal.core.tasks import deliver_notification

    if not publishing.publish(deliver_notification, args=[notification_id], eta=due_at):
        logger.info("notification %s left for the sweep", notification_id)
