"""The consultation pages as each role uses them: member tab, office steps, unit feedback, timeline."""

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from consultations import services
from consultations.choices import FeedbackState, OutcomeState
from consultations.models import ImplementationFeedback, Post, TopicProposal
from tests.conftest import login
from tests.consultations.factories import WindowFactory

pytestmark = pytest.mark.django_db


def test_a_member_sees_the_adopted_topics_on_the_consultation_tab(
    client, member_user, adopted_topic, django_assert_max_num_queries
):
    login(client, member_user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("consultations:home"), {"year": 2017})
    assert response.status_code == 200
    assert "非首都功能疏解" in response.content.decode()


def test_a_member_proposes_a_topic_through_the_page_while_the_window_is_open(client, member_user):
    WindowFactory(opens_on=dt.date(2017, 1, 5), closes_on=dt.date(2017, 1, 25))
    login(client, member_user)
    with time_machine.travel(dt.datetime(2017, 1, 10, 10, 0), tick=False):
        response = client.post(
            reverse("consultations:propose"),
            {"title": "胡同停车", "reason": "停车难", "proposer_kind": "member"},
        )
    assert response.status_code == 302
    assert TopicProposal.objects.get().title == "胡同停车"


def test_after_the_window_the_propose_page_says_so_and_writes_nothing(client, member_user):
    WindowFactory(opens_on=dt.date(2017, 1, 5), closes_on=dt.date(2017, 1, 25))
    login(client, member_user)
    with time_machine.travel(dt.datetime(2017, 1, 26, 10, 0), tick=False):
        response = client.post(
            reverse("consultations:propose"),
            {"title": "胡同停车", "reason": "停车难", "proposer_kind": "member"},
            follow=True,
        )
    assert (
        "No topic collection window is open now." in response.content.decode()
        or "征集" in response.content.decode()
    )
    assert not TopicProposal.objects.exists()


def test_the_office_cannot_submit_an_outcome_without_recommendations_from_the_page(
    client, staff_user, adopted_topic
):
    outcome = services.outcome_create(topic=adopted_topic, kind="report", title="协商报告", actor=staff_user)
    login(client, staff_user)
    response = client.post(
        reverse("consultations:step", args=[adopted_topic.pk, "review"]), {"outcome": outcome.pk}
    )
    assert response.status_code == 400
    outcome.refresh_from_db()
    assert outcome.state == OutcomeState.DRAFT


def test_the_office_runs_the_outcome_steps_from_the_topic_page(client, staff_user, adopted_topic, unit):
    login(client, staff_user)
    url = lambda step: reverse("consultations:step", args=[adopted_topic.pk, step])  # noqa: E731
    assert client.post(url("held"), {"held_on": "2017-06-20", "minutes": "纪要"}).status_code == 302
    assert (
        client.post(
            url("outcome"), {"kind": "recommendation", "title": "建议案", "recommendations": "一\n二"}
        ).status_code
        == 302
    )
    outcome = adopted_topic.outcomes.get()
    assert client.post(url("review"), {"outcome": outcome.pk}).status_code == 302
    assert (
        client.post(
            url("submit"),
            {
                "outcome": outcome.pk,
                "document_number": "东政协发〔2017〕9号",
                "submitted_to": "区委",
                "submitted_on": "2017-07-01",
            },
        ).status_code
        == 302
    )
    rec = outcome.recommendations.first()
    assert client.post(url("adoption"), {"recommendation": rec.pk, "adoption": "adopted"}).status_code == 302
    assert (
        client.post(
            url("feedback"), {"recommendation": rec.pk, "units": [unit.pk], "due_on": "2017-10-01"}
        ).status_code
        == 302
    )
    assert ImplementationFeedback.objects.get().unit == unit


def test_a_member_cannot_take_office_steps(client, member_user, adopted_topic):
    login(client, member_user)
    response = client.post(
        reverse("consultations:step", args=[adopted_topic.pk, "held"]), {"held_on": "2017-06-20"}
    )
    assert response.status_code == 403


