"""Proposals: assignment to units, handling, replies and their review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.notifications.services import notify
from proposals.caches import UNIT_PAGES
from proposals.choices import (
    AssignmentRole,
    ReplyCategory,
)
from proposals.models import (
    Assignment,
    Countersignature,
    Proposal,
    Reply,
)
from proposals.services._base import (
    S,
    _attach,
    _check_uploads,
    _link,
    _locked,
    _move,
    _note_only,
    _require_unit,
    _state_label,
    _today,
    add_months,
    check_proposal_transition,
    year_settings,
)
from proposals.services.review import raters


def _unit_recipients(units) -> list:
    users = []
    for unit in units:
        users.extend(unit.accounts.filter(is_active=True))
    return users


@transaction.atomic
def proposal_assign(
    *, proposal: Proposal, actor, lead_unit, assisting_units: Iterable = (), note: str = ""
) -> Proposal:
    """交办: send an accepted (or returned) proposal to one lead unit and optional assisting units."""
    roles.require_staff(actor)
    _locked(proposal)
    check_proposal_transition(proposal, S.ASSIGNED, "assign")
    assisting = [u for u in assisting_units if u.pk != lead_unit.pk]
    if any(unit.tenant_id != proposal.tenant_id for unit in [lead_unit, *assisting]):
        raise DomainError(
            _("A proposal is assigned only to handling units of its own committee."),
            code="invalid",
            field="lead_unit",
        )
    rules = year_settings(proposal.year)
    today = _today()
    due = add_months(today, rules.reply_months)
    proposal.assignments.filter(is_current=True).update(is_current=False)
    UNIT_PAGES.changed()  # an update() sends no signal
    created = []
    for unit, role in [(lead_unit, AssignmentRole.LEAD), *[(u, AssignmentRole.ASSISTING) for u in assisting]]:
        assignment = Assignment.objects.create(
            proposal=proposal,
            unit=unit,
            role=role,
            assigned_on=today,
            return_deadline_on=today + dt.timedelta(days=rules.return_window_days),
            reply_due_on=due,
            original_due_on=due,
            assigned_by=actor,
        )
        created.append(assignment)
    names = "、".join([lead_unit.name, *[u.name for u in assisting]])
    _move(
        proposal,
        S.ASSIGNED,
        actor=actor,
        action="assign",
        note=note
        or _("Lead unit: %(lead)s; units: %(names)s; reply due %(due)s.")
        % {"lead": lead_unit.name, "names": names, "due": due},
    )
    for assignment in created:
        for user in _unit_recipients([assignment.unit]):
            notify(
                recipient=user,
                kind="proposals.assigned",
                dedupe_key=f"proposals.assigned:{assignment.pk}:{user.pk}",
                title=_("Proposal %(number)s assigned to your unit") % {"number": proposal.number},
                body=_("%(title)s — reply due %(due)s.") % {"title": proposal.title, "due": due},
                link=_link("proposals_units:detail", proposal.pk),
                about=proposal,
            )
    return proposal


@transaction.atomic
def assignment_extend(*, proposal: Proposal, actor, new_due_on: dt.date, reason: str) -> Proposal:
    """延期: move the reply deadline, never past the longest extension, with a written explanation."""
    roles.require_staff(actor)
    _locked(proposal)
    current = list(proposal.assignments.filter(is_current=True))
    if not current or proposal.state not in (
        S.ASSIGNED,
        S.HANDLING,
        S.REPLY_DRAFTED,
        S.COUNTERSIGNING,
        S.UNDER_REVIEW,
    ):
        raise TransitionError(
            _("Only a proposal being handled can get more time; this one is “%(state)s”.")
            % {"state": _state_label(proposal.state, S)}
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Explain in writing why more time is needed."), code="reason_required", field="note"
        )
    rules = year_settings(proposal.year)
    latest = add_months(current[0].assigned_on, rules.max_extension_months)
    if new_due_on > latest or new_due_on <= current[0].reply_due_on:
        raise DomainError(
            _("The new due date must be after %(due)s and no later than %(latest)s.")
            % {"due": current[0].reply_due_on, "latest": latest},
            code="invalid_extension",
            conflict=True,
            field="new_due_on",
        )
    proposal.assignments.filter(is_current=True).update(reply_due_on=new_due_on, extension_reason=reason)
    UNIT_PAGES.changed()  # an update() sends no signal
    _note_only(
        proposal,
        actor=actor,
        action="extend",
        note=_("Reply due moved to %(date)s: %(reason)s") % {"date": new_due_on, "reason": reason},
    )
    return proposal


def _current_assignment(proposal: Proposal, unit) -> Assignment:
    assignment = proposal.assignments.filter(is_current=True, unit=unit).first()
    if assignment is None:
        raise PermissionDeniedError(_("This proposal is not assigned to %(unit)s.") % {"unit": unit})
    return assignment


@transaction.atomic
def proposal_return(*, proposal: Proposal, actor, unit, reason: str) -> Proposal:
    """退回: a unit returns a wrongly assigned proposal within the window, with a reason."""
    _locked(proposal)
    _require_unit(actor, unit)
    assignment = _current_assignment(proposal, unit)
    check_proposal_transition(proposal, S.RETURNED, "return")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for returning the proposal."), code="reason_required", field="note"
        )
    today = _today()
    if today > assignment.return_deadline_on:
        raise DomainError(
            _("A proposal can be returned until %(date)s only.") % {"date": assignment.return_deadline_on},
            code="return_window_passed",
        )
    assignment.returned_on = today
    assignment.return_reason = reason
    assignment.save(update_fields=["returned_on", "return_reason"])
    proposal.assignments.filter(is_current=True).update(is_current=False)
    UNIT_PAGES.changed()  # an update() sends no signal
    return _move(
        proposal,
        S.RETURNED,
        actor=actor,
        action="return",
        note=_("%(unit)s: %(reason)s") % {"unit": unit.name, "reason": reason},
    )


def _lead_assignment(proposal: Proposal) -> Assignment:
    lead = (
        proposal.assignments.filter(is_current=True, role=AssignmentRole.LEAD).select_related("unit").first()
    )
    if lead is None:
        raise DomainError(_("This proposal has no lead unit."), code="no_lead_unit")
    return lead


@transaction.atomic
def proposal_start_handling(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """办理中: the lead unit takes the proposal in hand (it can no longer return it)."""
    _locked(proposal)
    _require_unit(actor, _lead_assignment(proposal).unit)
    return _move(proposal, S.HANDLING, actor=actor, action="start_handling", note=note)


@transaction.atomic
def reply_draft(
    *,
    proposal: Proposal,
    actor,
    category: str,
    document_number: str,
    contact_person: str,
    contact_phone: str,
    body: str,
    files: Iterable = (),
) -> Reply:
    """答复草拟: the lead unit writes (or rewrites) this round's reply."""
    _locked(proposal)
    lead = _lead_assignment(proposal)
    _require_unit(actor, lead.unit)
    uploads = _check_uploads(files)
    if proposal.state == S.ASSIGNED:
        _move(proposal, S.HANDLING, actor=actor, action="start_handling")
    if proposal.state != S.REPLY_DRAFTED:
        check_proposal_transition(proposal, S.REPLY_DRAFTED, "draft_reply")
    reply = proposal.replies.filter(round=proposal.handling_round).first() or Reply(
        proposal=proposal, round=proposal.handling_round
    )
    reply.unit = lead.unit
    reply.category = category
    reply.category_by_unit = category
    reply.document_number = (document_number or "").strip()
    reply.contact_person = (contact_person or "").strip()
    reply.contact_phone = (contact_phone or "").strip()
    reply.body = body or ""
    reply.drafted_by = actor
    reply.full_clean()
    reply.save()
    _attach(proposal, uploads, actor=actor, reply=reply)
    if proposal.state == S.HANDLING:
        _move(proposal, S.REPLY_DRAFTED, actor=actor, action="draft_reply")
    else:
        record_event(actor=actor, action="proposal.reply_edit", obj=proposal)
    return reply


