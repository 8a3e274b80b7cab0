"""The header's unread count: kept per person between pages, and right after every way it changes."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core.notifications import services
from members.reminders import ACTIVITY_KIND
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def queued(user, n, **extra):
    return services.notify(
        recipient=user, kind=ACTIVITY_KIND, dedupe_key=f"badge:{user.pk}:{n}", title=f"通知{n}", **extra
    )


def badge_on_the_plan_page(client) -> str | None:
    page = client.get(reverse("workplan:current"), follow=True).content.decode()
    start = page.find('<span class="badge">')
    if start < 0:
        return None
    return page[start + len('<span class="badge">') : page.index("</span>", start)]


def test_a_second_page_reads_the_count_without_counting_again(client, member_user):
    queued(member_user, 1)
    client.force_login(member_user)
    assert badge_on_the_plan_page(client) == "1"
    with CaptureQueriesContext(connection) as queries:
        assert badge_on_the_plan_page(client) == "1"
    assert not [q for q in queries.captured_queries if "core_notification" in q["sql"]]


def test_a_new_notification_shows_on_the_next_page(client, member_user):
    client.force_login(member_user)
    assert badge_on_the_plan_page(client) is None
    queued(member_user, 1)
    queued(member_user, 2)
    assert badge_on_the_plan_page(client) == "2"


def test_reading_one_and_then_all_lowers_the_count_at_once(client, member_user):
    first = queued(member_user, 1)
    queued(member_user, 2)
    queued(member_user, 3)
    client.force_login(member_user)
    assert badge_on_the_plan_page(client) == "3"
    services.notification_mark_read(user=member_user, notification_id=first.pk)
    assert badge_on_the_plan_page(client) == "2"
    services.notifications_mark_all_read(user=member_user)
    assert badge_on_the_plan_page(client) is None


def test_a_cancelled_reminder_leaves_the_count(client, member_user):
    activity = ActivityFactory()
    queued(member_user, 1, about=activity)
    client.force_login(member_user)
    assert badge_on_the_plan_page(client) == "1"
    services.cancel_pending(about=activity)
    assert badge_on_the_plan_page(client) is None


def test_a_planned_notification_is_counted_when_its_time_comes(client, member_user):
    now = timezone.now()
    queued(member_user, 1, due_at=now + dt.timedelta(hours=2))
    client.force_login(member_user)
    with time_machine.travel(now, tick=False):
        assert badge_on_the_plan_page(client) is None
    with time_machine.travel(now + dt.timedelta(hours=2, seconds=1), tick=False):
        assert badge_on_the_plan_page(client) == "1"


def test_someone_elses_notifications_never_reach_my_count(client, member_user, other_member_user):
    queued(other_member_user, 1)
    client.force_login(member_user)
    assert badge_on_the_plan_page(client) is None
    queued(member_user, 1)
    assert badge_on_the_plan_page(client) == "1"
