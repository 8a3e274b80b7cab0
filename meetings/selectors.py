"""Reads of meetings, sessions, attendance, quorum and votes, each scoped to the user who asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cppcc_portal.core import roles
from cppcc_portal.core.caching import CachedValues
from meetings.choices import Basis, Body, MeetingStatus, MotionState, SessionStatus, VoteChoice
from meetings.models import (
    AgendaItem,
    GroupAssignment,
    Meeting,
    MeetingDocument,
    MeetingSession,
    Motion,
    ProcedureRule,
    Speech,
)
from members.choices import Attendance, InvitationState, MemberStatus
from members.models import Member, Participation
from members.selectors import member_for_user

# --- rules and bodies ---------------------------------------------------------------------------


def procedure_rule_for(kind: str) -> ProcedureRule:
    """The rules of procedure of a kind of meeting; the default (more than half of the body) when the
    office has deleted its row."""
    return ProcedureRule.objects.filter(kind=kind).first() or ProcedureRule(kind=kind)


def body_members(meeting: Meeting) -> QuerySet[Member]:
    """The members in office who sit on the body holding the meeting: they must attend, and vote."""
    base = Member.objects.filter(status=MemberStatus.IN_OFFICE)
    if meeting.body == Body.STANDING_COMMITTEE:
        return base.filter(is_standing_committee=True)
    if meeting.body == Body.SPECIAL_COMMITTEE:
        return base.filter(committee_memberships__committee_id=meeting.committee_id)
    if meeting.body == Body.NAMED:
        return base.filter(pk__in=meeting.named_members.values("pk"))
    return base


def passes(count: int, basis: int, numerator: int, denominator: int, strict: bool) -> bool:
    """Whether `count` is more than (strict) or at least the share numerator/denominator of `basis`."""
    if strict:
        return count * denominator > numerator * basis
    return count * denominator >= numerator * basis


# --- who sees what ------------------------------------------------------------------------------


def _called_to(member: Member):
    return Exists(
        Participation.objects.filter(activity__meeting_session__meeting=OuterRef("pk"), member=member)
    )


def meeting_list(*, user) -> QuerySet[Meeting]:
    """All meetings for staff and leaders; for a member, the meetings they are called to."""
    base = Meeting.objects.select_related("committee")
    if roles.can_read_everything(user):
        return base
    member = member_for_user(user)
    if member is None:
        return Meeting.objects.none()
    return base.filter(_called_to(member)).exclude(status=MeetingStatus.DRAFT)


def session_list(*, user) -> QuerySet[MeetingSession]:
    base = MeetingSession.objects.select_related("meeting", "activity")
    if roles.can_read_everything(user):
        return base
    return base.filter(meeting__in=meeting_list(user=user))


def is_called(member: Member | None, meeting: Meeting) -> bool:
    if member is None:
        return False
    return Participation.objects.filter(activity__meeting_session__meeting=meeting, member=member).exists()


def can_run(user, meeting: Meeting | None = None) -> bool:
    """Running a meeting (check-in desk, screens, votes, minutes) is the office's job."""
    return roles.is_staff_user(user)


# --- the member's agenda ------------------------------------------------------------------------


@dataclass
class AgendaEntry:
    meeting: Meeting
    sessions: list = field(default_factory=list)  # (session, participation)
    group: object = None
    speeches: list = field(default_factory=list)


def member_agenda(*, member: Member, upcoming_only: bool = False) -> list[AgendaEntry]:
    """The meetings a member is called to, each with its sessions (and the member's registration),
    their discussion group and their speeches; a fixed number of queries."""
    participations = (
        Participation.objects.filter(member=member, activity__meeting_session__isnull=False)
        .select_related("activity__meeting_session__meeting")
        .exclude(activity__meeting_session__meeting__status=MeetingStatus.DRAFT)
        .order_by("activity__starts_at")
    )
    if upcoming_only:
        participations = participations.filter(activity__ends_at__gte=timezone.now())
    entries: dict[int, AgendaEntry] = {}
    for participation in participations:
        session = participation.activity.meeting_session
        entry = entries.setdefault(session.meeting_id, AgendaEntry(meeting=session.meeting))
        entry.sessions.append((session, participation))
    if not entries:
        return []
    agenda = AgendaItem.objects.filter(session__meeting_id__in=entries).order_by("session_id", "order")
    by_session: dict[int, list] = {}
    for item in agenda:
        by_session.setdefault(item.session_id, []).append(item)
    for entry in entries.values():
        entry.sessions = [(s, p, by_session.get(s.pk, [])) for s, p in entry.sessions]
    for assignment in GroupAssignment.objects.filter(member=member, meeting_id__in=entries).select_related(
        "group"
    ):
        entries[assignment.meeting_id].group = assignment.group
    for speech in Speech.objects.filter(member=member, meeting_id__in=entries).select_related("session"):
        entries[speech.meeting_id].speeches.append(speech)
    return list(entries.values())


