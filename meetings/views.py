"""The office's meeting pages: the console, the door screen with its QR code, the check-in desk,
the projector, minutes and the attendance report; and the page a member's phone opens from the QR.

Views are thin: find the object through a scoped selector, call one service, render or redirect.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.caching import Fragment, cached_html, reader_html
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.url_templates import pk_url_template
from meetings import checkin, exports, selectors, services
from meetings.choices import Body, SpeechState
from meetings.forms import (
    AgendaItemForm,
    AttendanceReportForm,
    MeetingForm,
    MinutesForm,
    MotionForm,
    NewSessionFormSet,
    SessionForm,
)
from meetings.models import AgendaItem, Meeting, MeetingSession, Motion, Speech
from meetings.workflows import allowed_actions, console_actions
from members.models import Participation


def readers_required(view):
    """Staff and leaders (who read everything) may look; members and units get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not roles.can_read_everything(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _meeting(request, pk) -> Meeting:
    meeting = selectors.meeting_detail(pk, user=request.user)
    if meeting is None:
        raise Http404
    return meeting


def _act(request, call, success: str) -> None:
    try:
        call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


def _back(meeting_id: int):
    return redirect("meetings:console", pk=meeting_id)


# --- the console --------------------------------------------------------------------------------


@readers_required
def meeting_list(request):
    # The rows are kept as rendered HTML per reader; the buttons above them (by role) are the frame's.
    content = reader_html(selectors.READER_PAGES, request, lambda: _meeting_list_content(request))
    return render(
        request,
        "meetings/meeting_list.html",
        {"content": content, "can_run": roles.is_staff_user(request.user)},
    )


def _meeting_list_content(request) -> Fragment:
    meetings = selectors.meeting_list(user=request.user).order_by("-created_at")[:200]
    # Only writes change it (a meeting's title, kind or status): no `until`.
    return Fragment(render_to_string("meetings/_meeting_list.html", {"meetings": meetings}, request=request))


@roles.staff_required
def meeting_create(request):
    """新建会议: the office prepares a meeting and its sessions here (not only in the administration)."""
    form = MeetingForm(request.POST or None)
    sessions = NewSessionFormSet(request.POST or None, prefix="sessions")
    if request.method == "POST" and form.is_valid() and sessions.is_valid():
        try:
            meeting = services.meeting_create(
                meeting=form.save(commit=False),
                actor=request.user,
                items=form.cleaned_data["items"],
                sessions=sessions.sessions(),
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The meeting is prepared: add its agenda, then call the members."))
            return redirect("meetings:console", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "sessions": sessions})


# The console's links and forms, formatted per row from templates resolved once per process.
MEETING_URLS = (
    "checkin_screen",
    "desk",
    "projector",
    "call",
    "session_add",
    "agenda_add",
    "motion_add",
    "documents_publish",
)
SESSION_URLS = ("session_current", "session_open", "session_close", "minutes")
MOTION_URLS = ("motion_open", "motion_close")


def _urls(names, pk: int) -> dict[str, str]:
    return {name: pk_url_template(f"meetings:{name}").format(pk) for name in names}


@readers_required
def console(request, pk):
    # Staff and leaders are shown different buttons: the role is in the key, with the reader.
    can_run = roles.is_staff_user(request.user)
    content = reader_html(
        selectors.READER_PAGES, request, lambda: _console_content(request, pk, can_run), can_run
    )
    title = cached_html(selectors.READER_PAGES, f"console-title:{pk}", lambda: _console_title(pk))
    return render(request, "meetings/console.html", {"content": content, "title": title})


def _console_meeting(pk) -> Meeting:
    meeting = selectors.console_meeting(pk)  # readers_required: every meeting is theirs to read
    if meeting is None:
        raise Http404
    return meeting


def _console_title(pk) -> Fragment:
    return Fragment(conditional_escape(_console_meeting(pk).title))


def _console_content(request, pk, can_run: bool) -> Fragment:
    """The console below the header. Only writes change it (a session's state and the buttons it
    offers, votes opened and closed, speeches decided, leave asked and granted): no `until`."""
    meeting = _console_meeting(pk)
    user = request.user
    meeting.urls = _urls(MEETING_URLS, meeting.pk)
    meeting.urls["admin_change"] = pk_url_template("admin:meetings_meeting_change").format(meeting.pk)
    sessions = []
    for session in meeting.sessions.all():
        session.actions = console_actions(session, user)
        session.urls = _urls(SESSION_URLS, session.pk)
        motions = [motion for item in session.agenda.all() for motion in item.motions.all()]
        for motion in motions:
            motion.actions = allowed_actions(motion, user)
            motion.urls = _urls(MOTION_URLS, motion.pk)
        sessions.append((session, motions))
    current_url, decide_url = (
        pk_url_template("meetings:session_current"),
        pk_url_template("meetings:speech_decide"),
    )
    for speech in meeting.console_speeches:
        speech.actions = allowed_actions(speech, user)
        speech.decide_url = decide_url.format(speech.pk)
        if speech.session_id is not None:  # an oral speech's session, where it is shown as delivered
            speech.current_url = current_url.format(speech.session_id)
    leave_requests = selectors.leave_requests(sessions=[session for session, _motions in sessions])
    leave_url = pk_url_template("meetings:leave_decide")
    for participation in leave_requests:
        participation.decide_url = leave_url.format(participation.pk)
    context = {
        "meeting": meeting,
        "meeting_actions": console_actions(meeting, user),
        "sessions": sessions,
        "leave_requests": leave_requests,
        "speeches": meeting.console_speeches,
        "documents": meeting.documents.all(),
        "resolutions": meeting.resolutions.all(),
        "can_run": can_run,
        "session_form": SessionForm(),
        "agenda_form": AgendaItemForm(meeting=meeting),
        "motion_form": MotionForm(meeting=meeting),
    }
    return Fragment(render_to_string("meetings/_console.html", context, request=request))


@require_POST
@roles.staff_required
def meeting_call(request, pk):
    meeting = _meeting(request, pk)
    _act(
        request,
        lambda: services.meeting_call(meeting=meeting, actor=request.user),
        _("The members are called."),
    )
    return _back(meeting.pk)


@require_POST
@roles.staff_required
def session_add(request, pk):
    meeting = _meeting(request, pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.session_add(meeting=meeting, actor=request.user, **form.cleaned_data),
            _("The session is added."),
        )
    else:
        messages.error(request, form.errors_text())
    return _back(meeting.pk)


@require_POST
@roles.staff_required
def agenda_add(request, pk):
    meeting = _meeting(request, pk)
    form = AgendaItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: services.agenda_item_add(
                session=data["session"],
                kind=data["kind"],
                title=data["title"],
                presenter=data["presenter"],
                actor=request.user,
            ),
            _("The agenda item is added."),
        )
    else:
        messages.error(request, form.errors_text())
    return _back(meeting.pk)


