"""The demo roster: a realistic district committee, seeded twice without duplicates."""

import io

import pytest

from cppcc_portal.core import roles
from cppcc_portal.core.demo import DemoContext
from members import demo, selectors
from members.models import Activity, DutyRecord, HandlingUnit, Member, Sector, StreetGroup
from tests.factories import ItemFactory, SectionFactory, UserFactory, WorkPlanFactory


@pytest.fixture
def context(db):
    plan = WorkPlanFactory(year=2017)
    section = SectionFactory(plan=plan, number=1)
    for number in range(1, 21):
        ItemFactory(plan=plan, section=section, number=number)
    users = {
        role: UserFactory(username=f"demo_{role}", role=role)
        for role in ("staff", "leader", "member", "unit")
    }
    return DemoContext(year=2017, users=users, stdout=io.StringIO())


def test_the_demo_seeds_a_district_committee_and_is_idempotent(context):
    demo.seed(context)
    counts = (Member.objects.count(), Activity.objects.count(), DutyRecord.objects.count())
    demo.seed(context)
    assert (Member.objects.count(), Activity.objects.count(), DutyRecord.objects.count()) == counts
    assert counts[0] == 300
    assert 20 <= Sector.objects.count() <= 30
    assert StreetGroup.objects.count() == 17
    assert context.users["unit"].handling_units.get().name == "区民政局"
    assert HandlingUnit.objects.filter(kind="street_office").count() == 17


def test_the_demo_member_leads_a_street_group_and_has_a_record(context):
    demo.seed(context)
    me = selectors.member_for_user(context.users["member"])
    assert me.group_memberships.get(role="leader").group.street == "东华门街道"
    assert selectors.member_score(member=me, year=2017)["total"] > 0
    assert roles.MEMBER in roles.user_roles(me.user)


def test_the_plans_named_activities_serve_their_items(context):
    demo.seed(context)
    inspections = Activity.objects.filter(kind="inspection", items__number=10)
    assert {a.place for a in inspections} == {"簋街", "南锣鼓巷", "王府井商业街"}
    assert Activity.objects.filter(title="新委员培训班", items__number=2).exists()
    assert Activity.objects.filter(kind="visit", items__number=16).count() == 6
    plenary = Activity.objects.get(kind="plenary")
    assert DutyRecord.objects.filter(object_id=plenary.pk, event_kind="plenary", quantity=4).count() > 200
