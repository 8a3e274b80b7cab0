"""Proposals: drafting, co-signing, submission and withdrawal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.notifications.services import cancel_pending, notify
from members.selectors import member_for_user
from members.validators import validate_plausible_year
from proposals.choices import (
    CosignState,
    ProposerKind,
)
from proposals.models import (
    Cosignature,
    Proposal,
)
from proposals.services._base import (
    S,
    _attach,
    _check_collective,
    _check_proposal_text,
    _check_uploads,
    _link,
    _locked,
    _move,
    _note_only,
    _require_submitter_or_staff,
    _state_label,
    _today,
    check_proposal_transition,
    year_settings,
)

EDITABLE_FIELDS = (
    "title",
    "reason",
    "suggestions",
    "category",
    "proposer_kind",
    "party",
    "sector",
    "committee",
)


@transaction.atomic
def proposal_create(
    *,
    actor,
    submitter,
    title: str,
    reason: str,
    suggestions: str,
    category,
    year: int | None = None,
    proposer_kind: str = ProposerKind.MEMBER,
    party=None,
    sector=None,
    committee=None,
    items: Iterable = (),
    files: Iterable = (),
) -> Proposal:
    """Draft a proposal (a member for themself, or the office on a member's behalf)."""
    me = member_for_user(actor)
    if not roles.is_staff_user(actor) and (me is None or me.pk != submitter.pk):
        raise PermissionDeniedError(_("Members draft proposals for themselves only."))
    validate_plausible_year(year)
    uploads = _check_uploads(files)
    proposal = Proposal(
        year=year or _today().year,
        title=(title or "").strip(),
        reason=reason or "",
        suggestions=suggestions or "",
        category=category,
        proposer_kind=proposer_kind,
        submitter=submitter,
        party=party,
        sector=sector,
        committee=committee,
        created_by=actor,
    )
    _check_collective(proposal)
    proposal.full_clean()
    _check_proposal_text(proposal)
    proposal.save()
    if items:
        proposal.items.set(items)
    _attach(proposal, uploads, actor=actor)
    note = "" if me is not None and me.pk == submitter.pk else _("Drafted by the office for the proposer.")
    _note_only(proposal, actor=actor, action="create", note=note)
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, actor, files: Iterable = (), items=None, **changes) -> Proposal:
    """Edit a draft: only the proposer (or the office) and only while it is a draft."""
    _locked(proposal)
    _require_submitter_or_staff(proposal, actor)
    if proposal.state not in (S.DRAFT,) and not roles.is_staff_user(actor):
        raise TransitionError(
            _("Only a draft can be edited; this proposal is “%(state)s”.")
            % {"state": _state_label(proposal.state, S)}
        )
    uploads = _check_uploads(files)
    before = {name: str(getattr(proposal, name)) for name in EDITABLE_FIELDS}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise DomainError(_("Unknown field %(name)s.") % {"name": name}, code="invalid", field=name)
        setattr(proposal, name, value.strip() if name == "title" and isinstance(value, str) else value)
    _check_collective(proposal)
    proposal.full_clean()
    _check_proposal_text(proposal)
    proposal.save()
    if items is not None:
        proposal.items.set(items)
    _attach(proposal, uploads, actor=actor)
    after = {name: str(getattr(proposal, name)) for name in EDITABLE_FIELDS}
    record_event(
        actor=actor,
        action="proposal.edit",
        obj=proposal,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return proposal


def _notify_invitation(cosignature: Cosignature) -> None:
    user = cosignature.member.user
    if user is None:
        return
    proposal = cosignature.proposal
    notify(
        recipient=user,
        kind="proposals.cosign_invited",
        dedupe_key=f"proposals.cosign_invited:{cosignature.pk}",
        title=_("%(name)s invites you to co-sign “%(title)s”")
        % {"name": proposal.submitter.name, "title": proposal.title},
        body=_("Please answer by %(date)s.") % {"date": proposal.cosign_deadline_on or "—"},
        link=_link("proposals:detail", proposal.pk),
        about=proposal,
    )


@transaction.atomic
def cosigners_invite(*, proposal: Proposal, actor, members: Iterable) -> list[Cosignature]:
    """Invite members to co-sign, while the proposal is a draft or co-signing is open."""
    _locked(proposal)
    _require_submitter_or_staff(proposal, actor)
    if proposal.state not in (S.DRAFT, S.COSIGNING):
        raise TransitionError(
            _(
                "Co-signers can be invited only to a draft or while co-signing is open; this proposal is “%(state)s”."
            )
            % {"state": _state_label(proposal.state, S)}
        )
    if proposal.cosign_deadline_on and _today() > proposal.cosign_deadline_on:
        raise DomainError(_("The co-signing deadline has passed."), code="cosign_deadline_passed")
    created = []
    for member in members:
        if member.pk == proposal.submitter_id:
            raise DomainError(_("The proposer cannot co-sign their own proposal."), code="self_cosign")
        cosignature, made = Cosignature.objects.get_or_create(proposal=proposal, member=member)
        if not made:
            continue
        created.append(cosignature)
        if proposal.state == S.COSIGNING:
            _notify_invitation(cosignature)
    if created:
        _note_only(
            proposal,
            actor=actor,
            action="invite",
            note=_("Invited: %(names)s") % {"names": "、".join(c.member.name for c in created)},
        )
    return created


def _cosign_deadline(proposal: Proposal) -> dt.date:
    rules = year_settings(proposal.year)
    if rules.cosign_deadline:
        return rules.cosign_deadline
    return _today() + dt.timedelta(days=rules.cosign_days)


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """Submit a draft: co-signing opens if co-signers were invited, else it goes to review."""
    _locked(proposal)
    _require_submitter_or_staff(proposal, actor)
    rules = year_settings(proposal.year)
    today = _today()
    target = (
        S.COSIGNING if proposal.cosignatures.filter(state=CosignState.INVITED).exists() else S.AWAITING_REVIEW
    )
    check_proposal_transition(proposal, target, "submit")
    if rules.submission_opens_on and today < rules.submission_opens_on:
        raise DomainError(
            _("Submission opens on %(date)s.") % {"date": rules.submission_opens_on}, code="window_closed"
        )
    if rules.submission_closes_on and today > rules.submission_closes_on:
        raise DomainError(
            _("Submission closed on %(date)s.") % {"date": rules.submission_closes_on}, code="window_closed"
        )
    _check_proposal_text(proposal)
    proposal.submitted_at = timezone.now()
    proposal.cosign_deadline_on = _cosign_deadline(proposal) if target == S.COSIGNING else None
    if not note and not roles.has_role(actor, roles.MEMBER) and roles.is_staff_user(actor):
        note = _("Submitted by the office on the proposer's behalf.")
    _move(
        proposal,
        target,
        actor=actor,
        action="submit",
        note=note,
        fields=["submitted_at", "cosign_deadline_on"],
    )
    if target == S.COSIGNING:
        for cosignature in proposal.cosignatures.filter(state=CosignState.INVITED).select_related(
            "member__user", "proposal__submitter"
        ):
            _notify_invitation(cosignature)
    return proposal


@transaction.atomic
def cosign_respond(*, proposal: Proposal, actor, accept: bool, member=None) -> Cosignature:
    """An invited member accepts or declines co-signing (before the deadline)."""
    _locked(proposal)
    member = member if member is not None and roles.is_staff_user(actor) else member_for_user(actor)
    cosignature = proposal.cosignatures.filter(member=member).first() if member else None
    if cosignature is None:
        raise PermissionDeniedError(_("You were not invited to co-sign this proposal."))
    if proposal.state != S.COSIGNING:
        raise TransitionError(
            _("Co-signing is not open; this proposal is “%(state)s”.")
            % {"state": _state_label(proposal.state, S)}
        )
    if proposal.cosign_deadline_on and _today() > proposal.cosign_deadline_on:
        raise DomainError(_("The co-signing deadline has passed."), code="cosign_deadline_passed")
    if cosignature.state != CosignState.INVITED:
        raise DomainError(_("You have already answered this invitation."), code="already_answered")
    cosignature.state = CosignState.ACCEPTED if accept else CosignState.DECLINED
    cosignature.responded_at = timezone.now()
    cosignature.save(update_fields=["state", "responded_at"])
    _note_only(
        proposal,
        actor=actor,
        action="cosign_accept" if accept else "cosign_decline",
        note=_("%(name)s: %(answer)s") % {"name": member.name, "answer": cosignature.get_state_display()},
    )
    # Once every invitee has answered there is nothing to wait for.
    if not proposal.cosignatures.filter(state=CosignState.INVITED).exists():
        _move(
            proposal,
            S.AWAITING_REVIEW,
            actor=actor,
            action="close_cosigning",
            note=_("Every invited co-signer has answered."),
        )
    return cosignature


@transaction.atomic
def proposal_close_cosigning(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """End co-signing (the proposer, the office, or the deadline sweep); open invitations expire."""
    _locked(proposal)
    if actor is not None:
        _require_submitter_or_staff(proposal, actor)
    check_proposal_transition(proposal, S.AWAITING_REVIEW, "close_cosigning")
    # Only the deadline sweep (no actor) makes an invitation expire; closing early is no one's lateness.
    _end_open_invitations(
        proposal,
        CosignState.EXPIRED if actor is None else CosignState.CLOSED,
        _lazy("Co-signing of “{title}” has closed: no reply is needed."),
    )
    return _move(proposal, S.AWAITING_REVIEW, actor=actor, action="close_cosigning", note=note)


def _end_open_invitations(proposal: Proposal, state: str, message) -> None:
    """Invitations still open end in `state`; their invitees are told that no reply is needed."""
    open_invitations = list(
        proposal.cosignatures.filter(state=CosignState.INVITED).select_related("member__user")
    )
    if not open_invitations:
        return
    proposal.cosignatures.filter(pk__in=[c.pk for c in open_invitations]).update(
        state=state, responded_at=timezone.now()
    )
    cancel_pending(about=proposal, kind_prefix="proposals.cosign_invited")
    for cosignature in open_invitations:
        if cosignature.member.user_id:
            notify(
                recipient=cosignature.member.user,
                kind="proposals.cosign_ended",
                dedupe_key=f"proposals.cosign_ended:{cosignature.pk}",
                title=format_lazy(message, title=proposal.title),
                link=_link("proposals:detail", proposal.pk),
                about=proposal,
            )


def close_expired_cosigning(*, today: dt.date | None = None) -> int:
    """Close co-signing on every proposal whose deadline has passed (run daily); returns how many."""
    today = today or _today()
    count = 0
    for proposal in Proposal.objects.filter(state=S.COSIGNING, cosign_deadline_on__lt=today):
        try:
            proposal_close_cosigning(proposal=proposal, actor=None, note=_("The co-signing deadline passed."))
        except TransitionError:
            continue
        count += 1
    return count


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """The proposer (or the office) withdraws a proposal before the review decision."""
    _locked(proposal)
    _require_submitter_or_staff(proposal, actor)
    check_proposal_transition(proposal, S.WITHDRAWN, "withdraw")
    _end_open_invitations(
        proposal, CosignState.WITHDRAWN, _lazy("“{title}” was withdrawn: no reply is needed.")
    )
    return _move(proposal, S.WITHDRAWN, actor=actor, action="withdraw", note=note)
