"""Every write of democratic supervision: topics, groups, appointments, and the recommendation workflow."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core import roles
from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.notifications.services import cancel_pending, notify
from cppcc_portal.core.workflow import Transition, Workflow
from members.choices import DutyEventKind, DutyRole
from members.services import duty_record_from_event
from supervision.choices import (
    RECTIFICATION_STATES,
    SUPERVISION_ACTIVITY_KINDS,
    AppointmentStatus,
    ItemStatus,
    RecommendationState,
    ReviewVerdict,
    SupervisorPost,
)
from supervision.models import (
    FollowUpReview,
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
from supervision.signals import recommendation_transitioned

S = RecommendationState

# Who may take a step: the office (staff) always may; a department's own accounts only where the
# table says so. Staff also record a department's steps when it answers on paper.


def is_unit_account(user, unit_id: int) -> bool:
    """Whether `user` logs in for the handling unit `unit_id`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.handling_units.filter(pk=unit_id).exists()


def _office(recommendation, user) -> bool:
    return roles.is_staff_user(user)


def _unit(recommendation, user) -> bool:
    return roles.is_staff_user(user) or is_unit_account(user, recommendation.unit_id)


# The one table of the recommendation workflow, in core's shape (`core.workflow`).
RECOMMENDATION_WORKFLOW = Workflow(
    labels=S,
    refusal=_lazy("A recommendation cannot go from “%(current)s” to “%(requested)s”."),
    denied=_lazy("You may not take this step on this recommendation."),
    transitions=[
        Transition("send", S.DRAFT, S.SENT, may=_office),
        Transition("answer", S.SENT, S.ANSWERED, may=_unit),
        Transition("rectify", RECTIFICATION_STATES, may=_unit),  # items and progress keep the state
        Transition("start_rectification", S.ANSWERED, S.RECTIFYING, may=_unit),
        Transition("request_review", (S.RECTIFYING, S.RETURNED), S.UNDER_REVIEW, may=_unit),
        Transition("close", S.UNDER_REVIEW, S.CLOSED, may=_office),
        Transition("return", S.UNDER_REVIEW, S.RETURNED, may=_office, needs_note=True),
    ],
)
TRANSITIONS: dict[tuple[str, str], str] = RECOMMENDATION_WORKFLOW.pairs()


def allowed_actions(recommendation: Recommendation, user) -> list[str]:
    """What `user` may do to `recommendation` now: the office page's and the unit workspace's buttons."""
    return RECOMMENDATION_WORKFLOW.allowed_actions(recommendation, user)


def allowed_targets(state: str) -> list[str]:
    """The states a recommendation in `state` may move to, in table order."""
    return RECOMMENDATION_WORKFLOW.targets(state)


def can_take_step(user, recommendation: Recommendation, to_state: str) -> bool:
    """Whether `user` may move `recommendation` to `to_state` from the state it is in."""
    action = RECOMMENDATION_WORKFLOW.action_for(recommendation.state, to_state)
    return action is not None and RECOMMENDATION_WORKFLOW.may(recommendation, user, action)


def _today() -> dt.date:
    return timezone.localdate()


def _save(obj: models.Model, *, actor, action: str, before: dict | None = None, fields=None) -> None:
    obj.full_clean()
    if obj.pk and fields:
        obj.save(update_fields=fields)
    else:
        obj.save()
    tracked = fields or [f.name for f in obj._meta.concrete_fields if f.name != "id"]
    after = snapshot(obj, tracked)
    record_event(actor=actor, action=action, obj=obj, changes=diff(before or {}, after))


# --- topics, groups, activities ------------------------------------------------------------------


@transaction.atomic
def topic_save(*, topic: SupervisionTopic, actor) -> SupervisionTopic:
    """Create or edit a supervision topic (the office's annual list)."""
    before = {}
    if topic.pk:
        old = SupervisionTopic.objects.get(pk=topic.pk)
        before = snapshot(old, ["title", "year", "kind", "source", "item", "description"])
    _save(topic, actor=actor, action="supervision.topic_saved", before=before)
    return topic


