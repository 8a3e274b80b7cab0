"""Every write of political consultation: plan and topics, collection, preparation, outcomes, feedback.

Each step of a topic's life also writes a TopicEvent, the row its printable timeline shows.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.choices import (
    ADOPTED_DECISIONS,
    RESEARCH_ACTIVITY_KINDS,
    SOURCE_FOR_PROPOSER,
    Adoption,
    FeedbackState,
    InstructionLevel,
    OutcomeKind,
    OutcomeState,
    PlanState,
    ProposalState,
    ProposerKind,
    TaskState,
    TopicState,
)
from consultations.models import (
    CollectionWindow,
    ConsultationPlan,
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
    ResearchReportFile,
    TopicEvent,
    TopicProposal,
    WorkingPlan,
)
from cppcc_portal.core import roles
from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.notifications.services import cancel_pending, notify
from members.choices import DutyEventKind, DutyRole
from members.selectors import member_for_user, units_for_user
from members.services import duty_record_from_event
from members.uploads import check_upload

T = TopicState

# The one table of a topic's life: (from, to). Adoption comes with the year's plan.
TOPIC_TRANSITIONS = {
    (T.DRAFT, T.ADOPTED),
    (T.ADOPTED, T.HELD),
    (T.HELD, T.CONCLUDED),
    (T.DRAFT, T.WITHDRAWN),
    (T.ADOPTED, T.WITHDRAWN),
}
OS = OutcomeState
OUTCOME_TRANSITIONS = {(OS.DRAFT, OS.REVIEWED), (OS.REVIEWED, OS.SUBMITTED)}


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


def _require_staff(actor) -> None:
    if not roles.is_staff_user(actor):
        raise PermissionDeniedError(_("Only the office may do this."))


def _event(
    topic: ConsultationTopic, action: str, summary: str, *, actor, on: dt.date | None = None
) -> TopicEvent:
    return TopicEvent.objects.create(
        topic=topic, action=action, summary=summary[:300], occurred_on=on or _today(), actor=_user(actor)
    )


def _move_topic(topic: ConsultationTopic, to_state: str, *, actor, fields: tuple = ()) -> None:
    """Move a topic along its table; the row is locked so two steps at once cannot both pass."""
    current = ConsultationTopic.objects.select_for_update().values_list("state", flat=True).get(pk=topic.pk)
    if (current, to_state) not in TOPIC_TRANSITIONS:
        raise TransitionError(
            _("A topic cannot go from “%(current)s” to “%(requested)s”.")
            % {"current": T(current).label, "requested": T(to_state).label}
        )
    topic.state = to_state
    _save(
        topic,
        actor=actor,
        action=f"consultations.topic_{to_state}",
        before={"state": current},
        fields=["state", *fields],
    )


# --- the year's plan and its topics ---------------------------------------------------------------


@transaction.atomic
def topic_save(
    *,
    topic: ConsultationTopic,
    actor,
    units: Iterable | None = None,
    items: Iterable | None = None,
    origin: TopicProposal | None = None,
) -> ConsultationTopic:
    """Create or edit a consultation topic of the year's list (the office)."""
    _require_staff(actor)
    creating = topic.pk is None
    before = {}
    if not creating:
        before = snapshot(
            ConsultationTopic.objects.get(pk=topic.pk), ["title", "source", "form", "lead_body"]
        )
    if topic.plan_id and topic.plan.year != topic.year:
        raise DomainError(
            _("The topic belongs to another year than the plan."), code="wrong_year", field="plan"
        )
    _save(topic, actor=actor, action="consultations.topic_saved", before=before, exclude=["units", "items"])
    if units is not None:
        topic.units.set(units)
    if items is not None:
        topic.items.set(items)
    if origin is not None:
        _origin_event(origin, topic, actor)
    if creating:
        _event(
            topic, "created", _("Topic entered in the list: %(title)s") % {"title": topic.title}, actor=actor
        )
    return topic


