import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from meetings import checkin, services
from meetings.models import AgendaItem
from members.models import Participation
from tests.conftest import login
from tests.meetings.conftest import check_in_all


def test_the_door_screen_shows_a_qr_code_whose_url_checks_the_member_in_once(
    client, open_session, sc_meeting, staff_user, member_user, member
):
    screen = login(client, staff_user).get(reverse("meetings:checkin_screen", args=[sc_meeting.pk]))
    assert screen.status_code == 200
    html = screen.content.decode()
    assert "<svg" in html
    url = re.search(r'data-checkin-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    client.force_login(member_user)
    page = client.get(url)
    assert page.status_code == 200
    assert not Participation.objects.filter(
        member=member, attendance="present"
    ).exists()  # GET changes nothing
    window, code = re.search(r"w=(\d+)&c=(\w+)", url).groups()
    done = client.post(url, {"w": window, "c": code})
    assert "checked-in" in done.content.decode()
    again = client.post(url, {"w": window, "c": code})
    assert "无需重复签到" in again.content.decode()
    assert Participation.objects.filter(member=member, attendance="present").count() == 1


def test_a_forged_code_on_the_check_in_page_says_so_and_records_nothing(
    client, open_session, member_user, member
):
    login(client, member_user)
    url = reverse("meetings:checkin", args=[open_session.pk])
    response = client.post(url, {"w": checkin.current_window(), "c": "deadbeef"})
    assert response.status_code == 200
    assert "二维码已过期或无效" in response.content.decode() or "expired" in response.content.decode()
    assert not Participation.objects.filter(member=member, attendance="present").exists()


def test_the_screen_state_rotates_its_code_with_the_window(
    client, open_session, sc_meeting, staff_user, monkeypatch
):
    login(client, staff_user)
    url = reverse("meetings:checkin_screen_state", args=[sc_meeting.pk])
    first = client.get(url).json()
    monkeypatch.setattr(
        checkin, "current_window", lambda now=None: int(first["checkin_url"].split("w=")[1].split("&")[0]) + 1
    )
    second = client.get(url).json()
    assert first["checkin_url"] != second["checkin_url"]
    assert second["present"] == 0 and second["quorum_met"] is False


@pytest.mark.parametrize("name", ["checkin_screen", "checkin_screen_state", "desk", "desk_state"])
def test_members_and_leaders_cannot_open_the_door_screen_or_the_desk(
    client, sc_meeting, member_user, leader_user, name
):
    url = reverse(f"meetings:{name}", args=[sc_meeting.pk])
    assert login(client, member_user).get(url).status_code == 403
    assert login(client, leader_user).get(url).status_code == 403


def test_a_leader_is_offered_no_link_to_the_door_screen_or_the_desk_only_staff_are(
    client, sc_meeting, leader_user, staff_user
):
    console = reverse("meetings:console", args=[sc_meeting.pk])
    desk = reverse("meetings:desk", args=[sc_meeting.pk])
    assert desk not in login(client, leader_user).get(console).content.decode()
    assert desk in login(client, staff_user).get(console).content.decode()


def test_the_desk_finds_a_member_by_number_and_checks_them_in(
    client, open_session, sc_meeting, staff_user, standing
):
    login(client, staff_user)
    url = reverse("meetings:desk", args=[sc_meeting.pk])
    page = client.get(url, {"q": standing[2].member_number})
    assert standing[2].name in page.content.decode()
    participation = Participation.objects.get(activity=open_session.activity, member=standing[2])
    client.post(f"{url}?q={standing[2].member_number}", {"participation": participation.pk})
    participation.refresh_from_db()
    assert participation.attendance == "present"
    state = client.get(reverse("meetings:desk_state", args=[sc_meeting.pk])).json()
    assert state["present"] == 1
    assert len(state["absent"]) == 4


def test_the_projector_shows_the_vote_progress_and_then_the_result(
    client, open_session, sc_meeting, staff_user, standing
):
    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="通过工作要点", actor=staff_user)
    check_in_all(open_session, standing, staff_user)
    login(client, staff_user)
    client.post(reverse("meetings:motion_open", args=[motion.pk]))
    for m in standing[:3]:
        services.ballot_cast(motion=motion, actor=m.user, choice="for")
    state = client.get(reverse("meetings:projector_state", args=[sc_meeting.pk])).json()
    assert state["vote"] == {"title": "通过工作要点", "voted": 3, "eligible": 5}
    assert state["item"] == item.title
    client.post(reverse("meetings:motion_close", args=[motion.pk]))
    state = client.get(reverse("meetings:projector_state", args=[sc_meeting.pk])).json()
    assert state["vote"] is None
    assert state["result"]["for"] == 3 and state["result"]["adopted"] is True
    page = client.get(reverse("meetings:projector", args=[sc_meeting.pk]))
    html = page.content.decode()
    assert 'src="/static/meetings/live.js"' in html
    assert '<meta http-equiv="refresh"' in html
    assert "<script>" not in html  # no inline script under the CSP


