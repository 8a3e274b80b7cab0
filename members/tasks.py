"""Celery tasks of members: thin, they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from cppcc_portal.core import committees

# A ten-thousand-row roster is checked and written in a few minutes on a small server; the
# limit stops a runaway job, far above that.
IMPORT_TIME_LIMIT = 30 * 60


@shared_task(acks_late=True, time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 60)
def run_import_job(job_id: int, committee_id: int) -> str:
    """Run one queued import job (preview or import), working for the committee that queued it."""
    from members.import_jobs import import_job_run

    with committees.working_for(committee_id):
        return import_job_run(job_id).state
