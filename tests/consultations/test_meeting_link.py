"""The consultation itself is a meeting of the meetings app: the topic on its agenda, its speeches in order."""

import datetime as dt

import pytest
from django.urls import reverse

from consultations import selectors, services
from cppcc_portal.core.errors import DomainError
from meetings import services as meeting_services
from meetings.choices import AgendaKind, Body, MeetingKind
from meetings.models import AgendaItem, Meeting
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _meeting(staff_user, *, with_session=True):
    meeting = meeting_services.meeting_save(
        meeting=Meeting(
            title="常委会专题协商会议", kind=MeetingKind.STANDING_COMMITTEE, body=Body.STANDING_COMMITTEE
        ),
        actor=staff_user,
    )
    if with_session:
        meeting_services.session_add(
            meeting=meeting,
            date=dt.date(2017, 6, 20),
            half_day="morning",
            place="区政协三层会议室",
            actor=staff_user,
        )
    return meeting


def test_linking_a_meeting_puts_the_topic_on_its_agenda_once(adopted_topic, staff_user):
    meeting = _meeting(staff_user)
    services.topic_link_meeting(topic=adopted_topic, meeting=meeting, actor=staff_user)
    services.topic_link_meeting(topic=adopted_topic, meeting=meeting, actor=staff_user)
    item = AgendaItem.objects.get(session__meeting=meeting)
    assert (item.title, item.kind) == ("非首都功能疏解", AgendaKind.CONSULTATION)
    adopted_topic.refresh_from_db()
    assert adopted_topic.meeting == meeting
    assert "常委会专题协商会议" in selectors.topic_timeline(topic=adopted_topic).last().summary


def test_a_meeting_without_a_session_is_refused_and_nothing_is_linked(adopted_topic, staff_user):
    meeting = _meeting(staff_user, with_session=False)
    with pytest.raises(DomainError) as refused:
        services.topic_link_meeting(topic=adopted_topic, meeting=meeting, actor=staff_user)
    assert refused.value.code == "no_session"
    adopted_topic.refresh_from_db()
    assert adopted_topic.meeting is None


def test_the_topic_page_lists_the_meetings_selected_speeches_in_order(
    client, adopted_topic, staff_user, member, other_member
):
    for person in (member, other_member):
        person.is_standing_committee = True
        person.save(update_fields=["is_standing_committee"])
    meeting = _meeting(staff_user)
    meeting_services.meeting_call(meeting=meeting, actor=staff_user)
    meeting.refresh_from_db()
    session = meeting.sessions.get()
    services.topic_link_meeting(topic=adopted_topic, meeting=meeting, actor=staff_user)
    second = meeting_services.speech_submit(
        meeting=meeting, actor=staff_user, member=other_member, title="关于腾退空间", text="……"
    )
    first = meeting_services.speech_submit(
        meeting=meeting, actor=staff_user, member=member, title="关于批发市场", text="……"
    )
    meeting_services.speech_decide(speech=first, actor=staff_user, state="oral", session=session)
    meeting_services.speech_decide(speech=second, actor=staff_user, state="oral", session=session)
    assert [s.title for s in selectors.topic_speeches(topic=adopted_topic)] == [
        "关于批发市场",
        "关于腾退空间",
    ]
    login(client, member.user)
    page = client.get(reverse("consultations:topic", args=[adopted_topic.pk])).content.decode()
    assert page.index("关于批发市场") < page.index("关于腾退空间")
    home = client.get(reverse("consultations:home")).content.decode()
    assert "关于批发市场" in home and "关于腾退空间" not in home
