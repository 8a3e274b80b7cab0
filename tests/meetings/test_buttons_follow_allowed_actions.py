"""The console and the member's agenda show a step's button exactly when the meetings' tables
(`meetings.workflows`) allow it to that user, and a step the table refuses is still refused on POST."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings import services
from meetings.choices import MeetingKind
from meetings.models import Meeting, MeetingSession
from meetings.workflows import allowed_actions
from members.models import Participation
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _console(client, user, meeting) -> str:
    login(client, user)
    page = client.get(reverse("meetings:console", args=[meeting.pk]))
    assert page.status_code == 200
    return page.content.decode()


def _motion(staff_user, session):
    return services.motion_create(agenda_item=session.agenda.get(), title="表决工作要点", actor=staff_user)


def test_a_meeting_in_preparation_offers_the_notice_and_a_called_one_offers_calling_the_newcomers(
    client, staff_user, sc_meeting
):
    draft = services.meeting_save(
        meeting=Meeting(title="筹备中的会议", kind=MeetingKind.CHAIRS, body="all_members"), actor=staff_user
    )
    assert allowed_actions(draft, staff_user) == ["call", "add_session"]
    assert allowed_actions(sc_meeting, staff_user) == [
        "call_again",
        "close",
        "add_session",
        "publish_documents",
        "submit_speech",
    ]
    first, again = (_("Call the members (send the notice)"), _("Call members added to the body since"))
    html = _console(client, staff_user, draft)
    assert f'"{reverse("meetings:call", args=[draft.pk])}"' in html
    assert first in html and again not in html
    html = _console(client, staff_user, sc_meeting)
    assert f'"{reverse("meetings:call", args=[sc_meeting.pk])}"' in html
    assert again in html and first not in html


def test_a_leader_reads_the_console_without_any_step_button(client, leader_user, sc_meeting, sc_session):
    html = _console(client, leader_user, sc_meeting)
    assert allowed_actions(sc_meeting, leader_user) == []
    assert allowed_actions(sc_session, leader_user) == []
    for name, pk in [("meetings:call", sc_meeting.pk), ("meetings:session_open", sc_session.pk)]:
        assert reverse(name, args=[pk]) not in html


def test_the_session_buttons_follow_its_state(client, staff_user, sc_meeting, sc_session):
    open_url = f'"{reverse("meetings:session_open", args=[sc_session.pk])}"'
    close_url = f'"{reverse("meetings:session_close", args=[sc_session.pk])}"'
    assert allowed_actions(sc_session, staff_user) == ["open"]
    html = _console(client, staff_user, sc_meeting)
    assert open_url in html and close_url not in html

    services.session_open(session=sc_session, actor=staff_user)
    sc_session.refresh_from_db()
    assert allowed_actions(sc_session, staff_user) == ["close", "show"]
    html = _console(client, staff_user, sc_meeting)
    assert open_url not in html and close_url in html
    assert f'"{reverse("meetings:session_current", args=[sc_session.pk])}"' in html

    services.session_close(session=sc_session, actor=staff_user)
    sc_session.refresh_from_db()
    assert allowed_actions(sc_session, staff_user) == []
    html = _console(client, staff_user, sc_meeting)
    assert open_url not in html and close_url not in html


def test_the_vote_buttons_follow_the_motions_state(client, staff_user, sc_meeting, open_session):
    motion = _motion(staff_user, open_session)
    assert allowed_actions(motion, staff_user) == ["open"]
    assert 'name="open-vote"' in _console(client, staff_user, sc_meeting)
    services.motion_open(motion=motion, actor=staff_user)
    motion.refresh_from_db()
    assert allowed_actions(motion, staff_user) == ["close"]
    html = _console(client, staff_user, sc_meeting)
    assert 'name="close-vote"' in html and 'name="open-vote"' not in html
    services.motion_close(motion=motion, actor=staff_user)
    motion.refresh_from_db()
    assert allowed_actions(motion, staff_user) == []
    html = _console(client, staff_user, sc_meeting)
    assert 'name="close-vote"' not in html and 'name="open-vote"' not in html


def test_an_oral_speech_is_offered_as_now_speaking_only_while_its_session_is_open(
    client, staff_user, member_user, sc_meeting, sc_session
):
    speech = services.speech_submit(meeting=sc_meeting, actor=member_user, title="发言", text="内容")
    assert allowed_actions(speech, staff_user) == ["decide"]
    assert allowed_actions(speech, member_user) == []
    services.speech_decide(speech=speech, actor=staff_user, state="oral", session=sc_session)
    speech.refresh_from_db()
    assert "speak" not in allowed_actions(speech, staff_user)
    speak = 'name="speech"'
    assert speak not in _console(client, staff_user, sc_meeting)
    services.session_open(session=sc_session, actor=staff_user)
    speech.refresh_from_db()
    assert allowed_actions(speech, staff_user) == ["decide", "speak"]
    assert speak in _console(client, staff_user, sc_meeting)


def test_the_member_is_offered_registration_and_leave_as_the_session_table_allows(
    client, member, member_user, sc_session
):
    with time_machine.travel(sc_session.activity.starts_at - dt.timedelta(hours=1)):
        _registration_and_leave_before_the_start(client, member_user, sc_session)


def _registration_and_leave_before_the_start(client, member_user, sc_session):
    register = f'"{reverse("meetings_portal:register", args=[sc_session.pk])}"'
    leave = f'"{reverse("meetings_portal:leave", args=[sc_session.pk])}"'
    login(client, member_user)
    html = client.get(reverse("meetings_portal:agenda")).content.decode()
    assert register in html and leave in html
    assert allowed_actions(sc_session, member_user) == ["register", "ask_leave"]

    client.post(reverse("meetings_portal:leave", args=[sc_session.pk]), {"reason": "出差"})
    assert allowed_actions(MeetingSession.objects.get(pk=sc_session.pk), member_user) == ["register"]
    html = client.get(reverse("meetings_portal:agenda")).content.decode()
    assert register in html and leave not in html


def test_registration_is_offered_until_the_meetings_registration_deadline_and_leave_until_the_start(
    client, member_user, sc_meeting, sc_session
):
    deadline = sc_session.activity.starts_at - dt.timedelta(days=1)
    Meeting.objects.filter(pk=sc_meeting.pk).update(registration_deadline=deadline)
    register = f'"{reverse("meetings_portal:register", args=[sc_session.pk])}"'
    leave = f'"{reverse("meetings_portal:leave", args=[sc_session.pk])}"'
    with time_machine.travel(deadline - dt.timedelta(minutes=10)):
        login(client, member_user)
        html = client.get(reverse("meetings_portal:agenda")).content.decode()
        assert register in html and leave in html
    with time_machine.travel(deadline + dt.timedelta(minutes=1)):
        # The same reader's kept page, rendered before the deadline, is not served after it.
        html = client.get(reverse("meetings_portal:agenda")).content.decode()
        assert register not in html and leave in html
        assert allowed_actions(MeetingSession.objects.get(pk=sc_session.pk), member_user) == ["ask_leave"]


@pytest.mark.parametrize(
    ("moment", "offered"),
    [
        (dt.timedelta(days=-2), 2),
        (dt.timedelta(days=-1, minutes=1), 1),
        (dt.timedelta(minutes=1), 0),
    ],
    ids=["before the registration deadline", "after the registration deadline", "after the start"],
)
def test_every_answer_the_agenda_offers_is_accepted_when_the_member_gives_it(
    client, member_user, sc_meeting, sc_session, moment, offered
):
    # Offered and then refused would be a button that only ever shows an error.
    starts = sc_session.activity.starts_at
    Meeting.objects.filter(pk=sc_meeting.pk).update(registration_deadline=starts - dt.timedelta(days=1))
    answers = {
        reverse("meetings_portal:register", args=[sc_session.pk]): {},
        reverse("meetings_portal:leave", args=[sc_session.pk]): {"reason": "出差"},
    }
    given = 0
    with time_machine.travel(starts + moment):
        login(client, member_user)
        for url, data in answers.items():
            if f'"{url}"' not in client.get(reverse("meetings_portal:agenda")).content.decode():
                continue
            after = client.post(url, data, follow=True)
            assert [m.level_tag for m in after.context["messages"]] == ["success"], url
            given += 1
    assert given == offered


def test_a_member_not_called_is_offered_nothing(other_member_user, sc_session):
    assert allowed_actions(sc_session, other_member_user) == []


def test_steps_the_table_refuses_are_still_refused_on_post(client, staff_user, member_user, sc_session):
    login(client, staff_user)
    services.session_open(session=sc_session, actor=staff_user)
    services.session_close(session=sc_session, actor=staff_user)
    again = client.post(reverse("meetings:session_open", args=[sc_session.pk]), follow=True)
    sc_session.refresh_from_db()
    assert sc_session.status == "closed"
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    login(client, member_user)
    assert client.post(reverse("meetings:session_close", args=[sc_session.pk])).status_code == 403
    assert Participation.objects.filter(activity=sc_session.activity).exists()
