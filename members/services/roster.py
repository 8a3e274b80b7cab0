"""The roster: members, their bodies and memberships."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from cppcc_portal.core.audit import record_event, snapshot
from members.choices import (
    MemberStatus,
)
from members.models import (
    CommitteeMembership,
    Member,
    StreetGroupMembership,
)
from members.services._base import _validate

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
