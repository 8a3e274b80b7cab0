"""A request whose process was killed (a web instance lost in a burst, issue 20) leaves its
Idempotency-Key unfinished: the client's retry is refused while the first might still be running,
and runs once the key is older than any request may run (IDEMPOTENCY_IN_PROGRESS_SECONDS)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cppcc_portal.core.models import IdempotencyKey
from proposals.models import Proposal
from tests.proposals.factories import CategoryFactory
from tests.proposals.world import REASON, SUGGESTIONS

pytestmark = pytest.mark.django_db


def send(client, category, key="door-1"):
    return client.post(
        "/api/v1/proposals/",
        {
            "title": "关于缓解胡同停车难的建议",
            "reason": REASON,
            "suggestions": SUGGESTIONS,
            "category": category.pk,
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def killed_midway(client, category, *, seconds_ago: int) -> None:
    """What a SIGKILL leaves: the key taken, no answer kept, the request's own transaction never committed."""
    assert send(client, category).status_code == 201
    Proposal.objects.all().delete()
    IdempotencyKey.objects.update(
        status_code=None, body="", created_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_a_retry_while_the_first_request_may_still_run_is_refused(client, member, settings):
    settings.IDEMPOTENCY_IN_PROGRESS_SECONDS = 120
    category = CategoryFactory()
    client.force_login(member.user)
    killed_midway(client, category, seconds_ago=5)
    retry = send(client, category)
    assert retry.status_code == 409 and retry.json()["code"] == "idempotency_in_progress"
    assert not Proposal.objects.exists()


def test_a_retry_after_the_first_request_can_no_longer_be_running_runs_once(client, member, settings):
    settings.IDEMPOTENCY_IN_PROGRESS_SECONDS = 120
    category = CategoryFactory()
    client.force_login(member.user)
    killed_midway(client, category, seconds_ago=121)
    retry = send(client, category)
    assert retry.status_code == 201, retry.content
    again = send(client, category)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Proposal.objects.count() == 1
    assert IdempotencyKey.objects.get().status_code == 201
