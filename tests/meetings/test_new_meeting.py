"""The office prepares a meeting and its sessions on the portal's own page, not only in the admin."""

import pytest
from django.urls import reverse

from cppcc_portal.core.models import AuditEvent
from meetings.models import Meeting, MeetingSession
from tests.conftest import login
from tests.factories import ItemFactory, SpecialCommitteeFactory

pytestmark = pytest.mark.django_db
URL = reverse("meetings:create")


def sessions(*rows):
    data = {
        "sessions-TOTAL_FORMS": "4",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "20",
    }
    for index, (date, half_day, place) in enumerate(rows):
        data |= {
            f"sessions-{index}-date": date,
            f"sessions-{index}-half_day": half_day,
            f"sessions-{index}-place": place,
        }
    return data


def plenary(**extra):
    return {"title": "区政协十四届二次会议", "kind": "plenary", "body": "all_members", **extra}


def test_staff_prepare_a_plenary_with_its_half_day_sessions_and_plan_items(client, staff_user):
    item = ItemFactory(number=18, title="加强常委会建设")
    login(client, staff_user)
    page = client.get(URL)
    assert page.status_code == 200
    assert "新建会议" in page.content.decode()
    data = plenary(items=[item.pk]) | sessions(
        ("2018-01-07", "morning", "东城区会议中心"),
        ("2018-01-07", "afternoon", "东城区会议中心"),
        ("2018-01-08", "morning", "东城区会议中心"),
    )
    response = client.post(URL, data)
    meeting = Meeting.objects.get(title="区政协十四届二次会议")
    assert response.status_code == 302 and response.url == reverse("meetings:console", args=[meeting.pk])
    assert meeting.status == "draft" and meeting.created_by == staff_user
    assert list(meeting.items.all()) == [item]
    assert [(str(s.date), s.half_day) for s in meeting.sessions.order_by("order")] == [
        ("2018-01-07", "morning"),
        ("2018-01-07", "afternoon"),
        ("2018-01-08", "morning"),
    ]
    # Each session owns its activity (its attendance), which serves the meeting's plan items.
    assert all(list(s.activity.items.all()) == [item] for s in meeting.sessions.all())
    assert AuditEvent.objects.filter(action="meetings.meeting.created").count() == 1
    assert "会议已建立" in client.get(response.url).content.decode()


def test_the_meeting_list_offers_the_new_meeting_page_to_staff_only(client, staff_user, leader_user):
    assert f'href="{URL}"' in login(client, staff_user).get(reverse("meetings:list")).content.decode()
    assert f'href="{URL}"' not in login(client, leader_user).get(reverse("meetings:list")).content.decode()


@pytest.mark.parametrize("persona", ["member_user", "unit_user", "leader_user"])
def test_members_units_and_leaders_may_not_prepare_a_meeting(client, request, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    response = client.post(URL, plenary() | sessions(("2018-01-07", "morning", "会议中心")))
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_someone_not_logged_in_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url


def test_missing_fields_are_named_in_chinese_and_nothing_is_made(client, staff_user):
    login(client, staff_user)
    response = client.post(URL, {"kind": "plenary", "body": "all_members"} | sessions())
    assert response.status_code == 200
    assert "该字段是必填项。" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_special_committee_meeting_must_name_its_committee(client, staff_user):
    login(client, staff_user)
    data = {"title": "经济委员会全体会议", "kind": "special_committee", "body": "special_committee"}
    response = client.post(URL, data | sessions())
    assert "请选择召开会议的专门委员会。" in response.content.decode()
    assert not Meeting.objects.exists()
    committee = SpecialCommitteeFactory(name="经济委员会")
    response = client.post(URL, data | {"committee": committee.pk} | sessions())
    assert Meeting.objects.get().committee == committee


def test_two_sessions_in_the_same_half_day_are_refused_and_nothing_is_made(client, staff_user):
    login(client, staff_user)
    response = client.post(
        URL,
        plenary() | sessions(("2018-01-07", "morning", "会议中心"), ("2018-01-07", "morning", "二楼会议室")),
    )
    assert response.status_code == 200
    assert "两个会次在同一个半天。" in response.content.decode()
    assert not Meeting.objects.exists() and not MeetingSession.objects.exists()


def test_a_session_row_without_its_place_is_refused_in_chinese(client, staff_user):
    login(client, staff_user)
    response = client.post(URL, plenary() | sessions(("2018-01-07", "morning", "")))
    assert "该字段是必填项。" in response.content.decode()
    assert not Meeting.objects.exists()
