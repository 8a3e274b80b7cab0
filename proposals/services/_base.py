"""What every proposal and report step shares: the transition tables, locking, events, _move, duty records, attachments."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.uploads import check_upload
from members.selectors import member_for_user
from proposals.choices import (
    ProposalState,
    ProposerKind,
    ReportState,
)
from proposals.models import (
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalYearSettings,
    Reply,
)
from proposals.signals import proposal_transitioned

S = ProposalState
R = ReportState

# The proposal workflow of DOMAIN.md: (from, to) → the action that makes that move. Nothing else moves.
PROPOSAL_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.COSIGNING): "submit",
    (S.DRAFT, S.AWAITING_REVIEW): "submit",
    (S.COSIGNING, S.AWAITING_REVIEW): "close_cosigning",
    (S.COSIGNING, S.WITHDRAWN): "withdraw",
    (S.AWAITING_REVIEW, S.WITHDRAWN): "withdraw",
    (S.AWAITING_REVIEW, S.ACCEPTED): "accept",
    (S.AWAITING_REVIEW, S.REJECTED): "reject",
    (S.AWAITING_REVIEW, S.CONVERTED): "convert",
    (S.AWAITING_REVIEW, S.MERGED): "merge",
    (S.ACCEPTED, S.ASSIGNED): "assign",
    (S.ASSIGNED, S.RETURNED): "return",
    (S.RETURNED, S.ASSIGNED): "assign",
    (S.ASSIGNED, S.HANDLING): "start_handling",
    (S.HANDLING, S.REPLY_DRAFTED): "draft_reply",
    (S.REPLY_DRAFTED, S.COUNTERSIGNING): "send_reply",
    (S.REPLY_DRAFTED, S.UNDER_REVIEW): "send_reply",
    (S.REPLY_DRAFTED, S.AWAITING_EVALUATION): "send_reply",
    (S.COUNTERSIGNING, S.UNDER_REVIEW): "countersign",
    (S.COUNTERSIGNING, S.AWAITING_EVALUATION): "countersign",
    (S.COUNTERSIGNING, S.REPLY_DRAFTED): "refuse_countersign",
    (S.UNDER_REVIEW, S.AWAITING_EVALUATION): "approve_reply",
    (S.UNDER_REVIEW, S.REPLY_DRAFTED): "send_back_reply",
    (S.AWAITING_EVALUATION, S.HANDLING): "rehandle",
    (S.AWAITING_EVALUATION, S.CLOSED): "close",
}

# The report workflow of DOMAIN.md, in the same form.
REPORT_TRANSITIONS: dict[tuple[str, str], str] = {
    (R.SUBMITTED, R.EDITING): "start_editing",
    (R.SUBMITTED, R.ADOPTED): "adopt",
    (R.SUBMITTED, R.FILED): "file",
    (R.EDITING, R.ADOPTED): "adopt",
    (R.EDITING, R.FILED): "file",
    (R.ADOPTED, R.PUBLISHED): "publish",
}


def _today() -> dt.date:
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def year_settings(year: int) -> ProposalYearSettings:
    """The year's rules, created with the defaults the first time a year is used."""
    found = ProposalYearSettings.objects.filter(year=year).first()
    if found is None:
        found, _created = ProposalYearSettings.objects.get_or_create(year=year)
    return found


# The member of a login is members.selectors.member_for_user; `member_for` is the same function
# under the name the proposals API views call.
member_for = member_for_user


def _require_unit(actor, unit) -> None:
    if roles.is_staff_user(actor):
        return
    if not unit.accounts.filter(pk=actor.pk).exists():
        raise PermissionDeniedError(_("Only an account of %(unit)s may do this.") % {"unit": unit})


def _require_submitter_or_staff(proposal: Proposal, actor) -> None:
    if roles.is_staff_user(actor):
        return
    me = member_for_user(actor)
    if me is None or me.pk != proposal.submitter_id:
        raise PermissionDeniedError(_("Only the proposer or the office may do this."))


