"""Admin side of background imports: a large file becomes an ImportJob with its own page.

The import form is the usual django-import-export one; when the file has more rows than
IMPORT_BACKGROUND_ROWS the request only saves it and queues the preview, then redirects to the
job page (progress bar, refreshing itself until the worker is done; then counts, row errors and,
for a clean preview, the button that imports it).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cppcc_portal.core.errors import DomainError
from members import import_jobs
from members.choices import ImportJobState
from members.models import ImportJob

# django-import-export's outcome kinds, as the page names them.
OUTCOMES = {
    "new": gettext_lazy("new"),
    "update": gettext_lazy("update"),
    "skip": gettext_lazy("skip"),
}


class BackgroundImportMixin:
    """For an ImportExportModelAdmin whose LimitedImportForm counted the file's rows."""

    def _import_resource_name(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "import/jobs/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{info[0]}_{info[1]}_import_job",
            ),
            *super().get_urls(),
        ]

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if (
                form.is_valid()
                and form.row_count is not None
                and import_jobs.needs_background(form.row_count)
            ):
                job = import_jobs.import_job_create(
                    resource=self._import_resource_name(),
                    upload=form.cleaned_data["import_file"],
                    file_format=form.extension,
                    rows=form.row_count,
                    actor=request.user,
                )
                return HttpResponseRedirect(self._job_url(job))
        return super().import_action(request, **kwargs)

    def _job_url(self, job: ImportJob) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse(f"admin:{info[0]}_{info[1]}_import_job", args=[job.pk])

    def import_job_view(self, request, job_id: int):
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=job_id, resource=self._import_resource_name())
        if request.method == "POST":
            try:
                import_jobs.import_job_confirm(job=job, actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            return HttpResponseRedirect(self._job_url(job))
        running = job.state in (ImportJobState.QUEUED, ImportJobState.RUNNING)
        done = import_jobs.import_job_progress(job)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import of %(file)s") % {"file": job.original_name},
            "job": job,
            "outcomes": [
                (OUTCOMES.get(kind, kind), count) for kind, count in job.result.get("totals", {}).items()
            ],
            "running": running,
            "done_rows": done,
            "percent": int(100 * done / job.total_rows) if job.total_rows else 0,
            "can_confirm": job.state == ImportJobState.PREVIEWED and not job.result.get("errors"),
            "changelist_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"
            ),
        }
        return TemplateResponse(request, "admin/members/import_job.html", context)
