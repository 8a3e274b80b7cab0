"""Proposals and reports as evidence of work-plan items (the plan page shows them)."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.choices import ProposalState, ReportState
from proposals.models import OpinionReport, Proposal


def proposal_and_report_links(item_ids):
    """{item_id: [LinkedRecord]} for every proposal (past draft) and report linked to those items."""
    from workplan.links import LinkedRecord

    found = defaultdict(list)
    proposals = (
        Proposal.items.through.objects.filter(item_id__in=list(item_ids))
        .exclude(proposal__state__in=[ProposalState.DRAFT, ProposalState.WITHDRAWN])
        .select_related("proposal")
    )
    for link in proposals:
        p = link.proposal
        found[link.item_id].append(
            LinkedRecord(
                kind=_("proposal"),
                title=str(p),
                url=reverse("proposals:detail", args=[p.pk]),
                date=timezone.localdate(p.submitted_at) if p.submitted_at else None,
            )
        )
    reports = (
        OpinionReport.items.through.objects.filter(item_id__in=list(item_ids))
        .exclude(opinionreport__state=ReportState.FILED)
        .select_related("opinionreport")
    )
    for link in reports:
        r = link.opinionreport
        found[link.item_id].append(
            LinkedRecord(
                kind=_("social-conditions report"),
                title=r.title,
                url=reverse("proposals:report_detail", args=[r.pk]),
                date=timezone.localdate(r.submitted_at),
            )
        )
    return dict(found)
