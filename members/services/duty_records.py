"""Duty records (履职记录): created by workflows, logged by members, verified or rejected."""

from __future__ import annotations

import datetime as dt
import os

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event, snapshot
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.uploads import check_upload
from members import scoring, selectors
from members.choices import (
    SELF_LOGGED_KINDS,
    DutyRecordStatus,
    DutyRole,
)
from members.models import (
    DutyEvidence,
    DutyRecord,
    Member,
)
from members.services._base import _log_transition, _source_key, _transition, _validate
from members.validators import validate_plausible_date

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
        record.points = scoring.record_points(record)
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
    record.points = scoring.record_points(record)
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
    previous = _transition(record, DutyRecordStatus.VERIFIED, actor=actor)
    record.status = DutyRecordStatus.VERIFIED
    record.verified_by = actor
    record.verified_at = timezone.now()
    record.reject_reason = ""
    record.points = scoring.record_points(record)
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
    previous = _transition(record, DutyRecordStatus.REJECTED, actor=actor)
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
