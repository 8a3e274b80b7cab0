"""Writes of consultation outcomes: review, submission (报送), instructions, adoption, feedback, 回头看."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from consultations.choices import (
    ADOPTED_DECISIONS,
    Adoption,
    InstructionLevel,
    OutcomeKind,
)
from consultations.models import (
    ConsultationTopic,
    ImplementationFeedback,
    Instruction,
    Outcome,
    OutcomeRecommendation,
)
from consultations.services._base import (
    FEEDBACK_WORKFLOW,
    OUTCOME_WORKFLOW,
    TOPIC_WORKFLOW,
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
from members.choices import DutyEventKind
from members.selectors import units_for_user

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
    on: dt.date | None = None,
) -> Outcome:
    """Draft the outcome of a consultation, with its numbered recommendations."""
    roles.require_staff(actor)
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
        on=on,
    )
    return outcome


@transaction.atomic
def recommendation_add(*, outcome: Outcome, text: str, actor) -> OutcomeRecommendation:
    """Add the next numbered recommendation to an outcome that is not yet submitted."""
    roles.require_staff(actor)
    if not OUTCOME_WORKFLOW.allows(outcome, "add_recommendation"):
        raise DomainError(_("A submitted outcome keeps its recommendations."), code="submitted")
    if not text.strip():
        raise DomainError(_("Write the recommendation."), code="invalid", field="text")
    locked = Outcome.objects.select_for_update().get(pk=outcome.pk)
    number = (locked.recommendations.aggregate(n=models.Max("number"))["n"] or 0) + 1
    recommendation = OutcomeRecommendation(outcome=outcome, number=number, text=text.strip())
    _save(recommendation, actor=actor, action="consultations.recommendation_added")
    return recommendation


def _move_outcome(outcome: Outcome, action: str, *, actor, fields: tuple = ()) -> None:
    """Take `action` along the outcome's table (the row locked), once it has recommendations."""
    outcome.state = Outcome.objects.select_for_update().values_list("state", flat=True).get(pk=outcome.pk)
    OUTCOME_WORKFLOW.check(outcome, action)
    if not outcome.recommendations.exists():
        raise DomainError(
            _("An outcome without recommendations cannot be reviewed or submitted; add them first."),
            code="no_recommendations",
        )
    current = OUTCOME_WORKFLOW.move(outcome, action, actor=actor)
    _save(
        outcome,
        actor=actor,
        action=f"consultations.outcome_{outcome.state}",
        before={"state": current},
        fields=["state", *fields],
    )


@transaction.atomic
def outcome_review(*, outcome: Outcome, actor, reviewed_on: dt.date | None = None) -> Outcome:
    """The office has reviewed the draft outcome and its recommendations."""
    roles.require_staff(actor)
    outcome.reviewed_on = reviewed_on or _today()
    _move_outcome(outcome, "review", actor=actor, fields=("reviewed_on",))
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
    roles.require_staff(actor)
    if not document_number.strip():
        raise DomainError(
            _("Give the document number of the submission."), code="invalid", field="document_number"
        )
    if not submitted_to.strip():
        raise DomainError(_("Say to whom the outcome is submitted."), code="invalid", field="submitted_to")
    outcome.submitted_on = submitted_on or _today()
    outcome.document_number = document_number.strip()
    outcome.submitted_to = submitted_to.strip()
    _move_outcome(outcome, "submit", actor=actor, fields=("submitted_on", "document_number", "submitted_to"))
    _event(
        outcome.topic,
        "outcome_submitted",
        _("Submitted to %(to)s, %(number)s: %(title)s")
        % {"to": outcome.submitted_to, "number": outcome.document_number, "title": outcome.title},
        actor=actor,
        on=outcome.submitted_on,
    )
    return outcome


def _require_submitted_outcome(outcome: Outcome, action: str) -> None:
    if not OUTCOME_WORKFLOW.allows(outcome, action):
        raise TransitionError(_("This can be recorded only after the outcome is submitted."))


@transaction.atomic
def instruction_record(
    *, outcome: Outcome, leader_name: str, level: str, text: str, given_on: dt.date, actor
) -> Instruction:
    """Record a leader's instruction (批示) on a submitted outcome."""
    roles.require_staff(actor)
    _require_submitted_outcome(outcome, "record_instruction")
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
    roles.require_staff(actor)
    outcome = recommendation.outcome
    _require_submitted_outcome(outcome, "record_adoption")
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
    *,
    recommendation: OutcomeRecommendation,
    units: Iterable,
    due_on: dt.date,
    actor,
    on: dt.date | None = None,
) -> list[ImplementationFeedback]:
    """Ask the departments concerned for implementation feedback (落实反馈) on an adopted recommendation."""
    roles.require_staff(actor)
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
            on=on,
        )
    return rows


@transaction.atomic
def feedback_answer(
    *, feedback: ImplementationFeedback, text: str, actor, answered_on: dt.date | None = None
) -> ImplementationFeedback:
    """A department concerned reports how it implements a recommendation (the office may enter a paper answer)."""
    if not roles.is_staff_user(actor) and not units_for_user(actor).filter(pk=feedback.unit_id).exists():
        raise PermissionDeniedError(_("Your department is not concerned by this recommendation."))
    feedback = (
        ImplementationFeedback.objects.select_for_update()
        .select_related("recommendation__outcome__topic", "unit")
        .get(pk=feedback.pk)
    )
    if not FEEDBACK_WORKFLOW.allows(feedback, "answer"):
        raise DomainError(_("This feedback was already given."), code="already_answered")
    if not text.strip():
        raise DomainError(_("Write the feedback before submitting it."), code="invalid", field="text")
    before = FEEDBACK_WORKFLOW.move(feedback, "answer", actor=actor)
    feedback.text = text.strip()
    feedback.answered_on = answered_on or _today()
    feedback.answered_by = _user(actor)
    _save(
        feedback,
        actor=actor,
        action="consultations.feedback_answered",
        before={"state": before},
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
    roles.require_staff(actor)
    _require_submitted_outcome(outcome, "follow_up")
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
    if (
        TOPIC_WORKFLOW.allows(topic, "conclude")
        and not topic.outcomes.filter(follow_up_on__isnull=True).exists()
    ):
        _move_topic(topic, "conclude", actor=actor)
        _event(topic, "concluded", _("Topic concluded"), actor=actor, on=outcome.follow_up_on)
    return outcome