@transaction.atomic
def plan_adopt(
    *, plan: ConsultationPlan, adopted_on: dt.date | None = None, note: str = "", actor
) -> ConsultationPlan:
    """Record the standing committee's adoption of the year's topic list; its draft topics become adopted."""
    _require_staff(actor)
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state == PlanState.ADOPTED:
        raise DomainError(_("This plan is already adopted."), code="already_adopted")
    drafts = list(plan.topics.filter(state=T.DRAFT))
    if not drafts:
        raise DomainError(_("The plan has no draft topics to adopt."), code="no_topics")
    plan.state = PlanState.ADOPTED
    plan.adopted_on = adopted_on or _today()
    plan.adoption_note = note
    _save(
        plan,
        actor=actor,
        action="consultations.plan_adopted",
        before={"state": PlanState.DRAFT},
        fields=["state", "adopted_on", "adoption_note"],
    )
    for topic in drafts:
        _move_topic(topic, T.ADOPTED, actor=actor)
        summary = _("Adopted in %(plan)s") % {"plan": plan.title}
        if note:
            summary += f"（{note}）"
        _event(topic, "adopted", summary, actor=actor, on=plan.adopted_on)
    return plan


@transaction.atomic
def topic_withdraw(*, topic: ConsultationTopic, reason: str, actor) -> ConsultationTopic:
    """Take a topic off the year's list, for a stated reason."""
    _require_staff(actor)
    if not reason.strip():
        raise DomainError(
            _("Give a reason for withdrawing the topic."), code="reason_required", field="reason"
        )
    _move_topic(topic, T.WITHDRAWN, actor=actor)
    _event(topic, "withdrawn", _("Withdrawn: %(reason)s") % {"reason": reason.strip()}, actor=actor)
    return topic


@transaction.atomic
def topic_record_held(
    *, topic: ConsultationTopic, held_on: dt.date, minutes: str = "", actor
) -> ConsultationTopic:
    """The consultation meeting on the topic took place (department heads reported, members spoke)."""
    _require_staff(actor)
    topic.held_on = held_on
    topic.meeting_note = minutes.strip()
    _move_topic(topic, T.HELD, actor=actor, fields=("held_on", "meeting_note"))
    _event(
        topic,
        "held",
        _("Consultation held (%(form)s)") % {"form": topic.get_form_display()},
        actor=actor,
        on=held_on,
    )
    return topic


# --- topic collection -----------------------------------------------------------------------------


@transaction.atomic
def window_save(*, window: CollectionWindow, actor) -> CollectionWindow:
    """Open (or change) a topic collection window; members hear of it through the reminder rule."""
    _require_staff(actor)
    _save(window, actor=actor, action="consultations.window_saved")
    return window


def _proposer_fields(actor, proposer_kind: str, fields: dict) -> dict:
    """Who a proposal is from, checked against who is proposing (the office may enter any)."""
    if proposer_kind not in ProposerKind.values:
        raise DomainError(_("Say who proposes the topic."), code="invalid", field="proposer_kind")
    if roles.is_staff_user(actor):
        return fields
    if proposer_kind == ProposerKind.MEMBER:
        member = member_for_user(actor)
        if member is None:
            raise PermissionDeniedError(_("Only members may propose a topic as a member."))
        return {"member": member}
    if proposer_kind == ProposerKind.SECTOR:
        member = member_for_user(actor)
        if member is None or member.sector_id is None:
            raise PermissionDeniedError(_("Only a member of a sector may propose a topic for it."))
        return {"member": member, "sector": member.sector}
    if proposer_kind == ProposerKind.UNIT:
        unit = units_for_user(actor).first()
        if unit is None:
            raise PermissionDeniedError(_("Only a department's account may propose a topic for it."))
        return {"unit": unit}
    raise PermissionDeniedError(_("Only the office may enter a proposal from a committee or the public."))


@transaction.atomic
def topic_propose(
    *,
    window: CollectionWindow,
    title: str,
    reason: str,
    proposer_kind: str,
    actor,
    today: dt.date | None = None,
    **proposer,
) -> TopicProposal:
    """Propose a consultation topic with a reason, while the collection window is open."""
    today = today or _today()
    if not window.is_open_on(today):
        raise DomainError(
            _("Topics are collected from %(opens)s to %(closes)s; this window is not open.")
            % {"opens": window.opens_on.isoformat(), "closes": window.closes_on.isoformat()},
            code="window_closed",
        )
    if not title.strip() or not reason.strip():
        raise DomainError(_("Give the topic and the reason for it."), code="invalid", field="reason")
    proposal = TopicProposal(
        window=window,
        title=title.strip(),
        reason=reason.strip(),
        proposer_kind=proposer_kind,
        submitted_by=_user(actor),
        **_proposer_fields(actor, proposer_kind, proposer),
    )
    _save(proposal, actor=actor, action="consultations.topic_proposed")
    return proposal


