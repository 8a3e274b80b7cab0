"""Proposals (提案) and their handling by units: co-signing, assignment, replies, ratings, attachments, events."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from cppcc_portal.core.committees import CommitteeOwned, scoped_manager, tenant_field, unique_per_committee
from cppcc_portal.core.models import TransitionEvent
from proposals.choices import (
    AssignmentRole,
    ConversionKind,
    CosignState,
    ExcellentState,
    ProposalState,
    ProposerKind,
    ReplyCategory,
    Satisfaction,
)
from proposals.models.reports import OpinionReport

USER = settings.AUTH_USER_MODEL


class ProposalCategory(CommitteeOwned, models.Model):
    """提案分类: a subject category the office edits (经济建设, 城市建设管理 …)."""

    tenant = tenant_field()
    name = models.CharField(pgettext_lazy("proposals", "name"), max_length=64)
    order = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "order"), default=0)
    is_active = models.BooleanField(pgettext_lazy("proposals", "active"), default=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = pgettext_lazy("proposals", "proposal category")
        verbose_name_plural = pgettext_lazy("proposals", "proposal categories")
        ordering = ["order", "name"]
        constraints = [unique_per_committee("name", name="proposal_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class ProposalYearSettings(CommitteeOwned, models.Model):
    """The rules of one year's proposal and report work, edited by the office."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "year"))
    submission_opens_on = models.DateField(
        pgettext_lazy("proposals", "submission opens on"), null=True, blank=True
    )
    submission_closes_on = models.DateField(
        pgettext_lazy("proposals", "submission closes on"), null=True, blank=True
    )
    cosign_deadline = models.DateField(
        pgettext_lazy("proposals", "co-signing deadline"),
        null=True,
        blank=True,
        help_text=pgettext_lazy(
            "proposals", "A fixed date; when empty, each proposal gets the number of days below."
        ),
    )
    cosign_days = models.PositiveSmallIntegerField(
        pgettext_lazy("proposals", "co-signing days after submission"), default=7
    )
    reply_months = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "months to reply"), default=3)
    max_extension_months = models.PositiveSmallIntegerField(
        pgettext_lazy("proposals", "longest extension (months)"), default=6
    )
    return_window_days = models.PositiveSmallIntegerField(
        pgettext_lazy("proposals", "days a unit may return a proposal"), default=10
    )
    countersign_required = models.BooleanField(
        pgettext_lazy("proposals", "assisting units countersign the reply"), default=True
    )
    review_required = models.BooleanField(
        pgettext_lazy("proposals", "the office reviews replies"), default=True
    )
    length_limit = models.PositiveIntegerField(
        pgettext_lazy("proposals", "proposal length limit (characters)"), default=2500
    )
    report_length_limit = models.PositiveIntegerField(
        pgettext_lazy("proposals", "report length limit (characters)"), default=1500
    )
    excellent_quota_percent = models.PositiveSmallIntegerField(
        pgettext_lazy("proposals", "excellent proposals quota (%)"), default=5
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = pgettext_lazy("proposals", "proposal year settings")
        verbose_name_plural = pgettext_lazy("proposals", "proposal year settings")
        ordering = ["-year"]
        constraints = [
            unique_per_committee("year", name="proposal_settings_unique_year"),
            models.CheckConstraint(
                condition=models.Q(excellent_quota_percent__lte=100), name="proposal_settings_quota_le_100"
            ),
        ]

    def __str__(self) -> str:
        return pgettext_lazy("proposals", "Proposal settings %(year)s") % {"year": self.year}


class ProposalCounter(CommitteeOwned, models.Model):
    """The last proposal number given in a year; locked row so numbers have no gap or duplicate."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "year"))
    last_number = models.PositiveIntegerField(pgettext_lazy("proposals", "last number"), default=0)

    objects = scoped_manager()

    class Meta:
        verbose_name = pgettext_lazy("proposals", "proposal counter")
        verbose_name_plural = pgettext_lazy("proposals", "proposal counters")
        constraints = [unique_per_committee("year", name="proposal_counter_unique_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Proposal(CommitteeOwned, models.Model):
    """提案: a formal written proposal by a member or a collective, from draft to the proposer's rating."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "year"), db_index=True)
    title = models.CharField(pgettext_lazy("proposals", "title"), max_length=200)
    reason = models.TextField(pgettext_lazy("proposals", "reason"))
    suggestions = models.TextField(pgettext_lazy("proposals", "suggestions"))
    category = models.ForeignKey(
        ProposalCategory,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=pgettext_lazy("proposals", "category"),
    )
    proposer_kind = models.CharField(
        pgettext_lazy("proposals", "proposer"),
        max_length=16,
        choices=ProposerKind.choices,
        default=ProposerKind.MEMBER,
    )
    submitter = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="proposals_submitted",
        verbose_name=pgettext_lazy("proposals", "lead proposer or submitting member"),
    )
    party = models.ForeignKey(
        "members.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=pgettext_lazy("proposals", "party group"),
    )
    sector = models.ForeignKey(
        "members.Sector",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=pgettext_lazy("proposals", "sector"),
    )
    committee = models.ForeignKey(
        "members.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=pgettext_lazy("proposals", "special committee"),
    )
    state = models.CharField(
        pgettext_lazy("proposals", "state"),
        max_length=24,
        choices=ProposalState.choices,
        default=ProposalState.DRAFT,
        db_index=True,
    )
    number_seq = models.PositiveIntegerField(
        pgettext_lazy("proposals", "sequence number"), null=True, blank=True
    )
    number = models.CharField(pgettext_lazy("proposals", "number"), max_length=16, blank=True, db_index=True)
    submitted_at = models.DateTimeField(pgettext_lazy("proposals", "submitted at"), null=True, blank=True)
    cosign_deadline_on = models.DateField(
        pgettext_lazy("proposals", "co-signing deadline"), null=True, blank=True, db_index=True
    )
    accepted_at = models.DateTimeField(pgettext_lazy("proposals", "accepted at"), null=True, blank=True)
    first_replied_on = models.DateField(pgettext_lazy("proposals", "first replied on"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("proposals", "closed at"), null=True, blank=True)
    rejection_reason = models.TextField(pgettext_lazy("proposals", "reason for rejection"), blank=True)
    conversion_kind = models.CharField(
        pgettext_lazy("proposals", "converted to"), max_length=16, choices=ConversionKind.choices, blank=True
    )
    converted_report = models.ForeignKey(
        OpinionReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="converted_from_proposals",
        verbose_name=pgettext_lazy("proposals", "converted into report"),
    )
    source_report = models.ForeignKey(
        OpinionReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resulting_proposals",
        verbose_name=pgettext_lazy("proposals", "made from report"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_proposals",
        verbose_name=pgettext_lazy("proposals", "merged into"),
    )
    is_key = models.BooleanField(pgettext_lazy("proposals", "key proposal"), default=False)
    key_leader = models.CharField(pgettext_lazy("proposals", "overseeing leader"), max_length=64, blank=True)
    excellent_state = models.CharField(
        pgettext_lazy("proposals", "excellent proposal"),
        max_length=16,
        choices=ExcellentState.choices,
        blank=True,
        default="",
    )
    handling_round = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "handling round"), default=1)
    closing_note = models.TextField(pgettext_lazy("proposals", "closing note"), blank=True)
    items = models.ManyToManyField(
        "workplan.Item",
        blank=True,
        related_name="proposals",
        verbose_name=pgettext_lazy("proposals", "work-plan items served"),
    )
    created_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "created by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("proposals", "created at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("proposals", "updated at"), auto_now=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = pgettext_lazy("proposals", "proposal")
        verbose_name_plural = pgettext_lazy("proposals", "proposals")
        ordering = ["-year", "number_seq", "-created_at"]
        indexes = [models.Index(fields=["year", "state"], name="proposal_year_state_idx")]
        constraints = [
            unique_per_committee("year", "number_seq", name="proposal_number_unique_per_year"),
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(rejection_reason=""),
                name="proposal_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def text_length(self) -> int:
        return len(self.reason) + len(self.suggestions)

    @property
    def proposer_label(self) -> str:
        body = {
            ProposerKind.PARTY: self.party,
            ProposerKind.SECTOR: self.sector,
            ProposerKind.COMMITTEE: self.committee,
        }.get(self.proposer_kind)
        return str(body) if body is not None else str(self.submitter)


class Cosignature(models.Model):
    """联名: a member invited to co-sign a proposal, and their answer."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosignatures")
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="cosignatures",
        verbose_name=pgettext_lazy("proposals", "member"),
    )
    state = models.CharField(
        pgettext_lazy("proposals", "state"),
        max_length=16,
        choices=CosignState.choices,
        default=CosignState.INVITED,
    )
    invited_at = models.DateTimeField(pgettext_lazy("proposals", "invited at"), auto_now_add=True)
    responded_at = models.DateTimeField(pgettext_lazy("proposals", "responded at"), null=True, blank=True)

    objects = scoped_manager(through="proposal__tenant")

    class Meta:
        verbose_name = pgettext_lazy("proposals", "co-signature")
        verbose_name_plural = pgettext_lazy("proposals", "co-signatures")
        ordering = ["invited_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="cosignature_unique")]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.member}"


class Assignment(models.Model):
    """交办: a proposal sent to a handling unit, as lead or assisting unit, with its reply deadline."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "members.HandlingUnit",
        on_delete=models.PROTECT,
        related_name="proposal_assignments",
        verbose_name=pgettext_lazy("proposals", "unit"),
    )
    role = models.CharField(pgettext_lazy("proposals", "role"), max_length=16, choices=AssignmentRole.choices)
    is_current = models.BooleanField(pgettext_lazy("proposals", "current"), default=True)
    assigned_on = models.DateField(pgettext_lazy("proposals", "assigned on"))
    return_deadline_on = models.DateField(pgettext_lazy("proposals", "may be returned until"))
    reply_due_on = models.DateField(pgettext_lazy("proposals", "reply due on"), db_index=True)
    original_due_on = models.DateField(pgettext_lazy("proposals", "original reply due date"))
    extension_reason = models.TextField(pgettext_lazy("proposals", "reason for the extension"), blank=True)
    returned_on = models.DateField(pgettext_lazy("proposals", "returned on"), null=True, blank=True)
    return_reason = models.TextField(pgettext_lazy("proposals", "reason for returning"), blank=True)
    assigned_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "assigned by"),
    )

    # Scoped through the unit, which is always of the proposal's committee (proposal_assign checks):
    # the unit workspace counts a unit's assignments of ten years, and the join to the small unit
    # table replaced a scan of every proposal (docs/benchmarks.md).
    objects = scoped_manager(through="unit__tenant")

    class Meta:
        verbose_name = pgettext_lazy("proposals", "assignment")
        verbose_name_plural = pgettext_lazy("proposals", "assignments")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(is_current=True, role="lead"),
                name="assignment_one_current_lead",
            ),
            models.UniqueConstraint(
                fields=["proposal", "unit"],
                condition=models.Q(is_current=True),
                name="assignment_unit_once_per_round",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "is_current"], name="assignment_unit_current_idx"),
            # The unit workspace pages through its history newest first without sorting all of it.
            models.Index(
                fields=["unit", "-assigned_on", "-proposal"],
                condition=models.Q(is_current=True),
                name="assignment_unit_recent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.unit} ({self.get_role_display()})"


class Reply(models.Model):
    """答复: the lead unit's written answer in one handling round, with its A–D category."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "handling round"), default=1)
    unit = models.ForeignKey(
        "members.HandlingUnit",
        on_delete=models.PROTECT,
        related_name="proposal_replies",
        verbose_name=pgettext_lazy("proposals", "unit"),
    )
    category = models.CharField(
        pgettext_lazy("proposals", "category"), max_length=1, choices=ReplyCategory.choices
    )
    category_by_unit = models.CharField(
        pgettext_lazy("proposals", "category given by the unit"),
        max_length=1,
        choices=ReplyCategory.choices,
        blank=True,
    )
    document_number = models.CharField(pgettext_lazy("proposals", "document number"), max_length=64)
    contact_person = models.CharField(pgettext_lazy("proposals", "contact person"), max_length=64)
    contact_phone = models.CharField(pgettext_lazy("proposals", "contact phone"), max_length=32)
    body = models.TextField(pgettext_lazy("proposals", "reply text"))
    drafted_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "drafted by"),
    )
    drafted_at = models.DateTimeField(pgettext_lazy("proposals", "drafted at"), auto_now=True)
    submitted_at = models.DateTimeField(
        pgettext_lazy("proposals", "sent by the unit at"), null=True, blank=True
    )
    reviewed_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "reviewed by"),
    )
    review_note = models.TextField(pgettext_lazy("proposals", "review note"), blank=True)
    published_at = models.DateTimeField(pgettext_lazy("proposals", "published at"), null=True, blank=True)

    objects = scoped_manager(through="proposal__tenant")

    class Meta:
        verbose_name = pgettext_lazy("proposals", "reply")
        verbose_name_plural = pgettext_lazy("proposals", "replies")
        ordering = ["proposal", "round"]
        constraints = [models.UniqueConstraint(fields=["proposal", "round"], name="reply_one_per_round")]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.round} · {self.category}"


class Countersignature(models.Model):
    """协办会签: an assisting unit's signature on the lead unit's reply."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="countersignatures")
    unit = models.ForeignKey(
        "members.HandlingUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "unit"),
    )
    note = models.TextField(pgettext_lazy("proposals", "opinion"), blank=True)
    signed_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "signed by"),
    )
    signed_at = models.DateTimeField(pgettext_lazy("proposals", "signed at"), auto_now_add=True)

    objects = scoped_manager(through="reply__proposal__tenant")

    class Meta:
        verbose_name = pgettext_lazy("proposals", "countersignature")
        verbose_name_plural = pgettext_lazy("proposals", "countersignatures")
        constraints = [models.UniqueConstraint(fields=["reply", "unit"], name="countersignature_unique")]

    def __str__(self) -> str:
        return f"{self.reply} · {self.unit}"


