"""Demo data for meetings: the 2017 plenary (four half-day sessions over two days, with its agenda,
discussion groups, speeches and a vote), the standing committee's meetings the plan implies
(adopting the plan on 2017-03-20, 专题协商 on each of item 8's topics, hearing the special
committees in December, item 18) and one upcoming meeting the demo member is called to
(idempotent: a meeting that exists is left as it is)."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from meetings import selectors, services
from meetings.choices import AgendaKind, Body, MeetingKind, MeetingStatus, SpeechState
from meetings.models import Meeting, MeetingDocument, MeetingSession
from meetings.selectors import body_members
from members import services as member_services
from members.choices import ActivityKind, Attendance, DutyRole
from members.models import Activity, Member
from workplan.models import Item

PLENARY_TITLE = "区政协十四届一次会议"

# (title, date, item number, agenda: [(kind, title, presenter)], motion title or None)
STANDING_MEETINGS = [
    (
        "十四届区政协常委会第一次会议",
        (3, 20),
        18,
        [
            (
                AgendaKind.DELIBERATION,
                "审议《政协北京市东城区第十四届委员会常务委员会2017年工作要点》",
                "秘书长",
            ),
            (AgendaKind.VOTE, "表决通过2017年工作要点", "主席"),
        ],
        "关于通过《常务委员会2017年工作要点》的决议",
    ),
    (
        "十四届区政协常委会第三次会议：中心城区人口调控专题协商",
        (7, 20),
        8,
        [
            (AgendaKind.REPORT, "区政府关于中心城区人口调控工作情况的通报", "区发展改革委"),
            (AgendaKind.CONSULTATION, "常委围绕中心城区人口调控协商发言", ""),
            (AgendaKind.VOTE, "表决通过专题协商建议案", "主席"),
        ],
        "关于中心城区人口调控的建议案",
    ),
    (
        "十四届区政协常委会第四次会议：历史文化精华区建设专题协商",
        (9, 21),
        8,
        [
            (AgendaKind.REPORT, "区政府关于历史文化精华区建设情况的通报", "区文化委"),
            (AgendaKind.CONSULTATION, "常委围绕历史文化精华区建设协商发言", ""),
        ],
        None,
    ),
    (
        "十四届区政协常委会第五次会议：低收入人群生活状况专题协商",
        (11, 16),
        8,
        [
            (AgendaKind.REPORT, "区民政局关于低收入人群生活状况的通报", "区民政局"),
            (AgendaKind.CONSULTATION, "常委围绕改善低收入人群生活状况协商发言", ""),
        ],
        None,
    ),
    (
        "十四届区政协常委会第六次会议：监察体制改革和违法“拆墙打洞”治理专题协商",
        (12, 14),
        8,
        [
            (AgendaKind.REPORT, "区监察委员会筹备组关于监察体制改革试点工作的通报", "区纪委"),
            (AgendaKind.REPORT, "区城管执法局关于违法“拆墙打洞”治理情况的通报", "区城管执法局"),
            (AgendaKind.CONSULTATION, "常委围绕监察体制改革和“拆墙打洞”治理协商发言", ""),
            (AgendaKind.REPORT, "听取各专门委员会2017年工作汇报", "各专委会主任"),
        ],
        None,
    ),
]
# The members demo records the standing committee's second meeting as an activity with its
# attendance: the meeting takes it as its session. (activity title, meeting title, agenda)
SECOND_MEETING = (
    "第二次常委会会议：非首都功能疏解专题协商",
    "十四届区政协常委会第二次会议：非首都功能疏解专题协商",
    [
        (AgendaKind.REPORT, "区发展改革委关于疏解非首都功能工作情况的通报", "区发展改革委"),
        (AgendaKind.CONSULTATION, "常委围绕疏解非首都功能协商发言", ""),
    ],
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(context) -> None:
    staff = context.users.get("staff")
    if staff is None:
        return
    rng = random.Random(f"meetings-{context.year}")
    with transaction.atomic():
        made = _plenary(context.year, staff, rng)
        for row in STANDING_MEETINGS:
            made += _standing(context.year, staff, rng, *row)
        made += _standing_from_activity(context.year, staff, *SECOND_MEETING)
        made += _upcoming(context, staff)
        # The meetings' statuses were set by update() (no signal): what is kept of them moves on.
        selectors.CONSOLE.changed()
        selectors.READER_PAGES.changed()
    context.say(f"meetings: {Meeting.objects.count()} meetings ({made} new)")


def _item(year: int, number: int):
    return Item.objects.filter(plan__year=year, number=number).first()


# The plenary's half-days after the opening, which is the members demo's activity:
# (day after the opening, half-day, place, agenda [(kind, title, presenter)]).
PLENARY_SESSIONS = [
    (
        0,
        "afternoon",
        "东城区会议中心各分组会议室",
        [(AgendaKind.DELIBERATION, "分组讨论常委会工作报告和提案工作情况报告", "各组召集人")],
    ),
    (
        1,
        "morning",
        "东城区会议中心",
        [(AgendaKind.SPEECH, "大会发言", "")],
    ),
    (
        1,
        "afternoon",
        "东城区会议中心",
        [
            (AgendaKind.VOTE, "选举区政协主席、副主席、秘书长和常务委员", ""),
            (AgendaKind.VOTE, "表决通过关于常委会工作报告的决议", "主席"),
        ],
    ),
]
PLENARY_GROUPS = (
    "第一组（中共、民革）",
    "第二组（民盟、民建）",
    "第三组（民进、农工、九三）",
    "第四组（经济界、工商联）",
    "第五组（教育、科技、文化、医卫界）",
)
PLENARY_RESOLUTION = "政协北京市东城区第十四届委员会第一次会议关于常务委员会工作报告的决议"


def _plenary(year: int, staff, rng: random.Random) -> int:
    """The plenary over two days of half-day sessions. The members demo records its opening as one
    activity with its attendance; the meeting takes that activity as its first session (one
    half-day from now on, so each session counts one half-day), and the other three sessions are
    added through the services, their attendance recorded as the office would after each."""
    if Meeting.objects.filter(title=PLENARY_TITLE).exists():
        return 0
    activity = Activity.objects.filter(title=PLENARY_TITLE, kind=ActivityKind.PLENARY).first()
    if activity is None or hasattr(activity, "meeting_session"):
        return 0
    meeting = services.meeting_save(
        meeting=Meeting(
            title=PLENARY_TITLE, kind=MeetingKind.PLENARY, body=Body.ALL_MEMBERS, number="第一次会议"
        ),
        actor=staff,
    )
    item = _item(year, 18)
    if item:
        meeting.items.add(item)
    opening = _opening_half_day(activity, staff)
    session = MeetingSession.objects.create(
        meeting=meeting,
        activity=opening,
        date=timezone.localdate(opening.starts_at),
        half_day="morning",
        place=opening.place,
        status="closed",
        minutes="开幕大会听取了常委会工作报告和提案工作情况报告。",
    )
    for order, (kind, title, presenter) in enumerate(
        [
            (AgendaKind.REPORT, "听取和审议区政协常委会工作报告", "主席"),
            (AgendaKind.REPORT, "听取和审议提案工作情况报告", "副主席"),
        ],
        start=1,
    ):
        session.agenda.create(order=order, kind=kind, title=title, presenter=presenter)
    sessions = [session]
    for day, half_day, place, agenda in PLENARY_SESSIONS:
        later = services.session_add(
            meeting=meeting,
            date=session.date + dt.timedelta(days=day),
            half_day=half_day,
            place=place,
            actor=staff,
        )
        for kind, title, presenter in agenda:
            services.agenda_item_add(session=later, kind=kind, title=title, presenter=presenter, actor=staff)
        sessions.append(later)
    # Called as the opening was: those invited to it are invited to every half-day.
    called = list(Member.objects.filter(participations__activity=opening).order_by("member_number"))
    for later in sessions[1:]:
        member_services.activity_invite(activity=later.activity, members=called, actor=staff)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CALLED)
    meeting.refresh_from_db()
    for number, name in enumerate(PLENARY_GROUPS, start=1):
        meeting.groups.create(name=name, place=f"东城区会议中心{number}号会议室")
    groups = list(meeting.groups.order_by("id"))
    for index, member in enumerate(called):
        services.group_assign(group=groups[index % len(groups)], member=member, actor=staff)
    document = MeetingDocument.objects.create(meeting=meeting, title="区政协常委会工作报告", kind="report")
    services.document_add_version(
        document=document, actor=staff, upload=SimpleUploadedFile("report.pdf", PDF, "application/pdf")
    )
    services.documents_publish(meeting=meeting, actor=staff)
    topics = ["推进老旧小区综合整治", "疏解非首都功能与产业转型", "加强历史文化街区保护", "完善居家养老服务"]
    for index, member in enumerate(rng.sample(called, min(len(called), len(topics)))):
        speech = services.speech_submit(
            meeting=meeting,
            actor=staff,
            title=f"关于{topics[index]}的发言",
            text="……",
            member=member,
        )
        state = SpeechState.ORAL if index < 2 else SpeechState.WRITTEN
        services.speech_decide(
            speech=speech,
            actor=staff,
            state=state,
            session=sessions[2] if state == SpeechState.ORAL else None,
        )
    came = set(
        opening.participations.filter(attendance=Attendance.PRESENT).values_list("member_id", flat=True)
    )
    for later in sessions[1:]:
        _hold_half_day(later, came, rng, staff)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED)
    return 1


def _opening_half_day(activity: Activity, staff) -> Activity:
    """The members demo's plenary activity becomes the opening morning only, and the duty records
    of those present count that one half-day (the other three are the later sessions')."""
    if activity.half_days != 1:
        activity.half_days = 1
        activity.ends_at = timezone.localtime(activity.starts_at).replace(hour=12, minute=0)
        member_services.activity_save(activity=activity, actor=staff)
        # Those present count the opening's one half-day now (the same record, updated in place).
        kind, quantity = member_services.duty_kind_for(activity)
        item = activity.items.first()
        for participation in activity.participations.filter(attendance=Attendance.PRESENT).select_related(
            "member"
        ):
            member_services.duty_record_from_event(
                member=participation.member,
                event_kind=kind,
                role=DutyRole.PARTICIPANT,
                occurred_on=timezone.localdate(activity.starts_at),
                title=activity.title,
                source=activity,
                item=item,
                actor=staff,
                quantity=quantity,
            )
    return activity


def _hold_half_day(session: MeetingSession, came: set[int], rng: random.Random, staff) -> None:
    """Open a past half-day, record who came (most of those at the opening, a few on leave), vote
    on its motion, and close it (the rest are marked absent)."""
    services.session_open(session=session, actor=staff)
    participations = session.activity.participations.values_list("member_id", flat=True)
    marks = {}
    for member_id in participations:
        draw = rng.random()
        if member_id in came and draw < 0.95:
            marks[member_id] = Attendance.PRESENT
        elif draw < 0.98:
            marks[member_id] = Attendance.LEAVE
    member_services.attendance_record(activity=session.activity, actor=staff, marks=marks)
    vote = session.agenda.filter(title__startswith="表决通过").first()
    if vote is not None:
        motion = services.motion_create(agenda_item=vote, title=PLENARY_RESOLUTION, actor=staff)
        services.motion_open(motion=motion, actor=staff)
        voters = Member.objects.filter(
            pk__in=[pk for pk, mark in marks.items() if mark == Attendance.PRESENT], user__isnull=False
        ).select_related("user")
        for member in voters:
            choice = "for" if rng.random() < 0.95 else rng.choice(["against", "abstain"])
            services.ballot_cast(motion=motion, actor=member.user, choice=choice)
        services.motion_close(motion=motion, actor=staff)
    services.session_close(session=session, actor=staff)


def _standing(year, staff, rng, title, month_day, item_number, agenda, motion_title) -> int:
    if Meeting.objects.filter(title=title).exists():
        return 0
    meeting = services.meeting_save(
        meeting=Meeting(title=title, kind=MeetingKind.STANDING_COMMITTEE, body=Body.STANDING_COMMITTEE),
        actor=staff,
    )
    item = _item(year, item_number)
    if item:
        meeting.items.add(item)
    session = services.session_add(
        meeting=meeting,
        date=dt.date(year, *month_day),
        half_day="afternoon",
        place="区政协机关会议室",
        actor=staff,
    )
    items = [
        services.agenda_item_add(session=session, kind=kind, title=text, presenter=who, actor=staff)
        for kind, text, who in agenda
    ]
    if not body_members(meeting).exists():
        return 1
    services.meeting_call(meeting=meeting, actor=staff)
    services.session_open(session=session, actor=staff)
    members = list(body_members(meeting).order_by("member_number"))
    present = [m for m in members if rng.random() < 0.85]
    for member in present:
        services.check_in_at_desk(session=session, member=member, actor=staff)
    if motion_title:
        motion = services.motion_create(agenda_item=items[-1], title=motion_title, actor=staff)
        services.motion_open(motion=motion, actor=staff)
        for member in present:
            if member.user_id:
                choice = "for" if rng.random() < 0.9 else rng.choice(["against", "abstain"])
                services.ballot_cast(motion=motion, actor=member.user, choice=choice)
        services.motion_close(motion=motion, actor=staff)
    services.minutes_save(session=session, actor=staff, text=f"会议由主席主持。{agenda[0][1]}。")
    services.session_close(session=session, actor=staff)
    services.meeting_close(meeting=meeting, actor=staff)
    return 1


def _standing_from_activity(year, staff, activity_title, title, agenda) -> int:
    if Meeting.objects.filter(title=title).exists():
        return 0
    activity = Activity.objects.filter(title=activity_title, kind=ActivityKind.STANDING_COMMITTEE).first()
    if activity is None or hasattr(activity, "meeting_session"):
        return 0
    meeting = services.meeting_save(
        meeting=Meeting(title=title, kind=MeetingKind.STANDING_COMMITTEE, body=Body.STANDING_COMMITTEE),
        actor=staff,
    )
    item = _item(year, 8)
    if item:
        meeting.items.add(item)
    session = MeetingSession.objects.create(
        meeting=meeting,
        activity=activity,
        date=timezone.localdate(activity.starts_at),
        half_day="morning",
        place=activity.place,
        status="closed",
        minutes=f"会议由主席主持。{agenda[0][1]}。",
    )
    for order, (kind, text, presenter) in enumerate(agenda, start=1):
        session.agenda.create(order=order, kind=kind, title=text, presenter=presenter, plan_item=item)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED)
    return 1


