"""Between levels: a proposal or a report forwarded to the parent committee (up) or to a child (down).

The sending committee's office forwards a row it holds; the receiving committee gets a row of its
own, in its normal workflow (a proposal awaiting the office's review, a report just submitted),
made inside ``committees.working_for(target)`` so that every default and scope is the receiver's.
The link (``Forwarding``) lets each side read what became of the other (proposals.selectors).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import committees, roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.models import Committee
from proposals.choices import ForwardDirection, ProposalState, ReportState
from proposals.models import (
    Forwarding,
    OpinionReport,
    Proposal,
    ProposalAttachment,
    ProposalCategory,
    ReportEvent,
)
from proposals.services._base import _event, _locked, _note_only, _write_transition

# A proposal the sending office has received and not yet decided or handed to a unit elsewhere.
FORWARDABLE_PROPOSAL_STATES = (ProposalState.AWAITING_REVIEW, ProposalState.ACCEPTED)
# A report not yet adopted, filed or published by the sending office.
FORWARDABLE_REPORT_STATES = (ReportState.SUBMITTED, ReportState.EDITING)


def _require_office_of(actor, committee: Committee) -> None:
    """Only the staff of the sending committee, working in it now, may forward its rows."""
    roles.require_staff(actor, message=_("Only the office may forward a matter to another committee."))
    seated = {c.pk for c in committees.for_user(actor)}
    if committee.pk not in seated or committees.current_id() != committee.pk:
        raise PermissionDeniedError(
            _("Only the office of %(committee)s may forward its matters.") % {"committee": committee}
        )


def _target(source: Committee, to: Committee | None) -> tuple[Committee, str]:
    """The receiving committee, read again (it may have been deleted or deactivated), and the direction."""
    if to is None:
        if source.parent_id is None:
            raise DomainError(
                _("%(committee)s has no parent committee to forward to.") % {"committee": source},
                code="no_parent",
            )
        wanted, direction = source.parent_id, ForwardDirection.UP
    elif to.pk is not None and to.pk == source.parent_id:
        wanted, direction = to.pk, ForwardDirection.UP
    else:
        wanted, direction = to.pk, ForwardDirection.DOWN
    target = Committee.objects.select_for_update().filter(pk=wanted).first() if wanted else None
    if target is None:
        raise DomainError(
            _("The committee to forward to no longer exists; nothing was forwarded."), code="target_gone"
        )
    if direction == ForwardDirection.DOWN and target.parent_id != source.pk:
        raise DomainError(
            _("%(target)s is not a committee under %(source)s; a matter goes one level up or down.")
            % {"target": target, "source": source},
            code="not_a_child",
        )
    if not target.is_active:
        raise DomainError(
            _("%(target)s is inactive and receives no forwarded matters.") % {"target": target},
            code="target_inactive",
        )
    return target, direction


def _refuse_twice(found: Forwarding | None) -> None:
    if found is not None:
        raise DomainError(
            _("Already forwarded to %(committee)s on %(day)s.")
            % {
                "committee": found.target_committee,
                "day": timezone.localdate(found.forwarded_at).isoformat(),
            },
            code="already_forwarded",
        )


def _refuse_loop(target: Committee, received: dict) -> None:
    """A matter never goes back to a committee it came from (A → city → A would be a new matter in A
    that A already has). ``received`` is the Forwarding filter of the row's arrival
    (``{"target_proposal": row}``); the chain is followed back to where the matter began."""
    field = next(iter(received))
    source_field = field.replace("target_", "source_")
    arrival = Forwarding.objects.filter(**received).select_related("source_committee").first()
    seen: set[int] = set()
    while arrival is not None and arrival.pk not in seen:
        seen.add(arrival.pk)
        if arrival.source_committee_id == target.pk:
            raise DomainError(
                _(
                    "This matter came from %(committee)s (their %(reference)s); it cannot be forwarded "
                    "back to it. Nothing was forwarded."
                )
                % {"committee": target, "reference": arrival.source_reference},
                code="forwarding_loop",
            )
        earlier = getattr(arrival, f"{source_field}_id")
        arrival = (
            Forwarding.objects.filter(**{f"{field}_id": earlier}).select_related("source_committee").first()
        )


def _category_in(target: Committee, category: ProposalCategory) -> ProposalCategory:
    """The receiver's category of the same name, else its first active one (categories are each
    committee's): called inside ``working_for(target)``, whose scope reads the receiver's."""
    mine = ProposalCategory.objects
    found = mine.filter(name=category.name).first() or mine.filter(is_active=True).first()
    if found is None:
        raise DomainError(
            _("%(committee)s has no proposal categories yet; its office must add one first.")
            % {"committee": target},
            code="no_category",
        )
    return found


@transaction.atomic
def proposal_forward(*, proposal: Proposal, actor, to: Committee | None = None, note: str = "") -> Forwarding:
    """Forward a proposal to the parent committee (``to`` None or the parent) or to a child committee.

    The receiver gets its own proposal awaiting its office's review, with the same text, proposer
    and attachments; the sender's proposal keeps its state and records the forwarding on its timeline.
    """
    source = Committee.objects.get(pk=proposal.tenant_id)
    _require_office_of(actor, source)
    _locked(proposal)
    _refuse_twice(
        Forwarding.objects.filter(source_proposal=proposal).select_related("target_committee").first()
    )
    if proposal.state not in FORWARDABLE_PROPOSAL_STATES:
        raise DomainError(
            _("Only a proposal awaiting review or accepted can be forwarded; this one is “%(state)s”.")
            % {"state": proposal.get_state_display()},
            code="not_forwardable",
        )
    target, direction = _target(source, to)
    _refuse_loop(target, {"target_proposal": proposal})
    reference = proposal.number or proposal.title
    # Read in the sender's scope: inside the receiver's, the sender's attachments are not in hand.
    attachments = list(proposal.attachments.filter(reply__isnull=True))
    with committees.working_for(target):
        copy = Proposal.objects.create(
            tenant=target,
            year=proposal.year,
            title=proposal.title,
            reason=proposal.reason,
            suggestions=proposal.suggestions,
            category=_category_in(target, proposal.category),
            proposer_kind=proposal.proposer_kind,
            # The proposer and the body stay the sender's: the receiver shows who made it.
            submitter_id=proposal.submitter_id,
            party_id=proposal.party_id,
            sector_id=proposal.sector_id,
            committee_id=proposal.committee_id,
            state=ProposalState.AWAITING_REVIEW,
            submitted_at=timezone.now(),
            created_by=actor,
        )
        for attachment in attachments:
            ProposalAttachment.objects.create(
                proposal=copy,
                file=attachment.file.name,
                original_name=attachment.original_name,
                content_type=attachment.content_type,
                size=attachment.size,
                uploaded_by=attachment.uploaded_by,
            )
        forwarding = Forwarding.objects.create(
            direction=direction,
            source_committee=source,
            target_committee=target,
            source_proposal=proposal,
            target_proposal=copy,
            source_reference=reference,
            note=note,
            forwarded_by=actor,
        )
        received = _("Received from %(committee)s (their %(reference)s).") % {
            "committee": source,
            "reference": reference,
        }
        _event(
            copy,
            actor=actor,
            action="receive",
            from_state=ProposalState.AWAITING_REVIEW,
            to_state=ProposalState.AWAITING_REVIEW,
            note=" ".join(filter(None, [received, note])),
        )
    sent = _("Forwarded to %(committee)s.") % {"committee": target}
    _note_only(proposal, actor=actor, action="forward", note=" ".join(filter(None, [sent, note])))
    record_event(
        actor=actor,
        action=f"forwarding.{direction}",
        obj=forwarding,
        changes={"committee": [str(source), str(target)], "proposal": [proposal.pk, copy.pk]},
        note=note,
    )
    return forwarding


def _report_event(report: OpinionReport, *, actor, action: str, note: str) -> None:
    _write_transition(
        ReportEvent,
        report,
        owner="report",
        label="report",
        actor=actor,
        action=action,
        from_state=report.state,
        to_state=report.state,
        note=note,
    )


@transaction.atomic
def report_forward(
    *, report: OpinionReport, actor, to: Committee | None = None, note: str = ""
) -> Forwarding:
    """Forward a social-conditions report up (``to`` None or the parent) or down, like a proposal."""
    source = Committee.objects.get(pk=report.tenant_id)
    _require_office_of(actor, source)
    report = OpinionReport.objects.select_for_update().get(pk=report.pk)
    _refuse_twice(Forwarding.objects.filter(source_report=report).select_related("target_committee").first())
    if report.state not in FORWARDABLE_REPORT_STATES:
        raise DomainError(
            _("Only a submitted report or one being edited can be forwarded; this one is “%(state)s”.")
            % {"state": report.get_state_display()},
            code="not_forwardable",
        )
    target, direction = _target(source, to)
    _refuse_loop(target, {"target_report": report})
    with committees.working_for(target):
        copy = OpinionReport.objects.create(
            tenant=target,
            year=report.year,
            title=report.title,
            situation=report.situation,
            analysis=report.analysis,
            suggestion=report.suggestion,
            author_kind=report.author_kind,
            author_member_id=report.author_member_id,
            party_id=report.party_id,
            sector_id=report.sector_id,
            submitted_by=actor,
            state=ReportState.SUBMITTED,
        )
        forwarding = Forwarding.objects.create(
            direction=direction,
            source_committee=source,
            target_committee=target,
            source_report=report,
            target_report=copy,
            source_reference=report.title,
            note=note,
            forwarded_by=actor,
        )
        received = _("Received from %(committee)s.") % {"committee": source}
        _report_event(copy, actor=actor, action="receive", note=" ".join(filter(None, [received, note])))
    sent = _("Forwarded to %(committee)s.") % {"committee": target}
    _report_event(report, actor=actor, action="forward", note=" ".join(filter(None, [sent, note])))
    record_event(
        actor=actor,
        action=f"forwarding.{direction}",
        obj=forwarding,
        changes={"committee": [str(source), str(target)], "report": [report.pk, copy.pk]},
        note=note,
    )
    return forwarding
