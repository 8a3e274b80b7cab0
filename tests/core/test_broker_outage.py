"""With the broker down, a request that notifies many people answers at once (issue 13, defect 14).

The broker URL points at a port where nothing listens, as when Redis is stopped; publishing goes
through the real Celery app and kombu (nothing is mocked), so their retries would show here.
"""

import socket
import time

import pytest
from django.db import transaction
from django.utils import timezone

from cppcc_portal.core import publishing
from cppcc_portal.core.models import Notification, NotificationState
from cppcc_portal.core.notifications import delivery, services
from cppcc_portal.core.notifications.kinds import register_kind
from tests.factories import UserFactory

KIND = "tests.outage"
register_kind(KIND, "Outage (tests)")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.fixture
def broker_down(settings):
    from cppcc_portal.celery import app

    before = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    publishing.reset()
    yield app
    app.conf.broker_url = before
    publishing.reset()


@pytest.mark.usefixtures("transactional_db")
def test_twelve_notifications_with_the_broker_down_add_well_under_100_ms_to_the_request(broker_down):
    # A server that has run for a while has its modules loaded: one earlier publish warms them.
    services._enqueue(0, timezone.now())
    publishing.reset()

    people = [UserFactory(username=f"cosigner{n}") for n in range(12)]
    durations = []
    original = services._enqueue

    def timed(*args):
        started = time.monotonic()
        original(*args)
        durations.append(time.monotonic() - started)

    services._enqueue = timed
    try:
        with transaction.atomic():  # the on-commit publishing runs when this block commits
            for n, person in enumerate(people):
                services.notify(recipient=person, kind=KIND, dedupe_key=f"outage:{n}", title="请联名")
    finally:
        services._enqueue = original
    assert len(durations) == 12
    assert sum(durations) < 0.1, f"the request waited {sum(durations):.3f} s on a broker that is down"
    assert Notification.objects.filter(kind=KIND, state=NotificationState.PENDING).count() == 12

    # Once the first failure is known, the next request does not try the broker at all.
    started = time.monotonic()
    services._enqueue(0, timezone.now())
    assert time.monotonic() - started < 0.01

    # The sweep (run by beat when the broker is back) delivers everything written meanwhile.
    assert delivery.sweep().sent == 12
    assert Notification.objects.filter(kind=KIND, state=NotificationState.SENT).count() == 12


@pytest.mark.usefixtures("transactional_db")
def test_a_failed_publish_is_tried_again_after_the_backoff(broker_down, settings):
    settings.NOTIFICATION_PUBLISH_BACKOFF = 0
    person = UserFactory(username="retrying")
    attempts = []
    original = publishing.publishing_connection

    def counting(app):
        attempts.append(1)
        return original(app)

    publishing.publishing_connection = counting
    try:
        for n in range(2):
            with transaction.atomic():
                services.notify(recipient=person, kind=KIND, dedupe_key=f"again:{n}", title="通知")
    finally:
        publishing.publishing_connection = original
    assert len(attempts) == 2
