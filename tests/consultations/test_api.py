"""The consultation API: scoped reads, unit feedback through the service, clear refusals."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from consultations import services

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_members_list_the_adopted_topics_with_their_outcomes_and_timeline(member_user, submitted_outcome):
    client = _client(member_user)
    topics = client.get("/api/v1/consultations/topics/").json()["results"]
    assert [t["title"] for t in topics] == ["非首都功能疏解"]
    detail = client.get(f"/api/v1/consultations/topics/{topics[0]['id']}/").json()
    assert detail["outcomes"][0]["document_number"] == "东政协发〔2017〕12号"
    timeline = client.get(f"/api/v1/consultations/topics/{topics[0]['id']}/timeline/").json()
    actions = [step["action"] for step in timeline]
    assert actions[0] == "adopted" and "outcome_submitted" in actions


def test_a_unit_answers_its_feedback_and_another_unit_gets_404(unit_user, other_unit_user, feedback):
    assert (
        _client(other_unit_user)
        .post(f"/api/v1/consultations/feedback/{feedback.pk}/answer/", {"text": "x"})
        .status_code
        == 404
    )
    response = _client(unit_user).post(
        f"/api/v1/consultations/feedback/{feedback.pk}/answer/", {"text": "已落实"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "answered"
    again = _client(unit_user).post(f"/api/v1/consultations/feedback/{feedback.pk}/answer/", {"text": "再答"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_answered"


def test_a_post_in_a_closed_discussion_is_refused_with_a_code(member_user, staff_user, adopted_topic):
    services.discussion_open(
        topic=adopted_topic, prompt="？", closes_on=dt.date(2017, 1, 1), actor=staff_user
    )
    response = _client(member_user).post(
        f"/api/v1/consultations/topics/{adopted_topic.pk}/posts/", {"text": "晚了"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "discussion_closed"
