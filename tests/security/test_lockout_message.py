"""A locked-out person is told until when the lock lasts, in Chinese."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_the_lockout_page_says_until_when_the_account_is_locked(client, member_user, axes_on):
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    with time_machine.travel(dt.datetime(2026, 3, 20, 14, 0, tzinfo=shanghai), tick=False):
        for _ in range(5):
            response = client.post(
                reverse("login"), {"username": "member", "password": "wrong"}, REMOTE_ADDR="10.0.0.1"
            )
    assert response.status_code == 429
    page = response.content.decode()
    assert "已被锁定至 2026-03-20 14:15（15 分钟）" in page
