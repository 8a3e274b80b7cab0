"""Hardening that holds: login lockout, security headers, production cookies, hostile workbooks."""

import datetime as dt
import io
import os
import secrets
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import time_machine
from defusedxml import EntitiesForbidden
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ImportMixin
from lxml.etree import XMLSyntaxError

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def log_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def test_five_failed_logins_lock_the_account_on_that_address_for_fifteen_minutes(
    client, member_user, axes_on
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(4):
            assert log_in(client, "member", "wrong-password").status_code == 200
        # The fifth failure locks; from then on even the right password is turned away.
        assert log_in(client, "member", "wrong-password").status_code == 429
        locked = log_in(client, "member", PASSWORD)
        assert locked.status_code == 429
        assert (
            "Too many failed logins" in locked.content.decode()
            or "登录失败次数过多" in locked.content.decode()
        )

        # Another address is not locked out: the lock is by username and address together.
        assert log_in(client, "member", PASSWORD, ip="10.0.0.2").status_code == 302
        client.logout()

        traveller.shift(dt.timedelta(minutes=14))
        assert log_in(client, "member", PASSWORD).status_code == 429

        # A try while locked is itself a failure and starts the fifteen minutes again.
        traveller.shift(dt.timedelta(minutes=16))
        assert log_in(client, "member", PASSWORD).status_code == 302


def test_four_failures_then_success_resets_the_count(client, member_user, axes_on):
    for _ in range(4):
        log_in(client, "member", "wrong-password")
    assert log_in(client, "member", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "member", "wrong-password")
    assert log_in(client, "member", PASSWORD).status_code == 302


def test_the_api_token_endpoint_counts_towards_the_same_lockout(client, member_user, axes_on):
    from rest_framework.test import APIClient

    api = APIClient()
    for _ in range(5):
        api.post(reverse("api-token"), {"username": "member", "password": "nope"}, REMOTE_ADDR="10.0.0.9")
    response = api.post(
        reverse("api-token"), {"username": "member", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "token" not in response.json()


def test_portal_pages_send_the_security_headers(client, member_user):
    client.force_login(member_user)
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_responses_carry_hsts_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("healthz"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_make_cookies_secure_and_send_hsts(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="portal.example.org",
        VAR_DIR=str(tmp_path / "var"),
        # The portal's own settings, not the test suite's (tests/settings.py turns HTTPS off).
        DJANGO_SETTINGS_MODULE="cppcc_portal.settings",
    )
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG)"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "False",
    ]


def billion_laughs_xlsx() -> bytes:
    """A real workbook whose workbook part carries an exponential entity expansion."""
    book = openpyxl.Workbook()
    book.active.append(["姓名", "委员编号"])
    book.active.append(["张三", "A001"])
    plain = io.BytesIO()
    book.save(plain)
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{"&lol{}; ".format("" if i == 1 else i - 1) * 10}">' for i in range(1, 10)
    ]
    doctype = f"<!DOCTYPE workbook [{''.join(entities)}]>"
    crafted = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                # The declarations go before the root element; a parser that expands them
                # would build 10**9 "lol"s from the sheet title that uses the last one.
                text = data.decode()
                root = text.index("<workbook")
                text = text[:root] + doctype + text[root:]
                data = text.replace('name="Sheet"', 'name="&lol9;"').encode()
            target.writestr(item, data)
    return crafted.getvalue()


def test_openpyxl_refuses_a_billion_laughs_workbook_quickly():
    started = time.monotonic()
    # A parser's guard, not a memory limit, stops it: defusedxml refuses the entity declaration, or
    # (lxml is installed for python-docx, and openpyxl then reads through it) lxml refuses to
    # amplify the entities.
    with pytest.raises((ValueError, XMLSyntaxError)) as refused:
        openpyxl.load_workbook(io.BytesIO(billion_laughs_xlsx()))
    guard = refused.value.__cause__ if isinstance(refused.value, ValueError) else refused.value
    assert isinstance(guard, EntitiesForbidden) or "amplification" in str(guard)
    assert time.monotonic() - started < 5


def import_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ImportMixin)
    ]


def test_every_admin_import_turns_a_billion_laughs_workbook_away(client, staff_user):
    """Staff upload the crafted workbook to every admin import; each refuses it, writes nothing."""
    admins = import_admins()
    assert admins, "the roster and plan admins offer Excel import"
    client.force_login(staff_user)
    for model, _model_admin in admins:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
        before = model._default_manager.count()
        page = client.get(url)
        assert page.status_code == 200, url
        form = page.context["form"]
        data = {"format": _xlsx_choice(form)}
        for name, field in form.fields.items():
            if name not in ("format", "import_file") and getattr(field, "choices", None):
                choices = [value for value, _ in field.choices if value not in ("", None)]
                if choices:
                    data[name] = choices[0]
        upload = io.BytesIO(billion_laughs_xlsx())
        upload.name = "roster.xlsx"
        started = time.monotonic()
        response = client.post(url, {**data, "import_file": upload})
        assert time.monotonic() - started < 10, url
        assert response.status_code == 200, url
        assert model._default_manager.count() == before, url


def _xlsx_choice(form):
    for value, label in form.fields["format"].choices:
        if "xlsx" in str(label).lower():
            return value
    raise AssertionError("the import form offers no xlsx format")


def test_a_lockout_is_audited_with_the_account_and_its_address(client, member_user, axes_on):
    from cppcc_portal.core.models import AuditEvent

    for _ in range(5):
        log_in(client, "member", "wrong-password", ip="10.0.0.9")

    lockout = AuditEvent.objects.get(action="lockout")
    assert (lockout.account, lockout.outcome, lockout.ip_address) == ("member", "failure", "10.0.0.9")
    assert AuditEvent.objects.filter(action="login_failed", account="member").count() == 5