def documents_for(*, user, meeting: Meeting) -> QuerySet[MeetingDocument]:
    """The document pack: everything for staff and leaders; for those called, once it is published."""
    docs = MeetingDocument.objects.filter(meeting=meeting).prefetch_related("versions")
    if roles.can_read_everything(user):
        return docs
    if meeting.documents_published_at is None or not is_called(member_for_user(user), meeting):
        return MeetingDocument.objects.none()
    return docs


# --- the live session ---------------------------------------------------------------------------


@dataclass
class Live:
    """What the door screen, the desk and the projector show of a session in progress."""

    session: MeetingSession
    called: int
    present: int
    on_leave: int
    body_size: int
    body_present: int
    quorum_needed: int
    quorum_met: bool
    absent: list = field(default_factory=list)


def quorum_needed(basis_count: int, rule: ProcedureRule) -> int:
    """The smallest number present that meets the quorum rule."""
    for n in range(basis_count + 1):
        if passes(n, basis_count, rule.quorum_numerator, rule.quorum_denominator, rule.quorum_strict):
            return n
    return basis_count + 1


def session_live(session: MeetingSession, *, with_absent: bool = True) -> Live:
    """Present count, leave, absent list and quorum of a session, in four queries."""
    counts = Participation.objects.filter(activity_id=session.activity_id).aggregate(
        called=Count("pk"),
        present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
        on_leave=Count("pk", filter=Q(attendance=Attendance.LEAVE)),
    )
    body = body_members(session.meeting)
    body_size = body.count()
    body_present = Participation.objects.filter(
        activity_id=session.activity_id, attendance=Attendance.PRESENT, member__in=body.values("pk")
    ).count()
    rule = procedure_rule_for(session.meeting.kind)
    basis = counts["called"] if rule.quorum_basis == Basis.CALLED else body_size
    needed = quorum_needed(basis, rule)
    absent = []
    if with_absent:
        absent = list(
            Participation.objects.filter(activity_id=session.activity_id)
            .exclude(attendance__in=[Attendance.PRESENT, Attendance.LEAVE])
            .select_related("member")
            .order_by("member__member_number")
        )
    return Live(
        session=session,
        called=counts["called"],
        present=counts["present"],
        on_leave=counts["on_leave"],
        body_size=body_size,
        body_present=body_present,
        quorum_needed=needed,
        quorum_met=body_present >= needed,
        absent=absent,
    )


def open_session(meeting: Meeting) -> MeetingSession | None:
    return (
        MeetingSession.objects.filter(meeting=meeting, status=SessionStatus.OPEN)
        .select_related("meeting", "activity", "current_item", "current_speech__member")
        .first()
    )


def desk_search(*, session: MeetingSession, query: str) -> QuerySet[Participation]:
    """Called members matching a name or member number, for the staff desk."""
    rows = Participation.objects.filter(activity_id=session.activity_id).select_related("member")
    query = (query or "").strip()
    if query:
        rows = rows.filter(Q(member__name__icontains=query) | Q(member__member_number__iexact=query))
    return rows.order_by("member__member_number")


def leave_requests(*, sessions: list[MeetingSession]) -> list[Participation]:
    """Leave asked for one of these sessions and not yet granted, by start and member number; each
    row's ``session`` is its one of ``sessions`` (their meeting read with them: no query per row)."""
    by_activity = {session.activity_id: session for session in sessions}
    rows = list(
        Participation.objects.filter(activity_id__in=by_activity, invitation=InvitationState.LEAVE_REQUESTED)
        .exclude(attendance=Attendance.LEAVE)
        .select_related("member")
        .order_by("activity__starts_at", "member__member_number")
    )
    for row in rows:
        row.session = by_activity[row.activity_id]
    return rows


# --- votes --------------------------------------------------------------------------------------


def motion_tally(motion: Motion) -> dict[str, int]:
    counts = {choice: 0 for choice in VoteChoice.values}
    for row in motion.ballots.values("choice").annotate(n=Count("pk")).order_by():
        counts[row["choice"]] = row["n"]
    counts["cast"] = sum(counts[c] for c in VoteChoice.values)
    return counts


def motions_of(session: MeetingSession) -> QuerySet[Motion]:
    return (
        Motion.objects.filter(agenda_item__session=session)
        .select_related("agenda_item")
        .annotate(receipt_count=Count("receipts"))
        .order_by("agenda_item__order", "pk")
    )


def open_motion(session: MeetingSession) -> Motion | None:
    return motions_of(session).filter(state=MotionState.OPEN).first()


def voted(member: Member | None, motion: Motion) -> bool:
    return member is not None and motion.receipts.filter(member=member).exists()