def _require_submitted(proposal: TopicProposal) -> None:
    if proposal.state != ProposalState.SUBMITTED:
        raise TransitionError(
            _("This proposal was already screened (%(state)s).") % {"state": proposal.get_state_display()}
        )


def _origin_event(proposal: TopicProposal, topic: ConsultationTopic, actor) -> None:
    _event(
        topic,
        "proposed",
        _("Proposed by %(origin)s: %(title)s") % {"origin": proposal.origin, "title": proposal.title},
        actor=proposal.submitted_by or actor,
        on=timezone.localtime(proposal.submitted_at).date(),
    )


@transaction.atomic
def proposal_accept(
    *, proposal: TopicProposal, form: str, lead_body: str, plan: ConsultationPlan | None = None, actor
) -> ConsultationTopic:
    """Take a proposed topic into the year's list as a new draft topic that remembers its origin."""
    _require_staff(actor)
    _require_submitted(proposal)
    topic = ConsultationTopic(
        year=proposal.window.year,
        plan=plan,
        title=proposal.title,
        description=proposal.reason,
        source=SOURCE_FOR_PROPOSER[proposal.proposer_kind],
        form=form,
        lead_body=lead_body,
    )
    if ConsultationTopic.objects.filter(year=topic.year, title=topic.title).exists():
        raise DomainError(
            _("The list already has a topic with this title; merge the proposal into it instead."),
            code="duplicate_topic",
        )
    topic_save(topic=topic, actor=actor, origin=proposal)
    proposal.state = ProposalState.ACCEPTED
    proposal.topic = topic
    _save(proposal, actor=actor, action="consultations.proposal_accepted", fields=["state", "topic"])
    return topic


@transaction.atomic
def proposal_merge(
    *, proposal: TopicProposal, topic: ConsultationTopic, note: str = "", actor
) -> TopicProposal:
    """Merge a proposed topic into a topic of the list (several proposals, one topic)."""
    _require_staff(actor)
    _require_submitted(proposal)
    if topic.year != proposal.window.year:
        raise DomainError(_("The topic belongs to another year than the collection."), code="wrong_year")
    proposal.state = ProposalState.MERGED
    proposal.topic = topic
    proposal.screening_note = note.strip()
    _save(
        proposal,
        actor=actor,
        action="consultations.proposal_merged",
        fields=["state", "topic", "screening_note"],
    )
    _origin_event(proposal, topic, actor)
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: TopicProposal, note: str, actor) -> TopicProposal:
    """Do not take a proposed topic up, for a reason the proposer can read."""
    _require_staff(actor)
    _require_submitted(proposal)
    if not note.strip():
        raise DomainError(
            _("Give the reason the topic is not taken up."), code="reason_required", field="note"
        )
    proposal.state = ProposalState.DECLINED
    proposal.screening_note = note.strip()
    _save(proposal, actor=actor, action="consultations.proposal_declined", fields=["state", "screening_note"])
    return proposal


# --- preparation ----------------------------------------------------------------------------------


def _require_open_topic(topic: ConsultationTopic) -> None:
    if topic.state in (T.WITHDRAWN, T.CONCLUDED):
        raise TransitionError(
            _("Nothing more can be prepared for a topic that is “%(state)s”.")
            % {"state": topic.get_state_display()}
        )


@transaction.atomic
def working_plan_save(
    *, topic: ConsultationTopic, text: str, approved_on: dt.date | None = None, actor
) -> WorkingPlan:
    """Write or revise the topic's work plan (方案)."""
    _require_staff(actor)
    _require_open_topic(topic)
    plan, created = WorkingPlan.objects.get_or_create(
        topic=topic, defaults={"text": text, "approved_on": approved_on}
    )
    if not created:
        plan.text, plan.approved_on = text, approved_on
    _save(plan, actor=actor, action="consultations.working_plan_saved")
    if created or approved_on:
        summary = _("Work plan approved") if approved_on else _("Work plan drafted")
        _event(topic, "working_plan", summary, actor=actor, on=approved_on)
    return plan


@transaction.atomic
def research_group_save(
    *, topic: ConsultationTopic, name: str, leader, members: Iterable = (), actor
) -> ResearchGroup:
    """Form (or re-form) a research group for a topic: a leader and members."""
    _require_staff(actor)
    _require_open_topic(topic)
    group = ResearchGroup.objects.filter(topic=topic, name=name).first() or ResearchGroup(
        topic=topic, name=name
    )
    created = group.pk is None
    group.leader = leader
    _save(group, actor=actor, action="consultations.research_group_saved", exclude=["members", "activities"])
    group.members.set([m for m in members if getattr(m, "pk", m) != leader.pk])
    if created:
        _event(
            topic,
            "research_group",
            _("Research group formed: %(name)s, led by %(leader)s") % {"name": name, "leader": leader},
            actor=actor,
        )
    return group


