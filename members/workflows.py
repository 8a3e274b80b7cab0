"""The members app's one table of a member's answers to an invitation, in core's shape (`core.workflow`).

A member may accept an invitation or ask for leave (请假) while the activity is planned and has not
started, and only until their attendance is recorded: once they have checked in (or been marked
present), once the organiser has granted their leave or marked them absent, or once the activity is
cancelled, held or under way, the answer is the organiser's to correct, not theirs.

The activity page and the portal home show "I will attend" and "Ask for leave" when the action is in
`participation_actions(participation, user)`; `members.services.participation_accept` and
`participation_request_leave` (and through them the meetings' registration and leave) `require` the
same table, so a refused POST is refused with the table's reason. Who may answer (only the member
invited) is the services' first check, with its own message; the table's predicate drives the buttons.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core.workflow import Transition, Workflow
from members import selectors
from members.choices import ActivityStatus, Attendance, InvitationState


class AnswerState(models.TextChoices):
    """Where a participation stands for the member's own answer; the labels are the refusals' reasons."""

    OPEN = "open", _lazy("you have not answered yet")
    ACCEPTED = "accepted", _lazy("you have already accepted")
    LEAVE_REQUESTED = "leave_requested", _lazy("you have already asked for leave")
    STARTED = "started", _lazy("the activity has already started")
    CANCELLED = "cancelled", _lazy("the activity is cancelled")
    CHECKED_IN = "checked_in", _lazy("you have already checked in")
    RECORDED = "recorded", _lazy("the organiser has already recorded your attendance")


def answer_state(participation, now=None) -> str:
    """The participation's `AnswerState` now (reads `participation.activity`: load it with the row)."""
    activity = participation.activity
    if activity.status == ActivityStatus.CANCELLED:
        return AnswerState.CANCELLED
    if participation.checked_in_at is not None or participation.attendance == Attendance.PRESENT:
        return AnswerState.CHECKED_IN
    if participation.attendance != Attendance.UNRECORDED:
        return AnswerState.RECORDED
    if activity.status != ActivityStatus.PLANNED or activity.starts_at <= (now or timezone.now()):
        return AnswerState.STARTED
    if participation.invitation == InvitationState.ACCEPTED:
        return AnswerState.ACCEPTED
    if participation.invitation == InvitationState.LEAVE_REQUESTED:
        return AnswerState.LEAVE_REQUESTED
    return AnswerState.OPEN


class ParticipationWorkflow(Workflow):
    """The table reads its state from the participation and its activity (`answer_state`), not a field."""

    def state_of(self, obj) -> str:
        return answer_state(obj)


def _invited_member(participation, user) -> bool:
    member = selectors.member_for_user(user)
    return member is not None and member.pk == participation.member_id


A = AnswerState
PARTICIPATION_WORKFLOW = ParticipationWorkflow(
    labels=AnswerState,
    enforce_may=False,
    transitions=[
        # Neither action moves a stored state: the service sets the invitation, the table says when.
        Transition(
            "accept",
            (A.OPEN, A.LEAVE_REQUESTED),
            may=_invited_member,
            refusal=_lazy("You cannot accept now: %(current)s."),
        ),
        Transition(
            "ask_leave",
            (A.OPEN, A.ACCEPTED),
            may=_invited_member,
            refusal=_lazy("You cannot ask for leave now: %(current)s."),
        ),
    ],
)


def participation_actions(participation, user) -> list[str]:
    """What `user` may answer to this invitation now ("accept", "ask_leave"): the buttons to show."""
    if participation is None:
        return []
    return PARTICIPATION_WORKFLOW.allowed_actions(participation, user)
