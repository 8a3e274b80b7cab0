"""Staff take a member off an activity in the admin: the audit trail says who, the duty record and its points go."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core.models import AuditEvent
from members import selectors, services
from members.models import DutyRecord, Participation
from tests.factories import ActivityFactory
from tests.members.factories import ParticipationFactory


def _activity_form(activity, participation, member, delete=False):
    start, end = timezone.localtime(activity.starts_at), timezone.localtime(activity.ends_at)
    data = {
        "title": activity.title,
        "kind": activity.kind,
        "organiser_kind": "office",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%Y-%m-%d"),
        "ends_at_1": end.strftime("%H:%M:%S"),
        "status": activity.status,
        "half_days": activity.half_days,
        "reminder_first_hours": 72,
        "reminder_second_hours": 24,
        "participations-TOTAL_FORMS": 1,
        "participations-INITIAL_FORMS": 1,
        "participations-MIN_NUM_FORMS": 0,
        "participations-MAX_NUM_FORMS": 1000,
        "participations-0-id": participation.pk,
        "participations-0-activity": activity.pk,
        "participations-0-member": member.pk,
        "participations-0-attendance": participation.attendance,
        "attachments-TOTAL_FORMS": 0,
        "attachments-INITIAL_FORMS": 0,
        "attachments-MIN_NUM_FORMS": 0,
        "attachments-MAX_NUM_FORMS": 1000,
    }
    if delete:
        data["participations-0-DELETE"] = "on"
    return data


def test_a_participation_deleted_in_the_activity_inline_is_audited_and_takes_its_points_back(
    client, staff_user, member
):
    services.scoring_rules_ensure_defaults(timezone.localdate().year)
    start = timezone.localtime() - dt.timedelta(days=1)
    activity = ActivityFactory(
        title="对口协商会", kind="meeting", starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    participation = ParticipationFactory(activity=activity, member=member)
    services.attendance_record(activity=activity, actor=staff_user, marks={member.pk: "present"})
    participation.refresh_from_db()
    year = timezone.localdate(activity.starts_at).year
    assert selectors.member_score(member=member, year=year)["total"] > 0

    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_activity_change", args=[activity.pk]),
        _activity_form(activity, participation, member, delete=True),
    )

    assert response.status_code == 302
    assert not Participation.objects.filter(pk=participation.pk).exists()
    assert not DutyRecord.objects.filter(member=member).exists()
    assert selectors.member_score(member=member, year=year)["total"] == 0
    removed = AuditEvent.objects.get(action="members.participation.removed")
    assert removed.actor == staff_user and "张委员" in removed.object_repr
    assert AuditEvent.objects.filter(action="members.duty_record.withdrawn", actor=staff_user).exists()


def test_a_member_may_not_take_others_off_an_activity(member_user, other_member):
    import pytest

    from cppcc_portal.core.errors import PermissionDeniedError

    participation = ParticipationFactory(member=other_member)
    with pytest.raises(PermissionDeniedError):
        services.participation_remove(participation=participation, actor=member_user)
    assert Participation.objects.filter(pk=participation.pk).exists()
