"""The office's meeting console (issue 21): a fixed number of queries however many sessions and agenda
items the meeting has, its three forms offering the meeting's own sessions and agenda items, and what
they post still checked against the meeting."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.choices import AgendaKind
from meetings.models import AgendaItem, Motion
from members.models import Participation
from tests.conftest import login
from tests.meetings.conftest import make_sc_meeting

pytestmark = pytest.mark.django_db


def _console(client, meeting):
    return client.get(reverse("meetings:console", args=[meeting.pk]))


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_console_costs_the_same_queries_with_more_sessions_and_agenda(
    client, sc_meeting, sc_session, staff_user, django_assert_num_queries
):
    login(client, staff_user)
    _console(client, sc_meeting)  # the session, the user row and the rendered console go to the cache
    # The console is kept rendered for this reader (the meeting with its sessions, agenda, motions,
    # work-plan items, documents, resolutions, speeches and the leave requests): no query at all (the
    # unread count is cached per person).
    with django_assert_num_queries(0):
        _console(client, sc_meeting)
    afternoon = services.session_add(
        meeting=sc_meeting, date=sc_session.date, half_day="afternoon", place="二层会议室", actor=staff_user
    )
    for title in ("听取工作报告", "协商讨论"):
        services.agenda_item_add(session=afternoon, kind=AgendaKind.REPORT, title=title, actor=staff_user)
    page = _console(client, sc_meeting)  # the writes moved the cached meeting on: read afresh
    with django_assert_num_queries(0):
        _console(client, sc_meeting)
    html = page.content.decode()
    assert _options(html, "session") == ["", str(sc_session.pk), str(afternoon.pk)]
    agenda = AgendaItem.objects.filter(
        session__meeting=sc_meeting
    )  # in the model's order, as the form checks
    assert _options(html, "agenda_item") == ["", *(str(pk) for pk in agenda.values_list("pk", flat=True))]
    assert _options(html, "half_day") == ["morning", "afternoon", "evening"]
    assert '<label for="id_place">地点:</label>' in html


def test_the_console_costs_the_same_queries_with_motions_speeches_and_leave_requests(
    client, sc_meeting, sc_session, staff_user, standing, django_assert_num_queries
):
    for item in sc_session.agenda.all():
        for title in ("表决工作要点", "表决人事事项"):
            services.motion_create(agenda_item=item, title=title, actor=staff_user)
    for member in standing[1:3]:
        services.speech_submit(
            meeting=sc_meeting, actor=member.user, title=f"{member.name}的发言", text="内容"
        )
    with time_machine.travel(sc_session.activity.starts_at - dt.timedelta(hours=1)):
        for member, reason in zip(standing[3:], ("出差", "病假"), strict=True):
            services.session_request_leave(session=sc_session, actor=member.user, reason=reason)
    login(client, staff_user)
    _console(client, sc_meeting)
    # As many as with none of them: the console is kept rendered with its motions, speeches and leave
    # requests (the unread count is cached per person).
    with django_assert_num_queries(0):
        html = _console(client, sc_meeting).content.decode()
    assert html.count('name="open-vote"') == 2
    assert f"{standing[1].name}的发言" in html and f"{standing[2].name}的发言" in html
    assert "出差" in html and "病假" in html
    assert html.count(f"<td>{sc_session}</td>") == 2
    for participation in Participation.objects.filter(invitation="leave_requested"):
        assert reverse("meetings:leave_decide", args=[participation.pk]) in html


def test_the_consoles_forms_add_an_agenda_item_and_a_secret_motion(client, sc_session, staff_user):
    login(client, staff_user)
    client.post(
        reverse("meetings:agenda_add", args=[sc_session.meeting_id]),
        {"session": sc_session.pk, "kind": AgendaKind.VOTE, "title": "表决人事事项", "presenter": ""},
    )
    item = AgendaItem.objects.get(title="表决人事事项")
    client.post(
        reverse("meetings:motion_add", args=[sc_session.meeting_id]),
        {"agenda_item": item.pk, "title": "关于人事事项的决定", "text": "", "secret": "on"},
    )
    assert Motion.objects.get(title="关于人事事项的决定").secret


def test_an_agenda_item_for_another_meetings_session_is_refused(client, sc_meeting, staff_user):
    other = make_sc_meeting(
        staff_user, timezone.localdate() + dt.timedelta(days=14), title="常委会第三次会议"
    )
    login(client, staff_user)
    page = client.post(
        reverse("meetings:agenda_add", args=[sc_meeting.pk]),
        {"session": other.sessions.get().pk, "kind": AgendaKind.VOTE, "title": "不该加上", "presenter": ""},
        follow=True,
    )
    assert not AgendaItem.objects.filter(title="不该加上").exists()
    # The message names the field: the meeting's sitting (会次), not a login session (会话).
    assert "会次" in page.content.decode()


def test_a_session_opened_by_the_office_shows_open_on_the_next_console_view(
    client, sc_session, staff_user, django_capture_on_commit_callbacks
):
    login(client, staff_user)
    assert 'name="open-session"' in _console(client, sc_session.meeting).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.session_open(session=sc_session, actor=staff_user)

    html = _console(client, sc_session.meeting).content.decode()
    assert 'name="open-session"' not in html
    assert reverse("meetings:session_close", args=[sc_session.pk]) in html


def test_the_console_stays_closed_to_a_member_after_the_office_filled_its_cache(
    client, sc_meeting, staff_user, member_user
):
    assert _console(login(client, staff_user), sc_meeting).status_code == 200

    assert _console(login(client, member_user), sc_meeting).status_code == 403


def test_a_speech_handed_in_after_the_console_was_read_shows_on_its_next_view(
    client, sc_meeting, staff_user, member, member_user, django_capture_on_commit_callbacks
):
    login(client, staff_user)
    assert "关于批发市场" not in _console(client, sc_meeting).content.decode()  # the meeting is cached

    with django_capture_on_commit_callbacks(execute=True):
        speech = services.speech_submit(
            meeting=sc_meeting, actor=member_user, title="关于批发市场", text="……"
        )

    html = _console(client, sc_meeting).content.decode()
    assert "关于批发市场" in html and reverse("meetings:speech_decide", args=[speech.pk]) in html
    with django_capture_on_commit_callbacks(execute=True):
        member.name = "王五"
        member.save(update_fields=["name"])
    assert "王五" in _console(client, sc_meeting).content.decode()
