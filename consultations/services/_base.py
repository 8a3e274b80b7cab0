"""What the consultation services share: validation and saving with an audit row, the workflow tables
(topics, outcomes, tasks, feedback, proposed topics and the year's plan, in core's one shape) with
`allowed_actions`, and the TopicEvent each step writes for the topic's printable timeline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from consultations.choices import (
    FeedbackState,
    OutcomeState,
    PlanState,
    ProposalState,
    TaskState,
    TopicState,
)
from consultations.models import (
    ConsultationPlan,
    ConsultationTopic,
    ImplementationFeedback,
    Outcome,
    PreparationTask,
    ResearchGroup,
    TopicEvent,
    TopicProposal,
)
from cppcc_portal.core import roles
from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.errors import DomainError, TransitionError
from cppcc_portal.core.workflow import Transition, Workflow, Workflows
from members.choices import DutyRole
from members.selectors import member_for_user, units_for_user
from members.services import duty_record_from_event

T = TopicState
OS = OutcomeState

# --- who may take a step (for the buttons; each service also checks who, with its own message) ---


def _office(obj, user) -> bool:
    return roles.is_staff_user(user)


def _office_or_group_leader(topic, user) -> bool:
    if roles.is_staff_user(user):
        return True
    me = member_for_user(user)
    return me is not None and any(group.leader_id == me.pk for group in topic.research_groups.all())


def _office_or_assignee(task, user) -> bool:
    if roles.is_staff_user(user):
        return True
    me = member_for_user(user)
    return me is not None and me.pk == task.assignee_id


def _office_or_unit_concerned(feedback, user) -> bool:
    return roles.is_staff_user(user) or units_for_user(user).filter(pk=feedback.unit_id).exists()


def _office_not_yet_followed_up(outcome, user) -> bool:
    return roles.is_staff_user(user) and not outcome.follow_up_on


# --- the tables -----------------------------------------------------------------------------------

# A topic's life: adoption comes with the year's plan; it is concluded when every outcome is reviewed
# a year later. While it is open (neither withdrawn nor concluded) its preparation goes on.
OPEN_TOPIC = (T.DRAFT, T.ADOPTED, T.HELD)
TOPIC_WORKFLOW = Workflow(
    labels=T,
    refusal=_lazy("A topic cannot go from “%(current)s” to “%(requested)s”."),
    enforce_may=False,
    transitions=[
        Transition("adopt", T.DRAFT, T.ADOPTED, may=_office),
        Transition("hold", T.ADOPTED, T.HELD, may=_office),
        Transition("conclude", T.HELD, T.CONCLUDED, may=_office),
        Transition("withdraw", (T.DRAFT, T.ADOPTED), T.WITHDRAWN, may=_office),
        # Outcomes, the online deliberation, tasks, groups and the work plan (the office).
        Transition("prepare", OPEN_TOPIC, may=_office),
        Transition("file_report", OPEN_TOPIC, may=_office_or_group_leader),
    ],
)

OUTCOME_WORKFLOW = Workflow(
    labels=OS,
    refusal=_lazy("An outcome cannot go from “%(current)s” to “%(requested)s”."),
    enforce_may=False,
    transitions=[
        Transition("add_recommendation", (OS.DRAFT, OS.REVIEWED), may=_office),
        Transition("review", OS.DRAFT, OS.REVIEWED, may=_office),
        Transition("submit", OS.REVIEWED, OS.SUBMITTED, may=_office),
        # After 报送: leaders' instructions, adoption decisions (and feedback asked), 回头看.
        Transition("record_instruction", OS.SUBMITTED, may=_office),
        Transition("record_adoption", OS.SUBMITTED, may=_office),
        Transition("follow_up", OS.SUBMITTED, may=_office_not_yet_followed_up),
    ],
)

TASK_WORKFLOW = Workflow(
    labels=TaskState,
    enforce_may=False,
    transitions=[Transition("done", TaskState.OPEN, TaskState.DONE, may=_office_or_assignee)],
)

FEEDBACK_WORKFLOW = Workflow(
    labels=FeedbackState,
    enforce_may=False,
    transitions=[
        Transition("answer", FeedbackState.REQUESTED, FeedbackState.ANSWERED, may=_office_or_unit_concerned)
    ],
)

# The office screens a proposed topic once: into the list, merged into a topic, or not taken up.
P = ProposalState
SCREENING_WORKFLOW = Workflow(
    labels=P,
    enforce_may=False,
    transitions=[
        Transition("accept", P.SUBMITTED, P.ACCEPTED, may=_office),
        Transition("merge", P.SUBMITTED, P.MERGED, may=_office),
        Transition("decline", P.SUBMITTED, P.DECLINED, may=_office),
    ],
)

PLAN_WORKFLOW = Workflow(
    labels=PlanState,
    enforce_may=False,
    transitions=[
        Transition(
            "adopt",
            PlanState.DRAFT,
            PlanState.ADOPTED,
            may=_office,
            refusal=_lazy("This plan is already adopted."),
        )
    ],
)

# What `user` may do now to a topic, an outcome, a task, a feedback request, a proposed topic or the
# year's plan: the buttons of the topic page, the tabs and the unit workspace.
allowed_actions = Workflows(
    {
        ConsultationTopic: TOPIC_WORKFLOW,
        Outcome: OUTCOME_WORKFLOW,
        PreparationTask: TASK_WORKFLOW,
        ImplementationFeedback: FEEDBACK_WORKFLOW,
        TopicProposal: SCREENING_WORKFLOW,
        ConsultationPlan: PLAN_WORKFLOW,
    }
).allowed_actions


def _today() -> dt.date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _validate(obj: models.Model, exclude=None) -> None:
    """full_clean, with the first failing field's message as a DomainError (a clear, named refusal)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(
            "; ".join(messages), code="invalid", field=None if field == "__all__" else field
        ) from exc


