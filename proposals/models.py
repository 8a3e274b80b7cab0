"""Proposals (提案) and their handling by units; social-conditions reports (社情民意) and bulletins."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from proposals.choices import (
    AdoptionLevel,
    AssignmentRole,
    BulletinState,
    ConversionKind,
    CosignState,
    ExcellentState,
    ProposalState,
    ProposerKind,
    ReplyCategory,
    ReportAuthorKind,
    ReportState,
    Satisfaction,
)

USER = settings.AUTH_USER_MODEL


class ProposalCategory(models.Model):
    """提案分类: a subject category the office edits (经济建设, 城市建设管理 …)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("proposal category")
        verbose_name_plural = _("proposal categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ProposalYearSettings(models.Model):
    """The rules of one year's proposal and report work, edited by the office."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    submission_opens_on = models.DateField(_("submission opens on"), null=True, blank=True)
    submission_closes_on = models.DateField(_("submission closes on"), null=True, blank=True)
    cosign_deadline = models.DateField(
        _("co-signing deadline"),
        null=True,
        blank=True,
        help_text=_("A fixed date; when empty, each proposal gets the number of days below."),
    )
    cosign_days = models.PositiveSmallIntegerField(_("co-signing days after submission"), default=7)
    reply_months = models.PositiveSmallIntegerField(_("months to reply"), default=3)
    max_extension_months = models.PositiveSmallIntegerField(_("longest extension (months)"), default=6)
    return_window_days = models.PositiveSmallIntegerField(_("days a unit may return a proposal"), default=10)
    countersign_required = models.BooleanField(_("assisting units countersign the reply"), default=True)
    review_required = models.BooleanField(_("the office reviews replies"), default=True)
    length_limit = models.PositiveIntegerField(_("proposal length limit (characters)"), default=2500)
    report_length_limit = models.PositiveIntegerField(_("report length limit (characters)"), default=1500)
    excellent_quota_percent = models.PositiveSmallIntegerField(_("excellent proposals quota (%)"), default=5)

    class Meta:
        verbose_name = _("proposal year settings")
        verbose_name_plural = _("proposal year settings")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(excellent_quota_percent__lte=100), name="proposal_settings_quota_le_100"
            ),
        ]

    def __str__(self) -> str:
        return _("Proposal settings %(year)s") % {"year": self.year}


class ProposalCounter(models.Model):
    """The last proposal number given in a year; locked row so numbers have no gap or duplicate."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("proposal counter")
        verbose_name_plural = _("proposal counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class OpinionReport(models.Model):
    """社情民意信息: a short report of one matter of public opinion, edited and maybe adopted."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    situation = models.TextField(_("situation"))
    analysis = models.TextField(_("analysis"), blank=True)
    suggestion = models.TextField(_("suggestion"), blank=True)
    author_kind = models.CharField(
        _("author kind"), max_length=16, choices=ReportAuthorKind.choices, default=ReportAuthorKind.MEMBER
    )
    author_member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_reports",
        verbose_name=_("author (member)"),
    )
    party = models.ForeignKey(
        "members.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party"),
    )
    sector = models.ForeignKey(
        "members.Sector",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sector"),
    )
    submitted_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    adoption_level = models.CharField(
        _("adoption level"), max_length=16, choices=AdoptionLevel.choices, blank=True
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    editor_note = models.TextField(_("editor's note"), blank=True)
    bulletin = models.ForeignKey(
        "BulletinIssue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("bulletin issue"),
    )
    items = models.ManyToManyField(
        "workplan.Item", blank=True, related_name="opinion_reports", verbose_name=_("work-plan items served")
    )

    class Meta:
        verbose_name = _("social-conditions report")
        verbose_name_plural = _("social-conditions reports")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["year", "state"], name="report_year_state_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def text_length(self) -> int:
        return len(self.situation) + len(self.analysis) + len(self.suggestion)


class Proposal(models.Model):
    """提案: a formal written proposal by a member or a collective, from draft to the proposer's rating."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"))
    suggestions = models.TextField(_("suggestions"))
    category = models.ForeignKey(
        ProposalCategory, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("category")
    )
    proposer_kind = models.CharField(
        _("proposer"), max_length=16, choices=ProposerKind.choices, default=ProposerKind.MEMBER
    )
    submitter = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="proposals_submitted",
        verbose_name=_("lead proposer or submitting member"),
    )
    party = models.ForeignKey(
        "members.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("party group"),
    )
    sector = models.ForeignKey(
        "members.Sector",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("sector"),
    )
    committee = models.ForeignKey(
        "members.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("special committee"),
    )
    state = models.CharField(
        _("state"), max_length=24, choices=ProposalState.choices, default=ProposalState.DRAFT, db_index=True
    )
    number_seq = models.PositiveIntegerField(_("sequence number"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=16, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    cosign_deadline_on = models.DateField(_("co-signing deadline"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    first_replied_on = models.DateField(_("first replied on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    conversion_kind = models.CharField(
        _("converted to"), max_length=16, choices=ConversionKind.choices, blank=True
    )
    converted_report = models.ForeignKey(
        OpinionReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="converted_from_proposals",
        verbose_name=_("converted into report"),
    )
    source_report = models.ForeignKey(
        OpinionReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resulting_proposals",
        verbose_name=_("made from report"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_proposals",
        verbose_name=_("merged into"),
    )
    is_key = models.BooleanField(_("key proposal"), default=False)
    key_leader = models.CharField(_("overseeing leader"), max_length=64, blank=True)
    excellent_state = models.CharField(
        _("excellent proposal"), max_length=16, choices=ExcellentState.choices, blank=True, default=""
    )
    handling_round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    closing_note = models.TextField(_("closing note"), blank=True)
    items = models.ManyToManyField(
        "workplan.Item", blank=True, related_name="proposals", verbose_name=_("work-plan items served")
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-year", "number_seq", "-created_at"]
        indexes = [models.Index(fields=["year", "state"], name="proposal_year_state_idx")]
        constraints = [
            models.UniqueConstraint(fields=["year", "number_seq"], name="proposal_number_unique_per_year"),
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
        "members.Member", on_delete=models.PROTECT, related_name="cosignatures", verbose_name=_("member")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=CosignState.choices, default=CosignState.INVITED
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
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
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices)
    is_current = models.BooleanField(_("current"), default=True)
    assigned_on = models.DateField(_("assigned on"))
    return_deadline_on = models.DateField(_("may be returned until"))
    reply_due_on = models.DateField(_("reply due on"), db_index=True)
    original_due_on = models.DateField(_("original reply due date"))
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    assigned_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
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
        indexes = [models.Index(fields=["unit", "is_current"], name="assignment_unit_current_idx")]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.unit} ({self.get_role_display()})"


class Reply(models.Model):
    """答复: the lead unit's written answer in one handling round, with its A–D category."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    unit = models.ForeignKey(
        "members.HandlingUnit",
        on_delete=models.PROTECT,
        related_name="proposal_replies",
        verbose_name=_("unit"),
    )
    category = models.CharField(_("category"), max_length=1, choices=ReplyCategory.choices)
    category_by_unit = models.CharField(
        _("category given by the unit"), max_length=1, choices=ReplyCategory.choices, blank=True
    )
    document_number = models.CharField(_("document number"), max_length=64)
    contact_person = models.CharField(_("contact person"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    body = models.TextField(_("reply text"))
    drafted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("drafted by")
    )
    drafted_at = models.DateTimeField(_("drafted at"), auto_now=True)
    submitted_at = models.DateTimeField(_("sent by the unit at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_note = models.TextField(_("review note"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["proposal", "round"]
        constraints = [models.UniqueConstraint(fields=["proposal", "round"], name="reply_one_per_round")]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.round} · {self.category}"


class Countersignature(models.Model):
    """协办会签: an assisting unit's signature on the lead unit's reply."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="countersignatures")
    unit = models.ForeignKey(
        "members.HandlingUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    note = models.TextField(_("opinion"), blank=True)
    signed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("countersignature")
        verbose_name_plural = _("countersignatures")
        constraints = [models.UniqueConstraint(fields=["reply", "unit"], name="countersignature_unique")]

    def __str__(self) -> str:
        return f"{self.reply} · {self.unit}"


class Feedback(models.Model):
    """评价: a proposer's or co-signer's satisfaction with one published reply."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="feedback")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="proposal_feedback", verbose_name=_("member")
    )
    rating = models.CharField(_("rating"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
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
        verbose_name=_("reply"),
    )
    file = models.FileField(_("file"), upload_to=_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ProposalEvent(models.Model):
    """One step of a proposal's history: who moved it from which state to which, when and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("actor")
    )
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=24, choices=ProposalState.choices)
    to_state = models.CharField(_("to"), max_length=24, choices=ProposalState.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state} → {self.to_state}"


class BulletinIssue(models.Model):
    """《社情民意》第 N 期: a bulletin issue grouping adopted reports."""

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("issue number"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=BulletinState.choices, default=BulletinState.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    editor = models.CharField(_("editor"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="bulletin_number_unique")]

    def __str__(self) -> str:
        return _("Social conditions, %(year)s issue %(number)s") % {"year": self.year, "number": self.number}


class Instruction(models.Model):
    """批示: a leader's written instruction on a report, fed back to its author."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="instructions")
    leader_name = models.CharField(_("leader"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=AdoptionLevel.choices)
    text = models.TextField(_("instruction"))
    instructed_on = models.DateField(_("instructed on"))
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["instructed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.leader_name}: {self.text[:30]}"


class ReportEvent(models.Model):
    """One step of a report's history (actor, from, to, note, time)."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("actor")
    )
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, choices=ReportState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=ReportState.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state} → {self.to_state}"
