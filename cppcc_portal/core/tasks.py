"""Celery tasks of the core: notification delivery, the periodic sweep, the reminder rules.

Tasks are thin: they take ids or names and call one service. acks_late plus the claim in the
database make a redelivered message harmless.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from cppcc_portal.core import audit_chain, backup_service
from cppcc_portal.core.models import Committee
from cppcc_portal.core.notifications import delivery, rules

logger = logging.getLogger(__name__)

# A delivering task is killed at its hard limit, so a claim older than NOTIFICATION_CLAIM_TIMEOUT
# (which must stay above these limits) can only belong to a dead worker.
DELIVER_TIME_LIMIT = 60
SWEEP_TIME_LIMIT = 300


@shared_task(
    bind=True, acks_late=True, time_limit=DELIVER_TIME_LIMIT, soft_time_limit=DELIVER_TIME_LIMIT - 10
)
def deliver_notification(self, notification_id: int) -> int:
    """Send one notification; on a transient error retry when its backoff has passed."""
    result = delivery.deliver(notification_id)
    if result.retry_at is not None:
        # The row is already back in pending with this due time: if this retry message is lost,
        # the sweep still sends it.
        raise self.retry(eta=result.retry_at, max_retries=settings.NOTIFICATION_MAX_ATTEMPTS)
    return result.sent


@shared_task(acks_late=True, time_limit=SWEEP_TIME_LIMIT, soft_time_limit=SWEEP_TIME_LIMIT - 30)
def sweep_due_notifications() -> dict:
    """Deliver what is due and nobody took, and take over rows of workers that died."""
    grace = timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE)
    result = delivery.sweep(grace=grace, time_budget=SWEEP_TIME_LIMIT / 2)
    return {"sent": result.sent, "retrying": result.retrying, "failed": result.failed}


@shared_task(acks_late=True, time_limit=SWEEP_TIME_LIMIT, soft_time_limit=SWEEP_TIME_LIMIT - 30)
def run_reminder_rule(rule_name: str, committee_id: int | None = None) -> int:
    """Run one reminder rule (scheduled by beat) for one committee's beat entry; creating nothing
    twice is the rule's job. Without a committee (a task queued by the release before schedules
    were per committee) it plans for every committee in turn."""
    if committee_id is None:
        return rules.run_rule(rule_name)
    committee = Committee.objects.filter(pk=committee_id).first()
    if committee is None:
        logger.warning(
            "reminder rule %s: committee %s no longer exists; nothing to plan", rule_name, committee_id
        )
        return 0
    return rules.run_rule(rule_name, committee=committee)


@shared_task(acks_late=True, time_limit=SWEEP_TIME_LIMIT, soft_time_limit=SWEEP_TIME_LIMIT - 30)
def seal_audit_events() -> int:
    """Seal audit rows that sealing after their commit missed (bulk writes, a crash in between)."""
    return audit_chain.seal_pending()


# A backup may take long; it is acknowledged at once (not acks_late) so that a slow one is never
# handed to a second worker when the broker's visibility timeout passes. A lost run is made up by
# the next day's.
BACKUP_TIME_LIMIT = 4 * 3600


@shared_task(acks_late=False, time_limit=BACKUP_TIME_LIMIT, soft_time_limit=BACKUP_TIME_LIMIT - 300)
def make_backup() -> str:
    """The scheduled backup (beat, daily): nothing unless BACKUP_ENABLED."""
    if not settings.BACKUP_ENABLED:
        return "backups are switched off (BACKUP_ENABLED)"
    return backup_service.make_backup(trigger="beat").path.name
