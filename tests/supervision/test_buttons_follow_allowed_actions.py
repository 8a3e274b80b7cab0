"""The department's and the office's recommendation pages show the table's allowed actions, per role."""

import pytest
from django.urls import reverse

from supervision import services
from supervision.choices import RecommendationState
from tests.supervision.factories import RecommendationFactory

pytestmark = pytest.mark.django_db

S = RecommendationState

UNIT_FORMS = {
    "answer": "supervision_units:answer",
    "rectify": "supervision_units:item_add",
    "start_rectification": "supervision_units:step",
    "request_review": "supervision_units:step",
}


def _unit_shown(client, user, pk: int) -> set[str]:
    client.force_login(user)
    html = client.get(reverse("supervision_units:detail", args=[pk])).content.decode()
    shown = {a for a, name in UNIT_FORMS.items() if f'"{reverse(name, args=[pk])}"' in html}
    # One form takes either step; its hidden target says which.
    if "start_rectification" in shown:
        shown.discard("start_rectification" if 'value="under_review"' in html else "request_review")
    return shown


@pytest.mark.parametrize("state", [S.SENT, S.ANSWERED, S.RECTIFYING, S.RETURNED, S.UNDER_REVIEW, S.CLOSED])
def test_the_department_sees_exactly_its_allowed_actions(client, unit, unit_user, state):
    recommendation = RecommendationFactory(unit=unit, state=state)
    allowed = set(services.allowed_actions(recommendation, unit_user))
    assert _unit_shown(client, unit_user, recommendation.pk) == allowed


def test_an_answered_recommendation_lets_the_department_add_items_and_start_rectification(unit, unit_user):
    recommendation = RecommendationFactory(unit=unit, state=S.ANSWERED)
    assert services.allowed_actions(recommendation, unit_user) == ["rectify", "start_rectification"]


def test_another_department_may_take_no_step(unit_user, other_unit):
    recommendation = RecommendationFactory(unit=other_unit, state=S.SENT)
    assert services.allowed_actions(recommendation, unit_user) == []


@pytest.mark.parametrize(
    ("state", "send", "review"),
    [(S.DRAFT, True, False), (S.SENT, False, False), (S.UNDER_REVIEW, False, True)],
)
def test_the_office_page_offers_sending_and_the_review_as_the_table_allows(
    client, staff_user, state, send, review
):
    recommendation = RecommendationFactory(state=state)
    client.force_login(staff_user)
    html = client.get(reverse("supervision:recommendation", args=[recommendation.pk])).content.decode()
    assert (reverse("supervision:send", args=[recommendation.pk]) in html) is send
    assert (reverse("supervision:review", args=[recommendation.pk]) in html) is review
    allowed = services.allowed_actions(recommendation, staff_user)
    assert ("send" in allowed) is send
    assert ("close" in allowed and "return" in allowed) is review
