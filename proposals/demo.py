"""Demo data: a year of proposals and social-conditions reports in every state, driven through the services."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from members.models import HandlingUnit, Member
from members.selectors import member_for_user
from proposals import services
from proposals.caches import UNIT_PAGES
from proposals.choices import ProposalState as S
from proposals.models import (
    Assignment,
    OpinionReport,
    Proposal,
    ProposalCategory,
    ProposalYearSettings,
)

CATEGORIES = ["经济建设", "城市建设管理", "教育文化卫生", "社会法制", "其他"]

# (topic, category, the unit that answers it)
TOPICS = [
    ("停车服务管理", "城市建设管理", "区交通委"),
    ("居家养老服务驿站建设", "社会法制", "区民政局"),
    ("胡同修缮整治", "城市建设管理", "区住房城市建设委"),
    ("中心城区人口疏解", "经济建设", "区发展改革委"),
    ("医养结合服务体系", "教育文化卫生", "区卫生计生委"),
    ("低收入人群生活状况改善", "社会法制", "区民政局"),
    ("背街小巷环境整治", "城市建设管理", "区市政市容委"),
    ("垃圾分类推进", "城市建设管理", "区市政市容委"),
    ("老旧小区加装电梯", "城市建设管理", "区住房城市建设委"),
    ("学区制改革与优质教育资源均衡", "教育文化卫生", "区教委"),
    ("社区卫生服务中心建设", "教育文化卫生", "区卫生计生委"),
    ("非首都功能疏解后空间再利用", "经济建设", "区发展改革委"),
    ("历史文化街区保护", "教育文化卫生", "区文化委"),
    ("小微企业融资服务", "经济建设", "区商务委"),
    ("养老机构医疗服务衔接", "社会法制", "区民政局"),
    ("社区治安防控体系", "社会法制", "公安东城分局"),
    ("大气污染防治", "其他", "区环保局"),
    ("中小学课后服务", "教育文化卫生", "区教委"),
    ("残疾人就业帮扶", "社会法制", "区民政局"),
    ("地下空间清理整治", "城市建设管理", "区住房城市建设委"),
]
ANGLES = ["关于加强{}的建议", "关于进一步完善{}工作的建议", "关于推进{}的提案", "关于{}中存在问题的建议"]

# How many of the year's ~150 proposals end in each state.
PLAN = [
    (S.DRAFT, 6),
    (S.COSIGNING, 6),
    (S.AWAITING_REVIEW, 10),
    (S.REJECTED, 6),
    (S.CONVERTED, 4),
    (S.MERGED, 4),
    (S.WITHDRAWN, 3),
    (S.ACCEPTED, 8),
    (S.ASSIGNED, 12),
    (S.RETURNED, 3),
    (S.HANDLING, 18),
    (S.REPLY_DRAFTED, 8),
    (S.COUNTERSIGNING, 6),
    (S.UNDER_REVIEW, 8),
    (S.AWAITING_EVALUATION, 18),
    (S.CLOSED, 30),
]
CATEGORY_WEIGHTS = ["A", "A", "A", "B", "B", "C", "D"]


class _Seeder:
    def __init__(self, context, members: list[Member]):
        self.context = context
        self.year = context.year
        self.staff = context.users["staff"]
        self.unit_user = context.users.get("unit")
        self.members = members
        self.random = random.Random(self.year)  # the same demo every time
        self.categories = {
            name: ProposalCategory.objects.get_or_create(name=name, defaults={"order": i})[0]
            for i, name in enumerate(CATEGORIES)
        }
        self.units = {
            name: HandlingUnit.objects.get_or_create(name=name)[0] for name in {t[2] for t in TOPICS}
        }
        if self.unit_user is not None:
            self.units["区民政局"].accounts.add(self.unit_user)
        self.counter = 0
        # Members take turns as proposers and co-signers, so that nearly everyone signs an accepted
        # proposal in the year (the yearly minimum), as on a real committee.
        self.turns = list(members)
        self.random.shuffle(self.turns)
        self.turn = 0

    def next_members(self, count: int, *, besides: Member | None = None) -> list[Member]:
        """The next `count` members in turn (other than `besides`)."""
        chosen: list[Member] = []
        while len(chosen) < min(count, len(self.turns) - 1):
            member = self.turns[self.turn % len(self.turns)]
            self.turn += 1
            if member != besides and member not in chosen:
                chosen.append(member)
        return chosen

    def _unit_actor(self, unit):
        if self.unit_user is not None and unit.accounts.filter(pk=self.unit_user.pk).exists():
            return self.unit_user
        return self.staff  # units without a demo account: the office enters their steps

    def _title(self):
        topic, category, unit = TOPICS[self.counter % len(TOPICS)]
        angle = ANGLES[(self.counter // len(TOPICS)) % len(ANGLES)]
        self.counter += 1
        return angle.format(topic), category, unit, topic

    def proposal(self, target: str, *, submitter: Member | None = None, rehandle: bool = False) -> Proposal:
        title, category, unit_name, topic = self._title()
        submitter = submitter or self.next_members(1)[0]
        actor = submitter.user or self.staff
        p = services.proposal_create(
            actor=actor if submitter.user else self.staff,
            submitter=submitter,
            title=title,
            reason=f"{topic}是群众反映集中的问题。近年来虽有改善，但仍存在投入不足、部门协同不够、"
            f"居民参与度不高等问题，影响群众获得感。",
            suggestions=f"一是摸清{topic}的底数和需求；二是明确牵头部门和时间表；三是建立居民议事和评估机制。",
            category=self.categories[category],
            year=self.year,
        )
        if target == S.DRAFT:
            return p
        cosigners = self.next_members(3, besides=submitter)
        services.cosigners_invite(proposal=p, actor=self.staff, members=cosigners)
        services.proposal_submit(proposal=p, actor=self.staff)
        if target == S.COSIGNING:
            return p
        for index, member in enumerate(cosigners):
            # About one invitation in ten is declined.
            services.cosign_respond(
                proposal=p, actor=self.staff, member=member, accept=index == 0 or self.random.random() > 0.1
            )
        if target == S.AWAITING_REVIEW:
            return p
        if target == S.WITHDRAWN:
            return services.proposal_withdraw(proposal=p, actor=self.staff, note="提案人申请撤回")
        if target == S.REJECTED:
            return services.proposal_reject(
                proposal=p, actor=self.staff, reason="所提问题属于个人诉求，建议通过信访渠道反映。"
            )
        if target == S.CONVERTED:
            kind = "report" if self.counter % 2 else "opinion"
            return services.proposal_convert(
                proposal=p, actor=self.staff, kind=kind, note="内容较单一，转为社情民意信息"
            )
        if target == S.MERGED:
            into = Proposal.objects.filter(year=self.year, state=S.CLOSED).order_by("?").first()
            if into is not None:
                return services.proposal_merge(
                    proposal=p, into=into, actor=self.staff, note="与同类提案并案办理"
                )
            return p
        services.proposal_accept(proposal=p, actor=self.staff)
        if target == S.ACCEPTED:
            return p
        lead = self.units[unit_name]
        others = [u for u in self.units.values() if u.pk != lead.pk]
        assisting = (
            self.random.sample(others, 1) if target == S.COUNTERSIGNING or self.counter % 3 == 0 else []
        )
        services.proposal_assign(proposal=p, actor=self.staff, lead_unit=lead, assisting_units=assisting)
        if target == S.ASSIGNED:
            return p
        if target == S.RETURNED:
            return services.proposal_return(
                proposal=p,
                actor=self._unit_actor(lead),
                unit=lead,
                reason="该事项不属于本单位职责，建议交区城管执法局办理。",
            )
        unit_actor = self._unit_actor(lead)
        services.proposal_start_handling(proposal=p, actor=unit_actor)
        if target == S.HANDLING:
            return p
        self._reply(p, lead, unit_actor)
        if target == S.REPLY_DRAFTED:
            return p
        services.reply_send(proposal=p, actor=unit_actor)
        if p.state == S.COUNTERSIGNING and target != S.COUNTERSIGNING:
            for unit in assisting:
                services.reply_countersign(proposal=p, actor=self._unit_actor(unit), unit=unit, note="同意")
        if target in (S.COUNTERSIGNING, S.UNDER_REVIEW):
            return p
        services.reply_review(proposal=p, actor=self.staff, note="答复内容完整")
        if rehandle:
            services.feedback_rate(
                proposal=p,
                actor=self.staff,
                member=p.submitter,
                rating="unsatisfied",
                comment="答复未提出具体措施和时间表",
            )
            self._reply(p, lead, unit_actor)
            services.reply_send(proposal=p, actor=unit_actor)
            for unit in assisting:
                services.reply_countersign(proposal=p, actor=self._unit_actor(unit), unit=unit)
            services.reply_review(proposal=p, actor=self.staff)
        if target == S.AWAITING_EVALUATION:
            return p
        for member in services.raters(p):
            services.feedback_rate(
                proposal=p,
                actor=self.staff,
                member=member,
                rating=self.random.choice(["satisfied", "satisfied", "satisfied", "basically"]),
            )
        return p

    def _reply(self, p: Proposal, unit, actor) -> None:
        services.reply_draft(
            proposal=p,
            actor=actor,
            category=self.random.choice(CATEGORY_WEIGHTS),
            document_number=f"东{unit.name[1:3]}函〔{self.year}〕{p.number_seq}号",
            contact_person=unit.contact_person or "办公室",
            contact_phone=unit.contact_phone or "010-6400" + f"{p.pk % 10000:04d}",
            body=f"您提出的《{p.title}》收悉。我单位高度重视，已会同相关部门开展调研，"
            "将分阶段推进落实，并定期向提案人通报进展。感谢您对我区工作的关心和支持。",
        )

    def backdate_some_deadlines(self) -> None:
        """Services stamp today's date; move a few deadlines back so the demo shows overdue work."""
        open_ones = Assignment.objects.filter(
            proposal__year=self.year, is_current=True, proposal__state__in=[S.HANDLING, S.ASSIGNED]
        ).order_by("pk")[:6]
        past = timezone.localdate() - dt.timedelta(days=12)
        Assignment.objects.filter(pk__in=[a.pk for a in open_ones]).update(
            reply_due_on=past, original_due_on=past
        )
        UNIT_PAGES.changed()  # an update() sends no signal


