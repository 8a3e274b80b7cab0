"""Every write of the proposals app: the proposal and report workflows, each ONE transition table."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core import roles
from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.notifications.services import cancel_pending, notify
from cppcc_portal.core.uploads import check_upload
from members.selectors import member_for_user
from members.validators import validate_plausible_year
from proposals.choices import (
    ACCEPTED_STATES,
    AdoptionLevel,
    AssignmentRole,
    BulletinState,
    ConversionKind,
    CosignState,
    ExcellentState,
    ProposalState,
    ProposerKind,
    ReplyCategory,
    ReportAuthorKind,
    ReportState,
    Satisfaction,
)
from proposals.models import (
    Assignment,
    BulletinIssue,
    Cosignature,
    Countersignature,
    Feedback,
    Instruction,
    OpinionReport,
    Proposal,
    ProposalAttachment,
    ProposalCounter,
    ProposalEvent,
    ProposalYearSettings,
    Reply,
    ReportEvent,
)
from proposals.signals import proposal_transitioned, report_transitioned

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


# ---------------------------------------------------------------- helpers


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


# ---------------------------------------------------------------- drafting and co-signing


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


# ---------------------------------------------------------------- review


def _lead_member(proposal: Proposal):
    """The member who earns the lead proposer's points (collective proposals earn none individually)."""
    return proposal.submitter if proposal.proposer_kind == ProposerKind.MEMBER else None


def _signers(proposal: Proposal) -> list:
    return [
        c.member for c in proposal.cosignatures.filter(state=CosignState.ACCEPTED).select_related("member")
    ]


def _duty_for_signers(
    proposal: Proposal, *, event_kind: str, occurred_on: dt.date, title: str, actor
) -> None:
    from members.choices import DutyRole

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
    ProposalCounter.objects.get_or_create(year=proposal.year)
    counter = ProposalCounter.objects.select_for_update().get(year=proposal.year)
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


# ---------------------------------------------------------------- assignment to units


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
    rules = year_settings(proposal.year)
    today = _today()
    due = add_months(today, rules.reply_months)
    proposal.assignments.filter(is_current=True).update(is_current=False)
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


# ---------------------------------------------------------------- feedback and closing


def raters(proposal: Proposal) -> list:
    """Who rates the reply: the lead proposer (or submitting member) and every accepted co-signer."""
    return [proposal.submitter, *_signers(proposal)]


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


# ---------------------------------------------------------------- flags: key and excellent


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
        ProposalCounter.objects.select_for_update().filter(year=proposal.year).first()
        taken = Proposal.objects.filter(year=proposal.year, excellent_state=ExcellentState.SELECTED).count()
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


# ---------------------------------------------------------------- social-conditions reports