def _session(request, pk) -> MeetingSession:
    session = selectors.session_list(user=request.user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


@require_POST
@roles.staff_required
def session_open(request, pk):
    session = _session(request, pk)
    _act(
        request, lambda: services.session_open(session=session, actor=request.user), _("The session is open.")
    )
    return _back(session.meeting_id)


@require_POST
@roles.staff_required
def session_close(request, pk):
    session = _session(request, pk)
    _act(
        request,
        lambda: services.session_close(session=session, actor=request.user),
        _("The session is closed."),
    )
    return _back(session.meeting_id)


@require_POST
@roles.staff_required
def session_current(request, pk):
    session = _session(request, pk)
    item = AgendaItem.objects.filter(session=session, pk=request.POST.get("item") or 0).first()
    speech = Speech.objects.filter(session=session, pk=request.POST.get("speech") or 0).first()
    _act(
        request,
        lambda: services.session_set_current(session=session, actor=request.user, item=item, speech=speech),
        _("The projector is updated."),
    )
    return _back(session.meeting_id)


@require_POST
@roles.staff_required
def leave_decide(request, pk):
    participation = get_object_or_404(
        Participation.objects.select_related("activity__meeting_session"),
        pk=pk,
        activity__meeting_session__isnull=False,
    )
    approve = request.POST.get("decision") == "approve"
    _act(
        request,
        lambda: services.leave_decide(participation=participation, actor=request.user, approve=approve),
        _("Leave granted.") if approve else _("Leave refused."),
    )
    return _back(participation.activity.meeting_session.meeting_id)


@require_POST
@roles.staff_required
def speech_decide(request, pk):
    speech = get_object_or_404(Speech, pk=pk)
    session = MeetingSession.objects.filter(
        meeting_id=speech.meeting_id, pk=request.POST.get("session") or 0
    ).first()
    state = request.POST.get("state", "")
    try:
        minutes = int(request.POST.get("minutes") or 0) or None
    except ValueError:
        minutes = None
    _act(
        request,
        lambda: services.speech_decide(
            speech=speech, actor=request.user, state=state, session=session, minutes=minutes
        ),
        _("The speech is decided."),
    )
    return _back(speech.meeting_id)


@require_POST
@roles.staff_required
def documents_publish(request, pk):
    meeting = _meeting(request, pk)
    _act(
        request,
        lambda: services.documents_publish(meeting=meeting, actor=request.user),
        _("The documents are published."),
    )
    return _back(meeting.pk)


@require_POST
@roles.staff_required
def motion_add(request, pk):
    meeting = _meeting(request, pk)
    form = MotionForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: services.motion_create(
                agenda_item=data["agenda_item"],
                title=data["title"],
                text=data["text"],
                secret=data["secret"],
                actor=request.user,
            ),
            _("The motion is ready."),
        )
    else:
        messages.error(request, form.errors_text())
    return _back(meeting.pk)


