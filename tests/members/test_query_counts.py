"""Pages and rankings cost the same number of queries with 3 or 9 times the data."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members import selectors, services
from members.models import CommitteeMembership, StreetGroupMembership
from tests.factories import ActivityFactory, MemberFactory, SpecialCommitteeFactory, StreetGroupFactory
from tests.members.factories import DutyRecordFactory, ParticipationFactory, TrainingFactory


def build(member, n, staff_user):
    """n more colleagues, n upcoming invitations, n open trainings, n past attended meetings."""
    committee = SpecialCommitteeFactory()
    group = StreetGroupFactory()
    for i in range(n):
        colleague = MemberFactory()
        CommitteeMembership.objects.create(committee=committee, member=colleague)
        StreetGroupMembership.objects.create(group=group, member=colleague)
        DutyRecordFactory(member=colleague, status="verified", occurred_on=timezone.localdate())
        ParticipationFactory(member=member, activity=ActivityFactory())
        TrainingFactory()
        start = timezone.now() - dt.timedelta(days=i + 1)
        past = ActivityFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1))
        ParticipationFactory(member=member, activity=past)
        services.attendance_record(activity=past, actor=staff_user, marks={member.pk: "present"})


@pytest.mark.parametrize("n", [3, 9])
def test_the_portal_home_does_not_grow_with_activities(
    client, member, staff_user, django_assert_max_num_queries, n
):
    services.scoring_rules_ensure_defaults(timezone.localdate().year)
    build(member, n, staff_user)
    client.force_login(member.user)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("members:portal_home"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 9])
def test_the_roster_changelist_does_not_grow_with_members(
    client, member, staff_user, django_assert_max_num_queries, n
):
    build(member, n, staff_user)
    client.force_login(staff_user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count("M0") >= n


@pytest.mark.parametrize("n", [3, 9])
def test_the_score_ranking_is_a_fixed_number_of_queries(member, staff_user, django_assert_max_num_queries, n):
    year = timezone.localdate().year
    services.scoring_rules_ensure_defaults(year)
    build(member, n, staff_user)
    with django_assert_max_num_queries(2):
        ranking = list(selectors.score_ranking(year=year))
        assert [m.sector.name for m in ranking]
    assert len(ranking) == n + 1
    assert ranking[0] == member


@pytest.mark.parametrize("n", [3, 9])
def test_the_activity_and_duty_record_changelists_do_not_grow(
    client, member, staff_user, django_assert_max_num_queries, n
):
    build(member, n, staff_user)
    client.force_login(staff_user)
    for name in (
        "admin:members_activity_changelist",
        "admin:members_dutyrecord_changelist",
        "admin:members_participation_changelist",
    ):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("n", [3, 9])
def test_the_attendance_sheet_and_the_api_do_not_grow(
    client, member, staff_user, django_assert_max_num_queries, n
):
    build(member, n, staff_user)
    activity = ActivityFactory()
    for colleague in MemberFactory.create_batch(n):
        ParticipationFactory(activity=activity, member=colleague)
    client.force_login(staff_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("members:activity_attendance", args=[activity.pk])).status_code == 200
    for url in ("/api/v1/members/members/", "/api/v1/members/duty-records/"):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
    # The count's estimate, the exact count (a small table) and the page: no member looked up.
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/members/participations/").status_code == 200