def test_a_member_votes_from_the_portal_agenda(client, open_session, staff_user, member, member_user):
    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="表决", actor=staff_user)
    check_in_all(open_session, [member], staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    login(client, member_user)
    page = client.get(reverse("meetings_portal:agenda"))
    assert f'id="vote-{motion.pk}"' in page.content.decode()
    client.post(reverse("meetings_portal:vote", args=[motion.pk]), {"choice": "for"})
    second = client.post(
        reverse("meetings_portal:vote", args=[motion.pk]), {"choice": "against"}, follow=True
    )
    assert "已经投过票" in second.content.decode() or "already voted" in second.content.decode()
    assert motion.ballots.count() == 1


def test_the_personal_agenda_lists_the_meetings_a_member_is_called_to_in_few_queries(
    client, sc_meeting, member_user, other_member_user, django_assert_max_num_queries
):
    login(client, member_user)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("meetings_portal:agenda"))
    assert sc_meeting.title in page.content.decode()
    assert (
        sc_meeting.title
        not in login(client, other_member_user).get(reverse("meetings_portal:agenda")).content.decode()
    )


def test_registration_and_leave_from_the_portal(client, sc_session, staff_user, member, member_user):
    login(client, member_user)
    with time_machine.travel(sc_session.activity.starts_at - dt.timedelta(hours=1)):
        client.post(reverse("meetings_portal:leave", args=[sc_session.pk]), {"reason": "出差"})
    participation = Participation.objects.get(activity=sc_session.activity, member=member)
    assert participation.invitation == "leave_requested"
    login(client, staff_user)
    console = client.get(reverse("meetings:console", args=[sc_session.meeting_id]))
    assert "出差" in console.content.decode()
    client.post(reverse("meetings:leave_decide", args=[participation.pk]), {"decision": "approve"})
    participation.refresh_from_db()
    assert participation.attendance == "leave"


def test_a_member_cannot_see_a_meeting_they_are_not_called_to(
    client, sc_meeting, sc_session, other_member_user
):
    login(client, other_member_user)
    assert client.get(reverse("meetings_portal:documents", args=[sc_meeting.pk])).status_code == 404
    assert client.post(reverse("meetings_portal:register", args=[sc_session.pk])).status_code == 404
    assert client.get(reverse("meetings:console", args=[sc_meeting.pk])).status_code == 403


def test_staff_run_a_session_from_the_console(
    client, sc_meeting, sc_session, staff_user, django_assert_max_num_queries
):
    login(client, staff_user)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("meetings:console", args=[sc_meeting.pk]))
    assert page.status_code == 200
    client.post(reverse("meetings:session_open", args=[sc_session.pk]))
    sc_session.refresh_from_db()
    assert sc_session.status == "open"
    client.post(reverse("meetings:session_close", args=[sc_session.pk]))
    sc_session.refresh_from_db()
    assert sc_session.status == "closed"
    minutes = client.post(
        reverse("meetings:minutes", args=[sc_session.pk]), {"text": "会议审议通过了工作要点。"}, follow=True
    )
    assert "会议审议通过了工作要点" in minutes.content.decode()


def test_the_attendance_report_exports_to_excel(client, sc_session, staff_user, standing):
    from io import BytesIO

    from openpyxl import load_workbook

    services.session_open(session=sc_session, actor=staff_user)
    services.check_in_at_desk(session=sc_session, member=standing[0], actor=staff_user)
    services.session_close(session=sc_session, actor=staff_user)
    login(client, staff_user)
    url = reverse("meetings:attendance_report")
    params = {"body": "standing_committee", "year": sc_session.date.year}
    page = client.get(url, params)
    assert standing[0].name in page.content.decode()
    export = client.get(url, {**params, "format": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(standing)
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number[standing[0].member_number][-4:] == (1, 0, 0, 100)
    assert by_number[standing[1].member_number][-4:] == (0, 0, 1, 0)


def test_a_bad_year_in_the_attendance_report_is_a_message_not_an_error(client, staff_user):
    login(client, staff_user)
    page = client.get(reverse("meetings:attendance_report"), {"body": "standing_committee", "year": "abc"})
    assert page.status_code == 200
