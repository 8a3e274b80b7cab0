"""A department's supervision page shows its open recommendations in full and its closed ones a page
at a time, at the same query cost however many years of history it has."""

import pytest
from django.urls import reverse

from supervision.choices import RecommendationState
from supervision.unit_views import PAGE_SIZE
from tests.factories import HandlingUnitFactory
from tests.supervision.factories import RecommendationFactory, TopicFactory

pytestmark = pytest.mark.django_db

S = RecommendationState


def _history(unit, closed: int, open_: int = 2) -> None:
    topic = TopicFactory()
    for i in range(closed):
        RecommendationFactory(topic=topic, unit=unit, state=S.CLOSED, title=f"往年意见{i}")
    for i in range(open_):
        RecommendationFactory(topic=topic, unit=unit, state=S.RECTIFYING, title=f"整改中{i}")


@pytest.mark.parametrize("closed", [5, 15])
def test_the_unit_page_costs_the_same_however_long_the_history(
    client, unit_user, unit, closed, django_assert_max_num_queries
):
    _history(unit, closed)
    client.force_login(unit_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("supervision_units:list"))
    assert [r.title for r in response.context["recommendations"]] == ["整改中0", "整改中1"]
    assert response.context["closed_page"].paginator.count == closed
    assert response.content.decode().count("往年意见") == closed


def test_closed_recommendations_are_shown_a_page_at_a_time(client, unit_user, unit):
    _history(unit, PAGE_SIZE + 3, open_=0)
    client.force_login(unit_user)
    first = client.get(reverse("supervision_units:list"))
    second = client.get(reverse("supervision_units:list"), {"page": 2})
    assert len(first.context["closed_page"]) == PAGE_SIZE
    assert len(second.context["closed_page"]) == 3
    assert list(first.context["recommendations"]) == []
    assert "?page=2" in first.content.decode()


def test_another_departments_closed_recommendations_stay_hidden(client, unit_user, unit):
    _history(HandlingUnitFactory(), 3)
    client.force_login(unit_user)
    response = client.get(reverse("supervision_units:list"))
    assert response.context["closed_page"].paginator.count == 0
    assert "往年意见" not in response.content.decode()
