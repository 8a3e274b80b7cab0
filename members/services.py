"""Every write of the members app: activities, invitations, enrolment, attendance, duty records, scoring."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event, snapshot
from cppcc_portal.core.bulk_insert import bulk_insert
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from members import selectors
from members.choices import (
    ENROLMENT_KINDS,
    SELF_LOGGED_KINDS,
    ActivityKind,
    ActivityStatus,
    Attendance,
    DutyEventKind,
    DutyRecordStatus,
    DutyRole,
    EnrolmentState,
    InvitationState,
    MemberStatus,
    MinimumMetric,
)
from members.models import (
    Activity,
    ActivityAttachment,
    CommitteeMembership,
    DutyEvidence,
    DutyRecord,
    DutyRecordEvent,
    Member,
    Participation,
    ScoringRule,
    StreetGroupMembership,
    YearlyMinimum,
)
from members.signals import activity_cancelled, activity_rescheduled
from members.uploads import check_upload

# Members may check in from shortly before the start until the end of the activity.
CHECK_IN_OPENS_BEFORE = dt.timedelta(minutes=30)

# The one transition table of a duty record's review.
DUTY_RECORD_TRANSITIONS = {
    DutyRecordStatus.SUBMITTED: {DutyRecordStatus.VERIFIED, DutyRecordStatus.REJECTED},
    DutyRecordStatus.REJECTED: {DutyRecordStatus.SUBMITTED},
    DutyRecordStatus.VERIFIED: set(),
}

# The office's default weights (DOMAIN.md, "Duty scoring"); each year's rules are data it edits.
DEFAULT_SCORING_RULES = [
    (DutyEventKind.PLENARY, DutyRole.PARTICIPANT, 5, None),
    (DutyEventKind.MEETING, DutyRole.PARTICIPANT, 5, None),
    (DutyEventKind.TRAINING, DutyRole.PARTICIPANT, 10, None),
    (DutyEventKind.PROPOSAL_ACCEPTED, DutyRole.LEAD, 15, None),
    (DutyEventKind.PROPOSAL_ACCEPTED, DutyRole.COSIGNER, 3, None),
    (DutyEventKind.PROPOSAL_KEY, DutyRole.LEAD, 15, None),
    (DutyEventKind.PROPOSAL_KEY, DutyRole.COSIGNER, 3, None),
    (DutyEventKind.PROPOSAL_EXCELLENT, DutyRole.LEAD, 10, None),
    (DutyEventKind.PROPOSAL_EXCELLENT, DutyRole.COSIGNER, 2, None),
    (DutyEventKind.REPORT_SUBMITTED, DutyRole.LEAD, 5, None),
    (DutyEventKind.REPORT_ADOPTED, DutyRole.LEAD, 10, None),
    (DutyEventKind.REPORT_INSTRUCTED, DutyRole.LEAD, 10, None),
    (DutyEventKind.SUPERVISION, DutyRole.LEAD, 5, None),
    (DutyEventKind.SUPERVISION, DutyRole.PARTICIPANT, 5, None),
    (DutyEventKind.SELF_REPORTED, DutyRole.PARTICIPANT, 2, 20),
]
DEFAULT_MINIMUMS = selectors.DEFAULT_MINIMUMS


def _validate(obj: models.Model, exclude: Iterable[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=list(exclude or []))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError("; ".join(messages), code="invalid", field=field) from exc


def _source_key(source: models.Model) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(source, for_concrete_model=False), source.pk


def _rule_points(record: DutyRecord) -> int | None:
    rule = ScoringRule.objects.filter(
        year=record.year, event_kind=record.event_kind, role=record.role
    ).first()
    return rule.points * record.quantity if rule else None


def _log_transition(record: DutyRecord, actor, from_status: str, to_status: str, note: str = "") -> None:
    DutyRecordEvent.objects.create(
        record=record,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        note=note[:300],
    )


def _transition(record: DutyRecord, to_status: str) -> str:
    current = record.status
    if to_status not in DUTY_RECORD_TRANSITIONS[current]:
        raise TransitionError(
            _("A duty record cannot go from “%(current)s” to “%(requested)s”.")
            % {
                "current": DutyRecordStatus(current).label,
                "requested": DutyRecordStatus(to_status).label,
            }
        )
    return current


# --- duty records from other workflows ----------------------------------------------------------


@transaction.atomic
def duty_record_from_event(
    *,
    member: Member,
    event_kind: str,
    role: str,
    occurred_on: dt.date,
    title: str,
    source: models.Model,
    item=None,
    actor=None,
    quantity: int = 1,
) -> DutyRecord:
    """Record a verified duty event that a workflow witnessed (attendance, an accepted proposal …).

    Idempotent: the same member, kind and source give the same record, updated in place."""
    content_type, object_id = _source_key(source)
    defaults = {
        "year": occurred_on.year,
        "role": role,
        "occurred_on": occurred_on,
        "title": title[:200],
        "item": item,
        "quantity": max(1, int(quantity)),
        "status": DutyRecordStatus.VERIFIED,
        "verified_by": actor if getattr(actor, "is_authenticated", False) else None,
        "verified_at": timezone.now(),
        "reject_reason": "",
    }
    record = (
        DutyRecord.objects.select_for_update()
        .filter(member=member, event_kind=event_kind, content_type=content_type, object_id=object_id)
        .first()
    )
    created = record is None
    if created:
        record = DutyRecord(
            member=member, event_kind=event_kind, content_type=content_type, object_id=object_id, **defaults
        )
        record.points = _rule_points(record)
        _validate(record)
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            # A concurrent call for the same event won the insert; take its row.
            record = DutyRecord.objects.get(
                member=member, event_kind=event_kind, content_type=content_type, object_id=object_id
            )
            return record
        _log_transition(record, actor, "", DutyRecordStatus.VERIFIED, _("Recorded by the system"))
        record_event(actor=actor, action="members.duty_record.from_event", obj=record)
        return record
    before = snapshot(record, ["status", "quantity", "title", "occurred_on", "role"])
    for key, value in defaults.items():
        if key in ("verified_at", "verified_by") and record.status == DutyRecordStatus.VERIFIED:
            continue
        setattr(record, key, value)
    record.points = _rule_points(record)
    _validate(record)
    record.save()
    after = snapshot(record, ["status", "quantity", "title", "occurred_on", "role"])
    if before != after:
        record_event(actor=actor, action="members.duty_record.from_event", obj=record, changes={})
    if before["status"] != DutyRecordStatus.VERIFIED:
        _log_transition(
            record, actor, before["status"], DutyRecordStatus.VERIFIED, _("Recorded by the system")
        )
    return record


@transaction.atomic
def duty_record_withdraw_event(*, member: Member, event_kind: str, source: models.Model, actor=None) -> int:
    """Remove the duty record a workflow created (attendance corrected, proposal withdrawn)."""
    content_type, object_id = _source_key(source)
    records = list(
        DutyRecord.objects.filter(
            member=member, event_kind=event_kind, content_type=content_type, object_id=object_id
        )
    )
    for record in records:
        record_event(
            actor=actor,
            action="members.duty_record.withdrawn",
            obj=record,
            note=_("Withdrawn: %(title)s") % {"title": record.title},
        )
        record.delete()
    return len(records)


# --- duty records logged by members -------------------------------------------------------------


def _save_evidence(record: DutyRecord, files, saved: list[DutyEvidence]) -> list[DutyEvidence]:
    for upload in files:
        evidence = DutyEvidence(
            record=record, original_name=os.path.basename(upload.name)[:200], size=upload.size
        )
        evidence.file.save(os.path.basename(upload.name), upload, save=False)
        saved.append(evidence)
        evidence.save()
    return saved


def _delete_files_on_rollback(evidence: list[DutyEvidence]) -> None:
    for item in evidence:
        item.file.storage.delete(item.file.name)


@transaction.atomic
def duty_record_submit(
    *,
    member: Member,
    actor,
    event_kind: str,
    occurred_on: dt.date,
    title: str,
    description: str = "",
    item=None,
    role: str = DutyRole.PARTICIPANT,
    files=(),
) -> DutyRecord:
    """A member logs something they did that the office could not see, with evidence files."""
    own = selectors.member_for_user(actor)
    if not roles.is_staff_user(actor) and (own is None or own.pk != member.pk):
        raise PermissionDeniedError(_("You may log duty records only for yourself."))
    if event_kind not in SELF_LOGGED_KINDS:
        raise DomainError(
            _("This kind of record is created by its workflow, not logged."), field="event_kind"
        )
    files = list(files)
    for upload in files:
        check_upload(upload)
    if occurred_on and occurred_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="occurred_on")
    record = DutyRecord(
        member=member,
        year=occurred_on.year if occurred_on else 0,
        event_kind=event_kind,
        role=role,
        occurred_on=occurred_on,
        title=title,
        description=description,
        item=item,
        submitted_by=actor,
    )
    _validate(record)
    record.save()
    evidence: list[DutyEvidence] = []
    try:
        _save_evidence(record, files, evidence)
        _log_transition(record, actor, "", DutyRecordStatus.SUBMITTED)
        record_event(actor=actor, action="members.duty_record.submitted", obj=record)
    except Exception:
        # The rows roll back with the transaction; the stored files must go with them.
        _delete_files_on_rollback(evidence)
        raise
    return record


@transaction.atomic
def duty_record_verify(*, record: DutyRecord, actor) -> DutyRecord:
    """Staff or the member's body leader confirm a logged record; it then counts in the score."""
    record = DutyRecord.objects.select_for_update().get(pk=record.pk)
    if not selectors.can_review_record(actor, record):
        raise PermissionDeniedError(_("You may not verify this duty record."))
    previous = _transition(record, DutyRecordStatus.VERIFIED)
    record.status = DutyRecordStatus.VERIFIED
    record.verified_by = actor
    record.verified_at = timezone.now()
    record.reject_reason = ""
    record.points = _rule_points(record)
    record.save(update_fields=["status", "verified_by", "verified_at", "reject_reason", "points"])
    _log_transition(record, actor, previous, record.status)
    record_event(
        actor=actor,
        action="members.duty_record.verified",
        obj=record,
        changes={"status": [previous, record.status]},
    )
    return record


