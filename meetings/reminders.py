"""Reminder rules of the meetings app: the registration and speech deadlines of called meetings.

The reminder the day before each session is the members app's activity reminder (a session owns
an activity, 24 hours before its start); the meeting notice and the document pack are sent by the
services when they happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.notifications import rules
from cppcc_portal.core.notifications.kinds import register_kind
from meetings.choices import MeetingStatus
from meetings.models import Meeting, Speech
from members.choices import InvitationState, MemberStatus
from members.models import Member, Participation

register_kind("meetings.notice", _("Meeting notice"))
register_kind("meetings.documents", _("Meeting documents published"))

REGISTRATION_KIND = "meetings.registration_deadline"
SPEECH_KIND = "meetings.speech_deadline"
# Reminders go out this long before a deadline (and at once when it is nearer already).
BEFORE_DEADLINE = dt.timedelta(days=2)
HORIZON = dt.timedelta(days=31)


def _called(meeting: Meeting):
    return Member.objects.filter(
        status=MemberStatus.IN_OFFICE,
        user__isnull=False,
        pk__in=Participation.objects.filter(activity__meeting_session__meeting=meeting).values("member_id"),
    ).select_related("user")


def _deadline_text(moment: dt.datetime):
    return lambda: date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@rules.register
class MeetingDeadlines(rules.Rule):
    """Called members who have not answered are reminded of the registration deadline; all called
    members who have not handed in a speech, of the speech deadline."""

    name = "meetings.deadlines"
    label = _("Registration and speech deadlines of meetings, to the called members")
    kinds = {
        REGISTRATION_KIND: _("Registration deadline of a meeting"),
        SPEECH_KIND: _("Speech deadline of a meeting"),
    }
    schedule = rules.Schedule(minute="15", hour="8")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        meetings = Meeting.objects.filter(status=MeetingStatus.CALLED)
        for meeting in meetings:
            yield from self._registration(meeting, now)
            yield from self._speeches(meeting, now)

    def _registration(self, meeting: Meeting, now: dt.datetime) -> Iterator[rules.Reminder]:
        deadline = meeting.registration_deadline
        if deadline is None or not (now < deadline <= now + HORIZON):
            return
        unanswered = Participation.objects.filter(
            activity__meeting_session__meeting=meeting,
            member=OuterRef("pk"),
            invitation=InvitationState.INVITED,
        )
        for member in _called(meeting).filter(Exists(unanswered)):
            yield rules.Reminder(
                recipient=member.user,
                kind=REGISTRATION_KIND,
                dedupe_key=f"{REGISTRATION_KIND}:{meeting.pk}:{member.user_id}:{deadline:%Y%m%dT%H%M}",
                title=lambda m=meeting: str(_("Register for %(title)s")) % {"title": m.title},
                body=lambda d=deadline: (
                    str(_("Confirm or ask for leave by %(when)s.")) % {"when": _deadline_text(d)()}
                ),
                link=rules.link_to("meetings_portal:agenda", fallback="/portal/"),
                about=meeting,
                due_at=max(deadline - BEFORE_DEADLINE, now),
            )

    def _speeches(self, meeting: Meeting, now: dt.datetime) -> Iterator[rules.Reminder]:
        deadline = meeting.speech_deadline
        if deadline is None or not (now < deadline <= now + HORIZON):
            return
        submitted = Speech.objects.filter(meeting=meeting, member=OuterRef("pk"))
        for member in _called(meeting).exclude(Exists(submitted)):
            yield rules.Reminder(
                recipient=member.user,
                kind=SPEECH_KIND,
                dedupe_key=f"{SPEECH_KIND}:{meeting.pk}:{member.user_id}:{deadline:%Y%m%dT%H%M}",
                title=lambda m=meeting: str(_("Speeches for %(title)s")) % {"title": m.title},
                body=lambda d=deadline: (
                    str(_("Written speeches are due by %(when)s.")) % {"when": _deadline_text(d)()}
                ),
                link=rules.link_to("meetings_portal:speeches", meeting.pk, fallback="/portal/"),
                about=meeting,
                due_at=max(deadline - BEFORE_DEADLINE, now),
            )
