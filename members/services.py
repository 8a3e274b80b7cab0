"""Every write of the members app: activities, invitations, enrolment, attendance, duty records, scoring."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event, snapshot
from cppcc_portal.core.errors import DomainError, NotFoundError, PermissionDeniedError, TransitionError
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
from members.validators import validate_plausible_date

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
    (DutyEventKind.SPEECH_ORAL, DutyRole.LEAD, 10, None),
    (DutyEventKind.SPEECH_WRITTEN, DutyRole.LEAD, 5, None),
    (DutyEventKind.SELF_REPORTED, DutyRole.PARTICIPANT, 2, 20),
    (DutyEventKind.CONSULTATION, DutyRole.PARTICIPANT, 3, None),
    (DutyEventKind.RESEARCH_REPORT, DutyRole.LEAD, 10, None),
    (DutyEventKind.RESEARCH_REPORT, DutyRole.PARTICIPANT, 5, None),
    (DutyEventKind.CONSULTATION_ADOPTED, DutyRole.LEAD, 10, None),
    (DutyEventKind.CONSULTATION_ADOPTED, DutyRole.PARTICIPANT, 3, None),
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


_RECORD_CHECKED_BY_CALLER = ("member", "content_type", "item", "verified_by", "quantity")


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
    year: int | None = None,
) -> DutyRecord:
    """Record a verified duty event that a workflow witnessed (attendance, an accepted proposal …).

    The record counts in `year`, the year of the thing credited (a 2017 proposal accepted in
    January 2018 is 2017's work); without one, the year of the date. Idempotent: the same member,
    kind and source give the same record, updated in place."""
    content_type, object_id = _source_key(source)
    defaults = {
        "year": year or occurred_on.year,
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
        # The related rows are the caller's own instances and the quantity is clamped above: checking
        # them again costs a query each on every check-in; the unique source is the insert's to refuse.
        _validate(record, exclude=_RECORD_CHECKED_BY_CALLER)
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
    validate_plausible_date(occurred_on, field="occurred_on")
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
    _notify_invited(activity, [row.member_id for row in new_rows])
    return created


def _notify_invited(activity: Activity, member_ids: list[int]) -> None:
    """Each newly invited member with a login hears of the invitation (only future activities)."""
    if not member_ids or activity.starts_at <= timezone.now():
        return
    from cppcc_portal.core.notifications.services import notify

    link = reverse("members:activity_detail", args=[activity.pk])
    when = timezone.localtime(activity.starts_at)
    for member in Member.objects.filter(pk__in=member_ids, user__isnull=False).select_related("user"):
        notify(
            recipient=member.user,
            kind="members.activity.invited",
            dedupe_key=f"members.activity.invited:{activity.pk}:{member.pk}",
            # Lazy, so notify() renders it in the recipient's language.
            title=format_lazy(_lazy("You are invited to {title}"), title=activity.title),
            body=format_lazy(
                _lazy("{when}, {place}. Please accept or ask for leave in the portal."),
                when=when.strftime("%Y-%m-%d %H:%M"),
                place=activity.place or "—",
            ),
            link=link,
            about=activity,
        )


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
    if participation.checked_in_at is not None or participation.attendance == Attendance.PRESENT:
        # Attendance is one state machine: once present, leave no longer applies; only the
        # office (or the organiser) corrects it, and that correction is audited.
        raise DomainError(
            _("You have already checked in: leave can no longer be requested."), code="already_present"
        )
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


# --- roster ---------------------------------------------------------------------------------------


def member_user_name_sync(member: Member) -> None:
    """A member's login carries the member's name (姓名), so every page that names a user shows it."""
    user = member.user
    if user is not None and (user.first_name, user.last_name) != (member.name[:150], ""):
        user.first_name, user.last_name = member.name[:150], ""
        user.save(update_fields=["first_name", "last_name"])


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
    member_user_name_sync(member)
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
