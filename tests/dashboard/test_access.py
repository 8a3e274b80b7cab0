"""Who may open the dashboard: leaders and staff read it; members, units and strangers do not."""

import re

import pytest
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db


def main_part(html: str) -> str:
    return re.split(r"<main[^>]*>", html, maxsplit=1)[1].split("</main>", 1)[0]


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_member_is_refused_the_dashboard(client, member_user):
    login(client, member_user)
    assert client.get(reverse("dashboard:home")).status_code == 403
    assert client.get(reverse("dashboard:summary")).status_code == 403


def test_a_unit_is_refused_the_dashboard(client, unit_user):
    login(client, unit_user)
    assert client.get(reverse("dashboard:home")).status_code == 403


def test_a_leader_sees_the_dashboard_without_any_form_that_writes(client, leader_user):
    login(client, leader_user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    content = main_part(response.content.decode())
    assert not re.search(r'<form[^>]*method="post"', content, re.I)
    assert "<script" not in content
    assert 'style="' not in content


def test_staff_see_the_dashboard(client, staff_user):
    login(client, staff_user)
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_a_nonsense_year_is_not_found(client, leader_user):
    login(client, leader_user)
    assert client.get(reverse("dashboard:home"), {"year": "abc"}).status_code == 404
    assert client.get(reverse("dashboard:home"), {"year": "99999"}).status_code == 404


def test_the_ping_page_needs_a_login(client, member_user):
    assert client.get(reverse("dashboard:ping")).status_code == 302
    login(client, member_user)
    assert client.get(reverse("dashboard:ping")).content == b"pong"


def test_a_leader_opens_a_members_duty_file_and_a_member_cannot(
    client, leader_user, member, other_member_user
):
    login(client, leader_user)
    response = client.get(reverse("dashboard:member_duty_file", args=[member.pk]))
    assert response.status_code == 200
    assert member.name in response.content.decode()
    login(client, other_member_user)
    assert client.get(reverse("dashboard:member_duty_file", args=[member.pk])).status_code == 403
