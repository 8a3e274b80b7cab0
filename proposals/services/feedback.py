"""Proposals: the proposers' ratings, closing, and the key and excellent flags."""

from __future__ import annotations

import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.notifications.services import notify
from members.selectors import member_for_user
from proposals.choices import (
    ACCEPTED_STATES,
    ExcellentState,
    Satisfaction,
)
from proposals.models import (
    Feedback,
    Proposal,
    ProposalCounter,
)
from proposals.services._base import (
    S,
    _link,
    _locked,
    _move,
    _note_only,
    _state_label,
    _today,
    check_proposal_transition,
    year_settings,
)
from proposals.services.handling import _current_reply, _lead_assignment, _unit_recipients
from proposals.services.review import _duty_for_signers, _withdraw_duty_for_signers, raters


@transaction.atomic
def feedback_rate(*, proposal: Proposal, actor, rating: str, comment: str = "", member=None) -> Feedback:
    """评价: a proposer or co-signer rates the published reply; staff may record it for an offline member."""
    _locked(proposal)
    if member is not None and not roles.is_staff_user(actor):
        raise PermissionDeniedError(_("Only the office records ratings for other members."))
    member = member if member is not None else member_for_user(actor)
    if member is None or member.pk not in {m.pk for m in raters(proposal)}:
        raise PermissionDeniedError(_("Only the proposer and the co-signers rate the reply."))
    if proposal.state != S.AWAITING_EVALUATION:
        raise TransitionError(
            _("A proposal cannot be rated while it is “%(state)s”.")
            % {"state": _state_label(proposal.state, S)}
        )
    if rating not in Satisfaction.values:
        raise DomainError(
            _("Choose satisfied, basically satisfied or unsatisfied."), code="invalid", field="rating"
        )
    comment = (comment or "").strip()
    if rating == Satisfaction.UNSATISFIED and not comment:
        raise DomainError(
            _("Say why you are not satisfied, so the unit can handle it again."),
            code="comment_required",
            field="comment",
        )
    reply = _current_reply(proposal)
    if Feedback.objects.filter(reply=reply, member=member).exists():
        raise DomainError(
            _("This reply has already been rated by %(name)s.") % {"name": member.name}, code="already_rated"
        )
    feedback = Feedback.objects.create(
        proposal=proposal,
        reply=reply,
        member=member,
        rating=rating,
        comment=comment,
        recorded_by=actor if member.user_id != getattr(actor, "pk", None) else None,
    )
    label = feedback.get_rating_display()
    _note_only(proposal, actor=actor, action="rate", note=f"{member.name}: {label} {comment}".strip())
    if rating == Satisfaction.UNSATISFIED:
        # 不满意 sends the proposal back to the unit for a new round; the comment travels with it.
        proposal.handling_round += 1
        _move(
            proposal,
            S.HANDLING,
            actor=actor,
            action="rehandle",
            note=_("Unsatisfied (%(name)s): %(comment)s") % {"name": member.name, "comment": comment},
            fields=["handling_round"],
        )
        for user in _unit_recipients([_lead_assignment(proposal).unit]):
            notify(
                recipient=user,
                kind="proposals.rehandle",
                dedupe_key=f"proposals.rehandle:{proposal.pk}:{proposal.handling_round}:{user.pk}",
                title=_("Proposal %(number)s must be handled again") % {"number": proposal.number},
                body=comment,
                link=_link("proposals_units:detail", proposal.pk),
                about=proposal,
            )
        return feedback
    rated = set(reply.feedback.values_list("member_id", flat=True))
    if {m.pk for m in raters(proposal)} <= rated:
        proposal.closed_at = timezone.now()
        _move(
            proposal,
            S.CLOSED,
            actor=actor,
            action="close",
            note=_("Every proposer has rated the reply."),
            fields=["closed_at"],
        )
    return feedback


@transaction.atomic
def proposal_close(*, proposal: Proposal, actor, note: str) -> Proposal:
    """办结 by an office decision (ratings missing), with the decision written down."""
    roles.require_staff(actor)
    _locked(proposal)
    note = (note or "").strip()
    if not note:
        raise DomainError(
            _("Write down why the office closes the proposal."), code="reason_required", field="note"
        )
    check_proposal_transition(proposal, S.CLOSED, "close")
    proposal.closing_note = note
    proposal.closed_at = timezone.now()
    return _move(
        proposal, S.CLOSED, actor=actor, action="close", note=note, fields=["closing_note", "closed_at"]
    )


