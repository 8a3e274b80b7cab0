"""Proposals and reports as evidence of work-plan items (the plan's pages show them, see workplan.links)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.url_templates import pk_url_template
from proposals.choices import ProposalState, ReportState
from proposals.models import OpinionReport, Proposal

# Drafts and withdrawn proposals serve nothing yet; filed reports were set aside.
_PROPOSAL_STATES = [
    s for s in ProposalState.values if s not in (ProposalState.DRAFT, ProposalState.WITHDRAWN)
]
_REPORT_STATES = [s for s in ReportState.values if s != ReportState.FILED]


def _grouped(through, item_ids: Sequence[int], **state_filter) -> dict[int, int]:
    rows = (
        through.objects.filter(item_id__in=list(item_ids), **state_filter)
        .values("item_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["item_id"]: row["n"] for row in rows}


class ProposalAndReportLinks:
    """Proposals (past draft) and social-conditions reports linked to plan items, in bounded queries."""

    def counts(self, item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """{item id: {kind: n}} in two grouped COUNTs over the M2M tables (no rows loaded)."""
        result: dict[int, dict[str, int]] = {}
        proposals = _grouped(Proposal.items.through, item_ids, proposal__state__in=_PROPOSAL_STATES)
        reports = _grouped(OpinionReport.items.through, item_ids, opinionreport__state__in=_REPORT_STATES)
        for item_id, n in proposals.items():
            result.setdefault(item_id, {})[_("proposal")] = n
        for item_id, n in reports.items():
            result.setdefault(item_id, {})[_("social-conditions report")] = n
        return result

    def watched_models(self) -> tuple:
        """Writes that change the counts: states, and links to items, of proposals and reports."""
        return (Proposal, Proposal.items.through, OpinionReport, OpinionReport.items.through)

    def recent(self, item_id: int, limit: int) -> list:
        """The newest ``limit`` proposals and the newest ``limit`` reports of the item (two queries)."""
        from workplan.links import LinkedRecord

        proposals = (
            Proposal.objects.filter(items=item_id, state__in=_PROPOSAL_STATES)
            .only("id", "number", "title", "submitted_at")
            .order_by(F("submitted_at").desc(nulls_last=True), "-id")[:limit]
        )
        reports = (
            OpinionReport.objects.filter(items=item_id, state__in=_REPORT_STATES)
            .only("id", "title", "submitted_at")
            .order_by("-submitted_at", "-id")[:limit]
        )
        proposal_url = pk_url_template("proposals:detail")
        report_url = pk_url_template("proposals:report_detail")
        records = [
            LinkedRecord(
                kind=_("proposal"),
                title=str(p),
                url=proposal_url.format(p.pk),
                date=timezone.localdate(p.submitted_at) if p.submitted_at else None,
            )
            for p in proposals
        ]
        records += [
            LinkedRecord(
                kind=_("social-conditions report"),
                title=r.title,
                url=report_url.format(r.pk),
                date=timezone.localdate(r.submitted_at),
            )
            for r in reports
        ]
        return records

    def list_urls(self, item_id: int, user) -> dict[str, str]:
        """The admin's lists filtered to the item, for the office and the leaders."""
        if not roles.can_read_everything(user):
            return {}
        proposals = reverse("admin:proposals_proposal_changelist")
        reports = reverse("admin:proposals_opinionreport_changelist")
        return {
            _("proposal"): f"{proposals}?"
            + urlencode({"items__id__exact": item_id, "state__in": ",".join(_PROPOSAL_STATES)}),
            _("social-conditions report"): f"{reports}?"
            + urlencode({"items__id__exact": item_id, "state__in": ",".join(_REPORT_STATES)}),
        }


# The name proposals.apps registers with the plan's link registry.
proposal_and_report_links = ProposalAndReportLinks()
