"""Large spreadsheet imports run by a Celery worker, not inside a web request.

A roster of ten thousand rows takes longer to check than a web worker may hold a request, so
above IMPORT_BACKGROUND_ROWS the admin saves the file as an ImportJob and a worker runs it: first
a preview (a dry run, nothing saved), then, once staff confirm, the import itself, all or nothing
as in the admin. The job page shows a progress bar while it runs (rows done, kept in the cache
because the import's own transaction hides its writes) and the counts and row errors after.
"""

from __future__ import annotations

import tablib
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import TransitionError
from members.choices import ImportJobState as S
from members.models import ImportJob

# Which resource a job runs, by the name stored on the job.
RESOURCES = {
    "members.member": "members.resources.MemberResource",
    "members.participation": "members.resources.AttendanceResource",
}
PROGRESS_EVERY = 50
# Row errors kept on a job for its page: enough to fix a file, not a copy of a broken one.
KEPT_ERRORS = 500


def _progress_key(job_id: int) -> str:
    return f"members:import-job:{job_id}:rows"


def import_job_progress(job: ImportJob) -> int:
    """Rows processed so far by the running job (0 when unknown)."""
    if job.state in (S.PREVIEWED, S.DONE):
        return job.total_rows
    return int(cache.get(_progress_key(job.pk)) or 0)


def import_job_create(*, resource: str, upload, file_format: str, rows: int, actor) -> ImportJob:
    """Keep an uploaded file as a job and queue its preview."""
    if resource not in RESOURCES:
        raise ValueError(f"unknown import resource {resource!r}")
    upload.seek(0)
    job = ImportJob(
        resource=resource,
        original_name=upload.name.rsplit("/", 1)[-1][:255],
        file_format=file_format,
        total_rows=rows,
        created_by=actor,
    )
    job.file.save(job.original_name, upload, save=False)
    job.save()
    record_event(actor=actor, action="import_job.created", obj=job, note=job.original_name)
    _queue(job)
    return job


def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """Import a previewed file that had no errors (the worker runs it again, for real)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != S.PREVIEWED or job.result.get("errors"):
            raise TransitionError(_("Only a preview without errors can be imported."))
        job.state, job.dry_run, job.result, job.finished_at = S.QUEUED, False, {}, None
        job.save(update_fields=["state", "dry_run", "result", "finished_at"])
        record_event(actor=actor, action="import_job.confirmed", obj=job)
    _queue(job)
    return job


def _queue(job: ImportJob) -> None:
    from members.tasks import run_import_job

    cache.delete(_progress_key(job.pk))
    committee_id = job.tenant_id
    transaction.on_commit(lambda: run_import_job.delay(job.pk, committee_id))


def _resource(job: ImportJob):
    from django.utils.module_loading import import_string

    resource = import_string(RESOURCES[job.resource])()
    key = _progress_key(job.pk)
    counter = {"rows": 0}

    def tick():
        counter["rows"] += 1
        if counter["rows"] % PROGRESS_EVERY == 0:
            cache.set(key, counter["rows"], 3600)

    resource.on_row_imported = tick
    return resource


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued job (preview or import); a job already run is left alone (a redelivery)."""
    from members.resources import import_with_rules, row_errors

    claimed = ImportJob.objects.filter(pk=job_id, state=S.QUEUED).update(state=S.RUNNING)
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        dataset = tablib.Dataset().load(
            data if job.file_format == "xlsx" else data.decode("utf-8-sig"), format=job.file_format
        )
        result = import_with_rules(_resource(job), dataset, actor=job.created_by, dry_run=job.dry_run)
        errors = row_errors(result)
        totals = {kind: count for kind, count in result.totals.items() if count}
        job.result = {"totals": totals, "errors": errors[:KEPT_ERRORS], "error_count": len(errors)}
        job.total_rows = len(dataset)
        job.state = S.PREVIEWED if job.dry_run else (S.FAILED if errors else S.DONE)
    except Exception as exc:  # noqa: BLE001 - a broken file ends the job with its reason, never silently
        job.result = {"errors": [{"row": 0, "field": "", "message": str(exc)[:500]}], "error_count": 1}
        job.state = S.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "total_rows", "state", "finished_at"])
    cache.delete(_progress_key(job.pk))
    record_event(actor=job.created_by, action=f"import_job.{job.state}", obj=job)
    return job


def needs_background(rows: int) -> bool:
    return rows > settings.IMPORT_BACKGROUND_ROWS
