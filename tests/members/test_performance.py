"""What the performance work must not lose: constant query counts as history grows, the bulk
attendance import keeping every rule, and two small fixes (waiting list check-in, seat notice)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cppcc_portal.core.errors import PermissionDeniedError
from cppcc_portal.core.models import Notification
from members import services
from members.models import DutyRecord, DutyRecordEvent, Participation, ScoringRule
from members.resources import AttendanceResource, import_with_rules, row_errors
from tests.factories import ActivityFactory, MemberFactory, UserFactory
from tests.members.factories import ParticipationFactory, TrainingFactory
from tests.members.test_import import xlsx

pytestmark = pytest.mark.django_db

ATTENDANCE_HEADERS = ["活动编号", "活动", "委员编号", "姓名", "出席情况", "请假事由"]


def past_activity(title):
    started = timezone.now() - dt.timedelta(days=2)
    return ActivityFactory(title=title, starts_at=started, ends_at=started + dt.timedelta(hours=2))


def attendance_workbook(rows: int):
    """`rows` rows over rows/10 past activities and ten members, every one present."""
    members = [MemberFactory(member_number=f"Q{rows}-{n}") for n in range(10)]
    activities = [past_activity(f"协商会{n}") for n in range(rows // 10)]
    lines = [[activities[n // 10].pk, "", members[n % 10].member_number, "", "出席", ""] for n in range(rows)]
    return xlsx(lines, headers=ATTENDANCE_HEADERS)


def queries_to_import(dataset, actor) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = import_with_rules(AttendanceResource(), dataset, actor=actor, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    return len(captured)


def test_the_attendance_import_costs_the_same_queries_for_20_or_60_rows(staff_user):
    # A first import fills the process caches (content types); the comparison starts after it.
    queries_to_import(attendance_workbook(10), staff_user)
    small = queries_to_import(attendance_workbook(20), staff_user)
    Participation.objects.all().delete()
    large = queries_to_import(attendance_workbook(60), staff_user)
    assert small == large
    assert Participation.objects.filter(attendance="present").count() == 60


def test_imported_presence_gives_verified_duty_records_with_their_timeline(staff_user):
    year = timezone.localdate(timezone.now() - dt.timedelta(days=2)).year
    ScoringRule.objects.create(year=year, event_kind="meeting", role="participant", points=5)
    queries_to_import(attendance_workbook(20), staff_user)
    records = DutyRecord.objects.filter(status="verified", event_kind="meeting")
    assert records.count() == 20
    assert DutyRecordEvent.objects.filter(record__in=records, to_state="verified").count() == 20
    assert set(records.values_list("points", flat=True)) == {5}


def test_a_workbook_correcting_presence_to_leave_withdraws_the_duty_record(staff_user):
    meeting = past_activity("常委会")
    MemberFactory(member_number="B1")
    first = xlsx([[meeting.pk, "", "B1", "", "出席", ""]], headers=ATTENDANCE_HEADERS)
    queries_to_import(first, staff_user)
    assert DutyRecord.objects.count() == 1
    second = xlsx([[meeting.pk, "", "B1", "", "请假", "出差"]], headers=ATTENDANCE_HEADERS)
    queries_to_import(second, staff_user)
    participation = Participation.objects.get()
    assert (participation.attendance, participation.leave_reason) == ("leave", "出差")
    assert not DutyRecord.objects.exists()


def test_an_activity_not_yet_started_is_a_row_error_and_nothing_is_kept(staff_user):
    held = past_activity("已开会议")
    tomorrow = timezone.now() + dt.timedelta(days=1)
    coming = ActivityFactory(title="明日会议", starts_at=tomorrow, ends_at=tomorrow + dt.timedelta(hours=1))
    MemberFactory(member_number="C1")
    dataset = xlsx(
        [[held.pk, "", "C1", "", "出席", ""], [coming.pk, "", "C1", "", "出席", ""]],
        headers=ATTENDANCE_HEADERS,
    )
    result = import_with_rules(AttendanceResource(), dataset, actor=staff_user, dry_run=False)
    assert [(e["row"], e["field"]) for e in row_errors(result)] == [(2, "activity")]
    assert not Participation.objects.exists() and not DutyRecord.objects.exists()


def test_a_member_without_office_rights_cannot_import_attendance(member_user):
    meeting = past_activity("界别活动")
    MemberFactory(member_number="D1")
    dataset = xlsx([[meeting.pk, "", "D1", "", "出席", ""]], headers=ATTENDANCE_HEADERS)
    result = import_with_rules(AttendanceResource(), dataset, actor=member_user, dry_run=False)
    assert [(e["row"], e["field"]) for e in row_errors(result)] == [(1, "activity")]
    assert not Participation.objects.exists()


@pytest.mark.parametrize("n", [3, 9])
def test_the_attendance_changelist_does_not_grow_and_filters_by_date(
    client, staff_user, django_assert_max_num_queries, n
):
    for _ in range(n):
        activity = past_activity("月度例会")
        for member in MemberFactory.create_batch(3):
            ParticipationFactory(activity=activity, member=member)
    client.force_login(staff_user)
    url = reverse("admin:members_participation_changelist")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count == 3 * n
    assert "activity__starts_at" in [spec.field_path for spec in changelist.filter_specs]
    week_ago = (timezone.now() - dt.timedelta(days=7)).strftime("%Y-%m-%d")
    later = (timezone.now() + dt.timedelta(days=7)).strftime("%Y-%m-%d")
    recent = client.get(url, {"activity__starts_at__gte": week_ago, "activity__starts_at__lt": later})
    assert recent.context["cl"].result_count == 3 * n
    none_yet = client.get(url, {"activity__starts_at__gte": later})
    assert none_yet.context["cl"].result_count == 0


def test_a_member_on_the_waiting_list_cannot_check_in():
    now = timezone.now()
    training = TrainingFactory(
        capacity=1,
        check_in_code="W8",
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=1),
    )
    seated = MemberFactory(user=UserFactory(role="member"))
    waiting = MemberFactory(user=UserFactory(role="member"))
    Participation.objects.create(activity=training, member=seated, enrolment="enrolled")
    Participation.objects.create(
        activity=training, member=waiting, enrolment="waitlisted", waitlist_position=1
    )
    with pytest.raises(PermissionDeniedError):
        services.check_in(activity=training, actor=waiting.user, code="W8")
    assert Participation.objects.get(member=waiting).attendance == "unrecorded"
    assert services.check_in(activity=training, actor=seated.user, code="W8").attendance == "present"


def test_the_seat_notice_is_written_in_the_recipients_language_not_the_actors():
    training = TrainingFactory(capacity=1, title="履职培训班")
    first = MemberFactory(user=UserFactory(role="member"))
    second = MemberFactory(user=UserFactory(role="member"))
    services.enrol(activity=training, actor=first.user)
    services.enrol(activity=training, actor=second.user)
    with translation.override("en"):
        services.enrolment_cancel(activity=training, actor=first.user)
    notice = Notification.objects.get(recipient=second.user, kind="members.enrolment.promoted")
    assert notice.title == "您已递补进入「履职培训班」"
