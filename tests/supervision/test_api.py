"""The supervision API: the whole path as POST actions, refusals out of order, scoping and denials."""

import datetime as dt

import pytest

from supervision.choices import ItemStatus, RecommendationState
from tests.factories import MemberFactory
from tests.supervision.factories import GroupFactory, ItemFactory, RecommendationFactory, TopicFactory

pytestmark = pytest.mark.django_db

S = RecommendationState
API = "/api/v1/supervision"


@pytest.fixture
def setup(unit):
    topic = TopicFactory(title="地下空间整治", kind="special")
    group = GroupFactory(name="社会管理综合治理民主监督小组", topics=[topic], leader=MemberFactory())
    group.units.add(unit)
    return group, topic


def test_staff_and_unit_take_a_recommendation_to_closed_through_the_api(
    client, staff_user, unit_user, unit, setup
):
    group, topic = setup
    client.force_login(staff_user)
    created = client.post(
        f"{API}/recommendations/",
        {
            "group": group.pk,
            "topic": topic.pk,
            "unit": unit.pk,
            "title": "关于地下空间群租整治的监督意见",
            "text": "建议开展专项清理。",
            "due_on": "2017-07-31",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    rec_id = created.json()["id"]
    assert created.json()["state"] == S.DRAFT
    assert client.post(f"{API}/recommendations/{rec_id}/send/").json()["state"] == S.SENT

    client.force_login(unit_user)
    answered = client.post(f"{API}/recommendations/{rec_id}/answer/", {"answer": "已开展专项清理。"})
    assert answered.json()["state"] == S.ANSWERED
    item = client.post(
        f"{API}/recommendations/{rec_id}/items/",
        {"description": "清理群租房", "owner": "民防局综合科", "due_on": "2017-10-31"},
    )
    assert item.status_code == 201
    item_id = item.json()["id"]
    assert client.post(f"{API}/recommendations/{rec_id}/start-rectification/").json()["state"] == S.RECTIFYING
    progress = client.post(
        f"{API}/rectification-items/{item_id}/progress/", {"percent": 100, "note": "全部清理"}
    )
    assert progress.json()["status"] == ItemStatus.DONE
    assert client.post(f"{API}/recommendations/{rec_id}/request-review/").json()["state"] == S.UNDER_REVIEW
    refused = client.post(f"{API}/recommendations/{rec_id}/review/", {"verdict": "rectified"})
    assert refused.status_code == 403

    client.force_login(staff_user)
    closed = client.post(
        f"{API}/recommendations/{rec_id}/review/", {"verdict": "rectified", "note": "整改到位"}
    )
    assert closed.status_code == 200
    body = closed.json()
    assert body["state"] == S.CLOSED
    assert [e["to_state"] for e in body["events"]] == [
        S.SENT,
        S.ANSWERED,
        S.RECTIFYING,
        S.UNDER_REVIEW,
        S.CLOSED,
    ]


def test_a_step_out_of_order_is_a_409_naming_both_states(client, staff_user, unit):
    rec = RecommendationFactory(unit=unit, state=S.SENT)
    client.force_login(staff_user)
    response = client.post(f"{API}/recommendations/{rec.pk}/review/", {"verdict": "rectified"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert "已送达部门" in body["detail"] and "已办结" in body["detail"]
    rec.refresh_from_db()
    assert rec.state == S.SENT


def test_closing_through_the_api_is_refused_while_an_item_is_open(client, staff_user):
    rec = RecommendationFactory(state=S.UNDER_REVIEW)
    ItemFactory(recommendation=rec, description="补齐台账")
    client.force_login(staff_user)
    response = client.post(f"{API}/recommendations/{rec.pk}/review/", {"verdict": "rectified"})
    assert response.status_code == 409
    assert response.json()["code"] == "items_open"
    rec.refresh_from_db()
    assert rec.state == S.UNDER_REVIEW


def test_a_unit_cannot_send_a_draft_or_create_recommendations(client, unit_user, unit, setup):
    group, topic = setup
    rec = RecommendationFactory(unit=unit, state=S.SENT)
    client.force_login(unit_user)
    created = client.post(
        f"{API}/recommendations/",
        {
            "group": group.pk,
            "topic": topic.pk,
            "unit": unit.pk,
            "title": "t",
            "text": "t",
            "due_on": "2017-07-31",
        },
    )
    assert created.status_code == 403
    assert client.post(f"{API}/recommendations/{rec.pk}/send/").status_code == 409


def test_an_anonymous_caller_gets_401(client):
    assert client.get(f"{API}/recommendations/").status_code == 401


def test_a_unit_cannot_report_progress_on_another_units_item(client, unit_user, other_unit):
    item = ItemFactory(recommendation=RecommendationFactory(unit=other_unit, state=S.RECTIFYING))
    client.force_login(unit_user)
    response = client.post(f"{API}/rectification-items/{item.pk}/progress/", {"percent": 50, "note": "冒充"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.percent == 0


def test_a_member_lists_the_topics_and_recommendations_of_their_groups_only(
    client, member_user, member, unit
):
    mine = RecommendationFactory(unit=unit, state=S.SENT)
    mine.group.members.add(member)
    other = RecommendationFactory(state=S.SENT)
    client.force_login(member_user)
    recs = [r["id"] for r in client.get(f"{API}/recommendations/").json()["results"]]
    assert recs == [mine.pk]
    topics = [t["id"] for t in client.get(f"{API}/topics/").json()["results"]]
    assert topics == [mine.topic_id]
    assert client.get(f"{API}/recommendations/{other.pk}/").status_code == 404


def test_a_member_sees_only_their_own_appointments(client, staff_user, member_user, member, other_member):
    from supervision import services

    services.appointment_recommend(
        member=member, post="party_conduct", organisation="区纪委", actor=staff_user
    )
    services.appointment_recommend(
        member=other_member, post="special_inspector", organisation="区监察局", actor=staff_user
    )
    client.force_login(member_user)
    rows = client.get(f"{API}/appointments/").json()["results"]
    assert [r["member_name"] for r in rows] == ["张委员"]


def test_the_api_lists_cost_the_same_whatever_the_data(client, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    for n in (3, 9):
        for _ in range(n):
            rec = RecommendationFactory(state=S.RECTIFYING, due_on=dt.date(2017, 5, 1))
            ItemFactory(recommendation=rec)
        with django_assert_max_num_queries(10):
            assert client.get(f"{API}/recommendations/").status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(f"{API}/groups/").status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(f"{API}/rectification-items/").status_code == 200


def test_a_supervisor_files_a_report_on_their_own_appointment_only(
    client, staff_user, member_user, member, other_member_user
):
    from supervision import services

    appointment = services.appointment_recommend(
        member=member, post="special_inspector", organisation="区监察局", actor=staff_user
    )
    services.appointment_appoint(appointment=appointment, term_start=dt.date(2017, 3, 1), actor=staff_user)
    client.force_login(member_user)
    url = f"{API}/appointments/{appointment.pk}/reports/"
    filed = client.post(url, {"title": "第一季度监督情况", "text": "参加明察暗访两次。"})
    assert filed.status_code == 201
    assert [r["title"] for r in client.get(url).json()] == ["第一季度监督情况"]
    client.force_login(other_member_user)
    assert client.post(url, {"title": "冒充", "text": "x"}).status_code == 404


def test_the_office_approves_a_topic_and_appoints_a_supervisor_through_the_api(
    client, staff_user, leader_user, member
):
    from supervision import services

    topic = TopicFactory(title="居家养老")
    appointment = services.appointment_recommend(
        member=member, post="party_conduct", organisation="区纪委", actor=staff_user
    )
    client.force_login(leader_user)
    assert client.post(f"{API}/topics/{topic.pk}/approve/").status_code == 403
    assert (
        client.post(f"{API}/appointments/{appointment.pk}/appoint/", {"term_start": "2017-03-01"}).status_code
        == 403
    )
    client.force_login(staff_user)
    approved = client.post(f"{API}/topics/{topic.pk}/approve/", {"approved_on": "2017-03-01"})
    assert approved.json()["is_approved"] is True
    assert client.post(f"{API}/topics/{topic.pk}/approve/").status_code == 409
    appointed = client.post(f"{API}/appointments/{appointment.pk}/appoint/", {"term_start": "2017-03-01"})
    assert appointed.json()["status"] == "appointed"
    assert client.post(f"{API}/appointments/{appointment.pk}/end/").json()["status"] == "ended"
