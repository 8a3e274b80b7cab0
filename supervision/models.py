"""Democratic supervision: topics, groups, supervisor appointments, recommendations, rectification."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cppcc_portal.core.committees import CommitteeOwned, scoped_manager, tenant_field, unique_per_committee
from cppcc_portal.core.models import TransitionEvent
from supervision.choices import (
    FINISHED_ITEM_STATUSES,
    SUPERVISION_ACTIVITY_KINDS,
    AppointmentStatus,
    ItemStatus,
    RecommendationState,
    ReviewVerdict,
    SourceKind,
    SupervisorPost,
    TopicKind,
    TopicSource,
)


class SupervisionTopic(CommitteeOwned, models.Model):
    """监督议题: a matter the committee monitors in a year, approved by the standing committee."""

    tenant = tenant_field()
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=TopicKind.choices, default=TopicKind.REGULAR)
    source = models.CharField(_("source"), max_length=32, choices=TopicSource.choices)
    description = models.TextField(_("description"), blank=True)
    item = models.ForeignKey(
        "workplan.Item",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_topics",
        verbose_name=_("work-plan item served"),
    )
    is_approved = models.BooleanField(_("approved by the standing committee"), default=False)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_note = models.CharField(_("approval note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("supervision topic")
        verbose_name_plural = _("supervision topics")
        ordering = ["-year", "kind", "id"]
        constraints = [
            unique_per_committee("year", "title", name="supervision_topic_unique_title"),
            models.CheckConstraint(
                condition=models.Q(is_approved=False) | models.Q(approved_on__isnull=False),
                name="supervision_topic_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TopicSourceLink(models.Model):
    """A proposal, report or document a topic came from (a generic link: no import of that app)."""

    topic = models.ForeignKey(
        SupervisionTopic, on_delete=models.CASCADE, related_name="source_links", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices, default=SourceKind.OTHER)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("record type")
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True, help_text=_("e.g. 2017-015"))
    title = models.CharField(_("title"), max_length=200)

    objects = scoped_manager(through="topic__tenant")

    class Meta:
        verbose_name = _("topic source")
        verbose_name_plural = _("topic sources")
        ordering = ["topic", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    def clean(self) -> None:
        if self.object_id and not self.content_type_id:
            raise ValidationError({"content_type": _("Choose the type of the linked record.")})


class SupervisionGroup(CommitteeOwned, models.Model):
    """监督小组: members who supervise some departments on some topics, under a leader."""

    tenant = tenant_field()
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    leader = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="led_supervision_groups",
        verbose_name=_("group leader"),
    )
    members = models.ManyToManyField(
        "members.Member",
        blank=True,
        related_name="supervision_groups",
        verbose_name=pgettext_lazy("supervision group", "members"),
    )
    units = models.ManyToManyField(
        "members.HandlingUnit",
        blank=True,
        related_name="supervision_groups",
        verbose_name=_("departments supervised"),
    )
    topics = models.ManyToManyField(
        SupervisionTopic, blank=True, related_name="groups", verbose_name=_("topics")
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Seen only by the group, the office and the leaders.")
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["-year", "name"]
        constraints = [unique_per_committee("year", "name", name="supervision_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class GroupActivity(models.Model):
    """Links a members.Activity (inspection, hearing, survey) to the group and topic it served."""

    group = models.ForeignKey(
        SupervisionGroup,
        on_delete=models.CASCADE,
        related_name="group_activities",
        verbose_name=pgettext_lazy("supervision", "group"),
    )
    topic = models.ForeignKey(
        SupervisionTopic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_activities",
        verbose_name=_("topic"),
    )
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.CASCADE,
        related_name="supervision_links",
        verbose_name=_("activity"),
    )

    objects = scoped_manager(through="group__tenant")

    class Meta:
        verbose_name = _("supervision activity")
        verbose_name_plural = _("supervision activities")
        ordering = ["-activity__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "activity"], name="supervision_group_activity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.activity}"

    def clean(self) -> None:
        if self.activity_id and self.activity.kind not in SUPERVISION_ACTIVITY_KINDS:
            raise ValidationError(
                {"activity": _("Only inspections, hearings and surveys count as supervision activities.")}
            )


class SupervisorAppointment(models.Model):
    """党风廉政监督员 / 特邀监察员: a member recommended to an outside supervisory post."""

    tenant = tenant_field()
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="supervisor_appointments",
        verbose_name=_("member"),
    )
    post = models.CharField(_("post"), max_length=32, choices=SupervisorPost.choices)
    organisation = models.CharField(_("appointing organisation"), max_length=200)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.RECOMMENDED
    )
    recommended_on = models.DateField(_("recommended on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("supervisor appointment")
        verbose_name_plural = _("supervisor appointments")
        ordering = ["-recommended_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True)
                | models.Q(term_start__isnull=True)
                | models.Q(term_end__gte=models.F("term_start")),
                name="supervisor_appointment_term_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_post_display()}"

    def clean(self) -> None:
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The term cannot end before it starts.")})
        if self.status == AppointmentStatus.APPOINTED and not self.term_start:
            raise ValidationError({"term_start": _("An appointment needs the start of its term.")})


class SupervisorReport(models.Model):
    """A report a supervisor files on their outside supervisory work."""

    appointment = models.ForeignKey(
        SupervisorAppointment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("appointment")
    )
    filed_on = models.DateField(_("filed on"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    objects = scoped_manager(through="appointment__tenant")

    class Meta:
        verbose_name = _("supervisor report")
        verbose_name_plural = _("supervisor reports")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    """监督意见: what a group sends a department on a topic, followed until it is rectified."""

    group = models.ForeignKey(
        SupervisionGroup,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=pgettext_lazy("supervision", "group"),
    )
    topic = models.ForeignKey(
        SupervisionTopic, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("topic")
    )
    unit = models.ForeignKey(
        "members.HandlingUnit",
        on_delete=models.PROTECT,
        related_name="supervision_recommendations",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(pgettext_lazy("supervision", "recommendation"))
    due_on = models.DateField(_("answer due on"), db_index=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=RecommendationState.choices,
        default=RecommendationState.DRAFT,
        db_index=True,
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    answer = models.TextField(_("department's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager(through="topic__tenant")

    class Meta:
        verbose_name = _("supervision recommendation")
        verbose_name_plural = _("supervision recommendations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "state"], name="sup_rec_unit_state_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.group_id and self.topic_id and self.group.year != self.topic.year:
            raise ValidationError({"topic": _("The topic belongs to another year than the group.")})


class RecommendationEvent(TransitionEvent):
    """One step of a recommendation's workflow: who moved it from which state to which, and why."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=pgettext_lazy("supervision", "recommendation"),
    )
    from_state = models.CharField(_("from"), max_length=16, choices=RecommendationState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=RecommendationState.choices)

    objects = scoped_manager(through="recommendation__topic__tenant")

    class Meta(TransitionEvent.Meta):
        verbose_name = _("recommendation event")
        verbose_name_plural = _("recommendation events")


