"""Drill-down links: every figure points at the admin list that it counts, with the same filters.

Leaders have view-only admin and staff full admin, and only they see the dashboard, so the admin
changelists are the lists behind the numbers. Filters use the changelist's own query parameters
(`field__exact=…`), so the list shows exactly the rows the figure counts. A filter that the
model's admin does not allow (the admin answers 400) gives no link at all rather than a broken
one or a list with a different count; the number is then shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.urls import NoReverseMatch, reverse


@lru_cache(maxsize=256)
def _changelist(model: str) -> tuple[str, object] | None:
    """The changelist URL and ModelAdmin of a model (fixed once the URLconf is loaded)."""
    app_label, model_name = model.lower().split(".")
    try:
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
        return url, admin.site._registry[apps.get_model(app_label, model_name)]
    except (NoReverseMatch, LookupError, KeyError):
        return None


@lru_cache(maxsize=1024)
def _allowed(model: str, keys: tuple[str, ...]) -> bool:
    """Whether the admin accepts these filter parameters; an admin allows a lookup whatever its value,
    so the answer is cached per model and set of keys (a dashboard page builds hundreds of links)."""
    _url, model_admin = _changelist(model)
    custom = {
        item.parameter_name
        for item in model_admin.list_filter
        if isinstance(item, type) and issubclass(item, SimpleListFilter)
    }
    return all(key in custom or model_admin.lookup_allowed(key, "1", None) for key in keys)


def admin_list(model: str, **params) -> str:
    """The changelist URL of `app_label.Model` with filters, or "" when the admin cannot show it."""
    found = _changelist(model)
    if found is None:
        return ""
    params = {key: value for key, value in params.items() if value is not None and value != ""}
    if not _allowed(model, tuple(sorted(params))):
        return ""
    return f"{found[0]}?{urlencode(params)}" if params else found[0]


def admin_list_by(model: str, key: str, **params) -> Callable[[Any], str]:
    """`admin_list` for many values of one filter (one link per sector, per unit …): the filters are
    checked and encoded once, each link is then one string join. A value of None drops that filter,
    as `admin_list` does."""
    found = _changelist(model)
    params = {name: value for name, value in params.items() if value is not None and value != ""}
    if found is None or not _allowed(model, tuple(sorted([*params, key]))):
        return lambda value: ""
    without = f"{found[0]}?{urlencode(params)}" if params else found[0]
    prefix = f"{without}&" if params else f"{without}?"
    return lambda value: without if value is None or value == "" else f"{prefix}{urlencode({key: value})}"


@lru_cache(maxsize=4096)
def admin_change(model: str, pk) -> str:
    """The admin page of one row (cached: the same items and tasks are linked on every view)."""
    app_label, model_name = model.lower().split(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""
