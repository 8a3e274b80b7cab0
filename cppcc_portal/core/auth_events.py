"""Sign-ins, sign-outs, failed sign-ins and lock-outs go to the audit trail (等保 2.0 安全审计)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from cppcc_portal.core.audit import record_event
from cppcc_portal.core.models import AuditEvent

FAILURE = AuditEvent.Outcome.FAILURE


def _account_named(username: str):
    """The account a typed name refers to, or an unsaved one carrying the name (no such account)."""
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first() or User(
        **{User.USERNAME_FIELD: username}
    )


def _logged_in(sender, request, user, **kwargs) -> None:
    record_event(actor=user, action="login", obj=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(actor=user, action="logout", obj=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")
    record_event(
        actor=None, action="login_failed", obj=_account_named(username), account=username, outcome=FAILURE
    )


def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    record_event(
        actor=None,
        action="lockout",
        obj=_account_named(username or ""),
        account=username or "",
        outcome=FAILURE,
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="core.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="core.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="core.audit.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="core.audit.lockout")
