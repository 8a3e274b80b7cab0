"""Supervision reminders: departments before answers and rectification items are due; escalation when late."""

import datetime as dt

import pytest
import time_machine

from cppcc_portal.core.models import Notification, NotificationState
from cppcc_portal.core.notifications import rules
from supervision import services
from supervision.reminders import ANSWER_DUE_KIND, ITEM_DUE_KIND, OVERDUE_KIND
from tests.supervision.factories import ItemFactory, RecommendationFactory

pytestmark = pytest.mark.django_db
RULE = "supervision.deadlines"


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 1, 40, tzinfo=dt.UTC), tick=False)


def test_the_department_is_reminded_before_its_answer_is_due(unit, unit_user, other_unit_user):
    recommendation = RecommendationFactory(unit=unit, state="sent", due_on=dt.date(2017, 6, 30))
    with on(dt.date(2017, 6, 23)):
        assert rules.run_rule(RULE) == 2
        assert rules.run_rule(RULE) == 0
    reminders = Notification.objects.filter(kind=ANSWER_DUE_KIND, object_id=str(recommendation.pk))
    assert set(reminders.values_list("recipient", flat=True)) == {unit_user.pk}
    assert sorted(row.due_at.date() for row in reminders) == [dt.date(2017, 6, 23), dt.date(2017, 6, 29)]


def test_a_late_answer_is_escalated_to_the_office_every_week(unit, unit_user, staff_user):
    RecommendationFactory(unit=unit, state="sent", due_on=dt.date(2017, 6, 30))
    with on(dt.date(2017, 7, 1)):
        assert rules.run_rule(RULE) == 2
    with on(dt.date(2017, 7, 3)):
        assert rules.run_rule(RULE) == 0
    with on(dt.date(2017, 7, 8)):
        assert rules.run_rule(RULE) == 2
    recipients = set(Notification.objects.filter(kind=OVERDUE_KIND).values_list("recipient", flat=True))
    assert recipients == {unit_user.pk, staff_user.pk}


def test_answering_cancels_the_answer_reminders(unit, unit_user, django_capture_on_commit_callbacks):
    recommendation = RecommendationFactory(unit=unit, state="sent", due_on=dt.date(2017, 6, 30))
    with on(dt.date(2017, 6, 23)):
        rules.run_rule(RULE)
        with django_capture_on_commit_callbacks(execute=True):
            services.recommendation_answer(
                recommendation=recommendation, answer="已研究，正在整改。", actor=unit_user
            )
    assert not Notification.objects.filter(kind=ANSWER_DUE_KIND, state=NotificationState.PENDING).exists()


def test_open_rectification_items_are_reminded_and_finished_ones_are_not(unit, unit_user):
    recommendation = RecommendationFactory(unit=unit, state="rectifying", due_on=dt.date(2017, 5, 1))
    ItemFactory(recommendation=recommendation, due_on=dt.date(2017, 9, 30), description="建设日间照料中心")
    ItemFactory(recommendation=recommendation, due_on=dt.date(2017, 9, 30), status="done")
    with on(dt.date(2017, 9, 29)):
        assert rules.run_rule(RULE) == 1
    row = Notification.objects.get(kind=ITEM_DUE_KIND)
    assert row.recipient == unit_user
    assert "建设日间照料中心" in row.title
