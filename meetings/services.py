"""Every write of the meetings app: preparing a meeting, calling members, registration and leave,
check-in, running sessions, votes, speeches, documents and minutes.

Attendance is the members app's: a session owns an activity, the called are its participations, and
check-in goes through `members.services.attendance_check_in`, which keeps the duty records.
"""

from __future__ import annotations

import datetime as dt
import os

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.uploads import check_upload
from meetings import checkin, selectors
from meetings.choices import (
    Basis,
    Body,
    HalfDay,
    MeetingKind,
    MeetingStatus,
    MotionState,
    SessionStatus,
    SpeechState,
    VoteChoice,
)
from meetings.models import (
    AgendaItem,
    Ballot,
    DiscussionGroup,
    DocumentVersion,
    GroupAssignment,
    Meeting,
    MeetingDocument,
    MeetingSession,
    Motion,
    Resolution,
    Speech,
    VoteReceipt,
)
from meetings.workflows import MEETING_WORKFLOW, MOTION_WORKFLOW, SESSION_WORKFLOW, SPEECH_WORKFLOW
from members import services as member_services
from members.choices import ActivityKind, ActivityStatus, Attendance, DutyEventKind, DutyRole, OrganiserKind
from members.models import Activity, Member, Participation
from members.selectors import member_for_user

# When each half-day runs (the activity's start and end, for reminders and the duty calendar).
HALF_DAY_HOURS = {
    HalfDay.MORNING: (dt.time(9, 0), dt.time(12, 0)),
    HalfDay.AFTERNOON: (dt.time(14, 0), dt.time(17, 30)),
    HalfDay.EVENING: (dt.time(19, 0), dt.time(21, 0)),
}
ACTIVITY_KIND_FOR = {
    MeetingKind.PLENARY: ActivityKind.PLENARY,
    MeetingKind.STANDING_COMMITTEE: ActivityKind.STANDING_COMMITTEE,
    MeetingKind.CHAIRS: ActivityKind.MEETING,
    MeetingKind.SPECIAL_COMMITTEE: ActivityKind.MEETING,
}
SPEECH_DUTY_KIND = {
    SpeechState.ORAL: DutyEventKind.SPEECH_ORAL,
    SpeechState.WRITTEN: DutyEventKind.SPEECH_WRITTEN,
}


def _validate(obj: models.Model, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), code="invalid", field=field) from exc


def _notify_members(members, *, kind: str, key: str, title, about, link: str = "") -> None:
    from cppcc_portal.core.notifications.services import notify

    for member in members:
        if member.user_id:
            notify(
                recipient=member.user,
                kind=kind,
                dedupe_key=f"{key}:{member.user_id}",
                title=title,
                about=about,
                link=link,
            )


# --- preparing a meeting ------------------------------------------------------------------------


@transaction.atomic
def meeting_save(*, meeting: Meeting, actor) -> Meeting:
    """Create or change a meeting (the office)."""
    roles.require_staff(actor)
    creating = meeting.pk is None
    if meeting.body == Body.SPECIAL_COMMITTEE and meeting.committee_id is None:
        raise DomainError(_("Name the special committee that holds the meeting."), field="committee")
    if creating and getattr(actor, "is_authenticated", False):
        meeting.created_by = actor
    _validate(meeting)
    meeting.save()
    record_event(
        actor=actor,
        action="meetings.meeting.created" if creating else "meetings.meeting.changed",
        obj=meeting,
    )
    return meeting


@transaction.atomic
def meeting_create(*, meeting: Meeting, actor, items=(), sessions=()) -> Meeting:
    """Prepare a new meeting in one step (the office's "new meeting" page): the meeting, the
    work-plan items it serves and its half-day sessions; any refusal leaves nothing behind.

    `sessions` holds dicts of date, half_day and place."""
    roles.require_staff(actor)
    if meeting.pk is not None:
        raise DomainError(_("This meeting exists already."), code="exists")
    meeting = meeting_save(meeting=meeting, actor=actor)
    if items:
        meeting.items.set(items)
    for row in sessions:
        session_add(
            meeting=meeting, actor=actor, date=row["date"], half_day=row["half_day"], place=row["place"]
        )
    return meeting


