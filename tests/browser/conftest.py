"""Real Chromium (Debian's, never a downloaded build) driving the portal on pytest-django's live server.

Each test opens pages with `open_browser(user=..., viewport=...)`; the returned Visit records every
request and console message, and `visit.assert_clean()` checks that nothing was loaded from outside
the portal and that the console (where the browser reports CSP violations) stayed free of errors.
"""

from __future__ import annotations

import pytest

from tests.browser.chromium import DESKTOP, PHONE, Visit  # noqa: F401 - PHONE for the tests


@pytest.fixture
def open_browser(browser, live_server, transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    contexts = []

    def _open(user=None, viewport=DESKTOP, **options) -> Visit:
        # options: more of playwright's new_context arguments (device_scale_factor, bypass_csp, ...).
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url, **options)
        if user is not None:
            from django.test import Client

            client = Client()
            client.force_login(user)
            context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
            )
        contexts.append(context)
        return Visit(context, live_server.url)

    yield _open
    for context in contexts:
        context.close()
