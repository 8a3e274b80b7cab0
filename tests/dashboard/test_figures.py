"""The dashboard's figures on a small known district equal the figures counted by hand."""

import pytest
import time_machine
from django.urls import reverse

from cppcc_portal.dashboard.figures import live_figures
from tests.conftest import login
from tests.dashboard.fixtures import YEAR, small_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        yield small_district()


@time_machine.travel("2017-06-30 10:00 +0800", tick=False)
def test_the_plan_figures_are_the_items_and_tasks_counted_by_hand(district):
    plan = live_figures(YEAR)["plan"]
    assert plan["exists"] is True
    assert plan["status_counts"]["done"] == 1
    assert plan["status_counts"]["in_progress"] == 1
    assert plan["status_counts"]["not_started"] == 1
    assert [len(s["items"]) for s in plan["sections"]] == [2, 1]
    assert plan["overdue_count"] == 1
    assert [t["title"] for t in plan["overdue_tasks"]] == ["逾期任务"]
    first_item = plan["sections"][0]["items"][0]
    assert (first_item["tasks"], first_item["tasks_overdue"]) == (2, 1)


@time_machine.travel("2017-06-30 10:00 +0800", tick=False)
def test_activities_are_counted_by_kind_and_month_without_cancelled_ones(district):
    activities = live_figures(YEAR)["activities"]
    assert activities["total"] == 3
    assert activities["by_kind"] == {"meeting": 2, "training": 1}
    assert activities["by_month"][2] == 1  # March
    assert activities["by_month"][5] == 2  # June
    assert activities["this_month"] == 2


@time_machine.travel("2017-06-30 10:00 +0800", tick=False)
def test_attendance_by_sector_is_three_present_out_of_four(district):
    participation = live_figures(YEAR)["participation"]
    assert participation["attendance_rate"] == 75.0
    row = next(r for r in participation["attendance_by_sector"] if r["name"] == "经济界")
    assert (row["recorded"], row["present"]) == (4, 3)


@time_machine.travel("2017-06-30 10:00 +0800", tick=False)
def test_proposals_and_reports_are_counted_by_state_and_level(district):
    figures = live_figures(YEAR)
    assert figures["proposals"]["total"] == 3
    assert figures["proposals"]["by_state"]["closed"] == 2
    assert figures["proposals"]["by_state"]["rejected"] == 1
    assert figures["reports"]["total"] == 3
    assert figures["reports"]["adopted_by_level"] == {"district": 1, "city": 1}


@time_machine.travel("2017-06-30 10:00 +0800", tick=False)
def test_the_page_shows_the_hand_counted_figures_with_links_to_their_lists(client, leader_user, district):
    login(client, leader_user)
    html = client.get(reverse("dashboard:home"), {"year": YEAR}).content.decode()
    assert "逾期任务" in html
    assert "75.0%" in html
    assert f"/admin/members/activity/?kind__exact=meeting&amp;starts_at__gte={YEAR}-01-01" in html
    assert "<title>" in html


@time_machine.travel("2017-06-30 10:00 +0800", tick=False)
def test_every_drill_down_link_opens_its_admin_list(client, staff_user, district):
    import html as htmllib
    import re

    login(client, staff_user)
    page = client.get(reverse("dashboard:home"), {"year": YEAR}).content.decode()
    links = sorted({htmllib.unescape(h) for h in re.findall(r'href="(/admin/[^"]*)"', page)})
    assert len(links) > 10
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link


def test_the_previous_year_gives_the_deltas(client, leader_user, district):
    login(client, leader_user)
    html = client.get(reverse("dashboard:home"), {"year": YEAR}).content.decode()
    assert "dash-delta" in html
