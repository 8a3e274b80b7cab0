"""A member's meetings in the portal: the personal agenda (printable), registration and leave,
discussion group, the document pack (watermarked PDFs), speeches and voting from the phone."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.caching import Fragment, reader_html
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from meetings import selectors, services
from meetings.forms import LeaveForm, SpeechForm
from meetings.models import DocumentVersion, MeetingSession, Motion
from meetings.watermark import watermark_pdf
from meetings.workflows import allowed_actions, remember_participation
from members.views import member_required


def _act(request, call, success: str) -> bool:
    try:
        call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _meeting(request, pk):
    meeting = selectors.meeting_list(user=request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


@member_required
def agenda(request):
    # The member is in the key (their answers, their votes) and so is whether they are also of the
    # office (the session buttons the workflow offers them).
    content = reader_html(
        selectors.READER_PAGES,
        request,
        lambda: _agenda_content(request),
        request.member.pk,
        roles.is_staff_user(request.user),
    )
    return render(request, "meetings/portal_agenda.html", {"content": content, "member": request.member})


def _agenda_content(request) -> Fragment:
    now = timezone.now()
    entries = selectors.member_agenda(member=request.member)
    votes = []
    for entry in entries:
        for session, participation, _items in entry.sessions:
            remember_participation(session, request.user, participation)
            session.actions = allowed_actions(session, request.user)
            motion = selectors.open_motion(session) if session.status == "open" else None
            if motion is not None:
                votes.append((motion, participation, selectors.voted(request.member, motion)))
    html = render_to_string(
        "meetings/_portal_agenda.html",
        {"entries": entries, "leave_form": LeaveForm(), "votes": votes, "member": request.member},
        request=request,
    )
    return Fragment(html, until=selectors.answers_close_at(entries, now))


def _own_session(request, pk) -> MeetingSession:
    session = selectors.session_list(user=request.user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


@require_POST
@member_required
def register(request, pk):
    session = _own_session(request, pk)
    _act(
        request,
        lambda: services.session_register(session=session, actor=request.user),
        _("You are registered."),
    )
    return redirect("meetings_portal:agenda")


@require_POST
@member_required
def leave(request, pk):
    session = _own_session(request, pk)
    _act(
        request,
        lambda: services.session_request_leave(
            session=session, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("Your leave request has been sent to the office."),
    )
    return redirect("meetings_portal:agenda")


@member_required
def documents(request, pk):
    meeting = _meeting(request, pk)
    return render(
        request,
        "meetings/portal_documents.html",
        {"meeting": meeting, "documents": selectors.documents_for(user=request.user, meeting=meeting)},
    )


@never_cache
@member_required
def document_download(request, pk):
    version = get_object_or_404(DocumentVersion.objects.select_related("document__meeting"), pk=pk)
    visible = selectors.documents_for(user=request.user, meeting=version.document.meeting)
    if not visible.filter(pk=version.document_id).exists():
        raise Http404
    with version.file.open("rb") as handle:
        data = handle.read()
    content_type = "application/octet-stream"
    if version.original_name.lower().endswith(".pdf"):
        member = request.member
        try:
            data = watermark_pdf(data, f"{member.name} {member.member_number}")
        except ValueError:
            raise Http404 from None
        content_type = "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="document-{version.document_id}-v{version.number}"'
    )
    if content_type == "application/pdf":
        response["Content-Disposition"] += ".pdf"
    return response


@member_required
def speeches(request, pk):
    meeting = _meeting(request, pk)
    form = SpeechForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok = _act(
            request,
            lambda: services.speech_submit(meeting=meeting, actor=request.user, **form.cleaned_data),
            _("Your speech is submitted."),
        )
        if ok:
            return redirect("meetings_portal:speeches", pk=meeting.pk)
    return render(
        request,
        "meetings/portal_speeches.html",
        {
            "meeting": meeting,
            "meeting_actions": allowed_actions(meeting, request.user),
            "form": form,
            "mine": meeting.speeches.filter(member=request.member),
        },
    )


@require_POST
@member_required
def vote(request, pk):
    motion = get_object_or_404(Motion.objects.select_related("agenda_item__session"), pk=pk)
    _own_session(request, motion.agenda_item.session_id)
    _act(
        request,
        lambda: services.ballot_cast(
            motion=motion, actor=request.user, choice=request.POST.get("choice", "")
        ),
        _("Your vote is recorded."),
    )
    return redirect("meetings_portal:agenda")
