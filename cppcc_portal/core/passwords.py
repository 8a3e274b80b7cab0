"""The password rules of 等保 2.0 (身份鉴别), as settings: length, character classes, no username,
no reuse of the last few, a maximum age, and a change at first sign-in for accounts set up by
someone else. Only the embedded demo's accounts are exempt (they say so on the login page).

The rules that judge a new password are Django password validators (AUTH_PASSWORD_VALIDATORS);
whether a signed-in user must change theirs is decided once at sign-in and kept in the session,
so no page pays a query for it.
"""

from __future__ import annotations

import datetime as dt
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cppcc_portal.core.models import PasswordState

SESSION_FLAG = "password_change_required"


def state_of(user) -> PasswordState:
    state, _created = PasswordState.objects.get_or_create(user=user)
    return state


class CharacterClassesValidator:
    """At least N of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() or not c.isascii() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must contain at least %(count)d of: lower-case letters, capital letters, "
            "digits, other characters."
        ) % {"count": self.min_classes}


class NoUsernameValidator:
    """The username may not appear in the password, in any case."""

    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("Your password must not contain your username.")


class NotRecentlyUsedValidator:
    """None of the last N passwords again; also records each new one (Django calls
    password_changed whenever a user with a new password is saved)."""

    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None or not self.history:
            return
        state = PasswordState.objects.filter(user=user).first()
        hashes = state.recent_hashes if state else []
        if any(check_password(password, old) for old in hashes[-self.history :]):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        state = state_of(user)
        state.recent_hashes = [*state.recent_hashes, user.password][-self.history :] if self.history else []
        state.changed_at = timezone.now()
        state.save(update_fields=["recent_hashes", "changed_at"])

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(count)d passwords.",
            self.history,
        ) % {"count": self.history}


def require_change(user) -> None:
    """Someone else set this account's password: its owner sets their own at the next sign-in."""
    state = state_of(user)
    if not state.exempt:
        state.must_change = True
        state.save(update_fields=["must_change"])


def mark_exempt(user) -> None:
    """Only for the embedded demo's accounts (seed_demo)."""
    state = state_of(user)
    state.exempt, state.must_change = True, False
    state.save(update_fields=["exempt", "must_change"])


def change_required(user) -> bool:
    """Must this user set a new password before anything else (first sign-in, or too old)?"""
    state = PasswordState.objects.filter(user=user).first()
    if state is None or state.exempt:
        return False
    if state.must_change:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    return bool(max_age) and state.changed_at < timezone.now() - dt.timedelta(days=max_age)


def changed_by_owner(request, user) -> None:
    """The owner chose a new password: the first-sign-in and age requirements are met."""
    with transaction.atomic():
        state = state_of(user)
        state.must_change = False
        state.save(update_fields=["must_change"])
    request.session.pop(SESSION_FLAG, None)


def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and change_required(user):
        request.session[SESSION_FLAG] = True


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(on_login, dispatch_uid="core.passwords.on_login")


def demo_accounts_exist() -> bool:
    return PasswordState.objects.filter(exempt=True).exists()
