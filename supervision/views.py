"""Pages of democratic supervision: the member portal tab and the status pages for staff and leaders."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError
from supervision import exports, filters, selectors, services
from supervision.forms import ReviewForm
from supervision.models import Recommendation, SupervisionGroup


def _year(request) -> int:
    params, _valid = filters.TopicPageParams.page_values(request)
    if params.get("year"):
        return params["year"]
    years = selectors.status_years()
    return years[0] if years else timezone.localdate().year


@login_required
def my_supervision(request):
    """A member's supervision tab: their groups, the groups' activities and recommendations."""
    groups = list(selectors.group_list(user=request.user).order_by("-year", "name")[:50])
    activities = list(selectors.activity_list_for_user(user=request.user)[:20])
    recommendations = list(selectors.recommendation_list(user=request.user).order_by("due_on", "pk")[:50])
    appointments = list(selectors.appointment_list(user=request.user).filter(member__user=request.user))
    return render(
        request,
        "supervision/my.html",
        {
            "groups": groups,
            "activities": activities,
            "recommendations": recommendations,
            "appointments": appointments,
            "today": timezone.localdate(),
        },
    )


@login_required
def topic_list(request):
    """The year's supervision topics (all for staff and leaders, a member's groups' topics otherwise)."""
    item = filters.TopicPageParams.page_values(request)[0].get("item")
    if item:
        # From a work-plan item page: that item's topics, whatever the year.
        topics = selectors.topic_list(user=request.user).filter(item_id=item)
        return render(request, "supervision/topics.html", {"topics": topics, "year": ""})
    year = _year(request)
    topics = selectors.topic_list(user=request.user, year=year)
    return render(request, "supervision/topics.html", {"topics": topics, "year": year})


@login_required
def group_detail(request, pk: int):
    """One supervision group; its internal notes only for its members, the office and the leaders."""
    try:
        group = selectors.group_get(user=request.user, pk=pk)
    except SupervisionGroup.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "supervision/group.html",
        {
            "group": group,
            "show_notes": selectors.can_see_internal_notes(request.user, group),
            "activities": selectors.group_activities(group=group),
            "recommendations": selectors.recommendation_list(user=request.user)
            .filter(group=group)
            .order_by("due_on"),
            "today": timezone.localdate(),
        },
    )


@login_required
def recommendation_detail(request, pk: int):
    """A recommendation with its answer, rectification items, reviews and timeline."""
    try:
        recommendation = selectors.recommendation_get(user=request.user, pk=pk)
    except Recommendation.DoesNotExist as exc:
        raise Http404 from exc
    actions = services.allowed_actions(recommendation, request.user)
    return render(
        request,
        "supervision/recommendation.html",
        {
            "recommendation": recommendation,
            "today": timezone.localdate(),
            "actions": actions,
            "can_send": "send" in actions,
            "can_review": "close" in actions or "return" in actions,
            "review_form": ReviewForm(),
        },
    )


def _office_step(request, pk: int, call) -> HttpResponse:
    """Run one office step from the recommendation page; a refusal is a message, nothing is written."""
    if not roles.is_staff_user(request.user):
        raise PermissionDenied(_("Only the office may do this."))
    try:
        recommendation = selectors.recommendation_get(user=request.user, pk=pk)
    except Recommendation.DoesNotExist as exc:
        raise Http404 from exc
    try:
        call(recommendation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The step was recorded."))
    return redirect("supervision:recommendation", pk=pk)


@login_required
@require_POST
def recommendation_send(request, pk: int):
    """The office sends a drafted recommendation to its department."""
    return _office_step(
        request, pk, lambda r: services.recommendation_send(recommendation=r, actor=request.user)
    )


@login_required
@require_POST
def recommendation_review(request, pk: int):
    """The office records the follow-up review: close, or return for more rectification."""
    form = ReviewForm(request.POST)

    def review(recommendation):
        if not form.is_valid():
            raise DomainError(_("Choose a verdict."), code="verdict_required")
        services.recommendation_review(
            recommendation=recommendation,
            verdict=form.cleaned_data["verdict"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )

    return _office_step(request, pk, review)


def _require_reader(user) -> None:
    if not roles.can_read_everything(user):
        raise PermissionDenied(_("The status pages are for the office and the leaders."))


def _status_context(request) -> dict:
    year = _year(request)
    on = timezone.localdate()
    return {
        "year": year,
        "years": selectors.status_years(),
        "stats": selectors.supervision_stats(year=year, on=on),
        "overdue": selectors.status_overdue_lists(year=year, on=on),
        "on": on,
        "due_soon_days": selectors.DUE_SOON_DAYS,
    }


@login_required
def status(request):
    """Status of the year's recommendations per topic and per department; prints on A4."""
    _require_reader(request.user)
    return render(request, "supervision/status.html", _status_context(request))


@login_required
def status_export(request):
    """The status page as an Excel workbook."""
    _require_reader(request.user)
    context = _status_context(request)
    content = exports.status_workbook(context["stats"], context["overdue"])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{context['year']}年民主监督进展-{dt.date.isoformat(context['on'])}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
