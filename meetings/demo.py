"""Demo data for meetings: the 2017 plenary, the standing committee's meetings the plan implies
(adopting the plan on 2017-03-20, consultation meetings on the item 8 topics) and one upcoming
meeting the demo member is called to (idempotent: a meeting that exists is left as it is)."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from meetings import services
from meetings.choices import AgendaKind, Body, MeetingKind, MeetingStatus, SpeechState
from meetings.models import Meeting, MeetingDocument, MeetingSession
from meetings.selectors import body_members
from members.choices import ActivityKind
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
]

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
        made += _upcoming(context, staff)
    context.say(f"meetings: {Meeting.objects.count()} meetings ({made} new)")


def _item(year: int, number: int):
    return Item.objects.filter(plan__year=year, number=number).first()


def _plenary(year: int, staff, rng: random.Random) -> int:
    """The members demo records the plenary as one four-half-day activity with its attendance;
    the meeting takes that activity as its session, so no attendance is counted twice."""
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
    session = MeetingSession.objects.create(
        meeting=meeting,
        activity=activity,
        date=timezone.localdate(activity.starts_at),
        half_day="morning",
        place=activity.place,
        status="closed",
        minutes="大会听取并审议了常委会工作报告和提案工作情况报告，选举产生了十四届区政协主席、副主席、秘书长和常务委员。",
    )
    for order, (kind, title, presenter) in enumerate(
        [
            (AgendaKind.REPORT, "听取和审议区政协常委会工作报告", "主席"),
            (AgendaKind.REPORT, "听取和审议提案工作情况报告", "副主席"),
            (AgendaKind.VOTE, "选举区政协主席、副主席、秘书长和常务委员", ""),
            (AgendaKind.SPEECH, "大会发言", ""),
        ],
        start=1,
    ):
        session.agenda.create(order=order, kind=kind, title=title, presenter=presenter)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CALLED)
    meeting.refresh_from_db()
    for number, name in enumerate(
        ("第一组（中共、民革）", "第二组（民盟、民建）", "第三组（经济界）"), start=1
    ):
        meeting.groups.create(name=name, place=f"东城区会议中心{number}0{number}室")
    groups = list(meeting.groups.all())
    called = list(Member.objects.filter(participations__activity=activity).order_by("member_number")[:60])
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
            speech=speech, actor=staff, state=state, session=session if state == SpeechState.ORAL else None
        )
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CLOSED)
    return 1


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
    attendees = [demo_user.member] if demo_user is not None and hasattr(demo_user, "member") else []
    services.meeting_call(meeting=meeting, actor=staff, attendees=attendees)
    return 1
