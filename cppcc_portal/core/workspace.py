"""Tabs of the member portal and the unit workspace, registered by the apps that own the pages.

A lower app cannot import a higher one, so each app registers its own tab in AppConfig.ready()
and the shared navigation reads the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cppcc_portal.core.url_templates import fixed_url, resolver_key


@dataclass(frozen=True)
class Tab:
    label: str  # a lazy translation
    url_name: str
    order: int = 100


_PORTAL_TABS: list[Tab] = []
_UNIT_TABS: list[Tab] = []


def register_portal_tab(label, url_name: str, order: int = 100) -> None:
    if all(t.url_name != url_name for t in _PORTAL_TABS):
        _PORTAL_TABS.append(Tab(label, url_name, order))
        _portal_tabs.cache_clear()


def register_unit_tab(label, url_name: str, order: int = 100) -> None:
    if all(t.url_name != url_name for t in _UNIT_TABS):
        _UNIT_TABS.append(Tab(label, url_name, order))
        _unit_tabs.cache_clear()


def _resolved(tabs: list[Tab]) -> tuple[dict, ...]:
    links = (
        {"label": tab.label, "url": fixed_url(tab.url_name)} for tab in sorted(tabs, key=lambda t: t.order)
    )
    return tuple(link for link in links if link["url"])


# The tabs are registered when the apps are ready, before any page: resolved once per URLconf and
# script prefix (labels stay lazy, translated when a page shows them).
@lru_cache(maxsize=1024)
def _portal_tabs(urlconf: str, prefix: str) -> tuple[dict, ...]:
    return _resolved(_PORTAL_TABS)


@lru_cache(maxsize=1024)
def _unit_tabs(urlconf: str, prefix: str) -> tuple[dict, ...]:
    return _resolved(_UNIT_TABS)


def portal_tabs() -> tuple[dict, ...]:
    return _portal_tabs(*resolver_key())


def unit_tabs() -> tuple[dict, ...]:
    return _unit_tabs(*resolver_key())
