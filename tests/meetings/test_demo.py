"""The demo seed: the 2017 plenary, the standing committee's meetings, one upcoming meeting; idempotent."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from cppcc_portal.core.demo import DemoContext
from meetings import demo
from meetings.models import Meeting, Motion, Resolution
from members.models import DutyRecord, Participation
from members.services import scoring_rules_ensure_defaults
from tests.factories import ActivityFactory, ItemFactory, MemberFactory, SectionFactory, WorkPlanFactory
from tests.meetings.conftest import member_with_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(staff_user, leader_user, member_user, unit_user):
    section = SectionFactory(plan=WorkPlanFactory(year=2017), number=3)
    ItemFactory(section=section, number=8, title="积极推进政治协商")
    ItemFactory(section=section, number=18, title="加强常委会自身建设")
    scoring_rules_ensure_defaults(2017)
    standing = [member_with_login(f"demo_sc{i}", is_standing_committee=True) for i in range(7)]
    others = MemberFactory.create_batch(5)
    start = timezone.make_aware(dt.datetime(2017, 1, 8, 9))
    plenary = ActivityFactory(
        title=demo.PLENARY_TITLE,
        kind="plenary",
        half_days=4,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=9),
    )
    for m in [*standing, *others]:
        Participation.objects.create(activity=plenary, member=m, attendance="present")
    second = timezone.make_aware(dt.datetime(2017, 5, 25, 9))
    consultation = ActivityFactory(
        title=demo.SECOND_MEETING[0],
        kind="standing_committee",
        starts_at=second,
        ends_at=second + dt.timedelta(hours=3),
    )
    for m in standing:
        Participation.objects.create(activity=consultation, member=m, attendance="present")
    users = {"staff": staff_user, "leader": leader_user, "member": member_user, "unit": unit_user}
    return DemoContext(year=2017, users=users, stdout=io.StringIO())


def test_the_demo_seeds_the_2017_meetings_once(context, member):
    demo.seed(context)
    demo.seed(context)
    adopting = Meeting.objects.get(title="十四届区政协常委会第一次会议")
    assert adopting.sessions.get().date == dt.date(2017, 3, 20)
    motion = Motion.objects.get(agenda_item__session__meeting=adopting)
    assert motion.state == "closed" and motion.basis_count == 7
    if motion.adopted:
        assert Resolution.objects.get(motion=motion).adopted_on == dt.date(2017, 3, 20)
    consultations = Meeting.objects.filter(title__contains="专题协商", items__number=8)
    # One 专题协商 per item 8 topic: 非首都功能疏解, 人口调控, 历史文化精华区, 低收入人群, and
    # 监察体制改革 with 违法“拆墙打洞”治理 together.
    assert consultations.count() == 5
    second = Meeting.objects.get(title__contains="第二次会议")
    assert second.sessions.get().activity.title == demo.SECOND_MEETING[0]
    assert Meeting.objects.count() == 8
    upcoming = Meeting.objects.get(title__contains="演示")
    assert Participation.objects.filter(activity__meeting_session__meeting=upcoming, member=member).exists()
    assert DutyRecord.objects.filter(event_kind="meeting", year=2017).exists()


def test_the_plenary_runs_four_half_day_sessions_each_counted_once(context):
    demo.seed(context)
    plenary = Meeting.objects.get(title=demo.PLENARY_TITLE)
    sessions = list(plenary.sessions.order_by("date", "order"))
    assert [(str(s.date), s.half_day) for s in sessions] == [
        ("2017-01-08", "morning"),
        ("2017-01-08", "afternoon"),
        ("2017-01-09", "morning"),
        ("2017-01-09", "afternoon"),
    ]
    assert all(s.status == "closed" and s.agenda.exists() for s in sessions)
    assert plenary.status == "closed"
    # Every member called is in one of the discussion groups.
    called = Participation.objects.filter(activity=sessions[0].activity).count()
    assert plenary.groups.count() == 5
    assert plenary.group_assignments.count() == called == 12
    assert plenary.speeches.filter(state="oral", session=sessions[2]).count() == 2
    motion = Motion.objects.get(agenda_item__session=sessions[3])
    voters = Participation.objects.filter(
        activity=sessions[3].activity, attendance="present", member__user__isnull=False
    ).count()
    assert motion.state == "closed" and motion.ballots.count() == voters > 0
    # More than half of all members in office, the plenary's default rule.
    assert motion.adopted == (motion.votes_for * 2 > motion.basis_count)
    resolution = Resolution.objects.filter(meeting=plenary, adopted_on=dt.date(2017, 1, 9))
    assert resolution.exists() == motion.adopted
    # Plenary duty: one half-day per session attended, the opening no longer counting four.
    records = DutyRecord.objects.filter(event_kind="plenary")
    assert not records.filter(quantity__gt=1).exists()
    for participation in Participation.objects.filter(activity__meeting_session__meeting=plenary)[:24]:
        counted = records.filter(member=participation.member, object_id=participation.activity_id).count()
        assert counted == (1 if participation.attendance == "present" else 0)
    assert sessions[0].activity.half_days == 1
