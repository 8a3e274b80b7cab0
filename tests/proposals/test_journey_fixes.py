"""Member and unit journeys of issue 13: what each person sees on their own pages."""

import re

import pytest
from django.urls import reverse

from cppcc_portal.core.models import Notification
from proposals import services
from proposals.choices import ProposalState as S

pytestmark = pytest.mark.django_db


def test_the_unit_reply_form_preselects_no_category(client, world):
    proposal = world.reach(S.HANDLING)
    client.force_login(world.unit_user)
    page = client.get(reverse("proposals_units:reply", args=[proposal.pk])).content.decode()
    select = re.search(r'<select name="category".*?</select>', page, re.S).group(0)
    first = re.search(r"<option[^>]*>", select).group(0)
    assert 'value=""' in first
    assert "selected" not in select.replace(first, "")
    response = client.post(
        reverse("proposals_units:reply", args=[proposal.pk]),
        {
            "category": "",
            "document_number": "东民函〔2017〕1号",
            "contact_person": "王",
            "contact_phone": "010-64000000",
            "body": "答复正文",
        },
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()  # nothing saved


def _cosigning(world):
    proposal = world.draft()
    services.cosigners_invite(proposal=proposal, actor=world.proposer.user, members=[world.cosigner])
    services.proposal_submit(proposal=proposal, actor=world.proposer.user)
    return proposal


def _cosigner_page(client, world, proposal):
    client.force_login(world.cosigner.user)
    return client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()


def test_a_withdrawn_proposal_no_longer_asks_its_invited_cosigner_for_a_reply(client, world):
    proposal = _cosigning(world)
    services.proposal_withdraw(proposal=proposal, actor=world.proposer.user)
    page = _cosigner_page(client, world, proposal)
    assert "提案已撤回" in page and "已过期" not in page
    assert reverse("proposals:cosign", args=[proposal.pk]) not in page
    ended = Notification.objects.get(recipient=world.cosigner.user, kind="proposals.cosign_ended")
    assert "已撤回，无需再答复" in ended.title
    invitation = Notification.objects.get(recipient=world.cosigner.user, kind="proposals.cosign_invited")
    assert invitation.state in ("cancelled", "sent")


def test_cosigners_are_not_shown_as_late_when_the_proposer_closes_cosigning_early(client, world):
    proposal = _cosigning(world)
    services.proposal_close_cosigning(proposal=proposal, actor=world.proposer.user)
    page = _cosigner_page(client, world, proposal)
    assert "联名已提前结束" in page and "已过期" not in page


def test_cosigners_who_let_the_deadline_pass_are_shown_as_expired(client, world):
    import datetime as dt

    proposal = _cosigning(world)
    services.close_expired_cosigning(today=proposal.cosign_deadline_on + dt.timedelta(days=1))
    assert "已过期" in _cosigner_page(client, world, proposal)
