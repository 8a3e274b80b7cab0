"""Session control: an idle timeout with a warning before it, one live session per account, and a
session cookie that is worth nothing after logout or the timeout."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def session_control_on(settings):
    settings.SESSION_ONE_PER_ACCOUNT = True
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_IDLE_WARNING_SECONDS = 120
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(username: str = "member") -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_an_idle_session_ends_after_thirty_minutes_and_the_login_page_says_why(member_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in()
        assert client.get(reverse("members:portal_home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get(reverse("members:portal_home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("members:portal_home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        page = client.get(response["Location"]).content.decode()
        assert "30 分钟无操作" in page
    assert AuditEvent.objects.filter(action="session.idle_timeout", account="member").exists()


def test_pages_carry_the_idle_warning_script_served_by_the_portal(member_user):
    client = signed_in()
    response = client.get(reverse("members:portal_home"))
    page = response.content.decode()
    assert 'src="/static/core/js/idle_timeout.js"' in page
    assert 'data-idle-seconds="1800"' in page and 'data-warning-seconds="120"' in page
    assert "秒后因长时间无操作" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in page  # nothing inline: the script runs under the CSP as it is
    assert finders.find("core/js/idle_timeout.js")


def test_the_warning_script_learns_how_long_is_left_and_can_keep_the_session(member_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in()
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        status = client.get(reverse("session_status")).json()
        assert status == {"signed_in": True, "remaining": 60}  # asking is not activity
        assert client.post(reverse("session_status")).json() == {"signed_in": True, "remaining": 1800}
    with time_machine.travel(start + dt.timedelta(minutes=50), tick=False):
        assert client.get(reverse("members:portal_home")).status_code == 200


def test_a_new_sign_in_ends_the_old_session_and_the_old_device_is_told_why(member_user):
    old = signed_in()
    new = signed_in()
    assert new.get(reverse("members:portal_home")).status_code == 200
    response = old.get(reverse("members:portal_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = old.get(response["Location"]).content.decode()
    assert "您的账号已在另一台设备或浏览器上登录" in page
    assert new.get(reverse("members:portal_home")).status_code == 200
    assert AuditEvent.objects.filter(action="session.superseded", account="member").count() == 1


def test_a_stolen_cookie_is_refused_after_logout(member_user):
    client = signed_in()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = thief.get(reverse("members:portal_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=cookie).exists()


def test_a_stolen_cookie_is_refused_after_the_idle_timeout(member_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        client.get(reverse("members:portal_home"))
        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
        response = thief.get(reverse("members:portal_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=cookie).exists()


def test_a_stolen_cookie_of_a_session_ended_by_a_new_sign_in_is_refused(member_user):
    old = signed_in()
    cookie = old.cookies[settings.SESSION_COOKIE_NAME].value
    signed_in()
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert thief.get(reverse("members:portal_home")).status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()


def test_admin_pages_carry_the_idle_warning_too(staff_user):
    client = signed_in("staff")
    page = client.get(reverse("admin:index")).content.decode()
    assert 'src="/static/core/js/idle_timeout.js"' in page


def test_signing_in_again_after_logging_out_ends_nothing_and_says_nothing(member_user):
    client = signed_in()
    client.post(reverse("logout"))
    client = signed_in()
    assert client.get(reverse("members:portal_home")).status_code == 200
    assert not AuditEvent.objects.filter(action="session.superseded").exists()
