"""Activities: saving, cancelling, attachments, outcome reports, invitations, leave and enrolment."""

from __future__ import annotations

import os

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cppcc_portal.core import roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.uploads import check_upload
from members import selectors
from members.choices import (
    ENROLMENT_KINDS,
    ActivityStatus,
    EnrolmentState,
    InvitationState,
    MemberStatus,
)
from members.models import (
    Activity,
    ActivityAttachment,
    Member,
    Participation,
)
from members.services._base import _validate
from members.signals import activity_cancelled, activity_rescheduled, participations_written
from members.workflows import PARTICIPATION_WORKFLOW

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
    if new_rows:
        participations_written.send(sender=Participation)
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
    """The invited member says they will come (while `members.workflows` allows it)."""
    participation = _own_participation(actor, participation)
    PARTICIPATION_WORKFLOW.require(participation, actor, "accept")
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
    """The invited member asks for leave (请假), giving a reason (while `members.workflows` allows it)."""
    participation = _own_participation(actor, participation)
    # Once checked in, on leave or absent, only the organiser corrects attendance (audited).
    PARTICIPATION_WORKFLOW.require(participation, actor, "ask_leave")
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
