"""What the consultation pages cost a reader in queries (issue 21): the same number however much the
topic holds, the office's step forms only for those who may take a step, the years read once."""

import pytest
from django.urls import reverse

from consultations import services
from consultations.choices import Adoption
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_topic(submitted_outcome, adopted_topic, staff_user, member, other_member):
    """The held topic with its submitted outcome (one recommendation adopted), a research group led
    by the member, a second outcome."""
    services.adoption_record(
        recommendation=submitted_outcome.recommendations.first(), adoption=Adoption.ADOPTED, actor=staff_user
    )
    services.research_group_save(
        topic=adopted_topic, name="疏解调研组", leader=member, members=[other_member], actor=staff_user
    )
    services.outcome_create(
        topic=adopted_topic, kind="report", title="协商报告", recommendations=["加强统筹"], actor=staff_user
    )
    return adopted_topic


def _topic_url(topic) -> str:
    return reverse("consultations:topic", args=[topic.pk])


def test_a_member_reads_a_topic_page_in_a_fixed_number_of_queries(
    client, member_user, full_topic, django_assert_num_queries
):
    login(client, member_user)
    # The session, the user row, the member row and the unread count go to the cache.
    client.get(reverse("consultations:home"))
    # The first view of the day: whether the member may read the topic, the topic
    # with its plan, meeting, work plan and deliberation in one and one query per list (departments,
    # items, origins, groups and their members, activities, reports (no files without one), tasks,
    # outcomes, instructions, recommendations, feedback), then cached.
    with django_assert_num_queries(14):
        client.get(_topic_url(full_topic))
    # The next view: whether members may read it (a cached answer, as the state of every topic is
    # for the readers of one kind), then the member's own copy of the page.
    with django_assert_num_queries(0):
        page = client.get(_topic_url(full_topic))
    html = page.content.decode()
    assert "关于推进非首都功能疏解的建议案" in html and "协商报告" in html
    # The member leads the group: the research report's form, and none of the office's steps.
    assert reverse("consultations:report_file", args=[full_topic.research_groups.get().pk]) in html
    for step in ("held", "outcome", "submit", "instruction", "adoption", "feedback", "follow_up"):
        assert reverse("consultations:step", args=[full_topic.pk, step]) not in html


def test_the_office_reads_the_same_topic_with_its_forms_in_a_fixed_number_of_queries(
    client, staff_user, full_topic, unit, django_assert_num_queries
):
    login(client, staff_user)
    client.get(_topic_url(full_topic))
    # The office's own copy of the page, its forms and the meetings the topic could be linked to
    # (it has none yet) included.
    with django_assert_num_queries(0):
        page = client.get(_topic_url(full_topic))
    html = page.content.decode()
    for step in ("adoption", "feedback", "follow_up", "instruction"):
        assert reverse("consultations:step", args=[full_topic.pk, step]) in html
    # The departments the feedback form offers: the topic's, with no query of their own.
    assert f'name="units" value="{unit.pk}"' in html


def test_the_consultation_tab_reads_the_years_once(
    client, member_user, full_topic, django_assert_num_queries
):
    login(client, member_user)
    client.get(reverse("consultations:home"))
    # The years, the year's topics, the open windows and the discussions are the same for every
    # member, and the member's own tasks, groups, speeches and proposals change only with writes the
    # topic pages' family watches: both cached, as are the member row and the unread count.
    with django_assert_num_queries(0) as captured:
        page = client.get(reverse("consultations:home"))
    years = [
        q["sql"]
        for q in captured.captured_queries
        if 'DISTINCT "consultations_consultationtopic"."year"' in q["sql"]
    ]
    assert len(years) <= 1
    assert "非首都功能疏解" in page.content.decode()
