"""The unit workspace, the member's proposal list and the office's admin lists cost the same number of
queries at N and 3N rows; the unit workspace shows open work in full and its history a page at a time."""

import datetime as dt

import pytest
from django.urls import reverse

from proposals import services
from proposals.choices import AssignmentRole, CosignState, ProposalState
from proposals.models import Assignment, Cosignature, Proposal
from proposals.unit_views import PAGE_SIZE
from tests.conftest import login

# Session (read, and saved after the login), user, language, roles, unit ids, one aggregate for the
# counts, the notification badge, a page of open work and a page of history.
UNIT_BOUND = 12
MEMBER_BOUND = 12


def _build(world, count: int, *, state: str = ProposalState.HANDLING, prefix: str = "提案") -> None:
    today = dt.date.today()
    for i in range(count):
        p = Proposal.objects.create(
            year=today.year,
            title=f"{prefix}{i}",
            reason="r",
            suggestions="s",
            category=world.category,
            submitter=world.proposer,
            state=state,
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


@pytest.mark.parametrize("size", [5, 15])
def test_the_unit_workspace_costs_the_same_however_long_its_history(
    client, world, django_assert_max_num_queries, size
):
    _build(world, 4)
    _build(world, size * 3, state=ProposalState.CLOSED, prefix="往年")
    login(client, world.unit_user)
    with django_assert_max_num_queries(UNIT_BOUND):
        response = client.get(reverse("proposals_units:home"))
    # Open work soonest due first: two days overdue, one day overdue, then the two due today.
    assert [a["title"] for a in response.context["open_page"]] == ["提案2", "提案1", "提案0", "提案3"]
    assert response.context["counts"] == {"open": 4, "overdue": 2, "history": size * 3}
    page = response.content.decode()
    assert page.count('<span class="tag late">') == 2
    first_link = reverse("proposals_units:detail", args=[response.context["open_page"][0]["proposal_id"]])
    assert f'href="{first_link}"' in page
    # The handled work is one click away, counted here and listed on its own page.
    assert "往年" not in page
    assert f"已办结提案 {size * 3} 件" in page
    with django_assert_max_num_queries(UNIT_BOUND):
        handled = client.get(reverse("proposals_units:handled"))
    assert handled.content.decode().count("往年") == min(size * 3, PAGE_SIZE)


def test_the_units_history_is_shown_a_page_at_a_time(client, world):
    _build(world, PAGE_SIZE + 5, state=ProposalState.CLOSED, prefix="往年")
    login(client, world.unit_user)
    first = client.get(reverse("proposals_units:handled"))
    second = client.get(reverse("proposals_units:handled"), {"page": 2})
    assert len(first.context["history_page"]) == PAGE_SIZE
    assert len(second.context["history_page"]) == 5
    shown = {a["proposal_id"] for a in first.context["history_page"]} | {
        a["proposal_id"] for a in second.context["history_page"]
    }
    assert len(shown) == PAGE_SIZE + 5
    assert list(client.get(reverse("proposals_units:home")).context["open_page"]) == []


def test_another_units_history_never_shows_in_my_workspace(client, world):
    _build(world, 3, state=ProposalState.CLOSED, prefix="往年")
    Assignment.objects.filter(unit=world.unit).delete()
    login(client, world.unit_user)
    response = client.get(reverse("proposals_units:home"))
    assert response.context["counts"] == {"open": 0, "overdue": 0, "history": 0}
    assert "往年" not in client.get(reverse("proposals_units:handled")).content.decode()


def _reports(world, count: int) -> None:
    for i in range(count):
        services.report_submit(actor=world.proposer.user, title=f"社情民意{i}", situation="情况")


# (+1: the menu of committees a proposal or report may be forwarded down to, beside the actions.)
ADMIN_LIST_BOUND = 16


@pytest.mark.parametrize("size", [5, 15])
@pytest.mark.parametrize("path", ["/admin/proposals/proposal/", "/admin/proposals/opinionreport/"])
def test_the_office_admin_lists_cost_the_same_whatever_the_data(
    client, world, django_assert_max_num_queries, size, path
):
    _build(world, size)
    _build(world, size, state=ProposalState.CLOSED, prefix="往年")
    _reports(world, size)
    login(client, world.staff)
    with django_assert_max_num_queries(ADMIN_LIST_BOUND):
        response = client.get(path)
    assert response.status_code == 200
    assert response.context["cl"].result_count == (size * 2 if "proposal/" in path else size)
    with django_assert_max_num_queries(ADMIN_LIST_BOUND):
        filtered = client.get(path, {"year": str(dt.date.today().year)})
    assert filtered.context["cl"].result_count == response.context["cl"].result_count


def test_the_year_filter_offers_every_year_from_the_first_to_the_last(client, world):
    _build(world, 1)
    Proposal.objects.update(year=2015)
    _build(world, 1, prefix="新")
    login(client, world.staff)
    response = client.get("/admin/proposals/proposal/")
    year_filter = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "year")
    this_year = dt.date.today().year
    assert [value for value, _label in year_filter.lookup_choices] == [
        str(y) for y in range(this_year, 2014, -1)
    ]
    assert client.get("/admin/proposals/proposal/", {"year": "2015"}).context["cl"].result_count == 1
