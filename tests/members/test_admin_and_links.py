"""The office's admin pages open in Chinese, and the work plan shows the activities serving each item."""

import pytest
from django.urls import reverse

from tests.factories import ActivityFactory, ItemFactory
from tests.members.factories import DutyRecordFactory, ParticipationFactory

ADMIN_PAGES = [
    "admin:members_member_changelist",
    "admin:members_member_add",
    "admin:members_member_import",
    "admin:members_activity_changelist",
    "admin:members_activity_add",
    "admin:members_participation_import",
    "admin:members_dutyrecord_changelist",
    "admin:members_scoringrule_changelist",
    "admin:members_yearlyminimum_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_staff_open_each_admin_page(client, staff_user, name):
    client.force_login(staff_user)
    assert client.get(reverse(name)).status_code == 200


def test_staff_open_an_activity_with_its_participants_and_a_record_with_its_timeline(
    client, staff_user, member
):
    participation = ParticipationFactory(member=member)
    record = DutyRecordFactory(member=member)
    client.force_login(staff_user)
    page = client.get(
        reverse("admin:members_activity_change", args=[participation.activity_id])
    ).content.decode()
    assert "张委员" in page
    assert client.get(reverse("admin:members_dutyrecord_change", args=[record.pk])).status_code == 200


def test_staff_verify_records_with_the_admin_action(client, staff_user, member):
    record = DutyRecordFactory(member=member)
    client.force_login(staff_user)
    client.post(
        reverse("admin:members_dutyrecord_changelist"), {"action": "verify", "_selected_action": [record.pk]}
    )
    record.refresh_from_db()
    assert record.status == "verified"


def test_the_work_plan_lists_the_activities_serving_an_item(db):
    from workplan.links import recent_records

    item = ItemFactory()
    activity = ActivityFactory(title="视察簋街")
    activity.items.add(item)
    ActivityFactory(title="无关活动")
    links = recent_records(item.pk)
    assert [link.title for link in links if link.title.startswith("视察")] == ["视察簋街"]


def test_staff_mark_attendance_in_the_activity_inline_and_it_becomes_a_duty_record(
    client, staff_user, member
):
    import datetime as dt

    from django.utils import timezone

    from members.models import DutyRecord

    start = timezone.localtime() - dt.timedelta(days=1)
    activity = ActivityFactory(title="对口协商会", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    participation = ParticipationFactory(activity=activity, member=member)
    client.force_login(staff_user)
    data = {
        "title": activity.title,
        "kind": "meeting",
        "organiser_kind": "office",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%d"),
        "ends_at_1": (start + dt.timedelta(hours=2)).strftime("%H:%M:%S"),
        "status": "planned",
        "half_days": 1,
        "reminder_first_hours": 72,
        "reminder_second_hours": 24,
        "participations-TOTAL_FORMS": 1,
        "participations-INITIAL_FORMS": 1,
        "participations-MIN_NUM_FORMS": 0,
        "participations-MAX_NUM_FORMS": 1000,
        "participations-0-id": participation.pk,
        "participations-0-activity": activity.pk,
        "participations-0-member": member.pk,
        "participations-0-attendance": "present",
        "attachments-TOTAL_FORMS": 0,
        "attachments-INITIAL_FORMS": 0,
        "attachments-MIN_NUM_FORMS": 0,
        "attachments-MAX_NUM_FORMS": 1000,
    }
    response = client.post(reverse("admin:members_activity_change", args=[activity.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    participation.refresh_from_db()
    assert participation.attendance == "present"
    assert DutyRecord.objects.get(member=member).status == "verified"