@transaction.atomic
def research_activity_link(*, group: ResearchGroup, activity, actor):
    """Count an inspection, survey or symposium (a members.Activity) as the group's research."""
    _require_staff(actor)
    if activity.kind not in RESEARCH_ACTIVITY_KINDS:
        raise DomainError(
            _("Only inspections, surveys, symposia, meetings and hearings count as research."),
            code="wrong_activity_kind",
            field="activity",
        )
    group.activities.add(activity)
    record_event(actor=actor, action="consultations.research_activity_linked", obj=group, note=str(activity))
    _event(
        group.topic,
        "research_activity",
        _("%(kind)s: %(title)s") % {"kind": activity.get_kind_display(), "title": activity.title},
        actor=actor,
        on=timezone.localtime(activity.starts_at).date(),
    )
    return activity


@transaction.atomic
def research_activity_create(
    *,
    group: ResearchGroup,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    actor,
):
    """Plan a research activity as a members.Activity, invite the group and link it (attendance is the members app's)."""
    from members.models import Activity
    from members.services import activity_invite, activity_save

    _require_staff(actor)
    if kind not in RESEARCH_ACTIVITY_KINDS:
        raise DomainError(
            _("Only inspections, surveys, symposia, meetings and hearings count as research."),
            code="wrong_activity_kind",
            field="kind",
        )
    activity = activity_save(
        activity=Activity(title=title, kind=kind, starts_at=starts_at, ends_at=ends_at, place=place),
        actor=actor,
    )
    item_ids = list(group.topic.items.values_list("pk", flat=True))
    if item_ids:
        activity.items.add(*item_ids)
    activity_invite(activity=activity, members=[group.leader, *group.members.all()], actor=actor)
    return research_activity_link(group=group, activity=activity, actor=actor)


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


def _may_file_report(actor, group: ResearchGroup) -> bool:
    if roles.is_staff_user(actor):
        return True
    member = member_for_user(actor)
    return member is not None and member.pk == group.leader_id


@transaction.atomic
def research_report_file(
    *,
    group: ResearchGroup,
    title: str,
    text: str,
    files: Iterable = (),
    filed_on: dt.date | None = None,
    actor,
) -> ResearchReport:
    """File a research report (调研报告) with its files; the group earns its duty records."""
    if not _may_file_report(actor, group):
        raise PermissionDeniedError(_("Only the group's leader or the office may file its report."))
    _require_open_topic(group.topic)
    files = list(files)
    for upload in files:
        check_upload(upload)
    report = ResearchReport(
        group=group,
        title=title.strip(),
        text=text.strip(),
        filed_on=filed_on or _today(),
        filed_by=_user(actor),
    )
    _save(report, actor=actor, action="consultations.research_report_filed")
    for upload in files:
        stored = ResearchReportFile(
            report=report, original_name=os.path.basename(upload.name)[:200], size=upload.size
        )
        stored.file.save(os.path.basename(upload.name), upload, save=False)
        stored.save()
    _credit(
        _group_people(group),
        kind=DutyEventKind.RESEARCH_REPORT,
        on=report.filed_on,
        title=report.title,
        source=report,
        topic=group.topic,
        actor=actor,
    )
    _event(
        group.topic,
        "research_report",
        _("Research report filed: %(title)s") % {"title": report.title},
        actor=actor,
        on=report.filed_on,
    )
    return report


@transaction.atomic
def task_add(
    *,
    topic: ConsultationTopic,
    description: str,
    due_on: dt.date,
    assignee=None,
    assignee_name: str = "",
    actor,
) -> PreparationTask:
    """Give someone a preparation task (who writes what by when); a member assignee is told."""
    _require_staff(actor)
    _require_open_topic(topic)
    task = PreparationTask(
        topic=topic,
        description=description.strip(),
        due_on=due_on,
        assignee=assignee,
        assignee_name=assignee_name,
    )
    _save(task, actor=actor, action="consultations.task_added")
    user = getattr(assignee, "user", None)
    if user is not None and user.is_active:
        notify(
            recipient=user,
            kind="consultations.task_assigned",
            dedupe_key=f"consultations:task:{task.pk}:assigned",
            title=_("Consultation task: %(task)s") % {"task": task.description[:120]},
            body=_("For “%(topic)s”, due on %(date)s.") % {"topic": topic.title, "date": due_on.isoformat()},
            link=reverse("consultations:topic", args=[topic.pk]),
            about=task,
        )
    return task


