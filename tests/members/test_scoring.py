"""Yearly scores: known fixture, known numbers; caps hold, nothing counts twice, only verified records count."""

import datetime as dt

import pytest
from django.utils import timezone

from members import selectors, services
from members.choices import DutyEventKind, DutyRole
from members.models import ScoringRule, YearlyMinimum
from tests.factories import ActivityFactory, MemberFactory, SectorFactory, SpecialCommitteeFactory
from tests.members.factories import DutyRecordFactory, ParticipationFactory

YEAR = 2017


def held(kind, title, half_days=1, day=10):
    start = timezone.make_aware(dt.datetime(YEAR, 3, day, 9))
    return ActivityFactory(
        kind=kind, title=title, half_days=half_days, starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )


def attend(activity, member, staff_user, attendance="present"):
    ParticipationFactory(activity=activity, member=member)
    services.attendance_record(activity=activity, actor=staff_user, marks={member.pk: attendance})


@pytest.fixture
def scored(staff_user):
    """Member 甲 with a known year of work; 乙 co-signed one proposal; 丙 did nothing."""
    services.scoring_rules_ensure_defaults(YEAR)
    education = SectorFactory(name="教育界")
    jia = MemberFactory(name="甲", sector=education)
    yi = MemberFactory(name="乙", sector=education)
    bing = MemberFactory(name="丙")
    attend(held("plenary", "全体会议", half_days=4), jia, staff_user)  # 4 half-days × 5 = 20
    attend(held("meeting", "座谈会", day=11), jia, staff_user)  # 5
    attend(held("inspection", "视察簋街", day=12), jia, staff_user)  # 5
    attend(held("training", "新委员培训班", day=13), jia, staff_user)  # 10
    attend(held("meeting", "缺席的会", day=14), jia, staff_user, "absent")  # 0
    proposal = held("other", "代替提案的来源对象")
    for _ in range(2):  # the same acceptance reported twice counts once: 15
        services.duty_record_from_event(
            member=jia,
            event_kind=DutyEventKind.PROPOSAL_ACCEPTED,
            role=DutyRole.LEAD,
            occurred_on=dt.date(YEAR, 4, 1),
            title="关于簋街停车的提案",
            source=proposal,
        )
    services.duty_record_from_event(
        member=yi,
        event_kind=DutyEventKind.PROPOSAL_ACCEPTED,
        role=DutyRole.COSIGNER,
        occurred_on=dt.date(YEAR, 4, 1),
        title="关于簋街停车的提案",
        source=proposal,
    )  # 3
    for _ in range(15):  # 15 × 2 = 30, capped at 20
        DutyRecordFactory(member=jia, occurred_on=dt.date(YEAR, 6, 1), status="verified")
    DutyRecordFactory(member=jia, occurred_on=dt.date(YEAR, 6, 2), status="submitted")  # not yet counted
    DutyRecordFactory(member=jia, occurred_on=dt.date(YEAR, 6, 3), status="rejected")  # never counted
    DutyRecordFactory(member=jia, occurred_on=dt.date(YEAR - 1, 6, 3), status="verified")  # another year
    return jia, yi, bing


def test_a_members_score_adds_up_the_rules_with_caps(scored):
    jia, _yi, _bing = scored
    score = selectors.member_score(member=jia, year=YEAR)
    by_kind = {(row["event_kind"], row["role"]): row["points"] for row in score["breakdown"]}
    assert by_kind == {
        ("plenary", "participant"): 20,
        ("meeting", "participant"): 10,
        ("training", "participant"): 10,
        ("proposal_accepted", "lead"): 15,
        ("self_reported", "participant"): 20,
    }
    assert score["total"] == 75
    capped = [row for row in score["breakdown"] if row["capped"]]
    assert [(row["event_kind"], row["quantity"]) for row in capped] == [("self_reported", 15)]


def test_the_ranking_orders_members_by_score_and_shares_ranks_on_ties(scored):
    jia, yi, bing = scored
    ranking = list(selectors.score_ranking(year=YEAR))
    assert [(m.name, m.score, m.rank) for m in ranking[:2]] == [("甲", 75, 1), ("乙", 3, 2)]
    assert {m.name: m.rank for m in ranking}["丙"] == 3


def test_the_ranking_within_a_sector_leaves_other_sectors_out(scored):
    jia, _yi, _bing = scored
    assert [m.name for m in selectors.score_ranking(year=YEAR, sector=jia.sector)] == ["甲", "乙"]


