"""Celery tasks of the dashboard: build an export, refresh the year figures."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cppcc_portal.core import committees
from cppcc_portal.dashboard import figures, services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=570)
def build_export(job_id: int, committee_id: int) -> str:
    """Build one export file of the committee that asked for it (idempotent: a redelivered job is
    already claimed)."""
    with committees.working_for(committee_id):
        return services.export_build(job_id=job_id).state


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def refresh_year_figures(year: int | None = None) -> int:
    """Recompute every committee's summary row of a year (default: this year and last), run every
    few minutes."""
    years = [year] if year else [timezone.localdate().year, timezone.localdate().year - 1]
    for _committee in committees.each_committee():
        for each in years:
            figures.refresh_year_figures(each)
    return len(years)
