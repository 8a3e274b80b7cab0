"""The meetings list, the office's console and a member's agenda are kept rendered per reader (issue 21,
meetings.selectors.READER_PAGES): a repeat view reads no row, and every write they show (through the
services, and the members' bulk writes that send no per-row signal), the clock closing the answers
to a notice, another reader, the forms' CSRF and the permission checks all still hold."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.choices import SpeechState
from meetings.models import AgendaItem, DiscussionGroup
from members import services as member_services
from members.attendance_import import AttendanceRow, attendance_import_rows
from members.models import Participation
from tests.conftest import login, without_csrf_tokens
from tests.meetings.conftest import check_in_all

pytestmark = pytest.mark.django_db

AGENDA = reverse("meetings_portal:agenda")
LIST = reverse("meetings:list")


def _console(client, meeting) -> str:
    return client.get(reverse("meetings:console", args=[meeting.pk])).content.decode()


def _agenda(client) -> str:
    return client.get(AGENDA).content.decode()


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _in_english(client):
    """The person chose English (kept in their session by core.middleware.UserLanguageMiddleware)."""
    session = client.session
    session["portal_language"] = "en"
    session.save()


def _before_start(session):
    """An hour before the session starts: the member may still answer the notice."""
    return time_machine.travel(session.activity.starts_at - dt.timedelta(hours=1), tick=False)


# --- a repeat view reads no row ------------------------------------------------------------------


def test_a_second_view_of_the_meetings_list_reads_no_row_and_shows_the_same(
    client, sc_meeting, leader_user, django_assert_num_queries
):
    login(client, leader_user)
    first = client.get(LIST).content.decode()
    with django_assert_num_queries(0):
        second = client.get(LIST).content.decode()
    assert sc_meeting.title in second
    assert without_csrf_tokens(first) == without_csrf_tokens(second)


def test_a_second_view_of_the_console_reads_no_row_and_shows_the_same(
    client, sc_meeting, staff_user, django_assert_num_queries
):
    login(client, staff_user)
    first = _console(client, sc_meeting)
    with django_assert_num_queries(0):
        second = _console(client, sc_meeting)
    assert f"<title>{sc_meeting.title}" in second
    assert without_csrf_tokens(first) == without_csrf_tokens(second)


def test_a_second_view_of_the_agenda_reads_no_row_of_its_content_and_shows_the_same(
    client, sc_session, member_user, django_assert_num_queries
):
    login(client, member_user)
    with _before_start(sc_session):
        first = _agenda(client)
        with django_assert_num_queries(0):
            second = _agenda(client)
    assert reverse("meetings_portal:register", args=[sc_session.pk]) in second
    assert without_csrf_tokens(first) == without_csrf_tokens(second)


# --- writes show on the next view ----------------------------------------------------------------


def test_a_vote_opened_closed_and_cast_shows_on_the_console_and_the_agenda(
    client, open_session, staff_user, member, member_user
):
    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="表决工作要点", actor=staff_user)
    staff, mine = Client(), Client()
    login(staff, staff_user), login(mine, member_user)
    assert 'name="open-vote"' in _console(staff, open_session.meeting)
    assert f'id="vote-{motion.pk}"' not in _agenda(mine)

    services.motion_open(motion=motion, actor=staff_user)
    console = _console(staff, open_session.meeting)
    assert 'name="close-vote"' in console and 'name="open-vote"' not in console
    vote_url = reverse("meetings_portal:vote", args=[motion.pk])
    html = _agenda(mine)
    assert f'id="vote-{motion.pk}"' in html and vote_url not in html  # not checked in yet

    check_in_all(open_session, [member], staff_user)  # a check-in at the desk
    assert vote_url in _agenda(mine)

    services.ballot_cast(motion=motion, actor=member_user, choice="for")
    assert vote_url not in _agenda(mine)

    services.motion_close(motion=motion, actor=staff_user)
    console = _console(staff, open_session.meeting)
    assert 'name="close-vote"' not in console and "<strong>" in console  # the result is shown
    assert f'id="vote-{motion.pk}"' not in _agenda(mine)


def test_a_leave_request_and_its_decision_show_on_the_console_and_the_agenda(
    client, sc_session, staff_user, member, member_user
):
    staff, mine = Client(), Client()
    login(staff, staff_user), login(mine, member_user)
    with _before_start(sc_session):
        assert "出差" not in _console(staff, sc_session.meeting)
        register_url = reverse("meetings_portal:register", args=[sc_session.pk])
        assert register_url in _agenda(mine)

        services.session_request_leave(session=sc_session, actor=member_user, reason="出差")
        assert "出差" in _console(staff, sc_session.meeting)
        participation = Participation.objects.get(activity=sc_session.activity, member=member)

        services.leave_decide(participation=participation, actor=staff_user, approve=True)
        assert "出差" not in _console(staff, sc_session.meeting)
        assert register_url not in _agenda(mine)  # their attendance is recorded: on leave


def test_a_check_in_takes_a_leave_request_off_the_console(
    client, sc_session, staff_user, member, member_user
):
    login(client, staff_user)
    with _before_start(sc_session):
        services.session_request_leave(session=sc_session, actor=member_user, reason="出差")
    services.session_open(session=sc_session, actor=staff_user)
    assert "出差" in _console(client, sc_session.meeting)

    check_in_all(sc_session, [member], staff_user)  # whoever comes no longer asks for leave

    assert "出差" not in _console(client, sc_session.meeting)


def test_a_speech_decided_and_a_session_opened_and_closed_show_on_the_console(
    client, sc_session, staff_user, member_user
):
    speech = services.speech_submit(
        meeting=sc_session.meeting, actor=member_user, title="关于批发市场", text="……"
    )
    login(client, staff_user)
    decide_url = reverse("meetings:speech_decide", args=[speech.pk])
    assert decide_url in _console(client, sc_session.meeting)

    services.speech_decide(speech=speech, actor=staff_user, state=SpeechState.ORAL, session=sc_session)
    assert 'name="speech"' not in _console(client, sc_session.meeting)  # "now speaking" once open

    services.session_open(session=sc_session, actor=staff_user)
    html = _console(client, sc_session.meeting)
    assert 'name="open-session"' not in html and f'name="speech" value="{speech.pk}"' in html

    services.session_close(session=sc_session, actor=staff_user)
    html = _console(client, sc_session.meeting)
    assert reverse("meetings:session_close", args=[sc_session.pk]) not in html
    assert f'name="speech" value="{speech.pk}"' not in html


def test_the_item_a_vote_puts_on_the_projector_shows_in_the_consoles_now_speaking_form(
    client, open_session, staff_user, member_user
):
    speech = services.speech_submit(meeting=open_session.meeting, actor=member_user, title="发言", text="……")
    services.speech_decide(speech=speech, actor=staff_user, state=SpeechState.ORAL, session=open_session)
    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="表决", actor=staff_user)
    login(client, staff_user)
    now_speaking = rf'name="speech" value="{speech.pk}"><input type="hidden" name="item" value="{item.pk}"'
    assert not re.search(now_speaking, _console(client, open_session.meeting))

    # Opening the vote sets the session's current item with an UPDATE (no signal of its own).
    services.motion_open(motion=motion, actor=staff_user)

    assert re.search(now_speaking, _console(client, open_session.meeting))


def test_a_meeting_renamed_shows_in_the_list_and_the_consoles_title(client, sc_meeting, staff_user):
    login(client, staff_user)
    assert sc_meeting.title in client.get(LIST).content.decode()
    assert f"<title>{sc_meeting.title}" in _console(client, sc_meeting)

    sc_meeting.title = "常委会第一次会议（更名）"
    services.meeting_save(meeting=sc_meeting, actor=staff_user)

    assert "常委会第一次会议（更名）" in client.get(LIST).content.decode()
    assert "<title>常委会第一次会议（更名）" in _console(client, sc_meeting)


def test_a_discussion_group_assigned_shows_on_the_agenda(client, sc_meeting, staff_user, member, member_user):
    login(client, member_user)
    assert "第三组" not in _agenda(client)

    group = DiscussionGroup.objects.create(meeting=sc_meeting, name="第三组", place="302室")
    services.group_assign(group=group, member=member, actor=staff_user)

    assert "第三组" in _agenda(client)


def test_members_invited_in_bulk_see_the_meeting_on_their_agenda(
    client, sc_session, staff_user, other_member, other_member_user
):
    login(client, other_member_user)
    assert sc_session.meeting.title not in _agenda(client)

    # The members app's bulk invitation sends no per-row signal.
    member_services.activity_invite(activity=sc_session.activity, members=[other_member], actor=staff_user)

    assert sc_session.meeting.title in _agenda(client)


def test_an_attendance_import_shows_on_the_agenda(client, sc_session, staff_user, member, member_user):
    _in_english(login(client, member_user))
    with time_machine.travel(sc_session.activity.starts_at + dt.timedelta(minutes=5), tick=False):
        assert "on leave" not in _agenda(client)

        # Bulk writes of the participations: no per-row signal.
        attendance_import_rows(
            actor=staff_user,
            rows=[
                AttendanceRow(activity=sc_session.activity, member=member, attendance="leave", reason="病假")
            ],
        )

        assert "on leave" in _agenda(client)


# --- the clock -----------------------------------------------------------------------------------


def test_the_agenda_stops_offering_registration_once_the_session_starts_with_no_write(
    client, sc_session, member_user
):
    login(client, member_user)
    register_url = reverse("meetings_portal:register", args=[sc_session.pk])
    with _before_start(sc_session):
        assert register_url in _agenda(client)
    with time_machine.travel(sc_session.activity.starts_at + dt.timedelta(minutes=1), tick=False):
        assert register_url not in _agenda(client)


# --- other readers -------------------------------------------------------------------------------


def test_another_member_never_sees_this_members_agenda(client, sc_meeting, standing, member_user):
    services.speech_submit(meeting=sc_meeting, actor=member_user, title="关于批发市场", text="……")
    login(client, member_user)
    assert "关于批发市场" in _agenda(client)

    other = Client()
    login(other, standing[1].user)

    html = _agenda(other)
    assert sc_meeting.title in html and "关于批发市场" not in html


def test_the_agenda_in_another_language_is_rendered_in_it(client, sc_meeting, member_user):
    login(client, member_user)
    assert "Submit a speech" not in _agenda(client)

    _in_english(client)  # the same login

    assert "Submit a speech" in _agenda(client)


def test_a_leader_is_not_shown_the_office_forms_the_staff_filled_the_console_with(
    client, sc_meeting, staff_user, leader_user
):
    assert 'name="open-session"' in _console(login(Client(), staff_user), sc_meeting)

    html = _console(login(client, leader_user), sc_meeting)

    assert sc_meeting.title in html and 'name="open-session"' not in html
    assert reverse("meetings:agenda_add", args=[sc_meeting.pk]) not in html


def test_a_new_login_of_the_same_person_gets_a_console_of_its_own_session(client, sc_meeting, staff_user):
    first = _console(login(client, staff_user), sc_meeting)
    client.logout()

    second = _console(login(client, staff_user), sc_meeting)

    assert _csrf_token(first) != _csrf_token(second)


# --- the forms still post, the permissions still hold --------------------------------------------


def test_the_consoles_forms_post_from_a_repeat_view(sc_session, staff_user):
    client = Client(enforce_csrf_checks=True)
    login(client, staff_user)
    _console(client, sc_session.meeting)
    html = _console(client, sc_session.meeting)  # kept

    answer = client.post(
        reverse("meetings:session_open", args=[sc_session.pk]), {"csrfmiddlewaretoken": _csrf_token(html)}
    )

    assert answer.status_code == 302
    sc_session.refresh_from_db()
    assert sc_session.status == "open"


def test_the_agendas_forms_post_from_a_repeat_view(sc_session, member, member_user):
    client = Client(enforce_csrf_checks=True)
    login(client, member_user)
    with _before_start(sc_session):
        _agenda(client)
        html = _agenda(client)  # kept

        answer = client.post(
            reverse("meetings_portal:register", args=[sc_session.pk]),
            {"csrfmiddlewaretoken": _csrf_token(html)},
        )

    assert answer.status_code == 302
    assert Participation.objects.get(activity=sc_session.activity, member=member).invitation == "accepted"


def test_the_console_of_a_meeting_that_is_not_there_is_not_found_each_time(client, staff_user):
    login(client, staff_user)
    missing = reverse("meetings:console", args=[987654])

    assert client.get(missing).status_code == 404
    assert client.get(missing).status_code == 404


def test_the_pages_stay_closed_to_those_refused_after_a_reader_filled_them(
    client, sc_meeting, staff_user, leader_user, member_user, unit_user
):
    assert client.get(LIST).status_code == 302  # anonymous: to the login page
    login(client, leader_user)
    assert client.get(LIST).status_code == 200
    assert _console(login(Client(), staff_user), sc_meeting)

    login(client, member_user)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("meetings:console", args=[sc_meeting.pk])).status_code == 403
    assert client.get(AGENDA).status_code == 200
    login(client, unit_user)
    assert client.get(AGENDA).status_code == 403
