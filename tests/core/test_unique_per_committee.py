"""Years, numbers and names are unique within a committee: two districts each have their 2017 plan,
their term 14, a unit called 区民政局 and their proposal 2017-001; one committee still cannot have two."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from consultations.models import ConsultationPlan, ConsultationTopic
from cppcc_portal.core import committees
from meetings.models import ProcedureRule
from members.models import (
    HandlingUnit,
    Member,
    ScoringRule,
    SpecialCommittee,
    StreetGroup,
    Term,
    YearlyMinimum,
)
from proposals import services as proposal_services
from proposals.choices import ProposalState
from proposals.models import BulletinIssue, Proposal, ProposalCategory, ProposalCounter, ProposalYearSettings
from supervision.models import SupervisionGroup, SupervisionTopic
from tests.factories import CommitteeFactory, MemberFactory, PartyFactory, SectorFactory, TermFactory
from workplan.models import WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    return CommitteeFactory(
        slug="xicheng", short_name="西城区政协", name="中国人民政治协商会议北京市西城区委员会"
    )


def _term():
    return TermFactory()


def _member():
    return MemberFactory(member_number="14001", party=PartyFactory(), sector=SectorFactory(), term=_term())


# One row of each kind whose year, number or name is unique per committee, made in the committee in hand.
ROWS = {
    "work plan 2017": lambda: WorkPlan.objects.create(year=2017, title="2017年工作要点"),
    "term 14": lambda: Term.objects.create(
        number=14, starts_on=dt.date(2017, 1, 1), ends_on=dt.date(2021, 12, 31)
    ),
    "special committee": lambda: SpecialCommittee.objects.create(name="提案委员会"),
    "street group": lambda: StreetGroup.objects.create(name="东华门街道委员活动小组", street="东华门街道"),
    "handling unit": lambda: HandlingUnit.objects.create(name="区民政局"),
    "member number": _member,
    "scoring rule": lambda: ScoringRule.objects.create(
        year=2017, event_kind="meeting", role="participant", points=2
    ),
    "yearly minimum": lambda: YearlyMinimum.objects.create(year=2017, metric="activities", minimum=4),
    # Committee number one's rules of procedure are made by a migration; a new committee makes its own.
    "rule of procedure": lambda: ProcedureRule.objects.get_or_create(
        tenant_id=committees.current_id(), kind="plenary"
    )[0],
    "proposal category": lambda: ProposalCategory.objects.create(name="经济建设"),
    "proposal year settings": lambda: ProposalYearSettings.objects.create(year=2017),
    "proposal counter": lambda: ProposalCounter.objects.create(year=2017),
    "bulletin issue": lambda: BulletinIssue.objects.create(year=2017, number=1),
    "supervision topic": lambda: SupervisionTopic.objects.create(
        year=2017, title="背街小巷整治", source="party_committee"
    ),
    "supervision group": lambda: SupervisionGroup.objects.create(
        year=2017, name="第一监督小组", leader=_member()
    ),
    "consultation plan": lambda: ConsultationPlan.objects.create(year=2017, title="2017年度协商计划"),
    "consultation topic": lambda: ConsultationTopic.objects.create(
        year=2017,
        title="老旧小区加装电梯",
        source="party_committee",
        form="standing_committee",
        lead_body="城建委",
    ),
}


@pytest.mark.parametrize("kind", list(ROWS))
def test_two_committees_each_have_their_own_and_one_cannot_have_two(kind, district):
    make = ROWS[kind]
    ours = make()
    with committees.working_for(district):
        theirs = make()
    assert ours.tenant_id == committees.default_id()
    assert theirs.tenant_id == district.pk
    model = type(ours)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(
            **{
                f.attname: getattr(ours, f.attname)
                for f in model._meta.concrete_fields
                if not f.primary_key and f.attname != "user_id"
            }
        )


def test_a_form_refuses_a_second_2017_plan_of_the_same_committee_with_a_message(district):
    WorkPlan.objects.create(year=2017, title="2017年工作要点")
    with pytest.raises(ValidationError) as refused:
        WorkPlan(year=2017, title="又一份").validate_constraints(exclude={"tenant"})
    assert refused.value.message_dict["__all__"]  # "工作要点 with this committee and year already exists"
    with committees.working_for(district):
        WorkPlan(year=2017, title="西城区2017年工作要点").validate_constraints()  # nothing refused


def _awaiting_review(title: str) -> Proposal:
    member = Member.objects.filter(tenant_id=committees.current_id()).first() or _member()
    category, _created = ProposalCategory.objects.get_or_create(
        tenant_id=committees.current_id(), name="经济建设"
    )
    return Proposal.objects.create(
        year=2017,
        title=title,
        reason="理由",
        suggestions="建议",
        category=category,
        submitter=member,
        state=ProposalState.AWAITING_REVIEW,
    )


def test_each_committee_numbers_its_proposals_from_2017_001(district, staff_user):
    ours = _awaiting_review("东城区的第一件提案")
    proposal_services.proposal_accept(proposal=ours, actor=staff_user)
    with committees.working_for(district):
        theirs = _awaiting_review("西城区的第一件提案")
        proposal_services.proposal_accept(proposal=theirs, actor=staff_user)
        second = _awaiting_review("西城区的第二件提案")
        proposal_services.proposal_accept(proposal=second, actor=staff_user)
    assert ours.number == theirs.number == "2017-001"
    assert second.number == "2017-002"
    with committees.working_for(district):
        assert ProposalCounter.objects.get(year=2017).last_number == 2
    assert ProposalCounter.objects.get(year=2017).last_number == 1


def test_each_committee_numbers_its_bulletins_from_issue_1(district, staff_user):
    ours = proposal_services.bulletin_create(actor=staff_user, year=2017)
    with committees.working_for(district):
        theirs = proposal_services.bulletin_create(actor=staff_user, year=2017)
    assert ours.number == theirs.number == 1
    assert proposal_services.bulletin_create(actor=staff_user, year=2017).number == 2
