"""What every proposal and report step shares: the transition tables, locking, events, _move, duty records, attachments."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.uploads import check_upload
from cppcc_portal.core.workflow import Transition, Workflow, Workflows
from members.selectors import member_for_user
from proposals.choices import (
    AssignmentRole,
    CosignState,
    ProposalState,
    ProposerKind,
    ReportState,
)
from proposals.models import (
    Assignment,
    OpinionReport,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalYearSettings,
    Reply,
)
from proposals.signals import proposal_transitioned

S = ProposalState
R = ReportState

# Who may take a step, for the buttons (`allowed_actions`); each service also checks who, with
# its own message, so these predicates are not enforced a second time by `_move`.


def _staff(proposal, user) -> bool:
    return roles.is_staff_user(user)


def _submitter_or_staff(proposal, user) -> bool:
    if roles.is_staff_user(user):
        return True
    me = member_for_user(user)
    return me is not None and me.pk == proposal.submitter_id


def _invited_cosigner(proposal, user) -> bool:
    me = member_for_user(user)
    return me is not None and proposal.cosignatures.filter(member=me, state=CosignState.INVITED).exists()


def _my_assignments(proposal, user) -> list[Assignment]:
    """The user's units' current assignments on the proposal, read once per proposal and user."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = proposal.__dict__.setdefault("_assignments_of_user", {})
    if user.pk not in cache:
        cache[user.pk] = list(proposal.assignments.filter(is_current=True, unit__accounts=user).distinct())
    return cache[user.pk]


def _lead_unit_account(proposal, user) -> bool:
    """The unit workspace's reply steps: an account of the lead unit itself."""
    return any(a.role == AssignmentRole.LEAD for a in _my_assignments(proposal, user))


def _lead_unit(proposal, user) -> bool:
    return roles.is_staff_user(user) or _lead_unit_account(proposal, user)


def _returning_unit(proposal, user) -> bool:
    """A unit holding the proposal, within its return deadline."""
    today = _today()
    return any(today <= a.return_deadline_on for a in _my_assignments(proposal, user))


def _assisting_not_signed(proposal, user) -> bool:
    """An assisting unit that has not yet countersigned the current reply."""
    mine = {a.unit_id for a in _my_assignments(proposal, user) if a.role == AssignmentRole.ASSISTING}
    if not mine:
        return False
    reply = proposal.replies.filter(round=proposal.handling_round).first()
    signed = set(reply.countersignatures.values_list("unit_id", flat=True)) if reply else set()
    return bool(mine - signed)


