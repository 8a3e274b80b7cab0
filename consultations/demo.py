"""Demo data for political consultation: the 2017 plan's item 8 topics and item 12 research topics,
from the collection window to outcomes, instructions, adoption and feedback, in believable states.

Idempotent: a year that already has a consultation plan is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from consultations import services
from consultations.choices import (
    Adoption,
    ConsultationForm,
    InstructionLevel,
    OutcomeKind,
    ProposerKind,
    TopicSource,
)
from consultations.models import CollectionWindow, ConsultationPlan, ConsultationTopic
from members.choices import ActivityKind, MemberStatus
from members.models import Activity, HandlingUnit, Member
from workplan.models import Item

# (title, source, form, lead body, leader, departments, month, items, final state, research)
# final state: "adopted" (on the list), "held" (outcome drafted), "submitted" (outcome submitted),
# "adopted_out" (adoption and feedback), "concluded" (回头看 done).
TOPICS = [
    ("非首都功能疏解", TopicSource.PARTY_COMMITTEE, ConsultationForm.STANDING_COMMITTEE, "经济委员会", "李副主席",
     ["区发展改革委", "区商务委", "区民政局"], 6, [8], "adopted_out", False),
    ("中心城区人口调控", TopicSource.GOVERNMENT, ConsultationForm.STANDING_COMMITTEE, "城市建设和管理委员会", "王副主席",
     ["区发展改革委", "区住房城市建设委", "区民政局"], 9, [8, 12], "submitted", True),
    ("历史文化精华区建设", TopicSource.PARTY_COMMITTEE, ConsultationForm.COUNTERPART, "文史和学习委员会", "张副主席",
     ["区文化委", "区规划分局"], 4, [8], "concluded", False),
    ("监察体制改革", TopicSource.PARTY_COMMITTEE, ConsultationForm.SECTOR, "社会和法制委员会", "赵副主席",
     ["区司法局"], 11, [8], "adopted", False),
    ("低收入人群生活状况", TopicSource.MEMBERS, ConsultationForm.COUNTERPART, "社会和法制委员会", "刘副主席",
     ["区民政局", "区人力社保局"], 10, [8, 12], "held", True),
    ("违法\u201c拆墙打洞\u201d治理", TopicSource.SECTORS, ConsultationForm.ONLINE, "城市建设和管理委员会", "王副主席",
     ["区市政市容委", "区住房城市建设委"], 5, [8], "adopted_out", False),
    ("停车服务管理", TopicSource.MEMBERS, ConsultationForm.SECTOR, "城市建设和管理委员会", "王副主席",
     ["区交通委", "公安东城分局"], 8, [12], "held", True),
    ("医养结合试点区", TopicSource.SPECIAL_COMMITTEES, ConsultationForm.COUNTERPART, "教育文化卫生体育委员会",
     "陈副主席", ["区卫生计生委", "区民政局"], 7, [12], "adopted", True),
]  # fmt: skip

RECOMMENDATIONS = {
    "非首都功能疏解": ["加快区域性批发市场疏解，年底前完成动物园批发市场地区疏解任务", "统筹腾退空间利用，优先补齐便民服务设施",
                 "建立疏解企业职工安置跟踪机制"],
    "中心城区人口调控": ["以业控人、以房控人，严控新增产业人口", "推进平房院落申请式腾退"],
    "历史文化精华区建设": ["编制历史文化街区保护更新规划", "建立文物腾退与活化利用联动机制"],
    "低收入人群生活状况": ["完善低收入家庭动态监测", "加大就业帮扶力度"],
    "违法\u201c拆墙打洞\u201d治理": ["建立背街小巷长效管理机制", "治理后空间引入便民业态"],
    "停车服务管理": ["推进胡同停车自治管理", "挖掘错时共享停车资源"],
}  # fmt: skip

PROPOSALS = [
    ("停车服务管理", "胡同停车难、乱停车问题突出，居民反映强烈。", ProposerKind.MEMBER, "accept"),
    (
        "老城区人口疏解",
        "核心区人口密度过高，应与人口调控一并研究。",
        ProposerKind.SECTOR,
        "merge:中心城区人口调控",
    ),
    ("社区菜市场建设", "疏解后居民买菜不便。", ProposerKind.UNIT, "decline"),
]


def _on(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def seed(context) -> None:
    """Build the year's consultation work on top of the plan, the roster and the units."""
    year = context.year
    staff = context.users["staff"]
    if ConsultationPlan.objects.filter(year=year).exists():
        context.say("consultations: already seeded")
        return
    roster = list(Member.objects.filter(status=MemberStatus.IN_OFFICE).order_by("member_number")[:40])
    if len(roster) < 12:
        context.say("consultations: fewer than 12 members on the roster; seed the members app first")
        return
    demo_member = Member.objects.filter(user=context.users.get("member")).first() or roster[0]
    with transaction.atomic():
        plan = ConsultationPlan.objects.create(year=year, title=f"{year}年度政治协商计划")
        items = {i.number: i for i in Item.objects.filter(plan__year=year, number__in=[8, 12])}
        units = {u.name: u for u in HandlingUnit.objects.all()}
        window = services.window_save(
            window=CollectionWindow(
                year=year,
                title=f"{year}年度协商议题征集",
                opens_on=_on(year, 1, 5),
                closes_on=_on(year, 1, 25),
                call_text="请各位委员、各界别、各部门围绕全区中心工作提出协商议题建议。",
            ),
            actor=staff,
        )
        topics = {}
        for title, source, form, lead, leader, depts, month, item_numbers, _state, _research in TOPICS:
            if title == "停车服务管理":
                continue  # comes in through the collection window
            topic = services.topic_save(
                topic=ConsultationTopic(
                    year=year,
                    plan=plan,
                    title=title,
                    source=source,
                    form=form,
                    lead_body=lead,
                    responsible_leader=leader,
                    planned_month=month,
                    description=f"围绕{title}开展协商，形成协商成果报送区委、区政府。",
                ),
                units=[units[n] for n in depts if n in units],
                items=[items[n] for n in item_numbers if n in items],
                actor=staff,
                on=_on(year, 1, 10),
            )
            topics[title] = topic
        _collect(year, window, plan, topics, roster, units, items, staff)
        services.plan_adopt(
            plan=plan, adopted_on=_on(year, 2, 20), note="区政协十四届常委会第十九次会议", actor=staff
        )
        for title, *_rest, state, research in TOPICS:
            topic = ConsultationTopic.objects.get(year=year, title=title)
            _prepare(year, topic, roster, demo_member, staff, research)
            _advance(year, topic, state, demo_member, staff)
    context.say(f"consultations: {len(TOPICS)} topics, plan adopted, outcomes and feedback")


