"""Two-factor login: staff give a TOTP code after the password; wrong and replayed codes are refused;
a recovery code works once; a security administrator resets a lost phone, and that is audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cppcc_portal.core import passwords, roles
from cppcc_portal.core.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code_now(device: TOTPDevice, at: dt.datetime | None = None) -> str:
    """The code the person's authenticator app shows (django-otp's own TOTP computation)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():0{device.digits}d}"


def log_in(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def signed_in_with_two_factor(user):
    """A client of `user` who has set up an authenticator and given its code (the real pages)."""
    client = Client()
    client.force_login(user)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user)
    assert client.post(reverse("two_factor_setup"), {"code": code_now(device)}).status_code == 200
    return client


def enrol(client, username: str) -> tuple[TOTPDevice, list[str]]:
    log_in(client, username)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user__username=username)
    page = client.post(reverse("two_factor_setup"), {"code": code_now(device)}).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    client.post(reverse("logout"))
    return device, codes


def test_staff_without_an_authenticator_are_sent_to_set_one_up_and_see_nothing_else(client, staff_user):
    log_in(client, "staff")
    response = client.get(reverse("workplan:current"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    assert client.get("/api/v1/plans/").json()["code"] == "two_factor_required"
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn by the portal itself


def test_a_staff_user_signs_in_with_a_totp_code(client, staff_user):
    device, codes = enrol(client, "staff")
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert len(codes) == 10

    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        response = log_in(client, "staff")
        assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
        response = client.post(reverse("two_factor_verify"), {"code": code_now(device, later)})
        assert response.status_code == 302
        assert client.get(reverse("dashboard:home")).status_code == 200
        assert client.get(reverse("home"))["Location"] == reverse("dashboard:home")
    assert AuditEvent.objects.filter(action="two_factor.verified", account="staff").exists()


def test_a_wrong_code_is_refused_and_recorded(client, staff_user):
    device, _codes = enrol(client, "staff")
    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        log_in(client, "staff")
        wrong = f"{(int(code_now(device, later)) + 1) % 1000000:06d}"
        response = client.post(reverse("two_factor_verify"), {"code": wrong})
        assert response.status_code == 200
        assert "验证码不正确" in response.content.decode()
        assert client.get(reverse("workplan:current"))["Location"].startswith(reverse("two_factor_verify"))
    failed = AuditEvent.objects.get(action="two_factor.failed")
    assert failed.outcome == AuditEvent.Outcome.FAILURE


def test_a_code_already_used_is_refused_the_second_time(client, staff_user):
    device, _codes = enrol(client, "staff")
    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        code = code_now(device, later)
        log_in(client, "staff")
        assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
        client.post(reverse("logout"))
        log_in(client, "staff")
        response = client.post(reverse("two_factor_verify"), {"code": code})
        assert response.status_code == 200
        assert client.get(reverse("workplan:current"))["Location"].startswith(reverse("two_factor_verify"))


def test_a_recovery_code_works_once(client, staff_user):
    _device, codes = enrol(client, "staff")
    log_in(client, "staff")
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert AuditEvent.objects.filter(action="two_factor.recovery_code_used").count() == 1
    client.post(reverse("logout"))
    log_in(client, "staff")
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 200
    # After a wrong code django-otp makes the next try wait a moment (throttling), then it counts.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5), tick=False):
        assert client.post(reverse("two_factor_verify"), {"code": codes[1]}).status_code == 302


def test_members_may_go_on_without_two_factor_login_and_may_set_it_up(client, member_user):
    log_in(client, "member")
    assert client.get(reverse("members:portal_home")).status_code == 200
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=member_user)
    assert client.post(reverse("two_factor_setup"), {"code": code_now(device)}).status_code == 200
    client.post(reverse("logout"))
    log_in(client, "member")
    assert client.get(reverse("members:portal_home"))["Location"].startswith(reverse("two_factor_verify"))


@pytest.mark.parametrize("role", [roles.LEADER, *roles.ADMINISTRATORS])
def test_leaders_and_every_administrator_must_set_up_two_factor_login(client, role):
    UserFactory(username="someone", role=role)
    log_in(client, "someone")
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_setup"))


def test_the_demo_accounts_are_exempt_and_nobody_else(client, staff_user):
    demo = UserFactory(username="demo_staff", role=roles.STAFF)
    passwords.mark_exempt(demo)
    log_in(client, "demo_staff")
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("logout"))
    assert "不受密码规则和双因素登录的约束" in client.get(reverse("login")).content.decode()
    log_in(client, "staff")
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_setup"))


def test_a_security_administrator_resets_a_lost_phone_and_it_is_audited(client, staff_user):
    enrol(client, "staff")
    admin_client = signed_in_with_two_factor(UserFactory(username="secadmin", role=roles.SECURITY_ADMIN))
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [staff_user.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.account == "secadmin" and event.object_id == str(staff_user.pk)
    log_in(client, "staff")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))


@pytest.mark.parametrize("role", [roles.STAFF, roles.SYSTEM_ADMIN, roles.AUDITOR])
def test_nobody_but_the_security_administrator_resets_two_factor_login(client, staff_user, role):
    enrol(client, "staff")
    other = signed_in_with_two_factor(UserFactory(username="other", role=role))
    response = other.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [staff_user.pk]},
    )
    assert response.status_code in (200, 302, 403)
    assert TOTPDevice.objects.filter(user=staff_user, confirmed=True).exists()
    assert not AuditEvent.objects.filter(action="two_factor.reset").exists()


def test_the_api_token_exchange_asks_a_staff_user_for_the_code_too(client, staff_user):
    device, _codes = enrol(client, "staff")
    later = timezone.now() + dt.timedelta(minutes=2)
    url = reverse("api-token")
    with time_machine.travel(later, tick=False):
        without = client.post(
            url, {"username": "staff", "password": PASSWORD}, content_type="application/json"
        )
        assert without.status_code == 401 and without.json()["code"] == "two_factor_required"
        body = {"username": "staff", "password": PASSWORD, "otp_code": code_now(device, later)}
        assert "token" in client.post(url, body, content_type="application/json").json()


def test_a_wrong_code_at_enrolment_leaves_the_authenticator_unconfirmed(client, staff_user):
    log_in(client, "staff")
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff_user)
    wrong = f"{(int(code_now(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("two_factor_setup"), {"code": wrong})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEvent.objects.filter(action="two_factor.enrol_failed", outcome="failure").exists()


def test_the_recovery_codes_are_shown_only_once(client, staff_user):
    log_in(client, "staff")
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff_user)
    page = client.post(reverse("two_factor_setup"), {"code": code_now(device)}).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(codes) == 10
    again = client.get(reverse("two_factor_setup"), follow=True).content.decode()
    assert not any(code in again for code in codes)