@transaction.atomic
def task_done(*, task: PreparationTask, actor, done_on: dt.date | None = None) -> PreparationTask:
    """Mark a preparation task done (its member or the office)."""
    member = member_for_user(actor)
    if not roles.is_staff_user(actor) and (member is None or member.pk != task.assignee_id):
        raise PermissionDeniedError(_("Only the person responsible or the office may close this task."))
    if task.state == TaskState.DONE:
        raise DomainError(_("This task is already done."), code="task_done")
    task.state = TaskState.DONE
    task.done_on = done_on or _today()
    _save(
        task,
        actor=actor,
        action="consultations.task_done",
        before={"state": TaskState.OPEN},
        fields=["state", "done_on"],
    )
    cancel_pending(about=task, kind_prefix="consultations.")
    _event(
        task.topic,
        "task_done",
        _("Done: %(task)s (%(who)s)") % {"task": task.description, "who": task.responsible},
        actor=actor,
        on=task.done_on,
    )
    return task


# --- outcomes -------------------------------------------------------------------------------------


@transaction.atomic
def outcome_create(
    *,
    topic: ConsultationTopic,
    kind: str,
    title: str,
    summary: str = "",
    recommendations: Iterable[str] = (),
    actor,
) -> Outcome:
    """Draft the outcome of a consultation, with its numbered recommendations."""
    _require_staff(actor)
    _require_open_topic(topic)
    if kind not in OutcomeKind.values:
        raise DomainError(_("Choose the kind of outcome."), code="invalid", field="kind")
    outcome = Outcome(topic=topic, kind=kind, title=title.strip(), summary=summary.strip())
    _save(outcome, actor=actor, action="consultations.outcome_drafted")
    for text in recommendations:
        if text.strip():
            recommendation_add(outcome=outcome, text=text, actor=actor)
    _event(
        topic,
        "outcome_drafted",
        _("%(kind)s drafted: %(title)s") % {"kind": outcome.get_kind_display(), "title": outcome.title},
        actor=actor,
    )
    return outcome


@transaction.atomic
def recommendation_add(*, outcome: Outcome, text: str, actor) -> OutcomeRecommendation:
    """Add the next numbered recommendation to an outcome that is not yet submitted."""
    _require_staff(actor)
    if outcome.state == OS.SUBMITTED:
        raise DomainError(_("A submitted outcome keeps its recommendations."), code="submitted")
    if not text.strip():
        raise DomainError(_("Write the recommendation."), code="invalid", field="text")
    locked = Outcome.objects.select_for_update().get(pk=outcome.pk)
    number = (locked.recommendations.aggregate(n=models.Max("number"))["n"] or 0) + 1
    recommendation = OutcomeRecommendation(outcome=outcome, number=number, text=text.strip())
    _save(recommendation, actor=actor, action="consultations.recommendation_added")
    return recommendation


def _move_outcome(outcome: Outcome, to_state: str, *, actor, fields: tuple = ()) -> None:
    current = Outcome.objects.select_for_update().values_list("state", flat=True).get(pk=outcome.pk)
    if (current, to_state) not in OUTCOME_TRANSITIONS:
        raise TransitionError(
            _("An outcome cannot go from “%(current)s” to “%(requested)s”.")
            % {"current": OS(current).label, "requested": OS(to_state).label}
        )
    if not outcome.recommendations.exists():
        raise DomainError(
            _("An outcome without recommendations cannot be reviewed or submitted; add them first."),
            code="no_recommendations",
        )
    outcome.state = to_state
    _save(
        outcome,
        actor=actor,
        action=f"consultations.outcome_{to_state}",
        before={"state": current},
        fields=["state", *fields],
    )


@transaction.atomic
def outcome_review(*, outcome: Outcome, actor, reviewed_on: dt.date | None = None) -> Outcome:
    """The office has reviewed the draft outcome and its recommendations."""
    _require_staff(actor)
    outcome.reviewed_on = reviewed_on or _today()
    _move_outcome(outcome, OS.REVIEWED, actor=actor, fields=("reviewed_on",))
    _event(
        outcome.topic,
        "outcome_reviewed",
        _("Outcome reviewed: %(title)s") % {"title": outcome.title},
        actor=actor,
        on=outcome.reviewed_on,
    )
    return outcome


