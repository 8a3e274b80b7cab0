"""Consultation reminders: feedback chased before and after its due date, tasks, the collection window."""

import datetime as dt

import pytest
from django.utils import timezone

from consultations import services
from consultations.choices import Adoption
from consultations.reminders import CollectionWindowNotices, ConsultationDeadlines
from cppcc_portal.core.models import Notification
from cppcc_portal.core.notifications import rules
from tests.consultations.factories import WindowFactory

pytestmark = pytest.mark.django_db


def _at(day):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10))


def test_overdue_feedback_is_chased_with_the_unit_and_the_office_once_a_week(
    submitted_outcome, staff_user, unit, unit_user
):
    first = submitted_outcome.recommendations.first()
    services.adoption_record(recommendation=first, adoption=Adoption.ADOPTED, actor=staff_user)
    services.feedback_request(
        recommendation=first, units=[unit], due_on=dt.date(2017, 10, 1), actor=staff_user
    )
    rule = ConsultationDeadlines()
    rules.write(rule.plan(_at(dt.date(2017, 10, 3))))
    rules.write(rule.plan(_at(dt.date(2017, 10, 4))))
    overdue = Notification.objects.filter(kind="consultations.overdue")
    assert {n.recipient for n in overdue} == {unit_user, staff_user}
    assert overdue.count() == 2
    assert overdue.get(recipient=unit_user).link.startswith("/units/consultations/")


def test_answered_feedback_is_not_chased(submitted_outcome, staff_user, unit, unit_user):
    first = submitted_outcome.recommendations.first()
    services.adoption_record(recommendation=first, adoption=Adoption.ADOPTED, actor=staff_user)
    [row] = services.feedback_request(
        recommendation=first, units=[unit], due_on=dt.date(2017, 10, 1), actor=staff_user
    )
    services.feedback_answer(feedback=row, text="已落实", actor=unit_user)
    rules.write(ConsultationDeadlines().plan(_at(dt.date(2017, 10, 3))))
    assert not Notification.objects.filter(kind="consultations.overdue").exists()


def test_a_task_is_reminded_to_its_member_before_it_is_due(adopted_topic, staff_user, member):
    services.task_add(
        topic=adopted_topic,
        description="写发言稿",
        due_on=dt.date(2017, 5, 10),
        assignee=member,
        actor=staff_user,
    )
    rules.write(ConsultationDeadlines().plan(_at(dt.date(2017, 5, 8))))
    assert Notification.objects.filter(kind="consultations.task_due", recipient=member.user).exists()


def test_members_hear_that_topics_are_being_collected(member_user):
    WindowFactory(opens_on=dt.date(2017, 1, 5), closes_on=dt.date(2017, 1, 25))
    rules.write(CollectionWindowNotices().plan(_at(dt.date(2017, 1, 6))))
    rules.write(CollectionWindowNotices().plan(_at(dt.date(2017, 1, 23))))
    kinds = sorted(Notification.objects.filter(recipient=member_user).values_list("kind", flat=True))
    assert kinds == ["consultations.collection_closing", "consultations.collection_open"]
