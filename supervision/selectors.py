"""Every non-trivial read of democratic supervision, scoped to the user in the query."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from cppcc_portal.core import roles
from members.choices import Attendance
from members.models import Activity
from members.selectors import member_for_user, units_for_user
from supervision.choices import (
    FINISHED_ITEM_STATUSES,
    OPEN_STATES,
    AppointmentStatus,
    RecommendationState,
)
from supervision.models import (
    GroupActivity,
    ProgressNote,
    Recommendation,
    RecommendationEvent,
    RectificationItem,
    SupervisionGroup,
    SupervisionTopic,
    SupervisorAppointment,
    SupervisorReport,
)

S = RecommendationState
DUE_SOON_DAYS = 14


def _member_id(user) -> int | None:
    member = member_for_user(user)
    return member.pk if member is not None else None


def _in_group(member_id: int | None) -> Q:
    """Groups a member leads or sits in (leaders may not be listed among the members)."""
    if member_id is None:
        return Q(pk__in=[])
    return Q(leader_id=member_id) | Q(members__id=member_id)


# --- topics -------------------------------------------------------------------------------------


def topic_list(*, user, year: int | None = None) -> QuerySet[SupervisionTopic]:
    """Topics a user may read: staff and leaders all, members those of their groups, units none."""
    qs = SupervisionTopic.objects.select_related("item").prefetch_related("source_links")
    if year is not None:
        qs = qs.filter(year=year)
    if roles.can_read_everything(user):
        return qs
    groups = SupervisionGroup.objects.filter(_in_group(_member_id(user)))
    return qs.filter(groups__in=groups).distinct()


def topics_for_items(item_ids) -> QuerySet[SupervisionTopic]:
    """The supervision topics serving some work-plan items (for the plan's item pages)."""
    return SupervisionTopic.objects.filter(item_id__in=list(item_ids)).order_by("item_id", "id")


# --- groups -------------------------------------------------------------------------------------


def group_list(*, user, year: int | None = None) -> QuerySet[SupervisionGroup]:
    """Groups a user may open: staff and leaders all, members only the groups they lead or sit in."""
    qs = SupervisionGroup.objects.select_related("leader").prefetch_related("topics", "units", "members")
    if year is not None:
        qs = qs.filter(year=year)
    if roles.can_read_everything(user):
        return qs
    member_id = _member_id(user)
    if member_id is None:
        return qs.none()
    mine = SupervisionGroup.objects.filter(_in_group(member_id)).values("pk")
    return qs.filter(pk__in=mine)


def group_get(*, user, pk: int) -> SupervisionGroup:
    """One group the user may open (DoesNotExist otherwise, which views turn into 404)."""
    return group_list(user=user).get(pk=pk)


def can_see_internal_notes(user, group: SupervisionGroup) -> bool:
    """Internal notes are for the group's own members, the office and the leaders."""
    if roles.can_read_everything(user):
        return True
    member_id = _member_id(user)
    if member_id is None:
        return False
    if group.leader_id == member_id:
        return True
    return group.members.filter(pk=member_id).exists()


def group_ids_with_notes(user) -> set[int] | None:
    """Groups whose internal notes the user may read; None means every group (staff, leaders)."""
    if roles.can_read_everything(user):
        return None
    member_id = _member_id(user)
    if member_id is None:
        return set()
    return set(SupervisionGroup.objects.filter(_in_group(member_id)).values_list("pk", flat=True))


def group_activities(*, group: SupervisionGroup) -> QuerySet[GroupActivity]:
    """The supervision activities of a group, newest first, with their topic and attendance counts."""
    return (
        GroupActivity.objects.filter(group=group)
        .select_related("activity", "topic")
        .annotate(
            present_count=Count(
                "activity__participations", filter=Q(activity__participations__attendance=Attendance.PRESENT)
            ),
            invited_count=Count("activity__participations"),
        )
        .order_by("-activity__starts_at", "pk")
    )


def activity_list_for_user(*, user) -> QuerySet[GroupActivity]:
    """Supervision activities of the groups a user may open."""
    groups = group_list(user=user).values("pk")
    return GroupActivity.objects.filter(group__in=groups).select_related("activity", "topic", "group")


def supervision_activity_ids() -> QuerySet[Activity]:
    """Activities that are linked to a supervision group (for the members app's filters)."""
    return Activity.objects.filter(supervision_links__isnull=False).distinct()


# --- appointments -------------------------------------------------------------------------------


def appointment_list(*, user) -> QuerySet[SupervisorAppointment]:
    """Appointments a user may read: staff and leaders all, a member their own."""
    qs = (
        SupervisorAppointment.objects.select_related("member")
        .annotate(report_count=Count("reports"))
        .order_by("-recommended_on", "id")
    )
    if roles.can_read_everything(user):
        return qs
    return qs.filter(member_id=_member_id(user)) if _member_id(user) else qs.none()


def appointment_reports(*, appointment: SupervisorAppointment) -> QuerySet[SupervisorReport]:
    return SupervisorReport.objects.filter(appointment=appointment)


def active_appointments(*, on: dt.date) -> QuerySet[SupervisorAppointment]:
    """Appointments in office on a date."""
    return SupervisorAppointment.objects.filter(
        Q(term_end__isnull=True) | Q(term_end__gte=on),
        status=AppointmentStatus.APPOINTED,
        term_start__lte=on,
    ).select_related("member")


# --- recommendations ----------------------------------------------------------------------------


def _recommendation_base() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related("group", "topic", "unit").annotate(
        item_count=Count("items", distinct=True),
        open_item_count=Count("items", filter=~Q(items__status__in=FINISHED_ITEM_STATUSES), distinct=True),
        # The pages mark an overdue answer by this, not by a rule of their own (answer_overdue_q).
        answer_overdue=ExpressionWrapper(answer_overdue_q(timezone.localdate()), output_field=BooleanField()),
    )


def recommendation_list(*, user) -> QuerySet[Recommendation]:
    """Recommendations a user may read.

    Staff and leaders: all. Members: those of their groups. Unit accounts: only those sent to their
    own units (never drafts).
    """
    qs = _recommendation_base()
    if roles.can_read_everything(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = Q(pk__in=[])
    member_id = _member_id(user)
    if member_id is not None:
        scope |= Q(group__in=SupervisionGroup.objects.filter(_in_group(member_id)).values("pk"))
    if roles.has_role(user, roles.UNIT):
        scope |= Q(unit__in=units_for_user(user).values("pk")) & ~Q(state=S.DRAFT)
    return qs.filter(scope)


def unit_recommendation_list(*, user) -> QuerySet[Recommendation]:
    """What a handling unit's account sees in /units/: recommendations sent to its own units only."""
    units = units_for_user(user).values("pk")
    return _recommendation_base().filter(unit__in=units).exclude(state=S.DRAFT).order_by("due_on", "pk")


def unit_open_recommendations(*, user) -> QuerySet[Recommendation]:
    """The unit's current supervision work: recommendations it still owes an answer or rectification on."""
    return unit_recommendation_list(user=user).filter(state__in=OPEN_STATES)


def unit_closed_recommendations(*, user) -> QuerySet[Recommendation]:
    """The unit's finished recommendations, latest due first (history: shown a page at a time)."""
    return unit_recommendation_list(user=user).filter(state=S.CLOSED).order_by("-due_on", "-pk")


def recommendation_get(*, user, pk: int, for_unit: bool = False) -> Recommendation:
    """One recommendation with its items, notes, events and reviews (DoesNotExist outside the scope)."""
    qs = unit_recommendation_list(user=user) if for_unit else recommendation_list(user=user)
    return qs.prefetch_related(
        Prefetch(
            "items",
            queryset=RectificationItem.objects.prefetch_related(
                Prefetch("notes", queryset=ProgressNote.objects.select_related("reported_by"))
            ),
        ),
        Prefetch("events", queryset=RecommendationEvent.objects.select_related("actor")),
        "reviews",
    ).get(pk=pk)


def rectification_item_list(*, user) -> QuerySet[RectificationItem]:
    """Rectification items of the recommendations a user may read."""
    visible = recommendation_list(user=user).values("pk")
    return RectificationItem.objects.filter(recommendation__in=visible).select_related(
        "recommendation", "recommendation__unit"
    )


def rectification_item_get(*, user, pk: int) -> RectificationItem:
    return rectification_item_list(user=user).get(pk=pk)


# --- overdue ------------------------------------------------------------------------------------


def answer_overdue_q(on: dt.date) -> Q:
    """Answer overdue (答复超期): a sent recommendation whose answer is past due on `on` (the due day
    itself is still in time). The one definition: lists, counts and reminders use it."""
    return Q(state=S.SENT, due_on__lt=on)


def rectification_overdue_q(on: dt.date, prefix: str = "") -> Q:
    """Rectification overdue (整改超期): an item not finished by its due date, of a recommendation not
    yet closed; `prefix` reaches items through a relation."""
    return (
        Q(**{f"{prefix}due_on__lt": on})
        & ~Q(**{f"{prefix}status__in": FINISHED_ITEM_STATUSES})
        & ~Q(**{f"{prefix}recommendation__state": S.CLOSED})
    )


def recommendations_overdue(*, on: dt.date) -> QuerySet[Recommendation]:
    """Sent recommendations whose answer is overdue on `on` (`answer_overdue_q`)."""
    return _recommendation_base().filter(answer_overdue_q(on)).order_by("due_on", "pk")


def rectification_items_overdue(*, on: dt.date) -> QuerySet[RectificationItem]:
    """Rectification items overdue on `on` (`rectification_overdue_q`)."""
    return (
        RectificationItem.objects.filter(rectification_overdue_q(on))
        .select_related("recommendation", "recommendation__unit")
        .order_by("due_on", "pk")
    )


def _overdue_item_exists(on: dt.date):
    return Exists(
        RectificationItem.objects.filter(rectification_overdue_q(on), recommendation=OuterRef("pk"))
    )


def _counts(on: dt.date, soon: dt.date) -> dict:
    """Aggregate expressions shared by the totals and the per-department / per-topic rows."""
    return {
        "total": Count("pk", filter=~Q(state=S.DRAFT)),
        "open": Count("pk", filter=Q(state__in=OPEN_STATES)),
        "awaiting_answer": Count("pk", filter=Q(state=S.SENT)),
        "due_soon": Count("pk", filter=Q(state=S.SENT, due_on__gte=on, due_on__lte=soon)),
        "overdue_answer": Count("pk", filter=answer_overdue_q(on)),
        "overdue_rectification": Count("pk", filter=Q(state__in=OPEN_STATES, has_overdue_item=True)),
        "rectified": Count("pk", filter=Q(state=S.CLOSED)),
    }


def supervision_stats(*, year: int, on: dt.date | None = None) -> dict:
    """Recommendations of a year: open, due soon, overdue, rectified; totals, by department, by topic.

    Three aggregate queries whatever the number of recommendations. "Overdue" counts an answer past
    due or a rectification item past due; "due soon" is an unanswered one due within 14 days.
    """
    on = on or timezone.localdate()
    soon = on + dt.timedelta(days=DUE_SOON_DAYS)
    base = Recommendation.objects.filter(topic__year=year).annotate(has_overdue_item=_overdue_item_exists(on))
    counts = _counts(on, soon)
    totals = base.aggregate(**counts)
    by_unit = list(
        base.values("unit_id", "unit__name").annotate(**counts).filter(total__gt=0).order_by("unit__name")
    )
    by_topic = list(
        base.values("topic_id", "topic__title")
        .annotate(**counts)
        .filter(total__gt=0)
        .order_by("topic__title")
    )
    for row in (totals, *by_unit, *by_topic):
        row["overdue"] = row["overdue_answer"] + row["overdue_rectification"]
    return {
        "year": year,
        "on": on,
        "totals": totals,
        "by_unit": [{"unit_id": r.pop("unit_id"), "name": r.pop("unit__name"), **r} for r in by_unit],
        "by_topic": [{"topic_id": r.pop("topic_id"), "title": r.pop("topic__title"), **r} for r in by_topic],
    }


def status_overdue_lists(*, year: int, on: dt.date) -> dict:
    """The overdue answers and overdue rectification items of a year, for the status page."""
    return {
        "answers": list(recommendations_overdue(on=on).filter(topic__year=year)),
        "items": list(rectification_items_overdue(on=on).filter(recommendation__topic__year=year)),
    }


def status_years() -> list[int]:
    """Years that have supervision topics, newest first."""
    return list(SupervisionTopic.objects.values_list("year", flat=True).distinct().order_by("-year"))


# --- for the leaders' dashboard -------------------------------------------------------------------


def topic_item_links(*, year: int) -> QuerySet:
    """One row per supervision topic of the year that serves a plan item: item_id, work_id (the
    topic) and heading (its title), for the annual work summary."""
    return (
        SupervisionTopic.objects.filter(year=year, item__isnull=False)
        .values("item_id", work_id=F("pk"), heading=F("title"))
        .order_by()
    )


def stats_source_models() -> tuple[type, ...]:
    """The models `supervision_stats` and the summary's topics count: a write to one changes them."""
    return (SupervisionTopic, Recommendation, RectificationItem)


def topics_of_year(*, year: int) -> QuerySet[SupervisionTopic]:
    """The supervision topics of a year (what "监督议题" counts on the dashboard's pages)."""
    return SupervisionTopic.objects.filter(year=year)
