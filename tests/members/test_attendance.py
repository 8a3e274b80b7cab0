"""Invitations, leave requests, check-in, attendance and its corrections (谁组织谁记录)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core.audit import history_for
from cppcc_portal.core.errors import DomainError
from members import services
from members.models import CommitteeMembership, DutyRecord, Participation
from tests.factories import ActivityFactory, MemberFactory, SectorFactory
from tests.members.factories import ParticipationFactory


@pytest.fixture
def seminar(db):
    start = timezone.now() + dt.timedelta(days=2)
    return ActivityFactory(
        title="界别协商会", check_in_code="K7Q2", starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )


def test_inviting_a_committee_and_a_sector_creates_one_row_per_member(staff_user, committee, seminar):
    economy = SectorFactory(name="经济界")
    in_both = MemberFactory(sector=economy)
    CommitteeMembership.objects.create(committee=committee, member=in_both)
    committee_only = MemberFactory()
    CommitteeMembership.objects.create(committee=committee, member=committee_only)
    MemberFactory(sector=economy, status="left")
    services.activity_invite(activity=seminar, committees=[committee], sectors=[economy], actor=staff_user)
    services.activity_invite(activity=seminar, committees=[committee], actor=staff_user)
    assert set(Participation.objects.values_list("member_id", flat=True)) == {in_both.pk, committee_only.pk}


def test_an_invited_member_asks_for_leave_with_a_reason(client, member, seminar):
    ParticipationFactory(activity=seminar, member=member)
    client.force_login(member.user)
    client.post(reverse("members:activity_leave", args=[seminar.pk]), {"reason": ""})
    assert Participation.objects.get().invitation == "invited"
    client.post(reverse("members:activity_leave", args=[seminar.pk]), {"reason": "出差在外"})
    participation = Participation.objects.get()
    assert (participation.invitation, participation.leave_reason) == ("leave_requested", "出差在外")


def test_an_invited_member_accepts_from_the_portal_home(client, member, seminar):
    ParticipationFactory(activity=seminar, member=member)
    client.force_login(member.user)
    assert "界别协商会" in client.get(reverse("members:portal_home")).content.decode()
    client.post(reverse("members:activity_accept", args=[seminar.pk]), {"next": "home"})
    assert Participation.objects.get().invitation == "accepted"


def test_a_member_who_is_not_invited_cannot_open_the_activity(client, member, seminar):
    client.force_login(member.user)
    assert client.get(reverse("members:activity_detail", args=[seminar.pk])).status_code == 404


def test_checking_in_with_the_code_during_the_activity_makes_the_member_present(client, member, seminar):
    ParticipationFactory(activity=seminar, member=member)
    client.force_login(member.user)
    with time_machine.travel(seminar.starts_at + dt.timedelta(minutes=10)):
        client.post(reverse("members:activity_check_in", args=[seminar.pk]), {"code": "wrong"})
        assert Participation.objects.get().attendance == "unrecorded"
        client.post(reverse("members:activity_check_in", args=[seminar.pk]), {"code": "k7q2"})
    participation = Participation.objects.get()
    assert participation.attendance == "present" and participation.checked_in_at is not None
    assert DutyRecord.objects.get(member=member).event_kind == "meeting"


def test_after_checking_in_a_member_can_no_longer_ask_for_leave(client, member, seminar):
    ParticipationFactory(activity=seminar, member=member)
    client.force_login(member.user)
    detail = reverse("members:activity_detail", args=[seminar.pk])
    with time_machine.travel(seminar.starts_at + dt.timedelta(minutes=10)):
        client.post(reverse("members:activity_check_in", args=[seminar.pk]), {"code": "K7Q2"})
        page = client.get(detail).content.decode()
        response = client.post(
            reverse("members:activity_leave", args=[seminar.pk]), {"reason": "临时有事"}, follow=True
        )
    assert f'action="{reverse("members:activity_leave", args=[seminar.pk])}"' not in page
    assert "您现在不能请假：您已签到。" in response.content.decode()
    participation = Participation.objects.get()
    assert (participation.invitation, participation.leave_reason, participation.attendance) == (
        "accepted",
        "",
        "present",
    )
    assert DutyRecord.objects.filter(member=member).count() == 1


def test_a_member_on_leave_who_checks_in_is_present_and_no_longer_on_leave(member, seminar):
    ParticipationFactory(activity=seminar, member=member)
    services.participation_request_leave(
        participation=Participation.objects.get(), actor=member.user, reason="出差在外"
    )
    with time_machine.travel(seminar.starts_at + dt.timedelta(minutes=10)):
        services.check_in(activity=seminar, actor=member.user, code="K7Q2")
    participation = Participation.objects.get()
    assert (participation.invitation, participation.leave_reason, participation.attendance) == (
        "accepted",
        "",
        "present",
    )


def test_staff_correct_a_checked_in_member_to_leave_and_the_correction_is_audited(
    staff_user, member, seminar
):
    ParticipationFactory(activity=seminar, member=member)
    with time_machine.travel(seminar.starts_at + dt.timedelta(minutes=10)):
        services.check_in(activity=seminar, actor=member.user, code="K7Q2")
        services.attendance_record(
            activity=seminar, actor=staff_user, marks={member.pk: "leave"}, reasons={member.pk: "会前离场"}
        )
    participation = Participation.objects.get()
    assert (participation.attendance, participation.checked_in_at) == ("leave", None)
    assert not DutyRecord.objects.exists()
    correction = next(e for e in history_for(participation) if e.action == "members.attendance.corrected")
    assert correction.actor == staff_user
    assert correction.changes["attendance"] == ["present", "leave"]
    assert correction.changes["checked_in_at"][1] is None


def test_checking_in_outside_the_activity_is_refused(member, seminar):
    ParticipationFactory(activity=seminar, member=member)
    with time_machine.travel(seminar.ends_at + dt.timedelta(minutes=1)):
        with pytest.raises(DomainError) as refused:
            services.check_in(activity=seminar, actor=member.user, code="K7Q2")
    assert refused.value.code == "check_in_closed"
    assert Participation.objects.get().attendance == "unrecorded"


def test_a_plenary_counts_its_half_days(staff_user, member):
    start = timezone.now() - dt.timedelta(days=1)
    plenary = ActivityFactory(
        kind="plenary", half_days=3, starts_at=start, ends_at=start + dt.timedelta(hours=4)
    )
    services.attendance_record(activity=plenary, actor=staff_user, marks={member.pk: "present"})
    record = DutyRecord.objects.get()
    assert (record.event_kind, record.quantity, record.status) == ("plenary", 3, "verified")


def test_a_correction_is_audited_and_withdraws_the_duty_record(staff_user, member):
    start = timezone.now() - dt.timedelta(days=1)
    meeting = ActivityFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    services.attendance_record(activity=meeting, actor=staff_user, marks={member.pk: "present"})
    services.attendance_record(activity=meeting, actor=staff_user, marks={member.pk: "absent"})
    assert not DutyRecord.objects.exists()
    participation = Participation.objects.get()
    corrections = [e for e in history_for(participation) if e.action == "members.attendance.corrected"]
    assert corrections[0].changes == {"attendance": ["present", "absent"]}


def test_attendance_cannot_be_recorded_before_the_activity(staff_user, member, seminar):
    ParticipationFactory(activity=seminar, member=member)
    with pytest.raises(DomainError):
        services.attendance_record(activity=seminar, actor=staff_user, marks={member.pk: "present"})
    assert not DutyRecord.objects.exists()


def test_rescheduling_and_cancelling_send_the_signals_on_commit(
    staff_user, seminar, django_capture_on_commit_callbacks
):
    from members.signals import activity_cancelled, activity_rescheduled

    heard = []
    activity_rescheduled.connect(
        lambda **kw: heard.append(("moved", kw["old_starts_at"])), weak=False, dispatch_uid="t1"
    )
    activity_cancelled.connect(
        lambda **kw: heard.append(("cancelled", kw["activity"].pk)), weak=False, dispatch_uid="t2"
    )
    try:
        old = seminar.starts_at
        with django_capture_on_commit_callbacks(execute=True):
            seminar.starts_at = old + dt.timedelta(hours=1)
            seminar.ends_at = seminar.ends_at + dt.timedelta(hours=1)
            services.activity_save(activity=seminar, actor=staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            services.activity_cancel(activity=seminar, actor=staff_user)
    finally:
        activity_rescheduled.disconnect(dispatch_uid="t1")
        activity_cancelled.disconnect(dispatch_uid="t2")
    assert heard == [("moved", old), ("cancelled", seminar.pk)]


def test_the_organiser_writes_the_outcome_report_with_a_file_and_others_cannot(
    client, staff_user, member, seminar
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member.user)
    url = reverse("members:activity_outcome", args=[seminar.pk])
    assert client.post(url, {"report": "别人写的"}).status_code == 403
    client.force_login(staff_user)
    pdf = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(url, {"report": "协商会形成建议十条。", "files": [pdf]}).status_code == 302
    seminar.refresh_from_db()
    assert (seminar.outcome_report, seminar.status) == ("协商会形成建议十条。", "held")
    assert list(seminar.attachments.values_list("original_name", flat=True)) == ["纪要.pdf"]


def test_the_portal_speaks_chinese(client, member):
    client.force_login(member.user)
    page = client.get(reverse("members:portal_home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的近期活动和邀请" in page


def test_only_a_body_leader_finds_the_way_to_record_attendance_from_the_portal_home(
    client, member, other_member, committee
):
    CommitteeMembership.objects.create(committee=committee, member=member, role="director")
    prompt = "为您负责的机构所组织的活动记录出席情况和成果"

    client.force_login(member.user)
    assert prompt in client.get(reverse("members:portal_home")).content.decode()
    client.force_login(other_member.user)
    assert prompt not in client.get(reverse("members:portal_home")).content.decode()
