"""Real Chromium (Debian's, never a downloaded build): the tab every browser test drives.

`tests/browser/` drives it on pytest-django's live server (in-process, inside the test database);
`tests/live/` drives it on the live stage (gunicorn, a Celery worker, no test transaction). The
session's one Chromium is the `browser` fixture of tests/conftest.py.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
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


@contextmanager
def launched_chromium():
    """Debian's Chromium, headless, for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
