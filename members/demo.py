"""Demo data for the roster and duty performance: ~300 members of the 14th term, their bodies, the
handling units, the 2017 activities the work plan names, attendance and duty records (idempotent)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cppcc_portal.core import roles
from members import services
from members.choices import (
    ENROLMENT_KINDS,
    ActivityKind,
    ActivityStatus,
    Attendance,
    CommitteeRole,
    DutyRecordStatus,
    DutyRole,
    EnrolmentState,
    GroupRole,
    InvitationState,
    OrganiserKind,
    UnitKind,
)
from members.models import (
    Activity,
    CommitteeMembership,
    DutyRecord,
    HandlingUnit,
    Member,
    Participation,
    Party,
    Sector,
    SpecialCommittee,
    StreetGroup,
    StreetGroupMembership,
    Term,
)
from members.signals import participations_written

MEMBER_COUNT = 300
STREETS = [
    "东华门街道", "景山街道", "交道口街道", "安定门街道", "北新桥街道", "东四街道", "朝阳门街道", "建国门街道",
    "东直门街道", "和平里街道", "前门街道", "崇文门外街道", "东花市街道", "龙潭街道", "体育馆路街道", "天坛街道",
    "永定门外街道",
]  # fmt: skip
# (full name, short name, share of members in ‰)
PARTIES = [
    ("中国共产党", "中共", 330),
    ("中国国民党革命委员会", "民革", 45),
    ("中国民主同盟", "民盟", 70),
    ("中国民主建国会", "民建", 60),
    ("中国民主促进会", "民进", 60),
    ("中国农工民主党", "农工党", 55),
    ("中国致公党", "致公党", 35),
    ("九三学社", "九三学社", 55),
    ("台湾民主自治同盟", "台盟", 15),
    ("无党派人士", "无党派", 85),
    ("群众", "群众", 190),
]
PARTY_SECTOR = {
    "中共": "中国共产党", "民革": "民革", "民盟": "民盟", "民建": "民建", "民进": "民进", "农工党": "农工党",
    "致公党": "致公党", "九三学社": "九三学社", "台盟": "台盟", "无党派": "无党派人士",
}  # fmt: skip
OTHER_SECTORS = [
    "共青团和青联", "总工会", "妇联", "工商联", "科协", "台联", "侨联", "文化艺术界", "科学技术界", "社会科学界",
    "经济界", "教育界", "体育界", "新闻出版界", "医药卫生界", "社会福利和社会保障界", "少数民族界", "宗教界", "特邀人士",
]  # fmt: skip
COMMITTEES = [
    "提案委员会", "经济委员会", "城市建设和管理委员会", "教育文化卫生体育委员会", "社会和法制委员会",
    "民族宗教和港澳台侨委员会", "文史和学习委员会",
]  # fmt: skip
DEPARTMENTS = [
    "区发展改革委", "区教委", "区科委", "区经济信息化委", "区民政局", "区司法局", "区财政局", "区人力社保局", "区环保局",
    "区住房城市建设委", "区市政市容委", "区交通委", "区商务委", "区文化委", "区卫生计生委", "区旅游委", "区体育局",
    "区统计局", "区园林绿化局", "区安全监管局", "区民防局", "区国资委", "区规划分局", "公安东城分局",
]  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力斌宇浩凯鹏晨欣怡雪梅琳晓东海波宁健永志新春立峰"
WORK_UNITS = [
    ("北京市第五中学", "校长"), ("北京协和医院", "主任医师"), ("东城区第一人民医院", "副院长"), ("北京王府井百货集团", "总经理"),
    ("北京同仁堂股份有限公司", "副总经理"), ("中国社会科学院", "研究员"), ("北京师范大学", "教授"), ("东城区律师协会", "律师"),
    ("北京日报社", "编辑"), ("中央美术学院", "副教授"), ("东城区青年联合会", "副主席"), ("北京天坛医院", "护士长"),
    ("东城区工商联", "副会长"), ("北京市汇文中学", "高级教师"), ("东城区伊斯兰教协会", "会长"), ("北京京剧院", "演员"),
    ("国网北京东城供电公司", "高级工程师"), ("北京银行东城支行", "行长"), ("东城区残疾人联合会", "理事长"),
    ("北京市第二中学", "副校长"), ("东城区科学技术协会", "秘书长"), ("北京地坛医院", "主任"), ("北京隆福寺文化有限公司", "董事长"),
]  # fmt: skip
ETHNICITIES = ["汉族"] * 17 + ["回族", "满族", "蒙古族"]


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def _activities(year: int) -> list[dict]:
    """The activities the 2017 plan names, by item: (title, kind, month, day, item, organiser, extra)."""
    y = year
    rows = [
        # items 2–3: trainings and study classes
        dict(title="新委员培训班", kind=ActivityKind.TRAINING, at=_at(y, 3, 15), hours=8, item=2, capacity=80,
             place="区委党校", invite="new"),
        dict(title="常委学习班", kind=ActivityKind.STUDY_CLASS, at=_at(y, 6, 20), hours=8, item=3, capacity=60,
             place="区政协机关会议室", invite="standing"),
        dict(title="政协理论与实践专题培训", kind=ActivityKind.TRAINING, at=_at(y, 9, 12), hours=6, item=2,
             capacity=50, place="区委党校", invite="enrol"),
        dict(title="十九大精神学习班", kind=ActivityKind.STUDY_CLASS, at=_at(y, 11, 8), hours=6, item=1,
             capacity=100, place="区政协机关会议室", invite="all"),
        # plenary and standing committee
        dict(title="区政协十四届一次会议", kind=ActivityKind.PLENARY, at=_at(y, 1, 8), hours=9, item=18,
             half_days=4, place="东城区会议中心", invite="all"),
        dict(title="第二次常委会会议：非首都功能疏解专题协商", kind=ActivityKind.STANDING_COMMITTEE, at=_at(y, 5, 25),
             hours=3, item=8, place="区政协机关会议室", invite="standing"),
        # item 10: inspections of named places
        dict(title="视察簋街", kind=ActivityKind.INSPECTION, at=_at(y, 5, 10, 14), hours=3, item=10,
             place="簋街", committee="经济委员会"),
        dict(title="视察南锣鼓巷", kind=ActivityKind.INSPECTION, at=_at(y, 5, 24, 14), hours=3, item=10,
             place="南锣鼓巷", committee="城市建设和管理委员会"),
        dict(title="视察王府井商业街", kind=ActivityKind.INSPECTION, at=_at(y, 6, 7, 14), hours=3, item=10,
             place="王府井商业街", committee="经济委员会"),
        dict(title="区情通报会", kind=ActivityKind.MEETING, at=_at(y, 4, 12), hours=3, item=10,
             place="区政协机关会议室", invite="all"),
        # item 14: forums and salons
        dict(title="文化创意与高新技术发展论坛", kind=ActivityKind.FORUM, at=_at(y, 7, 13, 14), hours=3, item=14,
             place="中关村东城园", committee="经济委员会"),
        dict(title="委员企业沙龙：疏功能、调结构、稳增长", kind=ActivityKind.FORUM, at=_at(y, 9, 21, 14), hours=3,
             item=14, place="东城区工商联", sector="工商联"),
        # item 16: festival visits
        dict(title="春节慰问老委员", kind=ActivityKind.VISIT, at=_at(y, 1, 20), hours=3, item=16, group=0),
        dict(title="护士节慰问医务工作者", kind=ActivityKind.VISIT, at=_at(y, 5, 12), hours=3, item=16,
             sector="医药卫生界", place="东城区第一人民医院"),
        dict(title="教师节座谈会", kind=ActivityKind.VISIT, at=_at(y, 9, 8), hours=3, item=16, sector="教育界",
             place="北京市第五中学"),
        dict(title="开斋节走访清真寺", kind=ActivityKind.VISIT, at=_at(y, 6, 26), hours=3, item=16,
             committee="民族宗教和港澳台侨委员会", place="东四清真寺"),
        dict(title="中秋联谊会", kind=ActivityKind.VISIT, at=_at(y, 10, 3, 15), hours=3, item=16, group=1),
        dict(title="圣诞节走访教堂", kind=ActivityKind.VISIT, at=_at(y, 12, 22, 14), hours=3, item=16,
             committee="民族宗教和港澳台侨委员会", place="王府井天主堂"),
        # item 17: lecture
        dict(title="民族宗教政策及知识讲座", kind=ActivityKind.LECTURE, at=_at(y, 4, 19, 14), hours=3, item=17,
             place="区政协机关会议室", committee="民族宗教和港澳台侨委员会", extra_sectors=["少数民族界", "宗教界"]),
        # item 6: street groups at work
        dict(title="东华门街道委员活动小组：胡同修缮调研", kind=ActivityKind.RESEARCH, at=_at(y, 8, 16), hours=3,
             item=6, group=0),
        dict(title="景山街道委员活动小组：平房区物业管理座谈", kind=ActivityKind.MEETING, at=_at(y, 8, 23), hours=3,
             item=6, group=1),
    ]  # fmt: skip
    return rows


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
        if name not in used:
            used.add(name)
            return name


def _reference_data() -> dict:
    term, _ = Term.objects.get_or_create(
        number=14, defaults={"starts_on": dt.date(2017, 1, 1), "ends_on": dt.date(2021, 12, 31)}
    )
    parties = {}
    for order, (name, short, _share) in enumerate(PARTIES):
        party, _ = Party.objects.get_or_create(name=name, defaults={"short_name": short, "order": order})
        parties[short] = party
    sectors = {}
    for order, name in enumerate(list(PARTY_SECTOR.values()) + OTHER_SECTORS):
        sectors[name], _ = Sector.objects.get_or_create(name=name, defaults={"order": order})
    committees = {}
    for order, name in enumerate(COMMITTEES):
        committees[name], _ = SpecialCommittee.objects.get_or_create(name=name, defaults={"order": order})
    groups = []
    for street in STREETS:
        group, _ = StreetGroup.objects.get_or_create(
            name=f"{street}委员活动小组", defaults={"street": street}
        )
        groups.append(group)
    return {"term": term, "parties": parties, "sectors": sectors, "committees": committees, "groups": groups}


def _units(context) -> None:
    existing = set(HandlingUnit.objects.values_list("name", flat=True))
    rows = [HandlingUnit(name=n, kind=UnitKind.DEPARTMENT) for n in DEPARTMENTS if n not in existing]
    if "区人民法院" not in existing:
        rows.append(HandlingUnit(name="区人民法院", kind=UnitKind.JUDICIAL))
    rows += [
        HandlingUnit(name=f"{s}办事处", kind=UnitKind.STREET_OFFICE)
        for s in STREETS
        if f"{s}办事处" not in existing
    ]
    HandlingUnit.objects.bulk_create(rows, ignore_conflicts=True)
    unit_user = context.users.get("unit")
    if unit_user is not None:
        HandlingUnit.objects.get(name="区民政局").accounts.add(unit_user)


def _members(context, ref: dict, rng: random.Random) -> list[Member]:
    """~300 members with logins (unusable passwords until the office sets one)."""
    term = ref["term"]
    if Member.objects.filter(term=term, member_number__startswith="14").count() >= MEMBER_COUNT:
        return list(Member.objects.filter(term=term).order_by("member_number"))
    User = get_user_model()
    used = set(Member.objects.values_list("name", flat=True))
    shares = [(ref["parties"][short], share) for _name, short, share in PARTIES]
    population = [party for party, share in shares for _ in range(share)]
    members, users = [], []
    existing_numbers = set(Member.objects.values_list("member_number", flat=True))
    unusable = make_password(None)
    for i in range(1, MEMBER_COUNT + 1):
        number = f"14{i:03d}"
        if number in existing_numbers:
            continue
        party = rng.choice(population)
        sector_name = PARTY_SECTOR.get(party.short_name)
        if sector_name is None or rng.random() < 0.35:
            sector_name = rng.choice(OTHER_SECTORS)
        work_unit, job_title = rng.choice(WORK_UNITS)
        name = _name(rng, used)
        users.append(User(username=f"wy{number}", password=unusable, first_name=name))
        members.append(
            Member(
                member_number=number,
                name=name,
                gender=rng.choice(["male", "male", "female"]),
                ethnicity=rng.choice(ETHNICITIES)
                if sector_name != "少数民族界"
                else rng.choice(["回族", "满族", "蒙古族"]),
                birth_date=dt.date(rng.randint(1953, 1984), rng.randint(1, 12), rng.randint(1, 28)),
                party=party,
                sector=ref["sectors"][sector_name],
                work_unit=work_unit,
                job_title=job_title,
                phone=f"1{rng.choice('35789')}{rng.randint(100000000, 999999999)}",
                email=f"wy{number}@example.org",
                is_standing_committee=i % 7 == 0,
                term=term,
                joined_on=term.starts_on,
            )
        )
    User.objects.bulk_create(users, ignore_conflicts=True)
    by_name = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    for member, user in zip(members, users, strict=True):
        member.user = by_name.get(user.username)
    Member.objects.bulk_create(members, ignore_conflicts=True)
    group = roles.ensure_groups()[roles.MEMBER]
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=u.pk, group_id=group.pk) for u in by_name.values()], ignore_conflicts=True
    )
    return list(Member.objects.filter(term=term).order_by("member_number"))


def _bodies(members: list[Member], ref: dict, rng: random.Random, demo_member: Member | None) -> None:
    if CommitteeMembership.objects.exists() and StreetGroupMembership.objects.exists():
        return
    committee_rows, group_rows = [], []
    pool = [m for m in members if demo_member is None or m.pk != demo_member.pk]
    for committee in ref["committees"].values():
        seats = rng.sample(pool, 28)
        for n, member in enumerate(seats):
            role = (
                CommitteeRole.DIRECTOR if n == 0 else CommitteeRole.DEPUTY if n < 3 else CommitteeRole.MEMBER
            )
            committee_rows.append(CommitteeMembership(committee=committee, member=member, role=role))
    for index, member in enumerate(pool):
        group = ref["groups"][index % len(ref["groups"])]
        group_rows.append(StreetGroupMembership(group=group, member=member, role=GroupRole.MEMBER))
    CommitteeMembership.objects.bulk_create(committee_rows, ignore_conflicts=True)
    StreetGroupMembership.objects.bulk_create(group_rows, ignore_conflicts=True)
    # One leader and one deputy per group; the demo member leads the first (东华门街道).
    for index, group in enumerate(ref["groups"]):
        seats = list(StreetGroupMembership.objects.filter(group=group).order_by("member__member_number")[:2])
        if index == 0 and demo_member is not None:
            StreetGroupMembership.objects.update_or_create(
                group=group, member=demo_member, defaults={"role": GroupRole.LEADER}
            )
            seats = seats[:1]
            roles_for = [GroupRole.DEPUTY]
        else:
            roles_for = [GroupRole.LEADER, GroupRole.DEPUTY]
        for seat, role in zip(seats, roles_for, strict=False):
            seat.role = role
            seat.save(update_fields=["role"])
    if demo_member is not None:
        CommitteeMembership.objects.get_or_create(
            committee=ref["committees"]["城市建设和管理委员会"], member=demo_member
        )


def _link_demo_member(context, members: list[Member]) -> Member | None:
    user = context.users.get("member")
    if user is None:
        return None
    linked = Member.objects.filter(user=user).first()
    if linked is not None:
        return linked
    # The demo member takes over the seat (and the number) of the first seeded member.
    member = members[0]
    old_user = member.user
    member.user = user
    member.save(update_fields=["user"])
    services.member_user_name_sync(member)
    if old_user is not None and old_user.pk != user.pk:
        old_user.delete()
    return member


def _invitees(row: dict, ref: dict, members: list[Member], rng: random.Random) -> dict:
    invite = row.get("invite")
    if invite == "all":
        return {"members": members}
    if invite == "standing":
        return {"members": [m for m in members if m.is_standing_committee]}
    if invite == "new":
        return {"members": rng.sample(members, 70)}
    if invite == "enrol":
        return {}
    kwargs: dict = {}
    if "committee" in row:
        kwargs["committees"] = [ref["committees"][row["committee"]]]
    if "sector" in row:
        kwargs["sectors"] = [ref["sectors"][row["sector"]]]
    if "extra_sectors" in row:
        kwargs["sectors"] = [ref["sectors"][s] for s in row["extra_sectors"]]
    if "group" in row:
        kwargs["groups"] = [ref["groups"][row["group"]]]
    return kwargs


def _organiser(row: dict, ref: dict) -> dict:
    if "committee" in row:
        return {
            "organiser_kind": OrganiserKind.COMMITTEE,
            "organiser_committee": ref["committees"][row["committee"]],
        }
    if "group" in row:
        return {"organiser_kind": OrganiserKind.STREET_GROUP, "organiser_group": ref["groups"][row["group"]]}
    if "sector" in row:
        return {"organiser_kind": OrganiserKind.SECTOR, "organiser_sector": ref["sectors"][row["sector"]]}
    return {"organiser_kind": OrganiserKind.OFFICE}


def _record_attendance(activity: Activity, rng: random.Random, staff) -> None:
    """Attendance of a past activity in bulk, and the verified duty records it implies.

    Bulk writes rather than one service call per member (a plenary has 300 participants); the
    rows are the ones attendance_record would write: same kinds, quantities and source."""
    participations = list(activity.participations.filter(attendance=Attendance.UNRECORDED))
    if not participations:
        return
    now = timezone.now()
    for p in participations:
        if activity.kind in ENROLMENT_KINDS and p.enrolment == EnrolmentState.WAITLISTED:
            continue
        draw = rng.random()
        p.attendance = (
            Attendance.PRESENT if draw < 0.9 else Attendance.LEAVE if draw < 0.97 else Attendance.ABSENT
        )
        if p.attendance == Attendance.LEAVE:
            p.invitation = InvitationState.LEAVE_REQUESTED
            p.leave_reason = rng.choice(["出差", "工作冲突", "身体原因", "外出学习"])
        else:
            p.invitation = InvitationState.ACCEPTED
        p.recorded_by = staff
        p.recorded_at = now
    Participation.objects.bulk_update(
        participations, ["attendance", "invitation", "leave_reason", "recorded_by", "recorded_at"]
    )
    kind, quantity = services.duty_kind_for(activity)
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Activity)
    item = activity.items.first()
    DutyRecord.objects.bulk_create(
        [
            DutyRecord(
                member_id=p.member_id,
                year=activity.starts_at.year,
                event_kind=kind,
                role=DutyRole.PARTICIPANT,
                quantity=quantity,
                occurred_on=timezone.localdate(activity.starts_at),
                title=activity.title,
                item=item,
                content_type=content_type,
                object_id=activity.pk,
                status=DutyRecordStatus.VERIFIED,
                verified_by=staff,
                verified_at=now,
            )
            for p in participations
            if p.attendance == Attendance.PRESENT
        ],
        ignore_conflicts=True,
    )
    if activity.status == ActivityStatus.PLANNED:
        activity.status = ActivityStatus.HELD
        activity.outcome_report = (
            activity.outcome_report or f"{activity.title}顺利举行，委员踊跃参加并积极建言。"
        )
        activity.save(update_fields=["status", "outcome_report"])


def _enrol_for_training(activity: Activity, members: list[Member], rng: random.Random) -> None:
    """Members who enrolled themselves in an open training, with a short waiting list."""
    chosen = rng.sample(members, min(len(members), (activity.capacity or 0) + 5))
    rows = []
    for n, member in enumerate(chosen):
        enrolled = n < (activity.capacity or 0)
        rows.append(
            Participation(
                activity=activity,
                member=member,
                invitation=InvitationState.ACCEPTED,
                enrolment=EnrolmentState.ENROLLED if enrolled else EnrolmentState.WAITLISTED,
                waitlist_position=None if enrolled else n - (activity.capacity or 0) + 1,
            )
        )
    Participation.objects.bulk_create(rows, ignore_conflicts=True)


def _activities_for_year(context, ref: dict, members: list[Member], rng: random.Random, staff) -> int:
    from workplan.models import Item

    items = {i.number: i for i in Item.objects.filter(plan__year=context.year)}
    created = 0
    for row in _activities(context.year):
        starts = row["at"]
        activity = Activity.objects.filter(title=row["title"], starts_at=starts).first()
        if activity is None:
            activity = Activity(
                title=row["title"],
                kind=row["kind"],
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=row["hours"]),
                place=row.get("place", ""),
                half_days=row.get("half_days", 1),
                capacity=row.get("capacity"),
                enrolment_deadline=starts - dt.timedelta(days=5) if row.get("capacity") else None,
                check_in_code=f"{rng.randint(1000, 9999)}",
                **_organiser(row, ref),
            )
            services.activity_save(activity=activity, actor=staff)
            created += 1
        if row["item"] in items:
            activity.items.add(items[row["item"]])
        if not activity.participations.exists():
            if row.get("invite") == "enrol":
                _enrol_for_training(activity, members, rng)
            else:
                services.activity_invite(activity=activity, actor=staff, **_invitees(row, ref, members, rng))
                if activity.kind in ENROLMENT_KINDS:
                    activity.participations.update(enrolment=EnrolmentState.ENROLLED)
        if activity.ends_at < timezone.now():
            _record_attendance(activity, rng, staff)
    return created


def _upcoming(ref: dict, members: list[Member], demo_member: Member | None, staff) -> None:
    """A few activities after today, so the portal has invitations and an open training to show."""
    today = timezone.localdate()
    base = timezone.make_aware(dt.datetime(today.year, today.month, today.day, 9)) + dt.timedelta(days=7)
    rows = [
        ("委员履职能力提升培训班", ActivityKind.TRAINING, base + dt.timedelta(days=14), 40, {}),
        ("东华门街道委员活动小组：背街小巷整治座谈", ActivityKind.MEETING, base, None, {"group": 0}),
        ("城市建设和管理委员会：停车服务管理调研", ActivityKind.RESEARCH, base + dt.timedelta(days=3), None,
         {"committee": "城市建设和管理委员会"}),
    ]  # fmt: skip
    for title, kind, starts, capacity, organiser in rows:
        if Activity.objects.filter(title=title, starts_at__gte=timezone.now()).exists():
            continue
        activity = Activity(
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            capacity=capacity,
            enrolment_deadline=starts - dt.timedelta(days=3) if capacity else None,
            place="区政协机关会议室",
            check_in_code="2017",
            **_organiser(organiser, ref),
        )
        services.activity_save(activity=activity, actor=staff)
        if organiser:
            services.activity_invite(
                activity=activity, actor=staff, **_invitees(organiser, ref, members, random.Random(1))
            )


def _self_reported(
    members: list[Member], demo_member: Member | None, rng: random.Random, year: int, staff
) -> None:
    """Duty records members logged themselves: most verified, some waiting for the group leader."""
    if DutyRecord.objects.filter(year=year, event_kind="self_reported").exists():
        return
    titles = [
        "走访社区收集居民意见",
        "参加街道议事协商会",
        "为辖区学校义诊",
        "参与胡同环境整治志愿服务",
        "接待群众来访",
    ]
    rows = []
    for n, member in enumerate(rng.sample(members, 120)):
        status = DutyRecordStatus.VERIFIED if n % 4 else DutyRecordStatus.SUBMITTED
        rows.append(
            DutyRecord(
                member=member,
                year=year,
                event_kind="self_reported",
                occurred_on=dt.date(year, rng.randint(3, 11), rng.randint(1, 28)),
                title=rng.choice(titles),
                description="委员自行填报的履职情况。",
                status=status,
                verified_by=staff if status == DutyRecordStatus.VERIFIED else None,
                verified_at=timezone.now() if status == DutyRecordStatus.VERIFIED else None,
                submitted_by=member.user,
            )
        )
    # Records of the demo member's group members wait for the demo member (their leader).
    if demo_member is not None:
        group_members = Member.objects.filter(
            group_memberships__group__memberships__member=demo_member,
            group_memberships__group__memberships__role=GroupRole.LEADER,
        ).exclude(pk=demo_member.pk)[:3]
        for member in group_members:
            rows.append(
                DutyRecord(
                    member=member,
                    year=year,
                    event_kind="self_reported",
                    occurred_on=dt.date(year, 10, 15),
                    title="参加东华门街道背街小巷议事会",
                    status=DutyRecordStatus.SUBMITTED,
                    submitted_by=member.user,
                )
            )
    DutyRecord.objects.bulk_create(rows)


def seed(context) -> None:
    """Roster, bodies, units, the year's activities with attendance, and the scoring rules."""
    rng = random.Random(f"members-{context.year}")
    staff = context.users.get("staff")
    with transaction.atomic():
        ref = _reference_data()
        _units(context)
        services.scoring_rules_ensure_defaults(context.year)
        services.scoring_rules_ensure_defaults(timezone.localdate().year)
        members = _members(context, ref, rng)
        demo_member = _link_demo_member(context, members)
        _bodies(members, ref, rng, demo_member)
        created = _activities_for_year(context, ref, members, rng, staff)
        _upcoming(ref, members, demo_member, staff)
        _self_reported(members, demo_member, rng, context.year, staff)
        # The rows above were bulk-inserted: their points are the scoring rules', stored in one go.
        services.duty_points_refresh(year=context.year)
        # The participations above were written in bulk (no per-row signal).
        participations_written.send(sender=Participation)
    context.say(
        f"members: {Member.objects.count()} members, {Activity.objects.count()} activities "
        f"({created} new), {DutyRecord.objects.count()} duty records"
    )
