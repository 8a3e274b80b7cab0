"""Each committee scores its members by its own rules and minimums (issue 20, settings per committee)."""

import datetime as dt

import pytest

from cppcc_portal.core import committees
from members import scoring, selectors
from members.choices import DutyRecordStatus
from members.models import DutyRecord, ScoringRule, YearlyMinimum
from proposals.services import year_settings
from tests.factories import CommitteeFactory, MemberFactory, PartyFactory, SectorFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    return CommitteeFactory(
        slug="xicheng", short_name="西城区政协", name="中国人民政治协商会议北京市西城区委员会"
    )


def _a_verified_meeting(number: str) -> DutyRecord:
    member = MemberFactory(
        member_number=number, party=PartyFactory(), sector=SectorFactory(), term=TermFactory()
    )
    return DutyRecord.objects.create(
        member=member,
        year=2017,
        event_kind="meeting",
        role="participant",
        quantity=3,
        occurred_on=dt.date(2017, 5, 4),
        title="常委会会议",
        status=DutyRecordStatus.VERIFIED,
    )


def test_the_same_meeting_is_worth_what_each_committees_rule_says(district):
    ScoringRule.objects.create(year=2017, event_kind="meeting", role="participant", points=2, yearly_cap=4)
    YearlyMinimum.objects.create(year=2017, metric="activities", minimum=6)
    ours = _a_verified_meeting("14001")
    scoring.refresh_record_points(year=2017)
    with committees.working_for(district):
        ScoringRule.objects.create(year=2017, event_kind="meeting", role="participant", points=5)
        YearlyMinimum.objects.create(year=2017, metric="activities", minimum=2)
        theirs = _a_verified_meeting("14001")
        scoring.refresh_record_points(year=2017)
        assert scoring.record_points(theirs) == 15
        assert selectors.yearly_minimums(2017)["activities"] == 2
        their_score = selectors.member_standing(member=theirs.member, year=2017).score["total"]
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.points, theirs.points) == (6, 15)
    assert scoring.record_points(ours) == 6
    assert selectors.yearly_minimums(2017)["activities"] == 6
    # Committee one caps the year's meetings at 4 points; the district has no cap.
    assert selectors.member_standing(member=ours.member, year=2017).score["total"] == 4
    assert their_score == 15


def test_each_committee_keeps_its_own_proposal_deadlines(district):
    ours = year_settings(2017)
    ours.reply_months = 2
    ours.save()
    with committees.working_for(district):
        theirs = year_settings(2017)
        assert theirs.reply_months == 3  # the default, not committee one's
        assert theirs.pk != ours.pk
    assert year_settings(2017).reply_months == 2
