"""What else serves a plan item: a registry the higher apps fill with link providers.

The work plan sits below members, proposals and supervision, so it cannot import them. Each of
those apps registers a provider in its AppConfig.ready():

    from workplan.links import LinkedRecord, register_item_links

    def activities_for_items(item_ids):
        return {item_id: [LinkedRecord(kind=..., title=..., url=..., date=...)] ...}

    register_item_links(activities_for_items)

A provider takes many item ids and answers for all of them in one go (one or two queries), so a
page that shows every item's links costs the same whatever the number of items.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkedRecord:
    """One record linked to a plan item: an activity, proposal, report, supervision topic…"""

    kind: str
    title: str
    url: str
    date: datetime.date | None = None


Provider = Callable[[Sequence[int]], dict[int, list[LinkedRecord]]]

_providers: list[Provider] = []


def register_item_links(provider: Provider) -> Provider:
    """Add a provider (idempotent: registering the same function twice keeps one)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_item_links(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def registered_providers() -> tuple[Provider, ...]:
    return tuple(_providers)


def linked_records(item_ids: Sequence[int]) -> dict[int, list[LinkedRecord]]:
    """Everything linked to each of the items, newest first (items without links map to [])."""
    ids = list(dict.fromkeys(item_ids))
    result: dict[int, list[LinkedRecord]] = {item_id: [] for item_id in ids}
    if not ids:
        return result
    for provider in _providers:
        for item_id, records in (provider(ids) or {}).items():
            if item_id in result:
                result[item_id].extend(records)
    for records in result.values():
        records.sort(key=lambda r: (r.date is not None, r.date or datetime.date.min), reverse=True)
    return result


def link_counts(item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """How many linked records of each kind every item has (one call for all items)."""
    return {
        item_id: dict(sorted(Counter(r.kind for r in records).items()))
        for item_id, records in linked_records(item_ids).items()
    }
