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


def test_the_demo_year_is_believable_most_members_meet_the_minimums_with_credits_dated_in_it(db, settings):
    from members import demo as members_demo
    from members import selectors as member_selectors
    from members.models import DutyRecord, Member
    from tests.factories import ItemFactory, SectionFactory, WorkPlanFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    plan = WorkPlanFactory(year=2017)
    section = SectionFactory(plan=plan, number=1)
    for number in range(1, 21):
        ItemFactory(plan=plan, section=section, number=number)
    users = {
        role: UserFactory(username=f"demo_{role}", role=role)
        for role in ("staff", "leader", "member", "unit")
    }
    context = DemoContext(year=2017, users=users, stdout=io.StringIO())
    members_demo.seed(context)
    demo.seed(context)
    in_office = Member.objects.filter(status="in_office").count()
    below = member_selectors.members_below_minimums(year=2017)
    assert len(below) < in_office / 5, [row["short"] for row in below[:5]]
    credits = DutyRecord.objects.filter(event_kind__startswith="proposal") | DutyRecord.objects.filter(
        event_kind__startswith="report"
    )
    assert credits.count() > in_office
    assert {(r.year, r.occurred_on.year) for r in credits} == {(2017, 2017)}
