"""Addresses carry the committee: /c/<slug>/… works in that committee, for the pages and the API alike."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from cppcc_portal.core import committees
from tests.conftest import login
from tests.factories import CommitteeFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    district = CommitteeFactory(
        slug="xicheng", short_name="西城区政协", name="中国人民政治协商会议北京市西城区委员会"
    )
    with committees.working_for(district):
        WorkPlanFactory(year=2018, title="西城区政协2018年工作要点")
    WorkPlanFactory(year=2018, title="东城区政协2018年工作要点")
    return district


@pytest.fixture
def seated_staff(staff_user, district):
    """Office staff seated in committee number one and in the district."""
    committees.seat_add(actor=None, user=staff_user, committee=committees.default())
    committees.seat_add(actor=None, user=staff_user, committee=district)
    return staff_user


def test_committee_addresses_cannot_clash_with_a_page():
    assert committees.split_path("/c/xicheng/plan/") == ("xicheng", "/plan/")
    assert committees.split_path("/plan/") is None
    assert committees.split_path("/c/") is None


def test_a_seated_person_at_the_districts_address_sees_the_districts_plan_and_links_that_keep_it(
    client, seated_staff, district
):
    login(client, seated_staff)
    # No choice in the session: the address says which committee.
    page = client.get("/c/xicheng/plan/2018/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "西城区政协2018年工作要点" in html
    assert "东城区政协2018年工作要点" not in html
    assert 'href="/c/xicheng/dashboard/"' in html and 'class="brand" href="/c/xicheng/"' in html
    assert "西城区政协</a>" in html
    # A redirect stays in the committee too, and nobody is asked to choose.
    assert client.get("/c/xicheng/").url == "/c/xicheng/dashboard/"
    # The same person's unprefixed addresses still work in the committee of the session.
    client.post(reverse("committee_choose"), {"committee": committees.default().slug})
    assert "东城区政协2018年工作要点" in client.get("/plan/2018/").content.decode()
    assert 'href="/dashboard/"' in client.get("/plan/2018/").content.decode()


def test_a_person_without_a_seat_in_the_district_is_not_found_there(
    client, member_user, staff_user, district
):
    for person in (member_user, staff_user):  # no seat anywhere: committee number one only
        login(client, person)
        assert client.get("/c/xicheng/plan/2018/").status_code == 404
        assert client.get("/c/xicheng/api/v1/workplan/plans/").status_code == 404
        assert client.get("/c/nowhere/plan/2018/").status_code == 404
    assert client.get(f"/c/{committees.default().slug}/plan/2018/").status_code == 200


def test_someone_not_logged_in_is_sent_to_the_login_of_that_committee(client, district):
    response = client.get("/c/xicheng/plan/2018/")
    assert response.status_code == 302
    assert response.url.startswith("/c/xicheng/accounts/login/")
    login_page = client.get(response.url)
    assert login_page.status_code == 200
    assert "中国人民政治协商会议北京市西城区委员会</footer>" in login_page.content.decode()


def test_the_api_at_the_districts_address_returns_the_districts_rows(seated_staff, member_user, district):
    token = Token.objects.create(user=seated_staff).key
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    theirs = api.get("/c/xicheng/api/v1/workplan/plans/").json()
    assert [plan["title"] for plan in theirs["results"]] == ["西城区政协2018年工作要点"]
    ours = api.get(f"/c/{committees.default().slug}/api/v1/workplan/plans/").json()
    assert [plan["title"] for plan in ours["results"]] == ["东城区政协2018年工作要点"]
    # A token of a person without a seat there finds nothing of the district.
    stranger = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member_user).key}")
    assert stranger.get("/c/xicheng/api/v1/workplan/plans/").status_code == 404


def test_choosing_another_committee_at_an_address_goes_on_at_that_committees_address(
    client, seated_staff, district
):
    login(client, seated_staff)
    response = client.post("/c/xicheng/accounts/committee/", {"committee": committees.default().slug})
    assert response.url == f"/c/{committees.default().slug}/"
