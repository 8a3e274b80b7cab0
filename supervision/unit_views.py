"""The unit workspace: a department's supervision recommendations, its answer and rectification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError
from supervision import selectors, services
from supervision.choices import RecommendationState
from supervision.forms import AnswerForm, ItemForm, ProgressForm, StepForm
from supervision.models import Recommendation, RectificationItem

S = RecommendationState
# Closed recommendations per page: the list stays the same size however many years have passed.
PAGE_SIZE = 25


def _require_unit(user) -> None:
    if not roles.has_role(user, roles.UNIT):
        raise PermissionDenied(_("This workspace is for handling units."))


def _get(request, pk: int) -> Recommendation:
    _require_unit(request.user)
    try:
        return selectors.recommendation_get(user=request.user, pk=pk, for_unit=True)
    except Recommendation.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def recommendation_list(request):
    """Open recommendations to the user's own units earliest due first, then the closed ones a page at a time."""
    _require_unit(request.user)
    recommendations = selectors.unit_open_recommendations(user=request.user)
    closed = Paginator(selectors.unit_closed_recommendations(user=request.user), PAGE_SIZE)
    return render(
        request,
        "supervision/unit_list.html",
        {
            "recommendations": recommendations,
            "closed_page": closed.get_page(request.GET.get("page")),
            "today": timezone.localdate(),
        },
    )


def _render_detail(request, recommendation, **forms):
    actions = services.allowed_actions(recommendation, request.user)
    context = {
        "recommendation": recommendation,
        "today": timezone.localdate(),
        "actions": actions,
        "can_rectify": "rectify" in actions,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "item_form": forms.get("item_form") or ItemForm(),
        "progress_form": ProgressForm(),
        "step_form": forms.get("step_form") or StepForm(),
        # A refused step is shown at the top, whichever form's section is hidden in this state.
        "refusals": [e for f in forms.values() for e in f.non_field_errors()],
    }
    status = 400 if forms else 200
    return render(request, "supervision/unit_detail.html", context, status=status)


@login_required
def recommendation_detail(request, pk: int):
    return _render_detail(request, _get(request, pk))


def _run(request, recommendation, action, form_name: str, form, success: str):
    """Call a service; a refused step becomes a message and the page again, with nothing written."""
    try:
        action()
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render_detail(request, _get(request, recommendation.pk), **{form_name: form})
    messages.success(request, success)
    return redirect("supervision_units:detail", pk=recommendation.pk)


@login_required
@require_POST
def answer(request, pk: int):
    recommendation = _get(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, recommendation, answer_form=form)
    return _run(
        request,
        recommendation,
        lambda: services.recommendation_answer(
            recommendation=recommendation, answer=form.cleaned_data["answer"], actor=request.user
        ),
        "answer_form",
        form,
        _("Your answer was submitted."),
    )


@login_required
@require_POST
def item_add(request, pk: int):
    recommendation = _get(request, pk)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, recommendation, item_form=form)
    return _run(
        request,
        recommendation,
        lambda: services.rectification_item_add(
            recommendation=recommendation, actor=request.user, **form.cleaned_data
        ),
        "item_form",
        form,
        _("The rectification item was added."),
    )


@login_required
@require_POST
def item_progress(request, pk: int):
    _require_unit(request.user)
    try:
        item = selectors.rectification_item_list(user=request.user).get(pk=pk)
    except RectificationItem.DoesNotExist as exc:
        raise Http404 from exc
    recommendation = _get(request, item.recommendation_id)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the progress as 0–100 and say what was done."))
        return redirect("supervision_units:detail", pk=recommendation.pk)
    try:
        services.rectification_progress_report(item=item, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Progress was recorded."))
    return redirect("supervision_units:detail", pk=recommendation.pk)


@login_required
@require_POST
def step(request, pk: int):
    recommendation = _get(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, recommendation, step_form=form)
    note = form.cleaned_data["note"]
    if form.cleaned_data["to"] == S.RECTIFYING:
        action = lambda: services.recommendation_start_rectification(  # noqa: E731
            recommendation=recommendation, actor=request.user, note=note
        )
    else:
        action = lambda: services.recommendation_request_review(  # noqa: E731
            recommendation=recommendation, actor=request.user, note=note
        )
    return _run(request, recommendation, action, "step_form", form, _("The step was recorded."))
