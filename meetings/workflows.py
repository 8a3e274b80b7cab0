"""The meetings app's workflows in core's one shape (`core.workflow`): a meeting, its sessions, the
motions put to the vote and the speeches, each a table of actions, the states they leave and reach,
and who may take them.

The console and the member's pages show a button when its action is in `allowed_actions(obj, user)`;
the services in `meetings/services.py` move along the same tables (`WORKFLOW.move`) or `require` an
action that keeps the state (adding a session, publishing the documents, handing in a speech), and
keep their own checks of who first (the office: `roles.require_staff`, with its own message) and of
what the data must hold (an open vote, uploaded documents, the registration and speech deadlines).
A member's registration and leave follow the members' participation table (`members.workflows`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core import roles
from cppcc_portal.core.workflow import Transition, Workflow, Workflows
from meetings.choices import MeetingStatus, MotionState, SessionStatus, SpeechState
from meetings.models import Meeting, MeetingSession, Motion, Speech
from meetings.selectors import is_called, open_until
from members.models import Participation
from members.selectors import member_for_user
from members.workflows import PARTICIPATION_WORKFLOW

M = MeetingStatus
S = SessionStatus
V = MotionState
T = Transition


def _office(obj, user) -> bool:
    return roles.is_staff_user(user)


def _called_or_office(meeting, user) -> bool:
    """The office enters speeches handed in on paper; a member hands in their own when called."""
    if roles.is_staff_user(user):
        return True
    member = member_for_user(user)
    return member is not None and is_called(member, meeting)


def _may_submit_speech(meeting, user) -> bool:
    # Until the speech deadline (meetings.services refuses a late one with its own message).
    return open_until(meeting.speech_deadline) and _called_or_office(meeting, user)


MEETING_WORKFLOW = Workflow(
    labels=M,
    state_field="status",
    enforce_may=False,
    transitions=[
        T(
            "call",
            M.DRAFT,
            M.CALLED,
            may=_office,
            refusal=_lazy("Only a meeting in preparation or already called can call members."),
        ),
        # Calling again reaches members added to the body since the notice.
        T(
            "call_again",
            M.CALLED,
            M.CALLED,
            may=_office,
            refusal=_lazy("Only a meeting in preparation or already called can call members."),
        ),
        T("close", M.CALLED, M.CLOSED, may=_office, refusal=_lazy("Only a called meeting can be closed.")),
        # Actions that keep the meeting's state: what the office (and those called) may do in it.
        T(
            "add_session",
            (M.DRAFT, M.CALLED),
            may=_office,
            refusal=_lazy("A closed or cancelled meeting takes no new sessions."),
        ),
        T(
            "publish_documents",
            M.CALLED,
            may=_office,
            refusal=_lazy("Call the members before publishing the documents."),
        ),
        T(
            "submit_speech",
            M.CALLED,
            may=_may_submit_speech,
            refusal=_lazy("Speeches are handed in while the meeting is called."),
        ),
    ],
)


def _my_participation(session: MeetingSession, user) -> Participation | None:
    """The user's place in the session, read once per session and user (the agenda page primes it)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = session.__dict__.setdefault("_participation_of_user", {})
    if user.pk not in cache:
        cache[user.pk] = (
            Participation.objects.filter(activity_id=session.activity_id, member__user=user)
            .select_related("activity")
            .first()
        )
    return cache[user.pk]


def remember_participation(session: MeetingSession, user, participation: Participation | None) -> None:
    """Tell the session's table the user's place, already read by the page (no query per session)."""
    session.__dict__.setdefault("_participation_of_user", {})[user.pk] = participation


def _answer_open(action: str):
    """A called member may still answer the notice this way: the members' participation table
    (`members.workflows`) allows `action` on their place, the rule `participation_accept` and
    `participation_request_leave` require."""

    def may(session, user) -> bool:
        place = _my_participation(session, user)
        return place is not None and PARTICIPATION_WORKFLOW.allows(place, action)

    return may


_may_accept = _answer_open("accept")


def _may_register(session, user) -> bool:
    # The registration deadline closes 报名 before the session starts (meetings.services refuses it
    # with its own message); asking for leave stays open until the start.
    return open_until(session.meeting.registration_deadline) and _may_accept(session, user)


ANSWERS_CLOSED = _lazy("Registration and leave requests close when the session opens.")

SESSION_WORKFLOW = Workflow(
    labels=S,
    state_field="status",
    enforce_may=False,
    transitions=[
        T("open", S.SCHEDULED, S.OPEN, may=_office),
        T("close", S.OPEN, S.CLOSED, may=_office),
        # What the projector shows (the item dealt with, who is speaking) is set while in session.
        T("show", S.OPEN, may=_office),
        # A called member's answers to the notice, offered until the session starts.
        T("register", S.SCHEDULED, may=_may_register, refusal=ANSWERS_CLOSED),
        T("ask_leave", S.SCHEDULED, may=_answer_open("ask_leave"), refusal=ANSWERS_CLOSED),
    ],
)

MOTION_WORKFLOW = Workflow(
    labels=V,
    enforce_may=False,
    transitions=[
        T("open", V.DRAFT, V.OPEN, may=_office),
        T("close", V.OPEN, V.CLOSED, may=_office),
    ],
)

DECISIONS = (SpeechState.ORAL, SpeechState.WRITTEN, SpeechState.NOT_SELECTED)


def _delivered_now(speech, user) -> bool:
    return roles.is_staff_user(user) and speech.session is not None and speech.session.status == S.OPEN


SPEECH_WORKFLOW = Workflow(
    labels=SpeechState,
    enforce_may=False,
    transitions=[
        T("decide", SpeechState.values, DECISIONS, may=_office),
        # An oral speech on an open session's list may be shown as the one being delivered.
        T("speak", SpeechState.ORAL, may=_delivered_now),
    ],
)

# What `user` may do now to a meeting, a session, a motion or a speech: the buttons to show.
allowed_actions = Workflows(
    {
        Meeting: MEETING_WORKFLOW,
        MeetingSession: SESSION_WORKFLOW,
        Motion: MOTION_WORKFLOW,
        Speech: SPEECH_WORKFLOW,
    }
).allowed_actions

# The office's console shows these buttons of a meeting and of its sessions; a member's own steps
# (handing in a speech, answering the notice) are on their agenda page, so the console does not ask
# about them (their rules read the reader's own places: a query the console has no use for).
CONSOLE_ACTIONS = {
    Meeting: (MEETING_WORKFLOW, ("call", "call_again", "add_session", "publish_documents")),
    MeetingSession: (SESSION_WORKFLOW, ("open", "close", "show")),
}


def console_actions(obj, user) -> list[str]:
    """The console's buttons `user` may use on a meeting or a session now, by the same table as
    `allowed_actions` (those of its actions the console shows)."""
    workflow, shown = CONSOLE_ACTIONS[type(obj)]
    return [action for action in shown if workflow.may(obj, user, action)]
