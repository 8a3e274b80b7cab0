"""The decade generator builds around the demo year: no number collision, a second run adds nothing."""

import io

import pytest
from django.apps import apps
from django.db.models import Count

from cppcc_portal.core.accounts import account_create_or_update
from cppcc_portal.core.demo import DEMO_ACCOUNTS, DemoContext, run_seeders
from devdata import decade as bulk

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    labels = [
        "members.Member",
        "members.Activity",
        "members.Participation",
        "workplan.WorkPlan",
        "workplan.Item",
        "proposals.Proposal",
        "proposals.OpinionReport",
        "supervision.SupervisionTopic",
        "supervision.Recommendation",
    ]
    return {label: apps.get_model(label).objects.count() for label in labels}


def _numbered_twice() -> list:
    Proposal = apps.get_model("proposals.Proposal")
    return list(
        Proposal.objects.exclude(number_seq=None)
        .values("year", "number_seq")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )


def test_the_bulk_years_are_built_around_the_demo_year_and_a_second_run_adds_nothing():
    users = {
        role: account_create_or_update(
            username=name, role=role, password="x-demo-pass-1", check_password=False
        )
        for name, role in DEMO_ACCOUNTS.items()
    }
    run_seeders(DemoContext(year=2017, users=users, stdout=io.StringIO()))
    Proposal = apps.get_model("proposals.Proposal")
    demo_numbers = set(
        Proposal.objects.filter(year=2017).exclude(number_seq=None).values_list("pk", "number")
    )

    built = bulk.build(
        last_year=2017, years=3, say=lambda message: None, users=list(users.values()), scale=0.002
    )

    assert built is True
    assert _numbered_twice() == []
    assert set(
        Proposal.objects.filter(pk__in=[pk for pk, _ in demo_numbers]).values_list("pk", "number")
    ) == (demo_numbers)
    assert set(Proposal.objects.values_list("year", flat=True)) >= {2015, 2016, 2017}
    counter = apps.get_model("proposals.ProposalCounter").objects.filter(year=2017).first()
    if counter is not None:
        highest = max(
            Proposal.objects.filter(year=2017).values_list("number_seq", flat=True).exclude(number_seq=None)
        )
        assert counter.last_number == highest
    after_first = _counts()

    again = bulk.build(
        last_year=2017, years=3, say=lambda message: None, users=list(users.values()), scale=0.002
    )

    assert again is False
    assert _counts() == after_first
    assert _numbered_twice() == []


def test_a_longer_run_builds_only_the_years_that_are_missing():
    bulk.build(last_year=2017, years=2, say=lambda message: None, scale=0.002)
    members = apps.get_model("members.Member").objects.count()
    plans = apps.get_model("workplan.WorkPlan").objects.count()

    built = bulk.build(last_year=2017, years=3, say=lambda message: None, scale=0.002)

    assert built is True
    assert apps.get_model("workplan.WorkPlan").objects.count() == plans + 1
    # The roster of the term is reused, not generated a second time.
    assert apps.get_model("members.Member").objects.count() == members
    Proposal = apps.get_model("proposals.Proposal")
    assert sorted(set(Proposal.objects.values_list("year", flat=True))) == [2015, 2016, 2017]
    assert _numbered_twice() == []
