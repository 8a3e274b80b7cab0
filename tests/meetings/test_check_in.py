import datetime as dt

import pytest
import time_machine

from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from meetings import checkin, services
from meetings.selectors import session_live
from members.choices import Attendance, DutyEventKind, DutyRecordStatus
from members.models import DutyRecord, Participation
from members.services import scoring_rules_ensure_defaults
from tests.meetings.conftest import member_with_login, set_rule


def code(session, window=None):
    window = checkin.current_window() if window is None else window
    return window, checkin.signature(session.pk, window)


def test_calling_the_meeting_invites_every_standing_committee_member_to_each_session(sc_session, standing):
    called = set(
        Participation.objects.filter(activity=sc_session.activity).values_list("member_id", flat=True)
    )
    assert called == {m.pk for m in standing}


def test_a_member_checks_in_with_the_current_code_and_it_becomes_a_verified_duty_record(
    open_session, member_user, member
):
    scoring_rules_ensure_defaults(open_session.date.year)
    window, sig = code(open_session)
    participation = services.check_in_by_code(
        session=open_session, actor=member_user, window=window, signature=sig
    )
    assert participation.attendance == Attendance.PRESENT
    assert participation.checked_in_at is not None
    record = DutyRecord.objects.get(member=member)
    assert record.event_kind == DutyEventKind.MEETING
    assert record.status == DutyRecordStatus.VERIFIED
    assert record.points == 5


def test_the_code_of_the_previous_window_is_still_good_but_not_an_older_one(
    open_session, member_user, member
):
    window = checkin.current_window() - 1
    services.check_in_by_code(
        session=open_session,
        actor=member_user,
        window=window,
        signature=checkin.signature(open_session.pk, window),
    )
    assert Participation.objects.get(activity=open_session.activity, member=member).attendance == "present"


@pytest.mark.parametrize(
    "shift, forge",
    [(-2, False), (1, False), (0, True)],
    ids=["expired", "from-the-future", "forged"],
)
def test_an_expired_or_forged_code_is_refused_and_records_nothing(
    open_session, member_user, member, shift, forge
):
    window = checkin.current_window() + shift
    sig = "0" * 20 if forge else checkin.signature(open_session.pk, window)
    with pytest.raises(DomainError) as exc:
        services.check_in_by_code(session=open_session, actor=member_user, window=window, signature=sig)
    assert exc.value.code == "bad_code"
    assert Participation.objects.get(activity=open_session.activity, member=member).attendance == "unrecorded"
    assert not DutyRecord.objects.filter(member=member).exists()


def test_a_code_of_another_session_is_refused(open_session, member_user, sc_meeting, staff_user):
    window = checkin.current_window()
    with pytest.raises(DomainError):
        services.check_in_by_code(
            session=open_session,
            actor=member_user,
            window=window,
            signature=checkin.signature(open_session.pk + 1, window),
        )


def test_checking_in_twice_is_refused_and_keeps_one_record(open_session, member_user, member):
    window, sig = code(open_session)
    services.check_in_by_code(session=open_session, actor=member_user, window=window, signature=sig)
    first = Participation.objects.get(activity=open_session.activity, member=member).checked_in_at
    with pytest.raises(DomainError) as exc:
        services.check_in_by_code(session=open_session, actor=member_user, window=window, signature=sig)
    assert exc.value.code == "already_checked_in"
    assert Participation.objects.get(activity=open_session.activity, member=member).checked_in_at == first
    assert DutyRecord.objects.filter(member=member).count() == 1


def test_a_member_not_called_cannot_check_in(open_session, other_member_user, other_member):
    window, sig = code(open_session)
    with pytest.raises(PermissionDeniedError):
        services.check_in_by_code(session=open_session, actor=other_member_user, window=window, signature=sig)
    assert not Participation.objects.filter(activity=open_session.activity, member=other_member).exists()


def test_check_in_before_the_session_opens_or_after_it_closed_is_refused(
    sc_session, member_user, staff_user, member
):
    window, sig = code(sc_session)
    with pytest.raises(DomainError) as exc:
        services.check_in_by_code(session=sc_session, actor=member_user, window=window, signature=sig)
    assert exc.value.code == "check_in_not_open"
    services.session_open(session=sc_session, actor=staff_user)
    services.session_close(session=sc_session, actor=staff_user)
    with pytest.raises(DomainError) as exc:
        services.check_in_by_code(session=sc_session, actor=member_user, window=window, signature=sig)
    assert exc.value.code == "session_closed"
    assert Participation.objects.get(activity=sc_session.activity, member=member).attendance == "absent"


