"""Drill-down links: every figure points at the admin list that it counts, with the same filters.

Leaders have view-only admin and staff full admin, and only they see the dashboard, so the admin
changelists are the lists behind the numbers. Filters use the changelist's own query parameters
(`field__exact=…`), so the list shows exactly the rows the figure counts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def admin_list(model: str, **params) -> str:
    """The changelist URL of `app_label.modelname` with filters, or "" when that admin is absent."""
    app_label, model_name = model.lower().split(".")
    try:
        url = reverse(f"admin:{app_label}_{model_name}_changelist")
    except NoReverseMatch:
        return ""
    query = urlencode({key: value for key, value in params.items() if value is not None and value != ""})
    return f"{url}?{query}" if query else url


def admin_change(model: str, pk) -> str:
    app_label, model_name = model.lower().split(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""
