"""Delivering notifications: claim rows, send on each channel, mark each row sent as it goes.

The inbox does not depend on any of this: a row is in its recipient's inbox from its inbox_at
(exactly once). E-mail is delivered at least once; see docs/reliability.md for the guarantees.

The claim is a conditional UPDATE (pending → sending, or a stale sending row taken over) that
stamps a fresh claim token; only the holder of the current token can mark the row sent or failed.
A worker that dies after claiming leaves the row in `sending`; once the claim is older than
NOTIFICATION_CLAIM_TIMEOUT (longer than any delivering task may run) the sweep claims it again.
Each external channel that completed is recorded in NotificationDelivery right after it sent,
so a redone row skips it: only the instant between a mail server accepting a message and that
insert can, if the process dies exactly then, lead to a second e-mail, which carries the same
Message-ID as the first (mail clients and servers recognise it as the same message).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from cppcc_portal.core.models import Notification, NotificationDelivery, NotificationState
from cppcc_portal.core.notifications.channels import Channel, active_channels

logger = logging.getLogger(__name__)


@dataclass
class DeliveryResult:
    """What one delivery pass did, in counts (and when the earliest retry is due)."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    retry_at: datetime | None = None
    sent_ids: list[int] = field(default_factory=list)

    def add(self, other: DeliveryResult) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.sent_ids += other.sent_ids
        if other.retry_at and (self.retry_at is None or other.retry_at < self.retry_at):
            self.retry_at = other.retry_at


def _pending_due(now: datetime, grace: timedelta = timedelta(0)) -> Q:
    return Q(state=NotificationState.PENDING, due_at__lte=now - grace)


def _stale_claim(now: datetime) -> Q:
    """Stuck in sending longer than any delivering task may live: its worker is dead."""
    return Q(
        state=NotificationState.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT),
    )


def _claim_values(now: datetime, token: uuid.UUID) -> dict:
    return {
        "state": NotificationState.SENDING,
        "claimed_at": now,
        "claim_token": token,
        "attempts": F("attempts") + 1,
    }


def claim(notification_id: int, *, now: datetime | None = None) -> uuid.UUID | None:
    """Claim one row for delivery; returns the claim token, or None if it is not ours to send."""
    now = now or timezone.now()
    token = uuid.uuid4()
    won = (
        Notification.objects.filter(_pending_due(now) | _stale_claim(now), pk=notification_id)
        .order_by()
        .update(**_claim_values(now, token))
    )
    return token if won else None


