"""Reads of the roster, activities, duty records and scores, each scoped to the user who asks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, ExtractMonth, Rank
from django.utils import timezone

from cppcc_portal.core import roles
from cppcc_portal.core.caching import CachedValues
from cppcc_portal.core.committees import in_hand_id
from members import scoring
from members.choices import (
    MINIMUM_EVENT_KINDS,
    ActivityStatus,
    Attendance,
    CommitteeRole,
    DutyEventKind,
    DutyRecordStatus,
    EnrolmentState,
    GroupRole,
    InvitationState,
    MemberStatus,
    MinimumMetric,
)
from members.models import (
    Activity,
    CommitteeMembership,
    DutyRecord,
    HandlingUnit,
    Member,
    Participation,
    ScoringRule,
    Sector,
    SpecialCommittee,
    StreetGroup,
    StreetGroupMembership,
    Term,
    YearlyMinimum,
)

LEADING_COMMITTEE_ROLES = (CommitteeRole.DIRECTOR, CommitteeRole.DEPUTY)
LEADING_GROUP_ROLES = (GroupRole.LEADER,)
DEFAULT_MINIMUMS = {MinimumMetric.ACTIVITIES: 3, MinimumMetric.PROPOSALS: 1, MinimumMetric.REPORTS: 1}


# --- who is who ---------------------------------------------------------------------------------

# Every portal page reads the signed-in person's member row (views.member_required), the portal
# home the bodies they lead, the unit workspace the units a login answers for; all change only when
# the roster is edited. Kept per person and committee, moved on by every save or delete of a member,
# a term, party or sector, a membership of a special committee or street group, a handling unit or
# its accounts (members.apps). A person with no member row (staff, units) is read each time: None is
# never cached.
ROSTER = CachedValues("member-of-user", ttl=600, per_committee=True)


def member_for_user(user) -> Member | None:
    """The member record of a logged-in user in the committee in hand, or None (staff, units, anonymous).

    One login may be on the roster of several committees (a city member who is also a district
    member): the scope reads the committee in hand's record, kept on the user object per committee.
    """
    if user is None or isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return None
    here = in_hand_id()
    known = getattr(user, "_portal_member", None)
    if known is not None and known[0] == here:
        return known[1]
    member = ROSTER.cached(
        f"user-{user.pk}",
        lambda: Member.objects.select_related("sector", "party", "term").filter(user=user).first(),
    )
    user._portal_member = (here, member)
    return member


def units_for_user(user) -> QuerySet[HandlingUnit]:
    """The handling units a user answers for (empty for everyone but unit accounts)."""
    if not getattr(user, "is_authenticated", False):
        return HandlingUnit.objects.none()
    return HandlingUnit.objects.filter(accounts=user, is_active=True)


def unit_ids_for(user) -> list[int]:
    """The ids of the handling units a login answers for in the committee in hand (kept in ROSTER)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return ROSTER.cached(f"units-{user.pk}", lambda: list(user.handling_units.values_list("pk", flat=True)))


def led_body_ids(member: Member | None) -> tuple[list[int], list[int]]:
    """(committee ids, street group ids) a member leads, in one query (kept in ROSTER)."""
    if member is None:
        return [], []
    return ROSTER.cached(f"led-{member.pk}", lambda: _led_body_ids(member))


def _led_body_ids(member: Member) -> tuple[list[int], list[int]]:
    committees = (
        CommitteeMembership.objects.filter(member=member, role__in=LEADING_COMMITTEE_ROLES)
        .annotate(body=Value("committee"))
        .values_list("body", "committee_id")
    )
    groups = (
        StreetGroupMembership.objects.filter(member=member, role__in=LEADING_GROUP_ROLES)
        .annotate(body=Value("group"))
        .values_list("body", "group_id")
    )
    led: dict[str, list[int]] = {"committee": [], "group": []}
    for body, body_id in committees.union(groups, all=True):
        led[body].append(body_id)
    return led["committee"], led["group"]


def is_body_leader(user) -> bool:
    return any(led_body_ids(member_for_user(user)))


def members_led_by(member: Member | None) -> QuerySet[Member]:
    """Members of the committees a member directs and the groups they lead (not the member)."""
    if member is None:
        return Member.objects.none()
    committees, groups = led_body_ids(member)
    if not committees and not groups:
        return Member.objects.none()
    in_body = Q(
        Exists(CommitteeMembership.objects.filter(member=OuterRef("pk"), committee_id__in=committees))
    )
    in_body |= Q(Exists(StreetGroupMembership.objects.filter(member=OuterRef("pk"), group_id__in=groups)))
    return Member.objects.filter(in_body)