def _upcoming(context, staff) -> int:
    """A standing-committee meeting next week, the demo member called as an attendee (列席)."""
    title = "区政协常委会会议（演示：下周召开）"
    if Meeting.objects.filter(title=title).exists():
        return 0
    meeting = services.meeting_save(
        meeting=Meeting(
            title=title,
            kind=MeetingKind.STANDING_COMMITTEE,
            body=Body.STANDING_COMMITTEE,
            registration_deadline=timezone.now() + dt.timedelta(days=4),
            speech_deadline=timezone.now() + dt.timedelta(days=5),
        ),
        actor=staff,
    )
    session = services.session_add(
        meeting=meeting,
        date=timezone.localdate() + dt.timedelta(days=7),
        half_day="morning",
        place="区政协机关会议室",
        actor=staff,
    )
    services.agenda_item_add(
        session=session, kind=AgendaKind.REPORT, title="听取专门委员会工作汇报", actor=staff
    )
    services.agenda_item_add(session=session, kind=AgendaKind.VOTE, title="表决有关人事事项", actor=staff)
    demo_user = context.users.get("member")
    own = Member.objects.filter(user=demo_user).first() if demo_user is not None else None
    attendees = [own] if own is not None else []
    services.meeting_call(meeting=meeting, actor=staff, attendees=attendees)
    return 1
