"""Demo data for democratic supervision: the 2017 plan's topics, its two groups, and their work (idempotent)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from members.choices import ActivityKind, Attendance, MemberStatus
from members.models import HandlingUnit, Member
from supervision import services
from supervision.choices import (
    AppointmentStatus,
    RecommendationState,
    ReviewVerdict,
    SourceKind,
    SupervisorPost,
    TopicKind,
    TopicSource,
)
from supervision.models import (
    GroupActivity,
    ProgressNote,
    Recommendation,
    RecommendationEvent,
    SupervisionGroup,
    SupervisionTopic,
    SupervisorAppointment,
    TopicSourceLink,
)
from workplan.models import Item

S = RecommendationState

# Item 9 of the 2017 plan: (title, kind, source, source link (kind, reference, title) or None).
TOPICS = [
    ("工业企业生产制造环节调整退出", TopicKind.REGULAR, TopicSource.PARTY_COMMITTEE, None),
    ("区属公立医院改革", TopicKind.REGULAR, TopicSource.DEPARTMENT_INVITATION, None),
    (
        "居家养老",
        TopicKind.REGULAR,
        TopicSource.PROPOSALS,
        (SourceKind.PROPOSAL, "017", "关于完善居家养老服务体系的提案"),
    ),
    ("汇文中学校址工程建设进展", TopicKind.REGULAR, TopicSource.SECTOR, None),
    (
        "区第一人民医院迁建项目立项",
        TopicKind.REGULAR,
        TopicSource.REPORTS,
        (SourceKind.REPORT, "第12期", "群众关注区第一人民医院迁建进度"),
    ),
    ("地下空间整治", TopicKind.SPECIAL, TopicSource.PARTY_COMMITTEE, None),
    ("财政预算执行情况", TopicKind.SPECIAL, TopicSource.PARTY_COMMITTEE, None),
    ("重大项目资金投入与使用", TopicKind.SPECIAL, TopicSource.PARTY_COMMITTEE, None),
]

GROUPS = {
    "社会管理综合治理民主监督小组": {
        "topics": ["工业企业生产制造环节调整退出", "区属公立医院改革", "居家养老", "地下空间整治"],
        "units": ["区民政局", "区经济信息化委", "区卫生计生委", "区民防局", "区安全监管局", "公安东城分局"],
        "notes": "小组内部：区民防局对地下空间整治台账报送不及时，回头看时重点核查。",
    },
    "财政预算民主监督小组": {
        "topics": [
            "财政预算执行情况",
            "重大项目资金投入与使用",
            "汇文中学校址工程建设进展",
            "区第一人民医院迁建项目立项",
        ],
        "units": ["区财政局", "区发展改革委", "区教委", "区卫生计生委", "区住房城市建设委"],
        "notes": "预算执行进度数据以区财政局月报为准；重大项目资金另请审计局提供专项审计结论。",
    },
}

# (group, topic, kind, title, month, day, place)
ACTIVITIES = [
    (
        "社会管理综合治理民主监督小组",
        "地下空间整治",
        ActivityKind.INSPECTION,
        "地下空间整治专项视察",
        5,
        16,
        "东四街道、北新桥街道",
    ),
    (
        "社会管理综合治理民主监督小组",
        "居家养老",
        ActivityKind.RESEARCH,
        "居家养老服务驿站调研",
        6,
        8,
        "和平里街道养老驿站",
    ),
    (
        "财政预算民主监督小组",
        "财政预算执行情况",
        ActivityKind.HEARING,
        "上半年财政预算执行情况听证会",
        7,
        20,
        "区政协会议室",
    ),
    (
        "财政预算民主监督小组",
        "汇文中学校址工程建设进展",
        ActivityKind.INSPECTION,
        "汇文中学校址工程现场视察",
        9,
        12,
        "汇文中学新校址",
    ),
]

# (group, topic, unit, title, due month/day, final state)
RECOMMENDATIONS = [
    (
        "社会管理综合治理民主监督小组",
        "居家养老",
        "区民政局",
        "关于加快社区养老服务驿站建设的监督意见",
        (8, 31),
        S.SENT,
    ),
    (
        "社会管理综合治理民主监督小组",
        "居家养老",
        "区民政局",
        "关于规范居家养老服务补贴发放的监督意见",
        (7, 15),
        S.RECTIFYING,
    ),
    (
        "社会管理综合治理民主监督小组",
        "地下空间整治",
        "区民防局",
        "关于地下空间群租整治的监督意见",
        (6, 30),
        S.CLOSED,
    ),
    (
        "社会管理综合治理民主监督小组",
        "工业企业生产制造环节调整退出",
        "区经济信息化委",
        "关于一般制造业企业有序退出的监督意见",
        (7, 31),
        S.UNDER_REVIEW,
    ),
    (
        "社会管理综合治理民主监督小组",
        "区属公立医院改革",
        "区卫生计生委",
        "关于区属医院医药分开改革落实的监督意见",
        (9, 30),
        S.ANSWERED,
    ),
    (
        "财政预算民主监督小组",
        "财政预算执行情况",
        "区财政局",
        "关于提高预算执行均衡性的监督意见",
        (8, 15),
        S.RECTIFYING,
    ),
    (
        "财政预算民主监督小组",
        "重大项目资金投入与使用",
        "区发展改革委",
        "关于重大项目资金拨付进度的监督意见",
        (8, 31),
        S.RETURNED,
    ),
    (
        "财政预算民主监督小组",
        "汇文中学校址工程建设进展",
        "区教委",
        "关于汇文中学校址工程节点管控的监督意见",
        (10, 15),
        S.SENT,
    ),
    (
        "财政预算民主监督小组",
        "区第一人民医院迁建项目立项",
        "区卫生计生委",
        "关于加快区第一人民医院迁建立项的监督意见",
        (12, 15),
        S.DRAFT,
    ),
]

ORDER = [S.DRAFT, S.SENT, S.ANSWERED, S.RECTIFYING, S.UNDER_REVIEW, S.CLOSED]


def seed(context) -> None:
    """Build the year's supervision work on top of the plan and the roster; running twice changes nothing."""
    year = context.year
    staff = context.users["staff"]
    roster = list(Member.objects.filter(status=MemberStatus.IN_OFFICE).order_by("member_number")[:60])
    if len(roster) < 20:
        context.say("supervision: fewer than 20 members on the roster; seed the members app first")
        return
    with transaction.atomic():
        topics = _topics(year, staff)
        demo_member = Member.objects.filter(user=context.users.get("member")).first()
        groups = _groups(year, roster, demo_member, topics, staff)
        _activities(year, groups, topics, staff)
        _appointments(year, roster, staff)
        unit_of_demo = _unit_of(context.users.get("unit"))
        count = _recommendations(year, groups, topics, unit_of_demo, staff)
    context.say(f"supervision: {len(topics)} topics, {len(groups)} groups, {count} new recommendations")


