"""The annual work plan (工作要点): plan, sections, items, and the work that carries them out."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cppcc_portal.core.committees import CommitteeOwned, scoped_manager, tenant_field, unique_per_committee
from workplan.choices import ItemStatus, TaskStatus, UpdateKind

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class WorkPlan(CommitteeOwned, models.Model):
    """工作要点: the plan the standing committee adopts for one year."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adoption_note = models.CharField(_("adoption note"), max_length=300, blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    # The sign-off block after the last item, kept as the document states it.
    signatory = models.CharField(_("signed by"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    distribution = models.CharField(_("copies to"), max_length=500, blank=True)
    printing_note = models.CharField(_("printing note"), max_length=200, blank=True)
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=0)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year"]
        constraints = [unique_per_committee("year", name="work_plan_unique_year")]

    def __str__(self) -> str:
        return self.title or str(self.year)


class Section(models.Model):
    """部分: one of the plan's numbered sections (一、二、…)."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("work plan")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=0)

    objects = scoped_manager(through="plan__tenant")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="section_unique_number")]

    def __str__(self) -> str:
        return self.title

    @property
    def numeral(self) -> str:
        """The section number as the document writes it: 一, 二, … 十, 十一."""
        digits = "零一二三四五六七八九"
        if not 0 < self.number < 100:
            return str(self.number)  # no plan has a hundred sections; never fail on one
        tens, units = divmod(self.number, 10)
        if not tens:
            return digits[units]
        return f"{digits[tens] if tens > 1 else ''}十{digits[units] if units else ''}"


class Item(models.Model):
    """条: one numbered item of the plan; numbers run through the whole plan (1–20 in 2017)."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("work plan")
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("full text"), blank=True)
    responsible_bodies = models.CharField(_("responsible bodies"), max_length=300, blank=True)
    responsible_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="workplan_items",
        verbose_name=_("responsible staff"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=0)

    objects = scoped_manager(through="plan__tenant")

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="item_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class TaskQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None) -> TaskQuerySet:
        """Tasks overdue (`overdue_q`)."""
        return self.filter(overdue_q(today=today))


def overdue_q(prefix: str = "", today: datetime.date | None = None) -> Q:
    """Task overdue (任务超期), the one definition: its due date has passed and it is not done (the due
    day itself is still in time); `prefix` reaches tasks through a relation (e.g. "tasks__").
    `Task.is_overdue` says the same of one loaded task."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}due_date__lt": today}) & ~Q(**{f"{prefix}status": TaskStatus.DONE})


class Task(models.Model):
    """任务: one concrete deliverable that carries out an item of the plan."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("item"))
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workplan_tasks",
        verbose_name=_("owner"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    progress = models.DecimalField(
        _("progress (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text=_("Leave empty to derive the percentage from the status."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = scoped_manager(models.Manager.from_queryset(TaskQuerySet), through="item__plan__tenant")

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["item__number", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="task_weight_positive"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="task_progress_percent",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="task_due_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="task_status_due")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": _("The due date cannot be before the start date.")})

    @property
    def is_overdue(self) -> bool:
        """`overdue_q` for one loaded task."""
        return bool(self.due_date and self.due_date < timezone.localdate() and self.status != TaskStatus.DONE)


class ProgressUpdate(models.Model):
    """进展: a dated note (or milestone) on an item, optionally about one of its tasks."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="progress_updates", verbose_name=_("item")
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("task"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UpdateKind.choices, default=UpdateKind.UPDATE)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workplan_updates",
        verbose_name=pgettext_lazy("workplan", "author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager(through="item__plan__tenant")

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note[:40]}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.task_id and self.item_id and self.task.item_id != self.item_id:
            raise ValidationError({"task": _("The task belongs to another item.")})


def attachment_path(instance: ProgressAttachment, filename: str) -> str:
    # The stored name is ours, not the uploader's: the original name is kept in a field.
    return f"workplan/updates/{timezone.now():%Y/%m}/{instance.checksum[:16]}.{instance.file_type}"


class ProgressAttachment(models.Model):
    """附件: a file attached to a progress update, served only through a permission check."""

    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("progress update"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=8)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    checksum = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager(through="update__item__plan__tenant")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
