"""The consultation tab and a topic's page are kept as each reader's rendered copy (issue 21): a
second view reads nothing from the database and shows the same, every write they show is on the next
view, the day's end changes them without a write, no reader is shown another's copy, the forms in a
kept copy still post, and who may read a topic is still asked on every view."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from consultations import services
from consultations.choices import TaskState
from consultations.models import PreparationTask
from cppcc_portal.core import roles
from meetings import services as meeting_services
from meetings.choices import Body, MeetingKind
from meetings.models import Meeting
from tests.conftest import login, without_csrf_tokens
from tests.consultations.factories import TopicFactory, WindowFactory

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
TAB = reverse("consultations:home")


def _topic_url(topic) -> str:
    return reverse("consultations:topic", args=[topic.pk])


def _html(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def task(adopted_topic, member, staff_user):
    return services.task_add(
        topic=adopted_topic,
        description="起草建议案",
        due_on=dt.date(2017, 5, 1),
        assignee=member,
        actor=staff_user,
    )


# --- a second view ----------------------------------------------------------------------------------


def test_a_second_view_of_the_tab_reads_nothing_and_shows_the_same(
    client, member_user, task, django_assert_num_queries
):
    login(client, member_user)
    first = _html(client, TAB)

    with django_assert_num_queries(0):
        second = _html(client, TAB)

    assert "起草建议案" in second and without_csrf_tokens(second) == without_csrf_tokens(first)


def test_a_second_view_of_a_topic_reads_nothing_and_shows_the_same(
    client, member_user, feedback, django_assert_num_queries
):
    topic = feedback.recommendation.outcome.topic
    login(client, member_user)
    first = _html(client, _topic_url(topic))

    with django_assert_num_queries(0):
        second = _html(client, _topic_url(topic))

    assert "区民政局" in second and without_csrf_tokens(second) == without_csrf_tokens(first)


# --- writes -----------------------------------------------------------------------------------------


def test_feedback_a_unit_gives_shows_on_the_members_next_view_of_the_topic(
    client, member_user, unit_user, feedback, django_capture_on_commit_callbacks
):
    login(client, member_user)
    assert "已腾退三处市场" not in _html(client, _topic_url(feedback.recommendation.outcome.topic))

    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_answer(feedback=feedback, text="已腾退三处市场", actor=unit_user)

    assert "已腾退三处市场" in _html(client, _topic_url(feedback.recommendation.outcome.topic))


def test_a_report_the_group_files_shows_on_the_members_next_view_of_the_topic(
    client, member, member_user, staff_user, adopted_topic, django_capture_on_commit_callbacks
):
    group = services.research_group_save(
        topic=adopted_topic, name="疏解调研组", leader=member, members=[], actor=staff_user
    )
    login(client, member_user)
    assert "调研报告初稿" not in _html(client, _topic_url(adopted_topic))

    with django_capture_on_commit_callbacks(execute=True):
        services.research_report_file(
            group=group, title="调研报告初稿", text="市场疏解情况", files=[], actor=member_user
        )

    assert "调研报告初稿" in _html(client, _topic_url(adopted_topic))


def test_a_group_the_member_joins_and_a_topic_they_propose_show_on_their_next_tab(
    client, member, member_user, staff_user, adopted_topic, django_capture_on_commit_callbacks
):
    window = WindowFactory(opens_on=dt.date(2017, 1, 5), closes_on=dt.date(2017, 1, 25))
    login(client, member_user)
    page = _html(client, TAB)
    assert "疏解调研组" not in page and "胡同停车" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.research_group_save(
            topic=adopted_topic, name="疏解调研组", leader=member, members=[], actor=staff_user
        )
        services.topic_propose(
            window=window,
            title="胡同停车",
            reason="停车难",
            proposer_kind="member",
            actor=member_user,
            today=dt.date(2017, 1, 10),
        )

    page = _html(client, TAB)
    assert "疏解调研组" in page and "胡同停车" in page


def test_a_meeting_given_a_session_in_the_topics_year_is_offered_on_the_offices_next_view(
    client, staff_user, adopted_topic, django_capture_on_commit_callbacks
):
    meeting = meeting_services.meeting_save(
        meeting=Meeting(title="专题协商会议", kind=MeetingKind.STANDING_COMMITTEE, body=Body.ALL_MEMBERS),
        actor=staff_user,
    )
    login(client, staff_user)
    assert "专题协商会议" not in _html(client, _topic_url(adopted_topic))

    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.session_add(
            meeting=meeting,
            date=dt.date(2017, 6, 20),
            half_day="morning",
            place="三层会议室",
            actor=staff_user,
        )

    assert f'<option value="{meeting.pk}">专题协商会议</option>' in _html(client, _topic_url(adopted_topic))


def test_a_reader_who_leaves_the_office_no_longer_sees_its_forms_on_the_next_view(
    client, staff_user, adopted_topic, django_capture_on_commit_callbacks
):
    held = reverse("consultations:step", args=[adopted_topic.pk, "held"])
    login(client, staff_user)
    assert held in _html(client, _topic_url(adopted_topic))

    with django_capture_on_commit_callbacks(execute=True):
        staff_user.groups.set([roles.ensure_groups()[roles.LEADER]])

    page = _html(client, _topic_url(adopted_topic))
    assert "非首都功能疏解" in page and held not in page


def test_a_unit_account_taken_off_its_unit_no_longer_sees_the_units_topics_on_its_tab(
    client, unit, unit_user, adopted_topic, django_capture_on_commit_callbacks
):
    login(client, unit_user)
    assert "非首都功能疏解" in _html(client, TAB)

    with django_capture_on_commit_callbacks(execute=True):
        unit.accounts.remove(unit_user)

    assert "非首都功能疏解" not in _html(client, TAB)


# --- the clock --------------------------------------------------------------------------------------


def test_feedback_shows_overdue_on_the_topic_once_its_due_day_ends_without_a_write(
    client, member_user, feedback
):
    url = _topic_url(feedback.recommendation.outcome.topic)
    with time_machine.travel(dt.datetime(2017, 10, 1, 23, 50, tzinfo=BEIJING), tick=False) as clock:
        login(client, member_user)
        assert "badge error" not in _html(client, url)

        clock.move_to(dt.datetime(2017, 10, 2, 0, 10, tzinfo=BEIJING))

        assert "badge error" in _html(client, url)


def test_a_collection_window_shows_on_the_tab_the_day_it_opens_and_leaves_after_it_closes(
    client, member_user
):
    WindowFactory(title="2017年协商议题征集", opens_on=dt.date(2017, 1, 5), closes_on=dt.date(2017, 1, 25))
    with time_machine.travel(dt.datetime(2017, 1, 4, 23, 50, tzinfo=BEIJING), tick=False) as clock:
        login(client, member_user)
        assert "2017年协商议题征集" not in _html(client, TAB)

        clock.move_to(dt.datetime(2017, 1, 5, 0, 10, tzinfo=BEIJING))
        assert "2017年协商议题征集" in _html(client, TAB)

        clock.move_to(dt.datetime(2017, 1, 25, 23, 50, tzinfo=BEIJING))
        login(client, member_user)  # the session's idle time is over: a new one
        assert "2017年协商议题征集" in _html(client, TAB)

        clock.move_to(dt.datetime(2017, 1, 26, 0, 10, tzinfo=BEIJING))
        assert "2017年协商议题征集" not in _html(client, TAB)


# --- other readers ----------------------------------------------------------------------------------


def test_another_member_never_sees_the_members_own_lists(client, member_user, other_member, task):
    assert "起草建议案" in _html(login(client, member_user), TAB)

    other = Client()
    page = _html(login(other, other_member.user), TAB)

    assert "非首都功能疏解" in page and "起草建议案" not in page


def test_the_same_member_in_another_language_is_shown_the_page_in_that_language(
    client, member_user, adopted_topic
):
    login(client, member_user)
    assert "Preparation" not in _html(client, _topic_url(adopted_topic))  # Chinese by default

    client.post(reverse("set_language"), {"language": "en", "next": _topic_url(adopted_topic)})
    english = _html(client, _topic_url(adopted_topic))

    assert "Preparation" in english and "非首都功能疏解" in english


# --- forms and permissions --------------------------------------------------------------------------


def test_the_done_button_of_a_kept_tab_still_posts(member_user, task):
    client = Client(enforce_csrf_checks=True)
    login(client, member_user)
    _html(client, TAB)
    page = _html(client, TAB)  # the kept copy
    done = reverse("consultations:task_done", args=[task.pk])
    form = re.search(rf'action="{re.escape(done)}"[^>]*>.*?name="csrfmiddlewaretoken" value="([^"]+)"', page)

    response = client.post(done, {"csrfmiddlewaretoken": form.group(1)})

    assert response.status_code == 302
    assert PreparationTask.objects.get(pk=task.pk).state == TaskState.DONE


def test_the_offices_step_form_on_a_kept_topic_page_still_posts(staff_user, adopted_topic):
    client = Client(enforce_csrf_checks=True)
    login(client, staff_user)
    _html(client, _topic_url(adopted_topic))
    page = _html(client, _topic_url(adopted_topic))  # the kept copy
    held = reverse("consultations:step", args=[adopted_topic.pk, "held"])
    form = re.search(rf'action="{re.escape(held)}"[^>]*>.*?name="csrfmiddlewaretoken" value="([^"]+)"', page)

    response = client.post(held, {"csrfmiddlewaretoken": form.group(1), "held_on": "2017-06-20"})

    assert response.status_code == 302
    adopted_topic.refresh_from_db()
    assert adopted_topic.held_on == dt.date(2017, 6, 20)


def test_a_kept_topic_page_is_not_shown_to_a_reader_who_may_not_read_it(
    client, member_user, unit_user, staff_user
):
    draft = TopicFactory(title="草拟中的议题")
    assert _html(login(client, staff_user), _topic_url(draft))  # the office's copy is kept

    assert login(Client(), member_user).get(_topic_url(draft)).status_code == 404
    assert login(Client(), unit_user).get(_topic_url(draft)).status_code == 404
    assert Client().get(_topic_url(draft)).status_code == 302  # to the login page
