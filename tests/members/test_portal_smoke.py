"""Every portal page opens for a member and refuses a handling unit."""

import pytest
from django.urls import reverse

from tests.members.factories import DutyRecordFactory, ParticipationFactory, TrainingFactory

PAGES = ["members:portal_home", "members:records", "members:score", "members:duty_file", "members:directory"]


@pytest.mark.parametrize("name", PAGES)
def test_a_member_opens_each_portal_page(client, member_user, name):
    client.force_login(member_user)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_handling_unit_is_refused_the_portal(client, unit_user, name):
    client.force_login(unit_user)
    assert client.get(reverse(name)).status_code == 403


def test_the_activity_and_record_pages_open_for_their_member(client, member):
    participation = ParticipationFactory(member=member, activity=TrainingFactory())
    record = DutyRecordFactory(member=member)
    client.force_login(member.user)
    assert client.get(reverse("members:activity_detail", args=[participation.activity_id])).status_code == 200
    assert client.get(reverse("members:record_detail", args=[record.pk])).status_code == 200


def test_only_the_member_themself_is_offered_the_way_back_to_their_portal_from_a_duty_file(
    client, member, leader_user
):
    back = f'href="{reverse("members:portal_home")}"'
    client.force_login(member.user)
    assert back in client.get(reverse("members:duty_file")).content.decode()
    client.force_login(leader_user)
    assert back not in client.get(reverse("members:member_duty_file", args=[member.pk])).content.decode()
