"""Summary tables behind the leaders' dashboard, and the exports leaders ask for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.committees import scoped_manager, tenant_field
from cppcc_portal.dashboard.choices import ExportKind, ExportState


class YearFigures(models.Model):
    """年度统计快照: every dashboard figure of one year, computed from the live data.

    Ten years of attendance and proposals are too many rows to aggregate on every page view, so
    the dashboard reads this row: a summary table, not a cache (docs/architecture.md, "Caching"). It
    is marked stale on every write to the data it counts (signals in apps.py), refreshed by a
    periodic task, and recomputed on read when stale (past a minimum age) or too old. Each
    committee has its own row per year, read through the committee in hand (the scope).
    """

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(_("year"))
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    stale = models.BooleanField(_("stale"), default=False)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("year figures")
        verbose_name_plural = _("year figures")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="year_figures_committee_year")]

    def __str__(self) -> str:
        return str(self.year)


class ExportJob(models.Model):
    """导出任务: a long export (annual summary workbook) built by a worker, with its progress."""

    kind = models.CharField(_("kind"), max_length=32, choices=ExportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dashboard_exports",
        verbose_name=_("requested by"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ExportState.choices, default=ExportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_user_created")]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_progress_percent")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    @property
    def is_finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)
