"""A member is offered "I will attend" and "Ask for leave" exactly when the participation table
(`members.workflows`) allows them, and the services accept exactly those: on the activity page, on the
portal home and in the API. A refused answer changes nothing and says the table's reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from cppcc_portal.core.errors import TransitionError
from members import services
from members.models import Participation
from members.workflows import PARTICIPATION_WORKFLOW, participation_actions
from tests.factories import ActivityFactory
from tests.members.factories import ParticipationFactory

pytestmark = pytest.mark.django_db

FORMS = {"accept": "members:activity_accept", "ask_leave": "members:activity_leave"}
ANSWER_FIELDS = ("invitation", "leave_reason", "attendance", "checked_in_at", "updated_at")


def _in(days=0, minutes=0):
    return timezone.now() + dt.timedelta(days=days, minutes=minutes)


# Each state a member's invitation can be in, and the answers a real office takes from them then.
STATES = {
    "invited": ({}, {}, {"accept", "ask_leave"}),
    "accepted": ({}, {"invitation": "accepted"}, {"ask_leave"}),
    "asked for leave": ({}, {"invitation": "leave_requested", "leave_reason": "出差"}, {"accept"}),
    "started": ({"starts_in": -30}, {}, set()),
    "cancelled": ({"status": "cancelled"}, {}, set()),
    "held": ({"status": "held"}, {}, set()),
    # Check-in opens half an hour before the start: a member checked in early may not ask for leave.
    "checked in": (
        {"starts_in": 20},
        {"invitation": "accepted", "attendance": "present", "checked_in_at": "now"},
        set(),
    ),
    "leave granted": (
        {},
        {"invitation": "leave_requested", "leave_reason": "出差", "attendance": "leave"},
        set(),
    ),
}


@pytest.fixture
def place(request, member):
    activity_fields, participation_fields, expected = STATES[request.param]
    fields = dict(activity_fields)
    starts_at = _in(minutes=fields.pop("starts_in", 2 * 24 * 60))
    activity = ActivityFactory(
        title="界别协商会", starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), **fields
    )
    answers = {k: (_in() if v == "now" else v) for k, v in participation_fields.items()}
    participation = ParticipationFactory(activity=activity, member=member, **answers)
    return participation, expected


def _buttons(html: str, activity) -> set[str]:
    return {
        action for action, name in FORMS.items() if f'action="{reverse(name, args=[activity.pk])}"' in html
    }


def _answer(client, action, activity):
    return client.post(reverse(FORMS[action], args=[activity.pk]), {"reason": "临时有事"}, follow=True)


def _row(participation) -> tuple:
    row = Participation.objects.get(pk=participation.pk)
    return tuple(getattr(row, name) for name in ANSWER_FIELDS)


@pytest.mark.parametrize("place", list(STATES), indirect=True)
def test_the_activity_page_offers_exactly_the_answers_the_table_allows(client, member, place):
    participation, expected = place
    assert set(participation_actions(participation, member.user)) == expected
    client.force_login(member.user)
    html = client.get(reverse("members:activity_detail", args=[participation.activity_id])).content.decode()
    assert _buttons(html, participation.activity) == expected


@pytest.mark.parametrize("place", list(STATES), indirect=True)
def test_the_portal_home_offers_the_same_answers(client, member, place):
    participation, expected = place
    client.force_login(member.user)
    html = client.get(reverse("members:portal_home")).content.decode()
    home = {
        action
        for action, name in FORMS.items()
        if f'action="{reverse(name, args=[participation.activity_id])}"' in html
    }
    # The home lists activities that have not ended; every one listed offers what the table allows.
    assert home == expected


@pytest.mark.parametrize("action", list(FORMS))
@pytest.mark.parametrize("place", list(STATES), indirect=True)
def test_an_answer_is_taken_exactly_when_it_is_offered(client, member, place, action):
    participation, expected = place
    client.force_login(member.user)
    before = _row(participation)
    if action in expected:
        page = _answer(client, action, participation.activity)
        assert [m.level_tag for m in page.context["messages"]] == ["success"]
        assert _row(participation) != before
        return
    with translation.override("zh-hans"), pytest.raises(TransitionError) as refusal:
        PARTICIPATION_WORKFLOW.require(participation, member.user, action)
    page = _answer(client, action, participation.activity)
    assert [str(m) for m in page.context["messages"]] == [refusal.value.message]
    assert _row(participation) == before


@pytest.mark.parametrize(
    ("place", "action", "reason"),
    [
        ("started", "accept", "您现在不能接受邀请：活动已经开始。"),
        ("cancelled", "ask_leave", "您现在不能请假：活动已取消。"),
        ("checked in", "ask_leave", "您现在不能请假：您已签到。"),
        ("leave granted", "accept", "您现在不能接受邀请：组织方已记录您的出勤情况。"),
    ],
    indirect=["place"],
)
def test_a_refusal_reads_as_the_tables_reason_in_chinese(client, member, place, action, reason):
    participation, _expected = place
    client.force_login(member.user)
    page = _answer(client, action, participation.activity)
    assert reason in page.content.decode()


def test_the_service_refuses_an_answer_once_the_activity_has_started_even_without_the_page(member):
    participation = ParticipationFactory(
        member=member, activity=ActivityFactory(starts_at=_in(minutes=-5), ends_at=_in(minutes=115))
    )
    with pytest.raises(TransitionError):
        services.participation_accept(participation=participation, actor=member.user)
    with pytest.raises(TransitionError):
        services.participation_request_leave(participation=participation, actor=member.user, reason="出差")
    assert Participation.objects.get(pk=participation.pk).invitation == "invited"


def test_another_member_is_offered_no_answers_to_an_invitation_not_theirs(member, other_member):
    participation = ParticipationFactory(member=member, activity=ActivityFactory())
    assert participation_actions(participation, other_member.user) == []
    assert participation_actions(participation, member.user) == ["accept", "ask_leave"]


@pytest.mark.parametrize("place", ["invited", "started"], indirect=True)
def test_the_api_names_the_same_answers_and_refuses_the_others_with_the_tables_reason(member, place):
    participation, expected = place
    api = APIClient()
    api.force_authenticate(member.user)
    url = f"/api/v1/members/activities/{participation.activity_id}/accept/"
    before = _row(participation)
    response = api.post(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    if "accept" in expected:
        assert response.status_code == 200
        assert response.json()["actions"] == ["ask_leave"]
        listed = api.get("/api/v1/members/participations/").json()["results"]
        assert [row["actions"] for row in listed] == [["ask_leave"]]
    else:
        assert response.status_code == 409
        assert "活动已经开始" in str(response.json())
        assert _row(participation) == before
