"""Real Chromium (Debian's, never a downloaded build) driving the portal on pytest-django's live server.

Each test opens pages with `open_browser(user=..., viewport=...)`; the returned Visit records every
request and console message, and `visit.assert_clean()` checks that nothing was loaded from outside
the portal and that the console (where the browser reports CSP violations) stayed free of errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Visit:
    """A browser tab that remembers what it loaded and what the console said."""

    def __init__(self, context, base_url: str):
        self.context = context
        self.base_url = base_url.rstrip("/")
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page = context.new_page()
        self.page.set_default_timeout(15000)
        self.failed: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "response",
            lambda response: (
                response.status >= 400 and self.failed.append(f"{response.status} {response.url}")
            ),
        )
        self.page.on(
            "console",
            lambda message: (
                message.type == "error" and self.console_errors.append(f"{self.page.url}: {message.text}")
            ),
        )
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return response

    def assert_clean(self) -> None:
        """Every request went to the portal itself; no console error (CSP violations included)."""
        host = urlsplit(self.base_url).netloc
        outside = [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != host
        ]
        assert not outside, f"loaded from outside the portal: {outside}"
        assert not self.console_errors, f"console errors: {self.console_errors}; failed loads: {self.failed}"


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
