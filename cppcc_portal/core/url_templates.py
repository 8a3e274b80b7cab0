"""Links to one object per row without a reverse() per row (it costs as much as the rest of the row)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=512)
def _template(viewname: str, current_app: str | None, urlconf: str, prefix: str) -> str:
    head, tail = reverse(viewname, args=[0], urlconf=urlconf, current_app=current_app).rsplit("/0/", 1)
    return f"{head}/{{}}/{tail}"


def pk_url_template(viewname: str, *, current_app: str | None = None) -> str:
    """The URL of a view that takes one id, with "{}" where the id goes: format() it per row.

    Resolved once per process for each URLconf and script prefix (as core.nav's fixed links), so a
    page pays no reverse() for its rows' links at all."""
    return _template(viewname, current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
