"""Attendance: recording, check-in, leave decisions, taking a member off an activity; the duty records they make."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError, NotFoundError, PermissionDeniedError
from members import selectors
from members.choices import (
    ENROLMENT_KINDS,
    ActivityKind,
    ActivityStatus,
    Attendance,
    DutyEventKind,
    DutyRole,
    EnrolmentState,
    InvitationState,
)
from members.models import (
    Activity,
    Member,
    Participation,
)
from members.services._base import CHECK_IN_OPENS_BEFORE
from members.services.activities import _promote_waiting, _require_manager
from members.services.duty_records import duty_record_from_event, duty_record_withdraw_event

# --- attendance ---------------------------------------------------------------------------------


def duty_kind_for(activity: Activity) -> tuple[str, int]:
    """Which duty event an attendance becomes, and how many units it counts (谁组织谁记录)."""
    if activity.kind == ActivityKind.PLENARY:
        return DutyEventKind.PLENARY, max(1, activity.half_days)
    if activity.kind in ENROLMENT_KINDS:
        return DutyEventKind.TRAINING, 1
    return DutyEventKind.MEETING, 1


def _sync_duty_record(participation: Participation, activity: Activity, actor) -> None:
    kind, quantity = duty_kind_for(activity)
    if participation.attendance == Attendance.PRESENT:
        duty_record_from_event(
            member=participation.member,
            event_kind=kind,
            role=DutyRole.PARTICIPANT,
            occurred_on=timezone.localdate(activity.starts_at),
            title=activity.title,
            source=activity,
            item=activity.items.first() if activity.pk else None,
            actor=actor,
            quantity=quantity,
        )
    else:
        duty_record_withdraw_event(member=participation.member, event_kind=kind, source=activity, actor=actor)


def _set_attendance(participation: Participation, activity: Activity, attendance: str, actor) -> bool:
    if attendance not in Attendance.values:
        raise DomainError(
            _("Unknown attendance “%(value)s”.") % {"value": attendance}, code="invalid", field="attendance"
        )
    before = participation.attendance
    if before == attendance:
        return False
    changes = {"attendance": [before, attendance]}
    fields = ["attendance", "recorded_by", "recorded_at", "updated_at"]
    participation.attendance = attendance
    participation.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    participation.recorded_at = timezone.now()
    if attendance == Attendance.PRESENT and participation.invitation != InvitationState.ACCEPTED:
        # Whoever is present came: a pending invitation or a leave request no longer stands.
        changes["invitation"] = [participation.invitation, InvitationState.ACCEPTED]
        participation.invitation = InvitationState.ACCEPTED
        participation.leave_reason = ""
        fields += ["invitation", "leave_reason"]
    if attendance == Attendance.PRESENT and participation.checked_in_at is not None:
        fields.append("checked_in_at")  # a check-in's time, saved in the same UPDATE
    if attendance != Attendance.PRESENT and participation.checked_in_at is not None:
        # A correction away from present undoes the check-in too, so no row says both.
        changes["checked_in_at"] = [participation.checked_in_at.isoformat(), None]
        participation.checked_in_at = None
        fields.append("checked_in_at")
    participation.save(update_fields=fields)
    # A change of an attendance already recorded is a correction; the audit row keeps both values.
    action = (
        "members.attendance.corrected" if before != Attendance.UNRECORDED else "members.attendance.recorded"
    )
    record_event(actor=actor, action=action, obj=participation, changes=changes)
    _sync_duty_record(participation, activity, actor)
    return True


@transaction.atomic
def attendance_record(
    *, activity: Activity, actor, marks: dict[int, str], reasons: dict[int, str] | None = None
) -> int:
    """Record or correct attendance of many members at once (member id → present/leave/absent).

    Returns how many changed. Members not yet on the list are added (walk-ins)."""
    _require_manager(actor, activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("A cancelled activity has no attendance."), code="activity_cancelled")
    if activity.starts_at > timezone.now():
        raise DomainError(_("Attendance is recorded once the activity has started."), code="too_early")
    marks = {int(k): v for k, v in marks.items() if v}
    own = selectors.member_for_user(actor)
    if own is not None and own.pk in marks and not roles.is_staff_user(actor):
        # Attendance becomes a verified record: a leader does not certify their own.
        current = Participation.objects.filter(activity=activity, member=own).values_list(
            "attendance", flat=True
        )
        if marks[own.pk] not in current:
            raise PermissionDeniedError(_("Your own attendance is recorded by the office or by check-in."))
        del marks[own.pk]
    existing = {
        p.member_id: p
        for p in Participation.objects.filter(activity=activity, member_id__in=marks).select_related("member")
    }
    missing = set(marks) - set(existing)
    if missing:
        found = Member.objects.filter(pk__in=missing).in_bulk()
        unknown = missing - set(found)
        if unknown:
            raise NotFoundError(_("Unknown member."), code="unknown_member", field="member")
        if not roles.is_staff_user(actor):
            allowed = set(
                selectors.members_led_by(selectors.member_for_user(actor)).values_list("pk", flat=True)
            )
            if not missing <= allowed:
                raise PermissionDeniedError(_("You may add only members of your own body."))
        for member_id in missing:
            existing[member_id] = Participation.objects.create(
                activity=activity, member=found[member_id], invitation=InvitationState.ACCEPTED
            )
    changed = 0
    for member_id, attendance in marks.items():
        participation = existing[member_id]
        reason = ((reasons or {}).get(member_id) or "").strip()
        if reason and reason != participation.leave_reason:
            participation.leave_reason = reason[:300]
            participation.save(update_fields=["leave_reason", "updated_at"])
        changed += _set_attendance(participation, activity, attendance, actor)
    if changed and activity.status == ActivityStatus.PLANNED and activity.ends_at <= timezone.now():
        activity.status = ActivityStatus.HELD
        activity.save(update_fields=["status"])
    return changed


@transaction.atomic
def check_in(*, activity: Activity, actor, code: str) -> Participation:
    """A member checks in with the code announced at the activity, while it is on."""
    member = selectors.member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members check in."))
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    now = timezone.now()
    if not activity.check_in_code or activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("This activity has no check-in."), code="no_check_in")
    if not (activity.starts_at - CHECK_IN_OPENS_BEFORE <= now <= activity.ends_at):
        raise DomainError(_("Check-in is open only during the activity."), code="check_in_closed")
    if (code or "").strip().upper() != activity.check_in_code.strip().upper():
        raise DomainError(_("The check-in code is wrong."), code="wrong_code", field="code")
    participation = Participation.objects.filter(activity=activity, member=member).first()
    if participation is None:
        raise PermissionDeniedError(_("You are not invited to this activity."))
    if participation.enrolment == EnrolmentState.WAITLISTED:
        # A waiting-list place is not a seat: only a promotion gives one.
        raise PermissionDeniedError(_("You are on the waiting list, not enrolled: you cannot check in."))
    if participation.checked_in_at is None:
        participation.checked_in_at = now
        participation.save(update_fields=["checked_in_at", "updated_at"])
    _set_attendance(participation, activity, Attendance.PRESENT, actor)
    return participation


@transaction.atomic
def attendance_check_in(
    *, participation: Participation, actor, at: dt.datetime | None = None
) -> Participation | None:
    """Mark a member present from a check-in the calling app has verified (a meeting's QR code or
    its staff desk). Returns the participation as saved, or None, changing nothing, when they were
    already present."""
    participation = (
        Participation.objects.select_for_update()
        .select_related("activity", "member")
        .get(pk=participation.pk)
    )
    if participation.attendance == Attendance.PRESENT:
        return None
    participation.checked_in_at = at or timezone.now()
    _set_attendance(participation, participation.activity, Attendance.PRESENT, actor)
    return participation


@transaction.atomic
def participation_remove(*, participation: Participation, actor) -> None:
    """Take a member off an activity's list (the organiser's correction): the duty record their
    attendance earned is withdrawn with its points, a freed seat goes to the first waiting."""
    participation = (
        Participation.objects.select_for_update()
        .select_related("activity", "member")
        .get(pk=participation.pk)
    )
    activity = participation.activity
    _require_manager(actor, activity)
    kind, _quantity = duty_kind_for(activity)
    duty_record_withdraw_event(member=participation.member, event_kind=kind, source=activity, actor=actor)
    record_event(
        actor=actor,
        action="members.participation.removed",
        obj=participation,
        note=str(participation),
        changes={
            "attendance": [participation.attendance, None],
            "enrolment": [participation.enrolment, None],
        },
    )
    enrolled = participation.enrolment == EnrolmentState.ENROLLED
    participation.delete()
    if enrolled:
        _promote_waiting(Activity.objects.select_for_update().get(pk=activity.pk), actor)


@transaction.atomic
def participation_decide_leave(*, participation: Participation, actor, approve: bool) -> Participation:
    """The organiser grants a leave request (the member is on leave) or turns it down (still invited)."""
    participation = (
        Participation.objects.select_for_update()
        .select_related("activity", "member")
        .get(pk=participation.pk)
    )
    _require_manager(actor, participation.activity)
    pending = (
        participation.invitation == InvitationState.LEAVE_REQUESTED
        and participation.attendance != Attendance.LEAVE
    )
    if not pending:
        raise DomainError(_("There is no leave request to decide."), code="no_leave_request")
    if approve:
        # The request stays on the invitation; the granted leave is the attendance mark.
        _set_attendance(participation, participation.activity, Attendance.LEAVE, actor)
    else:
        participation.invitation = InvitationState.INVITED
        participation.save(update_fields=["invitation", "updated_at"])
    record_event(
        actor=actor,
        action="members.participation.leave_approved" if approve else "members.participation.leave_refused",
        obj=participation,
        note=participation.leave_reason,
    )
    return participation