def _reports(seeder: _Seeder) -> None:
    staff, year = seeder.staff, seeder.year
    topics = [t[0] for t in TOPICS]
    made = []
    demo_member = member_for_user(seeder.context.users.get("member"))
    # Nearly every member sends at least one report a year (the yearly minimum); a few send none.
    authors = list(seeder.members)
    seeder.random.shuffle(authors)
    authors = authors[: max(1, len(authors) * 19 // 20)]
    for i in range(max(120, len(authors))):
        topic = topics[i % len(topics)]
        author = authors[i % len(authors)]
        if demo_member is not None and i in (0, 40, 70):  # the demo member follows three of their own
            author = demo_member
        made.append(
            services.report_submit(
                actor=staff,
                author_member=author,
                author_kind="member",
                title=f"关于{topic}的群众反映（{i + 1}）",
                situation=f"近期，居民普遍反映{topic}方面仍有不便，部分社区问题较为突出。",
                analysis="原因在于投入渠道单一、部门之间衔接不畅。",
                suggestion=f"建议相关部门针对{topic}开展专项调研，尽快出台改进措施。",
                year=year,
            )
        )
    # Of every 120: 30 stay submitted, 15 under editing, 20 filed, 55 adopted; 30 published in 3 issues.
    share = len(made) / 120
    submitted, editing, filed = round(30 * share), round(15 * share), round(20 * share)
    for report in made[submitted : submitted + editing]:
        services.report_edit(report=report, actor=staff, editor_note="已初步编辑")
    for report in made[submitted + editing : submitted + editing + filed]:
        services.report_file(report=report, actor=staff, note="内容已在其他渠道反映")
    levels = ["district"] * 6 + ["city"] * 3 + ["province", "national"]
    adopted = made[submitted + editing + filed :]
    for i, report in enumerate(adopted):
        services.report_adopt(report=report, actor=staff, level=levels[i % len(levels)])
    for issue_index in range(3):
        issue = services.bulletin_create(
            actor=staff, year=year, title=["民生专刊", "城市管理专刊", "养老服务专刊"][issue_index]
        )
        chunk = adopted[issue_index * 10 : issue_index * 10 + 10]
        services.bulletin_add_reports(bulletin=issue, actor=staff, reports=chunk)
        services.bulletin_publish(bulletin=issue, actor=staff)
    for report in adopted[:10]:
        services.instruction_record(
            report=report,
            actor=staff,
            leader_name="区委书记",
            level="district",
            text="请有关部门认真研究，提出解决办法。",
        )


def seed(context) -> None:
    """~150 proposals and ~120 reports for context.year, in every state (skipped if the year has any)."""
    year = context.year
    if Proposal.objects.filter(year=year).exists() or OpinionReport.objects.filter(year=year).exists():
        context.say(f"proposals: {year} already has proposals; skipped")
        return
    members = list(Member.objects.filter(user__isnull=False).select_related("user").order_by("pk")[:400])
    members = members or list(Member.objects.order_by("pk")[:400])
    if len(members) < 5:
        context.say("proposals: the roster has fewer than 5 members; nothing seeded")
        return
    ProposalYearSettings.objects.get_or_create(year=year)
    with transaction.atomic():
        seeder = _Seeder(context, members)
        demo_member = member_for_user(context.users.get("member"))
        # The demo member's own proposals, one of them waiting for their rating.
        if demo_member is not None:
            for target in (S.DRAFT, S.COSIGNING, S.HANDLING, S.AWAITING_EVALUATION, S.CLOSED):
                seeder.proposal(target, submitter=demo_member)
        closed_first = sorted(PLAN, key=lambda row: row[0] != S.CLOSED)  # merges need closed targets
        for target, count in closed_first:
            for i in range(count):
                seeder.proposal(target, rehandle=target == S.CLOSED and i % 6 == 0)
        if demo_member is not None:
            # An invitation for the demo member to answer.
            other = seeder.proposal(S.DRAFT)
            services.cosigners_invite(proposal=other, actor=seeder.staff, members=[demo_member])
            services.proposal_submit(proposal=other, actor=seeder.staff)
        seeder.backdate_some_deadlines()
        for p in Proposal.objects.filter(year=year, is_key=False, state=S.CLOSED).order_by("pk")[:5]:
            services.proposal_set_key(proposal=p, actor=seeder.staff, is_key=True, leader="区政协主席")
        for p in Proposal.objects.filter(year=year, state=S.CLOSED).order_by("pk")[5:9]:
            services.proposal_excellent_advance(proposal=p, actor=seeder.staff)
            services.proposal_excellent_advance(proposal=p, actor=seeder.staff)
        for p in Proposal.objects.filter(year=year, state=S.CLOSED).order_by("pk")[5:7]:
            services.proposal_excellent_advance(proposal=p, actor=seeder.staff)
        _reports(seeder)
        _date_credits_in_year(year)
        _link_items(year)
    context.say(
        f"proposals: {Proposal.objects.filter(year=year).count()} proposals, "
        f"{OpinionReport.objects.filter(year=year).count()} reports for {year}"
    )


# When in the demo year each kind of credit falls: (first day, spread in days).
CREDIT_DATES = {
    "proposal_accepted": ((2, 20), 40),  # numbered after the plenary in January
    "proposal_key": ((4, 10), 20),
    "proposal_excellent": ((12, 5), 20),
    "report_submitted": ((2, 1), 300),
    "report_adopted": ((3, 1), 280),
    "report_instructed": ((4, 1), 250),
}


def _date_credits_in_year(year: int) -> None:
    """The services date a credit the day they run; a demo of a past year dates them within it.

    The credit's year is already the proposal's or report's; only its date moves, so a member's
    list of the year shows dates of that year."""
    from django.contrib.contenttypes.models import ContentType

    from members.models import DutyRecord

    sources = ContentType.objects.get_for_models(Proposal, OpinionReport, for_concrete_models=False)
    records = DutyRecord.objects.filter(
        year=year, content_type__in=sources.values(), event_kind__in=CREDIT_DATES
    ).exclude(occurred_on__year=year)
    changed = []
    for record in records:
        (month, day), spread = CREDIT_DATES[record.event_kind]
        record.occurred_on = dt.date(year, month, day) + dt.timedelta(days=record.object_id % spread)
        changed.append(record)
    DutyRecord.objects.bulk_update(changed, ["occurred_on"], batch_size=500)


def _link_items(year: int) -> None:
    """Proposals serve plan item 11, reports item 13, when the year's plan is imported."""
    try:
        from workplan.models import Item
    except ImportError:
        return
    items = {i.number: i for i in Item.objects.filter(plan__year=year, number__in=[11, 13])}
    if 11 in items:
        items[11].proposals.add(*Proposal.objects.filter(year=year).exclude(state=S.DRAFT))
    if 13 in items:
        items[13].opinion_reports.add(*OpinionReport.objects.filter(year=year))
