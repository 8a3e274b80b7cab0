from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    SUSPENDED = "suspended", _("suspended")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    SUSPENDED = "suspended", _("suspended")


# The percentage a status stands for when nobody typed a figure (the office's convention:
# work under way counts as half done; suspended work counts as not done).
STATUS_PERCENT = {
    "not_started": 0,
    "in_progress": 50,
    "done": 100,
    "suspended": 0,
}


class UpdateKind(models.TextChoices):
    UPDATE = "update", _("progress update")
    MILESTONE = "milestone", _("milestone")


class AttachmentType(models.TextChoices):
    """The file types an office attaches to a progress update, by detected content."""

    PDF = "pdf", "PDF"
    JPG = "jpg", "JPEG"
    PNG = "png", "PNG"
    DOCX = "docx", "Word (docx)"
    XLSX = "xlsx", "Excel (xlsx)"