@transaction.atomic
def outcome_submit(
    *, outcome: Outcome, document_number: str, submitted_to: str, submitted_on: dt.date | None = None, actor
) -> Outcome:
    """报送: send the outcome to the party committee and the government, with its document number."""
    _require_staff(actor)
    if not document_number.strip():
        raise DomainError(
            _("Give the document number of the submission."), code="invalid", field="document_number"
        )
    if not submitted_to.strip():
        raise DomainError(_("Say to whom the outcome is submitted."), code="invalid", field="submitted_to")
    outcome.submitted_on = submitted_on or _today()
    outcome.document_number = document_number.strip()
    outcome.submitted_to = submitted_to.strip()
    _move_outcome(
        outcome, OS.SUBMITTED, actor=actor, fields=("submitted_on", "document_number", "submitted_to")
    )
    _event(
        outcome.topic,
        "outcome_submitted",
        _("Submitted to %(to)s, %(number)s: %(title)s")
        % {"to": outcome.submitted_to, "number": outcome.document_number, "title": outcome.title},
        actor=actor,
        on=outcome.submitted_on,
    )
    return outcome


def _require_submitted_outcome(outcome: Outcome) -> None:
    if outcome.state != OS.SUBMITTED:
        raise TransitionError(_("This can be recorded only after the outcome is submitted."))


@transaction.atomic
def instruction_record(
    *, outcome: Outcome, leader_name: str, level: str, text: str, given_on: dt.date, actor
) -> Instruction:
    """Record a leader's instruction (批示) on a submitted outcome."""
    _require_staff(actor)
    _require_submitted_outcome(outcome)
    if level not in InstructionLevel.values:
        raise DomainError(_("Choose the level of the instruction."), code="invalid", field="level")
    instruction = Instruction(
        outcome=outcome, leader_name=leader_name.strip(), level=level, text=text.strip(), given_on=given_on
    )
    _save(instruction, actor=actor, action="consultations.instruction_recorded")
    _event(
        outcome.topic,
        "instruction",
        _("Instruction by %(leader)s (%(level)s): %(text)s")
        % {
            "leader": instruction.leader_name,
            "level": instruction.get_level_display(),
            "text": instruction.text[:120],
        },
        actor=actor,
        on=given_on,
    )
    return instruction


@transaction.atomic
def adoption_record(
    *,
    recommendation: OutcomeRecommendation,
    adoption: str,
    reason: str = "",
    decided_on: dt.date | None = None,
    actor,
) -> OutcomeRecommendation:
    """Record whether a recommendation was adopted, partly adopted (reason) or not adopted (reason)."""
    _require_staff(actor)
    outcome = recommendation.outcome
    _require_submitted_outcome(outcome)
    if adoption not in Adoption.values or adoption == Adoption.PENDING:
        raise DomainError(
            _("Choose adopted, partly adopted or not adopted."), code="invalid", field="adoption"
        )
    if adoption != Adoption.ADOPTED and not reason.strip():
        raise DomainError(
            _("Give the reason a recommendation was only partly or not adopted."),
            code="reason_required",
            field="reason",
        )
    before = snapshot(recommendation, ["adoption"])
    recommendation.adoption = adoption
    recommendation.adoption_reason = reason.strip()
    recommendation.decided_on = decided_on or _today()
    _save(
        recommendation,
        actor=actor,
        action="consultations.adoption_recorded",
        before=before,
        fields=["adoption", "adoption_reason", "decided_on"],
    )
    if adoption in ADOPTED_DECISIONS:
        people = [
            p
            for group in outcome.topic.research_groups.prefetch_related("members")
            for p in _group_people(group)
        ]
        _credit(
            people,
            kind=DutyEventKind.CONSULTATION_ADOPTED,
            on=recommendation.decided_on,
            title=outcome.title,
            source=outcome,
            topic=outcome.topic,
            actor=actor,
        )
    summary = _("Recommendation %(number)s: %(adoption)s") % {
        "number": recommendation.number,
        "adoption": recommendation.get_adoption_display(),
    }
    if recommendation.adoption_reason:
        summary += f"（{recommendation.adoption_reason[:120]}）"
    _event(outcome.topic, "adoption", summary, actor=actor, on=recommendation.decided_on)
    return recommendation


