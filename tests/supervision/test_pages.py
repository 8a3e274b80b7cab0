"""The unit workspace forms, the member's portal tab, the admin, and the work-plan links."""

import datetime as dt

import pytest
from django.urls import reverse

from supervision.choices import ItemStatus, RecommendationState
from supervision.models import RecommendationEvent
from tests.factories import ItemFactory as PlanItemFactory
from tests.supervision.factories import GroupFactory, ItemFactory, RecommendationFactory, TopicFactory

pytestmark = pytest.mark.django_db

S = RecommendationState


def test_a_unit_answers_lists_items_reports_progress_and_asks_for_review(client, unit_user, unit):
    rec = RecommendationFactory(unit=unit, state=S.SENT, title="关于养老驿站建设的监督意见")
    client.force_login(unit_user)
    detail = reverse("supervision_units:detail", args=[rec.pk])

    empty = client.post(reverse("supervision_units:answer", args=[rec.pk]), {"answer": ""})
    assert empty.status_code == 400
    assert (
        client.post(reverse("supervision_units:answer", args=[rec.pk]), {"answer": "已研究部署。"}).url
        == detail
    )

    client.post(
        reverse("supervision_units:item_add", args=[rec.pk]),
        {"description": "新建养老驿站5处", "owner": "养老科", "due_on": "2017-09-30"},
    )
    item = rec.items.get()
    client.post(reverse("supervision_units:step", args=[rec.pk]), {"to": S.RECTIFYING})
    client.post(
        reverse("supervision_units:item_progress", args=[item.pk]), {"percent": 100, "note": "5处建成"}
    )
    client.post(reverse("supervision_units:step", args=[rec.pk]), {"to": S.UNDER_REVIEW, "note": "请回头看"})

    rec.refresh_from_db()
    item.refresh_from_db()
    assert rec.state == S.UNDER_REVIEW
    assert item.status == ItemStatus.DONE
    page = client.get(detail).content.decode()
    assert "已研究部署。" in page
    assert "请回头看" in page
    assert RecommendationEvent.objects.filter(recommendation=rec).count() == 3


def test_a_unit_asking_for_review_too_early_gets_a_message_and_nothing_changes(client, unit_user, unit):
    rec = RecommendationFactory(unit=unit, state=S.SENT)
    client.force_login(unit_user)
    response = client.post(reverse("supervision_units:step", args=[rec.pk]), {"to": S.UNDER_REVIEW})
    assert response.status_code == 400
    assert "不能从" in response.content.decode()
    rec.refresh_from_db()
    assert rec.state == S.SENT


def test_the_unit_workspace_shows_the_supervision_tab(client, unit_user, unit):
    RecommendationFactory(unit=unit, state=S.SENT)
    client.force_login(unit_user)
    page = client.get(reverse("supervision_units:list")).content.decode()
    assert reverse("supervision_units:list") in page
    assert "监督意见" in page


def test_the_member_portal_lists_groups_and_activities(client, staff_user, member_user, member):
    from members.choices import ActivityKind
    from supervision import services

    topic = TopicFactory(title="居家养老")
    group = GroupFactory(name="社会管理综合治理民主监督小组", topics=[topic])
    group.members.add(member)
    starts = dt.datetime(2017, 6, 8, 9, tzinfo=dt.UTC)
    link = services.group_activity_create(
        group=group,
        topic=topic,
        kind=ActivityKind.RESEARCH,
        title="居家养老服务驿站调研",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        actor=staff_user,
    )
    assert link.activity.participations.filter(member=member).exists()
    from members.services import attendance_record

    attendance_record(
        activity=link.activity, actor=staff_user, marks={member.pk: "present", group.leader_id: "leave"}
    )
    client.force_login(member_user)
    page = client.get(reverse("supervision:my")).content.decode()
    assert "社会管理综合治理民主监督小组" in page
    assert "居家养老服务驿站调研" in page
    group_page = client.get(reverse("supervision:group", args=[group.pk])).content.decode()
    assert "出席 1 人 / 应到 2 人" in group_page


