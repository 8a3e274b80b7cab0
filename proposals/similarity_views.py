"""The similar-proposals panel of the drafting page: on a check step without JavaScript, and as a
fragment the page's script asks for while the member types."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from members.selectors import member_for_user
from proposals import similarity

# A query longer than this is cut (the analyser reads no further anyway).
MAX_QUERY_CHARS = 4000


def similar_context(*, user, title: str, body: str = "", exclude_id: int | None = None) -> dict:
    """What the panel shows: up to five similar proposals with outcome, and similar reports."""
    title, body = (title or "")[:MAX_QUERY_CHARS], (body or "")[:MAX_QUERY_CHARS]
    return {
        "similar_checked": True,
        "similar_proposals": similarity.similar_proposals(
            user=user, title=title, body=body, exclude_id=exclude_id
        ),
        "similar_reports": similarity.similar_reports(user=user, title=title, body=body),
    }


@login_required
def similar_panel(request):
    """GET ?title=…&body=…[&exclude=id]: the panel's HTML (bad input gives an empty panel, never an error)."""
    if member_for_user(request.user) is None:
        # Like the drafting page it serves: the office drafts for members in the administration.
        raise PermissionDenied(_("Only members use these pages."))
    exclude = request.GET.get("exclude", "")
    context = similar_context(
        user=request.user,
        title=request.GET.get("title", ""),
        body=request.GET.get("body", ""),
        exclude_id=int(exclude) if exclude.isdigit() and len(exclude) < 10 else None,
    )
    return render(request, "proposals/_similar_panel.html", context)
