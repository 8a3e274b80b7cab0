"""The dashboard's own part (the year selector, the links and the figures) is kept rendered: a
second view reads only when the figures were computed, and the district a city leader drills into,
the city's own page and the district's own leader's page are never given one another's head."""

import re

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.dashboard.fixtures import YEAR, small_district
from tests.levels import build_levels

pytestmark = pytest.mark.django_db
PAGE = reverse("dashboard:home")
ROLLUP_LINK = f'href="{reverse("dashboard:rollup")}?year='


def own_part(html: str) -> str:
    """The page from its head to the end of the figures (the frame's tokens left out)."""
    return html.split('<div class="dash-head">', 1)[1].rsplit("</main>", 1)[0]


def test_a_second_view_reads_only_the_figures_times_and_shows_the_same_page(
    client, leader_user, django_assert_num_queries
):
    small_district()
    login(client, leader_user)
    # The first view computes the figures, which moves the years offered on: the second reads them.
    client.get(PAGE, {"year": YEAR})
    first = client.get(PAGE, {"year": YEAR}).content.decode()
    with django_assert_num_queries(1):
        second = client.get(PAGE, {"year": YEAR}).content.decode()
    assert own_part(second) == own_part(first)
    assert re.search(r'<option value="2017" selected>2017</option>', second)


def test_the_district_drilled_into_the_citys_page_and_the_districts_own_are_kept_apart(client):
    levels = build_levels()
    login(client, levels.city.leader)
    drilled = client.get(reverse("dashboard:committee", args=["xicheng"])).content.decode()
    city = client.get(PAGE).content.decode()
    login(client, levels.a.leader)
    own = client.get(PAGE).content.decode()

    assert 'id="drill-committee"' in drilled and ROLLUP_LINK in drilled.split('id="drill-committee"')[1]
    assert 'id="drill-committee"' not in city and ROLLUP_LINK in city
    # 西城's own leader: the same committee's figures, but neither the drill line nor the roll-up.
    assert 'id="drill-committee"' not in own and ROLLUP_LINK not in own