def leads_member(actor_member: Member | None, member: Member) -> bool:
    return actor_member is not None and members_led_by(actor_member).filter(pk=member.pk).exists()


# --- roster -------------------------------------------------------------------------------------


def member_list(*, user) -> QuerySet[Member]:
    """The roster a user may see: everyone, but the caller decides which fields to show."""
    if not getattr(user, "is_authenticated", False):
        return Member.objects.none()
    if not (roles.can_read_everything(user) or member_for_user(user)):
        return Member.objects.none()
    return Member.objects.select_related("party", "sector", "term").order_by("member_number")


def can_see_private_fields(user, member: Member) -> bool:
    """Contact details and birth dates: staff, leaders, the member, and their body leaders."""
    if roles.can_read_everything(user):
        return True
    own = member_for_user(user)
    return own is not None and own.pk == member.pk


# --- activities ---------------------------------------------------------------------------------


def activities_managed_by(user) -> QuerySet[Activity]:
    """Activities whose attendance the user records: all for staff, their bodies' for a body leader."""
    base = Activity.objects.select_related("organiser_committee", "organiser_group", "organiser_sector")
    if roles.is_staff_user(user):
        return base
    member = member_for_user(user)
    committees, groups = led_body_ids(member)
    if not committees and not groups:
        return Activity.objects.none()
    return base.filter(Q(organiser_committee_id__in=committees) | Q(organiser_group_id__in=groups))


def can_manage_activity(user, activity: Activity) -> bool:
    return activities_managed_by(user).filter(pk=activity.pk).exists()


def activity_list(*, user) -> QuerySet[Activity]:
    """Activities a user may see: all for staff/leaders; for a member, those they take part in,
    those open for enrolment, and those of bodies they lead."""
    base = Activity.objects.select_related("organiser_committee", "organiser_group", "organiser_sector")
    if roles.can_read_everything(user):
        return base
    member = member_for_user(user)
    if member is None:
        return Activity.objects.none()
    committees, groups = led_body_ids(member)
    mine = Exists(Participation.objects.filter(activity=OuterRef("pk"), member=member))
    open_enrolment = Q(capacity__isnull=False, enrolment_deadline__isnull=False)
    return base.filter(
        Q(mine) | open_enrolment | Q(organiser_committee_id__in=committees) | Q(organiser_group_id__in=groups)
    )


# The members' pages as each reader was last given them: the portal home (rendered HTML,
# members.views.portal_home) and the participations API's pages (their data, members.api.views).
# Moved on by every save or delete of what they show or what decides it (members.apps): members,
# invitations and everyone's enrolments (seats taken), activities, the duty records of the score
# and the year's rules and minimums, the bodies a member leads (their scope), the accounts' roles.
# The services whose writes send no per-row signal (invitations bulk-inserted, an attendance
# import, the demo seeder) send members.signals.participations_written, which moves it on.
READER_PAGES = CachedValues("members-pages", ttl=600, per_committee=True)


def portal_upcoming(*, member: Member, now=None) -> QuerySet[Participation]:
    """A member's participations in activities that have not ended, soonest first."""
    now = now or timezone.now()
    return (
        Participation.objects.filter(member=member, activity__ends_at__gte=now)
        .exclude(invitation=InvitationState.DECLINED)
        .select_related("activity")
        .order_by("activity__starts_at")
    )


def open_trainings(*, member: Member, now=None) -> QuerySet[Activity]:
    """Trainings and study classes still open for enrolment, with the seats taken counted."""
    now = now or timezone.now()
    return (
        Activity.objects.filter(capacity__isnull=False, enrolment_deadline__gte=now)
        .exclude(status="cancelled")
        .annotate(
            seats_taken=Count("participations", filter=Q(participations__enrolment=EnrolmentState.ENROLLED)),
            my_state=Coalesce(
                Max("participations__enrolment", filter=Q(participations__member=member)), Value("none")
            ),
        )
        .order_by("starts_at")
    )


