"""The roster (members and the bodies they sit on), handling units, and activities."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.choices import (
    ActivityKind,
    ActivityStatus,
    CommitteeRole,
    Gender,
    GroupRole,
    MemberStatus,
    OrganiserKind,
    UnitKind,
)


class Term(models.Model):
    """届次: a five-year term of the committee (the 14th began in 2017)."""

    number = models.PositiveSmallIntegerField(_("term number"), unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-number"]

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


class SpecialCommittee(models.Model):
    """专门委员会: a standing working body of the committee."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("special committee")
        verbose_name_plural = _("special committees")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class StreetGroup(models.Model):
    """委员街道活动小组: the members attached to one of the district's streets."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    street = models.CharField(_("street"), max_length=64)

    class Meta:
        verbose_name = _("street group")
        verbose_name_plural = _("street groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """委员: a member of the committee, with a stable member number for imports."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    member_number = models.CharField(_("member number"), max_length=32, unique=True)
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

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["member_number"]
        indexes = [models.Index(fields=["sector", "status"], name="member_sector_status_idx")]

    def __str__(self) -> str:
        return self.name


class CommitteeMembership(models.Model):
    """A member's seat on a special committee, with their role there."""

    committee = models.ForeignKey(SpecialCommittee, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="committee_memberships")
    role = models.CharField(
        _("role"), max_length=16, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )

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

    class Meta:
        verbose_name = _("street group membership")
        verbose_name_plural = _("street group memberships")
        constraints = [models.UniqueConstraint(fields=["group", "member"], name="group_membership_unique")]

    def __str__(self) -> str:
        return f"{self.group} · {self.member}"


class HandlingUnit(models.Model):
    """承办单位: a government department (or court, street office) that answers what is sent to it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    contact_person = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="handling_units", verbose_name=_("staff accounts")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """An activity members take part in (meeting, inspection, training …), with attendance."""

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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="activity_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title