def test_the_topic_page_lists_the_years_topics_for_leaders(client, leader_user):
    TopicFactory(title="财政预算执行情况", kind="special")
    client.force_login(leader_user)
    page = client.get(reverse("supervision:topic_list"), {"year": 2017}).content.decode()
    assert "财政预算执行情况" in page
    assert "专项监督" in page


@pytest.mark.parametrize("n", [3, 9])
def test_the_admin_recommendation_changelist_costs_the_same(
    client, staff_user, n, django_assert_max_num_queries
):
    for _ in range(n):
        ItemFactory(recommendation=RecommendationFactory(state=S.SENT))
    client.force_login(staff_user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("admin:supervision_recommendation_changelist")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("admin:supervision_rectificationitem_changelist")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("admin:supervision_supervisiongroup_changelist")).status_code == 200


def test_the_admin_send_action_calls_the_service(client, staff_user, unit_user, unit):
    rec = RecommendationFactory(unit=unit)
    client.force_login(staff_user)
    client.post(
        reverse("admin:supervision_recommendation_changelist"),
        {"action": "send", "_selected_action": [rec.pk]},
    )
    rec.refresh_from_db()
    assert rec.state == S.SENT
    assert rec.events.get().actor == staff_user


def test_leaders_read_the_admin_but_cannot_send(client, leader_user):
    rec = RecommendationFactory()
    client.force_login(leader_user)
    assert client.get(reverse("admin:supervision_recommendation_changelist")).status_code == 200
    client.post(
        reverse("admin:supervision_recommendation_changelist"),
        {"action": "send", "_selected_action": [rec.pk]},
    )
    rec.refresh_from_db()
    assert rec.state == S.DRAFT


def test_the_work_plan_item_counts_and_lists_its_supervision_topics(client, leader_user, unit_user):
    from supervision.links import topic_links
    from workplan.links import link_counts

    item = PlanItemFactory(number=9)
    TopicFactory(title="居家养老", item=item)
    TopicFactory(title="地下空间整治", item=item)
    assert link_counts([item.pk])[item.pk] == {"监督议题": 2}
    assert sorted(r.title for r in topic_links.recent(item.pk, 20)) == ["地下空间整治", "居家养老"]
    assert len(topic_links.recent(item.pk, 1)) == 1
    assert topic_links.list_urls(item.pk, unit_user) == {}
    url = topic_links.list_urls(item.pk, leader_user)["监督议题"]
    client.force_login(leader_user)
    page = client.get(url).content.decode()
    assert "居家养老" in page and "地下空间整治" in page


def test_the_office_returns_a_recommendation_from_its_page_with_findings(client, staff_user):
    rec = RecommendationFactory(state=S.UNDER_REVIEW)
    ItemFactory(recommendation=rec, status=ItemStatus.IN_PROGRESS, percent=60)
    client.force_login(staff_user)
    page = reverse("supervision:recommendation", args=[rec.pk])
    assert "回头看" in client.get(page).content.decode()
    refused = client.post(reverse("supervision:review", args=[rec.pk]), {"verdict": "rectified"}, follow=True)
    assert "仍有整改事项未完成" in refused.content.decode()
    client.post(
        reverse("supervision:review", args=[rec.pk]), {"verdict": "not_rectified", "note": "台账不全"}
    )
    rec.refresh_from_db()
    assert rec.state == S.RETURNED
    assert rec.reviews.get().note == "台账不全"


def test_leaders_and_members_cannot_take_office_steps(client, leader_user, member_user):
    rec = RecommendationFactory()
    for user in (leader_user, member_user):
        client.force_login(user)
        assert client.post(reverse("supervision:send", args=[rec.pk])).status_code == 403
    rec.refresh_from_db()
    assert rec.state == S.DRAFT