def _collect(year, window, plan, topics, roster, units, items, staff) -> None:
    """Proposals in the collection window: one taken into the list, one merged, one declined."""
    for title, reason, kind, decision in PROPOSALS:
        proposer = {"member": roster[3]} if kind == ProposerKind.MEMBER else {}
        if kind == ProposerKind.SECTOR:
            proposer = {"member": roster[4], "sector": roster[4].sector}
        if kind == ProposerKind.UNIT:
            proposer = {"unit": units.get("区商务委")}
        proposal = services.topic_propose(
            window=window,
            title=title,
            reason=reason,
            proposer_kind=kind,
            actor=staff,
            today=_on(year, 1, 12),
            **proposer,
        )
        if decision == "accept":
            spec = next(t for t in TOPICS if t[0] == title)
            topic = services.proposal_accept(
                proposal=proposal, form=spec[2], lead_body=spec[3], plan=plan, actor=staff
            )
            topic.responsible_leader, topic.planned_month = spec[4], spec[6]
            services.topic_save(
                topic=topic,
                units=[units[n] for n in spec[5] if n in units],
                items=[items[n] for n in spec[7] if n in items],
                actor=staff,
            )
        elif decision.startswith("merge:"):
            services.proposal_merge(
                proposal=proposal, topic=topics[decision[6:]], note="内容相近，合并研究", actor=staff
            )
        else:
            services.proposal_decline(proposal=proposal, note="已转交区商务委按职能办理", actor=staff)


def _prepare(year, topic, roster, demo_member, staff, research: bool) -> None:
    """方案, a research group with its field work and report, and the writing tasks."""
    month = topic.planned_month or 6
    start = max(month - 3, 3)
    services.working_plan_save(
        topic=topic,
        text=f"一、目的意义\n二、调研安排：{start}月至{month - 1}月开展视察调研\n三、协商会议：{month}月召开\n四、成果报送",
        approved_on=_on(year, start, 1),
        actor=staff,
    )
    index = [t[0] for t in TOPICS].index(topic.title)
    members = roster[4 + index * 3 : 8 + index * 3]
    if research or topic.title == "非首都功能疏解":
        members = [*members, demo_member] if demo_member not in members else members
    group = services.research_group_save(
        topic=topic,
        name=f"{topic.title}调研组",
        leader=roster[index],
        members=members,
        actor=staff,
        on=_on(year, start, 5),
    )
    starts = timezone.make_aware(dt.datetime(year, start, 20, 9))
    for kind, label, offset in ((ActivityKind.INSPECTION, "实地视察", 0), (ActivityKind.FORUM, "座谈会", 21)):
        activity = Activity.objects.create(
            title=f"{topic.title}{label}",
            kind=kind,
            starts_at=starts + dt.timedelta(days=offset),
            ends_at=starts + dt.timedelta(days=offset, hours=3),
            place="东城区",
            status="held",
        )
        services.research_activity_link(group=group, activity=activity, actor=staff)
    if research or topic.state != "adopted" or month <= 8:
        services.research_report_file(
            group=group,
            title=f"关于{topic.title}的调研报告",
            text=f"调研组围绕{topic.title}开展了实地视察和座谈，梳理了主要问题，提出了对策建议。",
            filed_on=_on(year, max(month - 1, start), 15),
            actor=staff,
        )
    task = services.task_add(
        topic=topic,
        description="起草协商发言材料",
        due_on=_on(year, max(month - 1, start), 25),
        assignee=demo_member if index in (0, 4) else roster[index + 1],
        actor=staff,
    )
    if topic.planned_month and topic.planned_month <= 9:
        services.task_done(task=task, actor=staff, done_on=task.due_on)


