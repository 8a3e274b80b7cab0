"""Writes of the year's plan, topic collection and preparation (方案, research groups and reports, tasks)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.choices import (
    RESEARCH_ACTIVITY_KINDS,
    SOURCE_FOR_PROPOSER,
    PlanState,
    ProposerKind,
)
from consultations.models import (
    CollectionWindow,
    ConsultationPlan,
    ConsultationTopic,
    PreparationTask,
    ResearchGroup,
    ResearchReport,
    ResearchReportFile,
    TopicProposal,
    WorkingPlan,
)
from consultations.services._base import (
    PLAN_WORKFLOW,
    SCREENING_WORKFLOW,
    TASK_WORKFLOW,
    T,
    _credit,
    _event,
    _group_people,
    _move_topic,
    _require_open_topic,
    _save,
    _today,
    _user,
)
from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event, snapshot
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.notifications.services import cancel_pending, notify
from cppcc_portal.core.uploads import check_upload
from members.choices import DutyEventKind
from members.selectors import member_for_user, units_for_user

# --- the year's plan and its topics ---------------------------------------------------------------


@transaction.atomic
def topic_save(
    *,
    topic: ConsultationTopic,
    actor,
    units: Iterable | None = None,
    items: Iterable | None = None,
    origin: TopicProposal | None = None,
    on: dt.date | None = None,
) -> ConsultationTopic:
    """Create or edit a consultation topic of the year's list (the office); `on` back-dates a paper record."""
    roles.require_staff(actor)
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
            topic,
            "created",
            _("Topic entered in the list: %(title)s") % {"title": topic.title},
            actor=actor,
            on=on,
        )
    return topic


@transaction.atomic
def plan_adopt(
    *, plan: ConsultationPlan, adopted_on: dt.date | None = None, note: str = "", actor
) -> ConsultationPlan:
    """Record the standing committee's adoption of the year's topic list; its draft topics become adopted."""
    roles.require_staff(actor)
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
    if not PLAN_WORKFLOW.allows(plan, "adopt"):
        raise DomainError(_("This plan is already adopted."), code="already_adopted")
    drafts = list(plan.topics.filter(state=T.DRAFT))
    if not drafts:
        raise DomainError(_("The plan has no draft topics to adopt."), code="no_topics")
    PLAN_WORKFLOW.move(plan, "adopt", actor=actor)
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
        _move_topic(topic, "adopt", actor=actor)
        summary = _("Adopted in %(plan)s") % {"plan": plan.title}
        if note:
            summary += f"（{note}）"
        _event(topic, "adopted", summary, actor=actor, on=plan.adopted_on)
    return plan


@transaction.atomic
def topic_withdraw(*, topic: ConsultationTopic, reason: str, actor) -> ConsultationTopic:
    """Take a topic off the year's list, for a stated reason."""
    roles.require_staff(actor)
    if not reason.strip():
        raise DomainError(
            _("Give a reason for withdrawing the topic."), code="reason_required", field="reason"
        )
    _move_topic(topic, "withdraw", actor=actor)
    _event(topic, "withdrawn", _("Withdrawn: %(reason)s") % {"reason": reason.strip()}, actor=actor)
    return topic


@transaction.atomic
def topic_record_held(
    *, topic: ConsultationTopic, held_on: dt.date, minutes: str = "", actor
) -> ConsultationTopic:
    """The consultation meeting on the topic took place (department heads reported, members spoke)."""
    roles.require_staff(actor)
    topic.held_on = held_on
    topic.meeting_note = minutes.strip()
    _move_topic(topic, "hold", actor=actor, fields=("held_on", "meeting_note"))
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
    roles.require_staff(actor)
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
    if not SCREENING_WORKFLOW.allows(proposal, "accept"):
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
    roles.require_staff(actor)
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
    SCREENING_WORKFLOW.move(proposal, "accept", actor=actor)
    proposal.topic = topic
    _save(proposal, actor=actor, action="consultations.proposal_accepted", fields=["state", "topic"])
    return topic


