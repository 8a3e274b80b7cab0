"""Members see only their own records; body leaders only their bodies'; nobody verifies their own record."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.choices import DutyRecordStatus, OrganiserKind
from members.models import Participation, StreetGroupMembership
from tests.factories import ActivityFactory, StreetGroupFactory
from tests.members.factories import DutyRecordFactory, ParticipationFactory


def api(client, user):
    client.force_login(user)
    return client


# --- duty records ---------------------------------------------------------------------------------


def test_a_member_cannot_open_another_members_duty_record_page(client, member, other_member):
    theirs = DutyRecordFactory(member=other_member, title="别人的履职")
    client.force_login(member.user)
    assert client.get(reverse("members:record_detail", args=[theirs.pk])).status_code == 404
    assert "别人的履职" not in client.get(reverse("members:records")).content.decode()


def test_a_member_cannot_read_or_verify_another_members_duty_record_through_the_api(
    client, member, other_member
):
    theirs = DutyRecordFactory(member=other_member)
    api(client, member.user)
    listed = client.get("/api/v1/members/duty-records/").json()["results"]
    assert theirs.pk not in [r["id"] for r in listed]
    assert client.get(f"/api/v1/members/duty-records/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/members/duty-records/{theirs.pk}/verify/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == DutyRecordStatus.SUBMITTED


def test_a_member_cannot_verify_another_members_record_through_the_page(client, member, other_member):
    theirs = DutyRecordFactory(member=other_member)
    client.force_login(member.user)
    assert client.post(reverse("members:record_verify", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == DutyRecordStatus.SUBMITTED


# --- contact details ------------------------------------------------------------------------------


def test_a_member_sees_colleagues_without_their_phone_or_birth_date(client, member, other_member):
    other_member.phone = "13912345678"
    other_member.save()
    api(client, member.user)
    colleague = client.get(f"/api/v1/members/members/{other_member.pk}/").json()
    assert colleague["name"] == "李委员"
    assert "phone" not in colleague and "birth_date" not in colleague and "email" not in colleague
    rows = client.get("/api/v1/members/members/").json()["results"]
    assert len(rows) == 2
    assert all("phone" not in row for row in rows)
    assert "13912345678" not in client.get(reverse("members:directory")).content.decode()


def test_a_member_sees_their_own_contact_details_and_staff_see_everyones(
    client, member, other_member, staff_user
):
    api(client, member.user)
    assert client.get(f"/api/v1/members/members/{member.pk}/").json()["phone"] == "13800138000"
    api(client, staff_user)
    assert client.get(f"/api/v1/members/members/{other_member.pk}/").json()["phone"] == "13800138000"


def test_a_member_cannot_see_another_members_score_breakdown(client, member, other_member):
    api(client, member.user)
    assert client.get(f"/api/v1/members/members/{other_member.pk}/score/").status_code == 403
    assert client.get(f"/api/v1/members/members/{member.pk}/score/").status_code == 200


def test_rankings_are_for_the_office_not_for_members(client, member, staff_user):
    api(client, member.user)
    assert client.get("/api/v1/members/scores/ranking/").status_code == 403
    api(client, staff_user)
    assert client.get("/api/v1/members/scores/ranking/").status_code == 200


def test_a_handling_unit_gets_nothing_from_the_members_api(client, unit_user):
    api(client, unit_user)
    assert client.get("/api/v1/members/members/").status_code == 403
    assert client.get("/api/v1/members/duty-records/").status_code == 403


# --- attendance by body leaders -------------------------------------------------------------------


@pytest.fixture
def past_group_activities(committee_leader):
    """One past activity of the leader's own street group and one of another group."""
    own_group = committee_leader.street_groups.get()
    other_group = StreetGroupFactory(street="景山街道", name="景山街道委员活动小组")
    start = timezone.now() - dt.timedelta(hours=3)
    own = ActivityFactory(
        title="本组调研",
        organiser_kind=OrganiserKind.STREET_GROUP,
        organiser_group=own_group,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    foreign = ActivityFactory(
        title="他组调研",
        organiser_kind=OrganiserKind.STREET_GROUP,
        organiser_group=other_group,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    return own, foreign


def test_a_group_leader_records_attendance_for_their_groups_activity(
    client, committee_leader, member, past_group_activities
):
    own, _foreign = past_group_activities
    StreetGroupMembership.objects.create(group=own.organiser_group, member=member)
    ParticipationFactory(activity=own, member=member)
    client.force_login(committee_leader.user)
    response = client.post(
        reverse("members:activity_attendance", args=[own.pk]), {f"att-{member.pk}": "present"}
    )
    assert response.status_code == 302
    assert Participation.objects.get(activity=own, member=member).attendance == "present"
    assert member.duty_records.get().status == DutyRecordStatus.VERIFIED


def test_a_group_leader_cannot_record_attendance_for_another_groups_activity(
    client, committee_leader, member, past_group_activities
):
    _own, foreign = past_group_activities
    ParticipationFactory(activity=foreign, member=member)
    ParticipationFactory(activity=foreign, member=committee_leader)
    client.force_login(committee_leader.user)
    page = client.post(
        reverse("members:activity_attendance", args=[foreign.pk]), {f"att-{member.pk}": "present"}
    )
    assert page.status_code == 403
    via_api = client.post(
        f"/api/v1/members/activities/{foreign.pk}/attendance/",
        {"marks": [{"member": member.pk, "attendance": "present"}]},
        content_type="application/json",
    )
    assert via_api.status_code == 403
    assert Participation.objects.get(activity=foreign, member=member).attendance == "unrecorded"


def test_a_plain_member_cannot_record_attendance(client, member, other_member, past_group_activities):
    own, _foreign = past_group_activities
    ParticipationFactory(activity=own, member=member)
    client.force_login(member.user)
    assert client.post(reverse("members:activity_attendance", args=[own.pk]), {}).status_code == 403


# --- verification ---------------------------------------------------------------------------------


def test_nobody_verifies_their_own_record_through_the_page(client, committee_leader):
    own = DutyRecordFactory(member=committee_leader)
    client.force_login(committee_leader.user)
    assert client.post(reverse("members:record_verify", args=[own.pk])).status_code == 403
    own.refresh_from_db()
    assert own.status == DutyRecordStatus.SUBMITTED


def test_nobody_verifies_their_own_record_through_the_api(client, committee_leader):
    own = DutyRecordFactory(member=committee_leader)
    api(client, committee_leader.user)
    response = client.post(f"/api/v1/members/duty-records/{own.pk}/verify/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    own.refresh_from_db()
    assert own.status == DutyRecordStatus.SUBMITTED


def test_a_staff_member_who_is_also_a_member_cannot_verify_their_own_record(client, member, staff_user):
    from cppcc_portal.core import roles

    member.user.groups.add(roles.ensure_groups()[roles.STAFF])
    own = DutyRecordFactory(member=member)
    api(client, member.user)
    assert client.post(f"/api/v1/members/duty-records/{own.pk}/verify/").status_code == 403


def test_a_committee_director_verifies_a_record_of_their_committees_member(
    client, committee, committee_leader, member
):
    from members.models import CommitteeMembership

    CommitteeMembership.objects.create(committee=committee, member=member)
    record = DutyRecordFactory(member=member)
    client.force_login(committee_leader.user)
    assert client.post(reverse("members:record_verify", args=[record.pk])).status_code == 302
    record.refresh_from_db()
    assert record.status == DutyRecordStatus.VERIFIED
    assert record.verified_by == committee_leader.user


def test_a_rejection_needs_a_reason_and_is_shown_on_the_timeline(client, staff_user, member):
    record = DutyRecordFactory(member=member)
    api(client, staff_user)
    assert client.post(f"/api/v1/members/duty-records/{record.pk}/reject/", {}).status_code == 400
    response = client.post(f"/api/v1/members/duty-records/{record.pk}/reject/", {"reason": "缺少证明材料"})
    assert response.status_code == 200
    client.force_login(member.user)
    page = client.get(reverse("members:record_detail", args=[record.pk])).content.decode()
    assert "缺少证明材料" in page


def test_a_group_leader_cannot_certify_their_own_attendance(client, committee_leader, past_group_activities):
    own, _foreign = past_group_activities
    ParticipationFactory(activity=own, member=committee_leader)
    client.force_login(committee_leader.user)
    client.post(
        reverse("members:activity_attendance", args=[own.pk]), {f"att-{committee_leader.pk}": "present"}
    )
    assert Participation.objects.get(member=committee_leader).attendance == "unrecorded"
    assert not committee_leader.duty_records.exists()


def test_the_ranking_and_any_duty_file_are_for_the_office_and_leaders(
    client, member, other_member, leader_user
):
    client.force_login(member.user)
    assert client.get(reverse("members:ranking")).status_code == 403
    assert client.get(reverse("members:member_duty_file", args=[other_member.pk])).status_code == 403
    client.force_login(leader_user)
    assert client.get(reverse("members:ranking")).status_code == 200
    page = client.get(reverse("members:member_duty_file", args=[other_member.pk])).content.decode()
    assert "李委员" in page