def test_the_unit_answers_its_feedback_in_the_unit_workspace(
    client, unit_user, feedback, django_assert_max_num_queries
):
    login(client, unit_user)
    with django_assert_max_num_queries(15):
        listing = client.get(reverse("consultations_units:list"))
    assert "加快疏解区域性批发市场" in listing.content.decode()
    response = client.post(
        reverse("consultations_units:detail", args=[feedback.pk]), {"text": "已疏解3个市场"}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.ANSWERED


def test_a_unit_not_concerned_cannot_open_or_answer_the_feedback(client, other_unit_user, feedback):
    login(client, other_unit_user)
    assert client.get(reverse("consultations_units:detail", args=[feedback.pk])).status_code == 404
    assert (
        client.post(reverse("consultations_units:detail", args=[feedback.pk]), {"text": "代答"}).status_code
        == 404
    )
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.REQUESTED


def test_the_leader_reads_the_printable_timeline(
    client, leader_user, feedback, django_assert_max_num_queries
):
    login(client, leader_user)
    topic = feedback.recommendation.outcome.topic
    with django_assert_max_num_queries(12):
        response = client.get(reverse("consultations:timeline", args=[topic.pk]))
    text = response.content.decode()
    assert text.index("十四届常委会第三次会议") < text.index("东政协发〔2017〕12号") < text.index("区民政局")


def test_a_member_posts_without_javascript_and_cannot_post_after_closing(
    client, member_user, staff_user, adopted_topic
):
    discussion = services.discussion_open(
        topic=adopted_topic, prompt="如何疏解？", closes_on=dt.date(2017, 5, 31), actor=staff_user
    )
    login(client, member_user)
    url = reverse("consultations:discussion", args=[discussion.pk])
    with time_machine.travel(dt.datetime(2017, 5, 1, 10, 0), tick=False):
        assert client.post(url, {"text": "先疏解市场"}).status_code == 302
    with time_machine.travel(dt.datetime(2017, 6, 1, 10, 0), tick=False):
        login(client, member_user)
        response = client.post(url, {"text": "晚了"})
    assert response.status_code == 400
    assert list(Post.objects.values_list("text", flat=True)) == ["先疏解市场"]


def test_units_cannot_open_discussions(client, unit_user, staff_user, adopted_topic):
    discussion = services.discussion_open(
        topic=adopted_topic, prompt="？", closes_on=dt.date(2030, 1, 1), actor=staff_user
    )
    login(client, unit_user)
    assert client.get(reverse("consultations:discussion", args=[discussion.pk])).status_code == 404


def test_leaders_export_the_years_topics_and_outcomes_and_members_cannot(
    client, leader_user, member_user, feedback
):
    login(client, leader_user)
    response = client.get(reverse("consultations:export"), {"year": 2017})
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.worksheets[0]["A2"].value == "非首都功能疏解"
    assert workbook.worksheets[1]["F2"].value == "东政协发〔2017〕12号"
    login(client, member_user)
    assert client.get(reverse("consultations:export")).status_code == 403


def test_the_figures_drill_down_to_the_overdue_feedback(client, leader_user, feedback):
    login(client, leader_user)
    with time_machine.travel(dt.datetime(2017, 10, 5, 10, 0), tick=False):
        login(client, leader_user)
        response = client.get(reverse("consultations:figures"), {"year": 2017, "figure": "feedback_overdue"})
        assert "区民政局" in response.content.decode()
    login(client, leader_user)
    assert client.get(reverse("consultations:figures"), {"figure": "nonsense"}).status_code == 404


def test_the_topic_page_costs_the_same_with_more_outcomes(
    client, staff_user, feedback, django_assert_max_num_queries
):
    topic = feedback.recommendation.outcome.topic
    login(client, staff_user)
    with django_assert_max_num_queries(45) as first:
        client.get(reverse("consultations:topic", args=[topic.pk]))
    for n in range(3):
        outcome = services.outcome_create(
            topic=topic,
            kind="report",
            title=f"专报{n}",
            recommendations=["建议一", "建议二"],
            actor=staff_user,
        )
        services.outcome_review(outcome=outcome, actor=staff_user)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("consultations:topic", args=[topic.pk]))
    assert response.status_code == 200


def test_a_unit_sees_its_feedback_marked_overdue_the_day_after_it_was_due_and_not_before(
    client, unit_user, feedback
):
    login(client, unit_user)
    with time_machine.travel(dt.datetime(2017, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        on_the_day = client.get(reverse("consultations_units:list")).content.decode()
    with time_machine.travel(dt.datetime(2017, 10, 2, 9, tzinfo=dt.UTC), tick=False):
        the_day_after = client.get(reverse("consultations_units:list")).content.decode()
    assert feedback.recommendation.outcome.topic.title in on_the_day
    # The badge says 已超期 (the portal's one word for "overdue", in every app's catalogue).
    assert "已超期" not in on_the_day
    assert "已超期" in the_day_after