def _current_reply(proposal: Proposal) -> Reply:
    reply = proposal.replies.filter(round=proposal.handling_round).first()
    if reply is None:
        raise DomainError(_("No reply has been drafted in this round."), code="no_reply")
    return reply


def _publish(proposal: Proposal, reply: Reply, *, actor, action: str, note: str = "") -> Proposal:
    now = timezone.now()
    reply.published_at = now
    reply.save(update_fields=["published_at"])
    fields = []
    if proposal.first_replied_on is None:
        proposal.first_replied_on = timezone.localdate(now)
        fields.append("first_replied_on")
    _move(proposal, S.AWAITING_EVALUATION, actor=actor, action=action, note=note, fields=fields)
    for member in raters(proposal):
        if member.user_id is None:
            continue
        notify(
            recipient=member.user,
            kind="proposals.reply_published",
            dedupe_key=f"proposals.reply_published:{reply.pk}:{member.pk}",
            title=_("Your proposal “%(title)s” has been answered") % {"title": proposal.title},
            body=_("Please read the reply and tell us whether you are satisfied."),
            link=_link("proposals:detail", proposal.pk),
            about=proposal,
        )
    return proposal


def _after_countersign(proposal: Proposal, reply: Reply, *, actor, action: str, note: str = "") -> Proposal:
    if year_settings(proposal.year).review_required:
        return _move(proposal, S.UNDER_REVIEW, actor=actor, action=action, note=note)
    return _publish(proposal, reply, actor=actor, action=action, note=note)