def _with_sessions(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    agenda = Prefetch("agenda", queryset=AgendaItem.objects.order_by("order"))
    sessions = Prefetch(
        "sessions",
        queryset=MeetingSession.objects.select_related("activity")
        .prefetch_related(agenda)
        .order_by("date", "order"),
    )
    return meetings.prefetch_related(sessions, "items")


def meeting_detail(meeting_id: int, *, user) -> Meeting | None:
    return _with_sessions(meeting_list(user=user)).filter(pk=meeting_id).first()


# The office's console read the meeting, its sessions, their agenda, the plan items, the document
# pack, the resolutions, the motions and the speeches (nine queries, most of the page's time) on
# every view, though they change only when the office edits the meeting, opens or closes a vote or
# decides a speech (a ballot is a row of its own: a motion's result is stored when the vote closes);
# the leave requests (answers and check-ins change them all the time) are read on every view. Moved
# on by every write to what it holds (meetings.apps).
CONSOLE = CachedValues("meeting-console", ttl=600, per_committee=True)


def console_meeting(meeting_id: int) -> Meeting | None:
    """A meeting as the console shows it to those who read every meeting (staff and leaders: the
    caller checks), with its sessions, agenda and their motions, plan items, documents, resolutions
    and speeches (``console_speeches``, with their member and session) prefetched."""
    # "v2": the entries cached before the motions and speeches were part of the value are not read.
    return CONSOLE.cached(f"v2:{meeting_id}", lambda: _console_meeting(meeting_id))


def _console_meeting(meeting_id: int) -> Meeting | None:
    # Built only when the cache misses: building the querysets costs as much as reading the value.
    documents = Prefetch("documents", queryset=MeetingDocument.objects.prefetch_related("versions"))
    motions = Prefetch("sessions__agenda__motions", queryset=Motion.objects.order_by("pk"))
    speeches = Prefetch(
        "speeches",
        queryset=Speech.objects.select_related("member", "session").order_by("state", "speaking_order"),
        to_attr="console_speeches",
    )
    return (
        _with_sessions(Meeting.objects.select_related("committee"))
        .prefetch_related(motions, documents, "resolutions", speeches)
        .filter(pk=meeting_id)
        .first()
    )


# The three pages the office and the members read most, kept as rendered HTML per reader
# (core.caching.cached_html under reader_key): the meetings list, the console and a member's agenda.
# They show more than CONSOLE keeps (the leave requests, each member's place and answer, the
# discussion groups, whether one has voted), and those change all through a meeting (every answer,
# check-in and ballot): moved on by every save, delete or M2M change of what any of the three shows
# (meetings.apps), and by the members' bulk writes of participations (members.signals).
READER_PAGES = CachedValues("meeting-pages", ttl=600, per_committee=True)


def open_until(deadline: dt.datetime | None) -> bool:
    """Whether a meeting's deadline (registration, speeches; None: it has none) has not passed.
    报名 also closes when each session starts (members.workflows.answer_state)."""
    return deadline is None or timezone.now() <= deadline


def answers_close_at(entries: list[AgendaEntry], now) -> dt.datetime | None:
    """When the clock alone next changes a member's agenda: the registration deadline passing
    closes registration (open_until), a session starting closes its registration and leave
    requests (members.workflows.answer_state); nothing else on it moves with the clock (the
    session's opening and closing, the votes, the check-ins are writes)."""
    moments = [
        participation.activity.starts_at
        for entry in entries
        for _session, participation, _items in entry.sessions
    ] + [entry.meeting.registration_deadline for entry in entries if entry.meeting.registration_deadline]
    return min((moment for moment in moments if moment > now), default=None)


# --- the attendance report ----------------------------------------------------------------------


@dataclass
class AttendanceReport:
    body: str
    year: int
    sessions: list
    rows: list  # dicts: member, marks (aligned with sessions), present, leave, absent, called, rate


def attendance_report(*, body: str, year: int, committee=None) -> AttendanceReport:
    """出勤统计: each member's attendance at the sessions a body held in a year, in three queries."""
    sessions = list(
        MeetingSession.objects.filter(meeting__body=body, date__year=year)
        .exclude(meeting__status__in=[MeetingStatus.DRAFT, MeetingStatus.CANCELLED])
        .filter(**({"meeting__committee": committee} if committee is not None else {}))
        .select_related("meeting")
        .order_by("date", "order")
    )
    index = {s.activity_id: i for i, s in enumerate(sessions)}
    rows: dict[int, dict] = {}
    participations = (
        Participation.objects.filter(activity_id__in=index)
        .select_related("member")
        .order_by("member__member_number")
    )
    for p in participations:
        row = rows.setdefault(
            p.member_id,
            {
                "member": p.member,
                "marks": [""] * len(sessions),
                "present": 0,
                "leave": 0,
                "absent": 0,
                "called": 0,
            },
        )
        row["marks"][index[p.activity_id]] = p.attendance
        row["called"] += 1
        if p.attendance == Attendance.PRESENT:
            row["present"] += 1
        elif p.attendance == Attendance.LEAVE:
            row["leave"] += 1
        elif p.attendance == Attendance.ABSENT:
            row["absent"] += 1
    result = sorted(rows.values(), key=lambda r: r["member"].member_number)
    for row in result:
        row["rate"] = round(100 * row["present"] / row["called"]) if row["called"] else 0
    return AttendanceReport(body=body, year=year, sessions=sessions, rows=result)
