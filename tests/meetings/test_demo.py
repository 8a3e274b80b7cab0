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
    assert consultations.count() == 3
    plenary = Meeting.objects.get(title=demo.PLENARY_TITLE)
    assert plenary.speeches.filter(state="oral").count() == 2
    assert Meeting.objects.count() == 6
    # The plenary's attendance counts once: the session owns the members demo's activity.
    assert DutyRecord.objects.filter(event_kind="plenary").count() == 0
    upcoming = Meeting.objects.get(title__contains="演示")
    assert Participation.objects.filter(activity__meeting_session__meeting=upcoming, member=member).exists()
    assert DutyRecord.objects.filter(event_kind="meeting", year=2017).exists()
