"""A credit belongs to the year of the thing credited, whenever the office gets to it."""

import pytest
from django.urls import reverse

from members import services as member_services
from members.models import DutyRecord
from proposals import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules_of_2017():
    member_services.scoring_rules_ensure_defaults(2017)


def _score_page(client, member, year):
    client.force_login(member.user)
    return client.get(reverse("members:score"), {"year": year}).content.decode()


def test_a_2017_proposal_accepted_today_counts_in_2017_for_its_proposer_and_cosigner(client, world):
    proposal = world.draft(year=2017)
    services.cosigners_invite(proposal=proposal, actor=world.proposer.user, members=[world.cosigner])
    services.proposal_submit(proposal=proposal, actor=world.proposer.user)
    services.cosign_respond(proposal=proposal, actor=world.cosigner.user, accept=True)
    services.proposal_accept(proposal=proposal, actor=world.staff)
    assert set(DutyRecord.objects.values_list("year", flat=True)) == {2017}
    for member in (world.proposer, world.cosigner):
        page = _score_page(client, member, 2017)
        assert "提案立案" in page
        assert "提案：0（最低 1）" not in page


def test_a_2017_report_submitted_and_adopted_today_counts_in_2017(client, world):
    report = services.report_submit(
        actor=world.staff,
        author_member=world.proposer,
        author_kind="member",
        title="关于背街小巷照明的群众反映",
        situation="居民反映夜间照明不足。",
        year=2017,
    )
    services.report_adopt(report=report, actor=world.staff, level="district")
    assert set(DutyRecord.objects.values_list("year", flat=True)) == {2017}
    page = _score_page(client, world.proposer, 2017)
    assert "社情民意信息：0（最低 1）" not in page
    assert "社情民意信息" in page