def _motion(pk) -> Motion:
    return get_object_or_404(Motion.objects.select_related("agenda_item__session"), pk=pk)


@require_POST
@roles.staff_required
def motion_open(request, pk):
    motion = _motion(pk)
    _act(request, lambda: services.motion_open(motion=motion, actor=request.user), _("Voting is open."))
    return _back(motion.agenda_item.session.meeting_id)


@require_POST
@roles.staff_required
def motion_close(request, pk):
    motion = _motion(pk)
    _act(request, lambda: services.motion_close(motion=motion, actor=request.user), _("Voting is closed."))
    return _back(motion.agenda_item.session.meeting_id)


# --- the live pages: door screen, desk, projector -----------------------------------------------


def _live_state(session: MeetingSession | None, *, with_absent: bool) -> dict:
    if session is None:
        return {"session": None}
    live = selectors.session_live(session, with_absent=with_absent)
    state = {
        "session": str(session),
        "session_id": session.pk,
        "present": live.present,
        "called": live.called,
        "on_leave": live.on_leave,
        "body_size": live.body_size,
        "body_present": live.body_present,
        "quorum_needed": live.quorum_needed,
        "quorum_met": live.quorum_met,
        "quorum_text": _("Quorum met") if live.quorum_met else _("No quorum yet"),
    }
    if with_absent:
        state["absent"] = [f"{p.member.name}（{p.member.member_number}）" for p in live.absent]
    return state


def _projector_state(meeting: Meeting) -> dict:
    session = selectors.open_session(meeting)
    state = _live_state(session, with_absent=False)
    state["meeting"] = meeting.title
    if session is None:
        return state
    state["item"] = session.current_item.title if session.current_item else ""
    speech = session.current_speech
    state["speaker"] = f"{speech.member.name}：{speech.title}" if speech else ""
    motion = selectors.open_motion(session)
    last = selectors.motions_of(session).filter(Motion.RESULTS_VISIBLE).order_by("-closed_at").first()
    state["vote"] = (
        {"title": motion.title, "voted": motion.receipt_count, "eligible": state["body_present"]}
        if motion
        else None
    )
    state["result"] = (
        {
            "title": last.title,
            "for": last.votes_for,
            "against": last.votes_against,
            "abstain": last.votes_abstain,
            "not_voting": last.not_voting,
            "adopted": last.adopted,
            "text": pgettext("meetings", "Adopted") if last.adopted else _("Not adopted"),
        }
        if last and not motion
        else None
    )
    return state


def _checkin_url(request, session: MeetingSession) -> str:
    window = checkin.current_window()
    path = reverse("meetings:checkin", args=[session.pk])
    return request.build_absolute_uri(f"{path}?w={window}&c={checkin.signature(session.pk, window)}")


@roles.staff_required
def checkin_screen(request, pk):
    meeting = _meeting(request, pk)
    return render(
        request,
        "meetings/checkin_screen.html",
        {
            "meeting": meeting,
            "state_url": reverse("meetings:checkin_screen_state", args=[meeting.pk]),
            **_checkin_screen_context(request, meeting),
        },
    )


def _checkin_screen_context(request, meeting: Meeting) -> dict:
    session = selectors.open_session(meeting)
    state = _live_state(session, with_absent=False)
    if session is not None:
        url = _checkin_url(request, session)
        state["qr"] = checkin.qr_svg(url)
        state["seconds_left"] = checkin.seconds_left()
        # Tests and the desk read the URL the QR encodes; it is no secret from staff.
        state["checkin_url"] = url
    return {"state": state}


@never_cache
@roles.staff_required
def checkin_screen_state(request, pk):
    meeting = _meeting(request, pk)
    return JsonResponse(_checkin_screen_context(request, meeting)["state"])


