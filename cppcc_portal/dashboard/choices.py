from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportKind(models.TextChoices):
    ANNUAL_SUMMARY = "annual_summary", _("annual work summary (Excel)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", pgettext_lazy("export state", "running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