def _consultation_meeting(topic):
    """A meeting of the topic's year whose title names the topic (from the meetings demo), if any."""
    from meetings.models import Meeting

    return (
        Meeting.objects.filter(title__contains=topic.title, sessions__date__year=topic.year)
        .distinct()
        .order_by("pk")
        .first()
    )


def _advance(year, topic, state, demo_member, staff) -> None:
    """Hold the consultation and carry the outcome as far as the topic's demo state."""
    if state == "adopted":
        return
    month = topic.planned_month or 6
    if topic.form == ConsultationForm.ONLINE:
        discussion = services.discussion_open(
            topic=topic,
            prompt="请委员们就违法\u201c拆墙打洞\u201d治理后如何防止反弹、补齐便民服务建言献策。",
            closes_on=_on(year, month, 20),
            actor=staff,
            on=_on(year, month, 1),
        )
        if demo_member.user is not None:
            services.post_add(
                discussion=discussion,
                text="建议建立街巷长制，落实日常巡查，防止反弹。",
                actor=demo_member.user,
                today=_on(year, month, 3),
            )
        services.discussion_summarise(
            discussion=discussion, summary="委员们建议建立长效机制，补齐便民服务。", actor=staff
        )
    held_on = _on(year, month, 22)
    meeting = _consultation_meeting(topic)
    if meeting is not None:
        # The meetings demo holds some item 8 consultations at standing-committee meetings.
        services.topic_link_meeting(topic=topic, meeting=meeting, actor=staff)
        held_on = meeting.sessions.order_by("date").first().date
    services.topic_record_held(
        topic=topic,
        held_on=held_on,
        minutes="区有关部门负责同志通报情况，委员作发言，区领导讲话。",
        actor=staff,
    )
    outcome = services.outcome_create(
        topic=topic,
        kind=OutcomeKind.RECOMMENDATION
        if topic.form == ConsultationForm.STANDING_COMMITTEE
        else OutcomeKind.REPORT,
        title=f"关于{topic.title}的协商{'建议案' if topic.form == ConsultationForm.STANDING_COMMITTEE else '报告'}",
        summary="在调研和协商的基础上形成。",
        recommendations=RECOMMENDATIONS.get(topic.title, ["加强统筹协调", "完善工作机制"]),
        actor=staff,
        on=_on(year, month, 28),
    )
    if state == "held":
        return
    services.outcome_review(outcome=outcome, reviewed_on=_on(year, min(month + 1, 12), 3), actor=staff)
    submitted = _on(year, min(month + 1, 12), 8)
    number = [t[0] for t in TOPICS].index(topic.title) + 10
    services.outcome_submit(
        outcome=outcome,
        document_number=f"东政协发〔{year}〕{number}号",
        submitted_to="区委、区政府",
        submitted_on=submitted,
        actor=staff,
    )
    services.instruction_record(
        outcome=outcome,
        leader_name="区委书记",
        level=InstructionLevel.DISTRICT_PARTY,
        text="请区政府认真研究政协建议，结合实际抓好落实。",
        given_on=submitted + dt.timedelta(days=6),
        actor=staff,
    )
    if state == "submitted":
        return
    decided = submitted + dt.timedelta(days=20)
    recommendations = list(outcome.recommendations.all())
    for rec in recommendations:
        adoption = Adoption.PARTLY if rec.number == 2 else Adoption.ADOPTED
        reason = "受腾退资金限制，分年度实施" if adoption == Adoption.PARTLY else ""
        services.adoption_record(
            recommendation=rec, adoption=adoption, reason=reason, decided_on=decided, actor=staff
        )
        units = list(topic.units.all())
        due = decided + dt.timedelta(days=60)
        rows = services.feedback_request(recommendation=rec, units=units, due_on=due, actor=staff, on=decided)
        for row in rows:
            # The demo unit keeps one request open (overdue, chased) to answer in /units/.
            if row.unit.name == "区民政局" and rec.number == 1:
                continue
            services.feedback_answer(
                feedback=row,
                text=f"{row.unit.name}已制定落实方案，明确责任科室和时间节点，相关工作按计划推进。",
                actor=staff,
                answered_on=due - dt.timedelta(days=5),
            )
    if state == "concluded":
        services.follow_up_record(
            outcome=outcome,
            findings="回头看：各项建议均已落实或列入规划，腾退院落已活化利用。",
            reviewed_on=_on(year + 1, month, 15),
            actor=staff,
        )
