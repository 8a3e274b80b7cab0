"""A small district whose dashboard figures are counted by hand in the tests."""

import datetime as dt

from django.utils import timezone

from members.models import Participation
from proposals.models import OpinionReport, Proposal, ProposalCategory
from tests.factories import (
    ActivityFactory,
    ItemFactory,
    MemberFactory,
    SectionFactory,
    SectorFactory,
    WorkPlanFactory,
)
from workplan.models import Task

YEAR = 2017


def at(month: int, day: int, year: int = YEAR) -> dt.datetime:
    return dt.datetime(year, month, day, 9, tzinfo=timezone.get_current_timezone())


def small_district() -> dict:
    """2 sections, 3 items (1 done), 2 tasks (1 overdue on 2017-06-30); 4 activities in 2017
    (2 meetings, 1 training, 1 cancelled meeting) and 1 in 2016; 2 members of one sector with
    3 present and 1 absent; 3 proposals (2 closed, 1 rejected); 3 reports (2 adopted: district, city)."""
    plan = WorkPlanFactory(year=YEAR, title="2017年工作要点")
    first, second = SectionFactory(plan=plan, number=1), SectionFactory(plan=plan, number=2)
    done = ItemFactory(section=first, plan=plan, number=1, status="done", progress=100)
    ItemFactory(section=first, plan=plan, number=2, status="in_progress", progress=50)
    ItemFactory(section=second, plan=plan, number=3, status="not_started", progress=0)
    Task.objects.create(item=done, title="按期完成", due_date=dt.date(2017, 3, 1), status="done")
    Task.objects.create(item=done, title="逾期任务", due_date=dt.date(2017, 5, 1), status="in_progress")
    sector = SectorFactory(name="经济界")
    alice, bob = MemberFactory(sector=sector, name="甲"), MemberFactory(sector=sector, name="乙")
    meeting1 = ActivityFactory(
        kind="meeting", starts_at=at(3, 1), ends_at=at(3, 1) + dt.timedelta(hours=2), status="held"
    )
    meeting2 = ActivityFactory(
        kind="meeting", starts_at=at(6, 2), ends_at=at(6, 2) + dt.timedelta(hours=2), status="held"
    )
    ActivityFactory(
        kind="training", starts_at=at(6, 10), ends_at=at(6, 10) + dt.timedelta(hours=2), status="held"
    )
    ActivityFactory(
        kind="meeting", starts_at=at(6, 12), ends_at=at(6, 12) + dt.timedelta(hours=2), status="cancelled"
    )
    ActivityFactory(
        kind="meeting", starts_at=at(6, 12, 2016), ends_at=at(6, 12, 2016) + dt.timedelta(hours=2)
    )
    for activity, member, attendance in (
        (meeting1, alice, "present"),
        (meeting1, bob, "present"),
        (meeting2, alice, "present"),
        (meeting2, bob, "absent"),
    ):
        Participation.objects.create(activity=activity, member=member, attendance=attendance)
    category = ProposalCategory.objects.create(name="城市管理")
    for state, reason in (("closed", ""), ("closed", ""), ("rejected", "不符合立案条件")):
        Proposal.objects.create(
            year=YEAR,
            title="关于停车的提案",
            reason="现状",
            suggestions="建议",
            category=category,
            submitter=alice,
            state=state,
            rejection_reason=reason,
        )
    for level, state in (("district", "adopted"), ("city", "published"), ("", "filed")):
        OpinionReport.objects.create(
            year=YEAR, title="社情民意", situation="情况", state=state, adoption_level=level
        )
    return {"plan": plan, "sector": sector, "done_item": done}
