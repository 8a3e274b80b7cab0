"""Who sees what: a unit only its assignments, a co-signer reads but cannot edit, strangers get 404."""

from django.urls import reverse

from proposals.choices import ProposalState as S
from tests.conftest import login
from tests.factories import MemberFactory, UserFactory


def test_a_unit_lists_only_proposals_assigned_to_it(client, world):
    mine = world.reach(S.ASSIGNED, assisting=False, title="关于社区养老驿站的建议")
    theirs = world.reach(S.ACCEPTED, title="关于学区划分的建议")
    from proposals import services

    services.proposal_assign(proposal=theirs, actor=world.staff, lead_unit=world.other_unit)
    login(client, world.unit_user)
    page = client.get(reverse("proposals_units:home")).content.decode()
    assert mine.title in page
    assert theirs.title not in page


def test_an_assisting_unit_sees_the_proposal_it_assists(client, world):
    proposal = world.reach(S.ASSIGNED)
    login(client, world.other_unit_user)
    assert proposal.title in client.get(reverse("proposals_units:home")).content.decode()
    assert client.get(reverse("proposals_units:detail", args=[proposal.pk])).status_code == 200


def test_a_guessed_id_of_another_units_proposal_is_404_on_the_page_and_in_the_api(client, world):
    proposal = world.reach(S.ASSIGNED, assisting=False)
    login(client, world.other_unit_user)
    assert client.get(reverse("proposals_units:detail", args=[proposal.pk])).status_code == 404
    assert client.post(reverse("proposals_units:start", args=[proposal.pk])).status_code == 404
    assert client.get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/api/v1/proposals/{proposal.pk}/start-handling/").status_code == 404
    assert client.get("/api/v1/proposals/").json()["count"] == 0
    proposal.refresh_from_db()
    assert proposal.state == S.ASSIGNED


def test_a_returned_proposal_leaves_the_units_workspace(client, world):
    proposal = world.reach(S.RETURNED)
    login(client, world.unit_user)
    assert client.get(reverse("proposals_units:detail", args=[proposal.pk])).status_code == 404


def test_a_unit_api_list_holds_its_assignments_only(client, world):
    proposal = world.reach(S.ASSIGNED, assisting=False)
    world.reach(S.AWAITING_REVIEW, title="未交办的提案")
    login(client, world.unit_user)
    ids = [row["id"] for row in client.get("/api/v1/proposals/").json()["results"]]
    assert ids == [proposal.pk]
    assignments = client.get("/api/v1/proposal-assignments/").json()["results"]
    assert {a["proposal"] for a in assignments} == {proposal.pk}


def test_a_cosigner_reads_the_proposal_but_cannot_edit_it(client, world):
    proposal = world.reach(S.DRAFT)
    from proposals import services

    services.cosigners_invite(proposal=proposal, actor=world.proposer.user, members=[world.cosigner])
    login(client, world.cosigner.user)
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 200
    assert client.get(reverse("proposals:edit", args=[proposal.pk])).status_code == 403
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]),
        {"title": "改掉的标题", "category": world.category.pk, "reason": "x", "suggestions": "y"},
    )
    assert response.status_code == 403
    api = client.patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"title": "改掉的标题", "reason": "x", "suggestions": "y", "category": world.category.pk},
        content_type="application/json",
    )
    assert api.status_code == 403
    proposal.refresh_from_db()
    assert proposal.title == "关于缓解胡同停车难的建议"


def test_another_members_proposal_is_404(client, world):
    proposal = world.reach(S.ACCEPTED)
    stranger = MemberFactory(user=UserFactory(username="stranger", role="member"), name="赵委员")
    login(client, stranger.user)
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404
    assert client.get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404
    assert client.get(reverse("proposals:list")).content.decode().count(proposal.title) == 0


def test_a_member_who_did_not_sign_cannot_rate_403(client, world):
    proposal = world.draft()
    decliner = MemberFactory(user=UserFactory(username="decliner", role="member"), name="钱委员")
    from proposals import services

    services.cosigners_invite(
        proposal=proposal, actor=world.proposer.user, members=[world.cosigner, decliner]
    )
    services.proposal_submit(proposal=proposal, actor=world.proposer.user)
    services.cosign_respond(proposal=proposal, actor=decliner.user, accept=False)
    services.cosign_respond(proposal=proposal, actor=world.cosigner.user, accept=True)
    services.proposal_accept(proposal=proposal, actor=world.staff)
    services.proposal_assign(proposal=proposal, actor=world.staff, lead_unit=world.unit)
    world.write_reply(proposal)
    services.reply_send(proposal=proposal, actor=world.unit_user)
    services.reply_review(proposal=proposal, actor=world.staff)

    login(client, decliner.user)
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 200
    assert (
        client.post(reverse("proposals:rate", args=[proposal.pk]), {"rating": "satisfied"}).status_code == 403
    )
    api = client.post(
        f"/api/v1/proposals/{proposal.pk}/rate/", {"rating": "satisfied"}, content_type="application/json"
    )
    assert api.status_code == 403
    assert not proposal.feedback.exists()

    stranger = MemberFactory(user=UserFactory(username="stranger2", role="member"), name="孙委员")
    login(client, stranger.user)
    assert (
        client.post(reverse("proposals:rate", args=[proposal.pk]), {"rating": "satisfied"}).status_code == 404
    )


def test_a_member_does_not_see_unpublished_replies(client, world):
    proposal = world.reach(S.UNDER_REVIEW)
    login(client, world.proposer.user)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "停车资源普查" not in page
    assert client.get("/api/v1/proposal-replies/").json()["count"] == 0


def test_the_statistics_page_is_for_staff_and_leaders(client, world, leader_user):
    login(client, world.proposer.user)
    assert client.get(reverse("proposals:stats")).status_code == 403
    login(client, leader_user)
    assert client.get(reverse("proposals:stats")).status_code == 200


def test_a_proposal_is_never_assigned_to_another_committees_unit(world):
    import pytest

    from cppcc_portal.core.committees import working_for
    from cppcc_portal.core.errors import DomainError
    from proposals import services
    from tests.factories import CommitteeFactory, HandlingUnitFactory

    proposal = world.reach(S.ACCEPTED, title="关于背街小巷整治的建议")
    district = CommitteeFactory()
    with working_for(district):
        districts_unit = HandlingUnitFactory(name="区城管委")
    with pytest.raises(DomainError, match="本委员会的承办单位"):
        services.proposal_assign(proposal=proposal, actor=world.staff, lead_unit=districts_unit)
    proposal.refresh_from_db()
    assert proposal.state == S.ACCEPTED
    assert not proposal.assignments.exists()


def test_an_account_taken_off_a_unit_no_longer_sees_its_work_on_the_next_page(client, world):
    proposal = world.reach(S.ASSIGNED, assisting=False, title="关于老旧小区加装电梯的建议")
    login(client, world.unit_user)
    assert proposal.title in client.get(reverse("proposals_units:home")).content.decode()
    world.unit.accounts.remove(world.unit_user)
    assert proposal.title not in client.get(reverse("proposals_units:home")).content.decode()
