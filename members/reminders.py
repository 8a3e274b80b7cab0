"""Reminder rules of the members app: activities and trainings, attendance, yearly minimums, duty reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.notifications import rules
from cppcc_portal.core.notifications.kinds import register_kind
from cppcc_portal.core.notifications.services import cancel_pending
from members import selectors
from members.choices import (
    ENROLMENT_KINDS,
    ActivityStatus,
    Attendance,
    EnrolmentState,
    InvitationState,
    MemberStatus,
)
from members.models import Activity, Member, Participation
from members.signals import activity_cancelled, activity_rescheduled

# Kinds the members services send directly; registered here so people can choose them for e-mail.
register_kind("members.enrolment.promoted", _("A seat in a training became free for you"))
register_kind("members.activity.invited", _("Invitation to an activity"))

ACTIVITY_KIND = "members.activity_reminder"
ATTENDANCE_KIND = "members.attendance_missing"
MINIMUMS_KIND = "members.below_minimums"
DUTY_REPORT_KIND = "members.duty_report_due"
# How far ahead activity reminders are written (the largest sensible first reminder).
ACTIVITY_HORIZON = dt.timedelta(days=31)
DUTY_REPORT_DAYS_BEFORE = (14, 3)


def _local(moment: dt.datetime):
    return timezone.localtime(moment)


def _when(activity: Activity):
    return lambda: date_format(_local(activity.starts_at), "DATETIME_FORMAT")


def participants_to_remind(activity: Activity) -> Iterable[Participation]:
    """Trainings remind the enrolled; other activities the invited who have not declined or asked leave."""
    rows = Participation.objects.filter(
        activity=activity, member__user__isnull=False, member__status=MemberStatus.IN_OFFICE
    ).select_related("member__user__preference")
    if activity.kind in ENROLMENT_KINDS:
        return rows.filter(enrolment=EnrolmentState.ENROLLED)
    return rows.filter(invitation__in=[InvitationState.INVITED, InvitationState.ACCEPTED])


@rules.register
class ActivityReminders(rules.Rule):
    """Members are reminded N hours before an activity (first and second reminder per activity)."""

    name = "members.activity_reminders"
    label = _("Activity and training reminders to participants")
    kinds = {ACTIVITY_KIND: _("Reminder of an activity or training")}
    schedule = rules.Schedule(minute="5", hour="*")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        activities = Activity.objects.filter(
            status=ActivityStatus.PLANNED, starts_at__gt=now, starts_at__lte=now + ACTIVITY_HORIZON
        )
        for activity in activities:
            yield from self.plan_for(activity, now)

    def plan_for(self, activity: Activity, now: dt.datetime) -> Iterator[rules.Reminder]:
        if activity.status != ActivityStatus.PLANNED:
            return
        offsets = [activity.reminder_first_hours, activity.reminder_second_hours]
        due_offsets = list(rules.latest_due_offsets(activity.starts_at, offsets, now, dt.timedelta(hours=1)))
        if not due_offsets:
            return
        link = rules.link_to("members:activity_detail", activity.pk, fallback="/portal/")
        stamp = activity.starts_at.strftime("%Y%m%dT%H%M")

        def title():
            return str(_("Reminder: %(title)s on %(when)s")) % {
                "title": activity.title,
                "when": _when(activity)(),
            }

        def body():
            text = str(
                _("%(title)s begins at %(when)s, %(place)s.")
                % {"title": activity.title, "when": _when(activity)(), "place": activity.place or "—"}
            )
            return f"{text}\n{activity.reminder_message}".strip()

        for participation in participants_to_remind(activity):
            user = participation.member.user
            for offset in due_offsets:
                yield rules.Reminder(
                    recipient=user,
                    kind=ACTIVITY_KIND,
                    dedupe_key=f"{ACTIVITY_KIND}:{activity.pk}:{user.pk}:{offset}h:{stamp}",
                    title=title,
                    body=body,
                    link=link,
                    about=activity,
                    due_at=max(activity.starts_at - dt.timedelta(hours=offset), now),
                )


def _organisers(activity: Activity) -> list:
    """Who records attendance (谁组织谁记录): the creator, else the office staff."""
    if activity.created_by_id:
        return [activity.created_by]
    return rules.office_staff()


@rules.register
class AttendanceNotRecorded(rules.Rule):
    """Organisers are reminded the day after an activity whose attendance is not recorded yet."""

    name = "members.attendance_not_recorded"
    label = _("Attendance not recorded, to organisers")
    kinds = {ATTENDANCE_KIND: _("Attendance of an activity still to record")}
    schedule = rules.Schedule(minute="0", hour="9")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        today = _local(now).date()
        # Activities that ended in the past week (not today): one reminder each, on the day after.
        activities = (
            Activity.objects.filter(
                status__in=[ActivityStatus.PLANNED, ActivityStatus.HELD],
                ends_at__gte=rules.local_morning(today - dt.timedelta(days=7), 0),
                ends_at__lt=rules.local_morning(today, 0),
                participations__attendance=Attendance.UNRECORDED,
            )
            .select_related("created_by")
            .distinct()
        )
        for activity in activities:
            link = rules.link_to("members:activity_attendance", activity.pk, fallback="/portal/")
            for user in _organisers(activity):
                yield rules.Reminder(
                    recipient=user,
                    kind=ATTENDANCE_KIND,
                    dedupe_key=f"{ATTENDANCE_KIND}:{activity.pk}:{user.pk}:{activity.ends_at:%Y%m%d}",
                    title=format_lazy(_("Please record attendance of {title}"), title=activity.title),
                    body=lambda activity=activity: (
                        str(_("%(title)s took place on %(when)s; its attendance has not been recorded yet."))
                        % {"title": activity.title, "when": _when(activity)()}
                    ),
                    link=link,
                    about=activity,
                    due_at=now,
                )


@rules.register
class BelowYearlyMinimums(rules.Rule):
    """Each quarter, members below the year's minimums are told what they still lack."""

    name = "members.below_minimums"
    label = _("Quarterly reminder to members below the yearly minimums")
    kinds = {MINIMUMS_KIND: _("Below the yearly minimums")}
    schedule = rules.Schedule(minute="0", hour="9", day_of_month="1", month_of_year="1,4,7,10")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        local = _local(now)
        quarter = (local.month - 1) // 3 + 1
        # In the first quarter nobody can be behind yet; the January run is about last year's end.
        if quarter == 1:
            return
        year = local.year
        link = rules.link_to("members:portal_home", fallback="/portal/")
        for row in selectors.members_below_minimums(year=year):
            member: Member = row["member"]
            if member.user_id is None:
                continue
            short = row["short"]

            def body(short=short):
                return "\n".join(
                    str(_("%(label)s: %(count)s of at least %(minimum)s"))
                    % {"label": item["label"], "count": item["count"], "minimum": item["minimum"]}
                    for item in short
                )

            yield rules.Reminder(
                recipient=member.user,
                kind=MINIMUMS_KIND,
                dedupe_key=f"{MINIMUMS_KIND}:{member.user_id}:{year}Q{quarter}",
                title=format_lazy(_("Your duty record for {year} is below the minimums"), year=year),
                body=body,
                link=link,
                about=member,
                due_at=now,
            )