@never_cache
@roles.staff_required
def desk(request, pk):
    meeting = _meeting(request, pk)
    session = selectors.open_session(meeting)
    query = request.GET.get("q", "")[:64]
    if request.method == "POST" and session is not None:
        participation = (
            Participation.objects.filter(
                activity_id=session.activity_id, pk=request.POST.get("participation") or 0
            )
            .select_related("member")
            .first()
        )
        if participation is None:
            messages.error(request, _("This member is not called to the session."))
        else:
            _act(
                request,
                lambda: services.check_in_at_desk(
                    session=session, member=participation.member, actor=request.user
                ),
                _("%(name)s is checked in.") % {"name": participation.member.name},
            )
        return redirect(f"{reverse('meetings:desk', args=[meeting.pk])}?q={query}")
    rows = selectors.desk_search(session=session, query=query)[:50] if session and query else []
    return render(
        request,
        "meetings/desk.html",
        {
            "meeting": meeting,
            "session": session,
            "query": query,
            "rows": rows,
            "state": _live_state(session, with_absent=True),
            "state_url": reverse("meetings:desk_state", args=[meeting.pk]),
        },
    )


@never_cache
@roles.staff_required
def desk_state(request, pk):
    meeting = _meeting(request, pk)
    return JsonResponse(_live_state(selectors.open_session(meeting), with_absent=True))


@readers_required
def projector(request, pk):
    meeting = _meeting(request, pk)
    return render(
        request,
        "meetings/projector.html",
        {
            "meeting": meeting,
            "state": _projector_state(meeting),
            "state_url": reverse("meetings:projector_state", args=[meeting.pk]),
        },
    )


@never_cache
@readers_required
def projector_state(request, pk):
    return JsonResponse(_projector_state(_meeting(request, pk)))


# --- a member's phone, from the QR code ---------------------------------------------------------


@never_cache
@login_required
def checkin_page(request, pk):
    """The page the QR code opens: GET shows one button, POST checks in (no state change on GET)."""
    session = get_object_or_404(MeetingSession.objects.select_related("meeting"), pk=pk)
    window = request.POST.get("w") or request.GET.get("w", "")
    code = request.POST.get("c") or request.GET.get("c", "")
    done = None
    if request.method == "POST":
        try:
            participation = services.check_in_by_code(
                session=session, actor=request.user, window=window, signature=code
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            done = participation
            messages.success(
                request,
                _("Checked in at %(time)s. Welcome!")
                % {"time": timezone.localtime(participation.checked_in_at).strftime("%H:%M")},
            )
    return render(
        request,
        "meetings/checkin_page.html",
        {
            "session": session,
            "window": window,
            "code": code,
            "done": done,
            # Someone not called learns no more than that the code is not theirs.
            "visible": selectors.session_list(user=request.user).filter(pk=session.pk).exists(),
        },
    )


# --- minutes and the attendance report ----------------------------------------------------------


@readers_required
def minutes(request, pk):
    session = _session(request, pk)
    form = MinutesForm(initial={"text": session.minutes})
    if request.method == "POST":
        if not roles.is_staff_user(request.user):
            raise PermissionDenied
        form = MinutesForm(request.POST)
        if form.is_valid():
            _act(
                request,
                lambda: services.minutes_save(
                    session=session, actor=request.user, text=form.cleaned_data["text"]
                ),
                _("The minutes are saved."),
            )
            return redirect("meetings:minutes", pk=session.pk)
    live = selectors.session_live(session)
    return render(
        request,
        "meetings/minutes.html",
        {
            "session": session,
            "meeting": session.meeting,
            "live": live,
            "agenda": session.agenda.all(),
            "motions": selectors.motions_of(session),
            "speakers": services.speakers(session),
            "resolutions": session.meeting.resolutions.filter(motion__agenda_item__session=session),
            "form": form,
            "can_edit": roles.is_staff_user(request.user),
        },
    )


@readers_required
def attendance_report(request):
    form = AttendanceReportForm(request.GET or None)
    report = None
    if form.is_valid():
        report = selectors.attendance_report(
            body=form.cleaned_data["body"],
            year=form.cleaned_data["year"],
            committee=form.cleaned_data["committee"],
        )
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                exports.attendance_workbook(report),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="attendance-{form.cleaned_data["year"]}.xlsx"'
            )
            return response
    return render(
        request,
        "meetings/attendance_report.html",
        {"form": form, "report": report, "bodies": Body, "speech_states": SpeechState},
    )
