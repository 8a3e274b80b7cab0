"""Political consultation: the year's topics, their collection, preparation, outcomes and feedback."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consultations.choices import (
    Adoption,
    ConsultationForm,
    FeedbackState,
    InstructionLevel,
    OutcomeKind,
    OutcomeState,
    PlanState,
    ProposalState,
    ProposerKind,
    TaskState,
    TopicSource,
    TopicState,
)
from cppcc_portal.core.committees import CommitteeOwned, scoped_manager, tenant_field, unique_per_committee

USER = settings.AUTH_USER_MODEL


def _user_fk(verbose_name):
    return models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=verbose_name
    )


class ConsultationPlan(CommitteeOwned, models.Model):
    """年度协商计划: the year's list of consultation topics, adopted by the standing committee."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adoption_note = models.CharField(_("adopted at (meeting)"), max_length=200, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("consultation plan")
        verbose_name_plural = _("consultation plans")
        ordering = ["-year"]
        constraints = [
            unique_per_committee("year", name="consultation_plan_unique_year"),
            models.CheckConstraint(
                condition=~models.Q(state=PlanState.ADOPTED) | models.Q(adopted_on__isnull=False),
                name="consultation_plan_adopted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CollectionWindow(models.Model):
    """议题征集: the days in which members, sectors and units may propose topics for a year."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    call_text = models.TextField(_("call for topics"), blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("topic collection window")
        verbose_name_plural = _("topic collection windows")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="consultation_window_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The window cannot close before it opens.")})

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class ConsultationTopic(CommitteeOwned, models.Model):
    """协商议题: one matter consulted on in a year, from its source to the review a year later."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    plan = models.ForeignKey(
        ConsultationPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
        verbose_name=_("consultation plan"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=32, choices=TopicSource.choices)
    form = models.CharField(_("form"), max_length=32, choices=ConsultationForm.choices)
    lead_body = models.CharField(_("lead body"), max_length=100, help_text=_("e.g. 城建环保委员会"))
    responsible_leader = models.CharField(_("responsible leader"), max_length=64, blank=True)
    units = models.ManyToManyField(
        "members.HandlingUnit",
        blank=True,
        related_name="consultation_topics",
        verbose_name=_("departments concerned"),
    )
    planned_month = models.PositiveSmallIntegerField(
        _("planned month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    items = models.ManyToManyField(
        "workplan.Item",
        blank=True,
        related_name="consultation_topics",
        verbose_name=_("work-plan items served"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=TopicState.choices, default=TopicState.DRAFT, db_index=True
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_topics",
        verbose_name=_("consultation meeting"),
    )
    meeting_note = models.TextField(_("consultation meeting and minutes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")
        ordering = ["-year", "planned_month", "id"]
        constraints = [
            unique_per_committee("year", "title", name="consultation_topic_unique_title"),
            models.CheckConstraint(
                condition=models.Q(planned_month__isnull=True)
                | models.Q(planned_month__gte=1, planned_month__lte=12),
                name="consultation_topic_month_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TopicProposal(models.Model):
    """A topic proposed in a collection window, with its reason, screened by the office."""

    window = models.ForeignKey(
        CollectionWindow,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("collection window"),
    )
    title = models.CharField(_("proposed topic"), max_length=200)
    reason = models.TextField(_("reason"))
    proposer_kind = models.CharField(_("proposed by"), max_length=16, choices=ProposerKind.choices)
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_topic_proposals",
        verbose_name=_("member"),
    )
    sector = models.ForeignKey(
        "members.Sector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sector"),
    )
    unit = models.ForeignKey(
        "members.HandlingUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department"),
    )
    committee = models.ForeignKey(
        "members.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("special committee"),
    )
    proposer_name = models.CharField(
        _("proposer's name"), max_length=100, blank=True, help_text=_("For proposals from the public.")
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ProposalState.choices,
        default=ProposalState.SUBMITTED,
        db_index=True,
    )
    topic = models.ForeignKey(
        ConsultationTopic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="origins",
        verbose_name=_("topic it became or was merged into"),
    )
    screening_note = models.CharField(_("screening note"), max_length=300, blank=True)
    submitted_by = _user_fk(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = scoped_manager(through="window__tenant")

    class Meta:
        verbose_name = _("proposed topic")
        verbose_name_plural = _("proposed topics")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def origin(self) -> str:
        """Where the proposal came from, as people name it."""
        named = self.member or self.sector or self.unit or self.committee or self.proposer_name
        kind = self.get_proposer_kind_display()
        return f"{kind}：{named}" if named else kind


class TopicEvent(models.Model):
    """One dated step in a topic's life, for its timeline (proposal to the last feedback)."""

    topic = models.ForeignKey(
        ConsultationTopic, on_delete=models.CASCADE, related_name="events", verbose_name=_("topic")
    )
    action = models.CharField(_("action"), max_length=48)
    summary = models.CharField(_("what happened"), max_length=300)
    occurred_on = models.DateField(_("date"))
    actor = _user_fk(_("by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = scoped_manager(through="topic__tenant")

    class Meta:
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")
        ordering = ["occurred_on", "created_at", "id"]
        indexes = [models.Index(fields=["topic", "occurred_on"], name="consult_event_topic_day_idx")]

    def __str__(self) -> str:
        return self.summary


class WorkingPlan(models.Model):
    """方案: how a topic will be prepared and consulted on."""

    topic = models.OneToOneField(
        ConsultationTopic, on_delete=models.CASCADE, related_name="working_plan", verbose_name=_("topic")
    )
    text = models.TextField(pgettext_lazy("consultations", "work plan"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = scoped_manager(through="topic__tenant")

    class Meta:
        verbose_name = _("work plan (方案)")
        verbose_name_plural = _("work plans (方案)")

    def __str__(self) -> str:
        return str(self.topic)


class ResearchGroup(models.Model):
    """调研组: members who research a topic before the consultation, under a leader."""

    topic = models.ForeignKey(
        ConsultationTopic, on_delete=models.CASCADE, related_name="research_groups", verbose_name=_("topic")
    )
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="led_research_groups",
        verbose_name=_("leader"),
    )
    members = models.ManyToManyField(
        "members.Member", blank=True, related_name="research_groups", verbose_name=_("members")
    )
    activities = models.ManyToManyField(
        "members.Activity", blank=True, related_name="research_groups", verbose_name=_("research activities")
    )

    objects = scoped_manager(through="topic__tenant")

    class Meta:
        verbose_name = _("research group")
        verbose_name_plural = _("research groups")
        ordering = ["topic", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "name"], name="consult_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class ResearchReport(models.Model):
    """调研报告: what a research group found, filed with its files."""

    group = models.ForeignKey(
        ResearchGroup, on_delete=models.CASCADE, related_name="reports", verbose_name=_("research group")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(pgettext_lazy("consultations", "report"))
    filed_on = models.DateField(_("filed on"))
    filed_by = _user_fk(_("filed by"))

    objects = scoped_manager(through="group__topic__tenant")

    class Meta:
        verbose_name = _("research report")
        verbose_name_plural = _("research reports")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ResearchReportFile(models.Model):
    """A file of a research report (the document, annexes, photos)."""

    report = models.ForeignKey(
        ResearchReport, on_delete=models.CASCADE, related_name="files", verbose_name=_("research report")
    )
    file = models.FileField(_("file"), upload_to="consultations/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = scoped_manager(through="report__group__topic__tenant")

    class Meta:
        verbose_name = _("research report file")
        verbose_name_plural = _("research report files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class PreparationTask(models.Model):
    """Who writes or does what for a topic, by when."""

    topic = models.ForeignKey(
        ConsultationTopic, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("topic")
    )
    description = models.CharField(_("what"), max_length=300)
    assignee = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_tasks",
        verbose_name=_("member responsible"),
    )
    assignee_name = models.CharField(
        _("responsible (if not a member)"), max_length=100, blank=True, help_text=_("e.g. 研究室")
    )
    due_on = models.DateField(_("due on"), db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=TaskState.choices, default=TaskState.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = scoped_manager(through="topic__tenant")

    class Meta:
        verbose_name = _("preparation task")
        verbose_name_plural = _("preparation tasks")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assignee__isnull=False) | ~models.Q(assignee_name=""),
                name="consult_task_has_assignee",
            )
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if not self.assignee_id and not self.assignee_name.strip():
            raise ValidationError({"assignee": _("Say who is responsible for the task.")})

    @property
    def responsible(self) -> str:
        return str(self.assignee) if self.assignee_id else self.assignee_name


class Outcome(models.Model):
    """协商成果: the consultation report, 建议案 or 专报 with its numbered recommendations."""

    topic = models.ForeignKey(
        ConsultationTopic, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OutcomeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("text"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=OutcomeState.choices, default=OutcomeState.DRAFT, db_index=True
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    submitted_to = models.CharField(_("submitted to"), max_length=200, blank=True)
    follow_up_on = models.DateField(_("review a year later (回头看) on"), null=True, blank=True)
    follow_up_findings = models.TextField(_("findings of the review a year later"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager(through="topic__tenant")

    class Meta:
        verbose_name = _("consultation outcome")
        verbose_name_plural = _("consultation outcomes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state=OutcomeState.SUBMITTED)
                | (models.Q(submitted_on__isnull=False) & ~models.Q(document_number="")),
                name="consult_outcome_submitted_has_number",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Instruction(models.Model):
    """批示: a leader's written instruction on an outcome."""

    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.CASCADE,
        related_name="instructions",
        verbose_name=pgettext_lazy("consultations", "outcome"),
    )
    leader_name = models.CharField(_("leader"), max_length=100)
    level = models.CharField(_("level"), max_length=32, choices=InstructionLevel.choices)
    text = models.TextField(_("instruction"))
    given_on = models.DateField(_("given on"))

    objects = scoped_manager(through="outcome__topic__tenant")

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"{self.leader_name} · {self.given_on}"


class OutcomeRecommendation(models.Model):
    """One numbered recommendation of an outcome, with the decision on it (采纳 / 部分采纳 / 未采纳)."""

    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=pgettext_lazy("consultations", "outcome"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    adoption = models.CharField(
        _("adoption"), max_length=16, choices=Adoption.choices, default=Adoption.PENDING, db_index=True
    )
    adoption_reason = models.TextField(_("reason"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    objects = scoped_manager(through="outcome__topic__tenant")

    class Meta:
        verbose_name = _("outcome recommendation")
        verbose_name_plural = _("outcome recommendations")
        ordering = ["outcome", "number"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "number"], name="consult_rec_unique_number"),
            models.CheckConstraint(
                condition=~models.Q(adoption__in=[Adoption.PARTLY, Adoption.NOT_ADOPTED])
                | ~models.Q(adoption_reason=""),
                name="consult_rec_not_adopted_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class ImplementationFeedback(models.Model):
    """落实反馈: what a department concerned reports on doing a recommendation, due by a date."""

    recommendation = models.ForeignKey(
        OutcomeRecommendation,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("recommendation"),
    )
    unit = models.ForeignKey(
        "members.HandlingUnit",
        on_delete=models.PROTECT,
        related_name="consultation_feedback",
        verbose_name=_("department"),
    )
    due_on = models.DateField(_("due on"), db_index=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=FeedbackState.choices,
        default=FeedbackState.REQUESTED,
        db_index=True,
    )
    text = models.TextField(_("feedback"), blank=True)
    answered_on = models.DateField(pgettext_lazy("consultations", "answered on"), null=True, blank=True)
    answered_by = _user_fk(_("answered by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    objects = scoped_manager(through="recommendation__outcome__topic__tenant")

    class Meta:
        verbose_name = _("implementation feedback")
        verbose_name_plural = _("implementation feedback")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "unit"], name="consult_feedback_unique_unit"),
            models.CheckConstraint(
                condition=~models.Q(state=FeedbackState.ANSWERED) | ~models.Q(text=""),
                name="consult_feedback_answered_has_text",
            ),
        ]
        indexes = [models.Index(fields=["unit", "state"], name="consult_feedback_unit_idx")]

    def __str__(self) -> str:
        return f"{self.recommendation} · {self.unit}"


class Discussion(models.Model):
    """网络议政: a moderated online discussion of a topic among members, open until a date."""

    topic = models.OneToOneField(
        ConsultationTopic, on_delete=models.CASCADE, related_name="discussion", verbose_name=_("topic")
    )
    prompt = models.TextField(_("question put to members"))
    closes_on = models.DateField(_("closes on"))
    summary = models.TextField(_("summary (taken into the outcome)"), blank=True)

    objects = scoped_manager(through="topic__tenant")

    class Meta:
        verbose_name = _("online deliberation")
        verbose_name_plural = _("online deliberations")

    def __str__(self) -> str:
        return str(self.topic)

    def is_open_on(self, day) -> bool:
        return day <= self.closes_on


class Post(models.Model):
    """A member's post in an online deliberation, or a reply to one; staff may hide it with a reason."""

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="posts", verbose_name=_("discussion")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="consultation_posts",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"))
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("why it was hidden"), max_length=300, blank=True)
    hidden_by = _user_fk(_("hidden by"))
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    objects = scoped_manager(through="discussion__topic__tenant")

    class Meta:
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_hidden=False) | ~models.Q(hidden_reason=""),
                name="consult_post_hidden_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
