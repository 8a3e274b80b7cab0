"""Social-conditions reports (社情民意信息), their bulletins, the leaders' instructions and the reports' events."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from cppcc_portal.core.committees import CommitteeOwned, scoped_manager, tenant_field, unique_per_committee
from cppcc_portal.core.models import TransitionEvent
from proposals.choices import (
    AdoptionLevel,
    BulletinState,
    ReportAuthorKind,
    ReportState,
)

USER = settings.AUTH_USER_MODEL


class OpinionReport(models.Model):
    """社情民意信息: a short report of one matter of public opinion, edited and maybe adopted."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "year"), db_index=True)
    title = models.CharField(pgettext_lazy("proposals", "title"), max_length=200)
    situation = models.TextField(pgettext_lazy("proposals", "situation"))
    analysis = models.TextField(pgettext_lazy("proposals", "analysis"), blank=True)
    suggestion = models.TextField(pgettext_lazy("proposals", "suggestion"), blank=True)
    author_kind = models.CharField(
        pgettext_lazy("proposals", "author kind"),
        max_length=16,
        choices=ReportAuthorKind.choices,
        default=ReportAuthorKind.MEMBER,
    )
    author_member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_reports",
        verbose_name=pgettext_lazy("proposals", "author (member)"),
    )
    party = models.ForeignKey(
        "members.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "party"),
    )
    sector = models.ForeignKey(
        "members.Sector",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "sector"),
    )
    submitted_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "submitted by"),
    )
    state = models.CharField(
        pgettext_lazy("proposals", "state"),
        max_length=16,
        choices=ReportState.choices,
        default=ReportState.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(pgettext_lazy("proposals", "submitted at"), auto_now_add=True)
    adoption_level = models.CharField(
        pgettext_lazy("proposals", "adoption level"), max_length=16, choices=AdoptionLevel.choices, blank=True
    )
    adopted_on = models.DateField(pgettext_lazy("proposals", "adopted on"), null=True, blank=True)
    editor_note = models.TextField(pgettext_lazy("proposals", "editor's note"), blank=True)
    bulletin = models.ForeignKey(
        "BulletinIssue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=pgettext_lazy("proposals", "bulletin issue"),
    )
    items = models.ManyToManyField(
        "workplan.Item",
        blank=True,
        related_name="opinion_reports",
        verbose_name=pgettext_lazy("proposals", "work-plan items served"),
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = pgettext_lazy("proposals", "social-conditions report")
        verbose_name_plural = pgettext_lazy("proposals", "social-conditions reports")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["year", "state"], name="report_year_state_idx"),
            # The admin list and the report pages read the newest first.
            models.Index(fields=["-submitted_at", "-id"], name="report_submitted_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def text_length(self) -> int:
        return len(self.situation) + len(self.analysis) + len(self.suggestion)


class BulletinIssue(CommitteeOwned, models.Model):
    """《社情民意》第 N 期: a bulletin issue grouping adopted reports."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "year"))
    number = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "issue number"))
    title = models.CharField(pgettext_lazy("proposals", "title"), max_length=200, blank=True)
    state = models.CharField(
        pgettext_lazy("proposals", "state"),
        max_length=16,
        choices=BulletinState.choices,
        default=BulletinState.DRAFT,
    )
    published_on = models.DateField(pgettext_lazy("proposals", "published on"), null=True, blank=True)
    editor = models.CharField(pgettext_lazy("proposals", "editor"), max_length=64, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = pgettext_lazy("proposals", "bulletin issue")
        verbose_name_plural = pgettext_lazy("proposals", "bulletin issues")
        ordering = ["-year", "-number"]
        constraints = [unique_per_committee("year", "number", name="bulletin_number_unique")]

    def __str__(self) -> str:
        return pgettext_lazy("proposals", "Social conditions, %(year)s issue %(number)s") % {
            "year": self.year,
            "number": self.number,
        }


class Instruction(models.Model):
    """批示: a leader's written instruction on a report, fed back to its author."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="instructions")
    leader_name = models.CharField(pgettext_lazy("proposals", "leader"), max_length=64)
    level = models.CharField(
        pgettext_lazy("proposals", "level"), max_length=16, choices=AdoptionLevel.choices
    )
    text = models.TextField(pgettext_lazy("proposals", "instruction"))
    instructed_on = models.DateField(pgettext_lazy("proposals", "instructed on"))
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "recorded by"),
    )

    objects = scoped_manager(through="report__tenant")

    class Meta:
        verbose_name = pgettext_lazy("proposals", "leader's instruction")
        verbose_name_plural = pgettext_lazy("proposals", "leaders' instructions")
        ordering = ["instructed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.leader_name}: {self.text[:30]}"


class ReportEvent(TransitionEvent):
    """One step of a report's history (actor, from, to, note, time)."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(pgettext_lazy("proposals", "action"), max_length=32)
    from_state = models.CharField(
        pgettext_lazy("proposals", "from"), max_length=16, choices=ReportState.choices
    )
    to_state = models.CharField(pgettext_lazy("proposals", "to"), max_length=16, choices=ReportState.choices)

    objects = scoped_manager(through="report__tenant")

    class Meta(TransitionEvent.Meta):
        verbose_name = pgettext_lazy("proposals", "report event")
        verbose_name_plural = pgettext_lazy("proposals", "report events")

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state} → {self.to_state}"
