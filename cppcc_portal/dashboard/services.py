"""Writes of the dashboard: export jobs (requested, built with progress) and the figure refresh."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cppcc_portal.core import committees
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import PermissionDeniedError
from cppcc_portal.core.roles import can_read_everything
from cppcc_portal.dashboard.choices import ExportKind, ExportState
from cppcc_portal.dashboard.models import ExportJob

logger = logging.getLogger(__name__)


def export_request(*, actor, kind: str = ExportKind.ANNUAL_SUMMARY, year: int) -> ExportJob:
    """Queue an export for a leader or staff member; a worker builds the file."""
    if not can_read_everything(actor):
        raise PermissionDeniedError("only leaders and office staff may export the dashboard")
    job = ExportJob(kind=kind, year=year, requested_by=actor)
    job.full_clean()
    with transaction.atomic():
        job.save()
        record_event(actor=actor, action="dashboard.export_requested", obj=job, changes={"year": year})
        committee_id = committees.in_hand_id()
        transaction.on_commit(lambda: _enqueue(job.pk, committee_id))
    return job


def _enqueue(job_id: int, committee_id: int) -> None:
    from cppcc_portal.dashboard.tasks import build_export

    build_export.delay(job_id, committee_id)


def export_set_progress(*, job: ExportJob, progress: int) -> None:
    """Record how far a running export is, for the progress page (one UPDATE)."""
    ExportJob.objects.filter(pk=job.pk).update(progress=min(max(progress, 0), 100))


def export_build(*, job_id: int) -> ExportJob:
    """Build the file of an export job; a second delivery of the same job does nothing."""
    from cppcc_portal.dashboard.workbook import annual_summary_workbook

    # Claim the job with a conditional update so two workers never build the same file.
    claimed = ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(state=ExportState.RUNNING)
    job = ExportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    try:
        content = annual_summary_workbook(
            job.year, progress=lambda p: export_set_progress(job=job, progress=p)
        )
        job.file.save(f"{job.kind}-{job.year}-{job.pk}.xlsx", ContentFile(content), save=False)
        job.state = ExportState.DONE
        job.progress = 100
    except Exception as exc:  # noqa: BLE001 - the job records any failure for the person waiting on it
        logger.exception("export %s failed", job_id)
        job.state = ExportState.FAILED
        job.error = str(exc)[:300]
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "state", "progress", "error", "finished_at"])
    record_event(actor=None, action="dashboard.export_finished", obj=job, changes={"state": job.state})
    return job
