"""Twenty acceptances at once take the numbers 1…20, no gap and no duplicate."""

import threading

import pytest
from django.db import connection

from cppcc_portal.core import committees
from proposals import services
from proposals.choices import ProposalState as S
from proposals.models import Proposal
from tests.conftest import PASSWORD  # noqa: F401 - personas share it
from tests.factories import MemberFactory, UserFactory
from tests.proposals.factories import CategoryFactory


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_acceptances_number_one_to_twenty():
    staff = UserFactory(username="staff_c", role="staff")
    proposer = MemberFactory(user=UserFactory(username="proposer_c", role="member"))
    category = CategoryFactory(name="经济建设")
    proposals = []
    for i in range(20):
        p = services.proposal_create(
            actor=proposer.user,
            submitter=proposer,
            title=f"提案{i}",
            reason="理由",
            suggestions="建议",
            category=category,
        )
        services.proposal_submit(proposal=p, actor=proposer.user)
        proposals.append(p)
    start = threading.Barrier(20)
    committee_id = committees.default_id()
    errors = []

    def accept(pk):
        try:
            start.wait()
            # A thread starts outside any committee, like a request before the middleware.
            with committees.working_for(committee_id):
                services.proposal_accept(proposal=Proposal.objects.get(pk=pk), actor=staff)
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(p.pk,)) for p in proposals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = proposals[0].year
    rows = Proposal.objects.filter(year=year, state=S.ACCEPTED)
    assert sorted(rows.values_list("number_seq", flat=True)) == list(range(1, 21))
    assert sorted(rows.values_list("number", flat=True)) == [f"{year}-{n:03d}" for n in range(1, 21)]
