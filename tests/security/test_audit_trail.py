"""Every change the apps' services make leaves an audit row: who, when, from where, what changed."""

import datetime as dt

import pytest
from django.utils import timezone

from cppcc_portal.core.audit import history_for
from cppcc_portal.core.request_context import reset_current_ip, set_current_ip
from tests.factories import ActivityFactory, MemberFactory, UserFactory
from tests.proposals.factories import CategoryFactory
from tests.proposals.world import World as ProposalWorld
from tests.supervision.factories import GroupFactory, TopicFactory

pytestmark = pytest.mark.django_db

OFFICE_IP = "198.51.100.23"


@pytest.fixture(autouse=True)
def from_the_office():
    """The services run as if called from a request coming from the office's address."""
    token = set_current_ip(OFFICE_IP)
    yield
    reset_current_ip(token)


def audited(obj, actor=None) -> list:
    events = list(history_for(obj))
    assert events, f"no audit row for {obj._meta.label} {obj.pk}"
    for event in events:
        assert event.ip_address == OFFICE_IP
        assert event.created_at <= timezone.now()
    if actor is not None:
        assert any(event.actor_id == actor.pk for event in events), f"{obj} has no row by {actor}"
    return events


def test_roster_changes_are_audited_with_before_and_after(staff_user, member):
    from members import services

    member.name = "张委员（更正）"
    services.member_save(member=member, actor=staff_user)
    events = audited(member, staff_user)
    assert any("name" in event.changes for event in events)


def test_activities_and_attendance_are_audited(staff_user, member):
    from members import services
    from members.models import Participation

    activity = ActivityFactory.build(
        title="专题学习会",
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    services.activity_save(activity=activity, actor=staff_user)
    audited(activity, staff_user)
    services.attendance_record(activity=activity, actor=staff_user, marks={member.pk: "present"})
    participation = Participation.objects.get(activity=activity, member=member)
    events = (
        audited(participation, staff_user)
        if list(history_for(participation))
        else audited(activity, staff_user)
    )
    assert any("attendance" in str(event.changes) or "attendance" in event.action for event in events)


def test_duty_records_logged_by_a_member_are_audited(member_user, member):
    from members import services

    record = services.duty_record_submit(
        member=member,
        actor=member_user,
        event_kind="self_reported",
        occurred_on=dt.date(2017, 5, 4),
        title="走访社区",
    )
    audited(record, member_user)


def test_proposal_workflow_and_the_unit_reply_are_audited(
    member, staff_user, unit, unit_user, other_unit, other_unit_user
):
    from proposals.choices import ProposalState

    cosigner = MemberFactory(user=UserFactory(username="cosigner"), name="赵委员")
    world = ProposalWorld(
        proposer=member,
        cosigner=cosigner,
        staff=staff_user,
        unit=unit,
        unit_user=unit_user,
        other_unit=other_unit,
        other_unit_user=other_unit_user,
        category=CategoryFactory(),
    )
    proposal = world.reach(ProposalState.REPLY_DRAFTED, assisting=False)
    events = audited(proposal)
    actors = {event.actor_id for event in events}
    assert {member.user.pk, staff_user.pk, unit_user.pk} <= actors
    assert any(event.changes.get("state") for event in events)
    # The unit's reply is a step of the proposal: its row is on the proposal, by the unit's account.
    assert any("reply" in event.action and event.actor_id == unit_user.pk for event in events)


def test_social_conditions_reports_are_audited(member_user, member):
    from proposals import services

    report = services.report_submit(
        actor=member_user, title="加装电梯进展慢", situation="居民反映加装电梯进展缓慢。"
    )
    audited(report, member_user)


def test_supervision_recommendations_are_audited(staff_user, unit):
    from supervision import services

    topic = TopicFactory()
    group = GroupFactory(topics=[topic])
    recommendation = services.recommendation_create(
        group=group,
        topic=topic,
        unit=unit,
        title="关于居家养老服务的监督意见",
        text="建议增加社区养老驿站。",
        due_on=dt.date(2017, 9, 30),
        actor=staff_user,
    )
    services.recommendation_send(recommendation=recommendation, actor=staff_user)
    events = audited(recommendation, staff_user)
    assert len(events) >= 2