@transaction.atomic
def session_add(
    *, meeting: Meeting, date: dt.date, half_day: str, place: str, actor, order: int | None = None
):
    """Add a half-day session; it owns a new activity, and those already called are invited to it."""
    roles.require_staff(actor)
    MEETING_WORKFLOW.require(meeting, actor, "add_session")
    if half_day not in HalfDay.values:
        raise DomainError(_("Choose morning, afternoon or evening."), field="half_day")
    if MeetingSession.objects.filter(meeting=meeting, date=date, half_day=half_day).exists():
        raise DomainError(_("The meeting already has a session in this half-day."), code="duplicate_session")
    start, end = HALF_DAY_HOURS[HalfDay(half_day)]
    zone = timezone.get_current_timezone()
    activity = Activity(
        title=f"{meeting.title}（{date:%m-%d} {HalfDay(half_day).label}）"[:200],
        kind=ACTIVITY_KIND_FOR[MeetingKind(meeting.kind)],
        organiser_kind=OrganiserKind.COMMITTEE if meeting.committee_id else OrganiserKind.OFFICE,
        organiser_committee_id=meeting.committee_id,
        starts_at=dt.datetime.combine(date, start, tzinfo=zone),
        ends_at=dt.datetime.combine(date, end, tzinfo=zone),
        place=place,
        half_days=1,
    )
    member_services.activity_save(activity=activity, actor=actor)
    activity.items.set(meeting.items.all())
    if order is None:
        order = (meeting.sessions.aggregate(m=Max("order"))["m"] or 0) + 1
    session = MeetingSession(
        meeting=meeting, activity=activity, date=date, half_day=half_day, place=place, order=order
    )
    _validate(session)
    session.save()
    if meeting.status == MeetingStatus.CALLED:
        called = Participation.objects.filter(activity__meeting_session__meeting=meeting).values("member_id")
        member_services.activity_invite(
            activity=activity, members=list({row["member_id"] for row in called}), actor=actor
        )
    record_event(actor=actor, action="meetings.session.added", obj=session)
    return session


