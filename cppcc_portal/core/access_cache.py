"""What a user may do (their permissions and their roles), kept in the cache between requests.

Django reads a user's permissions with two queries and the portal reads their roles (groups) with
one, on every page that checks them: every admin page, every portal page. Both change only when
someone's groups, group permissions or own permissions are edited, or their superuser flag. So
they are kept in the cache per user, under a generation that every such write moves on (the
signals below, connected by core.apps) when it happens and again when it commits. A write that
sends no signal (a queryset ``update()`` of these tables) shows within ``ACCESS_TTL`` seconds.
Whether the account is active is never cached: Django checks it on the user row of each request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from redis.exceptions import RedisError

ACCESS_TTL = 300
_GENERATION_KEY = "access:generation"
# What a cache that is down raises (Redis in production, files in the embedded mode).
_CACHE_DOWN = (RedisError, OSError)

logger = logging.getLogger(__name__)
T = TypeVar("T")


def for_user(user, name: str, compute: Callable[[], T]) -> T:
    """compute() for this user through the cache; straight from the database if the cache is down."""
    try:
        generation = cache.get_or_set(_GENERATION_KEY, 0, None)
        key = f"access:{generation}:{user.pk}:{name}"
        value = cache.get(key)
    except _CACHE_DOWN as exc:
        logger.warning("access cache unavailable, reading permissions live: %s", exc)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, ACCESS_TTL)
        except _CACHE_DOWN:
            pass
    return value


def forget() -> None:
    """Move to a new generation: every user's permissions and roles are read again."""
    try:
        try:
            cache.incr(_GENERATION_KEY)
        except ValueError:
            cache.set(_GENERATION_KEY, time.time_ns(), None)
    except _CACHE_DOWN as exc:
        logger.warning("access cache unavailable, generation not moved: %s", exc)


def access_changed(**kwargs) -> None:
    """A write changed someone's access: forget now, and again when its transaction commits.

    The second time matters: a request that read the access between the write and its commit
    would otherwise keep the old access under the new generation.
    """
    if not kwargs.get("action", "post_").startswith("post_"):
        return  # m2m_changed fires before and after each change; the "post_" one is the write
    forget()
    transaction.on_commit(forget)


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # A login only stamps last_login: nobody's access changes.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    access_changed()


def connect_signals() -> None:
    user_model = get_user_model()
    for sender in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(access_changed, sender=sender, dispatch_uid=f"access-cache-{sender._meta.label}")
    for model in (Group, Permission):
        post_save.connect(access_changed, sender=model, dispatch_uid=f"access-cache-save-{model._meta.label}")
        post_delete.connect(
            access_changed, sender=model, dispatch_uid=f"access-cache-delete-{model._meta.label}"
        )
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="access-cache-user-save")
    post_delete.connect(access_changed, sender=user_model, dispatch_uid="access-cache-user-delete")
