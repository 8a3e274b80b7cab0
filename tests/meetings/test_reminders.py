import datetime as dt

from django.utils import timezone

from cppcc_portal.core.models import Notification
from cppcc_portal.core.notifications import rules
from meetings import services
from meetings.models import Meeting
from meetings.reminders import REGISTRATION_KIND, SPEECH_KIND
from members.reminders import ACTIVITY_KIND


def test_members_who_have_not_answered_are_reminded_of_the_registration_deadline(next_week_meeting, standing):
    deadline = timezone.now() + dt.timedelta(days=1)
    Meeting.objects.filter(pk=next_week_meeting.pk).update(registration_deadline=deadline)
    services.session_register(session=next_week_meeting.sessions.get(), actor=standing[0].user)
    rules.run_rule("meetings.deadlines")
    reminded = set(Notification.objects.filter(kind=REGISTRATION_KIND).values_list("recipient_id", flat=True))
    assert reminded == {m.user_id for m in standing[1:]}
    assert rules.run_rule("meetings.deadlines") == 0  # a second run writes nothing twice


def test_members_without_a_speech_are_reminded_of_the_speech_deadline(sc_meeting, standing):
    Meeting.objects.filter(pk=sc_meeting.pk).update(speech_deadline=timezone.now() + dt.timedelta(days=5))
    sc_meeting.refresh_from_db()
    services.speech_submit(meeting=sc_meeting, actor=standing[0].user, title="发言", text="内容")
    rules.run_rule("meetings.deadlines")
    rows = Notification.objects.filter(kind=SPEECH_KIND)
    assert set(rows.values_list("recipient_id", flat=True)) == {m.user_id for m in standing[1:]}
    assert all(r.due_at > timezone.now() for r in rows)


def test_the_day_before_each_session_the_called_are_reminded_by_the_activity_rule(staff_user, standing):
    from meetings.choices import Body, MeetingKind

    meeting = services.meeting_save(
        meeting=Meeting(
            title="常委会第二次会议", kind=MeetingKind.STANDING_COMMITTEE, body=Body.STANDING_COMMITTEE
        ),
        actor=staff_user,
    )
    session = services.session_add(
        meeting=meeting,
        date=timezone.localdate() + dt.timedelta(days=1),
        half_day="afternoon",
        place="会议室",
        actor=staff_user,
    )
    services.meeting_call(meeting=meeting, actor=staff_user)
    rules.run_rule("members.activity_reminders")
    rows = Notification.objects.filter(kind=ACTIVITY_KIND, object_id=str(session.activity_id))
    assert set(rows.values_list("recipient_id", flat=True)) == {m.user_id for m in standing}
