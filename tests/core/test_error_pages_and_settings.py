"""DEBUG is off unless asked for, every setting is checked at start, and errors are the portal's
Chinese pages or the API's JSON (issue 13 defect 21, issue 14 item 8)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE]))"
)


def settings_of(tmp_path, prelude="", **env):
    """The settings a fresh process reads from this environment (nothing inherited from the tests)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "cppcc_portal.settings", "VAR_DIR": str(tmp_path / "var")})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", prelude + SHOW],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_embedded_default_runs_with_debug_off_on_this_machine_over_plain_http(tmp_path):
    done = settings_of(tmp_path)
    assert done.returncode == 0, done.stderr
    debug, hosts, ssl_redirect, secure_cookie = json.loads(done.stdout)
    assert debug is False
    assert {"127.0.0.1", "localhost"} <= set(hosts)
    assert ssl_redirect is False and secure_cookie is False


def test_debug_is_on_only_when_debug_is_1(tmp_path):
    done = settings_of(tmp_path, DEBUG="1")
    assert json.loads(done.stdout)[0] is True


def test_production_defaults_do_not_depend_on_whether_pytest_is_loaded(tmp_path):
    done = settings_of(tmp_path, prelude="import pytest; ", DATABASE_URL="postgres://u@db.example/cppcc")
    assert done.returncode == 0, done.stderr
    debug, hosts, ssl_redirect, secure_cookie = json.loads(done.stdout)
    assert (debug, hosts, ssl_redirect, secure_cookie) == (False, [], True, True)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DUTY_REPORT_DEADLINE", "15-12"),
        ("DUTY_REPORT_DEADLINE", "Dec 15"),
        ("DUTY_REPORT_DEADLINE", "02-30"),
        ("PORTAL_BASE_URL", "portal.example.org"),
        ("DEFAULT_FROM_EMAIL", "nobody"),
        ("API_TOKEN_RATE", "many"),
        ("API_TOKEN_DAYS", "0"),
        ("LOG_LEVEL", "LOUD"),
        ("NOTIFICATION_PUBLISH_TIMEOUT_MS", "fast"),
    ],
)
def test_a_bad_setting_stops_the_process_at_start_naming_the_variable(tmp_path, variable, value):
    done = settings_of(tmp_path, **{variable: value})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and variable in done.stderr


def test_a_good_duty_report_deadline_is_read_as_month_and_day(tmp_path):
    done = settings_of(tmp_path, DUTY_REPORT_DEADLINE="1-5")
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db
def test_an_anonymous_visitor_to_a_missing_page_gets_the_portals_chinese_page():
    response = Client().get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "未找到" in page and "portal.css" in page
    assert "URLconf" not in page and "Page not found" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/nothing", "/api/v1/proposals/999999/"])
def test_every_api_404_is_json_with_its_code(admin_client, path):
    for client in (Client(), admin_client):
        response = client.get(path)
        assert response.status_code in (401, 404)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] in ("not_found", "not_authenticated")
    assert admin_client.get(path).json()["code"] == "not_found"


@pytest.mark.django_db
def test_a_refused_csrf_check_is_the_portals_chinese_page_and_json_under_the_api(member_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单已失效" in response.content.decode()

    client.force_login(member_user)
    response = client.post("/api/v1/notifications/read-all/")
    assert response.status_code == 403
    assert response.json()["code"] in ("permission_denied", "csrf_failed")


@pytest.mark.django_db
@pytest.mark.urls("tests.core.error_urls")
def test_a_server_error_is_a_chinese_page_and_json_under_the_api():
    client = Client(raise_request_exception=False)
    page = client.get("/boom/")
    assert page.status_code == 500 and "服务器错误" in page.content.decode()
    api = client.get("/api/v1/boom/")
    assert api.status_code == 500 and api.json()["code"] == "server_error"


@pytest.mark.django_db
@pytest.mark.urls("tests.core.error_urls")
def test_a_refusal_is_a_chinese_page_and_json_under_the_api():
    client = Client()
    page = client.get("/forbidden/")
    assert page.status_code == 403 and "无权访问" in page.content.decode()
    assert client.get("/api/v1/forbidden/").json()["code"] == "permission_denied"