def claim_batch(*, limit: int, now: datetime | None = None, grace: timedelta = timedelta(0)) -> uuid.UUID:
    """Claim up to `limit` due rows: SELECT … FOR UPDATE SKIP LOCKED, then UPDATE those rows.

    Two sweeps running at once skip each other's locked rows instead of waiting or claiming the
    same ones. Not one UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED): PostgreSQL
    may rescan that subquery while the UPDATE runs, skip the rows the statement has just changed
    and so claim more than n (seen in the suite: 3 rows for a batch of 2). The UPDATE repeats the
    due condition, so on SQLite (no row locks; Django drops FOR UPDATE) a row another sweep
    claimed between the two statements is not claimed again. Pending rows are claimed first (the
    state+due index serves them in order); only a batch left short also looks for stale claims,
    so the usual batch never scans the rows already sent.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    claimed = 0
    for condition in (_pending_due(now, grace), _stale_claim(now)):
        if claimed >= limit:
            break
        due = Notification.objects.filter(condition).order_by("due_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        with transaction.atomic():
            rows = list(due.values_list("pk", flat=True)[: limit - claimed])
            if rows:
                claimed += (
                    Notification.objects.filter(condition, pk__in=rows)
                    .order_by()
                    .update(**_claim_values(now, token))
                )
    return token


def deliver_claimed(token: uuid.UUID) -> DeliveryResult:
    """Send every row held under this claim token on each channel, marking each one as it goes.

    A row that went out on an external channel is recorded and marked sent right after its send,
    so a worker killed in the middle of a batch leaves at most the one row it was sending in doubt
    (the mail server accepted it but the mark did not land): that e-mail may go a second time,
    with the same Message-ID. Rows with no external channel are marked together at the end.
    The inbox does not wait for any of this (it shows a row from its inbox_at).
    """
    result = DeliveryResult()
    rows = list(
        Notification.objects.filter(claim_token=token, state=NotificationState.SENDING)
        .select_related("recipient", "recipient__preference")
        .order_by("id")
    )
    result.claimed = len(rows)
    if not rows:
        return result
    done = set(
        NotificationDelivery.objects.filter(notification__in=[row.pk for row in rows]).values_list(
            "notification_id", "channel"
        )
    )
    channels = active_channels()
    opened: list[Channel] = []
    quiet_ids: list[int] = []
    sent_ids: list[int] = []
    try:
        for row in rows:
            if row.attempts > settings.NOTIFICATION_MAX_ATTEMPTS:
                # Claimed again and again by workers that died with it: stop before it kills more.
                _give_back(row, token, RuntimeError("worker lost while delivering"), transient=False)
                result.failed += 1
                continue
            try:
                went_out = False
                for channel in channels:
                    if not channel.applies(row) or (row.pk, channel.name) in done:
                        continue
                    if channel not in opened:
                        channel.open()
                        opened.append(channel)
                    channel.send(row)
                    if channel.records_delivery:
                        _record_delivery(row, channel)
                        went_out = True
                if went_out:
                    result.sent += _mark_sent([row.pk], token)
                    sent_ids.append(row.pk)
                else:
                    quiet_ids.append(row.pk)
            except SoftTimeLimitExceeded:
                # Out of time: what went out is marked; the rest stays claimed for the sweep.
                result.sent += _mark_sent(quiet_ids, token)
                raise
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop the batch
                transient = isinstance(exc, _transient_errors(channels))
                retry_at = _give_back(row, token, exc, transient=transient)
                if retry_at is None:
                    result.failed += 1
                else:
                    result.retrying += 1
                    if result.retry_at is None or retry_at < result.retry_at:
                        result.retry_at = retry_at
    finally:
        for channel in opened:
            channel.close()
    result.sent += _mark_sent(quiet_ids, token)
    result.sent_ids = sent_ids + quiet_ids
    return result


def _mark_sent(ids: list[int], token: uuid.UUID) -> int:
    """Only the current claim holder can complete its rows (a taken-over claim changes the token)."""
    if not ids:
        return 0
    return (
        Notification.objects.filter(pk__in=ids, claim_token=token, state=NotificationState.SENDING)
        .order_by()
        .update(state=NotificationState.SENT, sent_at=timezone.now(), last_error="")
    )


def _transient_errors(channels: list[Channel]) -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = ()
    for channel in channels:
        errors += channel.transient_errors
    return errors


def _record_delivery(row: Notification, channel: Channel) -> None:
    # ON CONFLICT DO NOTHING: if another claim holder recorded it first, the message went out once
    # already; one statement, no savepoint, because this runs once per e-mail.
    NotificationDelivery.objects.bulk_create(
        [NotificationDelivery(notification_id=row.pk, channel=channel.name)], ignore_conflicts=True
    )


def _give_back(row: Notification, token: uuid.UUID, exc: Exception, *, transient: bool) -> datetime | None:
    """After a failure: back to pending with a later due time, or failed after the last attempt."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    mine = Notification.objects.filter(pk=row.pk, claim_token=token, state=NotificationState.SENDING)
    if transient and row.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
        retry_at = timezone.now() + backoff(row.attempts)
        mine.update(state=NotificationState.PENDING, due_at=retry_at, last_error=error)
        logger.warning("notification %s: %s; retrying at %s", row.pk, error, retry_at)
        return retry_at
    mine.update(state=NotificationState.FAILED, last_error=error)
    logger.error("notification %s failed after %s attempts: %s", row.pk, row.attempts, error)
    return None


def backoff(attempts: int) -> timedelta:
    """Exponential backoff: the base delay after the first attempt, doubling after each one."""
    return timedelta(seconds=settings.NOTIFICATION_RETRY_BASE * 2 ** max(attempts - 1, 0))


def deliver(notification_id: int) -> DeliveryResult:
    """Deliver one notification if it is due and nobody else holds it."""
    token = claim(notification_id)
    if token is None:
        return DeliveryResult()
    return deliver_claimed(token)


def sweep(
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    grace: timedelta = timedelta(0),
    time_budget: float | None = None,
) -> DeliveryResult:
    """Deliver everything due (and take over rows of dead workers), batch after batch.

    `grace` leaves just-due rows to the task that was enqueued for them; `time_budget` (seconds)
    stops between batches so a periodic sweep ends well before its time limit.
    """
    batch_size = batch_size or settings.NOTIFICATION_SWEEP_BATCH
    started = timezone.now()
    total = DeliveryResult()
    while True:
        token = claim_batch(limit=batch_size, now=now, grace=grace)
        result = deliver_claimed(token)
        total.add(result)
        if result.claimed < batch_size:
            break
        if time_budget is not None and (timezone.now() - started).total_seconds() > time_budget:
            break
    return total
