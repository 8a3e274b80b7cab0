"""The year's figures, charts and tables are the same for every leader: they are rendered once per
stored figures, language and day, and a refresh of any year's figures shows on the next page."""

import pytest
import time_machine
from django.urls import reverse

from cppcc_portal.core import roles
from cppcc_portal.dashboard import figures, views
from tests.conftest import login
from tests.dashboard.fixtures import YEAR, small_district
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("dashboard:home")


@pytest.fixture
def renders(monkeypatch):
    """How many times the page's figures were turned into charts and tables."""
    calls = []
    real = views.dashboard_context

    def counting(*args, **kwargs):
        calls.append(args[-1])
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "dashboard_context", counting)
    return calls


def test_a_second_leader_reads_the_figures_rendered_for_the_first(client, leader_user, renders):
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        small_district()
        first = login(client, leader_user).get(PAGE, {"year": YEAR}).content.decode()
        other = UserFactory(username="another_leader", role=roles.LEADER)
        second = login(client, other).get(PAGE, {"year": YEAR}).content.decode()

    assert renders == [YEAR]
    assert 'id="summary"' in second
    assert first.split('id="summary"')[1] == second.split('id="summary"')[1]


def test_another_language_and_another_day_are_rendered_anew(client, leader_user, renders):
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        small_district()
        login(client, leader_user)
        chinese = client.get(PAGE, {"year": YEAR}).content.decode()
        session = client.session
        session["portal_language"] = "en"  # what choosing English in the header keeps
        session.save()
        english = client.get(PAGE, {"year": YEAR}).content.decode()
    with time_machine.travel("2017-07-01 10:00 +0800", tick=False):
        client.get(PAGE, {"year": YEAR})

    assert "At a glance" not in chinese
    assert "At a glance" in english
    assert renders == [YEAR, YEAR, YEAR]


def test_a_refresh_of_the_figures_shows_on_the_next_page(client, leader_user, renders):
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        small_district()
        login(client, leader_user).get(PAGE, {"year": YEAR})
        figures.refresh_year_figures(YEAR - 5)  # another year of the trends, by the periodic task
        client.get(PAGE, {"year": YEAR})

    assert renders == [YEAR, YEAR]
