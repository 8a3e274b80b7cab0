"""Answers coming due are reminded, late ones chased weekly and escalated to the office after two weeks."""

import datetime as dt

import pytest

from cppcc_portal.core.models import Notification
from cppcc_portal.core.notifications import rules
from supervision.choices import RecommendationState
from tests.supervision.factories import ItemFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

S = RecommendationState
RULE = "supervision.deadlines"


def at(day: int, month: int = 6) -> dt.datetime:
    return dt.datetime(2017, month, day, 8, 15, tzinfo=dt.UTC)


def kinds_for(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_unit_is_reminded_before_the_answer_is_due_and_chased_after(unit_user, unit, staff_user):
    RecommendationFactory(unit=unit, state=S.SENT, due_on=dt.date(2017, 6, 30))
    rules.run_rule(RULE, now=at(20))
    assert kinds_for(unit_user) == []
    rules.run_rule(RULE, now=at(28))
    rules.run_rule(RULE, now=at(29))
    assert kinds_for(unit_user) == ["supervision.answer_due"]
    rules.run_rule(RULE, now=at(2, 7))
    assert kinds_for(unit_user) == ["supervision.answer_due", "supervision.answer_overdue"]
    assert kinds_for(staff_user) == []
    rules.run_rule(RULE, now=at(15, 7))
    assert kinds_for(unit_user).count("supervision.answer_overdue") == 2  # one per week of lateness
    assert kinds_for(staff_user) == ["supervision.answer_escalated"]


def test_an_answered_recommendation_is_not_chased(unit_user, unit):
    RecommendationFactory(unit=unit, state=S.ANSWERED, due_on=dt.date(2017, 6, 30))
    rules.run_rule(RULE, now=at(10, 7))
    assert kinds_for(unit_user) == []


def test_an_overdue_rectification_item_is_chased(unit_user, unit):
    ItemFactory(
        recommendation=RecommendationFactory(unit=unit, state=S.RECTIFYING), due_on=dt.date(2017, 9, 30)
    )
    rules.run_rule(RULE, now=at(30, 9))
    assert kinds_for(unit_user) == []
    rules.run_rule(RULE, now=at(1, 10))
    assert kinds_for(unit_user) == ["supervision.item_overdue"]