def duty_report_deadline(year: int) -> dt.date:
    month, day = (int(part) for part in settings.DUTY_REPORT_DEADLINE.split("-"))
    return dt.date(year, month, day)


@rules.register
class DutyReportDeadline(rules.Rule):
    """Members are reminded 14 and 3 days before the yearly duty-report deadline."""

    name = "members.duty_report_deadline"
    label = _("Yearly duty report deadline, to members")
    kinds = {DUTY_REPORT_KIND: _("Yearly duty report due")}
    schedule = rules.Schedule(minute="0", hour="9")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        today = _local(now).date()
        deadline = duty_report_deadline(today.year)
        days_left = (deadline - today).days
        offsets = [days for days in DUTY_REPORT_DAYS_BEFORE if days >= days_left >= 0]
        if not offsets:
            return
        offset = min(offsets)
        members = Member.objects.filter(status=MemberStatus.IN_OFFICE, user__isnull=False).select_related(
            "user__preference"
        )
        for member in members:
            yield rules.Reminder(
                recipient=member.user,
                kind=DUTY_REPORT_KIND,
                dedupe_key=f"{DUTY_REPORT_KIND}:{member.user_id}:{deadline:%Y%m%d}:{offset}d",
                title=lambda: (
                    str(_("Your yearly duty report is due on %(date)s"))
                    % {"date": date_format(deadline, "DATE_FORMAT")}
                ),
                body=_(
                    "Please hand in your yearly duty report (述职报告) to the office before the deadline."
                ),
                link=rules.link_to("members:portal_home", fallback="/portal/"),
                about=member,
                due_at=now,
            )


@receiver(activity_rescheduled, dispatch_uid="members.reminders.rescheduled")
def _activity_moved(sender, activity: Activity, **kwargs) -> None:
    """A new start time: pending reminders for the old time go, reminders for the new one come."""
    with transaction.atomic():
        rules.replan(ActivityReminders.name, activity, kind_prefix=ACTIVITY_KIND)


@receiver(activity_cancelled, dispatch_uid="members.reminders.cancelled")
def _activity_cancelled(sender, activity: Activity, **kwargs) -> None:
    """A cancelled activity reminds nobody any more."""
    cancel_pending(about=activity, kind_prefix=ACTIVITY_KIND, release_keys=True)
