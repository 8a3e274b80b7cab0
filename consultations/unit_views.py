"""The unit workspace: implementation feedback (落实反馈) asked of a department, answered here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import selectors, services
from consultations.forms import FeedbackAnswerForm
from consultations.models import ImplementationFeedback
from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError


def _require_unit(user) -> None:
    if not roles.has_role(user, roles.UNIT):
        raise PermissionDenied(_("This workspace is for handling units."))


@login_required
def feedback_list(request):
    """The feedback asked of the user's departments: open ones first, earliest due first."""
    _require_unit(request.user)
    rows = list(selectors.unit_feedback_list(user=request.user)[:200])
    return render(request, "consultations/unit_list.html", {"rows": rows, "today": timezone.localdate()})


@login_required
def feedback_detail(request, pk: int):
    """One recommendation to report on, with the outcome it belongs to; the answer form while it is open."""
    _require_unit(request.user)
    try:
        feedback = selectors.unit_feedback_list(user=request.user).get(pk=pk)
    except ImplementationFeedback.DoesNotExist as exc:
        raise Http404 from exc
    form = FeedbackAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.feedback_answer(
                    feedback=feedback, text=form.cleaned_data["text"], actor=request.user
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your feedback was submitted."))
                return redirect("consultations_units:detail", pk=pk)
        status = 400
    return render(
        request,
        "consultations/unit_detail.html",
        {
            "feedback": feedback,
            "recommendation": feedback.recommendation,
            "outcome": feedback.recommendation.outcome,
            "form": form,
            "can_answer": "answer" in services.allowed_actions(feedback, request.user),
            "today": timezone.localdate(),
        },
        status=status,
    )
