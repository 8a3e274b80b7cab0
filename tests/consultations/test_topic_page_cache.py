"""A topic's page is read from the cache by every reader after the first, yet each reader is still
asked whether they may see it, and every step of the office shows on the next page."""

import datetime as dt

import pytest
from django.urls import reverse

from consultations import services
from consultations.choices import TopicState
from meetings import services as meeting_services
from meetings.choices import Body, MeetingKind
from meetings.models import Meeting
from tests.conftest import login
from tests.consultations.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _page(client, topic):
    return client.get(reverse("consultations:topic", args=[topic.pk]))


def test_a_members_cached_copy_does_not_open_a_draft_topic_to_them(client, staff_user, member_user):
    draft = TopicFactory(title="草拟中的议题", state=TopicState.DRAFT)
    assert _page(login(client, staff_user), draft).status_code == 200  # the office's view fills the cache

    assert _page(login(client, member_user), draft).status_code == 404


def test_an_instruction_recorded_by_the_office_shows_on_the_members_next_page(
    client, member_user, staff_user, submitted_outcome, django_capture_on_commit_callbacks
):
    login(client, member_user)
    assert "张书记" not in _page(client, submitted_outcome.topic).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.instruction_record(
            outcome=submitted_outcome,
            leader_name="张书记",
            level="district_party",
            text="请区发改委牵头落实",
            given_on=dt.date(2017, 7, 1),
            actor=staff_user,
        )

    assert "张书记" in _page(client, submitted_outcome.topic).content.decode()


def test_a_withdrawn_topic_leaves_the_members_view_at_once(
    client, member_user, staff_user, adopted_topic, django_capture_on_commit_callbacks
):
    login(client, member_user)
    assert _page(client, adopted_topic).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        services.topic_withdraw(topic=adopted_topic, reason="情况变化", actor=staff_user)

    assert _page(client, adopted_topic).status_code == 404


def _tab(client) -> str:
    return client.get(reverse("consultations:home")).content.decode()


def test_the_offices_cached_tab_does_not_show_a_draft_topic_to_a_member(
    client, staff_user, member_user, adopted_topic
):
    TopicFactory(title="草拟中的议题", state=TopicState.DRAFT)
    assert "草拟中的议题" in _tab(login(client, staff_user))  # the office's tab fills its cache

    page = _tab(login(client, member_user))

    assert "非首都功能疏解" in page and "草拟中的议题" not in page


def test_a_withdrawn_topic_leaves_the_members_tab_on_the_next_page(
    client, member_user, staff_user, adopted_topic, django_capture_on_commit_callbacks
):
    login(client, member_user)
    assert "非首都功能疏解" in _tab(client)

    with django_capture_on_commit_callbacks(execute=True):
        services.topic_withdraw(topic=adopted_topic, reason="情况变化", actor=staff_user)

    assert "非首都功能疏解" not in _tab(client)


def test_a_units_tab_lists_the_topics_that_concern_it_and_no_other(client, unit_user, adopted_topic):
    TopicFactory(title="与本单位无关的议题", state=TopicState.ADOPTED)

    page = _tab(login(client, unit_user))

    assert "非首都功能疏解" in page and "与本单位无关的议题" not in page


def test_a_speech_handed_in_at_the_topics_meeting_shows_on_the_members_next_tab(
    client, member, member_user, staff_user, adopted_topic, django_capture_on_commit_callbacks
):
    meeting = meeting_services.meeting_save(
        meeting=Meeting(title="专题协商会议", kind=MeetingKind.STANDING_COMMITTEE, body=Body.ALL_MEMBERS),
        actor=staff_user,
    )
    meeting_services.session_add(
        meeting=meeting, date=dt.date(2017, 6, 20), half_day="morning", place="三层会议室", actor=staff_user
    )
    meeting_services.meeting_call(meeting=meeting, actor=staff_user)
    meeting.refresh_from_db()
    services.topic_link_meeting(topic=adopted_topic, meeting=meeting, actor=staff_user)
    login(client, member_user)
    assert "关于批发市场" not in _tab(client)  # the member's own lists go to the cache

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.speech_submit(
            meeting=meeting, actor=staff_user, member=member, title="关于批发市场", text="……"
        )

    assert "关于批发市场" in _tab(client)


def test_a_task_done_leaves_the_members_tab_without_its_button(
    client, member, member_user, staff_user, adopted_topic, django_capture_on_commit_callbacks
):
    task = services.task_add(
        topic=adopted_topic,
        description="起草建议案",
        due_on=dt.date(2017, 5, 1),
        assignee=member,
        actor=staff_user,
    )
    done = f'"{reverse("consultations:task_done", args=[task.pk])}"'
    login(client, member_user)
    assert done in _tab(client)

    with django_capture_on_commit_callbacks(execute=True):
        services.task_done(task=task, actor=member_user)

    page = _tab(client)
    assert "起草建议案" in page and done not in page