@transaction.atomic
def proposal_merge(
    *, proposal: TopicProposal, topic: ConsultationTopic, note: str = "", actor
) -> TopicProposal:
    """Merge a proposed topic into a topic of the list (several proposals, one topic)."""
    roles.require_staff(actor)
    _require_submitted(proposal)
    if topic.year != proposal.window.year:
        raise DomainError(_("The topic belongs to another year than the collection."), code="wrong_year")
    SCREENING_WORKFLOW.move(proposal, "merge", actor=actor)
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
    roles.require_staff(actor)
    _require_submitted(proposal)
    if not note.strip():
        raise DomainError(
            _("Give the reason the topic is not taken up."), code="reason_required", field="note"
        )
    SCREENING_WORKFLOW.move(proposal, "decline", actor=actor)
    proposal.screening_note = note.strip()
    _save(proposal, actor=actor, action="consultations.proposal_declined", fields=["state", "screening_note"])
    return proposal


# --- preparation ----------------------------------------------------------------------------------


@transaction.atomic
def working_plan_save(
    *, topic: ConsultationTopic, text: str, approved_on: dt.date | None = None, actor
) -> WorkingPlan:
    """Write or revise the topic's work plan (方案)."""
    roles.require_staff(actor)
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
    *, topic: ConsultationTopic, name: str, leader, members: Iterable = (), actor, on: dt.date | None = None
) -> ResearchGroup:
    """Form (or re-form) a research group for a topic: a leader and members."""
    roles.require_staff(actor)
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
            on=on,
        )
    return group


@transaction.atomic
def research_activity_link(*, group: ResearchGroup, activity, actor):
    """Count an inspection, survey or symposium (a members.Activity) as the group's research."""
    roles.require_staff(actor)
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

    roles.require_staff(actor)
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
    roles.require_staff(actor)
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
    if not TASK_WORKFLOW.allows(task, "done"):
        raise DomainError(_("This task is already done."), code="task_done")
    before = TASK_WORKFLOW.move(task, "done", actor=actor)
    task.done_on = done_on or _today()
    _save(
        task,
        actor=actor,
        action="consultations.task_done",
        before={"state": before},
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


# --- the consultation meeting (a meeting of the meetings app) -------------------------------------


@transaction.atomic
def topic_link_meeting(*, topic: ConsultationTopic, meeting, actor) -> ConsultationTopic:
    """Hold the topic's consultation at a meeting: link it and make sure the topic is on its agenda.

    The meeting's sessions, attendance and speeches stay the meetings app's; when no agenda item
    names the topic, a consultation item is added to the meeting's first session.
    """
    from meetings.choices import AgendaKind
    from meetings.models import AgendaItem
    from meetings.services import agenda_item_add

    roles.require_staff(actor)
    _require_open_topic(topic)
    first_session = meeting.sessions.order_by("date", "order").first()
    if first_session is None:
        raise DomainError(
            _("The meeting has no session yet; add one before putting the topic on its agenda."),
            code="no_session",
            field="meeting",
        )
    on_agenda = AgendaItem.objects.filter(session__meeting=meeting, title__contains=topic.title).exists()
    if not on_agenda:
        agenda_item_add(
            session=first_session,
            kind=AgendaKind.CONSULTATION,
            title=topic.title,
            plan_item=topic.items.order_by("pk").first(),
            actor=actor,
        )
    before = {"meeting": str(topic.meeting) if topic.meeting_id else None}
    topic.meeting = meeting
    _save(topic, actor=actor, action="consultations.meeting_linked", before=before, fields=["meeting"])
    _event(
        topic,
        "meeting",
        _("Consultation meeting: %(meeting)s") % {"meeting": meeting.title},
        actor=actor,
        on=first_session.date,
    )
    return topic