def _topics(year: int, staff) -> dict[str, SupervisionTopic]:
    item = Item.objects.filter(plan__year=year, number=9).first()
    topics = {}
    for index, (title, kind, source, link) in enumerate(TOPICS):
        topic = SupervisionTopic.objects.filter(year=year, title=title).first()
        if topic is None:
            topic = services.topic_save(
                topic=SupervisionTopic(title=title, year=year, kind=kind, source=source, item=item),
                actor=staff,
            )
            services.topic_approve(
                topic=topic,
                approved_on=dt.date(year, 3, 1),
                note="区政协常委会审议通过" if index else "经区委同意，常委会审议通过",
                actor=staff,
            )
            if link:
                TopicSourceLink.objects.create(
                    topic=topic, kind=link[0], reference=f"{year}-{link[1]}", title=link[2]
                )
        topics[title] = topic
    return topics


def _groups(year, roster, demo_member, topics, staff) -> dict[str, SupervisionGroup]:
    standing = [m for m in roster if m.is_standing_committee] or roster
    groups = {}
    for index, (name, spec) in enumerate(GROUPS.items()):
        group = SupervisionGroup.objects.filter(year=year, name=name).first()
        if group is None:
            leader = standing[index % len(standing)]
            group = services.group_save(
                group=SupervisionGroup(name=name, year=year, leader=leader, internal_notes=spec["notes"]),
                actor=staff,
            )
            others = [m for m in roster[20 + index * 10 : 30 + index * 10] if m.pk != leader.pk]
            if index == 0 and demo_member is not None and demo_member.pk != leader.pk:
                others.append(demo_member)
            group.members.add(*others)
            group.topics.add(*[topics[t] for t in spec["topics"]])
            group.units.add(*[HandlingUnit.objects.get_or_create(name=u)[0] for u in spec["units"]])
        groups[name] = group
    return groups