@transaction.atomic
def topic_approve(
    *, topic: SupervisionTopic, approved_on: dt.date | None = None, note: str = "", actor
) -> SupervisionTopic:
    """Record the standing committee's approval of a supervision topic."""
    roles.require_staff(actor)
    if topic.is_approved:
        raise DomainError(_("This topic is already approved."), code="already_approved")
    before = snapshot(topic, ["is_approved", "approved_on"])
    topic.is_approved = True
    topic.approved_on = approved_on or _today()
    topic.approval_note = note
    _save(
        topic,
        actor=actor,
        action="supervision.topic_approved",
        before=before,
        fields=["is_approved", "approved_on", "approval_note"],
    )
    return topic


@transaction.atomic
def group_save(*, group: SupervisionGroup, actor) -> SupervisionGroup:
    """Create or edit a supervision group (its members, units and topics are set by the caller)."""
    before = {}
    if group.pk:
        before = snapshot(SupervisionGroup.objects.get(pk=group.pk), ["name", "year", "leader"])
    _save(group, actor=actor, action="supervision.group_saved", before=before)
    return group


@transaction.atomic
def group_activity_link(
    *, group: SupervisionGroup, activity, topic: SupervisionTopic | None = None, actor
) -> GroupActivity:
    """Record that an inspection, hearing or survey was carried out by a group on a topic."""
    roles.require_staff(actor)
    if activity.kind not in SUPERVISION_ACTIVITY_KINDS:
        raise DomainError(
            _("Only inspections, hearings and surveys count as supervision activities."),
            code="wrong_activity_kind",
            field="activity",
        )
    if topic is not None and not group.topics.filter(pk=topic.pk).exists():
        raise DomainError(_("The group does not work on this topic."), code="topic_not_in_group")
    link, created = GroupActivity.objects.get_or_create(
        group=group, activity=activity, defaults={"topic": topic}
    )
    if not created and link.topic_id != (topic.pk if topic else None):
        link.topic = topic
        link.save(update_fields=["topic"])
    record_event(actor=actor, action="supervision.activity_linked", obj=link, note=str(activity))
    return link


@transaction.atomic
def group_activity_create(
    *,
    group: SupervisionGroup,
    topic: SupervisionTopic | None,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    actor,
) -> GroupActivity:
    """Plan an inspection, hearing or survey of a group as a members.Activity, invite the group, link it.

    Attendance and the duty records it produces are then kept by the members app.
    """
    from members.models import Activity
    from members.services import activity_invite, activity_save

    roles.require_staff(actor)
    if kind not in SUPERVISION_ACTIVITY_KINDS:
        raise DomainError(
            _("Only inspections, hearings and surveys count as supervision activities."),
            code="wrong_activity_kind",
            field="kind",
        )
    activity = activity_save(
        activity=Activity(title=title, kind=kind, starts_at=starts_at, ends_at=ends_at, place=place),
        actor=actor,
    )
    if topic is not None and topic.item_id:
        activity.items.add(topic.item_id)
    activity_invite(activity=activity, members=[group.leader, *group.members.all()], actor=actor)
    return group_activity_link(group=group, activity=activity, topic=topic, actor=actor)


# --- supervisor appointments --------------------------------------------------------------------


@transaction.atomic
def appointment_recommend(
    *, member, post: str, organisation: str, recommended_on: dt.date | None = None, note: str = "", actor
) -> SupervisorAppointment:
    """Recommend a member to an outside supervisory post."""
    roles.require_staff(actor)
    if post not in SupervisorPost.values:
        raise DomainError(_("Unknown supervisory post."), field="post")
    appointment = SupervisorAppointment(
        member=member,
        post=post,
        organisation=organisation,
        recommended_on=recommended_on or _today(),
        note=note,
    )
    _save(appointment, actor=actor, action="supervision.appointment_recommended")
    return appointment


