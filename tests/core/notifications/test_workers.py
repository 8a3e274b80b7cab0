"""The real stack: Celery workers on Redis deliver reminders once, through crashes and outages.

Each test starts its own redis-server on a free port and its own worker processes, pointed at the
test database; rows are committed (transaction=True) so the workers see them. Nothing sleeps on
time: the tests poll the workers' progress with bounded waits.
"""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from cppcc_portal.core import roles
from cppcc_portal.core.models import Notification, NotificationState, UserPreference
from cppcc_portal.core.notifications import services
from cppcc_portal.core.notifications.kinds import register_kind
from members.reminders import ACTIVITY_KIND
from tests.core.notifications.processes import mails_per_notification, wait_until
from tests.factories import MemberFactory, UserFactory
from tests.members.factories import ParticipationFactory, TrainingFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RULE_TASK = "cppcc_portal.core.tasks.run_reminder_rule"
SWEEP_TASK = "cppcc_portal.core.tasks.sweep_due_notifications"
DELIVER_TASK = "cppcc_portal.core.tasks.deliver_notification"
KIND = "tests.worker"
register_kind(KIND, "Worker test")
# Workers in these tests take over a dead worker's rows after 2 s and sweep rows as soon as due.
FAST_RECOVERY = {
    "NOTIFICATION_CLAIM_TIMEOUT_SECONDS": "2",
    "NOTIFICATION_SWEEP_GRACE_SECONDS": "0",
    "CELERY_VISIBILITY_TIMEOUT": "2",
}


def member_who_wants_mail(name, kind=ACTIVITY_KIND):
    user = UserFactory(username=name, role=roles.MEMBER)
    UserPreference.objects.create(user=user, email_kinds=[kind])
    return MemberFactory(user=user, name=name)


def all_sent(expected: int):
    return lambda: Notification.objects.filter(state=NotificationState.SENT).count() == expected


def queue_due(count: int, prefix: str) -> list[int]:
    """Rows already due, written while no task is enqueued for them (the broker was down)."""
    person = UserFactory(username=f"{prefix}-person")
    UserPreference.objects.create(user=person, email_kinds=[KIND])
    rows = [
        Notification(
            recipient=person,
            kind=KIND,
            dedupe_key=f"{prefix}:{n}",
            title=f"{prefix} {n}",
            due_at=timezone.now() - dt.timedelta(minutes=1),
            inbox_at=timezone.now() - dt.timedelta(minutes=1),
            send_email=True,
        )
        for n in range(count)
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows)]


def test_a_training_tomorrow_reaches_each_enrolled_member_once_in_the_inbox_and_by_email(
    broker, start_worker, mail_dir
):
    training = TrainingFactory(
        title="履职能力培训班", starts_at=timezone.now() + dt.timedelta(hours=20), capacity=10
    )
    enrolled = [member_who_wants_mail(f"trainee{n}") for n in range(3)]
    for member in enrolled:
        ParticipationFactory(activity=training, member=member, enrolment="enrolled")
    ParticipationFactory(activity=training, member=member_who_wants_mail("waiting"), enrolment="waitlisted")
    worker = start_worker("w1", **FAST_RECOVERY)

    broker.send_task(RULE_TASK, args=["members.activity_reminders"])
    assert wait_until(all_sent(3)), "the reminders were not delivered"
    # Another run of the rule and a sweep later: still one reminder and one e-mail each.
    broker.send_task(RULE_TASK, args=["members.activity_reminders"])
    broker.send_task(SWEEP_TASK)
    assert wait_until(lambda: worker.finished(RULE_TASK) == 2 and worker.finished(SWEEP_TASK) == 1)

    rows = Notification.objects.filter(kind=ACTIVITY_KIND)
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["trainee0", "trainee1", "trainee2"]
    assert set(rows.values_list("state", flat=True)) == {NotificationState.SENT}
    assert mails_per_notification(mail_dir) == {row.pk: 1 for row in rows}
    assert all("履职能力培训班" in row.title for row in rows)


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing_and_doubles_nothing(
    broker, start_worker, mail_dir, tmp_path
):
    ids = queue_due(40, "kill")
    marker = tmp_path / "mail-count"
    victim = start_worker(
        "victim",
        EMAIL_BACKEND="tests.core.notifications.blocking_mail.EmailBackend",
        BLOCK_MAIL_AFTER="15",
        BLOCK_MAIL_MARKER=str(marker),
        **FAST_RECOVERY,
    )
    broker.send_task(SWEEP_TASK)
    assert wait_until(lambda: marker.with_suffix(".blocked").exists()), "the worker never reached mail 16"
    # Each row is marked sent right after its e-mail: only the rows not yet e-mailed are in doubt.
    assert Notification.objects.filter(state=NotificationState.SENT).count() == 15
    assert Notification.objects.filter(state=NotificationState.SENDING).count() == 25
    assert sum(mails_per_notification(mail_dir).values()) == 15
    victim.kill()

    start_worker("rescuer", **FAST_RECOVERY)

    def recovered():
        broker.send_task(SWEEP_TASK)  # what beat does every minute
        return all_sent(40)()

    assert wait_until(recovered, interval=1.0), "the rescuer did not finish the dead worker's batch"
    assert mails_per_notification(mail_dir) == {pk: 1 for pk in ids}