def _activities(year, groups, topics, staff) -> None:
    from members.services import attendance_record

    for group_name, topic_title, kind, title, month, day, place in ACTIVITIES:
        group = groups[group_name]
        if GroupActivity.objects.filter(group=group, activity__title=title).exists():
            continue
        starts = timezone.make_aware(dt.datetime(year, month, day, 9, 0))
        link = services.group_activity_create(
            group=group,
            topic=topics[topic_title],
            kind=kind,
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            place=place,
            actor=staff,
        )
        people = [group.leader, *group.members.all()]
        # Most attend; every fifth member asked for leave, as the office records it on paper.
        marks = {m.pk: (Attendance.LEAVE if i % 5 == 4 else Attendance.PRESENT) for i, m in enumerate(people)}
        attendance_record(activity=link.activity, actor=staff, marks=marks)


def _appointments(year, roster, staff) -> None:
    if SupervisorAppointment.objects.filter(recommended_on__year=year).exists():
        return
    plan = [
        (
            roster[2],
            SupervisorPost.PARTY_CONDUCT,
            "中共北京市东城区纪律检查委员会",
            AppointmentStatus.APPOINTED,
        ),
        (
            roster[5],
            SupervisorPost.PARTY_CONDUCT,
            "中共北京市东城区纪律检查委员会",
            AppointmentStatus.APPOINTED,
        ),
        (roster[8], SupervisorPost.SPECIAL_INSPECTOR, "北京市东城区监察局", AppointmentStatus.APPOINTED),
        (roster[11], SupervisorPost.SPECIAL_INSPECTOR, "北京市东城区监察局", AppointmentStatus.RECOMMENDED),
        (roster[14], SupervisorPost.PARTY_CONDUCT, "北京市东城区教育委员会", AppointmentStatus.ENDED),
    ]
    for member, post, organisation, status in plan:
        appointment = services.appointment_recommend(
            member=member,
            post=post,
            organisation=organisation,
            recommended_on=dt.date(year, 2, 15),
            actor=staff,
        )
        if status == AppointmentStatus.RECOMMENDED:
            continue
        services.appointment_appoint(
            appointment=appointment,
            term_start=dt.date(year, 3, 1),
            term_end=dt.date(year + 4, 12, 31),
            actor=staff,
        )
        if status == AppointmentStatus.APPOINTED:
            services.supervisor_report_file(
                appointment=appointment,
                title=f"{year}年上半年监督工作情况",
                text="参加明察暗访两次，列席专题会议一次，对窗口单位作风提出改进建议三条。",
                filed_on=dt.date(year, 7, 5),
                actor=staff,
            )
        else:
            services.appointment_end(appointment=appointment, ended_on=dt.date(year, 9, 30), actor=staff)


def _unit_of(user) -> HandlingUnit:
    """The demo unit account's department (区民政局), linking the account if the roster did not."""
    unit, _created = HandlingUnit.objects.get_or_create(name="区民政局")
    if user is not None and not user.handling_units.exists():
        unit.accounts.add(user)
    return user.handling_units.first() if user is not None else unit


