"""The notification sweep on 100,000 due rows, against a plain bulk UPDATE of the same rows.

The sweep claims batches (one UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)), delivers
each row to the inbox and, for one row in ten, by e-mail (locmem backend), and marks the batch
sent. The plain UPDATE sets the same rows to sent in one statement: the floor of what any sweep
could cost. Everything runs in one transaction that is rolled back, so the database keeps only
what it had. Run: DATABASE_URL=postgres://… python bench/notifications_sweep.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cppcc_portal.core.models import Notification, NotificationState, UserPreference  # noqa: E402
from cppcc_portal.core.notifications import delivery  # noqa: E402

ROWS = int(os.environ.get("BENCH_NOTIFICATIONS", "100000"))
PEOPLE = 1000
EMAIL_SHARE = 10  # one person in ten chose e-mail for this kind
BATCH = 500
KIND = "bench.sweep"


class Rollback(Exception):
    """Raised to leave the measuring transaction without keeping its rows."""


def people() -> list:
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(username=f"bench-sweep-{n}", email=f"bench{n}@example.org", password="!")
            for n in range(PEOPLE)
        ]
    )
    UserPreference.objects.bulk_create(
        [UserPreference(user=user, email_kinds=[KIND]) for user in users[::EMAIL_SHARE]]
    )
    return users


def due_rows(users: list) -> list[int]:
    due = timezone.now() - dt.timedelta(minutes=1)
    rows = [
        Notification(
            recipient=users[n % PEOPLE],
            kind=KIND,
            dedupe_key=f"bench:{n}",
            title=f"培训提醒 {n}",
            body="明天上午九点在区政协会议室举行委员履职能力培训。",
            link="/portal/",
            due_at=due,
            inbox_at=due,
            send_email=(n % PEOPLE) % EMAIL_SHARE == 0,
        )
        for n in range(ROWS)
    ]
    return [row.pk for row in Notification.objects.bulk_create(rows, batch_size=5000)]


def main() -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    vendor = connection.vendor
    try:
        with transaction.atomic():
            users = people()
            ids = due_rows(users)
            with_email = Notification.objects.filter(pk__in=ids, send_email=True).count()

            # The floor: one plain UPDATE of the same rows, undone before the sweep runs.
            savepoint = transaction.savepoint()
            started = time.perf_counter()
            updated = (
                Notification.objects.filter(kind=KIND, state=NotificationState.PENDING)
                .order_by()
                .update(state=NotificationState.SENT, sent_at=timezone.now())
            )
            floor = time.perf_counter() - started
            transaction.savepoint_rollback(savepoint)
            assert updated == ROWS, updated

            started = time.perf_counter()
            result = delivery.sweep(batch_size=BATCH)
            swept = time.perf_counter() - started

            sent = Notification.objects.filter(kind=KIND, state=NotificationState.SENT).count()
            mails = len(mail.outbox)
            raise Rollback
    except Rollback:
        pass

    print(f"- database: {vendor}; {ROWS:,} due notifications, {with_email:,} of them also by e-mail (locmem)")
    print(
        f"- sweep (claim in batches of {BATCH} + inbox + e-mail): {swept:.2f} s, {ROWS / swept:,.0f} rows/s"
    )
    print(f"- plain bulk UPDATE of the same rows: {floor:.2f} s, {ROWS / floor:,.0f} rows/s")
    print(f"- sweep / bulk UPDATE: {swept / floor:.1f}×")
    print(
        f"- delivered: {sent:,} rows marked sent (sweep counted {result.sent:,}), {mails:,} e-mails, each once"
    )


if __name__ == "__main__":
    main()