@transaction.atomic
def feedback_request(
    *, recommendation: OutcomeRecommendation, units: Iterable, due_on: dt.date, actor
) -> list[ImplementationFeedback]:
    """Ask the departments concerned for implementation feedback (落实反馈) on an adopted recommendation."""
    _require_staff(actor)
    if recommendation.adoption not in ADOPTED_DECISIONS:
        raise DomainError(
            _("Feedback is asked only on adopted or partly adopted recommendations."), code="not_adopted"
        )
    units = list(units)
    if not units:
        raise DomainError(_("Choose the departments that report back."), code="invalid", field="units")
    concerned = set(recommendation.outcome.topic.units.values_list("pk", flat=True))
    outside = [u.name for u in units if u.pk not in concerned]
    if outside:
        raise DomainError(
            _("%(units)s is not among the departments concerned by this topic.")
            % {"units": "、".join(outside)},
            code="unit_not_concerned",
            field="units",
        )
    rows = []
    link = reverse("consultations_units:list")
    for unit in units:
        feedback, created = ImplementationFeedback.objects.get_or_create(
            recommendation=recommendation, unit=unit, defaults={"due_on": due_on}
        )
        if not created:
            continue
        record_event(actor=actor, action="consultations.feedback_requested", obj=feedback)
        rows.append(feedback)
        for account in unit.accounts.filter(is_active=True):
            notify(
                recipient=account,
                kind="consultations.feedback_requested",
                dedupe_key=f"consultations:feedback:{feedback.pk}:requested:{account.pk}",
                title=_("Implementation feedback requested: %(title)s")
                % {"title": recommendation.outcome.title},
                body=_("Report on recommendation %(number)s by %(date)s.")
                % {"number": recommendation.number, "date": due_on.isoformat()},
                link=link,
                about=feedback,
            )
    if rows:
        _event(
            recommendation.outcome.topic,
            "feedback_requested",
            _("Feedback on recommendation %(number)s asked of %(units)s by %(date)s")
            % {
                "number": recommendation.number,
                "units": "、".join(f.unit.name for f in rows),
                "date": due_on.isoformat(),
            },
            actor=actor,
        )
    return rows


@transaction.atomic
def feedback_answer(*, feedback: ImplementationFeedback, text: str, actor) -> ImplementationFeedback:
    """A department concerned reports how it implements a recommendation (the office may enter a paper answer)."""
    if not roles.is_staff_user(actor) and not units_for_user(actor).filter(pk=feedback.unit_id).exists():
        raise PermissionDeniedError(_("Your department is not concerned by this recommendation."))
    feedback = (
        ImplementationFeedback.objects.select_for_update()
        .select_related("recommendation__outcome__topic", "unit")
        .get(pk=feedback.pk)
    )
    if feedback.state == FeedbackState.ANSWERED:
        raise DomainError(_("This feedback was already given."), code="already_answered")
    if not text.strip():
        raise DomainError(_("Write the feedback before submitting it."), code="invalid", field="text")
    feedback.state = FeedbackState.ANSWERED
    feedback.text = text.strip()
    feedback.answered_on = _today()
    feedback.answered_by = _user(actor)
    _save(
        feedback,
        actor=actor,
        action="consultations.feedback_answered",
        before={"state": FeedbackState.REQUESTED},
        fields=["state", "text", "answered_on", "answered_by"],
    )
    cancel_pending(about=feedback, kind_prefix="consultations.")
    recommendation = feedback.recommendation
    _event(
        recommendation.outcome.topic,
        "feedback",
        _("%(unit)s reported on recommendation %(number)s")
        % {"unit": feedback.unit.name, "number": recommendation.number},
        actor=actor,
        on=feedback.answered_on,
    )
    return feedback


def feedback_answer_for_unit(
    *, recommendation: OutcomeRecommendation, unit, text: str, actor
) -> ImplementationFeedback:
    """Feedback given by a department on a recommendation: refused when the department was not asked."""
    feedback = ImplementationFeedback.objects.filter(recommendation=recommendation, unit=unit).first()
    if feedback is None:
        raise DomainError(
            _("%(unit)s is not concerned by this recommendation; no feedback was asked of it.")
            % {"unit": unit.name},
            code="unit_not_concerned",
        )
    return feedback_answer(feedback=feedback, text=text, actor=actor)


