from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    ANNUAL_SUMMARY = "annual_summary", _("annual work summary (Excel)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