class RectificationItem(models.Model):
    """整改事项: one thing the department undertakes to fix, with an owner, a due date and progress."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=pgettext_lazy("supervision", "recommendation"),
    )
    description = models.CharField(_("what will be rectified"), max_length=300)
    owner = models.CharField(_("responsible person"), max_length=64)
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    not_feasible_reason = models.TextField(_("why it is not feasible"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = scoped_manager(through="recommendation__topic__tenant")

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="sup_item_percent_max_100"),
            models.CheckConstraint(
                condition=~models.Q(status=ItemStatus.NOT_FEASIBLE) | ~models.Q(not_feasible_reason=""),
                name="sup_item_not_feasible_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_ITEM_STATUSES

    def clean(self) -> None:
        if self.status == ItemStatus.NOT_FEASIBLE and not self.not_feasible_reason.strip():
            raise ValidationError(
                {"not_feasible_reason": _("Say why the item cannot be done before accepting it as such.")}
            )


class ProgressNote(models.Model):
    """A progress report on a rectification item: what was done and how far it has come."""

    item = models.ForeignKey(
        RectificationItem,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("rectification item"),
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("note"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    objects = scoped_manager(through="item__recommendation__topic__tenant")

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.item} · {self.percent}%"


class FollowUpReview(models.Model):
    """回头看: the group's follow-up check of a department's rectification, with a verdict."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=pgettext_lazy("supervision", "recommendation"),
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=ReviewVerdict.choices)
    note = models.TextField(_("findings"), blank=True)
    reviewed_on = models.DateField(pgettext_lazy("supervision", "reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    objects = scoped_manager(through="recommendation__topic__tenant")

    class Meta:
        verbose_name = _("follow-up review")
        verbose_name_plural = _("follow-up reviews")
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.recommendation} · {self.get_verdict_display()}"
