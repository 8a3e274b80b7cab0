"""The demo seed: the 2017 plan's supervision work, in every state, and idempotent."""

import io

import pytest

from cppcc_portal.core.demo import DemoContext
from supervision import demo, selectors
from supervision.choices import RecommendationState
from supervision.models import (
    GroupActivity,
    Recommendation,
    SupervisionGroup,
    SupervisionTopic,
    SupervisorAppointment,
)
from tests.factories import ItemFactory, MemberFactory, SectionFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(staff_user, leader_user, member_user, unit_user):
    section = SectionFactory(plan=WorkPlanFactory(year=2017), number=2)
    ItemFactory(section=section, number=9, title="加强民主监督")
    MemberFactory.create_batch(40)
    users = {"staff": staff_user, "leader": leader_user, "member": member_user, "unit": unit_user}
    return DemoContext(year=2017, users=users, stdout=io.StringIO())


def test_the_demo_seeds_the_2017_supervision_work_once(context, unit, member):
    demo.seed(context)
    demo.seed(context)

    titles = set(SupervisionTopic.objects.filter(year=2017).values_list("title", flat=True))
    assert {"居家养老", "区属公立医院改革", "地下空间整治", "重大项目资金投入与使用"} <= titles
    assert SupervisionTopic.objects.filter(item__number=9).count() == 8
    assert set(SupervisionGroup.objects.values_list("name", flat=True)) == {
        "社会管理综合治理民主监督小组",
        "财政预算民主监督小组",
    }
    assert GroupActivity.objects.count() == 4
    assert SupervisorAppointment.objects.count() == 5
    assert Recommendation.objects.count() == 9
    assert set(Recommendation.objects.values_list("state", flat=True)) == set(RecommendationState.values)
    assert Recommendation.objects.filter(unit=unit).exclude(state="draft").exists()
    assert selectors.supervision_stats(year=2017)["totals"]["overdue"] >= 1
    assert selectors.group_list(user=member.user).exists()