def participations_for_activity(*, user, activity: Activity) -> QuerySet[Participation]:
    """The participant list of an activity, for the people who record its attendance."""
    if not can_manage_activity(user, activity):
        return Participation.objects.none()
    return (
        Participation.objects.filter(activity=activity)
        .select_related("member", "member__sector", "recorded_by")
        .order_by("member__member_number")
    )


def participation_list(*, user) -> QuerySet[Participation]:
    """Participations a user may see: all for staff/leaders, a body leader's bodies', and one's own."""
    base = Participation.objects.select_related("activity", "member", "member__sector")
    if roles.can_read_everything(user):
        return base
    member = member_for_user(user)
    if member is None:
        return Participation.objects.none()
    committees, groups = led_body_ids(member)
    return base.filter(
        Q(member=member)
        | Q(activity__organiser_committee_id__in=committees)
        | Q(activity__organiser_group_id__in=groups)
    )


# --- duty records -------------------------------------------------------------------------------


def duty_record_list(*, user) -> QuerySet[DutyRecord]:
    """Duty records a user may see: all for staff/leaders; a body leader also sees their bodies'."""
    base = DutyRecord.objects.select_related("member", "item", "verified_by").prefetch_related("evidence")
    if roles.can_read_everything(user):
        return base
    member = member_for_user(user)
    if member is None:
        return DutyRecord.objects.none()
    led = members_led_by(member)
    return base.filter(Q(member=member) | Q(member__in=led.values("pk")))


def duty_records_to_review(*, user) -> QuerySet[DutyRecord]:
    """Submitted records the user may verify (never their own)."""
    member = member_for_user(user)
    qs = duty_record_list(user=user).filter(status=DutyRecordStatus.SUBMITTED)
    if member is not None:
        qs = qs.exclude(member=member)
    if not roles.is_staff_user(user) and member is None:
        return DutyRecord.objects.none()
    if not roles.is_staff_user(user):
        qs = qs.filter(member__in=members_led_by(member).values("pk"))
    return qs


def can_review_record(user, record: DutyRecord) -> bool:
    """Staff or a leader of a body the record's member sits on, and never for one's own record."""
    own = member_for_user(user)
    if own is not None and own.pk == record.member_id:
        return False
    if roles.is_staff_user(user):
        return True
    return leads_member(own, record.member)


# --- scores -------------------------------------------------------------------------------------


def _rule_expressions(year: int) -> tuple[list[tuple[str, Any]], list[ScoringRule]]:
    """One capped-points expression per scoring rule of the year, to annotate members with.

    Each is `scoring.capped_points_sql` of the sum of verified quantities of that kind and role: the
    cap and the sum stay in SQL so a ranking of hundreds of members is one query.
    """
    rules = list(ScoringRule.objects.filter(year=year).order_by("event_kind", "role"))
    expressions = []
    for rule in rules:
        quantity = Coalesce(
            Sum(
                "duty_records__quantity",
                filter=Q(
                    duty_records__year=year,
                    duty_records__status=DutyRecordStatus.VERIFIED,
                    duty_records__event_kind=rule.event_kind,
                    duty_records__role=rule.role,
                ),
            ),
            0,
        )
        expressions.append((f"rule_{rule.pk}", scoring.capped_points_sql(rule, quantity)))
    return expressions, rules


def scored_members(*, year: int, queryset: QuerySet[Member] | None = None) -> tuple[QuerySet, list]:
    queryset = queryset if queryset is not None else Member.objects.all()
    expressions, rules = _rule_expressions(year)
    qs = queryset.annotate(**dict(expressions))
    total = Value(0, output_field=IntegerField())
    for name, _expr in expressions:
        total = total + F(name)
    return qs.annotate(score=total), rules


def _verified_quantities(*, member: Member, year: int) -> dict[tuple[str, str], tuple[int, int]]:
    """{(kind, role): (quantity, records)} of a member's verified records of a year, in one query."""
    return {
        (row["event_kind"], row["role"]): (row["quantity"] or 0, row["records"])
        for row in DutyRecord.objects.filter(member=member, year=year, status=DutyRecordStatus.VERIFIED)
        .values("event_kind", "role")
        .annotate(quantity=Sum("quantity"), records=Count("id"))
        .order_by()
    }


def member_score(*, member: Member, year: int) -> dict:
    """A member's score for a year: total and the breakdown per rule (kind, role, count, points).

    Two small indexed queries (the year's rules, the member's verified quantities per kind and role);
    the capped points are `scoring.capped_points`, the Python twin of the ranking's SQL.
    """
    return _score(member, year, _verified_quantities(member=member, year=year))


