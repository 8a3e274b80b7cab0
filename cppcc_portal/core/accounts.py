"""Creating operator and demo accounts with a role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from cppcc_portal.core import passwords, roles
from cppcc_portal.core.audit import record_event
from cppcc_portal.core.errors import DomainError


@transaction.atomic
def account_create_or_update(
    *, username: str, role: str, password: str, actor=None, email: str = "", check_password: bool = True
):
    """Create (or reset) a login with exactly one portal role; staff and leaders may use the admin.

    The password is the operator's choice, so its owner must set their own at the first sign-in.
    """
    if role not in roles.ROLES:
        raise DomainError(f"unknown role {role!r}; choose one of: {', '.join(roles.ROLES)}", code="bad_role")
    if not username.strip():
        raise DomainError("username must not be empty", code="bad_username")
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, email=email)
    if check_password:
        from django.core.exceptions import ValidationError

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError("; ".join(exc.messages), code="weak_password", field="password") from None
    user.set_password(password)
    user.is_staff = role in (roles.STAFF, roles.LEADER, *roles.ADMINISTRATORS)
    if email:
        user.email = email
    user.save()
    groups = roles.ensure_groups()
    user.groups.remove(*[g for r, g in groups.items() if r != role and r != roles.INFO_OFFICER])
    user.groups.add(groups[role])
    passwords.require_change(user)
    record_event(
        actor=actor,
        action="account.created" if created else "account.updated",
        obj=user,
        changes={"role": role},
    )
    return user
