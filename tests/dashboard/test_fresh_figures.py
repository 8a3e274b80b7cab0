"""What a leader sees on the dashboard follows each write: within the figures' minimum age for the
stored figures, at the next page for the years offered, and the same while Redis is down."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Proposal, ProposalCategory
from tests.conftest import login
from tests.dashboard.fixtures import YEAR, small_district
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("dashboard:home")


def proposals_shown(client) -> int:
    """The headline count of proposals (the link to exactly the rows it counts)."""
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    return int(
        re.search(r'href="/admin/proposals/proposal/\?year=2017&amp;state__in=[^"]*">(\d+)</a>', html)[1]
    )


def years_offered(client) -> list[int]:
    html = client.get(PAGE).content.decode()
    select = re.search(r'<select id="dash-year".*?</select>', html, re.S)[0]
    return [int(year) for year in re.findall(r'<option value="(\d+)"', select)]


def submit_proposal(year: int = YEAR) -> None:
    Proposal.objects.create(
        year=year,
        title="关于公交的提案",
        reason="现状",
        suggestions="建议",
        category=ProposalCategory.objects.get_or_create(name="城市管理")[0],
        submitter=MemberFactory(),
        state="submitted",
    )


@pytest.fixture
def cache_down(settings):
    """The cache server is unreachable (nothing listens on port 1)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}


def test_a_new_proposal_shows_on_the_dashboard_within_the_minimum_age(
    client, leader_user, settings, django_capture_on_commit_callbacks
):
    settings.DASHBOARD_FIGURES_MIN_AGE = 10
    with time_machine.travel("2017-06-30 10:00:00 +0800", tick=False) as clock:
        small_district()
        login(client, leader_user)
        assert proposals_shown(client) == 3

        with django_capture_on_commit_callbacks(execute=True):
            submit_proposal()
        clock.shift(dt.timedelta(seconds=5))
        assert proposals_shown(client) == 3  # a burst of writes: the figures of 10:00, dated so

        clock.shift(dt.timedelta(seconds=5))
        assert proposals_shown(client) == 4


def test_a_year_with_its_first_proposal_is_offered_on_the_next_page(
    client, leader_user, django_capture_on_commit_callbacks
):
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        small_district()
        login(client, leader_user)
        years_offered(client)  # the first view stores the figures ...
        assert 2015 not in years_offered(client)  # ... the second reads the list from the cache

        with django_capture_on_commit_callbacks(execute=True):
            submit_proposal(year=2015)

        assert 2015 in years_offered(client)


def test_with_redis_down_the_dashboard_shows_each_write_at_once(
    client, leader_user, cache_down, django_capture_on_commit_callbacks
):
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        small_district()
        login(client, leader_user)
        assert proposals_shown(client) == 3 and 2015 not in years_offered(client)

        with django_capture_on_commit_callbacks(execute=True):
            submit_proposal(year=2015)
            submit_proposal()

        assert proposals_shown(client) == 4 and 2015 in years_offered(client)
