"""The demo seeder fills a year with proposals in every state and reports, once."""

import io

from cppcc_portal.core import roles
from cppcc_portal.core.demo import DemoContext
from proposals import demo
from proposals.choices import ProposalState, ReportState
from proposals.models import OpinionReport, Proposal
from tests.factories import MemberFactory, UserFactory


def test_the_demo_covers_every_state_and_runs_once(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    members = [MemberFactory(user=UserFactory(username=f"m{i}", role=roles.MEMBER)) for i in range(12)]
    users = {
        "staff": UserFactory(username="demo_staff", role=roles.STAFF),
        "member": members[0].user,
        "unit": UserFactory(username="demo_unit", role=roles.UNIT),
    }
    out = io.StringIO()
    context = DemoContext(year=2017, users=users, stdout=out)
    demo.seed(context)
    states = set(Proposal.objects.filter(year=2017).values_list("state", flat=True))
    assert states == set(ProposalState.values)
    assert Proposal.objects.filter(year=2017).count() >= 150
    assert set(OpinionReport.objects.values_list("state", flat=True)) == set(ReportState.values)
    mine = Proposal.objects.filter(submitter=members[0])
    assert mine.filter(state=ProposalState.AWAITING_EVALUATION).exists()
    assert users["unit"].handling_units.get().name == "区民政局"
    assert users["unit"].handling_units.get().proposal_assignments.exists()
    count = Proposal.objects.count()
    demo.seed(context)
    assert Proposal.objects.count() == count
    assert "skipped" in out.getvalue()
