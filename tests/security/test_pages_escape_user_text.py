"""User text stays text: a script stored in every free-text field is shown inert on every page,
and the portal's own pages carry no inline script or style (the CSP would block them anyway)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.security.matrix import EXPECTED, ROLES
from tests.security.urls import all_url_names, build_url, default_kwargs

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
OUR_APPS = ("core", "workplan", "members", "proposals", "supervision", "dashboard")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.IGNORECASE)


def free_text_fields(model) -> list[models.Field]:
    """CharFields and TextFields a person types into (no choices, room for the payload)."""
    fields = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if isinstance(field, (models.EmailField, models.URLField, models.SlugField)) or field.choices:
            continue
        if field.max_length is not None and field.max_length < len(PAYLOAD) + 8:
            continue
        fields.append(field)
    return fields


def poison_every_free_text_field() -> int:
    """Write the payload into every free-text field of every row of our apps (and users' names)."""
    models_ = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS] + [get_user_model()]
    written = 0
    for model in models_:
        fields = free_text_fields(model)
        if model is get_user_model():
            fields = [model._meta.get_field("first_name"), model._meta.get_field("last_name")]
        if not fields:
            continue
        for pk in model._default_manager.values_list("pk", flat=True):
            # The row's id keeps unique fields unique. A plain QuerySet, as if written straight into
            # the database: the audit trail's own queryset refuses rewrites.
            models.QuerySet(model).filter(pk=pk).update(**{f.name: f"{PAYLOAD}{pk}" for f in fields})
            written += len(fields)
    return written


def portal_pages(world):
    """(role, URL) of every portal page (not API, not admin) the matrix says a role can open."""
    routes = dict(all_url_names())
    for name, row in EXPECTED.items():
        if name not in routes or name.startswith("admin:") or routes[name].startswith("api/"):
            continue
        url = build_url(name, default_kwargs(name, routes[name], world))
        for role, status in zip(ROLES, row, strict=True):
            if status == 200:
                yield role, url


def admin_pages(world):
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        opts = model._meta
        yield "staff", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield "staff", reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])


def fetch_all(world, pages):
    clients = {}
    for role, url in pages:
        if role not in clients:
            clients[role] = Client(raise_request_exception=False)
            if world.users[role] is not None:
                clients[role].force_login(world.users[role])
        response = clients[role].get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            yield role, url, response.content.decode()


def test_a_stored_script_is_shown_escaped_on_every_page_and_admin_screen(world):
    assert poison_every_free_text_field() > 100
    raw, shown = [], 0
    pages = list(portal_pages(world)) + list(admin_pages(world))
    for role, url, html in fetch_all(world, pages):
        if PAYLOAD in html:
            raw.append(f"{url} as {role}")
        shown += ESCAPED in html
    assert not raw, "a stored script reaches the page unescaped on:\n" + "\n".join(raw)
    assert shown > 20, "the sweep should see the stored text on many pages"


def test_portal_pages_have_no_inline_script_or_style(world):
    offenders = []
    for role, url, html in fetch_all(world, portal_pages(world)):
        for label, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("style=", STYLE_ATTRIBUTE),
            ("<style>", STYLE_BLOCK),
        ):
            match = pattern.search(html)
            if match:
                offenders.append(f"{url} as {role}: {label} {html[match.start() : match.start() + 80]!r}")
    assert not offenders, "\n".join(offenders)
