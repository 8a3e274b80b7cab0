"""并案: merging a proposal into another that raises the same concern, keeping every trace.

The merged proposal ends in the state `merged` and points to the one that continues; proposals
merged into it before follow it there. Its lead proposer and accepted co-signers become accepted
co-signers of the continuing proposal, so they see it in their list, are told when it is answered
and rate the reply (`services.raters`). Each of them, and the continuing proposal's proposer, is
told through the notification outbox; both timelines record the merge.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.notifications.kinds import register_kind
from cppcc_portal.core.notifications.services import notify
from proposals import services
from proposals.choices import ACCEPTED_STATES, CosignState, ProposalState
from proposals.models import Cosignature, Proposal

S = ProposalState
MERGED_KIND = "proposals.merged"
register_kind(MERGED_KIND, gettext_lazy("A proposal you made or co-signed was merged with another"))


def _proposers(proposal: Proposal) -> list:
    """The lead proposer (or submitting member) and every accepted co-signer."""
    return services.raters(proposal)


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal, actor, note: str = "") -> Proposal:
    """并案: merge `proposal` into `into` (same year, under review or accepted); its proposers follow."""
    roles.require_staff(actor)
    services._locked(proposal)
    services._locked(into)
    if into.pk == proposal.pk or into.year != proposal.year:
        raise DomainError(_("Merge into another proposal of the same year."), code="invalid", field="into")
    if into.state not in (S.AWAITING_REVIEW, *ACCEPTED_STATES):
        raise DomainError(
            _("A proposal can be merged only into one under review or accepted."),
            code="invalid",
            field="into",
        )
    services.check_proposal_transition(proposal, S.MERGED, "merge")

    joining = [m for m in _proposers(proposal) if m.pk != into.submitter_id]
    now = timezone.now()
    added = []
    for member in joining:
        cosignature, made = Cosignature.objects.get_or_create(
            proposal=into, member=member, defaults={"state": CosignState.ACCEPTED, "responded_at": now}
        )
        if made or cosignature.state != CosignState.ACCEPTED:
            cosignature.state, cosignature.responded_at = CosignState.ACCEPTED, now
            cosignature.save(update_fields=["state", "responded_at"])
            added.append(member)
    # A chain of merges ends at the proposal that continues.
    Proposal.objects.filter(merged_into=proposal).update(merged_into=into)

    proposal.merged_into = into
    services._note_only(
        into,
        actor=actor,
        action="merge_in",
        note=_("Merged in: %(title)s. Co-proposers added: %(names)s")
        % {"title": proposal.title, "names": "、".join(m.name for m in added) or "—"},
    )
    services._move(
        proposal,
        S.MERGED,
        actor=actor,
        action="merge",
        note=note or _("Merged into %(other)s.") % {"other": into},
        fields=["merged_into"],
    )
    if into.state in ACCEPTED_STATES and added:
        # The points a co-signer of an accepted proposal earns, as if they had co-signed it.
        from members.choices import DutyEventKind, DutyRole

        # A credit belongs to the year of the proposal credited (issue 13), not the day of the merge.
        accepted_on = timezone.localdate(into.accepted_at or now)
        if accepted_on.year != into.year:
            accepted_on = accepted_on.replace(year=into.year, month=12, day=31)
        for member in added:
            services._duty(
                member=member,
                event_kind=DutyEventKind.PROPOSAL_ACCEPTED,
                role=DutyRole.COSIGNER,
                year=into.year,
                occurred_on=accepted_on,
                title=_("Proposal %(number)s accepted: %(title)s")
                % {"number": into.number, "title": into.title},
                source=into,
                actor=actor,
            )
    _tell(proposal, into, recipients=[*_proposers(proposal), into.submitter])
    return proposal


def _tell(merged: Proposal, into: Proposal, *, recipients) -> None:
    seen = set()
    for member in recipients:
        if member.user_id is None or member.pk in seen:
            continue
        seen.add(member.pk)
        notify(
            recipient=member.user,
            kind=MERGED_KIND,
            dedupe_key=f"{MERGED_KIND}:{merged.pk}:{member.pk}",
            title=format_lazy(
                gettext_lazy("“{merged}” was merged with “{into}”"), merged=merged.title, into=into.title
            ),
            body=gettext_lazy(
                "The proposals raise the same concern and are handled as one. Every proposer of both "
                "is a proposer of the one that continues and receives its reply."
            ),
            link=services._link("proposals:detail", into.pk),
            about=into,
        )