# The proposal workflow of DOMAIN.md, in core's one shape (`core.workflow`): each action, the states
# it leaves, the states it may reach (none: the action keeps the state) and who may take it.
T = Transition
PROPOSAL_WORKFLOW = Workflow(
    labels=S,
    refusal=_lazy("A proposal cannot go from “%(current)s” to “%(requested)s”."),
    enforce_may=False,
    transitions=[
        T("edit", S.DRAFT, may=_submitter_or_staff),
        T("invite", (S.DRAFT, S.COSIGNING), may=_submitter_or_staff),
        T("submit", S.DRAFT, (S.COSIGNING, S.AWAITING_REVIEW), may=_submitter_or_staff),
        T("cosign", S.COSIGNING, may=_invited_cosigner),
        T("close_cosigning", S.COSIGNING, S.AWAITING_REVIEW, may=_submitter_or_staff),
        T("withdraw", (S.COSIGNING, S.AWAITING_REVIEW), S.WITHDRAWN, may=_submitter_or_staff),
        T("accept", S.AWAITING_REVIEW, S.ACCEPTED, may=_staff),
        T("reject", S.AWAITING_REVIEW, S.REJECTED, may=_staff),
        T("convert", S.AWAITING_REVIEW, S.CONVERTED, may=_staff),
        T("merge", S.AWAITING_REVIEW, S.MERGED, may=_staff),
        T("assign", (S.ACCEPTED, S.RETURNED), S.ASSIGNED, may=_staff),
        T("return", S.ASSIGNED, S.RETURNED, may=_returning_unit),
        T("start_handling", S.ASSIGNED, S.HANDLING, may=_lead_unit),
        T("edit_reply", (S.ASSIGNED, S.HANDLING, S.REPLY_DRAFTED), may=_lead_unit_account),
        T("draft_reply", S.HANDLING, S.REPLY_DRAFTED, may=_lead_unit),
        T(
            "send_reply",
            S.REPLY_DRAFTED,
            (S.COUNTERSIGNING, S.UNDER_REVIEW, S.AWAITING_EVALUATION),
            may=_lead_unit,
        ),
        T(
            "countersign",
            S.COUNTERSIGNING,
            (S.UNDER_REVIEW, S.AWAITING_EVALUATION),
            may=_assisting_not_signed,
        ),
        T("refuse_countersign", S.COUNTERSIGNING, S.REPLY_DRAFTED, may=_assisting_not_signed),
        T("approve_reply", S.UNDER_REVIEW, S.AWAITING_EVALUATION, may=_staff),
        T("send_back_reply", S.UNDER_REVIEW, S.REPLY_DRAFTED, may=_staff),
        T("rehandle", S.AWAITING_EVALUATION, S.HANDLING, may=_staff),
        T("close", S.AWAITING_EVALUATION, S.CLOSED, may=_staff),
    ],
)
# (from, to) → the action that makes that move. Nothing else moves.
PROPOSAL_TRANSITIONS: dict[tuple[str, str], str] = PROPOSAL_WORKFLOW.pairs()

# The report workflow of DOMAIN.md, in the same shape (the office takes every step).
REPORT_WORKFLOW = Workflow(
    labels=R,
    refusal=_lazy("A report cannot go from “%(current)s” to “%(requested)s”."),
    enforce_may=False,
    transitions=[
        T("start_editing", R.SUBMITTED, R.EDITING, may=_staff),
        T("adopt", (R.SUBMITTED, R.EDITING), R.ADOPTED, may=_staff),
        T("file", (R.SUBMITTED, R.EDITING), R.FILED, may=_staff),
        T("publish", R.ADOPTED, R.PUBLISHED, may=_staff),
    ],
)
REPORT_TRANSITIONS: dict[tuple[str, str], str] = REPORT_WORKFLOW.pairs()


# What `user` may do to a proposal or a report now: the buttons of the portal and the workspace.
allowed_actions = Workflows({Proposal: PROPOSAL_WORKFLOW, OpinionReport: REPORT_WORKFLOW}).allowed_actions


def _today() -> dt.date:
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def year_settings(year: int) -> ProposalYearSettings:
    """The committee in hand's rules of a year, created with the defaults the first time a year is used."""
    settings_of_year = ProposalYearSettings.objects
    found = settings_of_year.filter(year=year).first()
    if found is None:
        found, _created = settings_of_year.get_or_create(year=year)
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
    PROPOSAL_WORKFLOW.check(proposal, action, to_state)


def _write_transition(
    event_model, obj, *, owner: str, label: str, actor, action: str, from_state: str, to_state: str, note: str
) -> None:
    """The event row of one step (the proposal's or the report's timeline) and its audit row."""
    event_model.objects.create(
        **{owner: obj},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    record_event(
        actor=actor,
        action=f"{label}.{action}",
        obj=obj,
        changes={"state": [from_state, to_state]} if from_state != to_state else {},
        note=note,
    )


def _event(proposal: Proposal, *, actor, action: str, from_state: str, to_state: str, note: str = ""):
    _write_transition(
        ProposalEvent,
        proposal,
        owner="proposal",
        label="proposal",
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


def _move(proposal: Proposal, to_state: str, *, actor, action: str, note: str = "", fields=()) -> Proposal:
    """Apply one transition of the table: check, save, event row, audit, signal on commit."""
    from_state = PROPOSAL_WORKFLOW.move(proposal, action, actor=actor, to_state=to_state, note=note)
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
