"""The door's and the vote's burst: each check-in and each ballot costs a small, fixed number of
queries however many are already in, and two at once of the same member count once."""

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meetings import checkin, services
from meetings.models import AgendaItem, Ballot, VoteReceipt
from members.models import DutyRecord, Participation
from tests.meetings.conftest import check_in_all, make_sc_meeting, member_with_login, set_rule

# What one request costs on PostgreSQL with a token: authentication, the user's roles and member,
# the session (the motion), then the service (savepoints included). The audit chain's seal runs
# after the commit and is not counted (the test transaction does not commit).
CHECK_IN_QUERIES = 22
BALLOT_QUERIES = 14


def token_client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return api


def check_in_body(session):
    window = checkin.current_window()
    return {"window": window, "code": checkin.signature(session.pk, window)}


@pytest.fixture
def content_types_known(db):
    # As in a running server, where the content types are cached after the first request.
    for model in (Participation, DutyRecord, VoteReceipt):
        ContentType.objects.get_for_model(model)


def test_a_check_in_costs_the_same_few_queries_however_many_are_present(
    open_session, standing, staff_user, content_types_known, django_assert_max_num_queries
):
    url = f"/api/v1/meetings/sessions/{open_session.pk}/check-in/"
    first_api, last_api = token_client(standing[0].user), token_client(standing[4].user)
    with django_assert_max_num_queries(CHECK_IN_QUERIES):
        first = first_api.post(url, check_in_body(open_session), format="json")
    assert first.status_code == 201
    check_in_all(open_session, standing[1:4], staff_user)
    with django_assert_max_num_queries(CHECK_IN_QUERIES):
        last = last_api.post(url, check_in_body(open_session), format="json")
    assert last.status_code == 201
    assert Participation.objects.filter(activity=open_session.activity, attendance="present").count() == 5
    # The side effects stay: one duty record and one audit row per check-in.
    assert DutyRecord.objects.filter(event_kind="meeting", object_id=open_session.activity_id).count() == 5


def test_a_ballot_costs_the_same_few_queries_however_many_have_voted(
    open_session, standing, staff_user, content_types_known, django_assert_max_num_queries
):
    motion = services.motion_create(
        agenda_item=AgendaItem.objects.get(session=open_session), title="决议", actor=staff_user, secret=True
    )
    check_in_all(open_session, standing, staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    url = f"/api/v1/meetings/motions/{motion.pk}/ballot/"
    for index, member in enumerate(standing):
        api = token_client(member.user)
        with django_assert_max_num_queries(BALLOT_QUERIES):
            response = api.post(url, {"choice": "for"}, format="json")
        assert response.status_code == 201, index
    assert (
        Ballot.objects.filter(motion=motion).count() == VoteReceipt.objects.filter(motion=motion).count() == 5
    )


@pytest.mark.django_db(transaction=True)
def test_members_scanning_at_once_and_twice_are_each_checked_in_and_counted_once(staff_user):
    set_rule()
    members = [member_with_login(f"burst{i}", is_standing_committee=True) for i in range(6)]
    meeting = make_sc_meeting(staff_user, timezone.localdate())
    session = meeting.sessions.get()
    services.session_open(session=session, actor=staff_user)
    url = f"/api/v1/meetings/sessions/{session.pk}/check-in/"
    body = check_in_body(session)
    statuses = []

    def scan(member):
        try:
            statuses.append(token_client(member.user).post(url, body, format="json").status_code)
        finally:
            connection.close()

    # Every member scans twice, all at the same moment.
    threads = [threading.Thread(target=scan, args=(m,)) for m in members for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] * 6 + [409] * 6
    present = Participation.objects.filter(activity=session.activity, attendance="present")
    assert present.count() == 6
    assert DutyRecord.objects.filter(object_id=session.activity_id, event_kind="meeting").count() == 6
