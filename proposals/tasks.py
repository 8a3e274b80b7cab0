"""Celery tasks of proposals: thin, idempotent, calling one service."""

from celery import shared_task

from proposals import services


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def close_expired_cosigning() -> int:
    """Close co-signing on proposals whose deadline has passed (safe to run twice)."""
    return services.close_expired_cosigning()