@transaction.atomic
def duty_record_reject(*, record: DutyRecord, actor, reason: str) -> DutyRecord:
    """Staff or the member's body leader turn a logged record down, saying why."""
    record = DutyRecord.objects.select_for_update().get(pk=record.pk)
    if not selectors.can_review_record(actor, record):
        raise PermissionDeniedError(_("You may not review this duty record."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the rejection."), code="reason_required", field="reason")
    previous = _transition(record, DutyRecordStatus.REJECTED)
    record.status = DutyRecordStatus.REJECTED
    record.reject_reason = reason[:300]
    record.verified_by = actor
    record.verified_at = timezone.now()
    record.save(update_fields=["status", "reject_reason", "verified_by", "verified_at"])
    _log_transition(record, actor, previous, record.status, reason)
    record_event(
        actor=actor,
        action="members.duty_record.rejected",
        obj=record,
        changes={"status": [previous, record.status]},
        note=reason,
    )
    return record


# --- activities ---------------------------------------------------------------------------------


def _require_manager(actor, activity: Activity) -> None:
    if not selectors.can_manage_activity(actor, activity):
        raise PermissionDeniedError(_("Only the organiser of this activity may do this."))


@transaction.atomic
def activity_save(*, activity: Activity, actor) -> Activity:
    """Create or change an activity; a new start time or a cancellation tells the reminder owners."""
    creating = activity.pk is None
    old = None if creating else Activity.objects.select_for_update().get(pk=activity.pk)
    if not creating and not roles.is_staff_user(actor):
        _require_manager(actor, old)
    if creating and activity.created_by_id is None and getattr(actor, "is_authenticated", False):
        activity.created_by = actor
    if activity.kind in ENROLMENT_KINDS and activity.capacity is None and activity.enrolment_deadline:
        raise DomainError(_("A training with an enrolment deadline needs a capacity."), field="capacity")
    _validate(activity, exclude=["items"])
    activity.save()
    fields = ["title", "kind", "starts_at", "ends_at", "place", "status", "capacity", "enrolment_deadline"]
    if creating:
        record_event(actor=actor, action="members.activity.created", obj=activity)
        return activity
    changes = {
        name: [str(getattr(old, name)), str(getattr(activity, name))]
        for name in fields
        if getattr(old, name) != getattr(activity, name)
    }
    if changes:
        record_event(actor=actor, action="members.activity.changed", obj=activity, changes=changes)
    if old.status != ActivityStatus.CANCELLED and activity.status == ActivityStatus.CANCELLED:
        transaction.on_commit(lambda: activity_cancelled.send(sender=Activity, activity=activity))
    elif old.starts_at != activity.starts_at and activity.status != ActivityStatus.CANCELLED:
        old_starts_at = old.starts_at
        transaction.on_commit(
            lambda: activity_rescheduled.send(sender=Activity, activity=activity, old_starts_at=old_starts_at)
        )
    return activity


def activity_cancel(*, activity: Activity, actor) -> Activity:
    """Call an activity off (its participants' reminders are cancelled by the listener)."""
    activity.status = ActivityStatus.CANCELLED
    return activity_save(activity=activity, actor=actor)


@transaction.atomic
def activity_add_attachment(*, activity: Activity, actor, upload) -> ActivityAttachment:
    """Attach a file to an activity's outcome report."""
    _require_manager(actor, activity)
    check_upload(upload)
    attachment = ActivityAttachment(
        activity=activity,
        original_name=os.path.basename(upload.name)[:200],
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(os.path.basename(upload.name), upload, save=False)
    attachment.save()
    record_event(
        actor=actor, action="members.activity.attachment", obj=activity, note=attachment.original_name
    )
    return attachment


@transaction.atomic
def activity_report_outcome(*, activity: Activity, actor, report: str, files=()) -> Activity:
    """Write an activity's outcome report (and its files); the activity counts as held."""
    _require_manager(actor, activity)
    files = list(files)
    for upload in files:
        check_upload(upload)
    activity.outcome_report = report
    if activity.status == ActivityStatus.PLANNED:
        activity.status = ActivityStatus.HELD
    activity.save(update_fields=["outcome_report", "status"])
    for upload in files:
        activity_add_attachment(activity=activity, actor=actor, upload=upload)
    record_event(actor=actor, action="members.activity.outcome", obj=activity)
    return activity


@transaction.atomic
def activity_invite(
    *, activity: Activity, committees=(), sectors=(), groups=(), members=(), actor
) -> list[Participation]:
    """Invite whole bodies and single members; one participation row each, existing ones kept."""
    _require_manager(actor, activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("A cancelled activity takes no invitations."), code="activity_cancelled")
    wanted = Q(pk__in=[getattr(m, "pk", m) for m in members])
    if committees:
        wanted |= Q(committee_memberships__committee__in=list(committees))
    if sectors:
        wanted |= Q(sector__in=list(sectors))
    if groups:
        wanted |= Q(group_memberships__group__in=list(groups))
    member_ids = set(
        Member.objects.filter(wanted, status=MemberStatus.IN_OFFICE).values_list("pk", flat=True).distinct()
    )
    existing = set(Participation.objects.filter(activity=activity).values_list("member_id", flat=True))
    new_rows = [Participation(activity=activity, member_id=pk) for pk in sorted(member_ids - existing)]
    created = Participation.objects.bulk_create(new_rows, ignore_conflicts=True)
    record_event(
        actor=actor,
        action="members.activity.invited",
        obj=activity,
        note=_("%(count)s members invited") % {"count": len(new_rows)},
    )
    return created


def _own_participation(actor, activity_or_participation) -> Participation:
    member = selectors.member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members take part in activities."))
    if isinstance(activity_or_participation, Participation):
        if activity_or_participation.member_id != member.pk:
            raise PermissionDeniedError(_("This is not your invitation."))
        return Participation.objects.select_for_update().get(pk=activity_or_participation.pk)
    participation = (
        Participation.objects.select_for_update()
        .filter(activity=activity_or_participation, member=member)
        .first()
    )
    if participation is None:
        raise PermissionDeniedError(_("You are not invited to this activity."))
    return participation


@transaction.atomic
def participation_accept(*, participation: Participation, actor) -> Participation:
    """The invited member says they will come."""
    participation = _own_participation(actor, participation)
    if participation.activity.starts_at < timezone.now():
        raise DomainError(_("The activity has already started."), code="too_late")
    before = participation.invitation
    participation.invitation = InvitationState.ACCEPTED
    participation.leave_reason = ""
    participation.save(update_fields=["invitation", "leave_reason", "updated_at"])
    record_event(
        actor=actor,
        action="members.participation.accepted",
        obj=participation,
        changes={"invitation": [before, participation.invitation]},
    )
    return participation


@transaction.atomic
def participation_request_leave(*, participation: Participation, actor, reason: str) -> Participation:
    """The invited member asks for leave (请假), giving a reason."""
    participation = _own_participation(actor, participation)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for your leave."), code="reason_required", field="reason")
    before = participation.invitation
    participation.invitation = InvitationState.LEAVE_REQUESTED
    participation.leave_reason = reason[:300]
    participation.save(update_fields=["invitation", "leave_reason", "updated_at"])
    record_event(
        actor=actor,
        action="members.participation.leave_requested",
        obj=participation,
        changes={"invitation": [before, participation.invitation]},
        note=reason,
    )
    return participation


# --- enrolment ----------------------------------------------------------------------------------


@transaction.atomic
def enrol(*, activity: Activity, actor) -> Participation:
    """A member enrols in a training; with no seat left they join the waiting list.

    The activity row is locked first, so two members racing for the last seat are served one
    after the other and only one of them gets it."""
    member = selectors.member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members enrol in trainings."))
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.capacity is None or activity.kind not in ENROLMENT_KINDS:
        raise DomainError(_("This activity takes no enrolment."), code="no_enrolment")
    if activity.status == ActivityStatus.CANCELLED:
        raise DomainError(_("This activity is cancelled."), code="activity_cancelled")
    if activity.enrolment_deadline and timezone.now() > activity.enrolment_deadline:
        raise DomainError(_("The enrolment deadline has passed."), code="deadline_passed")
    participation, _created = Participation.objects.get_or_create(
        activity=activity, member=member, defaults={"invitation": InvitationState.ACCEPTED}
    )
    if participation.enrolment in (EnrolmentState.ENROLLED, EnrolmentState.WAITLISTED):
        raise DomainError(_("You are already enrolled or on the waiting list."), code="already_enrolled")
    taken = Participation.objects.filter(activity=activity, enrolment=EnrolmentState.ENROLLED).count()
    before = participation.enrolment
    if taken < activity.capacity:
        participation.enrolment = EnrolmentState.ENROLLED
        participation.waitlist_position = None
    else:
        last = Participation.objects.filter(activity=activity).aggregate(m=Max("waitlist_position"))["m"] or 0
        participation.enrolment = EnrolmentState.WAITLISTED
        participation.waitlist_position = last + 1
    participation.invitation = InvitationState.ACCEPTED
    participation.save(update_fields=["enrolment", "waitlist_position", "invitation", "updated_at"])
    record_event(
        actor=actor,
        action="members.enrolment.enrolled",
        obj=participation,
        changes={"enrolment": [before, participation.enrolment]},
    )
    return participation


@transaction.atomic
def enrolment_cancel(*, activity: Activity, actor) -> Participation:
    """A member gives up their seat (or their waiting-list place); the first waiting takes the seat."""
    member = selectors.member_for_user(actor)
    if member is None:
        raise PermissionDeniedError(_("Only members enrol in trainings."))
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    participation = Participation.objects.filter(activity=activity, member=member).first()
    if participation is None or participation.enrolment not in (
        EnrolmentState.ENROLLED,
        EnrolmentState.WAITLISTED,
    ):
        raise DomainError(_("You are not enrolled."), code="not_enrolled")
    if activity.starts_at <= timezone.now():
        raise DomainError(_("The training has already started."), code="too_late")
    before = participation.enrolment
    participation.enrolment = EnrolmentState.CANCELLED
    participation.waitlist_position = None
    participation.save(update_fields=["enrolment", "waitlist_position", "updated_at"])
    record_event(
        actor=actor,
        action="members.enrolment.cancelled",
        obj=participation,
        changes={"enrolment": [before, participation.enrolment]},
    )
    if before == EnrolmentState.ENROLLED:
        _promote_waiting(activity, actor)
    return participation


def _promote_waiting(activity: Activity, actor) -> Participation | None:
    """Give a freed seat to the first on the waiting list (the activity row is already locked)."""
    taken = Participation.objects.filter(activity=activity, enrolment=EnrolmentState.ENROLLED).count()
    if activity.capacity is not None and taken >= activity.capacity:
        return None
    first = (
        Participation.objects.filter(activity=activity, enrolment=EnrolmentState.WAITLISTED)
        .select_related("member__user")
        .order_by("waitlist_position")
        .first()
    )
    if first is None:
        return None
    first.enrolment = EnrolmentState.ENROLLED
    first.waitlist_position = None
    first.save(update_fields=["enrolment", "waitlist_position", "updated_at"])
    record_event(
        actor=actor,
        action="members.enrolment.promoted",
        obj=first,
        changes={"enrolment": [EnrolmentState.WAITLISTED, EnrolmentState.ENROLLED]},
    )
    if first.member.user_id:
        from cppcc_portal.core.notifications.services import notify

        notify(
            recipient=first.member.user,
            kind="members.enrolment.promoted",
            dedupe_key=f"members.enrolment.promoted:{first.pk}",
            # Lazy, so notify() renders it in the recipient's language, not the actor's.
            title=format_lazy(_lazy("You have a seat in {title}"), title=activity.title),
            about=activity,
        )
    return first


# --- attendance ---------------------------------------------------------------------------------


def _duty_kind_for(activity: Activity) -> tuple[str, int]:
    """Which duty event an attendance becomes, and how many units it counts (谁组织谁记录)."""
    if activity.kind == ActivityKind.PLENARY:
        return DutyEventKind.PLENARY, max(1, activity.half_days)
    if activity.kind in ENROLMENT_KINDS:
        return DutyEventKind.TRAINING, 1
    return DutyEventKind.MEETING, 1


def _sync_duty_record(participation: Participation, activity: Activity, actor) -> None:
    kind, quantity = _duty_kind_for(activity)
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
    participation.attendance = attendance
    participation.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    participation.recorded_at = timezone.now()
    participation.save(update_fields=["attendance", "recorded_by", "recorded_at", "updated_at"])
    # A change of an attendance already recorded is a correction; the audit row keeps both values.
    action = (
        "members.attendance.corrected" if before != Attendance.UNRECORDED else "members.attendance.recorded"
    )
    record_event(actor=actor, action=action, obj=participation, changes={"attendance": [before, attendance]})
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
            raise DomainError(_("Unknown member."), code="unknown_member", field="member")
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


# --- attendance import ----------------------------------------------------------------------------


# Attendance.values builds a new list on every use; the import checks it once per row.
_ATTENDANCE_VALUES = frozenset(Attendance.values)


@dataclass
class AttendanceRow:
    """One row of an attendance workbook, already matched to its activity and member."""

    activity: Activity
    member: Member
    attendance: str
    reason: str = ""


class AttendanceImportRules:
    """The rules of attendance_record for many rows at once, from a handful of queries made up front.

    The Excel import checks each row with problem() (so a bad row is reported on its row) and
    attendance_import_rows() checks them all again before it writes.
    """

    def __init__(self, *, actor, activities: Iterable[Activity]):
        ids = {activity.pk for activity in activities}
        self.actor = actor
        self.now = timezone.now()
        self.is_staff = roles.is_staff_user(actor)
        self.managed = set(
            selectors.activities_managed_by(actor).filter(pk__in=ids).values_list("pk", flat=True)
        )
        self.own = selectors.member_for_user(actor)
        self.led: set[int] = (
            set() if self.is_staff else set(selectors.members_led_by(self.own).values_list("pk", flat=True))
        )
        self.existing: dict[tuple[int, int], Participation] = {
            (p.activity_id, p.member_id): p for p in Participation.objects.filter(activity_id__in=ids)
        }

    def problem(self, activity: Activity, member: Member, attendance: str) -> tuple[str, str] | None:
        """(field, message) of the rule a row breaks, or None when it may be recorded."""
        if activity.pk not in self.managed:
            return "activity", _("Only the organiser of this activity may do this.")
        if activity.status == ActivityStatus.CANCELLED:
            return "activity", _("A cancelled activity has no attendance.")
        if activity.starts_at > self.now:
            return "activity", _("Attendance is recorded once the activity has started.")
        if attendance not in _ATTENDANCE_VALUES:
            return "attendance", _("Unknown attendance “%(value)s”.") % {"value": attendance}
        existing = self.existing.get((activity.pk, member.pk))
        if self.own is not None and member.pk == self.own.pk and not self.is_staff:
            # Attendance becomes a verified record: a leader does not certify their own.
            if existing is None or existing.attendance != attendance:
                return "member", _("Your own attendance is recorded by the office or by check-in.")
        if existing is None and not self.is_staff and member.pk not in self.led:
            return "member", _("You may add only members of your own body.")
        return None


@transaction.atomic
def attendance_import_rows(*, actor, rows: list[AttendanceRow]) -> dict[str, int]:
    """Record the attendance of a whole workbook with bulk writes, all or nothing.

    Same rules and effects as attendance_record (walk-ins added, 出席 becomes a verified duty record
    through the scoring rules, other marks withdraw it, ended planned activities become held), in a
    number of queries that does not grow with the rows, and one audit event per activity imported.
    """
    from cppcc_portal.core.models import AuditEvent
    from cppcc_portal.core.request_context import current_ip

    ids = {row.activity.pk for row in rows}
    activities = {
        a.pk: a
        for a in Activity.objects.select_for_update(of=("self",)).filter(pk__in=ids).prefetch_related("items")
    }
    rules = AttendanceImportRules(actor=actor, activities=activities.values())
    for number, row in enumerate(rows, start=1):
        problem = rules.problem(activities[row.activity.pk], row.member, row.attendance)
        if problem is not None:
            field, message = problem
            raise DomainError(
                _("Row %(row)s: %(message)s") % {"row": number, "message": message},
                code="invalid",
                field=field,
            )
    now = timezone.now()
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    created: list[Participation] = []
    updated: list[Participation] = []
    changed: list[tuple[Participation, Activity, str]] = []
    for row in rows:
        activity = activities[row.activity.pk]
        participation = rules.existing.get((activity.pk, row.member.pk))
        is_new = participation is None
        if is_new:
            # Ids rather than instances: a related-object assignment costs as much as the rest of the row.
            participation = Participation(
                activity_id=activity.pk, member_id=row.member.pk, invitation=InvitationState.ACCEPTED
            )
            rules.existing[(activity.pk, row.member.pk)] = participation
        before = participation.attendance
        reason = (row.reason or "").strip()[:300]
        touched = False
        if reason and reason != participation.leave_reason:
            participation.leave_reason = reason
            touched = True
        if row.attendance != before:
            participation.attendance = row.attendance
            participation.recorded_by_id = recorder.pk if recorder else None
            participation.recorded_at = now
            changed.append((participation, activity, before))
            touched = True
        participation.updated_at = now
        if is_new:
            created.append(participation)
        elif touched:
            updated.append(participation)
    bulk_insert(Participation, created)
    Participation.objects.bulk_update(
        updated, ["leave_reason", "attendance", "recorded_by", "recorded_at", "updated_at"], batch_size=1000
    )
    duty = _sync_duty_records_bulk(changed, actor=actor, now=now)
    held = Activity.objects.filter(
        pk__in={activity.pk for _p, activity, _b in changed}, status=ActivityStatus.PLANNED, ends_at__lte=now
    ).update(status=ActivityStatus.HELD)
    counts = Counter(p.attendance for p, _a, _b in changed)
    per_activity = Counter(activity.pk for _p, activity, _b in changed)
    rows_per_activity = Counter(row.activity.pk for row in rows)
    activity_type = ContentType.objects.get_for_model(Activity)
    # One summary audit row per activity (not one per row): the import as its activity's history shows it.
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=recorder,
                action="members.attendance.imported",
                content_type=activity_type,
                object_id=str(activity.pk),
                object_repr=str(activity)[:200],
                changes={
                    "rows": rows_per_activity[activity.pk],
                    "changed": per_activity[activity.pk],
                },
                note=_("Attendance imported from a workbook"),
                ip_address=current_ip(),
            )
            for activity in activities.values()
        ]
    )
    return {
        "rows": len(rows),
        "created": len(created),
        "changed": len(changed),
        "present": counts.get(Attendance.PRESENT, 0),
        "duty_records": duty,
        "held": held,
    }


