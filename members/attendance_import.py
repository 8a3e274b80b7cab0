"""The attendance of a whole workbook at once: the rules of attendance_record, checked and written in bulk.

members.resources.AttendanceResource checks each row with AttendanceImportRules.problem() (so a bad
row is reported on its row) and, when every row is good, attendance_import_rows() writes them all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.bulk_insert import bulk_insert
from cppcc_portal.core.errors import DomainError
from members import scoring, selectors
from members.choices import ActivityStatus, Attendance, DutyRecordStatus, DutyRole, InvitationState
from members.models import Activity, DutyRecord, DutyRecordEvent, Member, Participation, ScoringRule
from members.services import duty_kind_for
from members.signals import participations_written

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
            # The same state machine as services._set_attendance: present accepts, other marks
            # undo a check-in.
            if row.attendance == Attendance.PRESENT and participation.invitation != InvitationState.ACCEPTED:
                participation.invitation = InvitationState.ACCEPTED
                participation.leave_reason = ""
            if row.attendance != Attendance.PRESENT:
                participation.checked_in_at = None
        participation.updated_at = now
        if is_new:
            created.append(participation)
        elif touched:
            updated.append(participation)
    bulk_insert(Participation, created)
    Participation.objects.bulk_update(
        updated,
        [
            "invitation",
            "leave_reason",
            "attendance",
            "checked_in_at",
            "recorded_by",
            "recorded_at",
            "updated_at",
        ],
        batch_size=1000,
    )
    duty = _sync_duty_records_bulk(changed, actor=actor, now=now)
    held = Activity.objects.filter(
        pk__in={activity.pk for _p, activity, _b in changed}, status=ActivityStatus.PLANNED, ends_at__lte=now
    ).update(status=ActivityStatus.HELD)
    if created or updated or held:
        # The rows (and the activities now held) were written with no per-row signal.
        participations_written.send(sender=Participation)
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
    rules = {
        (rule.year, rule.event_kind, rule.role): rule
        for rule in ScoringRule.objects.filter(year__in=years, role=DutyRole.PARTICIPANT)
    }
    created: list[DutyRecord] = []
    updated: list[DutyRecord] = []
    withdrawn: list[DutyRecord] = []
    per_activity: dict[int, tuple[dt.date, object]] = {}
    validated: set[int] = set()
    note = str(_("Recorded by the system"))[:300]
    for participation, activity, _before in changed:
        kind, quantity = duty_kind_for(activity)
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
        record.points = scoring.record_points(record, rule=rules.get((record.year, kind, record.role)))
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
                    record=r, actor=verifier, to_state=DutyRecordStatus.VERIFIED, note=note, created_at=now
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
                'INSERT INTO "members_dutyrecordevent" ("record_id", "actor_id", "from_state", "to_state", '
                '"note", "created_at") SELECT "id", %s, \'\', %s, %s, %s FROM "members_dutyrecord" WHERE "id" = ANY(%s)',
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