def _report_event(
    report: OpinionReport, *, actor, action: str, from_state: str, to_state: str, note: str = ""
):
    ReportEvent.objects.create(
        report=report,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    record_event(
        actor=actor,
        action=f"report.{action}",
        obj=report,
        changes={"state": [from_state, to_state]} if from_state != to_state else {},
        note=note,
    )


def check_report_transition(report: OpinionReport, to_state: str, action: str) -> None:
    """Raise TransitionError unless the report table allows the move."""
    if REPORT_TRANSITIONS.get((report.state, to_state)) != action:
        raise TransitionError(
            _("A report cannot go from “%(current)s” to “%(requested)s”.")
            % {"current": _state_label(report.state, R), "requested": _state_label(to_state, R)}
        )


def _move_report(report: OpinionReport, to_state: str, *, actor, action: str, note: str = "", fields=()):
    check_report_transition(report, to_state, action)
    from_state = report.state
    report.state = to_state
    report.save(update_fields=["state", *fields])
    _report_event(report, actor=actor, action=action, from_state=from_state, to_state=to_state, note=note)
    acting = actor if getattr(actor, "is_authenticated", False) else None
    transaction.on_commit(
        lambda: report_transitioned.send(
            sender=OpinionReport, report=report, from_state=from_state, to_state=to_state, actor=acting
        )
    )
    return report


def _locked_report(report: OpinionReport) -> OpinionReport:
    fresh = OpinionReport.objects.select_for_update().get(pk=report.pk)
    report.__dict__.update(
        {f.attname: getattr(fresh, f.attname) for f in OpinionReport._meta.concrete_fields}
    )
    return report


def _check_report_text(report: OpinionReport) -> None:
    limit = year_settings(report.year).report_length_limit
    if report.text_length > limit:
        raise DomainError(
            _("The report is %(length)s characters long; the limit is %(limit)s (one matter per report).")
            % {"length": report.text_length, "limit": limit},
            code="too_long",
            field="situation",
        )


@transaction.atomic
def report_submit(
    *,
    actor,
    title: str,
    situation: str,
    analysis: str = "",
    suggestion: str = "",
    author_kind: str | None = None,
    author_member=None,
    party=None,
    sector=None,
    year: int | None = None,
    items: Iterable = (),
) -> OpinionReport:
    """报送: a member, a body (through the office) or an information officer submits one matter."""
    me = member_for_user(actor)
    is_staff = roles.is_staff_user(actor)
    is_officer = roles.has_role(actor, roles.INFO_OFFICER)
    if author_kind is None:
        author_kind = ReportAuthorKind.MEMBER if me is not None else ReportAuthorKind.INFO_OFFICER
    if author_kind == ReportAuthorKind.MEMBER:
        author_member = author_member if is_staff and author_member is not None else me
        if author_member is None:
            raise PermissionDeniedError(
                _("Only members, information officers and the office submit reports.")
            )
    elif author_kind == ReportAuthorKind.INFO_OFFICER:
        if not (is_officer or is_staff):
            raise PermissionDeniedError(_("Only information officers submit as an information officer."))
    elif not is_staff and not is_officer:
        raise PermissionDeniedError(_("Reports of a party group or a sector are entered by the office."))
    report = OpinionReport(
        year=year or _today().year,
        title=(title or "").strip(),
        situation=situation or "",
        analysis=analysis or "",
        suggestion=suggestion or "",
        author_kind=author_kind,
        author_member=author_member if author_kind == ReportAuthorKind.MEMBER else None,
        party=party if author_kind == ReportAuthorKind.PARTY else None,
        sector=sector if author_kind == ReportAuthorKind.SECTOR else None,
        submitted_by=actor,
    )
    if author_kind == ReportAuthorKind.PARTY and party is None:
        raise DomainError(_("Name the party group."), code="body_required", field="party")
    if author_kind == ReportAuthorKind.SECTOR and sector is None:
        raise DomainError(_("Name the sector."), code="body_required", field="sector")
    report.full_clean()
    _check_report_text(report)
    report.save()
    if items:
        report.items.set(items)
    _report_event(report, actor=actor, action="submit", from_state=R.SUBMITTED, to_state=R.SUBMITTED)
    if report.author_member is not None:
        from members.choices import DutyEventKind, DutyRole

        _duty(
            member=report.author_member,
            event_kind=DutyEventKind.REPORT_SUBMITTED,
            role=DutyRole.LEAD,
            occurred_on=timezone.localdate(report.submitted_at),
            title=_("Social-conditions report: %(title)s") % {"title": report.title},
            source=report,
            actor=actor,
            year=report.year,
        )
    return report


REPORT_EDITABLE = ("title", "situation", "analysis", "suggestion", "editor_note")


@transaction.atomic
def report_edit(*, report: OpinionReport, actor, **changes) -> OpinionReport:
    """编辑: the office edits a report's text (the first edit starts editing)."""
    roles.require_staff(actor)
    _locked_report(report)
    if report.state not in (R.SUBMITTED, R.EDITING):
        raise TransitionError(
            _("A report cannot go from “%(current)s” to “%(requested)s”.")
            % {"current": _state_label(report.state, R), "requested": _state_label(R.EDITING, R)}
        )
    for name, value in changes.items():
        if name not in REPORT_EDITABLE:
            raise DomainError(_("Unknown field %(name)s.") % {"name": name}, code="invalid", field=name)
        setattr(report, name, value)
    report.full_clean()
    _check_report_text(report)
    report.save(update_fields=list(changes) or None)
    if report.state == R.SUBMITTED:
        _move_report(report, R.EDITING, actor=actor, action="start_editing")
    return report


@transaction.atomic
def report_adopt(*, report: OpinionReport, actor, level: str, note: str = "") -> OpinionReport:
    """采用: the office adopts a report at a level; the author earns a verified duty record."""
    roles.require_staff(actor)
    _locked_report(report)
    if level not in AdoptionLevel.values:
        raise DomainError(_("Choose the level that adopted the report."), code="invalid", field="level")
    check_report_transition(report, R.ADOPTED, "adopt")
    report.adoption_level = level
    report.adopted_on = _today()
    _move_report(
        report,
        R.ADOPTED,
        actor=actor,
        action="adopt",
        note=note or AdoptionLevel(level).label,
        fields=["adoption_level", "adopted_on"],
    )
    if report.author_member is not None:
        from members.choices import DutyEventKind, DutyRole

        _duty(
            member=report.author_member,
            event_kind=DutyEventKind.REPORT_ADOPTED,
            role=DutyRole.LEAD,
            occurred_on=report.adopted_on,
            title=_("Report adopted (%(level)s): %(title)s")
            % {"level": AdoptionLevel(level).label, "title": report.title},
            source=report,
            actor=actor,
            year=report.year,
        )
    return report


@transaction.atomic
def report_file(*, report: OpinionReport, actor, note: str = "") -> OpinionReport:
    """存档: the office files a report without adopting it."""
    roles.require_staff(actor)
    _locked_report(report)
    return _move_report(report, R.FILED, actor=actor, action="file", note=note)


@transaction.atomic
def bulletin_create(*, actor, year: int, title: str = "", editor: str = "") -> BulletinIssue:
    """Open the next issue of 《社情民意》 for a year (numbers run on without gaps)."""
    roles.require_staff(actor)
    ProposalCounter.objects.get_or_create(year=year)
    # The year's counter row serialises issue numbering too.
    ProposalCounter.objects.select_for_update().get(year=year)
    last = (
        BulletinIssue.objects.filter(year=year).order_by("-number").values_list("number", flat=True).first()
    )
    issue = BulletinIssue(year=year, number=(last or 0) + 1, title=title, editor=editor)
    issue.full_clean()
    issue.save()
    record_event(actor=actor, action="bulletin.create", obj=issue)
    return issue


@transaction.atomic
def bulletin_update(*, bulletin: BulletinIssue, actor, title: str, editor: str) -> BulletinIssue:
    """Change an issue's title or editor (its number, year and state belong to the workflow)."""
    roles.require_staff(actor)
    bulletin = BulletinIssue.objects.select_for_update().get(pk=bulletin.pk)
    before = snapshot(bulletin, ["title", "editor"])
    bulletin.title, bulletin.editor = title or "", editor or ""
    bulletin.full_clean()
    changes = diff(before, snapshot(bulletin, ["title", "editor"]))
    if changes:
        bulletin.save(update_fields=["title", "editor"])
        record_event(actor=actor, action="bulletin.update", obj=bulletin, changes=changes)
    return bulletin


@transaction.atomic
def bulletin_add_reports(
    *, bulletin: BulletinIssue, actor, reports: Iterable[OpinionReport]
) -> BulletinIssue:
    """Put adopted reports into an issue being edited."""
    roles.require_staff(actor)
    if bulletin.state != BulletinState.DRAFT:
        raise DomainError(_("This issue is already published."), code="bulletin_published")
    for report in reports:
        _locked_report(report)
        if report.state != R.ADOPTED:
            raise DomainError(
                _("Only adopted reports go into the bulletin; “%(title)s” is “%(state)s”.")
                % {"title": report.title, "state": _state_label(report.state, R)},
                code="not_adopted",
            )
        report.bulletin = bulletin
        report.save(update_fields=["bulletin"])
        _report_event(
            report,
            actor=actor,
            action="add_to_bulletin",
            from_state=report.state,
            to_state=report.state,
            note=str(bulletin),
        )
    return bulletin


@transaction.atomic
def bulletin_publish(*, bulletin: BulletinIssue, actor) -> BulletinIssue:
    """刊发: publish an issue; its reports become published and their authors are told."""
    roles.require_staff(actor)
    bulletin = BulletinIssue.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.state != BulletinState.DRAFT:
        raise DomainError(_("This issue is already published."), code="bulletin_published")
    reports = list(bulletin.reports.select_related("author_member__user"))
    if not reports:
        raise DomainError(_("An issue needs at least one report."), code="bulletin_empty")
    bulletin.state = BulletinState.PUBLISHED
    bulletin.published_on = _today()
    bulletin.save(update_fields=["state", "published_on"])
    record_event(actor=actor, action="bulletin.publish", obj=bulletin)
    for report in reports:
        _move_report(report, R.PUBLISHED, actor=actor, action="publish", note=str(bulletin))
        if report.author_member is not None and report.author_member.user_id:
            notify(
                recipient=report.author_member.user,
                kind="proposals.report_published",
                dedupe_key=f"proposals.report_published:{report.pk}",
                title=_("Your report “%(title)s” appears in %(issue)s")
                % {"title": report.title, "issue": bulletin},
                link=_link("proposals:report_detail", report.pk),
                about=report,
            )
    return bulletin


@transaction.atomic
def instruction_record(
    *,
    report: OpinionReport,
    actor,
    leader_name: str,
    level: str,
    text: str,
    instructed_on: dt.date | None = None,
) -> Instruction:
    """批示: record a leader's instruction on an adopted report and tell its author."""
    roles.require_staff(actor)
    _locked_report(report)
    if report.state not in (R.ADOPTED, R.PUBLISHED):
        raise DomainError(_("Instructions are recorded on adopted reports."), code="not_adopted")
    instruction = Instruction(
        report=report,
        leader_name=(leader_name or "").strip(),
        level=level,
        text=(text or "").strip(),
        instructed_on=instructed_on or _today(),
        recorded_by=actor,
    )
    instruction.full_clean()
    instruction.save()
    _report_event(
        report,
        actor=actor,
        action="instruction",
        from_state=report.state,
        to_state=report.state,
        note=f"{instruction.leader_name}: {instruction.text}",
    )
    author = report.author_member
    if author is not None:
        from members.choices import DutyEventKind, DutyRole

        _duty(
            member=author,
            event_kind=DutyEventKind.REPORT_INSTRUCTED,
            role=DutyRole.LEAD,
            occurred_on=instruction.instructed_on,
            title=_("Leader's instruction on: %(title)s") % {"title": report.title},
            source=report,
            actor=actor,
            year=report.year,
        )
        if author.user_id:
            notify(
                recipient=author.user,
                kind="proposals.report_instructed",
                dedupe_key=f"proposals.report_instructed:{instruction.pk}",
                title=_("%(leader)s gave an instruction on your report “%(title)s”")
                % {"leader": instruction.leader_name, "title": report.title},
                body=instruction.text,
                link=_link("proposals:report_detail", report.pk),
                about=report,
            )
    return instruction


@transaction.atomic
def report_to_proposal(*, report: OpinionReport, actor, category) -> Proposal:
    """A report becomes a draft proposal of its author, keeping the link both ways."""
    roles.require_staff(actor)
    if report.author_member is None:
        raise DomainError(_("Only a member's report can become their proposal."), code="no_member_author")
    proposal = proposal_create(
        actor=actor,
        submitter=report.author_member,
        title=report.title,
        reason="\n\n".join(p for p in (report.situation, report.analysis) if p),
        suggestions=report.suggestion or report.situation,
        category=category,
        year=report.year,
    )
    proposal.source_report = report
    proposal.save(update_fields=["source_report"])
    _report_event(
        report,
        actor=actor,
        action="to_proposal",
        from_state=report.state,
        to_state=report.state,
        note=_("Became a draft proposal."),
    )
    return proposal