def _locked(proposal: Proposal) -> Proposal:
    """Re-read the proposal under a row lock so two requests cannot both move it."""
    fresh = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.__dict__.update({f.attname: getattr(fresh, f.attname) for f in Proposal._meta.concrete_fields})
    return proposal


def _state_label(state: str, choices) -> str:
    try:
        return str(choices(state).label)
    except ValueError:
        return state


def check_proposal_transition(proposal: Proposal, to_state: str, action: str) -> None:
    """Raise TransitionError unless the table allows `action` from the current state to `to_state`."""
    if PROPOSAL_TRANSITIONS.get((proposal.state, to_state)) != action:
        raise TransitionError(
            _("A proposal cannot go from “%(current)s” to “%(requested)s”.")
            % {"current": _state_label(proposal.state, S), "requested": _state_label(to_state, S)}
        )


def _event(proposal: Proposal, *, actor, action: str, from_state: str, to_state: str, note: str = ""):
    ProposalEvent.objects.create(
        proposal=proposal,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    record_event(
        actor=actor,
        action=f"proposal.{action}",
        obj=proposal,
        changes={"state": [from_state, to_state]} if from_state != to_state else {},
        note=note,
    )


def _move(proposal: Proposal, to_state: str, *, actor, action: str, note: str = "", fields=()) -> Proposal:
    """Apply one transition of the table: check, save, event row, audit, signal on commit."""
    check_proposal_transition(proposal, to_state, action)
    from_state = proposal.state
    proposal.state = to_state
    proposal.save(update_fields=["state", "updated_at", *fields])
    _event(proposal, actor=actor, action=action, from_state=from_state, to_state=to_state, note=note)
    acting = actor if getattr(actor, "is_authenticated", False) else None
    transaction.on_commit(
        lambda: proposal_transitioned.send(
            sender=Proposal, proposal=proposal, from_state=from_state, to_state=to_state, actor=acting
        )
    )
    return proposal


def _note_only(proposal: Proposal, *, actor, action: str, note: str = "") -> None:
    """An event that is not a state change (invitation, extension, flag) still goes on the timeline."""
    _event(
        proposal, actor=actor, action=action, from_state=proposal.state, to_state=proposal.state, note=note
    )


def _link(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def _duty(**kwargs) -> None:
    """Turn a workflow fact into a verified duty record (members owns the records and their points)."""
    from members import services as member_services

    member_services.duty_record_from_event(**kwargs)


def _duty_withdraw(**kwargs) -> None:
    from members import services as member_services

    member_services.duty_record_withdraw_event(**kwargs)


def _check_proposal_text(proposal: Proposal) -> None:
    limit = year_settings(proposal.year).length_limit
    if proposal.text_length > limit:
        raise DomainError(
            _("The reason and suggestions are %(length)s characters long; the limit is %(limit)s.")
            % {"length": proposal.text_length, "limit": limit},
            code="too_long",
            field="reason",
        )


def _check_collective(proposal: Proposal) -> None:
    needed = {ProposerKind.PARTY: "party", ProposerKind.SECTOR: "sector", ProposerKind.COMMITTEE: "committee"}
    field = needed.get(proposal.proposer_kind)
    for other in needed.values():
        if other != field:
            setattr(proposal, other, None)
    if field and getattr(proposal, field) is None:
        raise DomainError(
            _("A collective proposal names the body that makes it."), code="body_required", field=field
        )


def _attach(proposal: Proposal, uploads: Iterable, *, actor, reply: Reply | None = None) -> None:
    for upload in uploads:
        content_type = check_upload(upload).content_type
        ProposalAttachment.objects.create(
            proposal=proposal,
            reply=reply,
            file=upload,
            original_name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def _check_uploads(uploads: Iterable) -> list:
    uploads = list(uploads or [])
    for upload in uploads:
        check_upload(upload)
    return uploads
