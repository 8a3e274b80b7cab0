"""Each committee's office runs its reminders on its own hours: every rule has a beat entry per
committee, and a run for one committee writes and withdraws that committee's reminders only."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from cppcc_portal.core import committees
from cppcc_portal.core.models import Committee, Notification, NotificationState
from cppcc_portal.core.notifications import rules
from cppcc_portal.core.tasks import run_reminder_rule
from tests.factories import CommitteeFactory, UserFactory
from tests.workplan.factories import TaskFactory
from workplan.reminders import TASK_DUE_KIND

pytestmark = pytest.mark.django_db

RULE = "workplan.task_due"


def at(day, hour=9):
    return time_machine.travel(dt.datetime(2017, 6, day, hour - 8, 0, tzinfo=dt.UTC), tick=False)


def entries_of(committee) -> list[PeriodicTask]:
    return [
        entry
        for entry in PeriodicTask.objects.filter(task="cppcc_portal.core.tasks.run_reminder_rule")
        if json.loads(entry.kwargs or "{}").get("committee_id") == committee.pk
    ]


def test_a_new_committee_gets_its_own_entry_of_every_rule_and_its_office_moves_them_alone(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        xicheng = committees.committee_save(
            actor=None,
            committee=Committee(slug="xicheng", short_name="西城区政协", name="西城区政协全称"),
            created=True,
        )
    own = {entry.name for entry in entries_of(xicheng)}
    assert own == {f"{rules.RULE_TASK_PREFIX}{rule.name} · xicheng" for rule in rules.all_rules()}
    # The installation's own committee keeps the plain names, and its entries stay its own.
    first = {entry.name for entry in entries_of(committees.default())}
    assert first == {rules.RULE_TASK_PREFIX + rule.name for rule in rules.all_rules()}

    district_entry = PeriodicTask.objects.get(name=f"{rules.RULE_TASK_PREFIX}{RULE} · xicheng")
    district_entry.crontab = rules._crontab_of("default")(rules.Schedule(minute="30", hour="10"))
    district_entry.save()
    rules.ensure_schedules()
    assert PeriodicTask.objects.get(name=district_entry.name).crontab.hour == "10"
    assert PeriodicTask.objects.get(name=rules.RULE_TASK_PREFIX + RULE).crontab.hour == "8"


def test_an_entry_of_the_release_before_becomes_the_installations_own_committees():
    entry = PeriodicTask.objects.get(name=rules.RULE_TASK_PREFIX + RULE)
    entry.kwargs = "{}"
    entry.save()
    rules.ensure_schedules()
    entry.refresh_from_db()
    assert json.loads(entry.kwargs) == {"committee_id": committees.default_id()}


def test_a_run_for_one_committee_writes_and_withdraws_that_committees_reminders_only():
    city_owner, district_owner = UserFactory(), UserFactory()
    city_task = TaskFactory(owner=city_owner, due_date=dt.date(2017, 6, 30))
    district = CommitteeFactory(slug="xicheng")
    with committees.working_for(district):
        district_task = TaskFactory(owner=district_owner, due_date=dt.date(2017, 6, 30))
    with at(23):
        assert run_reminder_rule(RULE, committee_id=committees.default_id()) == 2
        assert not Notification.objects.filter(recipient=district_owner).exists()
        assert run_reminder_rule(RULE, committee_id=district.pk) == 2
        assert (
            Notification.objects.get(recipient=district_owner, due_at__date=dt.date(2017, 6, 23)).committee
            == district
        )

        # The district's task is done: the district's run withdraws its reminder, not the city's.
        with committees.working_for(district):
            district_task.status = "done"
            district_task.save()
        run_reminder_rule(RULE, committee_id=district.pk)
    pending = Notification.objects.filter(kind=TASK_DUE_KIND, state=NotificationState.PENDING)
    assert {row.recipient for row in pending} == {city_owner}
    assert pending.filter(object_id=str(city_task.pk)).count() == 2


def test_a_run_queued_before_the_upgrade_plans_for_every_committee_and_a_deleted_committees_does_nothing():
    district = CommitteeFactory(slug="xicheng")
    with committees.working_for(district):
        TaskFactory(owner=UserFactory(), due_date=dt.date(2017, 6, 30))
    TaskFactory(owner=UserFactory(), due_date=dt.date(2017, 6, 30))
    with at(23):
        assert run_reminder_rule(RULE) == 4
        assert run_reminder_rule(RULE, committee_id=999_999) == 0


def test_no_rule_plans_another_committees_reminders():
    # The demo year is committee one's; a new committee has no rows, so any reminder a rule plans
    # for it came from another committee's rows (a child table read across committees).
    call_command("seed_demo", "--force", "-v0")
    empty = CommitteeFactory(slug="empty")
    planned_in_one = 0
    for day in (dt.date(2017, 3, 6), dt.date(2017, 6, 23), dt.date(2017, 11, 20)):
        now = dt.datetime.combine(day, dt.time(1), tzinfo=dt.UTC)
        for rule in rules.all_rules():
            planned_in_one += len(list(rule.plan(now)))
            with committees.working_for(empty):
                assert list(rule.plan(now)) == [], (rule.name, day)
    assert planned_in_one > 0  # the demo year gives the rules something to plan on those days
