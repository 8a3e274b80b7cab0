"""API tokens that expire, and that die with the password or the account that issued them.

A token is valid for API_TOKEN_DAYS days from its creation. Changing a password (by the person, by
staff in the admin, by any code that saves a new hash) and deactivating an account revoke the
account's tokens, whatever path made the change: the check sits on the user model's save.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from cppcc_portal.core.audit import record_event


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = "token_expired"
    default_detail = _("Your API token has expired; get a new one on the API token page.")


def token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


def token_is_expired(token: Token) -> bool:
    return token_expires_at(token) <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (and deleting) a token older than API_TOKEN_DAYS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            token.delete()
            raise TokenExpired()
        return user, token


def token_issue(*, user) -> Token:
    """The user's valid token, a new one when they have none or theirs has expired."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and not token_is_expired(token):
            return token
        if token is not None:
            token.delete()
        token = Token.objects.create(user=user)
        record_event(actor=user, action="api_token.created", obj=user)
        return token


def token_replace(*, user) -> Token:
    """The owner replaces their token (the old one stops working at once)."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        record_event(actor=user, action="api_token.replaced" if replaced else "api_token.created", obj=user)
    return token


def tokens_revoke(*, user, actor, reason: str) -> int:
    """Delete every token of an account (the owner revoked it, the password changed, it was deactivated)."""
    with transaction.atomic():
        count = Token.objects.filter(user=user).delete()[0]
        if count:
            record_event(actor=actor, action="api_token.revoked", obj=user, note=reason)
    return count


def _revoke_on_password_or_deactivation(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # a login stamping last_login, and the like
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password:
        reason = "password_changed"
    elif before["is_active"] and not instance.is_active:
        reason = "deactivated"
    else:
        return
    # Before the save (in its transaction when there is one): no window in which the old token
    # still works with the new password.
    if Token.objects.filter(user_id=instance.pk).delete()[0]:
        record_event(actor=None, action="api_token.revoked", obj=instance, note=reason)


def connect_signals() -> None:
    pre_save.connect(
        _revoke_on_password_or_deactivation, sender=get_user_model(), dispatch_uid="core.tokens.revoke"
    )
