"""The portal through PgBouncer in transaction mode (issue 20): a page, writes and a task.

The scaled-out stage of bin/scale-stage (bench/stage.py), cut down to what this needs: PgBouncer
in transaction mode in front of the test database, one gunicorn instance behind nginx and the
notifications worker, every process with DATABASE_POOLER=transaction. A member drafts a proposal
through the API, invites a co-signer, submits it and opens its page; the notifications worker
delivers the co-signer's invitation. Then the similarity index is rebuilt through the pooler (a
queryset read with .iterator(), which would use a server-side cursor without DATABASE_POOLER).
PgBouncer's own counters show that the transactions went through it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from bench.stage import Stage
from cppcc_portal.core.models import Notification, NotificationState
from proposals import services
from proposals.models import Proposal
from tests.core.notifications.processes import RedisServer, wait_until
from tests.proposals.factories import CategoryFactory
from tests.proposals.world import REASON, SUGGESTIONS

pytestmark = [pytest.mark.slow, pytest.mark.live, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TITLE = "关于在老旧小区加装电梯的建议"


@pytest.fixture
def pooled_stage(tmp_path, django_db_setup):
    from django.db import connection

    db = connection.settings_dict
    # Under var/ (PgBouncer runs as `postgres` when the tests run as root, and cannot enter pytest's
    # private temporary directory); the last run's logs stay for reading.
    var_dir = ROOT / "var" / f"pooler-stage-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    shutil.rmtree(var_dir, ignore_errors=True)
    redis_server = RedisServer(tmp_path / "redis")
    redis_server.start()
    stage = Stage(
        database_url=f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        redis_url=redis_server.url,
        var_dir=var_dir,
        web=1,
        web_workers=1,
        pool_size=3,
        beat=False,
        workers=("notifications",),
        # The test settings' relaxations that force_login relies on (tests/settings.py), and this
        # process's key, which signs the session it makes.
        extra_env={"DJANGO_SETTINGS_MODULE": "tests.settings", "SECRET_KEY": settings.SECRET_KEY},
    )
    try:
        stage.start()
        yield stage
    finally:
        stage.stop(grace=5)
        redis_server.stop()


def test_a_page_writes_and_a_task_go_through_pgbouncer_in_transaction_mode(
    pooled_stage, member, other_member
):
    category = CategoryFactory()
    token = Token.objects.create(user=member.user).key
    created = requests.post(
        f"{pooled_stage.url}/api/v1/proposals/",
        json={"title": TITLE, "reason": REASON, "suggestions": SUGGESTIONS, "category": category.pk},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    proposal = Proposal.objects.get(pk=created.json()["id"])
    assert proposal.title == TITLE
    services.cosigners_invite(proposal=proposal, actor=member.user, members=[other_member])
    submitted = requests.post(
        f"{pooled_stage.url}/api/v1/proposals/{proposal.pk}/submit/",
        json={},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert submitted.status_code == 200, submitted.text

    browser = Client()
    browser.force_login(member.user)
    page = requests.get(
        pooled_stage.url + reverse("proposals:detail", args=[proposal.pk]),
        cookies={"sessionid": browser.cookies["sessionid"].value},
        timeout=30,
    )
    assert page.status_code == 200
    assert TITLE in page.text

    # The submit notified the co-signer; the notifications worker delivered it through PgBouncer.
    invited = Notification.objects.filter(recipient=other_member.user, kind__startswith="proposals.")
    assert wait_until(lambda: invited.filter(state=NotificationState.SENT).exists(), timeout=40), list(
        invited.values("kind", "state")
    )
    log = (pooled_stage.var_dir / "log" / "worker-notifications.log").read_text(errors="replace")
    assert re.search(r"Task cppcc_portal\.core\.tasks\.deliver_notification\[[^\]]+\] succeeded", log), log[
        -2000:
    ]

    rebuilt = subprocess.run(
        [sys.executable, "manage.py", "rebuild_similarity_index"],
        cwd=ROOT,
        env=pooled_stage.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]

    stats = [row for row in pooled_stage.pgbouncer_show("STATS") if row["database"] != "pgbouncer"]
    assert sum(row["total_xact_count"] for row in stats) > 10, stats
    assert {
        row["pool_mode"] for row in pooled_stage.pgbouncer_show("POOLS") if row["database"] != "pgbouncer"
    } == {"transaction"}
