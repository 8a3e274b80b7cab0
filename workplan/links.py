"""What else serves a plan item: a registry the higher apps fill with link providers.

The work plan sits below members, proposals and supervision, so it cannot import them. Each of
those apps registers a provider in its AppConfig.ready():

    from workplan.links import register_item_links

    register_item_links(activity_links)

A provider is an object with three methods (see ItemLinkProvider):

- ``counts(item_ids)`` -> ``{item_id: {kind: n}}``: one grouped COUNT per query, never the rows,
  so the plan page costs the same whether an item has five records or fifty thousand;
- ``recent(item_id, limit)`` -> the newest ``limit`` records of each kind it provides (bounded);
- ``list_urls(item_id, user)`` -> ``{kind: url}`` of the full filtered list that user may open
  (no query; kinds without a list the user may use are left out).

Kinds are display labels (already translated); they tie the three answers together.

A provider may also have ``watched_models()`` -> the models (M2M through models included) whose
writes change its counts. Counts are cached (see workplan.generation): a write to a watched model
drops every cached count.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.utils import translation

from cppcc_portal.core.caching import digest
from workplan import generation

# How many records of each kind the item page lists before pointing to the full list.
RECENT_LIMIT = 20


@dataclass(frozen=True)
class LinkedRecord:
    """One record linked to a plan item: an activity, proposal, report, supervision topic…"""

    kind: str
    title: str
    url: str
    date: datetime.date | None = None


@dataclass(frozen=True)
class LinkedKind:
    """One kind of record linked to an item: how many, the newest few, where the whole list is."""

    kind: str
    count: int
    recent: list[LinkedRecord] = field(default_factory=list)
    list_url: str = ""

    @property
    def truncated(self) -> bool:
        return self.count > len(self.recent)


@runtime_checkable
class ItemLinkProvider(Protocol):
    """What a higher app registers to show its records on the plan's pages."""

    def counts(self, item_ids: Sequence[int]) -> dict[int, dict[str, int]]: ...

    def recent(self, item_id: int, limit: int) -> list[LinkedRecord]: ...

    def list_urls(self, item_id: int, user) -> dict[str, str]: ...


_providers: list[ItemLinkProvider] = []
# Part of every cache key, so counts cached before a provider came or went are never read.
_registry_version = 0


def _registry_changed() -> None:
    global _registry_version
    _registry_version += 1


def register_item_links(provider: ItemLinkProvider) -> ItemLinkProvider:
    """Add a provider (idempotent: registering the same provider twice keeps one)."""
    if not isinstance(provider, ItemLinkProvider):
        # A plain function returning every record was the old protocol: it does not scale.
        raise TypeError("An item link provider needs counts(), recent() and list_urls() methods.")
    if provider not in _providers:
        _providers.append(provider)
        watched = getattr(provider, "watched_models", None)
        generation.watch(*(watched() if watched else ()))
        _registry_changed()
    return provider


def unregister_item_links(provider: ItemLinkProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)
        _registry_changed()


def registered_providers() -> tuple[ItemLinkProvider, ...]:
    return tuple(_providers)


def link_counts(item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """How many linked records of each kind every item has (items without links → {}), from the cache."""
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        return {}
    key = f"link-counts:{_registry_version}:{translation.get_language()}:{digest(*ids)}"
    return generation.cached(key, lambda: live_link_counts(ids))


def live_link_counts(item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """The same counts, counted now: one grouped COUNT per provider and kind (no rows loaded)."""
    ids = list(dict.fromkeys(item_ids))
    result: dict[int, dict[str, int]] = {item_id: {} for item_id in ids}
    if not ids:
        return result
    for provider in _providers:
        for item_id, counts in (provider.counts(ids) or {}).items():
            if item_id in result:
                for kind, n in counts.items():
                    if n:
                        result[item_id][kind] = result[item_id].get(kind, 0) + n
    return {item_id: dict(sorted(counts.items())) for item_id, counts in result.items()}


def _newest_first(records: list[LinkedRecord]) -> list[LinkedRecord]:
    return sorted(records, key=lambda r: (r.date is not None, r.date or datetime.date.min), reverse=True)


def recent_records(item_id: int, limit: int = RECENT_LIMIT) -> list[LinkedRecord]:
    """The newest ``limit`` records of each kind linked to one item, newest first."""
    records: list[LinkedRecord] = []
    for provider in _providers:
        records.extend(provider.recent(item_id, limit) or [])
    return _newest_first(records)


def item_links(item_id: int, user, limit: int = RECENT_LIMIT) -> list[LinkedKind]:
    """Per kind: the total, the newest ``limit`` records and the full list's URL for this user."""
    counts = link_counts([item_id])[item_id]
    by_kind: dict[str, list[LinkedRecord]] = {}
    urls: dict[str, str] = {}
    for provider in _providers:
        for record in provider.recent(item_id, limit) or []:
            by_kind.setdefault(record.kind, []).append(record)
        urls.update(provider.list_urls(item_id, user) or {})
    return [
        LinkedKind(
            kind=kind,
            count=count,
            recent=_newest_first(by_kind.get(kind, []))[:limit],
            list_url=urls.get(kind, ""),
        )
        for kind, count in counts.items()
    ]