def _sync_duty_records_bulk(changed: list[tuple[Participation, Activity, str]], *, actor, now) -> int:
    """The duty records of many attendance changes at once: what _sync_duty_record does for one."""
    if not changed:
        return 0
    activity_type = ContentType.objects.get_for_model(Activity, for_concrete_model=False)
    verifier = actor if getattr(actor, "is_authenticated", False) else None
    activity_ids = {activity.pk for _p, activity, _b in changed}
    records = {
        (r.member_id, r.event_kind, r.object_id): r
        for r in DutyRecord.objects.select_for_update().filter(
            content_type=activity_type,
            object_id__in=activity_ids,
            member_id__in={p.member_id for p, _a, _b in changed},
        )
    }
    years = {timezone.localdate(activity.starts_at).year for _p, activity, _b in changed}
    points = {
        (rule.year, rule.event_kind, rule.role): rule.points
        for rule in ScoringRule.objects.filter(year__in=years, role=DutyRole.PARTICIPANT)
    }
    created: list[DutyRecord] = []
    updated: list[DutyRecord] = []
    withdrawn: list[DutyRecord] = []
    per_activity: dict[int, tuple[dt.date, object]] = {}
    validated: set[int] = set()
    note = str(_("Recorded by the system"))[:300]
    for participation, activity, _before in changed:
        kind, quantity = _duty_kind_for(activity)
        key = (participation.member_id, kind, activity.pk)
        record = records.get(key)
        if participation.attendance != Attendance.PRESENT:
            if record is not None and record.pk:
                withdrawn.append(record)
                del records[key]
            continue
        if activity.pk not in per_activity:
            items = list(activity.items.all())
            per_activity[activity.pk] = (timezone.localdate(activity.starts_at), items[0] if items else None)
        occurred_on, item = per_activity[activity.pk]
        if record is None:
            record = DutyRecord(
                member_id=participation.member_id,
                event_kind=kind,
                content_type_id=activity_type.pk,
                object_id=activity.pk,
                verified_by_id=verifier.pk if verifier else None,
                verified_at=now,
            )
            records[key] = record
            created.append(record)
        elif record.status != DutyRecordStatus.VERIFIED:
            record.verified_by_id, record.verified_at = (verifier.pk if verifier else None), now
            updated.append(record)
        else:
            updated.append(record)
        record.year = occurred_on.year
        record.role = DutyRole.PARTICIPANT
        record.occurred_on = occurred_on
        record.title = activity.title[:200]
        record.item_id = item.pk if item else None
        record.quantity = max(1, int(quantity))
        record.status = DutyRecordStatus.VERIFIED
        record.reject_reason = ""
        each = points.get((record.year, kind, record.role))
        record.points = each * record.quantity if each is not None else None
        # Field rules only, once per activity (its records differ only by member); uniqueness is the
        # database's (one constraint, checked by the bulk insert).
        if activity.pk in validated:
            continue
        validated.add(activity.pk)
        try:
            record.full_clean(
                exclude=["member", "item", "content_type", "verified_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise DomainError("; ".join(messages), code="invalid", field=field) from exc
    bulk_insert(DutyRecord, created, with_ids=True)
    if created and connection.vendor != "postgresql":
        DutyRecordEvent.objects.bulk_create(
            [
                DutyRecordEvent(
                    record=r, actor=verifier, to_status=DutyRecordStatus.VERIFIED, note=note, at=now
                )
                for r in created
            ],
            batch_size=500,
        )
    elif created:
        # The "recorded by the system" timeline step of every new record, written by the database
        # from the rows just inserted: as many rows again, without building them in Python.
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO "members_dutyrecordevent" ("record_id", "actor_id", "from_status", "to_status", '
                '"note", "at") SELECT "id", %s, \'\', %s, %s, %s FROM "members_dutyrecord" WHERE "id" = ANY(%s)',
                [
                    verifier.pk if verifier else None,
                    DutyRecordStatus.VERIFIED,
                    note,
                    now,
                    [r.pk for r in created],
                ],
            )
    DutyRecord.objects.bulk_update(
        updated,
        [
            "year",
            "role",
            "occurred_on",
            "title",
            "item",
            "quantity",
            "status",
            "reject_reason",
            "points",
            "verified_by",
            "verified_at",
        ],
        batch_size=1000,
    )
    if withdrawn:
        DutyRecord.objects.filter(pk__in=[r.pk for r in withdrawn]).delete()
    return len(created) + len(updated) + len(withdrawn)


# --- roster ---------------------------------------------------------------------------------------


@transaction.atomic
def member_save(*, member: Member, actor) -> Member:
    """Create or change a roster entry (the admin and the Excel import both come here)."""
    from members.validators import validate_phone

    creating = member.pk is None
    fields = [
        "name",
        "gender",
        "party",
        "sector",
        "phone",
        "email",
        "status",
        "term",
        "work_unit",
        "job_title",
    ]
    before = {} if creating else snapshot(Member.objects.get(pk=member.pk), fields)
    if member.phone:
        validate_phone(member.phone)
    if member.status == MemberStatus.LEFT and member.left_on is None:
        member.left_on = timezone.localdate()
    _validate(member)
    member.save()
    after = snapshot(member, fields)
    record_event(
        actor=actor,
        action="members.member.created" if creating else "members.member.changed",
        obj=member,
        changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
    )
    return member


@transaction.atomic
def membership_set(*, member: Member, committee=None, group=None, role: str, actor) -> models.Model:
    """Seat a member on a committee or a street group with a role."""
    if committee is not None:
        row, _created = CommitteeMembership.objects.update_or_create(
            committee=committee, member=member, defaults={"role": role}
        )
    else:
        row, _created = StreetGroupMembership.objects.update_or_create(
            group=group, member=member, defaults={"role": role}
        )
    record_event(actor=actor, action="members.membership.set", obj=member, note=f"{row}: {role}")
    return row


# --- scoring -------------------------------------------------------------------------------------


@transaction.atomic
def scoring_rules_ensure_defaults(year: int, actor=None) -> int:
    """Seed the default scoring rules and yearly minimums of a year; existing rows are kept."""
    created = 0
    for kind, role, points, cap in DEFAULT_SCORING_RULES:
        _rule, was_created = ScoringRule.objects.get_or_create(
            year=year, event_kind=kind, role=role, defaults={"points": points, "yearly_cap": cap}
        )
        created += was_created
    for metric, minimum in DEFAULT_MINIMUMS.items():
        YearlyMinimum.objects.get_or_create(
            year=year, metric=MinimumMetric(metric), defaults={"minimum": minimum}
        )
    return created
