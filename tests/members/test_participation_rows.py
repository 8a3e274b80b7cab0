"""The participations API writes each row by hand, for speed, and the rows it writes are exactly what
the serializer's declared fields (the published schema) would write: values, nulls, date-times in
the committee's time zone and the answers open to the requesting member."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient, APIRequestFactory

from members.api.serializers import ParticipationSerializer
from members.models import Participation
from tests.factories import ActivityFactory
from tests.members.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(member, other_member):
    coming = ActivityFactory(title="界别协商会", capacity=2)
    held = ActivityFactory(title="视察", starts_at=timezone.now() - dt.timedelta(days=3), status="held")
    ParticipationFactory(activity=coming, member=member)  # open: "accept", "ask_leave"
    ParticipationFactory(
        activity=coming,
        member=other_member,
        invitation="leave_requested",
        leave_reason="出差",
        enrolment="waitlisted",
        waitlist_position=1,
    )
    ParticipationFactory(
        activity=held,
        member=member,
        invitation="accepted",
        attendance="present",
        checked_in_at=held.starts_at,
        recorded_at=held.starts_at + dt.timedelta(hours=1, microseconds=5),
    )


def _fields_would_write(row_id, user) -> dict:
    """The row as DRF writes it field by field (Serializer.to_representation, not ours)."""
    request = APIRequestFactory().get("/api/v1/members/participations/")
    request.user = user
    serializer = ParticipationSerializer(context={"request": request})
    participation = Participation.objects.select_related("activity", "member").get(pk=row_id)
    return dict(serializers.Serializer.to_representation(serializer, participation))


@pytest.mark.parametrize("who", ["member", "staff"])
def test_each_listed_row_is_what_the_declared_fields_write(rows, member, staff_user, who):
    user = member.user if who == "member" else staff_user
    api = APIClient()
    api.force_authenticate(user)
    listed = api.get("/api/v1/members/participations/").json()["results"]
    assert len(listed) == (2 if who == "member" else 3)
    for row in listed:
        assert row == _fields_would_write(row["id"], user)
    if who == "member":
        assert [row["actions"] for row in listed] == [["accept", "ask_leave"], []]
    else:
        assert all(row["actions"] == [] for row in listed)


def test_the_list_looks_up_no_member_for_a_login_without_rows_of_its_own(rows, client, staff_user):
    client.force_login(staff_user)  # each request reads its user afresh, as a browser's session does
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/members/participations/").status_code == 200
    # The count and the page (which joins the members); nothing asks which member the office is.
    assert [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "members_member"')
    ] == []