class Feedback(models.Model):
    """评价: a proposer's or co-signer's satisfaction with one published reply."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="feedback")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="proposal_feedback",
        verbose_name=pgettext_lazy("proposals", "member"),
    )
    rating = models.CharField(
        pgettext_lazy("proposals", "rating"), max_length=16, choices=Satisfaction.choices
    )
    comment = models.TextField(pgettext_lazy("proposals", "comment"), blank=True)
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "recorded by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("proposals", "rated at"), auto_now_add=True)

    objects = scoped_manager(through="proposal__tenant")

    class Meta:
        verbose_name = pgettext_lazy("proposals", "feedback")
        verbose_name_plural = pgettext_lazy("proposals", "feedback")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["reply", "member"], name="feedback_once_per_reply")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_rating_display()}"


def _upload_to(instance, filename: str) -> str:
    return f"proposals/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    """A file attached to a proposal, or to one of its replies."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        Reply,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=pgettext_lazy("proposals", "reply"),
    )
    file = models.FileField(pgettext_lazy("proposals", "file"), upload_to=_upload_to)
    original_name = models.CharField(pgettext_lazy("proposals", "file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("proposals", "content type"), max_length=100)
    size = models.PositiveIntegerField(pgettext_lazy("proposals", "size (bytes)"))
    uploaded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("proposals", "uploaded by"),
    )
    uploaded_at = models.DateTimeField(pgettext_lazy("proposals", "uploaded at"), auto_now_add=True)

    objects = scoped_manager(through="proposal__tenant")

    class Meta:
        verbose_name = pgettext_lazy("proposals", "attachment")
        verbose_name_plural = pgettext_lazy("proposals", "attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ProposalEvent(TransitionEvent):
    """One step of a proposal's history: who moved it from which state to which, when and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(pgettext_lazy("proposals", "action"), max_length=32)
    from_state = models.CharField(
        pgettext_lazy("proposals", "from"), max_length=24, choices=ProposalState.choices
    )
    to_state = models.CharField(
        pgettext_lazy("proposals", "to"), max_length=24, choices=ProposalState.choices
    )
    # The timelines of many proposals are read by time.
    created_at = models.DateTimeField(pgettext_lazy("proposals", "time"), auto_now_add=True, db_index=True)

    objects = scoped_manager(through="proposal__tenant")

    class Meta(TransitionEvent.Meta):
        verbose_name = pgettext_lazy("proposals", "proposal event")
        verbose_name_plural = pgettext_lazy("proposals", "proposal events")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state} → {self.to_state}"


class SimilarityEntry(models.Model):
    """The analysed terms of one proposal or report: what every process's similarity index loads."""

    kind = models.CharField(pgettext_lazy("proposals", "kind"), max_length=16)
    object_id = models.PositiveIntegerField(pgettext_lazy("proposals", "object id"))
    year = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "year"))
    state = models.CharField(pgettext_lazy("proposals", "state"), max_length=24, blank=True)
    # {term: weight}; empty when the object left the index (a draft again, withdrawn, deleted).
    terms = models.JSONField(pgettext_lazy("proposals", "terms"), default=dict, blank=True)
    analyzer_version = models.PositiveSmallIntegerField(pgettext_lazy("proposals", "analyser version"))
    changed_at = models.DateTimeField(pgettext_lazy("proposals", "changed at"), db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("proposals", "similarity index entry")
        verbose_name_plural = pgettext_lazy("proposals", "similarity index entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="similarity_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