@dataclass(frozen=True)
class Standing:
    """Where a member stands in a year: score, the minimums not reached, records awaiting review."""

    score: dict
    warnings: list[dict]
    pending: int


def member_standing(*, member: Member, year: int) -> Standing:
    """member_score(), member_warnings() and the count of submitted records, from one read of the records."""
    quantities: dict[tuple[str, str], tuple[int, int]] = {}
    pending = 0
    rows = (
        DutyRecord.objects.filter(member=member)
        .filter(Q(year=year, status=DutyRecordStatus.VERIFIED) | Q(status=DutyRecordStatus.SUBMITTED))
        .values("status", "event_kind", "role")
        .annotate(quantity=Sum("quantity"), records=Count("id"))
        .order_by()
    )
    for row in rows:
        if row["status"] == DutyRecordStatus.SUBMITTED:
            pending += row["records"]
        else:
            quantities[(row["event_kind"], row["role"])] = (row["quantity"] or 0, row["records"])
    rules, minimums = scoring_year(year)
    return Standing(_score(member, year, quantities, rules), _warnings(year, quantities, minimums), pending)


# The year's scoring rules and minimums, read by every page that shows a member's score or warnings
# (the portal home on every visit) and changed a few times a year: a cached value per committee and
# year, moved on by every save or delete of a rule or a minimum (members.apps).
SCORING = CachedValues("scoring-rules", ttl=600, per_committee=True)


def scoring_year(year: int) -> tuple[list[ScoringRule], dict[str, int]]:
    """The year's scoring rules (by kind and role) and its minimums (the defaults where none is set)."""

    def read() -> tuple[list[ScoringRule], dict[str, int]]:
        rules = list(ScoringRule.objects.filter(year=year).order_by("event_kind", "role"))
        found = dict(YearlyMinimum.objects.filter(year=year).values_list("metric", "minimum"))
        return rules, {metric: found.get(metric, default) for metric, default in DEFAULT_MINIMUMS.items()}

    return SCORING.cached(str(year), read)


def _score(
    member: Member,
    year: int,
    quantities: dict[tuple[str, str], tuple[int, int]],
    rules: list[ScoringRule] | None = None,
) -> dict:
    if rules is None:
        rules = scoring_year(year)[0]
    breakdown = []
    total = 0
    for rule in rules:
        quantity = quantities.get((rule.event_kind, rule.role), (0, 0))[0]
        if not quantity:
            continue
        points = scoring.capped_points(rule, quantity)
        total += points
        breakdown.append(
            {
                "event_kind": rule.event_kind,
                "event_kind_label": rule.get_event_kind_display(),
                "role": rule.role,
                "role_label": rule.get_role_display(),
                "quantity": quantity,
                "points_each": rule.points,
                "cap": rule.yearly_cap,
                "capped": rule.yearly_cap is not None and quantity * rule.points > rule.yearly_cap,
                "points": points,
            }
        )
    return {"member": member, "year": year, "total": total, "breakdown": breakdown}


def score_ranking(*, year: int, sector=None, committee=None, group=None) -> QuerySet[Member]:
    """Members in office ranked by their score for the year, optionally within a sector or committee.

    Each member carries `score` and `rank` (ties share a rank)."""
    qs = Member.objects.filter(status=MemberStatus.IN_OFFICE).select_related("sector", "party")
    if sector is not None:
        qs = qs.filter(sector=sector)
    if committee is not None:
        qs = qs.filter(Exists(CommitteeMembership.objects.filter(member=OuterRef("pk"), committee=committee)))
    if group is not None:
        qs = qs.filter(Exists(StreetGroupMembership.objects.filter(member=OuterRef("pk"), group=group)))
    qs, _rules = scored_members(year=year, queryset=qs)
    return qs.annotate(rank=Window(Rank(), order_by=F("score").desc())).order_by("-score", "member_number")


def yearly_minimums(year: int) -> dict[str, int]:
    return dict(scoring_year(year)[1])


def minimum_counts(*, year: int, queryset: QuerySet[Member] | None = None) -> QuerySet[Member]:
    """Members annotated with how many verified records of each minimum's kinds they have."""
    queryset = queryset if queryset is not None else Member.objects.filter(status=MemberStatus.IN_OFFICE)
    annotations = {
        f"count_{metric}": Count(
            "duty_records",
            filter=Q(
                duty_records__year=year,
                duty_records__status=DutyRecordStatus.VERIFIED,
                duty_records__event_kind__in=kinds,
            ),
        )
        for metric, kinds in MINIMUM_EVENT_KINDS.items()
    }
    return queryset.annotate(**annotations)