@transaction.atomic
def reply_send(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """The lead unit sends its reply on: to the assisting units, the office's review, or the proposers."""
    _locked(proposal)
    lead = _lead_assignment(proposal)
    _require_unit(actor, lead.unit)
    reply = _current_reply(proposal)
    check_proposal_transition(proposal, S.AWAITING_EVALUATION, "send_reply")
    reply.submitted_at = timezone.now()
    reply.save(update_fields=["submitted_at"])
    rules = year_settings(proposal.year)
    needs_countersign = (
        rules.countersign_required
        and proposal.assignments.filter(is_current=True, role=AssignmentRole.ASSISTING).exists()
    )
    if needs_countersign:
        return _move(proposal, S.COUNTERSIGNING, actor=actor, action="send_reply", note=note)
    return _after_countersign(proposal, reply, actor=actor, action="send_reply", note=note)


@transaction.atomic
def reply_countersign(*, proposal: Proposal, actor, unit, note: str = "") -> Countersignature:
    """协办会签: an assisting unit signs the reply; the last signature sends it on."""
    _locked(proposal)
    _require_unit(actor, unit)
    assignment = _current_assignment(proposal, unit)
    if assignment.role != AssignmentRole.ASSISTING:
        raise DomainError(_("Only assisting units countersign."), code="not_assisting")
    if proposal.state != S.COUNTERSIGNING:
        raise TransitionError(
            _("A proposal cannot go from “%(current)s” to “%(requested)s”.")
            % {"current": _state_label(proposal.state, S), "requested": _state_label(S.UNDER_REVIEW, S)}
        )
    reply = _current_reply(proposal)
    signature, _made = Countersignature.objects.get_or_create(
        reply=reply, unit=unit, defaults={"note": note, "signed_by": actor}
    )
    _note_only(
        proposal,
        actor=actor,
        action="countersign_unit",
        note=_("%(unit)s countersigned. %(note)s") % {"unit": unit.name, "note": note},
    )
    assisting = set(
        proposal.assignments.filter(is_current=True, role=AssignmentRole.ASSISTING).values_list(
            "unit_id", flat=True
        )
    )
    signed = set(reply.countersignatures.values_list("unit_id", flat=True))
    if assisting <= signed:
        _after_countersign(
            proposal,
            reply,
            actor=actor,
            action="countersign",
            note=_("Every assisting unit has countersigned."),
        )
    return signature


@transaction.atomic
def reply_refuse_countersign(*, proposal: Proposal, actor, unit, note: str) -> Proposal:
    """An assisting unit refuses to sign and sends the reply back to the lead unit, with its reasons."""
    _locked(proposal)
    _require_unit(actor, unit)
    assignment = _current_assignment(proposal, unit)
    if assignment.role != AssignmentRole.ASSISTING:
        raise DomainError(_("Only assisting units countersign."), code="not_assisting")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what the lead unit should change."), code="reason_required", field="note")
    _current_reply(proposal).countersignatures.all().delete()
    return _move(
        proposal,
        S.REPLY_DRAFTED,
        actor=actor,
        action="refuse_countersign",
        note=_("%(unit)s: %(note)s") % {"unit": unit.name, "note": note},
    )


@transaction.atomic
def reply_review(*, proposal: Proposal, actor, category: str | None = None, note: str = "") -> Proposal:
    """督办审核: the office approves the reply (possibly changing its category) and publishes it."""
    roles.require_staff(actor)
    _locked(proposal)
    check_proposal_transition(proposal, S.AWAITING_EVALUATION, "approve_reply")
    reply = _current_reply(proposal)
    fields = ["reviewed_by", "review_note"]
    if category and category != reply.category:
        if category not in ReplyCategory.values:
            raise DomainError(_("Unknown reply category."), code="invalid", field="category")
        note = (note + " " if note else "") + _("Category changed from %(old)s to %(new)s.") % {
            "old": reply.category,
            "new": category,
        }
        reply.category = category
        fields.append("category")
    reply.reviewed_by = actor
    reply.review_note = note
    reply.save(update_fields=fields)
    return _publish(proposal, reply, actor=actor, action="approve_reply", note=note)


@transaction.atomic
def reply_send_back(*, proposal: Proposal, actor, note: str) -> Proposal:
    """The office sends a reply back to the lead unit for revision, saying why."""
    roles.require_staff(actor)
    _locked(proposal)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what the unit should revise."), code="reason_required", field="note")
    check_proposal_transition(proposal, S.REPLY_DRAFTED, "send_back_reply")
    _current_reply(proposal).countersignatures.all().delete()
    return _move(proposal, S.REPLY_DRAFTED, actor=actor, action="send_back_reply", note=note)