def test_the_ranking_within_a_committee(scored):
    from members.models import CommitteeMembership

    _jia, yi, _bing = scored
    committee = SpecialCommitteeFactory(name="提案委员会")
    CommitteeMembership.objects.create(committee=committee, member=yi)
    assert [(m.name, m.score) for m in selectors.score_ranking(year=YEAR, committee=committee)] == [("乙", 3)]


def test_an_attendance_corrected_away_from_present_takes_its_points_back(scored, staff_user):
    jia, _yi, _bing = scored
    from members.models import Activity

    seminar = Activity.objects.get(title="座谈会")
    services.attendance_record(activity=seminar, actor=staff_user, marks={jia.pk: "leave"})
    assert selectors.member_score(member=jia, year=YEAR)["total"] == 70


def test_the_office_changes_a_rule_and_the_score_follows(scored, staff_user):
    jia, _yi, _bing = scored
    for rule in ScoringRule.objects.filter(year=YEAR, event_kind="plenary"):
        rule.points = 10
        services.scoring_rule_save(rule=rule, actor=staff_user)
    assert selectors.member_score(member=jia, year=YEAR)["total"] == 95


def test_members_below_the_yearly_minimums_are_warned(scored):
    jia, yi, bing = scored
    below = {
        row["member"].name: {s["metric"] for s in row["short"]}
        for row in selectors.members_below_minimums(year=YEAR)
    }
    assert below["甲"] == {"reports"}
    assert below["丙"] == {"activities", "proposals", "reports"}
    minimum = YearlyMinimum.objects.get(year=YEAR, metric="reports")
    minimum.minimum = 0
    minimum.save()  # as the admin does: the cached minimums of the year follow
    assert "甲" not in {row["member"].name for row in selectors.members_below_minimums(year=YEAR)}


def test_participation_stats_for_the_dashboard(scored):
    stats = selectors.participation_stats(year=YEAR)
    assert stats["attendance_rate"] == 80.0  # 4 present of 5 recorded
    assert stats["activities_by_month"][3] == 6
    assert stats["activities_by_kind"]["meeting"] == 2
    education = next(row for row in stats["score_by_sector"] if row["name"] == "教育界")
    assert (education["members"], education["highest"], education["lowest"]) == (2, 75, 3)
    assert stats["below_minimums"] == 3


def test_seeding_the_default_rules_twice_keeps_one_set(db):
    assert services.scoring_rules_ensure_defaults(YEAR) == 22
    assert services.scoring_rules_ensure_defaults(YEAR) == 0
    rules = {(r.event_kind, r.role): r.points for r in ScoringRule.objects.filter(year=YEAR)}
    assert rules[("plenary", "participant")] == 5
    assert rules[("proposal_key", "cosigner")] == 3
    assert rules[("report_instructed", "lead")] == 10
    assert rules[("supervision", "lead")] == rules[("supervision", "participant")] == 5
    assert (rules[("speech_oral", "lead")], rules[("speech_written", "lead")]) == (10, 5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_members_own_warnings_agree_with_the_dashboards_list(db, seed):
    """The portal reads one member's records; the dashboard counts everyone's: same answer."""
    import random

    rng = random.Random(seed)
    members = [MemberFactory() for _ in range(4)]
    kinds = [DutyEventKind.MEETING, DutyEventKind.TRAINING, DutyEventKind.PROPOSAL_ACCEPTED]
    kinds += [DutyEventKind.REPORT_SUBMITTED, DutyEventKind.SELF_REPORTED]
    for _ in range(30):
        DutyRecordFactory(
            member=rng.choice(members),
            event_kind=rng.choice(kinds),
            role=rng.choice([DutyRole.PARTICIPANT, DutyRole.LEAD]),
            occurred_on=dt.date(rng.choice([2016, 2017]), 5, 4),
            status=rng.choice(["verified", "verified", "submitted", "rejected"]),
            quantity=rng.randint(1, 3),
        )
    below = {row["member"].pk: row["short"] for row in selectors.members_below_minimums(year=2017)}
    from members.models import DutyRecord

    for member in members:
        standing = selectors.member_standing(member=member, year=2017)
        assert standing.warnings == below.get(member.pk, [])
        assert standing.warnings == selectors.member_warnings(member=member, year=2017)
        assert standing.score == selectors.member_score(member=member, year=2017)
        assert standing.pending == DutyRecord.objects.filter(member=member, status="submitted").count()
