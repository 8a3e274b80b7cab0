"""Work-plan reminders: task owners before and after the due date, leaders' monthly digest."""

import datetime as dt

import pytest
import time_machine

from cppcc_portal.core.models import Notification, NotificationState
from cppcc_portal.core.notifications import rules
from tests.factories import UserFactory
from tests.workplan.factories import TaskFactory
from workplan.reminders import DIGEST_KIND, TASK_DUE_KIND, TASK_OVERDUE_KIND

pytestmark = pytest.mark.django_db


def at(day, hour=9):
    return time_machine.travel(dt.datetime(2017, 6, day, hour - 8, 0, tzinfo=dt.UTC), tick=False)


def test_a_task_owner_is_reminded_a_week_and_a_day_before_the_due_date(staff_user):
    task = TaskFactory(owner=staff_user, due_date=dt.date(2017, 6, 30))
    with at(23):
        assert rules.run_rule("workplan.task_due") == 2
        assert rules.run_rule("workplan.task_due") == 0
    rows = Notification.objects.filter(kind=TASK_DUE_KIND, object_id=str(task.pk)).order_by("due_at")
    assert [row.due_at.date() for row in rows] == [dt.date(2017, 6, 23), dt.date(2017, 6, 29)]
    assert all(row.recipient == staff_user for row in rows)


def test_an_overdue_task_is_chased_once(staff_user):
    TaskFactory(owner=staff_user, due_date=dt.date(2017, 6, 10))
    with at(11):
        assert rules.run_rule("workplan.task_due") == 1
    with at(12):
        assert rules.run_rule("workplan.task_due") == 0
    assert Notification.objects.filter(kind=TASK_OVERDUE_KIND).count() == 1


def test_a_task_done_before_its_reminder_is_not_reminded(staff_user):
    task = TaskFactory(owner=staff_user, due_date=dt.date(2017, 6, 30))
    with at(23):
        rules.run_rule("workplan.task_due")
        task.status = "done"
        task.save()
        rules.run_rule("workplan.task_due")
    rows = Notification.objects.filter(kind=TASK_DUE_KIND, object_id=str(task.pk))
    assert rows.filter(state=NotificationState.PENDING).count() == 0
    assert rows.filter(state=NotificationState.CANCELLED).count() == 2


def test_moving_a_due_date_replaces_the_pending_reminder(staff_user):
    task = TaskFactory(owner=staff_user, due_date=dt.date(2017, 6, 30))
    with at(23):
        rules.run_rule("workplan.task_due")
        task.due_date = dt.date(2017, 6, 28)
        task.save()
        rules.run_rule("workplan.task_due")
    pending = Notification.objects.filter(kind=TASK_DUE_KIND, state=NotificationState.PENDING).order_by(
        "due_at"
    )
    # The week-before reminder for the new date is already late, so it goes now; the day-before one waits.
    assert [row.due_at.date() for row in pending] == [dt.date(2017, 6, 23), dt.date(2017, 6, 27)]
    assert all("28" in row.body for row in pending)
    assert Notification.objects.filter(kind=TASK_DUE_KIND, state=NotificationState.CANCELLED).count() == 2


def test_leaders_get_a_monthly_digest_once_a_month(leader_user):
    task = TaskFactory(due_date=dt.date(2017, 5, 1))
    UserFactory(username="not_a_leader")
    with time_machine.travel(dt.datetime(2017, 6, 1, 0, 0, tzinfo=dt.UTC), tick=False):
        assert rules.run_rule("workplan.monthly_digest") == 1
        assert rules.run_rule("workplan.monthly_digest") == 0
    row = Notification.objects.get(kind=DIGEST_KIND)
    assert row.recipient == leader_user
    assert task.item.plan.year == 2017
    assert "0" in row.body