@transaction.atomic
def appointment_appoint(
    *, appointment: SupervisorAppointment, term_start: dt.date, term_end: dt.date | None = None, actor
) -> SupervisorAppointment:
    """Record that the outside organisation appointed the recommended member, for a term."""
    roles.require_staff(actor)
    if appointment.status != AppointmentStatus.RECOMMENDED:
        raise TransitionError(
            _("An appointment that is %(state)s cannot be appointed.")
            % {"state": appointment.get_status_display()}
        )
    before = snapshot(appointment, ["status", "term_start", "term_end"])
    appointment.status = AppointmentStatus.APPOINTED
    appointment.term_start = term_start
    appointment.term_end = term_end
    _save(
        appointment,
        actor=actor,
        action="supervision.appointment_appointed",
        before=before,
        fields=["status", "term_start", "term_end"],
    )
    return appointment


APPOINTMENT_DETAILS = ["member", "post", "organisation", "recommended_on", "note", "term_start", "term_end"]


@transaction.atomic
def appointment_update(*, appointment: SupervisorAppointment, actor, **details) -> SupervisorAppointment:
    """Edit an appointment's details (member, post, organisation, dates, note). A recommended one given
    the start of its term is appointed (`appointment_appoint`); the status is never set by hand."""
    roles.require_staff(actor)
    unknown = set(details) - set(APPOINTMENT_DETAILS)
    if unknown:
        raise DomainError(_("Unknown field."), field=sorted(unknown)[0])
    if "post" in details and details["post"] not in SupervisorPost.values:
        raise DomainError(_("Unknown supervisory post."), field="post")
    appointment = SupervisorAppointment.objects.select_for_update().get(pk=appointment.pk)
    term = {"term_start": details.pop("term_start", None), "term_end": details.pop("term_end", None)}
    appoint = appointment.status == AppointmentStatus.RECOMMENDED and term["term_start"] is not None
    if not appoint:
        details.update(term)
    before = snapshot(appointment, APPOINTMENT_DETAILS)
    for name, value in details.items():
        setattr(appointment, name, value)
    after = snapshot(appointment, APPOINTMENT_DETAILS)
    if before != after:
        _save(
            appointment,
            actor=actor,
            action="supervision.appointment_changed",
            before=before,
            fields=list(details),
        )
    if appoint:
        appointment_appoint(appointment=appointment, actor=actor, **term)
    return appointment


@transaction.atomic
def appointment_end(
    *, appointment: SupervisorAppointment, ended_on: dt.date | None = None, actor
) -> SupervisorAppointment:
    """End a supervisor's appointment (term over, or the recommendation was not taken up)."""
    roles.require_staff(actor)
    if appointment.status == AppointmentStatus.ENDED:
        raise TransitionError(_("This appointment has already ended."))
    before = snapshot(appointment, ["status", "term_end"])
    appointment.status = AppointmentStatus.ENDED
    if appointment.term_start and not appointment.term_end:
        appointment.term_end = max(ended_on or _today(), appointment.term_start)
    _save(
        appointment,
        actor=actor,
        action="supervision.appointment_ended",
        before=before,
        fields=["status", "term_end"],
    )
    return appointment


@transaction.atomic
def supervisor_report_file(
    *, appointment: SupervisorAppointment, title: str, text: str, filed_on: dt.date | None = None, actor
) -> SupervisorReport:
    """File a supervisor's report on their outside work (the supervisor or the office)."""
    own = getattr(appointment.member, "user_id", None) == getattr(actor, "pk", None)
    if not (own or roles.is_staff_user(actor)):
        raise PermissionDeniedError(_("Only the supervisor or the office may file this report."))
    if appointment.status != AppointmentStatus.APPOINTED:
        raise DomainError(_("Reports are filed only during an appointment."), code="not_appointed")
    report = SupervisorReport(appointment=appointment, title=title, text=text, filed_on=filed_on or _today())
    _save(report, actor=actor, action="supervision.report_filed")
    return report