def _recommendations(year, groups, topics, unit_of_demo, staff) -> int:
    created = 0
    for index, (group_name, topic_title, unit_name, title, (month, day), final) in enumerate(RECOMMENDATIONS):
        topic = topics[topic_title]
        if Recommendation.objects.filter(topic=topic, title=title).exists():
            continue
        unit = (
            unit_of_demo if unit_name == "区民政局" else HandlingUnit.objects.get_or_create(name=unit_name)[0]
        )
        rec = services.recommendation_create(
            group=groups[group_name],
            topic=topic,
            unit=unit,
            title=title,
            text=f"{groups[group_name].name}在{topic_title}专项监督中发现若干问题，建议{unit.name}在规定期限内研究落实并书面反馈。",
            due_on=dt.date(year, month, day),
            actor=staff,
        )
        _drive(rec, final, staff, year, month, index)
        created += 1
    return created


def _drive(rec: Recommendation, final: str, staff, year: int, month: int, index: int) -> None:
    """Take a recommendation through the real services to its demo state, then date it in the plan year."""
    if final == S.DRAFT:
        return
    unit_actor = rec.unit.accounts.first() or staff
    services.recommendation_send(recommendation=rec, actor=staff)
    if final == S.SENT:
        _backdate(rec, year, month)
        return
    services.recommendation_answer(
        recommendation=rec,
        answer=f"{rec.unit.name}高度重视，已制定整改方案，明确责任科室和完成时限。",
        actor=unit_actor,
    )
    if final == S.ANSWERED:
        _backdate(rec, year, month)
        return
    items = [
        services.rectification_item_add(
            recommendation=rec,
            description=text,
            owner=owner,
            due_on=dt.date(year, min(month + offset, 12), 28),
            actor=unit_actor,
        )
        for text, owner, offset in (
            ("制定专项整改工作方案", "办公室主任", 1),
            ("完成问题点位排查并建立台账", "业务科科长", 2),
            ("建立长效管理机制", "分管副局长", 4),
        )
    ]
    services.recommendation_start_rectification(recommendation=rec, actor=unit_actor)
    services.rectification_progress_report(item=items[0], percent=100, note="方案已印发。", actor=unit_actor)
    services.rectification_progress_report(
        item=items[1], percent=50, note="已排查过半点位。", actor=unit_actor
    )
    if final == S.RECTIFYING:
        _backdate(rec, year, month)
        return
    services.rectification_progress_report(
        item=items[1], percent=100, note="排查完成，台账建立。", actor=unit_actor
    )
    if final in (S.CLOSED, S.RETURNED):
        services.rectification_progress_report(
            item=items[2], percent=100, note="长效机制文件已印发。", actor=unit_actor
        )
    services.recommendation_request_review(
        recommendation=rec, actor=unit_actor, note="整改已完成，请回头看。"
    )
    if final == S.CLOSED:
        services.recommendation_review(
            recommendation=rec, verdict=ReviewVerdict.RECTIFIED, note="回头看确认整改到位。", actor=staff
        )
    elif final == S.RETURNED:
        services.recommendation_review(
            recommendation=rec,
            verdict=ReviewVerdict.NOT_RECTIFIED,
            note="回头看发现部分资金仍未拨付到位，请继续整改。",
            actor=staff,
        )
    _backdate(rec, year, month)


def _backdate(rec: Recommendation, year: int, month: int) -> None:
    """Demo only: the steps ran today; place them in the plan year so the status pages look lived-in."""
    sent = dt.date(year, max(month - 2, 1), 10)
    shift = timezone.localdate() - sent
    Recommendation.objects.filter(pk=rec.pk).update(
        sent_on=sent if rec.sent_on else None,
        answered_on=(sent + dt.timedelta(days=25)) if rec.answered_on else None,
        closed_on=(sent + dt.timedelta(days=120)) if rec.closed_on else None,
        created_at=F("created_at") - shift - dt.timedelta(days=3),
    )
    ProgressNote.objects.filter(item__recommendation=rec).update(
        reported_at=F("reported_at") - shift + dt.timedelta(days=60)
    )
    events = list(RecommendationEvent.objects.filter(recommendation=rec).order_by("created_at", "pk"))
    for step, event in enumerate(events):
        RecommendationEvent.objects.filter(pk=event.pk).update(
            created_at=F("created_at") - shift + dt.timedelta(days=step * 20)
        )
