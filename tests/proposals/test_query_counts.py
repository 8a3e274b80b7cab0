"""The unit workspace and the member's proposal list cost the same number of queries at N and 3N rows."""

import datetime as dt

import pytest
from django.urls import reverse

from proposals.choices import AssignmentRole, CosignState, ProposalState
from proposals.models import Assignment, Cosignature, Proposal
from tests.conftest import login

UNIT_BOUND = 9
MEMBER_BOUND = 12


def _build(world, count: int) -> None:
    today = dt.date.today()
    for i in range(count):
        p = Proposal.objects.create(
            year=today.year,
            title=f"提案{i}",
            reason="r",
            suggestions="s",
            category=world.category,
            submitter=world.proposer,
            state=ProposalState.HANDLING,
            number_seq=i + 1 + Proposal.objects.count() * 10,
            number=f"{today.year}-{i:03d}",
        )
        Cosignature.objects.create(proposal=p, member=world.cosigner, state=CosignState.ACCEPTED)
        for unit, role in ((world.unit, AssignmentRole.LEAD), (world.other_unit, AssignmentRole.ASSISTING)):
            Assignment.objects.create(
                proposal=p,
                unit=unit,
                role=role,
                assigned_on=today,
                return_deadline_on=today,
                reply_due_on=today - dt.timedelta(days=i % 3),
                original_due_on=today,
            )


@pytest.mark.parametrize("size", [5, 15])
def test_the_unit_workspace_query_count_does_not_grow(client, world, django_assert_max_num_queries, size):
    _build(world, size)
    login(client, world.unit_user)
    with django_assert_max_num_queries(UNIT_BOUND):
        response = client.get(reverse("proposals_units:home"))
    assert response.status_code == 200
    assert response.content.decode().count("proposals/") >= size


@pytest.mark.parametrize("size", [5, 15])
def test_the_members_proposal_list_query_count_does_not_grow(
    client, world, django_assert_max_num_queries, size
):
    _build(world, size)
    login(client, world.proposer.user)
    with django_assert_max_num_queries(MEMBER_BOUND):
        response = client.get(reverse("proposals:list"))
    assert response.status_code == 200
    assert response.content.decode().count("提案") >= size


@pytest.mark.parametrize("size", [5, 15])
def test_the_unit_detail_page_query_count_does_not_grow_with_other_proposals(
    client, world, django_assert_max_num_queries, size
):
    _build(world, size)
    login(client, world.unit_user)
    first = Proposal.objects.order_by("pk").first()
    with django_assert_max_num_queries(16):
        assert client.get(reverse("proposals_units:detail", args=[first.pk])).status_code == 200
