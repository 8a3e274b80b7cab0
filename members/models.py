"""The roster (members and the bodies they sit on), handling units, and activities."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.committees import CommitteeOwned, scoped_manager, tenant_field, unique_per_committee
from cppcc_portal.core.models import TransitionEvent
from members.choices import (
    ActivityKind,
    ActivityStatus,
    Attendance,
    CommitteeRole,
    DutyEventKind,
    DutyRecordStatus,
    DutyRole,
    EnrolmentState,
    Gender,
    GroupRole,
    ImportJobState,
    InvitationState,
    MemberStatus,
    MinimumMetric,
    OrganiserKind,
    UnitKind,
)


class Term(CommitteeOwned, models.Model):
    """届次: a five-year term of the committee (the 14th began in 2017)."""

    tenant = tenant_field()
    number = models.PositiveSmallIntegerField(_("term number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = scoped_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-number"]
        constraints = [unique_per_committee("number", name="term_unique_number")]

    def __str__(self) -> str:
        return _("Term %(number)s") % {"number": self.number}


class Party(models.Model):
    """政治面貌 / 党派: a member's party affiliation (中共, 民革 … 无党派人士, 群众)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    short_name = models.CharField(_("short name"), max_length=16, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("party affiliation")
        verbose_name_plural = _("party affiliations")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Sector(models.Model):
    """界别: the constituency a member represents."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class SpecialCommittee(CommitteeOwned, models.Model):
    """专门委员会: a standing working body of the committee."""

    tenant = tenant_field()
    name = models.CharField(_("name"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("special committee")
        verbose_name_plural = _("special committees")
        ordering = ["order", "name"]
        constraints = [unique_per_committee("name", name="special_committee_unique_name")]

    def __str__(self) -> str:
        return self.name


class StreetGroup(CommitteeOwned, models.Model):
    """委员街道活动小组: the members attached to one of the district's streets."""

    tenant = tenant_field()
    name = models.CharField(_("name"), max_length=64)
    street = models.CharField(_("street"), max_length=64)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("street group")
        verbose_name_plural = _("street groups")
        ordering = ["name"]
        constraints = [unique_per_committee("name", name="street_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Member(CommitteeOwned, models.Model):
    """委员: a member of the committee, with a stable member number for imports."""

    tenant = tenant_field()
    # One login may be on the roster of several committees (a city member who is also a district
    # member), once in each: members.selectors.member_for_user reads the committee in hand's record.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_records",
        related_query_name="member",
    )
    member_number = models.CharField(_("member number"), max_length=32)
    name = models.CharField(_("name"), max_length=64, db_index=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=32, default="汉族")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, verbose_name=_("party affiliation"))
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="members", verbose_name=_("sector")
    )
    work_unit = models.CharField(_("work unit"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_standing_committee = models.BooleanField(_("standing committee member"), default=False)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="members", verbose_name=_("term"))
    joined_on = models.DateField(_("in office from"), null=True, blank=True)
    left_on = models.DateField(_("in office until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.IN_OFFICE
    )
    committees = models.ManyToManyField(
        SpecialCommittee,
        through="CommitteeMembership",
        related_name="members",
        verbose_name=_("special committees"),
    )
    street_groups = models.ManyToManyField(
        StreetGroup, through="StreetGroupMembership", related_name="members", verbose_name=_("street groups")
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["member_number"]
        indexes = [models.Index(fields=["sector", "status"], name="member_sector_status_idx")]
        constraints = [
            unique_per_committee("member_number", name="member_unique_number"),
            unique_per_committee("user", name="member_unique_user"),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMembership(models.Model):
    """A member's seat on a special committee, with their role there."""

    committee = models.ForeignKey(SpecialCommittee, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="committee_memberships")
    role = models.CharField(
        _("role"), max_length=16, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )

    objects = scoped_manager(through="member__tenant")

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        constraints = [
            models.UniqueConstraint(fields=["committee", "member"], name="committee_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.member}"


class StreetGroupMembership(models.Model):
    """A member's place in a street group, with their role there."""

    group = models.ForeignKey(StreetGroup, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(_("role"), max_length=16, choices=GroupRole.choices, default=GroupRole.MEMBER)

    objects = scoped_manager(through="member__tenant")

    class Meta:
        verbose_name = _("street group membership")
        verbose_name_plural = _("street group memberships")
        constraints = [models.UniqueConstraint(fields=["group", "member"], name="group_membership_unique")]

    def __str__(self) -> str:
        return f"{self.group} · {self.member}"


class HandlingUnit(CommitteeOwned, models.Model):
    """承办单位: a government department (or court, street office) that answers what is sent to it."""

    tenant = tenant_field()
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    contact_person = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="handling_units", verbose_name=_("staff accounts")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["name"]
        constraints = [unique_per_committee("name", name="handling_unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """An activity members take part in (meeting, inspection, training …), with attendance."""

    tenant = tenant_field()
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices, db_index=True)
    organiser_kind = models.CharField(
        _("organised by"), max_length=16, choices=OrganiserKind.choices, default=OrganiserKind.OFFICE
    )
    organiser_committee = models.ForeignKey(
        SpecialCommittee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organising committee"),
    )
    organiser_sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organising sector"),
    )
    organiser_group = models.ForeignKey(
        StreetGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organising street group"),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    items = models.ManyToManyField(
        "workplan.Item", blank=True, related_name="activities", verbose_name=_("work-plan items served")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    half_days = models.PositiveSmallIntegerField(_("half-days"), default=1)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    enrolment_deadline = models.DateTimeField(_("enrolment deadline"), null=True, blank=True)
    check_in_code = models.CharField(_("check-in code"), max_length=16, blank=True)
    outcome_report = models.TextField(_("outcome report"), blank=True)
    reminder_first_hours = models.PositiveSmallIntegerField(_("first reminder (hours before)"), default=72)
    reminder_second_hours = models.PositiveSmallIntegerField(_("second reminder (hours before)"), default=24)
    reminder_message = models.TextField(_("reminder message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="activity_ends_after_start"
            ),
        ]
        # The portal home lists what has not ended yet and what is open for enrolment: without these
        # both scan every activity in the archive.
        indexes = [
            models.Index(fields=["ends_at"], name="activity_ends_at_idx"),
            models.Index(
                fields=["enrolment_deadline"],
                condition=models.Q(capacity__isnull=False),
                name="activity_open_enrolment_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityAttachment(models.Model):
    """A file of an activity's outcome report (minutes, photos, the report itself)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("activity")
    )
    file = models.FileField(_("file"), upload_to="activities/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = scoped_manager(through="activity__tenant")

    class Meta:
        verbose_name = _("activity attachment")
        verbose_name_plural = _("activity attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Participation(models.Model):
    """One member's place in one activity: invitation, enrolment, attendance."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participations", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="participations", verbose_name=_("member")
    )
    invitation = models.CharField(
        _("invitation"), max_length=16, choices=InvitationState.choices, default=InvitationState.INVITED
    )
    enrolment = models.CharField(
        _("enrolment"), max_length=16, choices=EnrolmentState.choices, default=EnrolmentState.NONE
    )
    waitlist_position = models.PositiveIntegerField(_("waiting-list position"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, default=Attendance.UNRECORDED
    )
    leave_reason = models.CharField(_("leave reason"), max_length=300, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("attendance recorded by"),
    )
    recorded_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = scoped_manager(through="activity__tenant")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["activity", "member__member_number"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="participation_unique"),
            models.UniqueConstraint(
                fields=["activity", "waitlist_position"],
                condition=models.Q(waitlist_position__isnull=False),
                name="participation_unique_waitlist_position",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "attendance"], name="participation_member_att_idx"),
            models.Index(fields=["activity", "enrolment"], name="participation_act_enrol_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.member}"


class DutyRecord(models.Model):
    """履职记录: one thing a member did, logged by them or created by a workflow, then verified."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="duty_records", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    event_kind = models.CharField(_("kind"), max_length=32, choices=DutyEventKind.choices)
    role = models.CharField(_("role"), max_length=16, choices=DutyRole.choices, default=DutyRole.PARTICIPANT)
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, help_text=_("Half-days for a plenary session, otherwise 1.")
    )
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    item = models.ForeignKey(
        "workplan.Item",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_records",
        verbose_name=_("work-plan item"),
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("source type")
    )
    object_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("content_type", "object_id")
    status = models.CharField(
        _("status"), max_length=16, choices=DutyRecordStatus.choices, default=DutyRecordStatus.SUBMITTED
    )
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    points = models.PositiveIntegerField(
        _("points"), null=True, blank=True, help_text=_("From the scoring rule, kept up to date with it.")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = scoped_manager(through="member__tenant")

    class Meta:
        verbose_name = _("duty record")
        verbose_name_plural = _("duty records")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            # A workflow event (an attendance, an accepted proposal) counts once per member and kind.
            models.UniqueConstraint(
                fields=["member", "event_kind", "content_type", "object_id"],
                condition=models.Q(content_type__isnull=False, object_id__isnull=False),
                name="duty_record_unique_source",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="duty_record_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["member", "year", "status"], name="duty_member_year_status_idx"),
            models.Index(fields=["year", "status", "event_kind"], name="duty_year_status_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.title}"


class DutyRecordEvent(TransitionEvent):
    """One step of a duty record's review (submitted, verified, rejected), for its timeline; actor,
    note and time come from `core.models.TransitionEvent` like the proposals' and supervision's."""

    record = models.ForeignKey(DutyRecord, on_delete=models.CASCADE, related_name="events")
    # Blank: the first step of a record (recorded by the system or submitted) comes from nowhere.
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=DutyRecordStatus.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=DutyRecordStatus.choices)

    objects = scoped_manager(through="record__member__tenant")

    class Meta(TransitionEvent.Meta):
        verbose_name = _("duty record event")
        verbose_name_plural = _("duty record events")

    @property
    def from_label(self) -> str:
        return DutyRecordStatus(self.from_state).label if self.from_state else ""

    @property
    def to_label(self) -> str:
        return DutyRecordStatus(self.to_state).label


class DutyEvidence(models.Model):
    """A file that backs a duty record (photo, minutes, a document)."""

    record = models.ForeignKey(
        DutyRecord, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("duty record")
    )
    file = models.FileField(_("file"), upload_to="duty/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = scoped_manager(through="record__member__tenant")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ScoringRule(CommitteeOwned, models.Model):
    """履职积分规则: points for one kind of duty event and role in one year, with an optional cap."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(_("year"))
    event_kind = models.CharField(_("kind"), max_length=32, choices=DutyEventKind.choices)
    role = models.CharField(_("role"), max_length=16, choices=DutyRole.choices, default=DutyRole.PARTICIPANT)
    points = models.PositiveSmallIntegerField(_("points"))
    yearly_cap = models.PositiveIntegerField(_("yearly cap"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["-year", "event_kind", "role"]
        constraints = [unique_per_committee("year", "event_kind", "role", name="scoring_rule_unique")]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_event_kind_display()} · {self.get_role_display()}"


class YearlyMinimum(CommitteeOwned, models.Model):
    """履职最低要求: how many of something a member should do in a year before a warning."""

    tenant = tenant_field()
    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("what is counted"), max_length=16, choices=MinimumMetric.choices)
    minimum = models.PositiveSmallIntegerField(_("minimum"))

    objects = scoped_manager()

    class Meta:
        verbose_name = _("yearly minimum")
        verbose_name_plural = _("yearly minimums")
        ordering = ["-year", "metric"]
        constraints = [unique_per_committee("year", "metric", name="yearly_minimum_unique")]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_metric_display()} ≥ {self.minimum}"


class ImportJob(models.Model):
    """A large spreadsheet import run by a Celery worker: first a preview (dry run), then the import."""

    tenant = tenant_field()
    resource = models.CharField(_("import of"), max_length=64)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)
    dry_run = models.BooleanField(_("preview only"), default=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ImportJobState.choices, default=ImportJobState.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"
