"""The plan items a record most likely serves: suggested on its admin page, linked only by a person."""

import pytest
from django.urls import reverse

from cppcc_portal.core.models import AuditEvent
from tests.conftest import login
from tests.factories import ActivityFactory
from tests.supervision.factories import TopicFactory
from workplan.models import Item, Section, WorkPlan
from workplan.suggestions import suggest_items


@pytest.fixture
def plan_2017(db):
    plan = WorkPlan.objects.create(year=2017, title="2017年工作要点")
    supervision = Section.objects.create(plan=plan, number=3, title="加强民主监督")
    study = Section.objects.create(plan=plan, number=1, title="加强思想政治建设")
    return {
        "supervision": Item.objects.create(
            plan=plan,
            section=supervision,
            number=9,
            title="加大民主监督力度。",
            text="围绕居家养老、老旧小区综合整治等开展民主监督，形成监督意见。",
        ),
        "study": Item.objects.create(
            plan=plan, section=study, number=1, title="强化政治理论学习。", text="组织委员学习培训。"
        ),
    }


def test_the_item_whose_text_the_record_shares_comes_first(plan_2017):
    ranked = suggest_items(title="居家养老服务民主监督", year=2017)
    assert ranked[0][0] == plan_2017["supervision"]


@pytest.mark.parametrize("text", ["", "a", "。。。", "x" * 100_000])
def test_text_that_says_nothing_gets_no_item(plan_2017, text):
    assert len(suggest_items(title=text, year=2017)) <= 3


def test_staff_link_a_topic_to_the_suggested_item_by_pressing_its_button(client, staff_user, plan_2017):
    topic = TopicFactory(title="居家养老服务民主监督", year=2017)
    login(client, staff_user)
    page = client.get(reverse("admin:supervision_supervisiontopic_change", args=[topic.pk])).content.decode()
    assert "加大民主监督力度" in page
    topic.refresh_from_db()
    assert topic.item_id is None  # shown, not linked
    client.post(
        reverse("admin:supervision_supervisiontopic_link_item", args=[topic.pk]),
        {"item": plan_2017["supervision"].pk},
    )
    topic.refresh_from_db()
    assert topic.item == plan_2017["supervision"]
    assert AuditEvent.objects.filter(action="supervision_supervisiontopic.link_item").exists()


def test_an_activity_gets_the_study_item_and_a_leader_cannot_link_it(
    client, staff_user, leader_user, plan_2017
):
    import datetime as dt

    from django.utils import timezone

    activity = ActivityFactory(
        title="委员政治理论学习培训班", starts_at=timezone.make_aware(dt.datetime(2017, 5, 4, 9))
    )
    login(client, staff_user)
    page = client.get(reverse("admin:members_activity_change", args=[activity.pk])).content.decode()
    assert "强化政治理论学习" in page
    login(client, leader_user)
    response = client.post(
        reverse("admin:members_activity_link_item", args=[activity.pk]), {"item": plan_2017["study"].pk}
    )
    assert response.status_code == 403
    assert not activity.items.exists()
