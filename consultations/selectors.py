"""Every non-trivial read of political consultation, scoped to the user in the query; the dashboard's figures."""

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

from consultations.choices import (
    ADOPTED_DECISIONS,
    Adoption,
    FeedbackState,
    OutcomeState,
    TaskState,
    TopicState,
)
from consultations.models import (
    CollectionWindow,
    ConsultationTopic,
    Discussion,
    ImplementationFeedback,
    Instruction,
    Outcome,
    OutcomeRecommendation,
    Post,
    PreparationTask,
    ResearchGroup,
    ResearchReport,
    TopicEvent,
    TopicProposal,
)
from cppcc_portal.core import roles
from cppcc_portal.core.caching import CachedValues
from members.selectors import member_for_user, units_for_user

T = TopicState
# Topics members see: once on the adopted list (drafts are the office's working list).
PUBLISHED_STATES = (T.ADOPTED, T.HELD, T.CONCLUDED)


# --- topics ---------------------------------------------------------------------------------------


def topic_list(*, user, year: int | None = None) -> QuerySet[ConsultationTopic]:
    """Topics a user may read: staff and leaders every one; members the adopted list; units those concerning them."""
    qs = ConsultationTopic.objects.select_related("plan").prefetch_related("units", "items")
    if year is not None:
        qs = qs.filter(year=year)
    if roles.can_read_everything(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = Q(pk__in=[])
    if member_for_user(user) is not None:
        scope |= Q(state__in=PUBLISHED_STATES)
    if roles.has_role(user, roles.UNIT):
        scope |= Q(pk__in=ConsultationTopic.objects.filter(units__in=units_for_user(user)).values("pk"))
    return qs.filter(scope)


# A topic's page reads the topic and eleven lists around it (about fifteen queries, most of the page's
# time) for every reader, though they change only when the office works on the topic. So the topic
# with its lists is a cached value: the same for every reader allowed to see it, per committee and
# day (the overdue marks count from today), moved on by every write to a consultation model or to a
# row it shows (consultations.apps). Whether the reader may see the topic is asked every time.
# The family also keeps each reader's rendered copy of the tab and of a topic's page (views), so it
# follows the readers' roles as well.
TOPIC_PAGES = CachedValues("consultation-topic", ttl=600, per_committee=True)


def topic_title(*, user, pk: int) -> str:
    """The title of a topic the user may read (DoesNotExist outside their scope), asked on every
    view of its page before anything cached is shown; the answer brings the title the page's frame
    shows. For the readers who all read the same topics (the office and leaders every one, members
    the published ones: ``_shared_reading``, from the reader's roles and member row now) the answer
    is a cached value of TOPIC_PAGES, moved on by every write to a topic; a unit's account, whose
    topics are its own, is answered by the database."""

    def read() -> str:
        readable = topic_list(user=user).select_related(None).prefetch_related(None).filter(pk=pk)
        return readable.values_list("title", flat=True).first() or ""

    # The office and the leaders have no member row to ask for (None is never cached: a query each time).
    if roles.can_read_everything(user):
        shared = "all"
    else:
        shared = _shared_reading(user, on_roster=member_for_user(user) is not None)
    title = read() if shared is None else TOPIC_PAGES.cached(f"title:{shared}:{pk}", read)
    if not title:
        raise ConsultationTopic.DoesNotExist("No consultation topic matches the given query.")
    return title


def topic_get(*, user, pk: int) -> ConsultationTopic:
    """One topic with everything its page shows (DoesNotExist outside the user's scope)."""
    topic_title(user=user, pk=pk)
    key = f"{pk}:{timezone.localdate().isoformat()}"
    topic = TOPIC_PAGES.cached(key, lambda: _topic_with_lists(pk))
    if topic is None:  # deleted since the check
        raise ConsultationTopic.DoesNotExist("No consultation topic matches the given query.")
    return topic


def _topic_with_lists(pk: int) -> ConsultationTopic | None:
    return (
        ConsultationTopic.objects.select_related("plan", "meeting", "working_plan", "discussion")
        .prefetch_related(
            "units",
            "items",
            Prefetch(
                "origins",
                queryset=TopicProposal.objects.select_related("member", "sector", "unit", "committee"),
            ),
            Prefetch(
                "research_groups",
                queryset=ResearchGroup.objects.select_related("leader").prefetch_related(
                    "members",
                    "activities",
                    Prefetch("reports", queryset=ResearchReport.objects.prefetch_related("files")),
                ),
            ),
            Prefetch("tasks", queryset=PreparationTask.objects.select_related("assignee")),
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.prefetch_related(
                    "instructions",
                    Prefetch(
                        "recommendations",
                        queryset=OutcomeRecommendation.objects.prefetch_related(
                            Prefetch(
                                "feedback",
                                queryset=with_overdue(ImplementationFeedback.objects.select_related("unit")),
                            )
                        ),
                    ),
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def _shared_reading(user, *, on_roster: bool) -> str | None:
    """The list of topics a user reads if it is everyone's of their kind: every topic (office,
    leaders) or the published ones (members: ``on_roster``); None for a unit's account, whose list
    is its own."""
    if roles.can_read_everything(user):
        return "all"
    if roles.has_role(user, roles.UNIT) or not on_roster:
        return None
    return "published"


def tab(*, user, year: int | None) -> dict:
    """Everything the consultation tab lists: the lists shared by everyone of the user's kind
    (``tab_lists``) and the user's own (``own_lists``), from two cached values."""
    own = own_lists(user=user)
    return {**tab_lists(user=user, year=year, on_roster=own["on_roster"]), **own}


def tab_lists(*, user, year: int | None, on_roster: bool) -> dict:
    """What the consultation tab shows everyone of the user's kind: the years with topics, the year
    shown (``year``, else the latest), its topics in plan order, the open collection windows and the
    discussions. The same for every member (and for every reader of the office), changed only by
    the office's work on consultations: a cached value of TOPIC_PAGES, per day (the windows open and
    close by date), worked out live for a unit's account. ``on_roster``: the user has a member
    record in the committee in hand (``own_lists``)."""
    today = timezone.localdate()

    def work() -> dict:
        years = topic_years()
        shown = year or (years[0] if years else today.year)
        everyone = roles.can_read_everything(user) or on_roster
        # The tab shows each topic's own fields: none of the plan, departments or items topic_list reads.
        topics = topic_list(user=user, year=shown).select_related(None).prefetch_related(None)
        return {
            "years": years,
            "year": shown,
            "topics": list(topics.order_by("planned_month", "pk")),
            "windows": list(open_windows(on=today)),
            "discussions": list(discussion_list(user=user)[:20]) if everyone else [],
        }

    shared = _shared_reading(user, on_roster=on_roster)
    if shared is None:
        return work()
    return TOPIC_PAGES.cached(f"tab:{shared}:{year or 'latest'}:{today.isoformat()}", work)


def own_lists(*, user) -> dict:
    """What the consultation tab shows of the user's own, at most fifty of each: their preparation
    tasks, research groups, speeches at consultation meetings and the topics they proposed; and
    whether they are on the roster of the committee in hand (``on_roster``). Read from rows that
    TOPIC_PAGES watches (the speeches too, consultations.apps), none of them by role: a cached value
    per user (the tab shows the proposals only to those who do not read every one)."""

    def work() -> dict:
        return {
            "on_roster": member_for_user(user) is not None,
            "tasks": list(member_tasks(user=user)[:50]),
            "proposals": list(proposals_submitted_by(user=user).order_by("-submitted_at")[:50]),
            "groups": list(member_groups(user=user)[:50]),
            "speeches": member_speeches(user=user),
        }

    return TOPIC_PAGES.cached(f"own:{user.pk}", work)


def topic_timeline(*, topic: ConsultationTopic) -> QuerySet[TopicEvent]:
    """The topic's life from its proposal to the last feedback, oldest first."""
    return (
        TopicEvent.objects.filter(topic=topic)
        .select_related("actor")
        .order_by("occurred_on", "created_at", "id")
    )


def topic_years() -> list[int]:
    return list(ConsultationTopic.objects.values_list("year", flat=True).distinct().order_by("-year"))


# --- collection -----------------------------------------------------------------------------------


def open_windows(*, on: dt.date | None = None) -> QuerySet[CollectionWindow]:
    on = on or timezone.localdate()
    return CollectionWindow.objects.filter(opens_on__lte=on, closes_on__gte=on)


def window_list() -> QuerySet[CollectionWindow]:
    return CollectionWindow.objects.annotate(proposal_count=Count("proposals"))


def proposal_list(*, user) -> QuerySet[TopicProposal]:
    """Proposed topics: staff and leaders all; everyone else those they submitted."""
    if roles.can_read_everything(user):
        return _proposals()
    if not getattr(user, "is_authenticated", False):
        return TopicProposal.objects.none()
    return proposals_submitted_by(user=user)


def proposals_submitted_by(*, user) -> QuerySet[TopicProposal]:
    """The topics a logged-in user proposed, whatever their role."""
    return _proposals().filter(submitted_by=user)


def _proposals() -> QuerySet[TopicProposal]:
    return TopicProposal.objects.select_related("window", "topic", "member", "sector", "unit", "committee")


# --- preparation ----------------------------------------------------------------------------------


def member_tasks(*, user) -> QuerySet[PreparationTask]:
    """A member's own preparation tasks, open ones first by due date."""
    member = member_for_user(user)
    if member is None:
        return PreparationTask.objects.none()
    return (
        PreparationTask.objects.filter(assignee=member)
        .select_related("topic")
        .order_by("state", "due_on", "pk")
    )


def member_groups(*, user) -> QuerySet[ResearchGroup]:
    """Research groups a member leads or sits in."""
    member = member_for_user(user)
    if member is None:
        return ResearchGroup.objects.none()
    mine = ResearchGroup.objects.filter(Q(leader=member) | Q(members=member)).values("pk")
    return (
        ResearchGroup.objects.filter(pk__in=mine)
        .select_related("topic", "leader")
        .annotate(report_count=Count("reports"))
    )


def research_group_get(*, user, pk: int) -> ResearchGroup:
    """A research group the user may open: staff and leaders any, members their own."""
    qs = ResearchGroup.objects.select_related("topic", "leader")
    if roles.can_read_everything(user):
        return qs.get(pk=pk)
    return qs.filter(pk__in=member_groups(user=user).values("pk")).get(pk=pk)


# --- online deliberation --------------------------------------------------------------------------


def discussion_list(*, user) -> QuerySet[Discussion]:
    """Discussions of the topics a user may read, with their post counts."""
    return (
        Discussion.objects.filter(topic__in=topic_list(user=user).values("pk"))
        .select_related("topic")
        .annotate(post_count=Count("posts", filter=Q(posts__is_hidden=False)))
        .order_by("-closes_on", "pk")
    )


def discussion_get(*, user, pk: int) -> Discussion:
    """A discussion, if members may read its topic (units and anonymous users cannot)."""
    if not (roles.can_read_everything(user) or member_for_user(user) is not None):
        raise Discussion.DoesNotExist
    return discussion_list(user=user).get(pk=pk)


def discussion_posts(*, discussion: Discussion, user) -> list[Post]:
    """Top-level posts with their replies; hidden ones show only to staff, leaders and their author."""
    posts = list(Post.objects.filter(discussion=discussion).select_related("author", "hidden_by"))
    member = member_for_user(user)
    everything = roles.can_read_everything(user)
    visible = [p for p in posts if everything or not p.is_hidden or (member and p.author_id == member.pk)]
    children: dict[int, list[Post]] = {}
    for post in visible:
        if post.parent_id:
            children.setdefault(post.parent_id, []).append(post)
    for post in visible:
        post.thread = children.get(post.pk, [])
    return [p for p in visible if p.parent_id is None]


# --- units ----------------------------------------------------------------------------------------


def unit_feedback_list(*, user) -> QuerySet[ImplementationFeedback]:
    """Implementation feedback asked of the user's own departments, open ones first by due date."""
    return with_overdue(
        ImplementationFeedback.objects.filter(unit__in=units_for_user(user).values("pk"))
        .select_related("unit", "recommendation__outcome__topic")
        .order_by("state", "due_on", "pk")
    )


def feedback_list(*, user) -> QuerySet[ImplementationFeedback]:
    """Feedback rows a user may read: staff and leaders all, units their own."""
    qs = ImplementationFeedback.objects.select_related("unit", "recommendation__outcome__topic")
    if roles.can_read_everything(user):
        return qs
    return qs.filter(unit__in=units_for_user(user).values("pk"))


def feedback_overdue_q(on: dt.date) -> Q:
    """Feedback overdue (反馈超期): requested from a unit and not answered by its due date (the due
    day itself is still in time). The one definition: lists, figures and reminders use it."""
    return Q(state=FeedbackState.REQUESTED, due_on__lt=on)


def with_overdue(feedback: QuerySet[ImplementationFeedback]) -> QuerySet[ImplementationFeedback]:
    """Each row with ``overdue`` (feedback_overdue_q today): the pages mark it without a rule of their own."""
    overdue = ExpressionWrapper(feedback_overdue_q(timezone.localdate()), output_field=BooleanField())
    return feedback.annotate(overdue=overdue)


def feedback_overdue(*, on: dt.date | None = None) -> QuerySet[ImplementationFeedback]:
    """Feedback still not given the day after it was due."""
    on = on or timezone.localdate()
    return ImplementationFeedback.objects.filter(feedback_overdue_q(on)).select_related(
        "unit", "recommendation__outcome__topic"
    )


def tasks_due(*, before: dt.date) -> QuerySet[PreparationTask]:
    return PreparationTask.objects.filter(state=TaskState.OPEN, due_on__lte=before).select_related(
        "assignee__user", "topic"
    )


# --- the leaders' dashboard section 协商议政 -------------------------------------------------------


def dashboard_figures(*, year: int, on: dt.date | None = None) -> dict:
    """Topics held against planned, outcomes submitted / adopted / instructed, feedback overdue.

    Four aggregate queries whatever the number of rows. "Planned" counts the adopted list (not
    withdrawn); an outcome counts as adopted when at least one recommendation was adopted or
    partly adopted. Each figure has a drill-down list in `dashboard_drilldown`.
    """
    on = on or timezone.localdate()
    topics = ConsultationTopic.objects.filter(year=year).aggregate(
        planned=Count("pk", filter=Q(state__in=PUBLISHED_STATES)),
        held=Count("pk", filter=Q(state__in=(T.HELD, T.CONCLUDED))),
        concluded=Count("pk", filter=Q(state=T.CONCLUDED)),
    )
    adopted = OutcomeRecommendation.objects.filter(outcome=OuterRef("pk"), adoption__in=ADOPTED_DECISIONS)
    outcomes = (
        Outcome.objects.filter(topic__year=year)
        .annotate(
            has_adopted=Exists(adopted),
            has_instruction=Exists(Instruction.objects.filter(outcome=OuterRef("pk"))),
        )
        .aggregate(
            submitted=Count("pk", filter=Q(state=OutcomeState.SUBMITTED)),
            adopted=Count("pk", filter=Q(has_adopted=True)),
            instructed=Count("pk", filter=Q(has_instruction=True)),
        )
    )
    recommendations = OutcomeRecommendation.objects.filter(outcome__topic__year=year).aggregate(
        total=Count("pk"),
        adopted=Count("pk", filter=Q(adoption=Adoption.ADOPTED)),
        partly=Count("pk", filter=Q(adoption=Adoption.PARTLY)),
        not_adopted=Count("pk", filter=Q(adoption=Adoption.NOT_ADOPTED)),
    )
    feedback = ImplementationFeedback.objects.filter(recommendation__outcome__topic__year=year).aggregate(
        requested=Count("pk"),
        answered=Count("pk", filter=Q(state=FeedbackState.ANSWERED)),
        overdue=Count("pk", filter=feedback_overdue_q(on)),
    )
    return {
        "year": year,
        "on": on,
        "topics": topics,
        "outcomes": outcomes,
        "recommendations": recommendations,
        "feedback": feedback,
    }


def stats_source_models() -> list[type]:
    """What the dashboard's consultation figures count: a save of any marks them stale."""
    return [ConsultationTopic, Outcome, OutcomeRecommendation, Instruction, ImplementationFeedback]


DRILLDOWNS = ("planned", "held", "submitted", "adopted", "instructed", "feedback_overdue")


def dashboard_drilldown(*, year: int, figure: str, on: dt.date | None = None) -> QuerySet:
    """The rows behind one dashboard figure (topics, outcomes or feedback), for the drill-down page."""
    on = on or timezone.localdate()
    topics = ConsultationTopic.objects.filter(year=year).order_by("planned_month", "pk")
    outcomes = Outcome.objects.filter(topic__year=year).select_related("topic").order_by("submitted_on", "pk")
    if figure == "planned":
        return topics.filter(state__in=PUBLISHED_STATES)
    if figure == "held":
        return topics.filter(state__in=(T.HELD, T.CONCLUDED))
    if figure == "submitted":
        return outcomes.filter(state=OutcomeState.SUBMITTED)
    if figure == "adopted":
        return outcomes.filter(recommendations__adoption__in=ADOPTED_DECISIONS).distinct()
    if figure == "instructed":
        return outcomes.filter(instructions__isnull=False).distinct()
    if figure == "feedback_overdue":
        return (
            feedback_overdue(on=on).filter(recommendation__outcome__topic__year=year).order_by("due_on", "pk")
        )
    raise ValueError(figure)


# --- the consultation meeting ---------------------------------------------------------------------


def topic_speeches(*, topic: ConsultationTopic) -> list:
    """The speeches selected at the topic's consultation meeting, in speaking order (oral first)."""
    if not topic.meeting_id:
        return []
    from meetings.choices import SELECTED_SPEECH_STATES
    from meetings.models import Speech

    return list(
        Speech.objects.filter(meeting_id=topic.meeting_id, state__in=SELECTED_SPEECH_STATES)
        .select_related("member", "session")
        .order_by(
            F("session__date").asc(nulls_last=True), F("speaking_order").asc(nulls_last=True), "submitted_at"
        )
    )


def linkable_meetings(*, topic: ConsultationTopic):
    """Meetings of the topic's year the office may hold its consultation at, newest first."""
    from meetings.models import Meeting

    return Meeting.objects.filter(sessions__date__year=topic.year).distinct().order_by("-created_at")[:50]


def member_speeches(*, user) -> list:
    """A member's speeches at the consultation meetings of topics (newest meeting first)."""
    member = member_for_user(user)
    if member is None:
        return []
    from meetings.models import Speech

    return list(
        Speech.objects.filter(member=member, meeting__consultation_topics__isnull=False)
        .select_related("meeting")
        .distinct()
        .order_by("-meeting__created_at", "pk")[:50]
    )
