"""Member portal pages for proposals and reports: parse, authorise, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.query import YearParams
from members.selectors import member_for_user
from proposals import exports, selectors, services
from proposals.choices import ProposalState
from proposals.forms import InviteForm, NoteForm, ProposalForm, RatingForm, ReportForm
from proposals.models import ProposalAttachment
from proposals.similarity_views import similar_context


def show_errors(request, form_or_none, exc: Exception) -> None:
    """Put a service's refusal on the form (field errors) or in the messages."""
    if isinstance(exc, PermissionDeniedError):
        raise PermissionDenied(exc.message)
    if isinstance(exc, ValidationError):
        if form_or_none is not None and hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form_or_none.add_error(field if field in form_or_none.fields else None, errors)
        else:
            messages.error(request, " ".join(exc.messages))
        return
    if form_or_none is not None:
        field = exc.field if exc.field in form_or_none.fields else None
        form_or_none.add_error(field, exc.message)
    else:
        messages.error(request, exc.message)


def _require_member(request):
    member = member_for_user(request.user)
    if member is None and not roles.is_staff_user(request.user):
        raise PermissionDenied(_("Only members use these pages."))
    return member


@login_required
def proposal_list(request):
    """My proposals, the invitations I must answer, and the replies I must rate."""
    _require_member(request)
    rows = list(selectors.member_proposal_rows(user=request.user)[:200])
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "rows": rows,
            "invitations": list(selectors.pending_invitations(user=request.user)),
            "to_rate": list(selectors.awaiting_my_rating(user=request.user)),
            "today": timezone.localdate(),
        },
    )


def _check_step(request, exclude_id: int | None = None) -> dict:
    """The "check for similar proposals" button: the same form back, with the similar ones shown."""
    if request.method != "POST" or "check" not in request.POST:
        return {}
    return similar_context(
        user=request.user,
        title=request.POST.get("title", ""),
        body=f"{request.POST.get('reason', '')}\n{request.POST.get('suggestions', '')}",
        exclude_id=exclude_id,
    )


def _draft_fields(request) -> dict:
    """The typed draft, put back into the form after a check (nothing was saved, nothing refused)."""
    return {name: request.POST.get(name, "") for name in ("title", "category", "reason", "suggestions")}


@login_required
def proposal_create(request):
    member = _require_member(request)
    if member is None:
        raise PermissionDenied(_("The office drafts on a member's behalf in the administration."))
    form = ProposalForm(request.POST or None, request.FILES or None)
    checked = _check_step(request)
    if checked:
        form = ProposalForm(initial=_draft_fields(request))
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        try:
            proposal = services.proposal_create(
                actor=request.user,
                submitter=member,
                title=form.cleaned_data["title"],
                reason=form.cleaned_data["reason"],
                suggestions=form.cleaned_data["suggestions"],
                category=form.cleaned_data["category"],
                files=form.cleaned_data["files"],
            )
        except (DomainError, ValidationError) as exc:
            show_errors(request, form, exc)
        else:
            messages.success(request, _("Draft saved. Invite co-signers or submit it when ready."))
            return redirect("proposals:detail", proposal.pk)
    limit = services.year_settings(timezone.localdate().year).length_limit
    return render(request, "proposals/proposal_form.html", {"form": form, "limit": limit, **checked})


