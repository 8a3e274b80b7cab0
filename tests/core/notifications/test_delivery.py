"""Delivery: claimed once, sent once on each channel, retried with backoff, failed visibly."""

import datetime as dt
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.models import Notification, NotificationDelivery, NotificationState, UserPreference
from cppcc_portal.core.notifications import delivery
from cppcc_portal.core.notifications.channels import Channel, register_channel, unregister_channel
from cppcc_portal.core.notifications.kinds import register_kind
from cppcc_portal.core.notifications.services import cancel_pending, notify
from tests.factories import ActivityFactory, UserFactory

NOW = dt.datetime(2017, 6, 1, 9, 0, tzinfo=dt.UTC)
KIND = "tests.hello"
register_kind(KIND, "Hello (tests)")


def wants_mail(user, *kinds):
    UserPreference.objects.update_or_create(user=user, defaults={"email_kinds": list(kinds) or [KIND]})


def queue(user, key="k1", **kwargs):
    return notify(
        recipient=user, kind=KIND, dedupe_key=key, title="Hello", body="Text", link="/plan/", **kwargs
    )


@pytest.fixture
def person(db):
    return UserFactory(username="person")


def test_a_notification_is_written_once_per_dedupe_key(person):
    assert queue(person) is not None
    assert queue(person) is None
    assert Notification.objects.filter(recipient=person).count() == 1


def test_the_title_is_rendered_in_the_recipients_language_not_the_callers(person, settings):
    UserPreference.objects.create(user=person, language="en")
    chinese = UserFactory(username="chinese")
    notify(recipient=person, kind=KIND, dedupe_key="en", title=_("Notifications"))
    notify(recipient=chinese, kind=KIND, dedupe_key="zh", title=_("Notifications"))
    assert Notification.objects.get(dedupe_key="en").title == "Notifications"
    assert Notification.objects.get(dedupe_key="zh").title == "消息通知"


def test_delivery_puts_it_in_the_inbox_and_sends_one_email_to_who_chose_that_kind(person):
    wants_mail(person)
    row = queue(person)
    result = delivery.deliver(row.pk)
    row.refresh_from_db()
    assert result.sent == 1
    assert row.state == NotificationState.SENT and row.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    assert "http://127.0.0.1:8000/plan/" in mail.outbox[0].body
    assert list(row.deliveries.values_list("channel", flat=True)) == ["email"]


def test_without_the_email_choice_only_the_inbox_gets_it(person):
    row = queue(person)
    delivery.deliver(row.pk)
    assert Notification.objects.get(pk=row.pk).state == NotificationState.SENT
    assert mail.outbox == []


def test_a_second_delivery_of_the_same_row_sends_nothing(person):
    wants_mail(person)
    row = queue(person)
    delivery.deliver(row.pk)
    again = delivery.deliver(row.pk)
    assert again.sent == 0
    assert len(mail.outbox) == 1


def test_a_row_due_later_is_not_sent_early(person):
    row = queue(person, due_at=timezone.now() + dt.timedelta(hours=1))
    assert delivery.deliver(row.pk).sent == 0
    assert Notification.objects.get(pk=row.pk).state == NotificationState.PENDING


def test_a_cancelled_row_is_never_sent(person):
    activity = ActivityFactory()
    row = queue(person, about=activity)
    assert cancel_pending(about=activity) == 1
    assert delivery.deliver(row.pk).sent == 0
    assert Notification.objects.get(pk=row.pk).state == NotificationState.CANCELLED


class RefusingBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")

    def close(self):
        pass


def test_a_transient_smtp_error_puts_the_row_back_with_exponential_backoff(person, settings):
    settings.EMAIL_BACKEND = "tests.core.notifications.test_delivery.RefusingBackend"
    settings.NOTIFICATION_RETRY_BASE = 60
    wants_mail(person)
    with time_machine.travel(NOW, tick=False):
        row = queue(person)
        first = delivery.deliver(row.pk)
        row.refresh_from_db()
        assert first.retrying == 1
        assert row.state == NotificationState.PENDING
        assert row.due_at == NOW + dt.timedelta(seconds=60)
        assert "SMTPServerDisconnected" in row.last_error
    with time_machine.travel(NOW + dt.timedelta(seconds=60), tick=False):
        delivery.deliver(row.pk)
        row.refresh_from_db()
        assert row.due_at == NOW + dt.timedelta(seconds=60 + 120)
        assert row.attempts == 2


def test_after_the_last_attempt_the_row_is_failed_with_its_error(person, settings):
    settings.EMAIL_BACKEND = "tests.core.notifications.test_delivery.RefusingBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    wants_mail(person)
    row = queue(person)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        delivery.deliver(row.pk)
        clock.shift(dt.timedelta(hours=1))
        result = delivery.deliver(row.pk)
    row.refresh_from_db()
    assert result.failed == 1
    assert row.state == NotificationState.FAILED
    assert "connection lost" in row.last_error
    assert not row.deliveries.exists()


def test_the_sweep_takes_over_a_row_whose_worker_died_and_does_not_repeat_its_email(person, settings):
    settings.NOTIFICATION_CLAIM_TIMEOUT = 600
    wants_mail(person)
    with time_machine.travel(NOW, tick=False):
        row = queue(person)
        token = delivery.claim(row.pk)
        # The dead worker had sent the e-mail and recorded it, but never marked the row sent.
        NotificationDelivery.objects.create(notification=row, channel="email")
    assert token is not None
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert delivery.sweep().sent == 0  # a claim younger than the timeout may still be alive
    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        assert delivery.sweep().sent == 1
    row.refresh_from_db()
    assert row.state == NotificationState.SENT
    assert mail.outbox == []


