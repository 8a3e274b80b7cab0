"""The dashboard's 协商议政 section: topics held against planned, outcomes, feedback, each drilling down."""

import pytest
import time_machine
from django.urls import reverse

from tests.consultations.factories import OutcomeFactory, TopicFactory
from tests.dashboard.fixtures import small_district

pytestmark = pytest.mark.django_db
NOW = "2017-06-30 10:00 +0800"


@time_machine.travel(NOW, tick=False)
def test_a_leader_reads_consultation_topics_and_outcomes_and_opens_the_rows_behind_them(client, leader_user):
    small_district()
    TopicFactory(state="adopted")
    TopicFactory(state="adopted")
    OutcomeFactory()  # a draft outcome of a topic that was held

    client.force_login(leader_user)
    page = client.get(reverse("dashboard:home"), {"year": 2017}).content.decode()

    section = page[page.index('id="consultation"') :]
    assert "协商议政" in section
    figures = reverse("consultations:figures")
    assert f"{figures}?year=2017&amp;figure=planned" in page
    assert f"{figures}?year=2017&amp;figure=submitted" in section
    assert f"{figures}?year=2017&amp;figure=feedback_overdue" in section
    drill = client.get(figures, {"year": 2017, "figure": "held"})
    assert drill.status_code == 200 and "协商议题" in drill.content.decode()


def test_the_section_counts_planned_held_and_submitted_from_the_consultation_selectors():
    from cppcc_portal.dashboard.sections import consultation_section

    TopicFactory(state="adopted")
    OutcomeFactory()

    data = consultation_section(2017, {})
    assert data["topics"]["held"] == 1
    assert data["outcomes"]["submitted"] == 0
    assert data["topics"]["planned"] == 2
