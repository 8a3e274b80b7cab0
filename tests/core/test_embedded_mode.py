"""The embedded default: with no DATABASE_URL or REDIS_URL the portal runs on SQLite and a
filesystem broker. This test does what `make run` does in a fresh var/ folder, with real processes."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PLAN = ROOT / "workplan" / "data" / "dongcheng-cppcc-2017-work-plan.txt"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def embedded_env(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}
    }
    env.update(
        {"VAR_DIR": str(tmp_path / "var"), "DEMO_PASSWORD": "Embedded-demo-pass-1", "PYTHONUNBUFFERED": "1"}
    )
    return env


def manage(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def wait_until(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return None


def test_embedded_default_migrates_imports_serves_and_runs_a_task(embedded_env, tmp_path):
    for args in (("migrate", "--no-input"), ("import_workplan", str(PLAN))):
        done = manage(embedded_env, *args)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "var" / "db.sqlite3").exists()
    done = manage(embedded_env, "add_account", "smoke", "--role", "staff", "--password-env", "DEMO_PASSWORD")
    assert done.returncode == 0, done.stderr

    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "cppcc_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "cppcc_portal", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def healthy():
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        assert wait_until(healthy), "gunicorn did not answer /healthz"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = opener.open(base + "/accounts/login/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode(
            {
                "username": "smoke",
                "password": "Embedded-demo-pass-1",
                "csrfmiddlewaretoken": token,
                "next": "/plan/2017/",
            }
        ).encode()
        request = urllib.request.Request(
            base + "/accounts/login/", data=form, headers={"Referer": base + "/"}
        )
        page = opener.open(request, timeout=10).read().decode()
        # An account the office set up chooses its own password first, then goes where it was going.
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {
                "old_password": "Embedded-demo-pass-1",
                "new_password1": "Own-choice-2017x",
                "new_password2": "Own-choice-2017x",
                "csrfmiddlewaretoken": token,
                "next": "/plan/2017/",
            }
        ).encode()
        request = urllib.request.Request(
            base + "/accounts/password/", data=form, headers={"Referer": base + "/"}
        )
        page = opener.open(request, timeout=10).read().decode()
        assert "强化政治理论学习" in page
        assert "加强政协宣传与对外联络工作" in page

        with urllib.request.urlopen(base + "/readyz", timeout=10) as r:
            assert r.status == 200

        # A notification written in a transaction is delivered by the real worker over the filesystem broker.
        script = (
            "from django.db import transaction\n"
            "from django.contrib.auth import get_user_model\n"
            "from cppcc_portal.core.notifications.services import notify\n"
            "with transaction.atomic():\n"
            "    n = notify(recipient=get_user_model().objects.get(username='smoke'), kind='smoke',"
            " dedupe_key='smoke-1', title='hello')\n"
            "print(n.pk)\n"
        )
        done = manage(embedded_env, "shell", "-c", script)
        assert done.returncode == 0, done.stderr

        def delivered():
            check = manage(
                embedded_env,
                "shell",
                "-c",
                "from cppcc_portal.core.models import Notification; print(Notification.objects.get(dedupe_key='smoke-1').state)",
            )
            # `shell` may print its own banner first; the state is the last line.
            return check.stdout.strip().splitlines()[-1:] == ["sent"]

        assert wait_until(delivered, timeout=90, interval=1), "the worker did not deliver the notification"
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_embedded_attendance_import_writes_records_and_their_timeline(embedded_env):
    """The bulk path of the attendance import (COPY on PostgreSQL) has its fallback on SQLite."""
    assert manage(embedded_env, "migrate", "--no-input").returncode == 0
    done = manage(embedded_env, "add_account", "office", "--role", "staff", "--password-env", "DEMO_PASSWORD")
    assert done.returncode == 0, done.stderr
    script = (
        "import datetime as dt\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from members import attendance_import\n"
        "from members.models import DutyRecord, DutyRecordEvent, Participation\n"
        "from tests.factories import ActivityFactory, MemberFactory\n"
        "start = timezone.now() - dt.timedelta(days=1)\n"
        "activity = ActivityFactory(status='held', starts_at=start, ends_at=start + dt.timedelta(hours=2))\n"
        "members = [MemberFactory() for n in range(3)]\n"
        "rows = [attendance_import.AttendanceRow(activity=activity, member=m, attendance=a, reason=r)"
        " for m, a, r in zip(members, ['present', 'present', 'leave'], ['', '', '出差, \"外地\"'])]\n"
        "office = get_user_model().objects.get(username='office')\n"
        "print(attendance_import.attendance_import_rows(actor=office, rows=rows)['duty_records'])\n"
        "print(Participation.objects.count(), DutyRecord.objects.count(), DutyRecordEvent.objects.count())\n"
        "print(Participation.objects.get(member=members[2]).leave_reason)\n"
    )
    done = manage(embedded_env, "shell", "-c", script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split("\n")[-3:] == ["2", "3 2 2", '出差, "外地"']
