"""The participations API keeps each reader's page: a second request reads no row, yet every write
the page shows (through the services, a signal or a bulk path) shows on the next request, a
member's answers close when their activity starts with no write at all, and no reader is ever
given another's page or a page they may not have."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cppcc_portal.core import roles
from members import services
from members.attendance_import import AttendanceRow, attendance_import_rows
from members.models import Participation
from tests.conftest import login
from tests.factories import ActivityFactory, MemberFactory
from tests.members.factories import ParticipationFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/members/participations/"


@pytest.fixture
def coming(member, other_member):
    """A planned activity a week ahead, both members invited (the persona has not answered)."""
    activity = ActivityFactory(title="界别协商会")
    ParticipationFactory(activity=activity, member=member)
    ParticipationFactory(activity=activity, member=other_member)
    return activity


def rows(client) -> list[dict]:
    response = client.get(LIST)
    assert response.status_code == 200
    return response.json()["results"]


def test_a_second_request_reads_no_row_and_answers_the_same_bytes(
    client, staff_user, coming, django_assert_num_queries
):
    login(client, staff_user)
    first = client.get(LIST)
    with django_assert_num_queries(0):
        second = client.get(LIST)
    assert second.content == first.content
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert [row["member_name"] for row in second.json()["results"]] == ["张委员", "李委员"]


def test_an_answer_through_the_service_shows_on_the_next_request(client, member, coming):
    login(client, member.user)
    assert [row["invitation"] for row in rows(client)] == ["invited"]
    services.participation_accept(
        participation=Participation.objects.get(member=member, activity=coming), actor=member.user
    )
    [row] = rows(client)
    assert row["invitation"] == "accepted"
    assert row["actions"] == ["ask_leave"]


def test_a_renamed_activity_and_member_show_on_the_next_request(client, staff_user, member, coming):
    login(client, staff_user)
    rows(client)
    coming.title = "视察调研"
    coming.save()
    member.name = "张新名"
    member.save()
    assert {(row["activity_title"], row["member_name"]) for row in rows(client)} == {
        ("视察调研", "张新名"),
        ("视察调研", "李委员"),
    }


def test_an_attendance_import_written_in_bulk_shows_on_the_next_request(client, staff_user, member):
    held = ActivityFactory(starts_at=timezone.now() - dt.timedelta(hours=3))
    ParticipationFactory(activity=held, member=member)
    newcomer = MemberFactory(name="王委员")
    login(client, staff_user)
    rows(client)
    attendance_import_rows(
        actor=staff_user,
        rows=[
            AttendanceRow(activity=held, member=member, attendance="leave", reason="出差"),
            AttendanceRow(activity=held, member=newcomer, attendance="present"),
        ],
    )
    listed = {row["member_name"]: row for row in rows(client)}
    assert listed["张委员"]["attendance"] == "leave"
    assert listed["张委员"]["leave_reason"] == "出差"
    assert listed["王委员"]["attendance"] == "present"


def test_an_invitation_inserted_in_bulk_shows_on_the_next_request(client, staff_user, coming):
    newcomer = MemberFactory(name="赵委员")
    login(client, staff_user)
    assert len(rows(client)) == 2
    services.activity_invite(activity=coming, members=[newcomer], actor=staff_user)
    assert "赵委员" in {row["member_name"] for row in rows(client)}


def test_the_answers_close_when_the_activity_starts_without_any_write(client, member, coming):
    login(client, member.user)
    with time_machine.travel(coming.starts_at - dt.timedelta(minutes=1), tick=False):
        assert rows(client)[0]["actions"] == ["accept", "ask_leave"]
    with time_machine.travel(coming.starts_at + dt.timedelta(minutes=1), tick=False):
        assert rows(client)[0]["actions"] == []


def test_each_reader_is_given_their_own_rows_and_answers(client, staff_user, member, other_member, coming):
    login(client, staff_user)
    assert len(rows(client)) == 2
    assert all(row["actions"] == [] for row in rows(client))
    login(client, member.user)
    [mine] = rows(client)
    assert (mine["member_name"], mine["actions"]) == ("张委员", ["accept", "ask_leave"])
    login(client, other_member.user)
    [theirs] = rows(client)
    assert (theirs["member_name"], theirs["actions"]) == ("李委员", ["accept", "ask_leave"])


def test_two_token_readers_without_sessions_are_each_given_their_own_rows(member, other_member, coming):
    names = []
    for person in (member, other_member):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=person.user).key}")
        names.append([row["member_name"] for row in api.get(LIST).json()["results"]])
    assert names == [["张委员"], ["李委员"]]


def test_a_member_given_the_office_role_sees_every_row_on_the_next_request(client, member, coming):
    login(client, member.user)
    assert len(rows(client)) == 1
    member.user.groups.add(roles.ensure_groups()[roles.STAFF])
    assert len(rows(client)) == 2


def test_the_page_links_name_the_host_they_were_asked_at(client, staff_user, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portal.example.org"]
    activity = ActivityFactory()
    for _ in range(51):
        ParticipationFactory(activity=activity)
    login(client, staff_user)
    assert client.get(LIST).json()["next"].startswith("http://testserver/")
    assert (
        client.get(LIST, HTTP_HOST="portal.example.org")
        .json()["next"]
        .startswith("http://portal.example.org/")
    )


def test_refusals_still_hold_after_a_reader_was_given_the_page(client, staff_user, unit_user, coming):
    login(client, staff_user)
    assert len(rows(client)) == 2
    login(client, unit_user)
    assert client.get(LIST).status_code == 403
    client.logout()
    assert client.get(LIST).status_code in (401, 403)


def test_a_refused_page_number_is_not_kept(client, staff_user, coming):
    login(client, staff_user)
    assert client.get(LIST, {"page": "2"}).status_code == 404
    activity = ActivityFactory(starts_at=timezone.now() + dt.timedelta(days=1))
    for _ in range(50):
        ParticipationFactory(activity=activity)
    assert client.get(LIST, {"page": "2"}).status_code == 200


def test_the_browsable_api_still_shows_its_page_controls_after_the_json_was_kept(client, staff_user):
    activity = ActivityFactory()
    for _ in range(51):
        ParticipationFactory(activity=activity)
    login(client, staff_user)
    rows(client)
    page = client.get(LIST, HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert 'class="pagination"' in page.content.decode()
