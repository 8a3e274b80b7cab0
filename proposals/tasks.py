"""Celery tasks of proposals: thin, idempotent, calling one service."""

from celery import shared_task

from cppcc_portal.core import committees
from proposals import services


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def close_expired_cosigning() -> int:
    """Close co-signing on every committee's proposals whose deadline has passed (safe to run twice)."""
    return sum(services.close_expired_cosigning() for _committee in committees.each_committee())


@shared_task(
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def index_for_similarity(kind: str, object_id: int, committee_id: int) -> bool:
    """Rewrite one proposal's or report's similarity entry after a committed change (idempotent)."""
    from proposals import similarity

    indexer = similarity.INDEXERS.get(kind)
    if indexer is None:
        return False
    with committees.working_for(committee_id):
        return indexer(object_id)
