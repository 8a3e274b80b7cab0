"""Caching, one rule: named cached values, each of a generation that the writes changing it move on.

A value worked out from database rows (a user's permissions, the rendered plan, the years with
data) is cached in a named family, ``CachedValues(name, ttl=)``. The family has a generation
number, kept in the cache itself, and every entry holds the generation it was worked out under; a
write that changes what the family holds moves that number on, at once and again when the write's
transaction commits (a page built between the two would otherwise keep the old value under the new
number), and an entry of an older generation is worked out again. A read is one round trip (the
generation and the entry together). Writes reach it two ways: ``watch(*models)`` moves it on after
every save, delete or M2M change of those models (signals), and a service whose write sends no
signal calls ``changed()``. The TTL is the safety net: a write that sends no signal and calls no service (a
queryset ``update()``, a COPY), or one made while the cache was down, shows once entries expire.

A page keeps HTML it rendered from rows the same way: ``cached_html(family, key, render)`` holds a
``Fragment`` (the HTML and the time the clock alone would change it) in the family of the rows it
shows. What a signed-in reader is shown (their own rows, forms carrying their CSRF secret) is kept
by ``reader_html(family, request, render)``: one copy per session, language and page, holding
the query it was rendered for.

A cache that is down is not an error: every read is a miss and the value is worked out live, and
moving a generation on does nothing (the django-redis backend ignores the outage; the exceptions
below cover the file cache of the embedded mode).

What is not this rule, and why, is in docs/architecture.md ("Caching"): the dashboard's stored
figures (a summary table), memos keyed by a digest of their whole content (``digest``), and the
cache used as short-lived scratch storage.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from redis.exceptions import RedisError

# What a cache that is down raises (Redis in production, files in the embedded mode).
CACHE_DOWN = (RedisError, OSError)

# Saves of only these fields change nothing any cache holds: a login stamps the user's last_login.
_NEVER_CACHED_FIELDS = {"last_login"}

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Every family by name, so all of them can be forgotten at once (tests, `forget_all`).
_families: dict[str, CachedValues] = {}


def digest(*parts) -> str:
    """A short key naming these parts by their content (ids, SQL and parameters, what a page shows)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


class CachedValues:
    """A named family of cached values, all dropped together when a write moves its generation on."""

    def __init__(self, name: str, *, ttl: int, per_committee: bool = False) -> None:
        if name in _families:
            raise ValueError(f"A family of cached values is already called {name!r}.")
        self.name = name
        self.ttl = ttl
        # Values worked out from one committee's rows are kept apart per committee: the key holds
        # the committee in hand (core.committees), so committee B never reads committee A's value.
        self.per_committee = per_committee
        self._key = f"{name}:generation"
        _families[name] = self

    def __repr__(self) -> str:
        return f"CachedValues({self.name!r}, ttl={self.ttl})"

    def current(self) -> int | None:
        """The generation of this family's entries (None while the cache is down).

        A generation that is not there yet (or was evicted) starts from the clock, a number this
        family never had: entries kept under an older generation are not read again.
        """
        try:
            return cache.get_or_set(self._key, time.time_ns, None)
        except CACHE_DOWN as exc:
            logger.warning("%s cache unavailable, working values out live: %s", self.name, exc)
            return None

    def cached(
        self,
        key: str,
        compute: Callable[[], T],
        *,
        keep: Callable[[T], bool] | None = None,
        fresh: Callable[[T], bool] | None = None,
    ) -> T:
        """compute() through the cache under this generation; straight from the database if it is down.

        One round trip reads the generation and the entry, which holds the generation it was
        worked out under: an entry of an older generation is worked out again and replaced.
        None is never cached (it reads as a miss). ``keep(value)`` false leaves a value uncached;
        ``fresh(value)`` false makes a cached value a miss (what the clock alone changes: a value
        that holds until a time it carries), so it is worked out again and replaced.
        """
        full_key = f"{self.name}:{key}"
        if self.per_committee:
            from cppcc_portal.core.committees import current_id

            full_key = f"{self.name}:committee-{current_id()}:{key}"
        try:
            found = cache.get_many([self._key, full_key])
        except CACHE_DOWN:
            return compute()
        generation = found.get(self._key)
        if generation is None:
            generation = self.current()
            if generation is None:
                return compute()
        entry = found.get(full_key)
        # (generation, value); anything else (a key written by an older release) is a miss.
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
            if fresh is None or fresh(entry[1]):
                return entry[1]
        value = compute()
        if value is not None and (keep is None or keep(value)):
            try:
                cache.set(full_key, (generation, value), self.ttl)
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


@dataclass(frozen=True)
class Fragment:
    """Rendered HTML, and the time from which the clock alone changes it (None: only a write does).

    ``address`` is the address with its query it was rendered for, when one key serves a page at
    every query (``reader_html``): a copy of another query is a miss."""

    html: str
    until: datetime.datetime | None = None
    address: str = ""


def cached_html(
    family: CachedValues, key: str, render: Callable[[], Fragment], *, address: str = ""
) -> SafeString:
    """A rendered part of a page through ``family``: rendered again after a write moves the family
    on, or once the clock passes the ``until`` it was rendered with (a meeting that starts, a
    deadline that passes), or when it was rendered for another ``address``. The one way a page
    keeps HTML it rendered from rows."""
    now = timezone.now()

    def fresh(kept) -> bool:
        # Anything but a Fragment (a bare string an older release kept under this key) is a miss.
        return (
            isinstance(kept, Fragment)
            and kept.address == address
            and (kept.until is None or now < kept.until)
        )

    def render_for_address() -> Fragment:
        return replace(render(), address=address)

    fragment = family.cached(key, render_for_address, fresh=fresh)
    return mark_safe(fragment.html)  # noqa: S308 - our own templates' output


def reader_html(family: CachedValues, request, render: Callable[[], Fragment], *parts) -> SafeString:
    """What one signed-in reader is shown of this page, kept in ``family`` (``cached_html``) under
    ``reader_key``: one copy per reader and page, holding the query it was rendered for, so that
    made-up queries replace the reader's copy instead of filling the cache."""
    return cached_html(family, reader_key(request, *parts), render, address=request.get_full_path())


def reader_key(request, *parts) -> str:
    """The key of what one signed-in reader is shown at this page: their session (a new login is a
    new session, and the CSRF secret of the forms rendered in goes with it), the language and the
    path (not its query: a reader keeps one copy of a page, see ``reader_html``), and whatever else
    ``parts`` names. Held in a digest: the session key never appears in the cache's keys."""
    return "reader:" + digest(request.session.session_key, translation.get_language(), request.path, *parts)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The moment this local day ends: the ``until`` of what a page counts from today (overdue
    marks, open windows, today's date in a form)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def earliest(*times) -> datetime.datetime | None:
    """The earliest of these times, ignoring None (None if there is none): a fragment's ``until``."""
    found = [moment for moment in times if moment is not None]
    return min(found) if found else None


def families() -> tuple[CachedValues, ...]:
    """Every family of cached values the loaded code declares."""
    return tuple(_families.values())


def forget_all() -> None:
    """Move every family on (what a test does first: the cache outlives its rolled-back data)."""
    for family in _families.values():
        family.forget()
