"""With the broker gone, a request still answers at once: the inbox rows are committed, delivery waits.

A second gunicorn on the live stage's database is given a Redis URL on a port nobody listens on
(the broker, and the cache with it, are down for that process). A member submits a proposal with
twelve invited co-signers through it: twelve notifications are published in that request. The
answer must come within a second, the proposal must be in co-signing and all twelve invitations
must be in the co-signers' inboxes, to be e-mailed by the sweep once the broker is back.
"""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.core.notifications.processes import free_port
from tests.live.conftest import Gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.live]

CO_SIGNERS = 12

SET_UP = """
import json
from members.models import Member
from proposals import services
from proposals.models import ProposalCategory
member = Member.objects.get(user__username="demo_member")
others = list(Member.objects.filter(user__isnull=False).exclude(pk=member.pk).order_by("pk")[:%(count)d])
assert len(others) == %(count)d, len(others)
proposal = services.proposal_create(
    actor=member.user, submitter=member, title="关于完善社区养老服务设施的建议",
    reason="社区养老服务设施不足，老年人就近养老需求难以满足。",
    suggestions="一是摸清底数；二是统筹规划；三是加强运营补贴。",
    category=ProposalCategory.objects.filter(is_active=True).order_by("pk").first(),
)
services.cosigners_invite(proposal=proposal, actor=member.user, members=others)
print(json.dumps({"proposal": proposal.pk, "users": [m.user_id for m in others]}))
"""

INBOX = """
import json
from cppcc_portal.core.models import Notification
from proposals.models import Proposal
proposal = Proposal.objects.get(pk=%(proposal)d)
rows = Notification.objects.filter(kind="proposals.cosign_invited", recipient_id__in=%(users)r)
print(json.dumps({"state": proposal.state, "invitations": rows.count()}))
"""


@pytest.fixture
def web_without_broker(live_stage):
    env = dict(live_stage.env, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    web = Gunicorn(env, live_stage.var_dir / "gunicorn-no-broker.log", workers=1)
    web.start()
    yield web
    web.stop()


def shell(live_stage, script: str) -> dict:
    return json.loads(live_stage.manage("shell", "-c", script).strip().splitlines()[-1])


def test_a_submit_with_twelve_co_signers_answers_within_a_second_while_the_broker_is_down(
    live_stage, web_without_broker
):
    made = shell(live_stage, SET_UP % {"count": CO_SIGNERS})
    # The demo's co-signers have older invitations of their own: count this submit's.
    before = shell(live_stage, INBOX % made)["invitations"]
    session = live_stage.api("member")
    url = f"{web_without_broker.url}/api/v1/proposals/{made['proposal']}/submit/"

    started = time.monotonic()
    try:
        response = session.post(url, json={}, timeout=10)
    except requests.Timeout:
        pytest.fail("the submit did not answer within 10 s with the broker down")
    elapsed = time.monotonic() - started

    assert response.status_code == 200, response.text
    assert elapsed < 1.0, f"the submit took {elapsed:.1f} s with the broker down"
    after = shell(live_stage, INBOX % made)
    assert after == {"state": "cosigning", "invitations": before + CO_SIGNERS}
