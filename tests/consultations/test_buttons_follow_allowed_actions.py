"""The topic page, the tabs and the unit workspace show a step's form exactly when the consultation
tables (`consultations.services.allowed_actions`) allow it to that user; a refused step is still
refused on POST (400 with the reason, nothing written; 403 for who may not)."""

import datetime as dt

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import TopicProposal
from tests.conftest import login
from tests.consultations.factories import OutcomeFactory, TopicFactory, WindowFactory

pytestmark = pytest.mark.django_db


def _outcome(state: str, **fields):
    if state == "submitted":
        fields = {"document_number": "东政协发〔2017〕12号", "submitted_to": "区委", **fields}
        fields.setdefault("submitted_on", dt.date(2017, 7, 1))
    return OutcomeFactory(state=state, **fields)


def _step(topic, step: str) -> str:
    return f'"{reverse("consultations:step", args=[topic.pk, step])}"'


def _topic_page(client, user, topic) -> str:
    login(client, user)
    page = client.get(reverse("consultations:topic", args=[topic.pk]))
    assert page.status_code == 200
    return page.content.decode()


TOPIC_FORMS = {"hold": "held", "prepare": "outcome"}


@pytest.mark.parametrize("state", ["draft", "adopted", "held", "concluded", "withdrawn"])
def test_the_office_sees_the_topic_steps_its_table_allows(client, staff_user, state):
    topic = TopicFactory(state=state)
    allowed = set(services.allowed_actions(topic, staff_user))
    html = _topic_page(client, staff_user, topic)
    shown = {action for action, step in TOPIC_FORMS.items() if _step(topic, step) in html}
    assert shown == allowed & set(TOPIC_FORMS)


def test_a_member_is_offered_no_office_step_on_an_adopted_topic(client, member_user, adopted_topic):
    assert services.allowed_actions(adopted_topic, member_user) == []
    html = _topic_page(client, member_user, adopted_topic)
    for step in ("held", "outcome", "discussion"):
        assert _step(adopted_topic, step) not in html


OUTCOME_FORMS = {
    "add_recommendation": "recommendation",
    "review": "review",
    "submit": "submit",
    "record_instruction": "instruction",
    "follow_up": "follow_up",
}


@pytest.mark.parametrize("state", ["draft", "reviewed", "submitted"])
def test_each_outcome_offers_the_office_exactly_its_allowed_steps(client, staff_user, state):
    outcome = _outcome(state)
    allowed = set(services.allowed_actions(outcome, staff_user))
    html = _topic_page(client, staff_user, outcome.topic)
    shown = {action for action, step in OUTCOME_FORMS.items() if _step(outcome.topic, step) in html}
    assert shown == allowed & set(OUTCOME_FORMS)


def test_an_outcome_reviewed_a_year_later_no_longer_offers_the_review(staff_user):
    outcome = _outcome("submitted", follow_up_on=dt.date(2018, 6, 1))
    assert "follow_up" not in services.allowed_actions(outcome, staff_user)
    assert "record_instruction" in services.allowed_actions(outcome, staff_user)


def test_a_task_is_offered_as_done_to_its_member_and_the_office_only_while_open(
    client, adopted_topic, staff_user, member, member_user, other_member_user
):
    task = services.task_add(
        topic=adopted_topic,
        description="起草建议案",
        due_on=dt.date(2017, 5, 1),
        assignee=member,
        actor=staff_user,
    )
    done = f'"{reverse("consultations:task_done", args=[task.pk])}"'
    assert services.allowed_actions(task, member_user) == ["done"]
    assert services.allowed_actions(task, staff_user) == ["done"]
    assert services.allowed_actions(task, other_member_user) == []
    login(client, member_user)
    assert done in client.get(reverse("consultations:home") + "?year=2017").content.decode()
    assert done in _topic_page(client, member_user, adopted_topic)
    assert done not in _topic_page(client, other_member_user, adopted_topic)

    services.task_done(task=task, actor=member_user)
    task.refresh_from_db()
    assert services.allowed_actions(task, member_user) == []
    assert done not in _topic_page(client, member_user, adopted_topic)


def test_a_proposed_topic_is_offered_for_screening_to_the_office_until_it_is_screened(
    client, member, staff_user
):
    window = WindowFactory()
    proposal = TopicProposal.objects.create(
        window=window, title="老旧小区加装电梯", reason="居民呼声高", proposer_kind="member", member=member
    )
    screen = f'"{reverse("consultations:proposal_screen", args=[proposal.pk])}"'
    assert services.allowed_actions(proposal, staff_user) == ["accept", "merge", "decline"]
    login(client, staff_user)
    assert screen in client.get(reverse("consultations:proposals")).content.decode()
    services.proposal_decline(proposal=proposal, note="已列入其他渠道", actor=staff_user)
    proposal.refresh_from_db()
    assert services.allowed_actions(proposal, staff_user) == []
    assert screen not in client.get(reverse("consultations:proposals")).content.decode()


def test_the_department_is_offered_its_feedback_form_only_while_the_feedback_is_requested(
    client, submitted_outcome, staff_user, unit, unit_user
):
    first = submitted_outcome.recommendations.order_by("number").first()
    services.adoption_record(recommendation=first, adoption="adopted", actor=staff_user)
    [feedback] = services.feedback_request(
        recommendation=first, units=[unit], due_on=dt.date(2017, 10, 1), actor=staff_user
    )
    url = reverse("consultations_units:detail", args=[feedback.pk])
    login(client, unit_user)
    assert services.allowed_actions(feedback, unit_user) == ["answer"]
    assert 'name="text"' in client.get(url).content.decode()
    services.feedback_answer(feedback=feedback, text="已完成", actor=unit_user)
    feedback.refresh_from_db()
    assert services.allowed_actions(feedback, unit_user) == []
    assert 'name="text"' not in client.get(url).content.decode()


def test_a_step_the_table_refuses_is_still_refused_on_post_and_nothing_changes(
    client, staff_user, member_user
):
    topic = TopicFactory(state="draft")
    login(client, staff_user)
    refused = client.post(
        reverse("consultations:step", args=[topic.pk, "held"]), {"held_on": "2017-06-20", "minutes": ""}
    )
    assert refused.status_code == 400
    topic.refresh_from_db()
    assert topic.state == "draft"
    outcome = _outcome("submitted")
    refused = client.post(
        reverse("consultations:step", args=[outcome.topic.pk, "review"]), {"outcome": outcome.pk}
    )
    assert refused.status_code == 400
    outcome.refresh_from_db()
    assert outcome.state == "submitted"
    login(client, member_user)
    adopted = TopicFactory(state="adopted")
    forbidden = client.post(
        reverse("consultations:step", args=[adopted.pk, "held"]), {"held_on": "2017-06-20", "minutes": ""}
    )
    assert forbidden.status_code == 403
    adopted.refresh_from_db()
    assert adopted.state == "adopted"