def test_a_worker_whose_claim_was_taken_over_cannot_mark_the_row_sent(person):
    with time_machine.travel(NOW, tick=False):
        row = queue(person)
        old_token = delivery.claim(row.pk)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        new_token = delivery.claim(row.pk)
    assert old_token and new_token and old_token != new_token
    assert delivery.deliver_claimed(old_token).sent == 0
    assert delivery.deliver_claimed(new_token).sent == 1


def test_a_row_that_kept_killing_its_workers_ends_failed(person, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    with time_machine.travel(NOW, tick=False) as clock:
        row = queue(person)
        for _attempt in range(3):
            token = delivery.claim(row.pk)
            clock.shift(dt.timedelta(hours=1))
        delivery.deliver_claimed(token)
    row.refresh_from_db()
    assert row.state == NotificationState.FAILED
    assert "worker lost" in row.last_error


def test_the_batch_claim_locks_with_skip_locked_and_claims_no_more_than_asked_on_postgresql(person):
    for n in range(3):
        queue(person, key=f"k{n}")
    with CaptureQueriesContext(connection) as queries:
        token = delivery.claim_batch(limit=2)
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum("FOR UPDATE SKIP LOCKED" in sql for sql in statements if sql.startswith("SELECT")) == 1
    assert sum(sql.startswith("UPDATE") for sql in statements) == 1
    assert Notification.objects.filter(claim_token=token, state=NotificationState.SENDING).count() == 2


def test_a_batch_never_claims_more_than_asked_whatever_the_plan(person):
    # The single UPDATE … IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) it replaced claimed 3 of a
    # batch of 2 in two whole-suite runs (PostgreSQL rescanning the subquery), never when run alone,
    # not even on this nested-loop plan: batch after batch, each claims exactly its size.
    for n in range(40):
        queue(person, key=f"k{n}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the plan that rescans a subquery: a nested loop
            cursor.execute("SET LOCAL enable_hashjoin = off")
            cursor.execute("SET LOCAL enable_mergejoin = off")
    for _batch in range(5):
        token = delivery.claim_batch(limit=3)
        assert Notification.objects.filter(claim_token=token).count() == 3


def test_the_sweep_delivers_everything_due_in_batches(person):
    for n in range(7):
        queue(person, key=f"k{n}")
    queue(person, key="later", due_at=timezone.now() + dt.timedelta(days=1))
    result = delivery.sweep(batch_size=3)
    assert result.sent == 7
    assert Notification.objects.filter(state=NotificationState.SENT).count() == 7
    assert Notification.objects.get(dedupe_key="later").state == NotificationState.PENDING


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_claim_disjoint_rows():
    person = UserFactory(username="racer")
    for n in range(200):
        queue(person, key=f"race{n}")
    tokens: list = []
    barrier = threading.Barrier(2)

    def claim():
        barrier.wait()
        try:
            for _round in range(20):
                tokens.append(delivery.claim_batch(limit=10))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    per_token = [Notification.objects.filter(claim_token=t).count() for t in tokens]
    assert sum(per_token) == 200
    assert Notification.objects.filter(state=NotificationState.SENDING).count() == 200


def test_notify_in_a_request_enqueues_after_commit_and_survives_a_broker_outage(person, monkeypatch):
    from cppcc_portal.core import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.deliver_notification, "apply_async", broker_down)
    from django.db import transaction

    with transaction.atomic():
        row = queue(person)
    assert Notification.objects.get(pk=row.pk).state == NotificationState.PENDING


def test_a_row_due_soon_is_handed_to_celery_and_a_far_one_is_left_to_the_sweep(
    person, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        soon = queue(person, key="soon")
        queue(person, key="far", due_at=timezone.now() + dt.timedelta(days=3))
    assert [args for args, _kwargs in enqueued] == [[soon.pk]]


class SmsChannel(Channel):
    """A stand-in for an SMS gateway, added through the registry only."""

    name = "sms"
    sent: list = []

    def applies(self, notification):
        return True

    def send(self, notification):
        SmsChannel.sent.append(notification.pk)


@pytest.fixture
def sms():
    SmsChannel.sent = []
    register_channel(SmsChannel)
    yield SmsChannel
    unregister_channel("sms")


def test_a_new_channel_is_used_once_per_notification_without_changing_any_rule(person, sms):
    row = queue(person)
    delivery.deliver(row.pk)
    delivery.deliver(row.pk)
    assert sms.sent == [row.pk]
    assert list(row.deliveries.values_list("channel", flat=True)) == ["sms"]


def test_turning_email_off_stops_mail_for_rows_already_queued(person):
    wants_mail(person)
    row = queue(person)
    UserPreference.objects.filter(user=person).update(email_kinds=[])
    delivery.deliver(row.pk)
    assert mail.outbox == []
    assert Notification.objects.get(pk=row.pk).state == NotificationState.SENT


class SlowChannel(Channel):
    """A channel that runs the task out of time on its second message."""

    name = "slow"
    calls = 0

    def applies(self, notification):
        return True

    def send(self, notification):
        from celery.exceptions import SoftTimeLimitExceeded

        SlowChannel.calls += 1
        if SlowChannel.calls == 2:
            raise SoftTimeLimitExceeded


def test_running_out_of_time_marks_what_went_out_and_leaves_the_rest_claimed(person):
    from celery.exceptions import SoftTimeLimitExceeded

    SlowChannel.calls = 0
    register_channel(SlowChannel)
    try:
        for n in range(3):
            queue(person, key=f"slow{n}")
        token = delivery.claim_batch(limit=3)
        with pytest.raises(SoftTimeLimitExceeded):
            delivery.deliver_claimed(token)
    finally:
        unregister_channel("slow")
    states = sorted(Notification.objects.values_list("state", flat=True))
    assert states == [NotificationState.SENDING, NotificationState.SENDING, NotificationState.SENT]
