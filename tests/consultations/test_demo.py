"""The demo seed: the 2017 plan's consultation topics in believable states, once."""

import io

import pytest

from consultations import demo, selectors
from consultations.choices import FeedbackState, TopicState
from consultations.models import ConsultationTopic, ImplementationFeedback, ResearchReport, TopicProposal
from cppcc_portal.core.demo import DemoContext
from tests.factories import HandlingUnitFactory, ItemFactory, MemberFactory, SectionFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(staff_user, leader_user, member_user, unit_user, unit):
    section = SectionFactory(plan=WorkPlanFactory(year=2017), number=2)
    ItemFactory(section=section, number=8, title="积极开展政治协商")
    ItemFactory(section=section, number=12, title="加强重点课题调研")
    for name in (
        "区发展改革委",
        "区商务委",
        "区住房城市建设委",
        "区文化委",
        "区规划分局",
        "区司法局",
        "区交通委",
    ):
        HandlingUnitFactory(name=name)
    MemberFactory.create_batch(40)
    users = {"staff": staff_user, "leader": leader_user, "member": member_user, "unit": unit_user}
    return DemoContext(year=2017, users=users, stdout=io.StringIO())


def test_the_demo_seeds_the_2017_consultation_work_once(context, unit, member):
    demo.seed(context)
    demo.seed(context)
    titles = set(ConsultationTopic.objects.filter(year=2017).values_list("title", flat=True))
    assert {
        "非首都功能疏解",
        "中心城区人口调控",
        "历史文化精华区建设",
        "监察体制改革",
        "低收入人群生活状况",
    } <= titles
    assert "违法\u201c拆墙打洞\u201d治理" in titles
    assert {"停车服务管理", "医养结合试点区"} <= titles
    assert ConsultationTopic.objects.filter(items__number=8).distinct().count() == 6
    assert (
        ConsultationTopic.objects.filter(items__number=12, research_groups__reports__isnull=False)
        .distinct()
        .count()
        == 4
    )
    assert set(ConsultationTopic.objects.values_list("state", flat=True)) >= {
        TopicState.ADOPTED,
        TopicState.HELD,
        TopicState.CONCLUDED,
    }
    assert TopicProposal.objects.count() == 3
    open_for_demo_unit = ImplementationFeedback.objects.filter(unit=unit, state=FeedbackState.REQUESTED)
    assert open_for_demo_unit.exists()
    assert ResearchReport.objects.count() >= 4
    figures = selectors.dashboard_figures(year=2017)
    assert figures["topics"]["held"] >= 4 and figures["outcomes"]["instructed"] >= 3, figures
    parking = ConsultationTopic.objects.get(title="停车服务管理")
    assert parking.origins.get().member is not None