def _save(
    obj: models.Model, *, actor, action: str, before: dict | None = None, fields=None, exclude=None
) -> None:
    _validate(obj, exclude=exclude)
    if obj.pk and fields:
        obj.save(update_fields=fields)
    else:
        obj.save()
    tracked = fields or [f.name for f in obj._meta.concrete_fields if f.name != "id"]
    record_event(actor=actor, action=action, obj=obj, changes=diff(before or {}, snapshot(obj, tracked)))


def _event(
    topic: ConsultationTopic, action: str, summary: str, *, actor, on: dt.date | None = None
) -> TopicEvent:
    return TopicEvent.objects.create(
        topic=topic, action=action, summary=summary[:300], occurred_on=on or _today(), actor=_user(actor)
    )


def _move_topic(topic: ConsultationTopic, action: str, *, actor, fields: tuple = ()) -> None:
    """Take `action` along the topic's table; the row is locked so two steps at once cannot both pass."""
    topic.state = (
        ConsultationTopic.objects.select_for_update().values_list("state", flat=True).get(pk=topic.pk)
    )
    current = TOPIC_WORKFLOW.move(topic, action, actor=actor)
    _save(
        topic,
        actor=actor,
        action=f"consultations.topic_{topic.state}",
        before={"state": current},
        fields=["state", *fields],
    )


def _require_open_topic(topic: ConsultationTopic) -> None:
    if not TOPIC_WORKFLOW.allows(topic, "prepare"):
        raise TransitionError(
            _("Nothing more can be prepared for a topic that is “%(state)s”.")
            % {"state": topic.get_state_display()}
        )


def _credit(members_roles, *, kind: str, on: dt.date, title: str, source, topic, actor) -> None:
    item = topic.items.order_by("pk").first()
    for member, role in members_roles:
        duty_record_from_event(
            member=member,
            event_kind=kind,
            role=role,
            occurred_on=on,
            title=title,
            source=source,
            item=item,
            actor=actor,
        )


def _group_people(group: ResearchGroup) -> list:
    people = [(group.leader, DutyRole.LEAD)]
    people += [(m, DutyRole.PARTICIPANT) for m in group.members.all() if m.pk != group.leader_id]
    return people