# --- recommendations ----------------------------------------------------------------------------


@transaction.atomic
def recommendation_create(
    *,
    group: SupervisionGroup,
    topic: SupervisionTopic,
    unit,
    title: str,
    text: str,
    due_on: dt.date,
    actor,
) -> Recommendation:
    """Draft a recommendation of a group on a topic to a department."""
    roles.require_staff(actor)
    if not group.topics.filter(pk=topic.pk).exists():
        raise DomainError(
            _("The group does not work on this topic."), code="topic_not_in_group", field="topic"
        )
    recommendation = Recommendation(
        group=group,
        topic=topic,
        unit=unit,
        title=title,
        text=text,
        due_on=due_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _save(recommendation, actor=actor, action="supervision.recommendation_drafted")
    return recommendation


@transaction.atomic
def recommendation_update(*, recommendation: Recommendation, actor, **changes) -> Recommendation:
    """Edit a recommendation's text, department or due date (while it is a draft; due date until answered)."""
    roles.require_staff(actor)
    editable = {"title", "text", "unit", "topic", "group", "due_on"}
    unknown = set(changes) - editable
    if unknown:
        raise DomainError(_("These fields cannot be edited here: %s") % ", ".join(sorted(unknown)))
    locked = set(changes) - {"due_on"}
    if recommendation.state != S.DRAFT and locked:
        raise DomainError(
            _("Only a draft can be edited; a sent recommendation keeps its text."), code="not_draft"
        )
    if recommendation.state not in (S.DRAFT, S.SENT):
        raise DomainError(_("The due date cannot change after the answer."), code="answered")
    before = snapshot(recommendation, sorted(changes))
    for name, value in changes.items():
        setattr(recommendation, name, value)
    _save(
        recommendation,
        actor=actor,
        action="supervision.recommendation_edited",
        before=before,
        fields=sorted(changes),
    )
    return recommendation


def _transition(
    recommendation: Recommendation, to_state: str, *, actor, note: str = "", fields: tuple = ()
) -> Recommendation:
    """Move a recommendation along the table, write its event row, audit it and signal on commit.

    The row is locked first so two people answering at once cannot both pass the state check.
    """
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    from_state = locked.state
    if from_state != recommendation.state:
        recommendation.state = from_state
    action = RECOMMENDATION_WORKFLOW.action_for(from_state, to_state) or "move"
    RECOMMENDATION_WORKFLOW.move(recommendation, action, actor=actor, to_state=to_state, note=note)
    recommendation.full_clean()
    recommendation.save(update_fields=["state", *fields])
    RecommendationEvent.objects.create(
        recommendation=recommendation,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    record_event(
        actor=actor,
        action=f"supervision.recommendation_{to_state}",
        obj=recommendation,
        changes={"state": [from_state, to_state]},
        note=note,
    )
    transaction.on_commit(
        lambda: recommendation_transitioned.send(
            sender=Recommendation,
            recommendation=recommendation,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
        )
    )
    return recommendation


def _office_recipients(recommendation: Recommendation) -> list:
    """Who in the office hears about a department's answer: the drafter, else every staff account."""
    creator = recommendation.created_by
    if creator is not None and creator.is_active and roles.is_staff_user(creator):
        return [creator]
    return list(roles.active_users_with_role(roles.STAFF))


def _credit_group_members(recommendation: Recommendation, actor) -> None:
    """Sending a recommendation is supervision work: the members app keeps it as duty records."""
    group = recommendation.group
    people = [(group.leader, DutyRole.LEAD)]
    people += [(m, DutyRole.PARTICIPANT) for m in group.members.all() if m.pk != group.leader_id]
    for member, role in people:
        duty_record_from_event(
            member=member,
            event_kind=DutyEventKind.SUPERVISION,
            role=role,
            occurred_on=recommendation.sent_on,
            title=recommendation.title,
            source=recommendation,
            item=recommendation.topic.item,
            actor=actor,
            year=recommendation.topic.year,
        )


@transaction.atomic
def recommendation_send(*, recommendation: Recommendation, actor, note: str = "") -> Recommendation:
    """Send a drafted recommendation to its department, which must answer by the due date."""
    recommendation.sent_on = _today()
    _transition(recommendation, S.SENT, actor=actor, note=note, fields=("sent_on",))
    link = reverse("supervision_units:detail", args=[recommendation.pk])
    for account in recommendation.unit.accounts.filter(is_active=True):
        notify(
            recipient=account,
            kind="supervision.recommendation_sent",
            dedupe_key=f"supervision:rec:{recommendation.pk}:sent:{account.pk}",
            title=_("Supervision recommendation to answer: %(title)s") % {"title": recommendation.title},
            body=_("Please answer in writing by %(date)s.") % {"date": recommendation.due_on.isoformat()},
            link=link,
            about=recommendation,
        )
    _credit_group_members(recommendation, actor)
    return recommendation


@transaction.atomic
def recommendation_answer(*, recommendation: Recommendation, answer: str, actor) -> Recommendation:
    """Record the department's written answer to a recommendation."""
    if not answer.strip():
        raise DomainError(_("Write the answer before submitting it."), code="answer_required", field="answer")
    recommendation.answer = answer.strip()
    recommendation.answered_on = _today()
    _transition(recommendation, S.ANSWERED, actor=actor, fields=("answer", "answered_on"))
    cancel_pending(about=recommendation, kind_prefix="supervision.recommendation_sent")
    link = reverse("supervision:recommendation", args=[recommendation.pk])
    for person in _office_recipients(recommendation):
        notify(
            recipient=person,
            kind="supervision.recommendation_answered",
            dedupe_key=f"supervision:rec:{recommendation.pk}:answered:{person.pk}",
            title=_("%(unit)s answered: %(title)s")
            % {"unit": recommendation.unit.name, "title": recommendation.title},
            link=link,
            about=recommendation,
        )
    return recommendation


@transaction.atomic
def recommendation_start_rectification(
    *, recommendation: Recommendation, actor, note: str = ""
) -> Recommendation:
    """The department starts rectifying: it has listed at least one rectification item."""
    if not recommendation.items.exists():
        raise DomainError(
            _("List at least one rectification item before starting rectification."), code="no_items"
        )
    return _transition(recommendation, S.RECTIFYING, actor=actor, note=note)


@transaction.atomic
def recommendation_request_review(*, recommendation: Recommendation, actor, note: str = "") -> Recommendation:
    """The department reports rectification finished and asks for the follow-up review (回头看)."""
    return _transition(recommendation, S.UNDER_REVIEW, actor=actor, note=note)


def open_items(recommendation: Recommendation) -> list[RectificationItem]:
    """Rectification items neither done nor accepted as not feasible."""
    return [i for i in recommendation.items.all() if not i.is_finished]


@transaction.atomic
def recommendation_review(
    *,
    recommendation: Recommendation,
    verdict: str,
    note: str = "",
    reviewed_on: dt.date | None = None,
    actor,
) -> FollowUpReview:
    """Record the follow-up review's verdict: close the recommendation, or return it for more work."""
    if verdict not in ReviewVerdict.values:
        raise DomainError(_("Choose a verdict."), code="verdict_required", field="verdict")
    if verdict == ReviewVerdict.RECTIFIED:
        if recommendation.state == S.UNDER_REVIEW:
            pending = open_items(recommendation)
            if pending:
                raise DomainError(
                    _("It cannot be closed while items are open: %(items)s")
                    % {"items": "；".join(i.description for i in pending)},
                    code="items_open",
                )
        recommendation.closed_on = reviewed_on or _today()
        _transition(recommendation, S.CLOSED, actor=actor, note=note, fields=("closed_on",))
    else:
        _transition(recommendation, S.RETURNED, actor=actor, note=note)
    review = FollowUpReview(
        recommendation=recommendation,
        verdict=verdict,
        note=note,
        reviewed_on=reviewed_on or _today(),
        reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _save(review, actor=actor, action="supervision.review_recorded")
    return review


# --- rectification items ------------------------------------------------------------------------


def _require_rectifier(recommendation: Recommendation, actor) -> None:
    if roles.is_staff_user(actor) or is_unit_account(actor, recommendation.unit_id):
        return
    raise PermissionDeniedError(_("Only the department or the office may report rectification."))


def _require_rectification_state(recommendation: Recommendation) -> None:
    if recommendation.state not in RECTIFICATION_STATES:
        raise TransitionError(
            _("Rectification cannot be reported while the recommendation is “%(state)s”.")
            % {"state": recommendation.get_state_display()}
        )


@transaction.atomic
def rectification_item_add(
    *, recommendation: Recommendation, description: str, owner: str, due_on: dt.date, actor
) -> RectificationItem:
    """Add a rectification item (整改事项) the department undertakes, with its owner and due date."""
    _require_rectifier(recommendation, actor)
    _require_rectification_state(recommendation)
    item = RectificationItem(
        recommendation=recommendation, description=description, owner=owner, due_on=due_on
    )
    _save(item, actor=actor, action="supervision.item_added")
    return item


@transaction.atomic
def rectification_progress_report(*, item: RectificationItem, percent: int, note: str, actor) -> ProgressNote:
    """Report progress on a rectification item; 100 % marks it done."""
    recommendation = item.recommendation
    _require_rectifier(recommendation, actor)
    _require_rectification_state(recommendation)
    if item.is_finished:
        raise DomainError(_("This item is already finished."), code="item_finished")
    if not note.strip():
        raise DomainError(_("Say what was done."), code="note_required", field="note")
    if not 0 <= percent <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."), code="bad_percent", field="percent")
    before = snapshot(item, ["status", "percent", "completed_on"])
    item.percent = percent
    if percent == 100:
        item.status = ItemStatus.DONE
        item.completed_on = _today()
    else:
        item.status = ItemStatus.IN_PROGRESS if percent else ItemStatus.OPEN
    _save(
        item,
        actor=actor,
        action="supervision.item_progress",
        before=before,
        fields=["status", "percent", "completed_on"],
    )
    progress = ProgressNote(item=item, percent=percent, note=note.strip(), reported_by=actor)
    progress.full_clean()
    progress.save()
    return progress


@transaction.atomic
def rectification_item_accept_not_feasible(
    *, item: RectificationItem, reason: str, actor
) -> RectificationItem:
    """The office accepts that an item cannot be done, for a stated reason."""
    roles.require_staff(actor)
    if item.is_finished:
        raise DomainError(_("This item is already finished."), code="item_finished")
    if not reason.strip():
        raise DomainError(
            _("Say why the item cannot be done before accepting it as such."),
            code="reason_required",
            field="reason",
        )
    before = snapshot(item, ["status", "not_feasible_reason"])
    item.status = ItemStatus.NOT_FEASIBLE
    item.not_feasible_reason = reason.strip()
    item.completed_on = _today()
    _save(
        item,
        actor=actor,
        action="supervision.item_not_feasible",
        before=before,
        fields=["status", "not_feasible_reason", "completed_on"],
    )
    return item


@transaction.atomic
def rectification_item_update(*, item: RectificationItem, actor, **changes) -> RectificationItem:
    """Correct an item's description, owner or due date (the office, or the department while rectifying)."""
    _require_rectifier(item.recommendation, actor)
    unknown = set(changes) - {"description", "owner", "due_on"}
    if unknown:
        raise DomainError(_("These fields cannot be edited here: %s") % ", ".join(sorted(unknown)))
    before = snapshot(item, sorted(changes))
    for name, value in changes.items():
        setattr(item, name, value)
    _save(item, actor=actor, action="supervision.item_edited", before=before, fields=sorted(changes))
    return item