@login_required
def proposal_edit(request, pk: int):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    member = member_for_user(request.user)
    if not roles.is_staff_user(request.user) and (member is None or member.pk != proposal.submitter_id):
        raise PermissionDenied(_("Only the proposer edits a proposal; co-signers read it."))
    if proposal.state != ProposalState.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("proposals:detail", pk)
    form = ProposalForm(request.POST or None, request.FILES or None, instance=proposal)
    checked = _check_step(request, exclude_id=proposal.pk)
    if checked:
        form = ProposalForm(initial=_draft_fields(request), instance=proposal)
    if request.method == "POST" and "check" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_update(
                proposal=selectors.proposal_get(user=request.user, pk=pk),
                actor=request.user,
                files=data["files"],
                title=data["title"],
                reason=data["reason"],
                suggestions=data["suggestions"],
                category=data["category"],
            )
        except (DomainError, ValidationError) as exc:
            show_errors(request, form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("proposals:detail", pk)
    limit = services.year_settings(proposal.year).length_limit
    return render(
        request,
        "proposals/proposal_form.html",
        {"form": form, "proposal": proposal, "limit": limit, **checked},
    )


@login_required
def proposal_detail(request, pk: int):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    context = selectors.proposal_detail_context(proposal=proposal, user=request.user)
    context.update(
        {
            "proposal": proposal,
            "actions": services.allowed_actions(proposal, request.user),
            "invite_form": InviteForm(),
            "rating_form": RatingForm(),
            "note_form": NoteForm(),
            "today": timezone.localdate(),
        }
    )
    return render(request, "proposals/proposal_detail.html", context)


def _post_action(request, pk: int, call, success: str):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    try:
        call(proposal)
    except (DomainError, ValidationError) as exc:
        show_errors(request, None, exc)
    else:
        messages.success(request, success)
    return redirect("proposals:detail", pk)


@login_required
@require_POST
def proposal_submit(request, pk: int):
    return _post_action(
        request,
        pk,
        lambda p: services.proposal_submit(proposal=p, actor=request.user),
        _("Proposal submitted."),
    )


@login_required
@require_POST
def proposal_withdraw(request, pk: int):
    return _post_action(
        request,
        pk,
        lambda p: services.proposal_withdraw(
            proposal=p, actor=request.user, note=request.POST.get("note", "")
        ),
        _("Proposal withdrawn."),
    )


@login_required
@require_POST
def proposal_close_cosigning(request, pk: int):
    return _post_action(
        request,
        pk,
        lambda p: services.proposal_close_cosigning(proposal=p, actor=request.user),
        _("Co-signing closed; the proposal goes to review."),
    )


@login_required
@require_POST
def proposal_invite(request, pk: int):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("proposals:detail", pk)
    try:
        services.cosigners_invite(
            proposal=proposal, actor=request.user, members=form.cleaned_data["member_numbers"]
        )
    except (DomainError, ValidationError) as exc:
        show_errors(request, None, exc)
    else:
        messages.success(request, _("Invitations sent."))
    return redirect("proposals:detail", pk)


@login_required
@require_POST
def proposal_cosign(request, pk: int):
    accept = request.POST.get("answer") == "accept"
    return _post_action(
        request,
        pk,
        lambda p: services.cosign_respond(proposal=p, actor=request.user, accept=accept),
        _("You co-signed the proposal.") if accept else _("You declined the invitation."),
    )


@login_required
@require_POST
def proposal_rate(request, pk: int):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("proposals:detail", pk)
    try:
        services.feedback_rate(
            proposal=proposal,
            actor=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except (DomainError, ValidationError) as exc:
        show_errors(request, None, exc)
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("proposals:detail", pk)


def attachment_response(attachment: ProposalAttachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """A file of a proposal the user may read; a published reply's files only once published."""
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    attachment = get_object_or_404(ProposalAttachment, pk=attachment_pk, proposal=proposal)
    if (
        attachment.reply_id
        and not attachment.reply.published_at
        and not roles.can_read_everything(request.user)
    ):
        raise Http404
    return attachment_response(attachment)


# ---------------------------------------------------------------- reports


@login_required
def report_list(request):
    reports = list(selectors.report_list(user=request.user)[:200])
    return render(request, "proposals/report_list.html", {"reports": reports})


@login_required
def report_create(request):
    if not (member_for_user(request.user) or roles.has_role(request.user, roles.INFO_OFFICER, roles.STAFF)):
        raise PermissionDenied(_("Only members and information officers submit reports."))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            show_errors(request, form, exc)
        else:
            messages.success(request, _("Report submitted. Thank you."))
            return redirect("proposals:report_detail", report.pk)
    limit = services.year_settings(timezone.localdate().year).report_length_limit
    return render(request, "proposals/report_form.html", {"form": form, "limit": limit})


@login_required
def report_detail(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    return render(
        request,
        "proposals/report_detail.html",
        {
            "report": report,
            "events": list(selectors.report_events(report=report)),
            "instructions": list(selectors.report_instructions(report=report)),
            "proposals_made": list(report.resulting_proposals.all()),
        },
    )


@login_required
def bulletin_list(request):
    return render(
        request, "proposals/bulletin_list.html", {"issues": list(selectors.bulletin_list(user=request.user))}
    )


@login_required
def bulletin_detail(request, pk: int):
    """The print view of an issue: one A4 page layout, no script."""
    issue = selectors.bulletin_get(user=request.user, pk=pk)
    return render(
        request,
        "proposals/bulletin_print.html",
        {"issue": issue, "reports": list(selectors.bulletin_reports(bulletin=issue))},
    )


# ---------------------------------------------------------------- statistics


def _stats_year(request) -> int:
    params, _valid = YearParams.page_values(request)
    return params.get("year") or timezone.localdate().year


@login_required
def stats(request):
    """提案分析会: the year's figures for staff and leaders."""
    if not roles.can_read_everything(request.user):
        raise PermissionDenied
    year = _stats_year(request)
    return render(
        request,
        "proposals/stats.html",
        {
            "year": year,
            "stats": selectors.proposal_stats(year=year),
            "reports": selectors.report_stats(year=year),
        },
    )


@login_required
def stats_export(request):
    if not roles.can_read_everything(request.user):
        raise PermissionDenied
    year = _stats_year(request)
    content = exports.stats_workbook(selectors.proposal_stats(year=year), selectors.report_stats(year=year))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # The office files exports by their Chinese names; RFC 6266's filename* carries them.
    response["Content-Disposition"] = content_disposition_header(True, f"{year}年提案和社情民意统计.xlsx")
    return response


@roles.staff_required
def forwarding_detail(request, pk: int):
    """A matter sent between levels, for the office of either end: where it came from, where it
    went, and the state it has at each end now (read through the link, across committees)."""
    forwarding = selectors.forwarding_for_office(user=request.user, committee=request.committee, pk=pk)
    mine = "source" if forwarding.source_committee_id == request.committee.pk else "target"
    own = getattr(forwarding, mine)
    own_admin = reverse(f"admin:proposals_{own._meta.model_name}_change", args=[own.pk])
    return render(
        request,
        "proposals/forwarding_detail.html",
        {"forwarding": forwarding, "sent_by_us": mine == "source", "own_admin": own_admin},
    )
