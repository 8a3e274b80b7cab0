"""Celery tasks of the core: notification delivery."""

from celery import shared_task

from cppcc_portal.core.notifications.delivery import deliver


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def deliver_notification(notification_id: int) -> bool:
    return deliver(notification_id)