def test_staff_check_in_at_the_desk_and_a_member_cannot_use_the_desk(
    open_session, staff_user, member_user, standing
):
    services.check_in_at_desk(session=open_session, member=standing[1], actor=staff_user)
    with pytest.raises(PermissionDeniedError):
        services.check_in_at_desk(session=open_session, member=standing[2], actor=member_user)
    live = session_live(open_session)
    assert live.present == 1
    assert {p.member_id for p in live.absent} == {m.pk for m in standing if m != standing[1]}


def test_quorum_of_a_standing_committee_meeting_needs_more_than_half_of_all_its_members(
    open_session, staff_user, standing
):
    # Five standing-committee members: two present is not a quorum, three is.
    for m in standing[:2]:
        services.check_in_at_desk(session=open_session, member=m, actor=staff_user)
    live = session_live(open_session)
    assert (live.body_size, live.quorum_needed, live.quorum_met) == (5, 3, False)
    services.check_in_at_desk(session=open_session, member=standing[2], actor=staff_user)
    assert session_live(open_session).quorum_met


def test_an_attendee_who_is_not_on_the_body_does_not_count_for_the_quorum(sc_meeting, staff_user, standing):
    guest = member_with_login("guest", name="列席")
    services.meeting_call(meeting=sc_meeting, actor=staff_user, attendees=[guest])
    session = services.session_open(session=sc_meeting.sessions.get(), actor=staff_user)
    services.check_in_at_desk(session=session, member=guest, actor=staff_user)
    for m in standing[:2]:
        services.check_in_at_desk(session=session, member=m, actor=staff_user)
    live = session_live(session)
    assert (live.present, live.body_present, live.quorum_met) == (3, 2, False)


def test_the_quorum_rule_is_data(open_session, staff_user, standing):

    set_rule(quorum_numerator=2, quorum_denominator=3, quorum_strict=False)
    # At least two thirds of five: four.
    assert session_live(open_session).quorum_needed == 4


def test_closing_the_session_marks_those_who_neither_came_nor_had_leave_absent(
    sc_session, staff_user, standing, member_user
):
    with time_machine.travel(sc_session.activity.starts_at - dt.timedelta(hours=1)):
        services.session_request_leave(session=sc_session, actor=standing[1].user, reason="出差")
    leave = Participation.objects.get(activity=sc_session.activity, member=standing[1])
    services.leave_decide(participation=leave, actor=staff_user, approve=True)
    services.session_open(session=sc_session, actor=staff_user)
    services.check_in_at_desk(session=sc_session, member=standing[0], actor=staff_user)
    services.session_close(session=sc_session, actor=staff_user)
    marks = dict(
        Participation.objects.filter(activity=sc_session.activity).values_list("member_id", "attendance")
    )
    assert marks[standing[0].pk] == "present"
    assert marks[standing[1].pk] == "leave"
    assert {marks[m.pk] for m in standing[2:]} == {"absent"}
    sc_session.activity.refresh_from_db()
    assert sc_session.activity.status == "held"


def test_a_plenary_half_day_counts_as_a_plenary_half_day_in_the_score(staff_user, member, member_user):
    from django.utils import timezone

    from meetings.choices import Body, MeetingKind
    from meetings.models import Meeting

    scoring_rules_ensure_defaults(timezone.localdate().year)
    plenary = services.meeting_save(
        meeting=Meeting(title="政协第十四届一次会议", kind=MeetingKind.PLENARY, body=Body.ALL_MEMBERS),
        actor=staff_user,
    )
    session = services.session_add(
        meeting=plenary, date=timezone.localdate(), half_day="afternoon", place="会堂", actor=staff_user
    )
    services.meeting_call(meeting=plenary, actor=staff_user)
    services.session_open(session=session, actor=staff_user)
    window, sig = code(session)
    services.check_in_by_code(session=session, actor=member_user, window=window, signature=sig)
    record = DutyRecord.objects.get(member=member)
    assert (record.event_kind, record.quantity, record.points) == ("plenary", 1, 5)


def test_leave_is_decided_only_by_the_office(sc_session, member_user, other_member_user, standing):
    with time_machine.travel(sc_session.activity.starts_at - dt.timedelta(hours=1)):
        services.session_request_leave(session=sc_session, actor=standing[1].user, reason="病假")
    leave = Participation.objects.get(activity=sc_session.activity, member=standing[1])
    with pytest.raises(PermissionDeniedError):
        services.leave_decide(participation=leave, actor=member_user, approve=True)
    leave.refresh_from_db()
    assert leave.attendance == "unrecorded"
