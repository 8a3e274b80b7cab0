"""A generation number for a family of cache entries: a write moves it on, older entries go unread.

Some figures are too costly to work out on every page (a plan's link counts over ten years of
activities, a user's permissions) and too important to show stale. They are cached under keys that
carry a generation number kept in the cache itself, and every write that changes them moves that
number on: at once, and again when the write's transaction commits (a page built between the two
would otherwise keep the old figures under the new number). Writes that send no signal show once
the entries expire. A cache that is down is not an error: figures are then worked out live.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from redis.exceptions import RedisError

# What a cache that is down raises (Redis in production, files in the embedded mode).
CACHE_DOWN = (RedisError, OSError)

# Saves of only these fields change nothing any cache holds: a login stamps the user's last_login.
_NEVER_CACHED_FIELDS = {"last_login"}

logger = logging.getLogger(__name__)
T = TypeVar("T")


class CacheGeneration:
    def __init__(self, name: str, ttl: int) -> None:
        self.name = name
        self.ttl = ttl
        self._key = f"{name}:generation"

    def current(self) -> int | None:
        """The generation every key of this family carries (None while the cache is down)."""
        try:
            return cache.get_or_set(self._key, 0, None)
        except CACHE_DOWN as exc:
            logger.warning("%s cache unavailable, working figures out live: %s", self.name, exc)
            return None

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """compute() through the cache under this generation; straight from the database if it is down."""
        generation = self.current()
        if generation is None:
            return compute()
        full_key = f"{self.name}:{generation}:{key}"
        try:
            value = cache.get(full_key)
        except CACHE_DOWN:
            return compute()
        if value is None:
            value = compute()
            try:
                cache.set(full_key, value, self.ttl)
            except CACHE_DOWN:
                pass
        return value

    def forget(self) -> None:
        """Move to a new generation now: every entry cached so far is no longer read.

        A cache that is down is not an error for the write that called this: nothing is read from
        it until it is back, and what it held then has expired or belongs to an older generation.
        """
        try:
            try:
                cache.incr(self._key)
            except ValueError:
                # Not there yet (or evicted): any value unlike the old one will do.
                cache.set(self._key, time.time_ns(), None)
        except CACHE_DOWN as exc:
            logger.warning("%s cache unavailable, generation not moved: %s", self.name, exc)

    def changed(self) -> None:
        """A write changed what this family caches: forget now, and again when the transaction commits."""
        self.forget()
        transaction.on_commit(self.forget)

    def on_write(self, sender=None, **kwargs) -> None:
        """Signal receiver: m2m_changed fires before and after each change; the "post_" one is the write."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= _NEVER_CACHED_FIELDS:
            return
        if kwargs.get("action", "post_").startswith("post_"):
            self.changed()

    def watch(self, *models) -> None:
        """Move the generation on after every save or delete of these models (M2M through models too)."""
        for model in models:
            uid = f"{self.name}-generation-{model._meta.label}"
            post_save.connect(self.on_write, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(self.on_write, sender=model, dispatch_uid=f"{uid}-delete")
            m2m_changed.connect(self.on_write, sender=model, dispatch_uid=f"{uid}-m2m")
