"""The buttons on the member's and the unit's proposal pages are the table's allowed actions, per role."""

import pytest
from django.urls import reverse

from proposals import services
from proposals.choices import ProposalState as S

pytestmark = pytest.mark.django_db

# The member's page: each action's form or link.
MEMBER_BUTTONS = {
    "edit": "proposals:edit",
    "invite": "proposals:invite",
    "submit": "proposals:submit",
    "close_cosigning": "proposals:close_cosigning",
    "withdraw": "proposals:withdraw",
    "cosign": "proposals:cosign",
}
# The unit workspace's page.
UNIT_BUTTONS = {
    "start_handling": "proposals_units:start",
    "return": "proposals_units:return",
    "edit_reply": "proposals_units:reply",
    "send_reply": "proposals_units:send",
    "countersign": "proposals_units:countersign",
}


def _shown(client, user, page: str, buttons: dict, pk: int) -> set[str]:
    client.force_login(user)
    html = client.get(reverse(page, args=[pk])).content.decode()
    return {action for action, name in buttons.items() if f'"{reverse(name, args=[pk])}"' in html}


@pytest.mark.parametrize("state", [S.DRAFT, S.COSIGNING, S.AWAITING_REVIEW, S.ACCEPTED])
def test_the_proposer_and_an_invited_cosigner_see_exactly_their_allowed_actions(client, world, state):
    proposal = world.reach(state)
    for person in (world.proposer, world.cosigner):
        allowed = set(services.allowed_actions(proposal, person.user)) & set(MEMBER_BUTTONS)
        assert _shown(client, person.user, "proposals:detail", MEMBER_BUTTONS, proposal.pk) == allowed


def test_a_draft_shows_edit_invite_and_submit_to_its_proposer(client, world):
    proposal = world.reach(S.DRAFT)
    shown = _shown(client, world.proposer.user, "proposals:detail", MEMBER_BUTTONS, proposal.pk)
    assert shown == {"edit", "invite", "submit"}
    assert services.allowed_actions(proposal, world.staff)[:3] == ["edit", "invite", "submit"]
    assert services.allowed_actions(proposal, world.cosigner.user) == []


def test_an_invited_cosigner_sees_the_cosign_buttons_only_while_co_signing_is_open(client, world):
    proposal = world.reach(S.COSIGNING)
    assert _shown(client, world.cosigner.user, "proposals:detail", MEMBER_BUTTONS, proposal.pk) == {"cosign"}
    services.cosign_respond(proposal=proposal, actor=world.cosigner.user, accept=True)
    proposal.refresh_from_db()
    assert _shown(client, world.cosigner.user, "proposals:detail", MEMBER_BUTTONS, proposal.pk) == set()


@pytest.mark.parametrize("state", [S.ASSIGNED, S.HANDLING, S.REPLY_DRAFTED, S.COUNTERSIGNING])
def test_the_lead_and_the_assisting_unit_see_exactly_their_allowed_actions(client, world, state):
    proposal = world.reach(state)
    for user in (world.unit_user, world.other_unit_user):
        allowed = set(services.allowed_actions(proposal, user)) & set(UNIT_BUTTONS)
        assert _shown(client, user, "proposals_units:detail", UNIT_BUTTONS, proposal.pk) == allowed


def test_an_assigned_proposal_offers_the_lead_unit_to_start_and_both_units_to_return(client, world):
    proposal = world.reach(S.ASSIGNED)
    assert _shown(client, world.unit_user, "proposals_units:detail", UNIT_BUTTONS, proposal.pk) == {
        "start_handling",
        "return",
        "edit_reply",
    }
    assert _shown(client, world.other_unit_user, "proposals_units:detail", UNIT_BUTTONS, proposal.pk) == {
        "return"
    }


def test_the_assisting_unit_countersigns_once_and_the_button_then_goes(client, world):
    proposal = world.reach(S.COUNTERSIGNING)
    assert "countersign" in _shown(
        client, world.other_unit_user, "proposals_units:detail", UNIT_BUTTONS, proposal.pk
    )
    assert "countersign" not in services.allowed_actions(proposal, world.unit_user)


def test_the_office_steps_are_allowed_to_staff_only(world):
    proposal = world.reach(S.AWAITING_REVIEW)
    assert services.allowed_actions(proposal, world.staff) == [
        "withdraw",
        "accept",
        "reject",
        "convert",
        "merge",
    ]
    assert services.allowed_actions(proposal, world.proposer.user) == ["withdraw"]
    assert services.allowed_actions(proposal, world.unit_user) == []