@transaction.atomic
def follow_up_record(
    *, outcome: Outcome, findings: str, reviewed_on: dt.date | None = None, actor
) -> Outcome:
    """回头看: the review a year later of what came of an outcome; the topic is concluded when all are reviewed."""
    _require_staff(actor)
    _require_submitted_outcome(outcome)
    if not findings.strip():
        raise DomainError(_("Write the findings of the review."), code="invalid", field="findings")
    if outcome.follow_up_on:
        raise DomainError(_("This outcome was already reviewed."), code="already_reviewed")
    outcome.follow_up_on = reviewed_on or _today()
    outcome.follow_up_findings = findings.strip()
    _save(
        outcome,
        actor=actor,
        action="consultations.follow_up_recorded",
        fields=["follow_up_on", "follow_up_findings"],
    )
    topic = outcome.topic
    _event(
        topic,
        "follow_up",
        _("Review a year later: %(findings)s") % {"findings": outcome.follow_up_findings[:200]},
        actor=actor,
        on=outcome.follow_up_on,
    )
    if topic.state == T.HELD and not topic.outcomes.filter(follow_up_on__isnull=True).exists():
        _move_topic(topic, T.CONCLUDED, actor=actor)
        _event(topic, "concluded", _("Topic concluded"), actor=actor, on=outcome.follow_up_on)
    return outcome


# --- online deliberation --------------------------------------------------------------------------


@transaction.atomic
def discussion_open(*, topic: ConsultationTopic, prompt: str, closes_on: dt.date, actor) -> Discussion:
    """Open the online deliberation (网络议政) of a topic until a date."""
    _require_staff(actor)
    _require_open_topic(topic)
    if hasattr(topic, "discussion"):
        raise DomainError(_("This topic already has an online deliberation."), code="exists")
    discussion = Discussion(topic=topic, prompt=prompt.strip(), closes_on=closes_on)
    _save(discussion, actor=actor, action="consultations.discussion_opened")
    _event(
        topic,
        "discussion",
        _("Online deliberation opened until %(date)s") % {"date": closes_on.isoformat()},
        actor=actor,
    )
    return discussion


@transaction.atomic
def post_add(
    *, discussion: Discussion, text: str, actor, parent: Post | None = None, today: dt.date | None = None
) -> Post:
    """A member posts in (or replies within) an open discussion; the first post counts as taking part."""
    member = member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members take part in the online deliberation."))
    if not discussion.is_open_on(today or _today()):
        raise DomainError(
            _("The discussion closed on %(date)s; no more posts are taken.")
            % {"date": discussion.closes_on.isoformat()},
            code="discussion_closed",
        )
    if not text.strip():
        raise DomainError(_("Write something before posting."), code="invalid", field="text")
    if parent is not None and (parent.discussion_id != discussion.pk or parent.is_hidden):
        raise DomainError(
            _("You can reply only to a visible post of this discussion."), code="invalid", field="parent"
        )
    post = Post(discussion=discussion, parent=parent, author=member, text=text.strip())
    _save(post, actor=actor, action="consultations.post_added")
    _credit(
        [(member, DutyRole.PARTICIPANT)],
        kind=DutyEventKind.CONSULTATION,
        on=today or _today(),
        title=discussion.topic.title,
        source=discussion,
        topic=discussion.topic,
        actor=None,
    )
    return post


@transaction.atomic
def post_hide(*, post: Post, reason: str, actor) -> Post:
    """The office hides a post from the discussion, saying why (the author still sees the reason)."""
    _require_staff(actor)
    if not reason.strip():
        raise DomainError(_("Say why the post is hidden."), code="reason_required", field="reason")
    if post.is_hidden:
        raise DomainError(_("This post is already hidden."), code="already_hidden")
    post.is_hidden = True
    post.hidden_reason = reason.strip()
    post.hidden_by = _user(actor)
    _save(
        post,
        actor=actor,
        action="consultations.post_hidden",
        before={"is_hidden": False},
        fields=["is_hidden", "hidden_reason", "hidden_by"],
    )
    return post


@transaction.atomic
def discussion_summarise(*, discussion: Discussion, summary: str, actor) -> Discussion:
    """Write the summary of the discussion that goes into the outcome."""
    _require_staff(actor)
    if not summary.strip():
        raise DomainError(_("Write the summary."), code="invalid", field="summary")
    discussion.summary = summary.strip()
    _save(discussion, actor=actor, action="consultations.discussion_summarised", fields=["summary"])
    _event(discussion.topic, "discussion_summary", _("Online deliberation summarised"), actor=actor)
    return discussion
