"""The member row and the bodies a member leads are kept between pages, and follow every roster edit at once."""

from django.urls import reverse

from members.models import CommitteeMembership
from tests.conftest import login

LED_LINK = "为您负责的机构所组织的活动记录出席情况和成果"


def portal_home(client) -> str:
    response = client.get(reverse("members:portal_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_taken_off_the_roster_is_refused_on_the_next_page(client, member):
    login(client, member.user)
    assert client.get(reverse("members:portal_home")).status_code == 200
    member.user = None
    member.save()
    assert client.get(reverse("members:portal_home")).status_code == 403


def test_a_members_new_name_shows_on_the_next_page(client, member):
    login(client, member.user)
    client.get(reverse("members:portal_home"))
    member.name = "李新名"
    member.save()
    assert "李新名" in client.get(reverse("members:duty_file")).content.decode()


def test_a_member_made_director_finds_the_led_activities_at_once(client, member, committee):
    login(client, member.user)
    assert LED_LINK not in portal_home(client)
    seat = CommitteeMembership.objects.create(committee=committee, member=member, role="director")
    assert LED_LINK in portal_home(client)
    seat.delete()
    assert LED_LINK not in portal_home(client)