def members_below_minimums(*, year: int) -> list[dict]:
    """Members in office short of a yearly minimum, with what they lack."""
    minimums = yearly_minimums(year)
    below = Q()
    for metric, minimum in minimums.items():
        below |= Q(**{f"count_{metric}__lt": minimum})
    rows = (
        minimum_counts(year=year)
        .filter(below)
        .select_related("sector", "user")
        .order_by("sector__order", "member_number")
    )
    labels = dict(MinimumMetric.choices)
    result = []
    for m in rows:
        short = [
            {
                "metric": metric,
                "label": labels[metric],
                "count": getattr(m, f"count_{metric}"),
                "minimum": minimum,
            }
            for metric, minimum in minimums.items()
            if getattr(m, f"count_{metric}") < minimum
        ]
        result.append({"member": m, "short": short})
    return result


def member_warnings(*, member: Member, year: int) -> list[dict]:
    """The yearly minimums a member has not reached yet, with how far along they are."""
    return _warnings(year, _verified_quantities(member=member, year=year))


def _warnings(
    year: int, quantities: dict[tuple[str, str], tuple[int, int]], minimums: dict[str, int] | None = None
) -> list[dict]:
    labels = dict(MinimumMetric.choices)
    warnings = []
    for metric, minimum in (minimums if minimums is not None else yearly_minimums(year)).items():
        kinds = MINIMUM_EVENT_KINDS[metric]
        count = sum(records for (kind, _role), (_q, records) in quantities.items() if kind in kinds)
        if count < minimum:
            warnings.append({"metric": metric, "label": labels[metric], "count": count, "minimum": minimum})
    return warnings


def _attendance_by(field: str, year: int) -> list[dict]:
    recorded = Q(activity__starts_at__year=year) & ~Q(attendance=Attendance.UNRECORDED)
    rows = (
        Participation.objects.filter(recorded)
        .values(name=F(field))
        .annotate(
            recorded=Count("id"),
            present=Count("id", filter=Q(attendance=Attendance.PRESENT)),
        )
        .order_by("name")
    )
    return [
        {
            "name": r["name"],
            "recorded": r["recorded"],
            "present": r["present"],
            "rate": round(100 * r["present"] / r["recorded"], 1) if r["recorded"] else None,
        }
        for r in rows
        if r["name"] is not None
    ]


def _score_distribution(year: int, field: str) -> list[dict]:
    """Average, lowest and highest score per body: one ranking query, grouped in Python."""
    qs, _rules = scored_members(year=year, queryset=Member.objects.filter(status=MemberStatus.IN_OFFICE))
    groups: dict[str, list[int]] = defaultdict(list)
    for name, score in qs.values_list(field, "score"):
        if name is not None:
            groups[name].append(score)
    return [
        {
            "name": name,
            "members": len(scores),
            "average": round(sum(scores) / len(scores), 1),
            "lowest": min(scores),
            "highest": max(scores),
        }
        for name, scores in sorted(groups.items())
    ]


def participation_stats(*, year: int) -> dict:
    """Participation figures of a year for the leaders' dashboard.

    Keys: attendance_by_sector / _by_committee / _by_group (name, recorded, present, rate %),
    score_by_sector / _by_committee / _by_group (name, members, average, lowest, highest),
    attendance_rate (overall %), below_minimums (count), below_minimum_members (list),
    activities_by_kind ({kind: count}), activities_by_month ({1..12: count}).
    """
    overall = (
        Participation.objects.filter(activity__starts_at__year=year)
        .exclude(attendance=Attendance.UNRECORDED)
        .aggregate(recorded=Count("id"), present=Count("id", filter=Q(attendance=Attendance.PRESENT)))
    )
    activities = activities_of_year(year=year)
    by_kind = dict(activities.values_list("kind").annotate(n=Count("id")).order_by())
    by_month = {
        row["month"]: row["n"]
        for row in activities.annotate(month=ExtractMonth("starts_at"))
        .values("month")
        .annotate(n=Count("id"))
    }
    below = members_below_minimums(year=year)
    return {
        "year": year,
        "attendance_rate": round(100 * overall["present"] / overall["recorded"], 1)
        if overall["recorded"]
        else None,
        "attendance_by_sector": _attendance_by("member__sector__name", year),
        "attendance_by_committee": _attendance_by("member__committees__name", year),
        "attendance_by_group": _attendance_by("member__street_groups__name", year),
        "score_by_sector": _score_distribution(year, "sector__name"),
        "score_by_committee": _score_distribution(year, "committees__name"),
        "score_by_group": _score_distribution(year, "street_groups__name"),
        "below_minimums": len(below),
        "below_minimum_members": [
            {
                "member_id": b["member"].pk,
                "name": b["member"].name,
                "sector": b["member"].sector.name,
                "short": b["short"],
            }
            for b in below
        ],
        "activities_by_kind": by_kind,
        "activities_by_month": {m: by_month.get(m, 0) for m in range(1, 13)},
    }


