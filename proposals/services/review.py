"""Proposals: review by the office (accept, reject, convert, merge)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError
from proposals.choices import (
    ConversionKind,
    CosignState,
    ProposerKind,
    ReportAuthorKind,
)
from proposals.models import (
    OpinionReport,
    Proposal,
    ProposalCounter,
)
from proposals.services._base import R, S, _duty, _duty_withdraw, _locked, _move, check_proposal_transition
from proposals.services.reports import _report_event


def _lead_member(proposal: Proposal):
    """The member who earns the lead proposer's points (collective proposals earn none individually)."""
    return proposal.submitter if proposal.proposer_kind == ProposerKind.MEMBER else None


def _received(proposal: Proposal) -> bool:
    """A proposal received from another committee (proposals.services.forwarding): its proposer is a
    member of the sending committee and earns their points there, once, not again here."""
    return proposal.submitter.tenant_id != proposal.tenant_id


def _signers(proposal: Proposal) -> list:
    return [
        c.member for c in proposal.cosignatures.filter(state=CosignState.ACCEPTED).select_related("member")
    ]


def _duty_for_signers(
    proposal: Proposal, *, event_kind: str, occurred_on: dt.date, title: str, actor
) -> None:
    from members.choices import DutyRole

    if _received(proposal):
        return

    lead = _lead_member(proposal)
    if lead is not None:
        _duty(
            member=lead,
            event_kind=event_kind,
            role=DutyRole.LEAD,
            occurred_on=occurred_on,
            title=title,
            source=proposal,
            actor=actor,
            year=proposal.year,
        )
    for member in _signers(proposal):
        _duty(
            member=member,
            event_kind=event_kind,
            role=DutyRole.COSIGNER,
            occurred_on=occurred_on,
            title=title,
            source=proposal,
            actor=actor,
            year=proposal.year,
        )


def _withdraw_duty_for_signers(proposal: Proposal, *, event_kind: str, actor) -> None:
    if _received(proposal):
        return
    lead = _lead_member(proposal)
    if lead is not None:
        _duty_withdraw(member=lead, event_kind=event_kind, source=proposal, actor=actor)
    for member in _signers(proposal):
        _duty_withdraw(member=member, event_kind=event_kind, source=proposal, actor=actor)


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """立案: accept a proposal and give it the year's next number (no gap, no duplicate)."""
    roles.require_staff(actor)
    _locked(proposal)
    check_proposal_transition(proposal, S.ACCEPTED, "accept")
    # The counter row is locked until this transaction ends, so concurrent acceptances queue here.
    # Numbers run per committee: each district has its own proposal 2017-001.
    key = {"tenant_id": proposal.tenant_id, "year": proposal.year}
    ProposalCounter.objects.get_or_create(**key)
    counter = ProposalCounter.objects.select_for_update().get(**key)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    proposal.number_seq = counter.last_number
    proposal.number = f"{proposal.year}-{counter.last_number:03d}"
    proposal.accepted_at = timezone.now()
    _move(
        proposal,
        S.ACCEPTED,
        actor=actor,
        action="accept",
        note=note or _("Numbered %(number)s.") % {"number": proposal.number},
        fields=["number_seq", "number", "accepted_at"],
    )
    from members.choices import DutyEventKind

    _duty_for_signers(
        proposal,
        event_kind=DutyEventKind.PROPOSAL_ACCEPTED,
        occurred_on=timezone.localdate(proposal.accepted_at),
        title=_("Proposal %(number)s accepted: %(title)s")
        % {"number": proposal.number, "title": proposal.title},
        actor=actor,
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, actor, reason: str) -> Proposal:
    """不予立案: reject a proposal; the reason is required and shown to the proposer."""
    roles.require_staff(actor)
    _locked(proposal)
    check_proposal_transition(proposal, S.REJECTED, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for not accepting the proposal."), code="reason_required", field="note"
        )
    proposal.rejection_reason = reason
    return _move(proposal, S.REJECTED, actor=actor, action="reject", note=reason, fields=["rejection_reason"])


@transaction.atomic
def proposal_convert(*, proposal: Proposal, actor, kind: str, note: str = "") -> Proposal:
    """转意见建议 / 转社情民意: convert a proposal; a report made from it keeps the link."""
    roles.require_staff(actor)
    _locked(proposal)
    check_proposal_transition(proposal, S.CONVERTED, "convert")
    if kind not in ConversionKind.values:
        raise DomainError(_("Choose what the proposal becomes."), code="invalid", field="kind")
    proposal.conversion_kind = kind
    fields = ["conversion_kind"]
    if kind == ConversionKind.REPORT:
        report = OpinionReport.objects.create(
            year=proposal.year,
            title=proposal.title,
            situation=proposal.reason,
            suggestion=proposal.suggestions,
            author_kind=ReportAuthorKind.MEMBER,
            author_member=proposal.submitter,
            submitted_by=actor,
        )
        _report_event(
            report,
            actor=actor,
            action="create",
            from_state=R.SUBMITTED,
            to_state=R.SUBMITTED,
            note=_("Converted from proposal “%(title)s”.") % {"title": proposal.title},
        )
        proposal.converted_report = report
        fields.append("converted_report")
    return _move(proposal, S.CONVERTED, actor=actor, action="convert", note=note, fields=fields)


def proposal_merge(*, proposal: Proposal, into: Proposal, actor, note: str = "") -> Proposal:
    """并案: merge a proposal into another of the same year; its proposers follow (proposals.merging)."""
    from proposals.merging import proposal_merge as merge

    return merge(proposal=proposal, into=into, actor=actor, note=note)


def raters(proposal: Proposal) -> list:
    """Who rates the reply: the lead proposer (or submitting member) and every accepted co-signer."""
    return [proposal.submitter, *_signers(proposal)]