@transaction.atomic
def proposal_set_key(*, proposal: Proposal, actor, is_key: bool, leader: str = "") -> Proposal:
    """重点提案: mark (or unmark) a key proposal with the leader who oversees it."""
    roles.require_staff(actor)
    _locked(proposal)
    if proposal.state not in ACCEPTED_STATES:
        raise DomainError(_("Only an accepted proposal can be a key proposal."), code="not_accepted")
    leader = (leader or "").strip()
    if is_key and not leader:
        raise DomainError(
            _("Name the leader who oversees the key proposal."), code="leader_required", field="leader"
        )
    if proposal.is_key == is_key and proposal.key_leader == leader:
        return proposal
    was_key = proposal.is_key
    proposal.is_key, proposal.key_leader = is_key, leader if is_key else ""
    proposal.save(update_fields=["is_key", "key_leader", "updated_at"])
    _note_only(
        proposal,
        actor=actor,
        action="key" if is_key else "unkey",
        note=_("Key proposal, overseen by %(leader)s") % {"leader": leader}
        if is_key
        else _("No longer a key proposal"),
    )
    from members.choices import DutyEventKind

    if is_key and not was_key:
        _duty_for_signers(
            proposal,
            event_kind=DutyEventKind.PROPOSAL_KEY,
            occurred_on=_today(),
            title=_("Key proposal %(number)s: %(title)s")
            % {"number": proposal.number, "title": proposal.title},
            actor=actor,
        )
    elif was_key and not is_key:
        _withdraw_duty_for_signers(proposal, event_kind=DutyEventKind.PROPOSAL_KEY, actor=actor)
    return proposal


EXCELLENT_STEPS = {
    ExcellentState.NONE: ExcellentState.NOMINATED,
    ExcellentState.NOMINATED: ExcellentState.SHORTLISTED,
    ExcellentState.SHORTLISTED: ExcellentState.SELECTED,
}


def excellent_quota(year: int) -> int:
    """How many proposals of the year may be selected as excellent (a share of the accepted ones)."""
    accepted = Proposal.objects.filter(year=year, state__in=ACCEPTED_STATES).count()
    return math.ceil(accepted * year_settings(year).excellent_quota_percent / 100)


@transaction.atomic
def proposal_excellent_advance(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """优秀提案: nominate, shortlist, then select a proposal, within the year's quota."""
    roles.require_staff(actor)
    _locked(proposal)
    if proposal.state not in ACCEPTED_STATES:
        raise DomainError(_("Only an accepted proposal can be nominated."), code="not_accepted")
    target = EXCELLENT_STEPS.get(proposal.excellent_state)
    if target is None:
        raise DomainError(_("This proposal has already been selected."), code="already_selected")
    if target == ExcellentState.SELECTED:
        # Lock the year's counter so two selections cannot both take the last place.
        ProposalCounter.objects.select_for_update().filter(
            tenant_id=proposal.tenant_id, year=proposal.year
        ).first()
        taken = Proposal.objects.filter(
            tenant_id=proposal.tenant_id, year=proposal.year, excellent_state=ExcellentState.SELECTED
        ).count()
        quota = excellent_quota(proposal.year)
        if taken >= quota:
            raise DomainError(
                _("The quota of %(quota)s excellent proposals for %(year)s is used up.")
                % {"quota": quota, "year": proposal.year},
                code="quota_exceeded",
            )
    proposal.excellent_state = target
    proposal.save(update_fields=["excellent_state", "updated_at"])
    _note_only(
        proposal,
        actor=actor,
        action=f"excellent_{target}",
        note=(_("Excellent proposal: %(step)s") % {"step": ExcellentState(target).label})
        + (f" {note}" if note else ""),
    )
    if target == ExcellentState.SELECTED:
        from members.choices import DutyEventKind

        _duty_for_signers(
            proposal,
            event_kind=DutyEventKind.PROPOSAL_EXCELLENT,
            occurred_on=_today(),
            title=_("Excellent proposal %(number)s: %(title)s")
            % {"number": proposal.number, "title": proposal.title},
            actor=actor,
        )
    return proposal
