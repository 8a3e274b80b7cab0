"""Two committees in one installation: one committee's pages never show another committee's rows.

A district's year of work is built while working for the district (every row's ``tenant``); the
installation serves committee number one, whose office and leaders then open their main pages.
"""

import pytest
from django.urls import reverse

from cppcc_portal.core import committees
from devdata import decade
from members import selectors as member_selectors
from members.models import Activity, Member
from proposals import selectors as proposal_selectors
from proposals.models import OpinionReport, Proposal
from supervision.models import SupervisionTopic
from tests.conftest import login
from tests.factories import CommitteeFactory
from workplan.models import WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    district = CommitteeFactory(
        slug="xicheng", short_name="西城区政协", name="中国人民政治协商会议北京市西城区委员会"
    )
    with committees.working_for(district):
        decade.build(last_year=2017, years=1, say=lambda message: None, scale=0.002)
    return district


def the_districts_rows(district):
    """Names and titles of the district's rows that its own pages show."""
    with committees.working_for(district):
        return _rows_in_hand(district)


def _rows_in_hand(district):
    return {
        "plan": WorkPlan.objects.get(tenant=district).title,
        "member": Member.objects.filter(tenant=district).order_by("member_number").first().name,
        "report": OpinionReport.objects.filter(tenant=district).order_by("pk").first().title,
        "topic": SupervisionTopic.objects.filter(tenant=district).order_by("pk").first().title,
    }


# The main pages of the office, the leaders and the members, and who opens each.
PAGES = {
    "plan": (reverse("workplan:current"), "staff"),
    "member": (reverse("members:directory"), "member"),
    "report": (reverse("proposals:reports"), "leader"),
    "topic": (reverse("supervision:topic_list"), "staff"),
}


def test_every_row_built_for_the_district_belongs_to_the_district(district, staff_user):
    one = committees.default()
    with committees.across_committees():
        assert Member.objects.filter(tenant=district).count() >= 12
        assert not Member.objects.filter(tenant=one).exists()
        assert not Activity.objects.filter(tenant=one).exists()
        assert not Proposal.objects.filter(tenant=one).exists()
    # Working for committee one (the test's scope), the district's rows are not there at all.
    assert not Member.objects.exists()
    # The selectors read the committee in hand.
    assert not member_selectors.member_list(user=staff_user).exists()
    assert not proposal_selectors.proposal_list(user=staff_user).exists()
    with committees.working_for(district):
        assert (
            member_selectors.member_list(user=staff_user).count()
            == Member.objects.filter(tenant=district).count()
        )
        assert (
            proposal_selectors.proposal_list(user=staff_user).count()
            == Proposal.objects.filter(tenant=district).count()
        )


def test_the_main_pages_of_committee_one_show_nothing_of_the_district(
    client, staff_user, leader_user, member_user, district, settings
):
    people = {"staff": staff_user, "leader": leader_user, "member": member_user}
    shown = the_districts_rows(district)
    for name, (url, who) in PAGES.items():
        login(client, people[who])
        response = client.get(url)
        # Committee one has no plan yet: its plan page says so (404).
        assert response.status_code == (404 if name == "plan" else 200), name
        assert shown[name] not in response.content.decode(), name

    # The same pages of an installation serving the district show them: the test can fail.
    settings.COMMITTEE_SLUG = district.slug
    committees.forget()
    for name, (url, who) in PAGES.items():
        if who == "member":
            continue  # committee one's member has no seat in the district
        login(client, people[who])
        assert shown[name] in client.get(url, follow=True).content.decode(), name


def test_a_district_proposal_or_report_is_not_found_by_its_number_nor_in_the_api(
    client, staff_user, leader_user, district
):
    with committees.working_for(district):
        proposal = Proposal.objects.first()
        report = OpinionReport.objects.first()
    for user in (staff_user, leader_user):
        login(client, user)
        assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404
        assert client.get(reverse("proposals:report_detail", args=[report.pk])).status_code == 404
    login(client, staff_user)
    response = client.get("/api/v1/proposals/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