def test_redis_down_while_a_member_acts_the_request_succeeds_and_the_sweep_delivers_later(
    broker, redis_server, start_worker, client, mail_dir
):
    training = TrainingFactory(starts_at=timezone.now() + dt.timedelta(days=3), capacity=1)
    leaving = MemberFactory(user=UserFactory(username="leaving", role=roles.MEMBER))
    waiting = member_who_wants_mail("waiting", kind="members.enrolment.promoted")
    register_kind("members.enrolment.promoted", "promoted")
    ParticipationFactory(activity=training, member=leaving, enrolment="enrolled", invitation="accepted")
    ParticipationFactory(
        activity=training, member=waiting, enrolment="waitlisted", waitlist_position=1, invitation="accepted"
    )
    start_worker("w1", **FAST_RECOVERY)
    redis_server.stop()

    client.force_login(leaving.user)
    response = client.post(f"/portal/activities/{training.pk}/enrol/cancel/")
    assert response.status_code == 302
    row = Notification.objects.get(recipient=waiting.user)
    assert row.state == NotificationState.PENDING

    redis_server.start()

    def delivered():
        broker.send_task(SWEEP_TASK)
        return Notification.objects.filter(pk=row.pk, state=NotificationState.SENT).exists()

    assert wait_until(delivered, interval=1.0), "the sweep did not deliver the row written during the outage"
    assert mails_per_notification(mail_dir) == {row.pk: 1}


def test_the_same_beat_tick_delivered_twice_sends_each_reminder_once(broker, start_worker, mail_dir):
    training = TrainingFactory(starts_at=timezone.now() + dt.timedelta(hours=10), capacity=10)
    for n in range(4):
        ParticipationFactory(activity=training, member=member_who_wants_mail(f"m{n}"), enrolment="enrolled")
    tick = str(uuid.uuid4())
    broker.send_task(RULE_TASK, args=["members.activity_reminders"], task_id=tick)
    broker.send_task(RULE_TASK, args=["members.activity_reminders"], task_id=tick)
    worker = start_worker("w1", **FAST_RECOVERY)

    assert wait_until(all_sent(4))
    broker.send_task(SWEEP_TASK)
    assert wait_until(lambda: worker.finished(RULE_TASK) == 2 and worker.finished(SWEEP_TASK) == 1)
    rows = Notification.objects.filter(kind=ACTIVITY_KIND)
    assert rows.count() == 4
    assert mails_per_notification(mail_dir) == {row.pk: 1 for row in rows}


def test_two_workers_racing_for_the_same_rows_send_each_once(broker, start_worker, mail_dir):
    ids = queue_due(120, "race")
    for pk in ids:
        # Every row twice on the queue, as a redelivered message would be, plus sweeps.
        broker.send_task(DELIVER_TASK, args=[pk])
        broker.send_task(DELIVER_TASK, args=[pk])
    for _sweep in range(4):
        broker.send_task(SWEEP_TASK)
    start_worker("left", NOTIFICATION_SWEEP_BATCH="10", NOTIFICATION_SWEEP_GRACE_SECONDS="0")
    start_worker("right", NOTIFICATION_SWEEP_BATCH="10", NOTIFICATION_SWEEP_GRACE_SECONDS="0")

    assert wait_until(all_sent(120), timeout=120)
    assert mails_per_notification(mail_dir) == {pk: 1 for pk in ids}


def test_notify_with_the_broker_down_keeps_the_row_for_the_sweep(broker, redis_server):
    person = UserFactory(username="outage")
    redis_server.stop()
    row = services.notify(recipient=person, kind=KIND, dedupe_key="outage", title="hello")
    assert Notification.objects.get(pk=row.pk).state == NotificationState.PENDING
