"""The embedded mode (SQLite): the same single-UPDATE batch claim, without row locks, delivers once."""

import os
import subprocess
import sys

import pytest

from tests.core.notifications.processes import ROOT

pytestmark = pytest.mark.slow

SCRIPT = """
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model
from cppcc_portal.core.models import Notification
from cppcc_portal.core.notifications import delivery
from cppcc_portal.core.notifications.services import notify

person = get_user_model().objects.create(username="sqlite-person", email="p@example.org")
for n in range(5):
    notify(recipient=person, kind="tests.sqlite", dedupe_key=f"s{n}", title=f"t{n}")
with CaptureQueriesContext(connection) as queries:
    token = delivery.claim_batch(limit=3)
updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
print("vendor", connection.vendor)
print("updates", len(updates), "locks", sum("FOR UPDATE" in sql for sql in updates))
print("claimed", Notification.objects.filter(claim_token=token).count())
print("delivered", delivery.deliver_claimed(token).sent)
print("again", delivery.deliver_claimed(token).sent)
"""


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_on_sqlite_the_batch_claim_is_one_update_and_the_command_sends_the_rest(tmp_path):
    unset = {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "DEBUG", "SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["VAR_DIR"] = str(tmp_path / "var")
    for app in ("core", "django_celery_beat"):
        done = manage(env, "migrate", app, "--no-input", "-v0")
        assert done.returncode == 0, done.stderr
    done = manage(env, "shell", "-c", SCRIPT)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "vendor sqlite" in out
    assert "updates 1 locks 0" in out
    assert "claimed 3" in out and "delivered 3" in out and "again 0" in out
    done = manage(env, "send_due_notifications")
    assert done.returncode == 0, done.stderr
    assert "sent=2 " in done.stdout
    done = manage(env, "send_due_notifications")
    assert "sent=0 " in done.stdout
