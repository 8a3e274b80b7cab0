"""On a proposal's admin page: 并案 candidates with their score and a merge button, and the units
that handled the most similar proposals (the plan items it may serve: workplan.suggestions_admin).

The buttons sit inside the change form, so they post to their own URLs (`formaction`) with the
form's CSRF token; nothing is merged or linked without a member of staff pressing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError
from proposals import services, similarity
from proposals.choices import ProposalState
from proposals.models import Proposal


def _pk_from(post, name: str) -> int | None:
    value = (post.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


class SimilarityAdminMixin:
    """Adds two read-only panels and the merge endpoint to ProposalAdmin."""

    similarity_fields = ("merge_candidates", "suggested_units")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/merge/", wrap(require_POST(self.merge_view)), name="proposals_proposal_merge"),
            *super().get_urls(),
        ]

    # ------------------------------------------------------------ panels

    @staticmethod
    def _table(headers, rows) -> str:
        head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, rows)

    @staticmethod
    def _body(obj: Proposal) -> str:
        return f"{obj.reason}\n{obj.suggestions}"

    def merge_candidates(self, obj: Proposal):
        if obj is None or obj.pk is None or obj.state != ProposalState.AWAITING_REVIEW:
            return gettext("Shown while the proposal awaits review.")
        candidates = similarity.merge_candidates(proposal=obj)
        if not candidates:
            return gettext("No proposal of the same year raises a similar concern.")
        url = reverse("admin:proposals_proposal_merge", args=[obj.pk])
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            '<td><button type="submit" formaction="{}" formmethod="post" name="into" value="{}">{}</button></td></tr>',
            (
                (
                    reverse("admin:proposals_proposal_change", args=[other.pk]),
                    other.number or "—",
                    other.title,
                    other.proposer_label,
                    other.get_state_display(),
                    f"{score:.2f}",
                    url,
                    other.pk,
                    gettext("Merge this proposal into it"),
                )
                for other, score in candidates
            ),
        )
        return self._table(
            [
                pgettext("proposals", "number"),
                pgettext("proposals", "title"),
                gettext("proposer"),
                pgettext("proposals", "state"),
                gettext("similarity"),
                "",
            ],
            rows,
        )

    merge_candidates.short_description = _("candidates for merging (并案)")

    def suggested_units(self, obj: Proposal):
        if obj is None or obj.pk is None:
            return "—"
        units = similarity.suggest_units(title=obj.title, body=self._body(obj), exclude_id=obj.pk)
        if not units:
            return gettext("No similar accepted proposal has been handled yet.")
        return format_html_join(
            "",
            "<p>{} <span class='help'>{}</span></p>",
            (
                (
                    unit["name"],
                    gettext("led %(count)s similar proposals, similarity %(score).2f")
                    % {"count": unit["proposals"], "score": unit["score"]},
                )
                for unit in units
            ),
        )

    suggested_units.short_description = _("units that handled similar proposals")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.similarity_fields)

    # ------------------------------------------------------------ actions

    def _proposal_for_post(self, request, pk: int) -> Proposal:
        if not roles.is_staff_user(request.user) or not self.has_change_permission(request):
            raise PermissionDenied
        proposal = Proposal.objects.filter(pk=pk).first()
        if proposal is None:
            raise Http404
        return proposal

    def merge_view(self, request, pk: int):
        proposal = self._proposal_for_post(request, pk)
        into = Proposal.objects.filter(pk=_pk_from(request.POST, "into") or 0).first()
        if into is None:
            messages.error(request, gettext("Choose the proposal to merge into."))
            return redirect("admin:proposals_proposal_change", pk)
        try:
            services.proposal_merge(proposal=proposal, into=into, actor=request.user)
        except (DomainError, ValidationError) as exc:
            messages.error(request, exc.message if isinstance(exc, DomainError) else " ".join(exc.messages))
            return redirect("admin:proposals_proposal_change", pk)
        messages.success(
            request,
            gettext("“%(merged)s” was merged into “%(into)s”; its proposers are now co-proposers.")
            % {"merged": proposal.title, "into": into.title},
        )
        return redirect("admin:proposals_proposal_change", into.pk)
