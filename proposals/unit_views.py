"""The handling units' workspace: only what was assigned to the user's units."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.caching import Fragment, end_of_day, reader_html
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.url_templates import pk_url_template
from proposals import selectors, services
from proposals.caches import UNIT_PAGES
from proposals.choices import AssignmentRole, ProposalState
from proposals.forms import NoteForm, ReplyForm, ReturnForm
from proposals.models import ProposalAttachment
from proposals.views import attachment_response, show_errors

# Rows per page of the workspace lists: the page cost stays flat however many years of history.
PAGE_SIZE = 25


def _require_unit(request) -> None:
    if not roles.has_role(request.user, roles.UNIT):
        raise PermissionDenied(_("This workspace is for handling units."))


@login_required
def home(request):
    """My units' open work, soonest due first with overdue marks, paginated; the counts of all of it.
    Kept as rendered HTML per reader (after the role check) until a write it shows or the day's end."""
    _require_unit(request)
    content = reader_html(UNIT_PAGES, request, lambda: _home(request))
    return render(request, "proposals/unit_home.html", {"content": content})


def _home(request) -> Fragment:
    today = timezone.localdate()
    counts = selectors.unit_workspace_counts(user=request.user, today=today)
    open_page = _page(selectors.unit_assignment_list(user=request.user), counts["open"], request, "page")
    html = render_to_string(
        "proposals/_unit_home.html",
        {"counts": counts, "assignments": open_page.object_list, "open_page": open_page, "today": today},
        request=request,
    )
    # The overdue marks and count are today's: tomorrow a reply due today is overdue.
    return Fragment(str(html), end_of_day(today))


@login_required
def handled(request):
    """My units' finished work (replied, rated, closed), latest assignment first, paginated."""
    _require_unit(request)
    counts = selectors.unit_workspace_counts(user=request.user)
    history_page = _page(
        selectors.unit_assignment_history(user=request.user), counts["history"], request, "page"
    )
    return render(request, "proposals/unit_handled.html", {"counts": counts, "history_page": history_page})


def _page(queryset, count: int, request, param: str):
    """One page of a list whose size is already known (the counts come from one aggregate query)."""
    paginator = Paginator(queryset, PAGE_SIZE)
    # The count is a cached property: giving it saves a COUNT(*) per list.
    paginator.count = count
    page = paginator.get_page(request.GET.get(param))
    # get_FOO_display() translates every choice of the field on each call; label each row from
    # one translated table instead.
    states = {value: str(label) for value, label in ProposalState.choices}
    roles_ = {value: str(label) for value, label in AssignmentRole.choices}
    detail_url = pk_url_template("proposals_units:detail")
    today = timezone.localdate()
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row["state_label"] = states.get(row["state"], row["state"])
        row["role_label"] = roles_.get(row["role"], row["role"])
        row["detail_url"] = detail_url.format(row["proposal_id"])
        row["is_overdue"] = selectors.is_reply_overdue(
            reply_due_on=row["reply_due_on"], state=row["state"], today=today
        )
    return page


def _mine(request, pk: int):
    _require_unit(request)
    proposal = selectors.unit_proposal_get(user=request.user, pk=pk)
    return proposal, selectors.unit_assignments_for(user=request.user, proposal=proposal)


@login_required
def detail(request, pk: int):
    proposal, mine = _mine(request, pk)
    context = selectors.proposal_detail_context(proposal=proposal, user=request.user)
    lead = next((a for a in mine if a.role == AssignmentRole.LEAD), None)
    assisting = next((a for a in mine if a.role == AssignmentRole.ASSISTING), None)
    reply = context["current_reply"]
    initial = {}
    if reply:
        initial = {
            "category": reply.category_by_unit or reply.category,
            "document_number": reply.document_number,
            "contact_person": reply.contact_person,
            "contact_phone": reply.contact_phone,
            "body": reply.body,
        }
    elif lead:
        initial = {"contact_person": lead.unit.contact_person, "contact_phone": lead.unit.contact_phone}
    context.update(
        {
            "proposal": proposal,
            "actions": services.allowed_actions(proposal, request.user),
            "lead": lead,
            "assisting": assisting,
            "reply_form": ReplyForm(initial=initial),
            "return_form": ReturnForm(),
            "note_form": NoteForm(),
            "today": timezone.localdate(),
        }
    )
    return render(request, "proposals/unit_detail.html", context)


def _unit_of(mine, role):
    found = next((a for a in mine if a.role == role), None)
    if found is None:
        raise PermissionDenied(_("Your unit does not hold this proposal in that role."))
    return found.unit


def _do(request, pk, call, success):
    proposal, mine = _mine(request, pk)
    try:
        call(proposal, mine)
    except (DomainError, ValidationError) as exc:
        show_errors(request, None, exc)
    else:
        messages.success(request, success)
    if selectors.unit_proposal_list(user=request.user).filter(pk=pk).exists():
        return redirect("proposals_units:detail", pk)
    return redirect("proposals_units:home")


@login_required
@require_POST
def return_proposal(request, pk: int):
    form = ReturnForm(request.POST)
    reason = form.data.get("reason", "")
    return _do(
        request,
        pk,
        lambda p, mine: services.proposal_return(
            proposal=p, actor=request.user, unit=mine[0].unit if mine else None, reason=reason
        ),
        _("The proposal was returned to the office."),
    )


@login_required
@require_POST
def start(request, pk: int):
    return _do(
        request,
        pk,
        lambda p, mine: services.proposal_start_handling(proposal=p, actor=request.user),
        _("Handling started."),
    )


@login_required
def reply(request, pk: int):
    proposal, mine = _mine(request, pk)
    _unit_of(mine, AssignmentRole.LEAD)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_draft(proposal=proposal, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            show_errors(request, form, exc)
        else:
            messages.success(request, _("Reply saved. Send it on when it is final."))
            return redirect("proposals_units:detail", pk)
    return render(request, "proposals/unit_reply.html", {"proposal": proposal, "form": form})


@login_required
@require_POST
def send_reply(request, pk: int):
    return _do(
        request,
        pk,
        lambda p, mine: services.reply_send(proposal=p, actor=request.user),
        _("Reply sent."),
    )


@login_required
@require_POST
def countersign(request, pk: int):
    note = request.POST.get("note", "")
    refuse = request.POST.get("answer") == "refuse"

    def call(p, mine):
        unit = _unit_of(mine, AssignmentRole.ASSISTING)
        if refuse:
            return services.reply_refuse_countersign(proposal=p, actor=request.user, unit=unit, note=note)
        return services.reply_countersign(proposal=p, actor=request.user, unit=unit, note=note)

    return _do(request, pk, call, _("Sent back to the lead unit.") if refuse else _("Countersigned."))


@login_required
def attachment(request, pk: int, attachment_pk: int):
    proposal, _mine_units = _mine(request, pk)
    return attachment_response(get_object_or_404(ProposalAttachment, pk=attachment_pk, proposal=proposal))