@transaction.atomic
def agenda_item_add(
    *, session: MeetingSession, kind: str, title: str, actor, presenter: str = "", plan_item=None
):
    """Append an item to a session's agenda."""
    roles.require_staff(actor)
    order = (session.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
    item = AgendaItem(
        session=session, order=order, kind=kind, title=title, presenter=presenter, plan_item=plan_item
    )
    _validate(item)
    item.save()
    record_event(actor=actor, action="meetings.agenda.added", obj=item)
    return item


@transaction.atomic
def meeting_call(*, meeting: Meeting, actor, attendees=()) -> int:
    """召开通知: call the body's members (and named attendees, 列席) to every session and tell them.

    Returns how many members are called."""
    roles.require_staff(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    action = "call" if meeting.status == MeetingStatus.DRAFT else "call_again"
    MEETING_WORKFLOW.check(meeting, action)
    sessions = list(meeting.sessions.select_related("activity"))
    if not sessions:
        raise DomainError(_("Add the sessions before calling the members."), code="no_sessions")
    member_ids = set(selectors.body_members(meeting).values_list("pk", flat=True))
    member_ids |= {getattr(m, "pk", m) for m in attendees}
    for session in sessions:
        member_services.activity_invite(activity=session.activity, members=sorted(member_ids), actor=actor)
    before = MEETING_WORKFLOW.move(meeting, action, actor=actor)
    meeting.save(update_fields=["status"])
    record_event(
        actor=actor,
        action="meetings.meeting.called",
        obj=meeting,
        changes={"status": [before, meeting.status]},
        note=_("%(count)s members called") % {"count": len(member_ids)},
    )
    first = min(sessions, key=lambda s: (s.date, s.order))
    title = format_lazy(
        _lazy("Meeting notice: {title}, from {date} at {place}"),
        title=meeting.title,
        date=first.date.isoformat(),
        place=first.place,
    )
    _notify_members(
        Member.objects.filter(pk__in=member_ids).select_related("user"),
        kind="meetings.notice",
        key=f"meetings.notice:{meeting.pk}",
        title=title,
        about=meeting,
        link="/portal/meetings/",
    )
    return len(member_ids)


# --- registration, leave and groups -------------------------------------------------------------


def _own_participation(session: MeetingSession, actor) -> Participation:
    member = member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members register for meetings."))
    participation = Participation.objects.filter(activity_id=session.activity_id, member=member).first()
    if participation is None:
        raise PermissionDeniedError(_("You are not called to this meeting."))
    return participation


def _registration_open(session: MeetingSession) -> None:
    if not selectors.open_until(session.meeting.registration_deadline):
        raise DomainError(_("The registration deadline has passed."), code="deadline_passed")


def session_register(*, session: MeetingSession, actor) -> Participation:
    """报名: a called member confirms they will attend a session."""
    participation = _own_participation(session, actor)
    SESSION_WORKFLOW.check(session, "register")
    _registration_open(session)
    # The members' participation table (members.workflows) says whether the member may still answer.
    return member_services.participation_accept(participation=participation, actor=actor)


def session_request_leave(*, session: MeetingSession, actor, reason: str) -> Participation:
    """请假: a called member asks the office for leave from a session."""
    participation = _own_participation(session, actor)
    SESSION_WORKFLOW.check(session, "ask_leave")
    return member_services.participation_request_leave(
        participation=participation, actor=actor, reason=reason
    )


def leave_decide(*, participation: Participation, actor, approve: bool) -> Participation:
    """The office grants (the member is on leave) or refuses a leave request."""
    roles.require_staff(actor)
    return member_services.participation_decide_leave(
        participation=participation, actor=actor, approve=approve
    )


@transaction.atomic
def group_assign(*, group: DiscussionGroup, member: Member, actor) -> GroupAssignment:
    """Put a called member into a discussion group (moving them if they were in another)."""
    roles.require_staff(actor)
    if not selectors.is_called(member, group.meeting):
        raise DomainError(_("Only members called to the meeting join its groups."), code="not_called")
    row, _created = GroupAssignment.objects.update_or_create(
        meeting_id=group.meeting_id, member=member, defaults={"group": group}
    )
    record_event(actor=actor, action="meetings.group.assigned", obj=row)
    return row


# --- running a session --------------------------------------------------------------------------


@transaction.atomic
def session_open(*, session: MeetingSession, actor) -> MeetingSession:
    """宣布开会: open check-in and the session (one session of a meeting at a time)."""
    roles.require_staff(actor)
    session = MeetingSession.objects.select_for_update().select_related("meeting").get(pk=session.pk)
    if session.meeting.status != MeetingStatus.CALLED:
        raise DomainError(_("Call the members before opening a session."), code="not_called")
    SESSION_WORKFLOW.check(session, "open")
    if MeetingSession.objects.filter(meeting=session.meeting, status=SessionStatus.OPEN).exists():
        raise DomainError(_("Another session of this meeting is still open."), code="other_session_open")
    SESSION_WORKFLOW.move(session, "open", actor=actor)
    session.opened_at = timezone.now()
    session.save(update_fields=["status", "opened_at"])
    record_event(
        actor=actor, action="meetings.session.opened", obj=session, changes={"status": ["scheduled", "open"]}
    )
    return session


@transaction.atomic
def session_close(*, session: MeetingSession, actor) -> MeetingSession:
    """散会: close the session; whoever was called and neither came nor had leave is marked absent."""
    roles.require_staff(actor)
    session = (
        MeetingSession.objects.select_for_update().select_related("meeting", "activity").get(pk=session.pk)
    )
    SESSION_WORKFLOW.check(session, "close")
    if Motion.objects.filter(agenda_item__session=session, state=MotionState.OPEN).exists():
        raise DomainError(_("Close the open vote first."), code="vote_open")
    missing = list(
        Participation.objects.filter(
            activity_id=session.activity_id, attendance=Attendance.UNRECORDED
        ).values_list("member_id", flat=True)
    )
    activity = session.activity
    if activity.starts_at > timezone.now():
        # Attendance is recorded from the start; a session closed early starts now.
        activity.starts_at = timezone.now()
        activity.save(update_fields=["starts_at"])
    if missing:
        member_services.attendance_record(
            activity=activity, actor=actor, marks={pk: Attendance.ABSENT for pk in missing}
        )
    activity.refresh_from_db(fields=["status"])
    if activity.status == ActivityStatus.PLANNED:
        activity.status = ActivityStatus.HELD
        activity.save(update_fields=["status"])
    SESSION_WORKFLOW.move(session, "close", actor=actor)
    session.closed_at = timezone.now()
    session.current_speech = None
    session.save(update_fields=["status", "closed_at", "current_speech"])
    record_event(
        actor=actor, action="meetings.session.closed", obj=session, changes={"status": ["open", "closed"]}
    )
    return session


@transaction.atomic
def session_set_current(*, session: MeetingSession, actor, item: AgendaItem | None = None, speech=None):
    """What the projector shows: the agenda item being dealt with and who is speaking."""
    roles.require_staff(actor)
    if item is not None and item.session_id != session.pk:
        raise DomainError(_("This agenda item belongs to another session."), field="item")
    if speech is not None and speech.session_id != session.pk:
        raise DomainError(_("This speech is not on the session's list of speakers."), field="speech")
    session.current_item = item
    session.current_speech = speech
    session.save(update_fields=["current_item", "current_speech"])
    return session


@transaction.atomic
def minutes_save(*, session: MeetingSession, actor, text: str) -> MeetingSession:
    """纪要: write the minutes of a session."""
    roles.require_staff(actor)
    session.minutes = text
    session.save(update_fields=["minutes"])
    record_event(actor=actor, action="meetings.session.minutes", obj=session)
    return session


def _shared_state(model: type[models.Model], pk: int, column: str) -> str | None:
    """Read a row's state under FOR KEY SHARE: check-ins (ballots) do not wait for each other, but
    one made while the session (the vote) closes waits for the close and then sees it closed, so
    nothing lands after the count. Django offers FOR UPDATE only, which would queue every member."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(column)
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s{lock}", [pk])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


# --- check-in -----------------------------------------------------------------------------------


def _session_status_and_place(session: MeetingSession, member: Member):
    """The session's status, read under FOR KEY SHARE as `_shared_state` does, and the member's
    participation in it (id, attendance, check-in time; None when not called), in one query."""
    sessions = connection.ops.quote_name(MeetingSession._meta.db_table)
    participations = connection.ops.quote_name(Participation._meta.db_table)
    lock = " FOR KEY SHARE OF s" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.status, p.id, p.attendance, p.checked_in_at FROM {sessions} s "  # noqa: S608
            f"LEFT JOIN {participations} p ON p.activity_id = s.activity_id AND p.member_id = %s "
            f"WHERE s.id = %s{lock}",
            [member.pk, session.pk],
        )
        return cursor.fetchone() or (None, None, None, None)


def _check_in(session: MeetingSession, member: Member, actor) -> Participation:
    """One check-in in a fixed, small number of queries (pinned in tests/meetings/test_burst_queries.py):
    the row of a member already present or not called is never locked, and the one UPDATE of the
    participation, its audit row and its duty record are the members app's."""
    status, participation_id, attendance, checked_in_at = _session_status_and_place(session, member)
    if status == SessionStatus.SCHEDULED:
        raise DomainError(_("Check-in has not opened yet."), code="check_in_not_open")
    if status == SessionStatus.CLOSED:
        raise DomainError(_("The session is closed: check-in is over."), code="session_closed")
    if participation_id is None:
        raise PermissionDeniedError(_("You are not called to this meeting."))
    if attendance == Attendance.PRESENT:
        raise DomainError(
            _("Already checked in at %(time)s.") % {"time": _hhmm(checked_in_at)},
            code="already_checked_in",
        )
    # Two scans at once: the second waits for the first's row lock and is told, not counted twice.
    participation = member_services.attendance_check_in(
        participation=Participation(pk=participation_id), actor=actor
    )
    if participation is None:
        raise DomainError(_("Already checked in."), code="already_checked_in")
    return participation


def _hhmm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


@transaction.atomic
def check_in_by_code(*, session: MeetingSession, actor, window, signature: str) -> Participation:
    """扫码签到: a member checks in with the code of the door screen, scanned on their own phone."""
    member = member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members check in."))
    if not checkin.is_valid(session.pk, window, signature):
        raise DomainError(
            _("This check-in code has expired or is not valid: scan the code on the screen again."),
            code="bad_code",
            field="code",
            # Which code is valid depends on the moment (the screen's code turns over): 409, not 400.
            conflict=True,
        )
    return _check_in(session, member, actor)


@transaction.atomic
def check_in_at_desk(*, session: MeetingSession, member: Member, actor) -> Participation:
    """The staff desk checks a member in by name or member number (for those without a phone)."""
    roles.require_staff(actor)
    return _check_in(session, member, actor)


# --- votes --------------------------------------------------------------------------------------


@transaction.atomic
def motion_create(
    *, agenda_item: AgendaItem, title: str, actor, text: str = "", secret: bool = False
) -> Motion:
    """A motion put to the vote on an agenda item, under the meeting kind's majority rule."""
    roles.require_staff(actor)
    rule = selectors.procedure_rule_for(agenda_item.session.meeting.kind)
    motion = Motion(
        agenda_item=agenda_item,
        title=title,
        text=text,
        secret=secret,
        adoption_basis=rule.adoption_basis,
        adoption_numerator=rule.adoption_numerator,
        adoption_denominator=rule.adoption_denominator,
        adoption_strict=rule.adoption_strict,
    )
    _validate(motion)
    motion.save()
    record_event(actor=actor, action="meetings.motion.created", obj=motion)
    return motion


@transaction.atomic
def motion_open(*, motion: Motion, actor) -> Motion:
    """开始表决: the session must be in progress, and one vote runs at a time."""
    roles.require_staff(actor)
    motion = Motion.objects.select_for_update().select_related("agenda_item__session").get(pk=motion.pk)
    MOTION_WORKFLOW.check(motion, "open")
    session = motion.agenda_item.session
    if session.status != SessionStatus.OPEN:
        raise DomainError(_("Votes are taken while the session is in progress."), code="session_not_open")
    if Motion.objects.filter(agenda_item__session=session, state=MotionState.OPEN).exists():
        raise DomainError(_("Another vote is open in this session."), code="other_vote_open")
    MOTION_WORKFLOW.move(motion, "open", actor=actor)
    motion.opened_at = timezone.now()
    motion.save(update_fields=["state", "opened_at"])
    MeetingSession.objects.filter(pk=session.pk).update(current_item=motion.agenda_item)
    # The UPDATE sends no signal: the pages showing the session's current item move on (the motion's
    # save above moved them already; this does not lean on the order of the two writes).
    selectors.CONSOLE.changed()
    selectors.READER_PAGES.changed()
    record_event(
        actor=actor, action="meetings.motion.opened", obj=motion, changes={"state": ["draft", "open"]}
    )
    return motion


@transaction.atomic
def ballot_cast(*, motion: Motion, actor, choice: str) -> None:
    """表决: a member of the body, checked in to the session, votes once (no proxies: only for oneself).

    A secret ballot is stored without its voter; the receipt that they voted is a separate row,
    and its unique constraint is what stops a second vote either way."""
    member = member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members vote."))
    if choice not in VoteChoice.values:
        raise DomainError(_("Vote for, against or abstain."), code="invalid", field="choice")
    state = _shared_state(Motion, motion.pk, "state")
    if state != MotionState.OPEN:
        raise DomainError(_("This vote is not open."), code="vote_not_open")
    present = Participation.objects.filter(
        activity_id=OuterRef("agenda_item__session__activity_id"),
        member=member,
        attendance=Attendance.PRESENT,
    )
    motion = (
        Motion.objects.select_related("agenda_item__session__meeting")
        .annotate(voter_present=Exists(present))
        .get(pk=motion.pk)
    )
    session = motion.agenda_item.session
    if not motion.voter_present:
        raise PermissionDeniedError(_("Only members checked in to the session vote."))
    if not selectors.body_members(session.meeting).filter(pk=member.pk).exists():
        raise PermissionDeniedError(_("Only members of the body vote; attendees do not."))
    try:
        with transaction.atomic():
            receipt = VoteReceipt.objects.create(motion=motion, member=member)
    except IntegrityError as exc:
        raise DomainError(_("You have already voted on this motion."), code="already_voted") from exc
    Ballot.objects.create(motion=motion, choice=choice, member=None if motion.secret else member)
    # The audit row says who voted, and how only for a named vote.
    record_event(
        actor=actor,
        action="meetings.ballot.cast",
        obj=receipt,
        note="" if motion.secret else VoteChoice(choice).label,
    )


def motion_result(*, votes_for: int, basis_count: int, motion: Motion) -> bool:
    return selectors.passes(
        votes_for, basis_count, motion.adoption_numerator, motion.adoption_denominator, motion.adoption_strict
    )


@transaction.atomic
def motion_close(*, motion: Motion, actor) -> Motion:
    """结束表决: count the ballots, apply the rule, store the result; an adopted motion is a resolution."""
    roles.require_staff(actor)
    motion = (
        Motion.objects.select_for_update().select_related("agenda_item__session__meeting").get(pk=motion.pk)
    )
    MOTION_WORKFLOW.check(motion, "close")
    session = motion.agenda_item.session
    tally = selectors.motion_tally(motion)
    live = selectors.session_live(session, with_absent=False)
    basis_count = {
        Basis.BODY: live.body_size,
        Basis.CALLED: live.called,
        Basis.PRESENT: live.body_present,
        Basis.CAST: tally["cast"],
        Basis.FOR_AGAINST: tally[VoteChoice.FOR] + tally[VoteChoice.AGAINST],
    }[Basis(motion.adoption_basis)]
    motion.votes_for = tally[VoteChoice.FOR]
    motion.votes_against = tally[VoteChoice.AGAINST]
    motion.votes_abstain = tally[VoteChoice.ABSTAIN]
    motion.not_voting = max(0, live.body_present - tally["cast"])
    motion.basis_count = basis_count
    motion.adopted = motion_result(votes_for=motion.votes_for, basis_count=basis_count, motion=motion)
    MOTION_WORKFLOW.move(motion, "close", actor=actor)
    motion.closed_at = timezone.now()
    motion.save()
    if motion.adopted:
        Resolution.objects.create(
            meeting=session.meeting,
            motion=motion,
            title=motion.title,
            text=motion.text,
            adopted_on=session.date,
        )
    record_event(
        actor=actor,
        action="meetings.motion.closed",
        obj=motion,
        changes={"state": ["open", "closed"]},
        note=f"{motion.votes_for}/{motion.votes_against}/{motion.votes_abstain}; "
        + (pgettext("meetings", "adopted") if motion.adopted else pgettext("meetings", "not adopted")),
    )
    return motion


# --- speeches -----------------------------------------------------------------------------------


@transaction.atomic
def speech_submit(*, meeting: Meeting, actor, title: str, text: str, member: Member | None = None) -> Speech:
    """提交大会发言: a called member hands in a written speech before the deadline (the office may
    enter one for a member who sent it on paper)."""
    own = member_for_user(actor)
    if member is None:
        member = own
    elif not roles.is_staff_user(actor) and (own is None or own.pk != member.pk):
        raise PermissionDeniedError(_("You may submit speeches only for yourself."))
    if member is None:
        raise PermissionDeniedError(_("Only members submit speeches."))
    if not selectors.is_called(member, meeting):
        raise PermissionDeniedError(_("You are not called to this meeting."))
    if not selectors.open_until(meeting.speech_deadline):
        raise DomainError(_("The deadline for speeches has passed."), code="deadline_passed")
    MEETING_WORKFLOW.require(meeting, actor, "submit_speech")
    speech = Speech(meeting=meeting, member=member, title=(title or "").strip(), text=(text or "").strip())
    _validate(speech)
    speech.save()
    record_event(actor=actor, action="meetings.speech.submitted", obj=speech)
    return speech


@transaction.atomic
def speech_decide(
    *, speech: Speech, actor, state: str, session: MeetingSession | None = None, minutes: int | None = None
) -> Speech:
    """The office selects a speech for oral delivery (on a session's list of speakers) or as a
    written one, or not; a selected speech counts in the speaker's duty score (rule as data)."""
    roles.require_staff(actor)
    speech = Speech.objects.select_for_update().select_related("member", "meeting").get(pk=speech.pk)
    if not SPEECH_WORKFLOW.find(speech.state, "decide", state):
        raise DomainError(_("Choose oral, written or not selected."), field="state")
    if state == SpeechState.ORAL:
        if session is None or session.meeting_id != speech.meeting_id:
            raise DomainError(_("Choose the session in which it is delivered."), field="session")
        if speech.session_id != session.pk or speech.speaking_order is None:
            speech.speaking_order = (session.speeches.aggregate(m=Max("speaking_order"))["m"] or 0) + 1
        speech.session = session
        speech.minutes_allotted = minutes
    else:
        speech.session = None
        speech.speaking_order = None
        speech.minutes_allotted = None
    before = SPEECH_WORKFLOW.move(speech, "decide", actor=actor, to_state=state)
    speech.decided_by = actor
    _validate(speech)
    speech.save()
    for selected, kind in SPEECH_DUTY_KIND.items():
        if state == selected:
            member_services.duty_record_from_event(
                member=speech.member,
                event_kind=kind,
                role=DutyRole.LEAD,
                occurred_on=session.date if session else timezone.localdate(),
                title=speech.title,
                source=speech,
                actor=actor,
            )
        elif before == selected:
            member_services.duty_record_withdraw_event(
                member=speech.member, event_kind=kind, source=speech, actor=actor
            )
    record_event(
        actor=actor, action="meetings.speech.decided", obj=speech, changes={"state": [before, state]}
    )
    return speech


def speakers(session: MeetingSession):
    return session.speeches.filter(state=SpeechState.ORAL).select_related("member").order_by("speaking_order")


# --- documents ----------------------------------------------------------------------------------


@transaction.atomic
def document_add_version(*, document: MeetingDocument, actor, upload, note: str = "") -> DocumentVersion:
    """Upload a new version of a meeting document (the old ones are kept)."""
    roles.require_staff(actor)
    check_upload(upload)
    document = MeetingDocument.objects.select_for_update().get(pk=document.pk)
    number = (document.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=os.path.basename(upload.name)[:200],
        size=upload.size,
        note=note[:300],
        uploaded_by=actor,
    )
    version.file.save(os.path.basename(upload.name), upload, save=False)
    version.save()
    record_event(
        actor=actor,
        action="meetings.document.version",
        obj=document,
        note=f"v{number} {version.original_name}",
    )
    if document.meeting.documents_published_at:
        _notify_members(
            _called_members(document.meeting),
            kind="meetings.documents",
            key=f"meetings.documents:{document.pk}:v{number}",
            title=format_lazy(_lazy("New version of a meeting document: {title}"), title=document.title),
            about=document.meeting,
            link=f"/portal/meetings/{document.meeting_id}/documents/",
        )
    return version


def _called_members(meeting: Meeting):
    return Member.objects.filter(
        pk__in=Participation.objects.filter(activity__meeting_session__meeting=meeting).values("member_id")
    ).select_related("user")


@transaction.atomic
def documents_publish(*, meeting: Meeting, actor) -> Meeting:
    """Hand out the document pack to those called (they are told)."""
    roles.require_staff(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    MEETING_WORKFLOW.require(meeting, actor, "publish_documents")
    if not DocumentVersion.objects.filter(document__meeting=meeting).exists():
        raise DomainError(_("Upload the documents first."), code="no_documents")
    if meeting.documents_published_at is None:
        meeting.documents_published_at = timezone.now()
        meeting.save(update_fields=["documents_published_at"])
    record_event(actor=actor, action="meetings.documents.published", obj=meeting)
    _notify_members(
        _called_members(meeting),
        kind="meetings.documents",
        key=f"meetings.documents:{meeting.pk}",
        title=format_lazy(_lazy("The documents of {title} are ready"), title=meeting.title),
        about=meeting,
        link=f"/portal/meetings/{meeting.pk}/documents/",
    )
    return meeting


@transaction.atomic
def meeting_close(*, meeting: Meeting, actor) -> Meeting:
    """闭会: every session must be closed first."""
    roles.require_staff(actor)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    MEETING_WORKFLOW.check(meeting, "close")
    if meeting.sessions.exclude(status=SessionStatus.CLOSED).exists():
        raise DomainError(_("Close every session first."), code="sessions_open")
    MEETING_WORKFLOW.move(meeting, "close", actor=actor)
    meeting.save(update_fields=["status"])
    record_event(
        actor=actor, action="meetings.meeting.closed", obj=meeting, changes={"status": ["called", "closed"]}
    )
    return meeting
