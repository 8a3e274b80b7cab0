"""One generation number for what the plan's pages keep in the cache (link counts, the rendered plan).

Ten years of activities are too many rows to count, and twenty items with their tasks too much
HTML to render, on every view of the plan. So both are cached under keys that carry this number,
and any write that changes them moves it on: the services call ``plan_changed()``, and signals of
the watched models (the plan's own and those linking to it) do the same for every other save or
delete. Writes that send no signal and call no service (bulk imports with COPY) show once the
entries expire, after ``CACHE_TTL`` seconds.
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

# The longest a cached entry may lag behind a write that sent no signal.
CACHE_TTL = 600
_KEY = "workplan:generation"
# What a cache that is down raises (Redis in production, files in the embedded mode).
_CACHE_DOWN = (RedisError, OSError)

logger = logging.getLogger(__name__)
T = TypeVar("T")


def current() -> int | None:
    """The generation every cache key of the plan's pages carries (None while the cache is down)."""
    try:
        return cache.get_or_set(_KEY, 0, None)
    except _CACHE_DOWN as exc:
        logger.warning("plan cache unavailable, counting live: %s", exc)
        return None


def cached(key: str, compute: Callable[[], T]) -> T:
    """compute() through the cache under this generation; straight from the database if the cache is down."""
    generation = current()
    if generation is None:
        return compute()
    full_key = f"workplan:{generation}:{key}"
    try:
        value = cache.get(full_key)
    except _CACHE_DOWN:
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(full_key, value, CACHE_TTL)
        except _CACHE_DOWN:
            pass
    return value


def forget() -> None:
    """Move to a new generation now: every entry cached so far is no longer read.

    A cache that is down is not an error for the write that called this: nothing is read from it
    until it is back, and what it held then has expired or belongs to an older generation.
    """
    try:
        try:
            cache.incr(_KEY)
        except ValueError:
            # Not there yet (or evicted): any value unlike the old one will do.
            cache.set(_KEY, time.time_ns(), None)
    except _CACHE_DOWN as exc:
        logger.warning("plan cache unavailable, generation not moved: %s", exc)


def plan_changed() -> None:
    """A write changed the plan or what links to it: forget now, and again when the transaction commits.

    The second time matters: a page built between the write and its commit would otherwise keep
    the pre-commit figures under the new generation.
    """
    forget()
    transaction.on_commit(forget)


def _on_write(sender, **kwargs) -> None:
    # m2m_changed fires before and after each change; the "post_" one is the write.
    if kwargs.get("action", "post_").startswith("post_"):
        plan_changed()


def watch(*models) -> None:
    """Move the generation on after every save or delete of these models (M2M through models too)."""
    for model in models:
        uid = f"workplan-generation-{model._meta.label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
        m2m_changed.connect(_on_write, sender=model, dispatch_uid=f"{uid}-m2m")
