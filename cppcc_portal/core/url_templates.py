"""URLs resolved once per process, not once per page (a reverse() costs as much as the rest of a row).

Both kinds depend only on the URLconf and the script prefix, which are part of each cache key.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


def resolver_key() -> tuple[str, str]:
    """What every URL resolved here depends on: the URLconf and the script prefix (a key part)."""
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


@lru_cache(maxsize=4096)  # a few dozen names × the committees' prefixes (core.committees)
def _fixed(name: str, urlconf: str, prefix: str) -> str:
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        # As `{% url … as var %}`: a page renders, without the link, where an app is switched off.
        return ""


@lru_cache(maxsize=4096)
def _template(viewname: str, current_app: str | None, urlconf: str, prefix: str) -> str:
    head, tail = reverse(viewname, args=[0], urlconf=urlconf, current_app=current_app).rsplit("/0/", 1)
    return f"{head}/{{}}/{tail}"


def fixed_url(name: str) -> str:
    """reverse(name) for a URL without arguments ("" if there is none): the header's links and tabs."""
    return _fixed(name, *resolver_key())


def pk_url_template(viewname: str, *, current_app: str | None = None) -> str:
    """The URL of a view that takes one id, with "{}" where the id goes: format() it per row."""
    return _template(viewname, current_app, *resolver_key())
