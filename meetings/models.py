"""Meetings 会议: plenary and standing-committee meetings, their sessions, check-in, documents,
speeches, votes and minutes.

A session owns one `members.Activity`: who is called is its participations, and a check-in is that
activity's attendance, so each session counts once per member in the duty records and scores.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cppcc_portal.core.committees import CommitteeOwned, scoped_manager, tenant_field, unique_per_committee
from meetings.choices import (
    QUORUM_BASES,
    AgendaKind,
    Basis,
    Body,
    DocumentKind,
    HalfDay,
    MeetingKind,
    MeetingStatus,
    MotionState,
    SessionStatus,
    SpeechState,
    VoteChoice,
)


class ProcedureRule(CommitteeOwned, models.Model):
    """议事规则: the quorum and the majority a kind of meeting needs (rules of procedure, as data).

    A quorum is met when present × denominator > numerator × basis (or ≥ when not strict); a motion
    is adopted when the votes for it pass the same test against the adoption basis."""

    tenant = tenant_field()
    kind = models.CharField(_("meeting kind"), max_length=32, choices=MeetingKind.choices)
    quorum_basis = models.CharField(
        _("quorum counted against"), max_length=16, choices=Basis.choices, default=Basis.BODY
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=1)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=2)
    quorum_strict = models.BooleanField(_("quorum needs more than the share"), default=True)
    adoption_basis = models.CharField(
        _("majority counted against"), max_length=16, choices=Basis.choices, default=Basis.BODY
    )
    adoption_numerator = models.PositiveSmallIntegerField(_("majority numerator"), default=1)
    adoption_denominator = models.PositiveSmallIntegerField(_("majority denominator"), default=2)
    adoption_strict = models.BooleanField(_("majority needs more than the share"), default=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("rule of procedure")
        verbose_name_plural = _("rules of procedure")
        ordering = ["kind"]
        constraints = [
            unique_per_committee("kind", name="procedure_rule_unique_kind"),
            models.CheckConstraint(
                condition=Q(quorum_denominator__gte=1, adoption_denominator__gte=1),
                name="procedure_rule_denominators_positive",
            ),
            models.CheckConstraint(
                condition=Q(quorum_basis__in=QUORUM_BASES), name="procedure_rule_quorum_basis"
            ),
        ]

    def __str__(self) -> str:
        return str(MeetingKind(self.kind).label)


class Meeting(models.Model):
    """会议: one meeting of a body (a plenary session, a standing-committee meeting …)."""

    tenant = tenant_field()
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=MeetingKind.choices, db_index=True)
    body = models.CharField(_("body holding it"), max_length=32, choices=Body.choices)
    committee = models.ForeignKey(
        "members.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("special committee"),
    )
    named_members = models.ManyToManyField(
        "members.Member",
        blank=True,
        related_name="named_meetings",
        verbose_name=_("named members (for a body of named members)"),
    )
    number = models.CharField(
        pgettext_lazy("meetings", "number"), max_length=64, blank=True, help_text=_("e.g. 第三次会议")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    description = models.TextField(_("notice text"), blank=True)
    items = models.ManyToManyField(
        "workplan.Item", blank=True, related_name="meetings", verbose_name=_("work-plan items served")
    )
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    speech_deadline = models.DateTimeField(_("speech deadline"), null=True, blank=True)
    documents_published_at = models.DateTimeField(_("documents published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=Body.SPECIAL_COMMITTEE) | Q(committee__isnull=False),
                name="meeting_special_committee_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingSession(models.Model):
    """会次: one half-day of a meeting; it owns the activity whose attendance is the check-in."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("meeting")
    )
    activity = models.OneToOneField(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="meeting_session",
        verbose_name=_("activity (attendance)"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    date = models.DateField(_("date"))
    half_day = models.CharField(_("half-day"), max_length=16, choices=HalfDay.choices)
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    current_item = models.ForeignKey(
        "AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current agenda item"),
    )
    current_speech = models.ForeignKey(
        "Speech",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current speaker"),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("meetings", "closed at"), null=True, blank=True)

    objects = scoped_manager(through="meeting__tenant")

    class Meta:
        verbose_name = pgettext_lazy("meetings", "session")
        verbose_name_plural = pgettext_lazy("meetings", "sessions")
        ordering = ["meeting", "date", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "date", "half_day"], name="session_unique_half_day"),
            # The door screen and the projector follow the session in progress: one at a time.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status=SessionStatus.OPEN),
                name="session_one_open_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.date:%Y-%m-%d} {HalfDay(self.half_day).label}"


class AgendaItem(models.Model):
    """议程: one item of a session's agenda."""

    session = models.ForeignKey(
        MeetingSession,
        on_delete=models.CASCADE,
        related_name="agenda",
        verbose_name=pgettext_lazy("meetings", "session"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=AgendaKind.choices)
    title = models.CharField(_("title"), max_length=300)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)
    minutes_planned = models.PositiveSmallIntegerField(_("minutes planned"), null=True, blank=True)
    plan_item = models.ForeignKey(
        "workplan.Item",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        verbose_name=_("work-plan item"),
    )

    objects = scoped_manager(through="session__meeting__tenant")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order"]
        constraints = [models.UniqueConstraint(fields=["session", "order"], name="agenda_item_unique_order")]

    def __str__(self) -> str:
        return self.title


class DiscussionGroup(models.Model):
    """分组讨论: a discussion group of a plenary, with its convenor and room."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="groups", verbose_name=_("meeting")
    )
    name = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("place"), max_length=200, blank=True)
    convenor = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("convenor"),
    )

    objects = scoped_manager(through="meeting__tenant")

    class Meta:
        verbose_name = _("discussion group")
        verbose_name_plural = _("discussion groups")
        ordering = ["meeting", "name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "name"], name="discussion_group_unique")]

    def __str__(self) -> str:
        return self.name


class GroupAssignment(models.Model):
    """A member's place in one discussion group of a meeting (one group per meeting)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="group_assignments")
    group = models.ForeignKey(
        DiscussionGroup,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=pgettext_lazy("meetings", "group"),
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )

    objects = scoped_manager(through="meeting__tenant")

    class Meta:
        verbose_name = _("group assignment")
        verbose_name_plural = _("group assignments")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="group_assignment_one_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.member}"


class MeetingDocument(models.Model):
    """会议文件: one document of the meeting's pack (agenda, report, draft), with its versions."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    objects = scoped_manager(through="meeting__tenant")

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One uploaded version of a meeting document; members get the newest."""

    document = models.ForeignKey(
        MeetingDocument, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="meetings/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = scoped_manager(through="document__meeting__tenant")

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class Speech(models.Model):
    """大会发言: a member's written speech, selected for oral delivery or as a written one."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="speeches", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="speeches", verbose_name=_("member")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=16, choices=SpeechState.choices, default=SpeechState.SUBMITTED
    )
    session = models.ForeignKey(
        MeetingSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speeches",
        verbose_name=_("session (oral)"),
    )
    speaking_order = models.PositiveSmallIntegerField(_("order of speakers"), null=True, blank=True)
    minutes_allotted = models.PositiveSmallIntegerField(_("minutes allotted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped_manager(through="meeting__tenant")

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["meeting", "speaking_order", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaking_order"],
                condition=Q(session__isnull=False, speaking_order__isnull=False),
                name="speech_unique_speaking_order",
            ),
            models.CheckConstraint(
                condition=~Q(state=SpeechState.ORAL) | Q(session__isnull=False),
                name="speech_oral_has_session",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Motion(models.Model):
    """表决事项: a motion put to the vote on an agenda item; its rule is copied from the meeting
    kind's when it opens and the result is stored when it closes."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="motions", verbose_name=_("agenda item")
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    secret = models.BooleanField(_("secret ballot"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=MotionState.choices, default=MotionState.DRAFT
    )
    adoption_basis = models.CharField(_("majority counted against"), max_length=16, choices=Basis.choices)
    adoption_numerator = models.PositiveSmallIntegerField(_("majority numerator"))
    adoption_denominator = models.PositiveSmallIntegerField(_("majority denominator"))
    adoption_strict = models.BooleanField(_("majority needs more than the share"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("meetings", "closed at"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    not_voting = models.PositiveIntegerField(_("present, not voting"), null=True, blank=True)
    basis_count = models.PositiveIntegerField(_("majority counted against (number)"), null=True, blank=True)
    adopted = models.BooleanField(pgettext_lazy("meetings", "adopted"), null=True, blank=True)

    # The one rule of when a vote's count and result are shown (console, minutes, projector, API):
    # once the vote is closed, never while it runs. The property and its filter say the same.
    RESULTS_VISIBLE = Q(state=MotionState.CLOSED)

    objects = scoped_manager(through="agenda_item__session__meeting__tenant")

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["agenda_item", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(adoption_denominator__gte=1), name="motion_denominator_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def results_visible(self) -> bool:
        return self.state == MotionState.CLOSED


class Ballot(models.Model):
    """One vote cast. A secret ballot has no member and a random id, so nothing links it to its voter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("vote"), max_length=8, choices=VoteChoice.choices)
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("voter (named ballots only)"),
    )

    objects = scoped_manager(through="motion__agenda_item__session__meeting__tenant")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "member"], condition=Q(member__isnull=False), name="ballot_one_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.motion} · {VoteChoice(self.choice).label}"


class VoteReceipt(models.Model):
    """That a member has voted on a motion (named or secret): one row each, so one vote each."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")

    objects = scoped_manager(through="motion__agenda_item__session__meeting__tenant")

    class Meta:
        verbose_name = _("vote receipt")
        verbose_name_plural = _("vote receipts")
        constraints = [
            models.UniqueConstraint(fields=["motion", "member"], name="vote_receipt_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.motion} · {self.member}"


class Resolution(models.Model):
    """决议: what a meeting adopted, from a motion carried or written by the office."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="resolutions", verbose_name=_("meeting")
    )
    motion = models.OneToOneField(
        Motion, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolution"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    adopted_on = models.DateField(pgettext_lazy("meetings", "adopted on"))

    objects = scoped_manager(through="meeting__tenant")

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "adopted_on", "id"]

    def __str__(self) -> str:
        return self.title
