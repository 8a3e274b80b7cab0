"""The city's roll-up: every district's key figures, counted from its own records, with a drill-down.

The city's leaders and office open the roll-up and each district's dashboard; a district's leaders
and office see only their own committee's dashboard (the roll-up and other districts: 404).
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cppcc_portal.core import committees
from cppcc_portal.dashboard import rollup
from proposals import services
from tests.conftest import login
from tests.factories import ActivityFactory, CommitteeFactory
from tests.levels import build_levels

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def levels():
    levels = build_levels()
    a, b = levels.a, levels.b
    first = a.proposal("关于西城胡同停车的建议", year=YEAR)
    a.proposal("关于西城老旧小区改造的建议", year=YEAR)
    with committees.working_for(a.committee):
        services.proposal_accept(proposal=first, actor=a.staff)
        ActivityFactory(title="西城区政协视察活动", starts_at=dt.datetime(2025, 5, 6, 9, tzinfo=dt.UTC))
    b.proposal("关于海淀科技园区交通的建议", year=YEAR)
    return levels


def rollup_rows(page: str) -> dict[str, list[str]]:
    """The roll-up table by district slug: the cells of each row."""
    body = page.split('<table id="rollup">')[1].split("</table>")[0]
    rows = {}
    for chunk in body.split('<tr data-committee="')[1:]:
        slug, rest = chunk.split('"', 1)
        cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in rest.split('<td class="num"')[1:]]
        rows[slug] = cells
    return rows


def test_each_district_is_counted_from_its_own_records_only(levels):
    with committees.working_for(levels.city.committee):
        found = rollup.rollup(committee=levels.city.committee, year=YEAR)
    by_slug = {row["committee"].slug: row for row in found["rows"]}
    assert set(by_slug) == {"xicheng", "haidian"}
    assert (by_slug["xicheng"]["proposals_submitted"], by_slug["haidian"]["proposals_submitted"]) == (2, 1)
    assert (by_slug["xicheng"]["proposals_accepted"], by_slug["haidian"]["proposals_accepted"]) == (1, 0)
    assert (by_slug["xicheng"]["activities"], by_slug["haidian"]["activities"]) == (1, 0)
    assert (by_slug["xicheng"]["members"], by_slug["haidian"]["members"]) == (1, 1)
    assert found["totals"]["proposals_submitted"] == 3


def test_the_citys_leader_sees_every_district_and_drills_into_each(client, levels):
    login(client, levels.city.leader)
    page = client.get(reverse("dashboard:rollup"), {"year": YEAR}).content.decode()
    rows = rollup_rows(page)
    assert set(rows) == {"xicheng", "haidian"}
    # Members, below the minimums, activities, attendance, then proposals submitted and accepted.
    assert rows["xicheng"][4:6] == ["2", "1"] and rows["haidian"][4:6] == ["1", "0"]
    assert reverse("dashboard:committee", args=["xicheng"]) in page

    drill = client.get(reverse("dashboard:committee", args=["xicheng"]), {"year": YEAR})
    assert drill.status_code == 200
    assert "中国人民政治协商会议北京市西城区委员会" in drill.content.decode().split('id="drill-committee"')[1]
    assert client.get(reverse("dashboard:committee", args=["haidian"])).status_code == 200
    # The city's own dashboard offers the roll-up.
    assert reverse("dashboard:rollup") in client.get(reverse("dashboard:home")).content.decode()


# Who opens what: the roll-up, 西城's dashboard, 海淀's dashboard.
MATRIX = [
    ("city", "leader", 200, 200, 200),
    ("city", "staff", 200, 200, 200),
    ("city", "member", 403, 403, 403),
    ("a", "leader", 404, 200, 404),
    ("a", "staff", 404, 200, 404),
    ("a", "member", 403, 403, 403),
    ("b", "leader", 404, 404, 200),
    ("b", "staff", 404, 404, 200),
]


@pytest.mark.parametrize(("level", "role", "roll_up", "xicheng", "haidian"), MATRIX)
def test_who_opens_the_roll_up_and_each_districts_dashboard(
    client, levels, level, role, roll_up, xicheng, haidian
):
    login(client, getattr(levels, level).people[role])
    assert client.get(reverse("dashboard:rollup")).status_code == roll_up
    assert client.get(reverse("dashboard:committee", args=["xicheng"])).status_code == xicheng
    assert client.get(reverse("dashboard:committee", args=["haidian"])).status_code == haidian


def _kpi(page: str, label: str) -> int:
    found = re.search(
        rf'<div class="muted">{re.escape(label)}</div>\s*<div class="kpi">(?:<a [^>]*>)?(\d+)', page
    )
    assert found, f"no figure labelled {label}"
    return int(found.group(1))


def test_a_districts_leader_opening_the_dashboard_sees_their_own_district(client, levels):
    login(client, levels.a.leader)
    page = client.get(reverse("dashboard:home"), {"year": YEAR}).content.decode()
    # Their own committee's stored figures, under their committee's name: 西城's two proposals.
    assert "中国人民政治协商会议北京市西城区委员会" in page.split('class="site-footer"')[1]
    assert _kpi(page, "提交的提案（不含草稿）") == 2
    assert reverse("dashboard:rollup") not in page


def test_a_district_under_another_district_is_not_the_citys_to_open(client, levels):
    CommitteeFactory(
        slug="street", short_name="西城某街道", name="西城某街道政协联络组", parent=levels.a.committee
    )
    login(client, levels.city.leader)
    assert client.get(reverse("dashboard:committee", args=["street"])).status_code == 404


# The page's own reads once warm (the year list, the seats and the districts are cached): the
# districts' stored figures in one query across them, and the header's unread count, whatever the
# number of districts.
ROLLUP_QUERIES = 2


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("dashboard:rollup"), {"year": YEAR}).status_code == 200
    return len(captured)


def test_the_roll_up_reads_the_same_few_queries_whatever_the_number_of_districts(client, levels):
    login(client, levels.city.leader)
    # The first view stores each district's figures; the second reads the year list again (a refresh
    # moves it on); from the third on the page is warm.
    _queries(client), _queries(client)
    two = _queries(client)
    third = CommitteeFactory(
        slug="chaoyang", short_name="朝阳区政协", name="中国人民政治协商会议北京市朝阳区委员会"
    )
    with committees.working_for(third):
        ActivityFactory(title="朝阳区政协调研", starts_at=dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC))
    _queries(client), _queries(client)
    three = _queries(client)
    assert "chaoyang" in rollup_rows(client.get(reverse("dashboard:rollup"), {"year": YEAR}).content.decode())
    assert two == three <= ROLLUP_QUERIES