# --- for the leaders' dashboard -------------------------------------------------------------------


def activities_of_year(*, year: int) -> QuerySet[Activity]:
    """The activities a year counts (what "活动" means on every page): held or planned, not cancelled."""
    return Activity.objects.filter(starts_at__year=year).exclude(status=ActivityStatus.CANCELLED)


def activity_item_links(*, year: int) -> QuerySet:
    """One row per link between a counted activity of the year and a plan item it serves:
    item_id, work_id (the activity) and heading (its title), for the annual work summary."""
    return (
        Activity.items.through.objects.filter(activity__in=activities_of_year(year=year))
        .values("item_id", work_id=F("activity_id"), heading=F("activity__title"))
        .order_by()
    )


def activity_years() -> set[int]:
    """The years (local time) with at least one activity: the first and last from the starts_at
    index, then one EXISTS probe per year between them, in one query (never a scan of the table)."""
    span = Activity.objects.aggregate(first=Min("starts_at"), last=Max("starts_at"))
    if span["first"] is None:
        return set()
    first, last = timezone.localtime(span["first"]).year, timezone.localtime(span["last"]).year
    tz = timezone.get_current_timezone()
    probes = {
        f"y{year}": Exists(
            Activity.objects.filter(
                starts_at__gte=dt.datetime(year, 1, 1, tzinfo=tz),
                starts_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=tz),
            )
        )
        for year in range(first, last + 1)
    }
    found = Activity.objects.order_by().annotate(**probes).values(*probes)[0]
    return {int(key[1:]) for key, present in found.items() if present}


def body_ids() -> dict[str, dict[str, int]]:
    """Sector, special committee and street group ids by name, for links filtered by body (3 queries)."""
    return {
        "sector": dict(Sector.objects.values_list("name", "pk")),
        "committee": dict(SpecialCommittee.objects.values_list("name", "pk")),
        "group": dict(StreetGroup.objects.values_list("name", "pk")),
    }


def member_duty_file(*, member: Member, term: Term | None = None) -> dict:
    """A member's duty file (履职档案) for a term: scores per year, verified records, bodies."""
    term = term or member.term
    years = list(range(term.starts_on.year, min(term.ends_on.year, timezone.localdate().year) + 1))
    records = (
        DutyRecord.objects.filter(
            member=member,
            status=DutyRecordStatus.VERIFIED,
            occurred_on__gte=term.starts_on,
            occurred_on__lte=term.ends_on,
        )
        .select_related("item")
        .order_by("occurred_on", "id")
    )
    labels = dict(DutyEventKind.choices)
    by_kind = [
        {"event_kind": labels.get(row["event_kind"], row["event_kind"]), "n": row["n"], "q": row["q"]}
        for row in records.order_by()
        .values("event_kind")
        .annotate(n=Count("id"), q=Sum("quantity"))
        .order_by("event_kind")
    ]
    return {
        "member": member,
        "term": term,
        "scores": [member_score(member=member, year=y) for y in years],
        "records": records,
        "by_kind": by_kind,
        "committees": member.committee_memberships.select_related("committee"),
        "groups": member.group_memberships.select_related("group"),
        "printed_on": dt.date.today(),
    }


def stats_source_models() -> tuple[type, ...]:
    """The models `participation_stats` counts: a write to one changes those figures (scores follow
    the scoring rules and minimums, so their edits count too)."""
    return (Member, Activity, Participation, DutyRecord, ScoringRule, YearlyMinimum)
