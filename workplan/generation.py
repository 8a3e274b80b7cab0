"""The generation of what the plan's pages keep in the cache (link counts, the rendered plan).

Ten years of activities are too many rows to count, and twenty items with their tasks too much
HTML to render, on every view of the plan. So both are cached in the ``workplan`` family of
cached values (core.caching), whose keys carry this generation, and any write that changes them
moves it on: the services call ``plan_changed()``, and signals of the watched models (the plan's own and those linking to it) do
the same for every other save or delete. Writes that send no signal and call no service (bulk
imports with COPY) show once the entries expire, after ``CACHE_TTL`` seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cppcc_portal.core.caching import CachedValues

# The longest a cached entry may lag behind a write that sent no signal.
CACHE_TTL = 600
PLAN = CachedValues("workplan", ttl=CACHE_TTL, per_committee=True)
T = TypeVar("T")


def current() -> int | None:
    """The generation every cache key of the plan's pages carries (None while the cache is down)."""
    return PLAN.current()


def cached(key: str, compute: Callable[[], T]) -> T:
    """compute() through the cache under this generation; straight from the database if the cache is down."""
    return PLAN.cached(key, compute)


def forget() -> None:
    """Move to a new generation now: every entry cached so far is no longer read."""
    PLAN.forget()


def plan_changed() -> None:
    """A write changed the plan or what links to it: forget now, and again when the transaction commits."""
    PLAN.changed()


def watch(*models) -> None:
    """Move the generation on after every save or delete of these models (M2M through models too)."""
    PLAN.watch(*models)
