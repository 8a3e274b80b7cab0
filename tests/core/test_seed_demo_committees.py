"""`seed_demo --committees N` builds the city and N - 1 districts, each with a plan, a roster and data
of its own; nothing of one committee points at another's."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from cppcc_portal.core import committees
from cppcc_portal.core.models import Committee, CommitteeSeat
from members.models import Activity, Member, Participation
from proposals.models import Proposal
from workplan.models import WorkPlan

pytestmark = pytest.mark.django_db


def test_three_committees_each_get_their_own_plan_roster_and_proposals():
    call_command("seed_demo", "--force", committees=3, years=1, scale=0.002, stdout=io.StringIO())
    city = Committee.objects.get(slug="beijing")
    assert city.name == "中国人民政治协商会议北京市委员会" and city.parent is None
    districts = list(city.children.order_by("pk"))
    assert [d.short_name for d in districts] == ["东城区政协", "西城区政协"]
    assert districts[0] == committees.default()  # committee number one is the first district
    # The test looks at every committee at once (the one deliberate read across them).
    with committees.across_committees():
        for committee in [city, *districts]:
            assert WorkPlan.objects.filter(tenant=committee, year=2017).count() == 1, committee
            assert Member.objects.filter(tenant=committee).exists(), committee
            assert Activity.objects.filter(tenant=committee).exists(), committee
            assert Proposal.objects.filter(tenant=committee).exists(), committee
        # Nothing is shared: every row points at rows of its own committee.
        assert not Member.objects.exclude(term__tenant=F("tenant")).exists()
        assert not Proposal.objects.exclude(submitter__tenant=F("tenant")).exists()
        assert not Proposal.objects.exclude(category__tenant=F("tenant")).exists()
        assert not Participation.objects.exclude(member__tenant=F("activity__tenant")).exists()
        # Numbers run per committee: each has its own first proposal of 2017.
        firsts = Proposal.objects.filter(year=2017, number_seq=1).values_list("tenant", flat=True)
        assert sorted(firsts) == sorted(c.pk for c in [city, *districts])
    # The demo office works in all three and chooses where.
    assert CommitteeSeat.objects.filter(user__username="demo_staff").count() == 3


def test_more_committees_than_beijing_has_are_refused():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--force", committees=18, stdout=io.StringIO())
    assert not Committee.objects.filter(slug="beijing").exists()
