import pytest
from rest_framework.test import APIClient

from meetings import checkin, services
from meetings.models import AgendaItem
from tests.meetings.conftest import check_in_all


@pytest.fixture
def api():
    return APIClient()


def test_a_member_sees_only_the_meetings_they_are_called_to(api, sc_meeting, member_user, other_member_user):
    api.force_authenticate(member_user)
    assert [m["id"] for m in api.get("/api/v1/meetings/meetings/").json()["results"]] == [sc_meeting.pk]
    api.force_authenticate(other_member_user)
    assert api.get("/api/v1/meetings/meetings/").json()["results"] == []
    assert api.get(f"/api/v1/meetings/meetings/{sc_meeting.pk}/").status_code == 404


def test_check_in_through_the_api_and_a_second_time_is_a_409_with_a_code(api, open_session, member_user):
    api.force_authenticate(member_user)
    window = checkin.current_window()
    body = {"window": window, "code": checkin.signature(open_session.pk, window)}
    url = f"/api/v1/meetings/sessions/{open_session.pk}/check-in/"
    assert api.post(url, body, format="json").status_code == 201
    again = api.post(url, body, format="json")
    # A state the request conflicts with is a 409 (the API's convention, docs/security.md).
    assert again.status_code == 409
    assert again.json()["code"] == "already_checked_in"


def test_a_forged_code_is_refused_as_not_valid_now(api, open_session, member_user):
    api.force_authenticate(member_user)
    response = api.post(
        f"/api/v1/meetings/sessions/{open_session.pk}/check-in/", {"window": 1, "code": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "bad_code"


def test_ballots_through_the_api_and_the_result(api, open_session, staff_user, standing):
    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="决议", actor=staff_user, secret=True)
    check_in_all(open_session, standing, staff_user)
    api.force_authenticate(staff_user)
    assert api.post(f"/api/v1/meetings/motions/{motion.pk}/open/").status_code == 200
    for m, choice in zip(standing, ["for", "for", "for", "against", "abstain"], strict=True):
        api.force_authenticate(m.user)
        assert (
            api.post(
                f"/api/v1/meetings/motions/{motion.pk}/ballot/", {"choice": choice}, format="json"
            ).status_code
            == 201
        )
    api.force_authenticate(standing[0].user)
    twice = api.post(f"/api/v1/meetings/motions/{motion.pk}/ballot/", {"choice": "for"}, format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_voted")
    bad = api.post(f"/api/v1/meetings/motions/{motion.pk}/ballot/", {"choice": "maybe"}, format="json")
    assert bad.status_code == 400
    assert api.post(f"/api/v1/meetings/motions/{motion.pk}/close/").status_code == 403
    api.force_authenticate(staff_user)
    result = api.post(f"/api/v1/meetings/motions/{motion.pk}/close/").json()
    assert (result["votes_for"], result["votes_against"], result["votes_abstain"], result["adopted"]) == (
        3,
        1,
        1,
        True,
    )


def test_live_figures_are_for_staff_and_leaders(api, open_session, staff_user, leader_user, member_user):
    url = f"/api/v1/meetings/sessions/{open_session.pk}/live/"
    api.force_authenticate(member_user)
    assert api.get(url).status_code == 403
    api.force_authenticate(leader_user)
    assert api.get(url).json()["body_size"] == 5


def test_anonymous_gets_401(api):
    assert api.get("/api/v1/meetings/meetings/").status_code == 401


def test_the_meetings_api_is_in_the_schema(api, staff_user):
    api.force_authenticate(staff_user)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/meetings/sessions/{id}/check-in/" in schema
    assert "/api/v1/meetings/motions/{id}/ballot/" in schema


def test_a_leave_reason_that_is_not_text_is_refused(api, member_user, open_session):
    api.force_authenticate(member_user)
    response = api.post(f"/api/v1/meetings/sessions/{open_session.pk}/leave/", {"reason": 0}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["detail"]
