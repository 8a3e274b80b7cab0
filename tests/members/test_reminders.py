"""Activity and training reminders: one per participant and offset, moved and cancelled with the activity."""

import datetime as dt

import pytest
import time_machine

from cppcc_portal.core import roles
from cppcc_portal.core.models import Notification, NotificationState
from cppcc_portal.core.notifications import delivery, rules
from members import services
from members.reminders import ACTIVITY_KIND, ATTENDANCE_KIND, DUTY_REPORT_KIND, MINIMUMS_KIND
from tests.factories import MemberFactory, UserFactory
from tests.members.factories import ParticipationFactory, TrainingFactory

NOW = dt.datetime(2017, 6, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing

pytestmark = pytest.mark.django_db


def member_with_login(name):
    return MemberFactory(user=UserFactory(username=name, role=roles.MEMBER), name=name)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def training_tomorrow(clock):
    training = TrainingFactory(title="理论学习培训班", starts_at=NOW + dt.timedelta(hours=20), capacity=10)
    for name in ("enrolled_a", "enrolled_b"):
        ParticipationFactory(activity=training, member=member_with_login(name), enrolment="enrolled")
    ParticipationFactory(activity=training, member=member_with_login("waiting"), enrolment="waitlisted")
    ParticipationFactory(activity=training, member=member_with_login("invited"), invitation="invited")
    return training


def reminders_of(activity, state=None):
    rows = Notification.objects.filter(kind=ACTIVITY_KIND, object_id=str(activity.pk))
    return rows.filter(state=state) if state else rows


def test_a_training_tomorrow_reminds_each_enrolled_member_once(training_tomorrow):
    created = rules.run_rule("members.activity_reminders")
    rows = reminders_of(training_tomorrow)
    assert created == 2
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["enrolled_a", "enrolled_b"]
    assert all(row.due_at == NOW for row in rows)  # the 24-hour reminder is due; the 72-hour one is skipped
    assert "理论学习培训班" in rows.first().title


def test_running_the_rule_again_or_late_creates_nothing_twice(training_tomorrow, clock):
    rules.run_rule("members.activity_reminders")
    clock.shift(dt.timedelta(hours=3))
    assert rules.run_rule("members.activity_reminders") == 0
    assert reminders_of(training_tomorrow).count() == 2


def test_a_meeting_next_week_has_two_reminders_waiting_at_72_and_24_hours(clock):
    meeting = TrainingFactory(kind="meeting", starts_at=NOW + dt.timedelta(days=5), capacity=None)
    meeting.reminder_message = "请带身份证"
    meeting.save()
    ParticipationFactory(activity=meeting, member=member_with_login("invitee"), invitation="accepted")
    ParticipationFactory(activity=meeting, member=member_with_login("declined"), invitation="declined")
    rules.run_rule("members.activity_reminders")
    rows = reminders_of(meeting).order_by("due_at")
    assert [row.due_at for row in rows] == [
        meeting.starts_at - dt.timedelta(hours=72),
        meeting.starts_at - dt.timedelta(hours=24),
    ]
    assert {row.recipient.username for row in rows} == {"invitee"}
    assert "请带身份证" in rows[0].body
    assert delivery.sweep().sent == 0  # nothing is due yet


def test_moving_a_training_moves_its_pending_reminders(clock, staff_user, django_capture_on_commit_callbacks):
    training = TrainingFactory(starts_at=NOW + dt.timedelta(days=5), capacity=10)
    ParticipationFactory(activity=training, member=member_with_login("mover"), enrolment="enrolled")
    rules.run_rule("members.activity_reminders")
    training.starts_at = NOW + dt.timedelta(days=10)
    training.ends_at = training.starts_at + dt.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_save(activity=training, actor=staff_user)
    pending = reminders_of(training, NotificationState.PENDING).order_by("due_at")
    assert [row.due_at for row in pending] == [
        training.starts_at - dt.timedelta(hours=72),
        training.starts_at - dt.timedelta(hours=24),
    ]
    assert reminders_of(training, NotificationState.CANCELLED).count() == 2


def test_moving_it_back_to_the_first_date_plans_the_first_reminders_again(
    clock, staff_user, django_capture_on_commit_callbacks
):
    first = NOW + dt.timedelta(days=5)
    training = TrainingFactory(starts_at=first, capacity=10)
    ParticipationFactory(activity=training, member=member_with_login("back"), enrolment="enrolled")
    rules.run_rule("members.activity_reminders")
    for starts in (first + dt.timedelta(days=2), first):
        training.starts_at, training.ends_at = starts, starts + dt.timedelta(hours=2)
        with django_capture_on_commit_callbacks(execute=True):
            services.activity_save(activity=training, actor=staff_user)
    assert reminders_of(training, NotificationState.PENDING).count() == 2


def test_cancelling_a_training_cancels_its_reminders(clock, staff_user, django_capture_on_commit_callbacks):
    training = TrainingFactory(starts_at=NOW + dt.timedelta(days=5), capacity=10)
    ParticipationFactory(activity=training, member=member_with_login("cancel"), enrolment="enrolled")
    rules.run_rule("members.activity_reminders")
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_cancel(activity=training, actor=staff_user)
    assert reminders_of(training, NotificationState.PENDING).count() == 0
    assert reminders_of(training, NotificationState.CANCELLED).count() == 2
    assert rules.run_rule("members.activity_reminders") == 0


def test_a_member_who_leaves_the_training_is_no_longer_reminded(clock):
    training = TrainingFactory(starts_at=NOW + dt.timedelta(days=5), capacity=10)
    seat = ParticipationFactory(activity=training, member=member_with_login("leaver"), enrolment="enrolled")
    rules.run_rule("members.activity_reminders")
    seat.enrolment = "cancelled"
    seat.save()
    rules.run_rule("members.activity_reminders")
    assert reminders_of(training, NotificationState.PENDING).count() == 0


def test_the_organiser_is_reminded_the_day_after_when_attendance_is_not_recorded(clock, staff_user):
    training = TrainingFactory(
        starts_at=NOW - dt.timedelta(days=1, hours=2),
        ends_at=NOW - dt.timedelta(days=1),
        created_by=staff_user,
    )
    ParticipationFactory(activity=training, member=member_with_login("attendee"), enrolment="enrolled")
    assert rules.run_rule("members.attendance_not_recorded") == 1
    assert rules.run_rule("members.attendance_not_recorded") == 0
    row = Notification.objects.get(kind=ATTENDANCE_KIND)
    assert row.recipient == staff_user


def test_recorded_attendance_needs_no_reminder(clock, staff_user):
    training = TrainingFactory(
        starts_at=NOW - dt.timedelta(days=1, hours=2),
        ends_at=NOW - dt.timedelta(days=1),
        created_by=staff_user,
    )
    ParticipationFactory(activity=training, member=member_with_login("present"), attendance="present")
    assert rules.run_rule("members.attendance_not_recorded") == 0


def test_members_below_the_yearly_minimums_hear_it_each_quarter(member):
    with time_machine.travel(dt.datetime(2017, 7, 1, 1, 0, tzinfo=dt.UTC), tick=False):
        assert rules.run_rule("members.below_minimums") == 1
        assert rules.run_rule("members.below_minimums") == 0
    row = Notification.objects.get(kind=MINIMUMS_KIND)
    assert row.recipient == member.user
    assert "2017" in row.title


def test_members_are_reminded_before_the_duty_report_deadline(member, settings):
    settings.DUTY_REPORT_DEADLINE = "12-15"
    with time_machine.travel(dt.datetime(2017, 11, 30, 1, 0, tzinfo=dt.UTC), tick=False):
        assert rules.run_rule("members.duty_report_deadline") == 0
    with time_machine.travel(dt.datetime(2017, 12, 1, 1, 0, tzinfo=dt.UTC), tick=False):
        assert rules.run_rule("members.duty_report_deadline") == 1
        assert rules.run_rule("members.duty_report_deadline") == 0
    with time_machine.travel(dt.datetime(2017, 12, 12, 1, 0, tzinfo=dt.UTC), tick=False):
        assert rules.run_rule("members.duty_report_deadline") == 1
    assert Notification.objects.filter(kind=DUTY_REPORT_KIND, recipient=member.user).count() == 2
