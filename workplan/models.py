"""The annual work plan (工作要点): plan, sections, items, and the work that carries them out."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.choices import ItemStatus


class WorkPlan(models.Model):
    """工作要点: the plan the standing committee adopts for one year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adoption_note = models.CharField(_("adoption note"), max_length=300, blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year"]

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

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="section_unique_number")]

    def __str__(self) -> str:
        return self.title


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

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="item_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
