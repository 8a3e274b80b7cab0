"""The unit workspace's home is kept as rendered HTML per reader (issue 21): a repeat view costs no
query of its content, every assignment, proposal and unit write it shows is on the next view, the
overdue marks come at midnight without a write, and no other reader ever sees it."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core import roles
from proposals import services, unit_views
from proposals.choices import ProposalState as S
from tests.conftest import login, without_csrf_tokens

pytestmark = pytest.mark.django_db

HOME = "/units/"


def home(client) -> str:
    response = client.get(reverse("proposals_units:home"))
    assert response.status_code == 200
    return response.content.decode()


def detail(proposal) -> str:
    return f'"{reverse("proposals_units:detail", args=[proposal.pk])}"'


def test_a_second_view_of_the_unit_home_costs_no_query_and_shows_the_same(
    client, world, django_assert_num_queries
):
    world.reach(S.HANDLING)
    login(client, world.unit_user)
    first = home(client)
    with django_assert_num_queries(0):
        assert without_csrf_tokens(home(client)) == without_csrf_tokens(first)


def test_a_proposal_assigned_to_the_unit_shows_on_the_next_view(client, world):
    proposal = world.reach(S.ACCEPTED, title="关于加强社区养老服务的建议")
    login(client, world.unit_user)
    assert detail(proposal) not in home(client)
    services.proposal_assign(proposal=proposal, actor=world.staff, lead_unit=world.unit, assisting_units=[])
    assert detail(proposal) in home(client)


def test_handling_started_shows_its_new_state_on_the_next_view(client, world):
    proposal = world.reach(S.ASSIGNED, assisting=False)
    login(client, world.unit_user)
    before = home(client)
    services.proposal_start_handling(proposal=proposal, actor=world.unit_user)
    after = home(client)
    assert detail(proposal) in after and without_csrf_tokens(after) != without_csrf_tokens(before)


def test_a_longer_reply_time_written_by_update_shows_on_the_next_view(client, world):
    proposal = world.reach(S.HANDLING, assisting=False)
    due = proposal.assignments.get(role="lead").reply_due_on
    login(client, world.unit_user)
    assert due.strftime("%Y-%m-%d") in home(client)
    later = due + dt.timedelta(days=20)
    services.assignment_extend(proposal=proposal, actor=world.staff, new_due_on=later, reason="需跨部门协调")
    page = home(client)
    assert later.strftime("%Y-%m-%d") in page and due.strftime("%Y-%m-%d") not in page


def test_a_returned_proposal_leaves_the_list_on_the_next_view(client, world):
    proposal = world.reach(S.ASSIGNED, assisting=False)
    login(client, world.unit_user)
    assert detail(proposal) in home(client)
    services.proposal_return(
        proposal=proposal, actor=world.unit_user, unit=world.unit, reason="不属于本单位职责"
    )
    assert detail(proposal) not in home(client)


def test_an_account_taken_off_its_unit_no_longer_sees_the_units_work(client, world):
    proposal = world.reach(S.HANDLING, assisting=False)
    login(client, world.unit_user)
    assert detail(proposal) in home(client)
    world.unit.accounts.remove(world.unit_user)
    assert detail(proposal) not in home(client)


def test_a_reply_due_today_is_marked_overdue_from_midnight_without_a_write(client, world):
    proposal = world.reach(S.HANDLING, assisting=False)
    due = proposal.assignments.get(role="lead").reply_due_on
    evening = timezone.make_aware(dt.datetime.combine(due, dt.time(23, 50)))
    with time_machine.travel(evening, tick=False) as traveller:
        login(client, world.unit_user)
        assert 'class="tag late"' not in home(client)
        traveller.shift(dt.timedelta(minutes=15))
        assert 'class="tag late"' in home(client)


def test_another_unit_another_session_and_another_language_each_get_their_own_page(
    client, world, monkeypatch
):
    mine = world.reach(S.HANDLING, assisting=False)
    login(client, world.unit_user)
    assert detail(mine) in home(client)

    other = login(Client(), world.other_unit_user)
    assert detail(mine) not in home(other)

    rendered = []
    render = unit_views._home
    monkeypatch.setattr(unit_views, "_home", lambda request: rendered.append(1) or render(request))
    home(client)
    assert rendered == []
    home(login(Client(), world.unit_user))
    assert rendered == [1]

    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert "Proposals assigned to my unit" in home(client)


def test_the_unit_home_stays_refused_to_who_is_not_a_unit_once_a_unit_saw_it(client, world):
    world.reach(S.HANDLING, assisting=False)
    login(client, world.unit_user)
    home(client)
    assert login(Client(), world.proposer.user).get(HOME).status_code == 403
    world.unit_user.groups.remove(roles.ensure_groups()[roles.UNIT])
    assert client.get(HOME).status_code == 403
